#include "messages/plan.hpp"

#include "messages/error.hpp"
#include "output_builders.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <fstream>
#include <map>
#include <set>

using namespace utsjekk;
using namespace utsjekk::test;

namespace {

namespace json = boost::json;

/// The send time the tests use.
local_time now() {
  return t("2026-06-20T14:03:11.123456");
}

sak_profile aap() {
  sak_profile x;
  x.fs = fagsystem::aap;
  x.sak_id = "AAP4Q1C";
  x.personident = "01418010181";
  x.stonad = "AAP_UNDER_ARBEIDSAVKLARING";
  x.klassekode = "AAPOR";
  x.fagomrade = "AAP";
  x.saksbehandler = "Z123456";
  x.beslutter = "Z654321";
  return x;
}

sak_profile dp() {
  return sak_profile{};
}

sak_profile tp() {
  sak_profile x;
  x.fs = fagsystem::tiltakspenger;
  x.sak_id = "202409271001";
  x.personident = "04448310464";
  x.stonad = "ARBEIDSTRENING";
  x.klassekode = "TPTPATT";
  x.fagomrade = "TILTPENG";
  x.saksbehandler = "tp";
  x.beslutter = "tp";
  return x;
}

/// A TS sak; `stonad`, `klassekode` and `fagomrade` pick the stønad group.
sak_profile ts(std::string stonad = "DAGLIG_REISE_AAP",
               std::string klassekode = "TSDRASISP1-OP",
               std::string fagomrade = "TILLSTDR") {
  sak_profile x;
  x.fs = fagsystem::tilleggsstonader;
  x.sak_id = "200000336";
  x.personident = "03438210333";
  x.stonad = std::move(stonad);
  x.klassekode = std::move(klassekode);
  x.fagomrade = std::move(fagomrade);
  x.pt = periodetype::en_gang;
  x.saksbehandler = "Z994808";
  x.beslutter = "Z994781";
  return x;
}

sak_profile historisk() {
  sak_profile x;
  x.fs = fagsystem::historisk;
  x.sak_id = "HJ-77120";
  x.personident = "05458410595";
  x.stonad = "HØREAPPARAT_ANSKAFFELSE";
  x.klassekode = "H-APP";
  x.fagomrade = "HELSREF";
  x.pt = periodetype::en_gang;
  x.saksbehandler = "historisk";
  x.beslutter = "historisk";
  return x;
}

sak_profile valp() {
  sak_profile x;
  x.fs = fagsystem::valp;
  x.sak_id = "VALP-1029";
  x.personident = "06468510616";
  x.stonad = "HOYERE_UTDANNING_SKOLEPENGER";
  x.klassekode = "TTOHOYUDSKOLP";
  x.fagomrade = "TILSOPP";
  x.pt = periodetype::en_gang;
  x.saksbehandler = "Z123456";
  x.beslutter = "Z654321";
  return x;
}

uuid uid(std::string_view text) {
  auto result = uuid::parse(text);
  REQUIRE(result);
  return *result;
}

/// A period paid through betalende enhet `enhet`.
periode with_enhet(periode x, std::string enhet) {
  x.betalende_enhet = std::move(enhet);
  return x;
}

/// Runs make_plan() and requires success.
plan must_plan(const decoded_message& msg, const sak_state& accepted,
               const id_generator& ids) {
  auto result = make_plan(msg, accepted, now(), ids);
  REQUIRE_MESSAGE(result, render(result.error()));
  return *result;
}

/// A sak state holding `xs` as OS accepted them.
sak_state state_of(std::vector<utbetaling> xs) {
  sak_state result;
  result.exists = !xs.empty();
  for (auto& x : xs)
    result.utbetalinger.emplace(x.uid, std::move(x));
  return result;
}

// -- the shared examples -----------------------------------------------------

/// The decoded messages of basic.jsonl that reach the plan, built by hand
/// from the JSON in that file, keyed by tx-id.
std::map<std::string, decoded_message> example_messages() {
  std::map<std::string, decoded_message> result;
  auto aap_1 = uid("5b0a3c1e-8f2d-4a55-9c1e-2f6a7d9e0b11");
  auto aap_2 = uid("c3d1f0aa-1b2c-4d3e-8f90-aa11bb22cc33");
  auto aap_vedtak = "2025-06-30T10:15:30";
  auto aap_msg = [&](std::string key, std::string bid, bool with_first,
                     uint64_t first_belop) {
    std::vector<utbetaling> xs;
    if (with_first)
      xs.push_back(make_utbetaling(
        aap(), aap_1, bid, {p("2025-06-02", "2025-06-13", first_belop, 1077)},
        aap_vedtak));
    xs.push_back(make_utbetaling(aap(), aap_2, bid,
                                 {p("2025-06-16", "2025-06-27", 1077, 1077)},
                                 aap_vedtak));
    result.emplace(key, make_message(aap(), key, bid, xs, aap_vedtak));
  };
  aap_msg("aap-0001", "B-AAP-1", true, 553);
  aap_msg("aap-0002", "B-AAP-2", true, 600);
  aap_msg("aap-0003", "B-AAP-3", false, 0);
  aap_msg("aap-0004", "B-AAP-4", false, 0);
  // dp-0001: the zero day is dropped; the ferietillegg is its own uid.
  auto dp_sak = dp();
  dp_sak.sak_id = "DPSAK0001";
  dp_sak.personident = "02428110202";
  auto ferie = dp_sak;
  ferie.stonad = "DAGPENGERFERIE";
  ferie.klassekode = "DAGPENGERFERIE";
  ferie.pt = periodetype::en_gang;
  result.emplace(
    "dp-0001",
    make_message(
      dp_sak, "dp-0001", "B-DP-1",
      {make_utbetaling(dp_sak, uid("ed0ce786-250c-402f-9c8a-a07b66eaf91f"),
                       "B-DP-1",
                       {p("2026-06-01", "2026-06-02", 1573, 1573),
                        p("2026-06-03", "2026-06-03", 900, 1573)}),
       make_utbetaling(ferie, uid("ee12b884-e4e0-aa37-0a92-206ede611445"),
                       "B-DP-1", {p("2026-06-14", "2026-06-14", 4200)})}));
  // dp-0002: every day is zero, so the message carries no utbetaling.
  auto dp_2 = dp_sak;
  dp_2.sak_id = "DPSAK0002";
  result.emplace("dp-0002", make_message(dp_2, "dp-0002", "B-DP-2", {}));
  // ts-0001 and ts-0002: one stønad, then its explicit opphør.
  auto ts_uid = uid("6d39c90c-0f20-4949-9cec-308ab7815914");
  auto ts_vedtak = "2025-08-29T12:37:50";
  result.emplace(
    "ts-0001",
    make_message(ts(), "ts-0001", "511",
                 {make_utbetaling(
                   ts(), ts_uid, "511",
                   {with_enhet(p("2025-08-01", "2025-08-31", 1840), "0314")},
                   ts_vedtak)},
                 ts_vedtak));
  auto ts_del = make_opphor(ts(), ts_uid, "512");
  ts_del.vedtakstidspunkt = t(ts_vedtak);
  result.emplace("ts-0002", make_message(ts(), "ts-0002", "512", {ts_del},
                                         ts_vedtak));
  // tp-0001: two weeks merged across the weekend, plus the barnetillegg.
  auto barn = tp();
  barn.klassekode = "TPBTATTILT";
  result.emplace(
    "tp-0001",
    make_message(
      tp(), "tp-0001", "B-TP-1",
      {make_utbetaling(tp(), uid_of(1), "B-TP-1",
                       {with_enhet(p("2025-06-02", "2025-06-13", 285),
                                   "0220")}),
       make_utbetaling(barn, uid_of(2), "B-TP-1",
                       {with_enhet(p("2025-06-02", "2025-06-13", 55),
                                   "0220")})}));
  result.emplace(
    "hist-0001",
    make_message(historisk(), "hist-0001", "77120-1",
                 {make_utbetaling(historisk(),
                                  uid("9a7d2c3e-1111-4222-8333-944455566677"),
                                  "77120-1",
                                  {p("2025-03-10", "2025-03-10", 4500)})}));
  // valp-0001 and valp-0002: a tilskudd, then belop 0, its opphør.
  auto valp_uid = uid("2f9b7c10-aaaa-4bbb-8ccc-dddd0000eeee");
  auto valp_vedtak = "2025-08-10T08:30:00";
  result.emplace(
    "valp-0001",
    make_message(valp(), "valp-0001", "b-1029-3",
                 {make_utbetaling(
                   valp(), valp_uid, "b-1029-3",
                   {with_enhet(p("2025-08-15", "2025-12-20", 12000), "0314")},
                   valp_vedtak)},
                 valp_vedtak));
  auto valp_del = make_opphor(valp(), valp_uid, "b-1029-4",
                              action::fake_delete);
  result.emplace("valp-0002", make_message(valp(), "valp-0002", "b-1029-4",
                                           {valp_del}, valp_vedtak));
  return result;
}

/// The expected outcomes, one JSON object per line.
std::vector<json::object> expected_outcomes() {
  std::ifstream in{std::string{UTSJEKK_EXAMPLES_DIR}
                   + "/basic.expected.jsonl"};
  REQUIRE(in);
  std::vector<json::object> result;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty())
      continue;
    result.push_back(json::parse(line).as_object());
  }
  return result;
}

std::string str(const json::value& v) {
  return std::string{v.as_string()};
}

/// Checks every field the expected line names against `l`.
void check_expected_line(const json::object& want, const oppdragslinje& l) {
  if (auto x = want.if_contains("kodeEndringLinje"))
    CHECK(l.kode_endring_linje == str(*x));
  if (auto x = want.if_contains("kodeStatusLinje"))
    CHECK(l.kode_status_linje == str(*x));
  if (auto x = want.if_contains("datoStatusFom"))
    CHECK(l.dato_status_fom == parse_date(str(*x)));
  if (auto x = want.if_contains("kodeKlassifik"))
    CHECK(l.kode_klassifik == str(*x));
  if (auto x = want.if_contains("fom"))
    CHECK(l.dato_vedtak_fom == parse_date(str(*x)));
  if (auto x = want.if_contains("tom"))
    CHECK(l.dato_vedtak_tom == parse_date(str(*x)));
  if (auto x = want.if_contains("sats"))
    CHECK(l.sats.value == x->to_number<uint64_t>());
  if (auto x = want.if_contains("typeSats"))
    CHECK(l.type_sats == str(*x));
  if (auto x = want.if_contains("vedtakssats"))
    CHECK(l.vedtakssats == kroner{x->to_number<uint64_t>()});
  if (auto x = want.if_contains("ref"))
    CHECK(l.ref_delytelse_id.has_value() == x->as_bool());
}

/// Checks the plan against the expected outcome of one tx-id.
void check_expected(const json::object& want, const plan& got) {
  const auto& oppdrag = want.at("oppdrag");
  if (oppdrag.is_null()) {
    CHECK(got.oppdrag.empty());
    CHECK_FALSE(got.detaljer);
    return;
  }
  const auto& o = oppdrag.as_object();
  REQUIRE(got.oppdrag.size() == 1);
  const auto& po = got.oppdrag.front();
  CHECK(po.oppdrag.kode_endring == str(o.at("kodeEndring")));
  CHECK(po.oppdrag.kode_fagomraade == str(o.at("kodeFagomraade")));
  if (auto x = o.if_contains("utbetFrekvens"))
    CHECK(po.oppdrag.utbet_frekvens == str(*x));
  if (auto x = o.if_contains("uids")) {
    std::set<uuid> want_uids;
    for (const auto& u : x->as_array())
      want_uids.insert(uid(str(u)));
    CHECK(std::set<uuid>(po.uids.begin(), po.uids.end()) == want_uids);
  }
  const auto& lines = o.at("linjer").as_array();
  REQUIRE(po.oppdrag.linjer.size() == lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO("line ", i);
    check_expected_line(lines[i].as_object(), po.oppdrag.linjer[i]);
  }
}

} // namespace

TEST_SUITE("messages/plan") {

TEST_CASE("the examples reach their expected outcomes") {
  auto messages = example_messages();
  std::map<sak_key, sak_state> saker;
  counting_ids ids;
  size_t checked = 0;
  for (const auto& want : expected_outcomes()) {
    auto key = str(want.at("key"));
    auto msg = messages.find(key);
    if (msg == messages.end() || str(want.at("status")) != "OK")
      continue;
    INFO("tx-id ", key);
    auto& state = saker[msg->second.sak];
    auto result = must_plan(msg->second, state, ids.generator());
    check_expected(want, result);
    // The next message of the sak sees what OS accepted.
    for (const auto& po : result.oppdrag)
      accept(state, po);
    ++checked;
  }
  CHECK(checked == messages.size());
}

TEST_CASE("oppdrag-110 carries the fields of reference §3.1") {
  counting_ids ids;
  auto msg = make_message(
    dp(), "tx-1", "B1",
    {make_utbetaling(dp(), uid_of(1), "B1",
                     {p("2026-06-01", "2026-06-02", 1573, 1573)})});
  auto result = must_plan(msg, sak_state{}, ids.generator());
  REQUIRE(result.oppdrag.size() == 1);
  const auto& o = result.oppdrag[0].oppdrag;
  CHECK_FALSE(o.mmel);
  CHECK(o.kode_aksjon == "1");
  CHECK(o.kode_endring == "NY");
  CHECK(o.kode_fagomraade == "DP");
  CHECK(o.fagsystem_id == "AZ6M2KLZfmOCyWnleGOMzg==");
  CHECK(o.utbet_frekvens == "MND");
  CHECK(o.oppdrag_gjelder_id == "10049437035");
  CHECK(o.dato_oppdrag_gjelder_fom == d("2000-01-01"));
  CHECK(o.saksbeh_id == "dagpenger");
  CHECK(o.kode_komponent == "DP");
  CHECK(o.nokkel_avstemming == "2026-06-20-10.10.00.000000");
  CHECK(o.tidspkt_melding == "2026-06-20-14.03.11.123456");
  CHECK_FALSE(o.avvent);
  REQUIRE(o.enheter.size() == 1);
  CHECK(o.enheter[0]
        == oppdrags_enhet{"BOS", "8020", d("1970-01-01")});
  CHECK(result.oppdrag[0].uids == std::vector{uid_of(1)});
}

TEST_CASE("the newest period's betalende enhet pays") {
  counting_ids ids;
  SUBCASE("BOS is that enhet and BEH 8020") {
    auto msg = make_message(
      tp(), "tx-1", "B1",
      {make_utbetaling(
        tp(), uid_of(1), "B1",
        {with_enhet(p("2025-06-02", "2025-06-06", 285), "0314"),
         with_enhet(p("2025-06-16", "2025-06-20", 285), "0220")})});
    auto result = must_plan(msg, sak_state{}, ids.generator());
    REQUIRE(result.oppdrag.size() == 1);
    const auto& enheter = result.oppdrag[0].oppdrag.enheter;
    REQUIRE(enheter.size() == 2);
    CHECK(enheter[0] == oppdrags_enhet{"BOS", "0220", d("1970-01-01")});
    CHECK(enheter[1] == oppdrags_enhet{"BEH", "8020", d("1970-01-01")});
  }
  SUBCASE("without an enhet on the newest period, BOS 8020 alone") {
    auto msg = make_message(
      tp(), "tx-1", "B1",
      {make_utbetaling(tp(), uid_of(1), "B1",
                       {with_enhet(p("2025-06-02", "2025-06-06", 285), "0314"),
                        p("2025-06-16", "2025-06-20", 285)})});
    auto result = must_plan(msg, sak_state{}, ids.generator());
    REQUIRE(result.oppdrag.size() == 1);
    CHECK(result.oppdrag[0].oppdrag.enheter
          == std::vector{oppdrags_enhet{"BOS", "8020", d("1970-01-01")}});
  }
}

TEST_CASE("an AAP avvent becomes avvent-118") {
  counting_ids ids;
  auto x = make_utbetaling(aap(), uid_of(1), "B1",
                           {p("2025-06-02", "2025-06-13", 553, 1077)});
  x.avvent = avvent{d("2025-06-02"), d("2025-06-13"), d("2025-07-01"),
                    "AVVENT_REFUSJONSKRAV", true};
  SUBCASE("AAP") {
    auto result = must_plan(make_message(aap(), "tx-1", "B1", {x}),
                            sak_state{}, ids.generator());
    REQUIRE(result.oppdrag.size() == 1);
    const auto& a = result.oppdrag[0].oppdrag.avvent;
    REQUIRE(a);
    CHECK(a->dato_avvent_fom == d("2025-06-02"));
    CHECK(a->dato_avvent_tom == d("2025-06-13"));
    CHECK(a->dato_overfores == d("2025-07-01"));
    CHECK(a->kode_arsak == "AVRK");
    CHECK(a->feilreg == "J");
  }
  SUBCASE("other fagsystemer send none") {
    auto other = x;
    other.fagsystem = fagsystem::dagpenger;
    auto msg = make_message(dp(), "tx-1", "B1", {other});
    auto result = must_plan(msg, sak_state{}, ids.generator());
    REQUIRE(result.oppdrag.size() == 1);
    CHECK_FALSE(result.oppdrag[0].oppdrag.avvent);
  }
}

TEST_CASE("kodeEndring is NY only for the first oppdrag of a fagområde") {
  counting_ids ids;
  auto a = p("2025-08-01", "2025-08-31", 1840);
  SUBCASE("an opphørt utbetaling keeps the sak ENDR") {
    auto deleted = accepted_version(
      make_utbetaling(ts(), uid_of(1), "511", {a}), periode_id(100));
    deleted.action = action::del;
    auto msg = make_message(ts(), "tx-3", "513",
                            {make_utbetaling(ts(), uid_of(2), "513", {a})});
    auto result = must_plan(msg, state_of({deleted}), ids.generator());
    REQUIRE(result.oppdrag.size() == 1);
    CHECK(result.oppdrag[0].oppdrag.kode_endring == "ENDR");
    INFO("a new uid on an existing sak starts its own chain");
    CHECK_FALSE(result.oppdrag[0].oppdrag.linjer[0].ref_delytelse_id);
    CHECK_FALSE(result.oppdrag[0].next_state[0].forste_utbetaling_pa_sak);
  }
  SUBCASE("another fagområde of the same sak does not count") {
    auto laeremidler = ts("LÆREMIDLER_AAP", "TSLMASISP3-OP", "TILLSTLM");
    auto other = accepted_version(
      make_utbetaling(laeremidler, uid_of(1), "511", {a}), periode_id(100));
    auto msg = make_message(ts(), "tx-3", "513",
                            {make_utbetaling(ts(), uid_of(2), "513", {a})});
    auto result = must_plan(msg, state_of({other}), ids.generator());
    REQUIRE(result.oppdrag.size() == 1);
    CHECK(result.oppdrag[0].oppdrag.kode_endring == "NY");
    CHECK(result.oppdrag[0].next_state[0].forste_utbetaling_pa_sak);
  }
}

TEST_CASE("several utbetalinger of a fagområde go into one oppdrag") {
  counting_ids ids;
  auto msg = make_message(
    aap(), "tx-1", "B1",
    {make_utbetaling(aap(), uid_of(1), "B1",
                     {p("2025-06-16", "2025-06-27", 1077, 1077)}),
     make_utbetaling(aap(), uid_of(2), "B1",
                     {p("2025-06-02", "2025-06-06", 553, 1077),
                      p("2025-06-09", "2025-06-13", 600, 1077)})});
  auto result = must_plan(msg, sak_state{}, ids.generator());
  REQUIRE(result.oppdrag.size() == 1);
  const auto& po = result.oppdrag[0];
  CHECK(po.uids == std::vector{uid_of(1), uid_of(2)});
  REQUIRE(po.oppdrag.linjer.size() == 3);
  INFO("chaining stays inside each utbetaling");
  CHECK_FALSE(po.oppdrag.linjer[0].ref_delytelse_id);
  CHECK_FALSE(po.oppdrag.linjer[1].ref_delytelse_id);
  CHECK(po.oppdrag.linjer[2].ref_delytelse_id
        == po.oppdrag.linjer[1].delytelse_id);
  REQUIRE(po.next_state.size() == 2);
  CHECK(po.next_state[0].last_periode_id == periode_id(1));
  CHECK(po.next_state[1].last_periode_id == periode_id(3));
  for (const auto& s : po.next_state) {
    CHECK(s.original_key == "tx-1");
    CHECK(s.forste_utbetaling_pa_sak);
    CHECK(s.action == action::create);
  }
}

TEST_CASE("TS with two fagområder sends two oppdrag") {
  counting_ids ids;
  auto laeremidler = ts("LÆREMIDLER_AAP", "TSLMASISP3-OP", "TILLSTLM");
  auto reise = accepted_version(
    make_utbetaling(ts(), uid_of(1), "511",
                    {p("2025-07-01", "2025-07-31", 1840)}),
    periode_id(100));
  auto msg = make_message(
    ts(), "tx-2", "512",
    {make_utbetaling(ts(), uid_of(1), "512",
                     {p("2025-07-01", "2025-07-31", 1500)}),
     make_utbetaling(laeremidler, uid_of(2), "512",
                     {p("2025-08-01", "2025-08-01", 500)})});
  auto result = must_plan(msg, state_of({reise}), ids.generator());
  REQUIRE(result.oppdrag.size() == 2);
  const auto& first = result.oppdrag[0];
  const auto& second = result.oppdrag[1];
  CHECK(first.oppdrag.kode_fagomraade == "TILLSTDR");
  CHECK(first.oppdrag.kode_komponent == "TILLSTDR");
  CHECK(first.oppdrag.kode_endring == "ENDR");
  CHECK(first.uids == std::vector{uid_of(1)});
  REQUIRE(first.oppdrag.linjer.size() == 1);
  CHECK(first.oppdrag.linjer[0].kode_klassifik == "TSDRASISP1-OP");
  CHECK(second.oppdrag.kode_fagomraade == "TILLSTLM");
  CHECK(second.oppdrag.kode_endring == "NY");
  CHECK(second.uids == std::vector{uid_of(2)});
  REQUIRE(second.oppdrag.linjer.size() == 1);
  CHECK(second.oppdrag.linjer[0].kode_klassifik == "TSLMASISP3-OP");
  INFO("both share the sak");
  CHECK(first.oppdrag.fagsystem_id == second.oppdrag.fagsystem_id);
  REQUIRE(result.detaljer);
  CHECK(result.detaljer->linjer.size() == 2);
}

TEST_CASE("a full picture opphører the active uids it leaves out") {
  counting_ids ids;
  auto kept = p("2026-06-15", "2026-06-19", 1000, 1000);
  auto dropped = p("2026-06-01", "2026-06-05", 1000, 1000);
  auto state = state_of(
    {accepted_version(make_utbetaling(dp(), uid_of(1), "B1", {dropped}),
                      periode_id(100)),
     accepted_version(make_utbetaling(dp(), uid_of(2), "B1", {kept}),
                      periode_id(101))});
  auto deleted = accepted_version(
    make_utbetaling(dp(), uid_of(3), "B0", {p("2026-05-01", "2026-05-01", 1)}),
    periode_id(102));
  deleted.action = action::del;
  state.utbetalinger.emplace(deleted.uid, deleted);
  SUBCASE("Dagpenger") {
    auto msg = make_message(
      dp(), "tx-2", "B2", {make_utbetaling(dp(), uid_of(2), "B2", {kept})});
    auto result = must_plan(msg, state, ids.generator());
    REQUIRE(result.oppdrag.size() == 1);
    const auto& po = result.oppdrag[0];
    CHECK(po.oppdrag.kode_endring == "ENDR");
    CHECK(po.uids == std::vector{uid_of(1)});
    REQUIRE(po.oppdrag.linjer.size() == 1);
    const auto& l = po.oppdrag.linjer[0];
    CHECK(l.kode_status_linje == "OPPH");
    CHECK(l.dato_status_fom == dropped.fom);
    CHECK(l.delytelse_id == periode_id(100).to_base64());
    CHECK(l.henvisning == "B2");
    REQUIRE(po.next_state.size() == 1);
    CHECK(po.next_state[0].action == action::del);
    CHECK(po.next_state[0].behandling_id == "B1");
  }
  SUBCASE("not for TS, which only opphører explicitly") {
    auto ts_state = state;
    for (auto& [id, x] : ts_state.utbetalinger) {
      auto profile = ts();
      x.fagsystem = profile.fs;
      x.stonad = profile.stonad;
      x.klassekode = profile.klassekode;
      x.fagomrade = profile.fagomrade;
      x.periodetype = profile.pt;
      x.personident = profile.personident;
      x.sak_id = profile.sak_id;
    }
    auto msg = make_message(ts(), "tx-2", "B2",
                            {make_utbetaling(ts(), uid_of(2), "B2", {kept})});
    auto result = must_plan(msg, ts_state, ids.generator());
    CHECK(result.oppdrag.empty());
  }
}

TEST_CASE("detaljer list every line by fom, opphør lines with beløp 0") {
  counting_ids ids;
  auto old = p("2025-06-16", "2025-06-27", 1077, 1077);
  auto state = state_of({accepted_version(
    make_utbetaling(aap(), uid_of(1), "B1", {old}), periode_id(100))});
  auto msg = make_message(
    aap(), "tx-2", "B2",
    {make_utbetaling(aap(), uid_of(2), "B2",
                     {p("2025-06-02", "2025-06-13", 553, 1077)})});
  auto result = must_plan(msg, state, ids.generator());
  REQUIRE(result.detaljer);
  CHECK(result.detaljer->ytelse == fagsystem::aap);
  auto want = std::vector{
    status_linje{"B2", d("2025-06-02"), d("2025-06-13"), kroner{1077},
                 kroner{553}, "AAPOR"},
    status_linje{"B2", d("2025-06-16"), d("2025-06-27"), kroner{1077},
                 kroner{0}, "AAPOR"},
  };
  CHECK(result.detaljer->linjer == want);
  INFO("the oppdrag itself keeps the opphør line after the new line");
  REQUIRE(result.oppdrag.size() == 1);
  CHECK(result.oppdrag[0].oppdrag.linjer[1].kode_status_linje == "OPPH");
}

TEST_CASE("a message that changes nothing plans no oppdrag") {
  counting_ids ids;
  auto x = make_utbetaling(dp(), uid_of(1), "B1",
                           {p("2026-06-01", "2026-06-02", 1573, 1573)});
  auto state = state_of({accepted_version(x, periode_id(100))});
  auto again = make_message(dp(), "tx-2", "B2", {x});
  auto result = must_plan(again, state, ids.generator());
  CHECK(result.oppdrag.empty());
  CHECK_FALSE(result.detaljer);
  CHECK(*ids.calls == 0);
  SUBCASE("nor does an empty message on an empty sak") {
    auto empty = make_message(dp(), "tx-3", "B3", {});
    auto nothing = must_plan(empty, sak_state{}, ids.generator());
    CHECK(nothing.oppdrag.empty());
  }
}

TEST_CASE("errors of one utbetaling fail the whole message") {
  counting_ids ids;
  auto x = make_utbetaling(ts(), uid_of(1), "B1",
                           {p("2025-08-01", "2025-08-31", 1840)});
  auto state = state_of({accepted_version(x, periode_id(100))});
  SUBCASE("a changed stønad") {
    auto other = ts("LÆREMIDLER_AAP", "TSLMASISP3-OP", "TILLSTLM");
    auto msg = make_message(
      ts(), "tx-2", "B2",
      {make_utbetaling(ts(), uid_of(2), "B2",
                       {p("2025-08-01", "2025-08-31", 10)}),
       make_utbetaling(other, uid_of(1), "B2",
                       {p("2025-08-01", "2025-08-31", 10)})});
    auto result = make_plan(msg, state, now(), ids.generator());
    REQUIRE_FALSE(result);
    CHECK(result.error() == ec::immutable_field);
  }
  SUBCASE("an opphør of an unknown uid") {
    auto msg = make_message(ts(), "tx-2", "B2",
                            {make_opphor(ts(), uid_of(7), "B2")});
    auto result = make_plan(msg, state, now(), ids.generator());
    REQUIRE_FALSE(result);
    CHECK(result.error() == ec::unknown_utbetaling);
  }
}

TEST_CASE("accept records the next state of every uid") {
  counting_ids ids;
  auto msg = make_message(
    ts(), "tx-1", "511",
    {make_utbetaling(ts(), uid_of(1), "511",
                     {p("2025-08-01", "2025-08-31", 1840)})});
  sak_state state;
  auto first = must_plan(msg, state, ids.generator());
  REQUIRE(first.oppdrag.size() == 1);
  accept(state, first.oppdrag[0]);
  CHECK(state.exists);
  REQUIRE(state.utbetalinger.count(uid_of(1)) == 1);
  CHECK(state.utbetalinger.at(uid_of(1)) == first.oppdrag[0].next_state[0]);
  INFO("the same message again changes nothing");
  CHECK(must_plan(msg, state, ids.generator()).oppdrag.empty());
}

}
