#include "messages/decode.hpp"

#include "messages/error.hpp"
#include "messages/time.hpp"
#include "messages/uid.hpp"

#include "decode_examples.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <tuple>

using namespace utsjekk;
using namespace std::chrono;
using test::code_of;

namespace {

/// Decodes `payload` of `fs` under the key "k".
caf::expected<decoded_message> run(fagsystem fs, std::string_view payload) {
  return decode(fs, tx_id{"k"}, payload);
}

/// Decodes a message that must be valid.
decoded_message ok(fagsystem fs, std::string_view payload) {
  auto result = run(fs, payload);
  if (!result)
    FAIL(render(result.error()));
  return std::move(*result);
}

/// The error of a message that must be invalid.
caf::error bad(fagsystem fs, std::string_view payload) {
  auto result = run(fs, payload);
  if (result)
    FAIL("decoded an invalid message");
  return std::move(result.error());
}

periode per(date fom, date tom, uint64_t belop,
            std::optional<uint64_t> sats = std::nullopt,
            std::optional<std::string> enhet = std::nullopt) {
  periode result{fom, tom, kroner{belop}, std::move(enhet), std::nullopt};
  if (sats)
    result.vedtakssats = kroner{*sats};
  return result;
}

/// An AAP message with the given utbetalinger array.
std::string aap(std::string_view items, std::string_view extra = "") {
  return std::string{R"({"sakId": "S1", "behandlingId": "B1",
    "ident": "01418010181", "vedtakstidspunktet": "2025-06-30T10:15:30",)"}
         + std::string{extra} + R"( "utbetalinger": [)" + std::string{items}
         + "]}";
}

/// A Dagpenger message with the given days.
std::string dp(std::string_view days, std::string_view extra = "") {
  return std::string{R"({"sakId": "DPSAK0009", "behandlingId": "B1",
    "ident": "02428110202", "vedtakstidspunktet": "2026-06-20T14:03:00",)"}
         + std::string{extra} + R"( "utbetalinger": [)" + std::string{days}
         + "]}";
}

std::string dp_day(std::string_view dato, int belop, int sats = 1000,
                   std::string_view type = "Dagpenger",
                   std::string_view meldeperiode = "M1") {
  return R"({"meldeperiode": ")" + std::string{meldeperiode}
         + R"(", "dato": ")" + std::string{dato}
         + R"(", "sats": )" + std::to_string(sats)
         + R"(, "utbetaltBeløp": )" + std::to_string(belop)
         + R"(, "utbetalingstype": ")" + std::string{type}
         + R"(", "rettighetstype": "Ordinær"})";
}

/// A Tiltakspenger message with the given perioder.
std::string tp(std::string_view perioder) {
  return std::string{R"({"sakId": "TPSAK1", "behandlingId": "B1",
    "personident": "04448310464", "vedtakstidspunkt": "2025-06-17T09:00:00",
    "perioder": [)"} + std::string{perioder} + "]}";
}

/// A Tilleggsstønader message with the given periodetype and utbetalinger.
std::string ts(std::string_view periodetype, std::string_view utbetalinger,
               std::string_view sak_id = "200000336") {
  return R"({"sakId": ")" + std::string{sak_id}
         + R"(", "behandlingId": "511", "personident": "03438210333",
    "vedtakstidspunkt": "2025-08-29T12:37:50", "periodetype": ")"
         + std::string{periodetype} + R"(", "utbetalinger": [)"
         + std::string{utbetalinger} + "]}";
}

/// One TS utbetaling of `stonad` with the given perioder.
std::string ts_item(std::string_view perioder,
                    std::string_view stonad = "DAGLIG_REISE_AAP",
                    std::string_view id
                    = "6d39c90c-0f20-4949-9cec-308ab7815914",
                    std::string_view extra = "") {
  return R"({"id": ")" + std::string{id} + R"(", "stønad": ")"
         + std::string{stonad} + "\"" + std::string{extra}
         + R"(, "perioder": [)" + std::string{perioder} + "]}";
}

std::string ts_periode(std::string_view fom, std::string_view tom,
                       int belop = 100) {
  return R"({"fom": ")" + std::string{fom} + R"(", "tom": ")"
         + std::string{tom} + R"(", "beløp": )" + std::to_string(belop)
         + "}";
}

/// A Historisk message.
std::string hist(std::string_view periodetype, std::string_view perioder) {
  return std::string{R"({"id": "9a7d2c3e-1111-4222-8333-944455566677",
    "sakId": "HJ-1", "behandlingId": "1", "personident": "05458410595",
    "stønad": "HØREAPPARAT_ANSKAFFELSE",
    "vedtakstidspunkt": "2025-03-10T13:00:00", "periodetype": ")"}
         + std::string{periodetype} + R"(", "perioder": [)"
         + std::string{perioder} + "]}";
}

/// A Valp message with `belop`, besluttetTidspunkt `at` and extra fields.
std::string valp(std::string_view belop,
                 std::string_view at = "2025-08-10T08:30:00Z",
                 std::string_view extra = R"("saksbehandler": "Z1",)") {
  return std::string{R"({"id": "2f9b7c10-aaaa-4bbb-8ccc-dddd0000eeee",
    "sakId": "VALP-1", "behandlingId": "b-1", "personIdent": "06468510616",
    "periode": {"fom": "2025-08-15", "tom": "2025-12-20"},
    "tilskuddstype": "SKOLEPENGER", "tiltakskode": "HOYERE_UTDANNING",)"}
         + std::string{extra} + R"( "besluttetTidspunkt": ")"
         + std::string{at} + R"(", "belop": )" + std::string{belop} + "}";
}

/// The utbetaling of `msg` with stønad `stonad`.
const utbetaling& with_stonad(const decoded_message& msg,
                              std::string_view stonad) {
  for (const auto& u : msg.utbetalinger)
    if (u.stonad == stonad)
      return u;
  FAIL("no utbetaling with stønad " << stonad);
  return msg.utbetalinger.front();
}

/// The expected outcome of `key` in basic.expected.jsonl.
boost::json::object expected_outcome(std::string_view key) {
  for (auto& x : test::read_jsonl("basic.expected.jsonl"))
    if (x.at("key").as_string() == key)
      return x;
  FAIL("no expected outcome for " << key);
  return {};
}

/// The value of the record `key` in basic.jsonl.
std::string record_of(std::string_view key) {
  for (const auto& rec : test::basic_records())
    if (rec.key == key)
      return rec.value;
  FAIL("no record " << key);
  return {};
}

} // namespace

TEST_SUITE("messages/decode") {

TEST_CASE("the example messages of every fagsystem") {
  SUBCASE("AAP") {
    auto msg = ok(fagsystem::aap, test::read_example("messages/aap.json"));
    CHECK(msg.key.value == "k");
    CHECK(msg.sak == sak_key{"AAP4Q1C", fagsystem::aap});
    CHECK(msg.full_picture);
    CHECK_FALSE(msg.dryrun);
    CHECK(msg.behandling_id == "B-AAP-1");
    CHECK(msg.personident == "01418010181");
    CHECK(to_string(msg.vedtakstidspunkt) == "2025-06-30T10:15:30");
    CHECK(msg.saksbehandler == "Z123456");
    CHECK(msg.beslutter == "Z654321");
    REQUIRE(msg.utbetalinger.size() == 2);
    const auto& u = msg.utbetalinger[0];
    CHECK(u.uid.to_string() == "5b0a3c1e-8f2d-4a55-9c1e-2f6a7d9e0b11");
    CHECK(u.original_key == "k");
    CHECK(u.fagsystem == fagsystem::aap);
    CHECK(u.action == action::create);
    CHECK(u.sak_id == "AAP4Q1C");
    CHECK(u.behandling_id == "B-AAP-1");
    CHECK(u.personident == "01418010181");
    CHECK(u.vedtakstidspunkt == msg.vedtakstidspunkt);
    CHECK(u.stonad == "AAP_UNDER_ARBEIDSAVKLARING");
    CHECK(u.klassekode == "AAPOR");
    CHECK(u.fagomrade == "AAP");
    CHECK(u.saksbehandler_id == "Z123456");
    CHECK(u.beslutter_id == "Z654321");
    CHECK(u.periodetype == periodetype::ukedag);
    CHECK_FALSE(u.avvent);
    CHECK(u.perioder
          == std::vector{per(2025y / June / 2d, 2025y / June / 13d, 553,
                             1077)});
    CHECK(msg.utbetalinger[1].perioder
          == std::vector{per(2025y / June / 16d, 2025y / June / 27d, 1077,
                             1077)});
  }
  SUBCASE("Dagpenger") {
    auto msg = ok(fagsystem::dagpenger,
                  test::read_example("messages/dp.json"));
    CHECK(msg.full_picture);
    CHECK(msg.saksbehandler == "dagpenger");
    CHECK(msg.beslutter == "dagpenger");
    REQUIRE(msg.utbetalinger.size() == 2);
    const auto& days = with_stonad(msg, "DAGPENGER");
    CHECK(days.klassekode == "DAGPENGER");
    CHECK(days.fagomrade == "DP");
    CHECK(days.periodetype == periodetype::ukedag);
    CHECK(days.saksbehandler_id == "dagpenger");
    CHECK(days.perioder
          == std::vector{per(2026y / June / 1d, 2026y / June / 2d, 1573, 1573),
                         per(2026y / June / 3d, 2026y / June / 3d, 900,
                             1573)});
    const auto& ferie = with_stonad(msg, "DAGPENGERFERIE");
    CHECK(ferie.klassekode == "DAGPENGERFERIE");
    CHECK(ferie.periodetype == periodetype::en_gang);
    CHECK(ferie.perioder
          == std::vector{per(2026y / June / 14d, 2026y / June / 14d, 4200,
                             4200)});
    auto uids = expected_outcome("dp-0001").at("oppdrag").at("uids");
    CHECK(days.uid.to_string() == uids.as_array()[0].as_string());
    CHECK(ferie.uid.to_string() == uids.as_array()[1].as_string());
  }
  SUBCASE("Tiltakspenger") {
    auto msg = ok(fagsystem::tiltakspenger,
                  test::read_example("messages/tp.json"));
    CHECK(msg.full_picture);
    CHECK(msg.saksbehandler == "tp");
    REQUIRE(msg.utbetalinger.size() == 2);
    const auto& plain = with_stonad(msg, "ARBEIDSTRENING");
    const auto& barn = with_stonad(msg, "ARBEIDSTRENING_BARN");
    CHECK(plain.klassekode == "TPTPATT");
    CHECK(barn.klassekode == "TPBTATTILT");
    CHECK(plain.fagomrade == "TILTPENG");
    INFO("Friday 6 June and Monday 9 June are neighbours");
    CHECK(plain.perioder
          == std::vector{per(2025y / June / 2d, 2025y / June / 13d, 285, {},
                             "0220")});
    CHECK(barn.perioder
          == std::vector{per(2025y / June / 2d, 2025y / June / 13d, 55, {},
                             "0220")});
    CHECK(plain.uid == derived_uid(fagsystem::tiltakspenger, "202409271001",
                                   "2025-06-02/2025-06-15", "TPTPATT"));
    CHECK(barn.uid == derived_uid(fagsystem::tiltakspenger, "202409271001",
                                  "2025-06-02/2025-06-15", "TPBTATTILT"));
  }
  SUBCASE("Tilleggsstønader") {
    auto msg = ok(fagsystem::tilleggsstonader,
                  test::read_example("messages/ts.json"));
    CHECK_FALSE(msg.full_picture);
    CHECK(msg.sak == sak_key{"200000336", fagsystem::tilleggsstonader});
    REQUIRE(msg.utbetalinger.size() == 1);
    const auto& u = msg.utbetalinger[0];
    CHECK(u.uid.to_string() == "6d39c90c-0f20-4949-9cec-308ab7815914");
    CHECK(u.klassekode == "TSDRASISP1-OP");
    CHECK(u.fagomrade == "TILLSTDR");
    CHECK(u.periodetype == periodetype::en_gang);
    CHECK(u.saksbehandler_id == "Z994808");
    CHECK(u.beslutter_id == "Z994781");
    CHECK(u.perioder
          == std::vector{per(2025y / August / 1d, 2025y / August / 31d, 1840,
                             {}, "0314")});
  }
  SUBCASE("Historisk") {
    auto msg = ok(fagsystem::historisk,
                  test::read_example("messages/hist.json"));
    CHECK_FALSE(msg.full_picture);
    CHECK(msg.saksbehandler == "historisk");
    REQUIRE(msg.utbetalinger.size() == 1);
    const auto& u = msg.utbetalinger[0];
    CHECK(u.klassekode == "H-APP");
    CHECK(u.fagomrade == "HELSREF");
    CHECK(u.beslutter_id == "historisk");
    CHECK(u.perioder
          == std::vector{per(2025y / March / 10d, 2025y / March / 10d,
                             4500)});
  }
  SUBCASE("Valp") {
    auto msg = ok(fagsystem::valp, test::read_example("messages/valp.json"));
    CHECK_FALSE(msg.full_picture);
    CHECK(msg.personident == "06468510616");
    INFO("08:30 UTC in August is 10:30 in Norway");
    CHECK(to_string(msg.vedtakstidspunkt) == "2025-08-10T10:30:00");
    REQUIRE(msg.utbetalinger.size() == 1);
    const auto& u = msg.utbetalinger[0];
    CHECK(u.stonad == "HOYERE_UTDANNING_SKOLEPENGER");
    CHECK(u.klassekode == "TTOHOYUDSKOLP");
    CHECK(u.fagomrade == "TILSOPP");
    CHECK(u.periodetype == periodetype::en_gang);
    CHECK(u.saksbehandler_id == "Z123456");
    CHECK(u.beslutter_id == "Z654321");
    CHECK(u.perioder
          == std::vector{per(2025y / August / 15d, 2025y / December / 20d,
                             12000, {}, "0314")});
  }
}

TEST_CASE("every record of basic.jsonl reaches its expected outcome") {
  // The code each invalid record must fail with, by its expected reason.
  const std::map<std::string, ec> failures = {
    {"ts-0003", ec::invalid_field},
    {"aap-bad-json", ec::malformed_json},
    {"ts-bad-period", ec::ugyldig_periode},
    {"hist-bad-sak", ec::ugyldig_sak_id},
    {"ts-engang-year", ec::engangs_over_arsskifte},
    {"valp-negative", ec::invalid_field},
    {"hist-string-belop", ec::invalid_field},
  };
  size_t checked = 0;
  for (const auto& rec : test::basic_records()) {
    INFO(rec.key);
    auto fs = fagsystem_of_topic(rec.topic);
    REQUIRE(fs);
    auto expected = expected_outcome(rec.key);
    auto result = decode(*fs, tx_id{rec.key}, rec.value);
    ++checked;
    if (expected.at("status").as_string() == "FEILET") {
      CHECK(expected.at("statusCode").as_int64() == 400);
      REQUIRE_FALSE(result);
      INFO(render(result.error()));
      REQUIRE(failures.count(rec.key) == 1);
      CHECK(code_of(result.error()) == failures.at(rec.key));
      CHECK_FALSE(error_message(result.error()).empty());
      continue;
    }
    REQUIRE(result);
    CHECK(result->key.value == rec.key);
    const auto& oppdrag = expected.at("oppdrag");
    if (oppdrag.is_null())
      continue;
    // Every line's klassekode and fagområde come from a decoded utbetaling.
    auto fagomrade = oppdrag.at("kodeFagomraade").as_string();
    std::set<std::tuple<std::string, std::string, std::string, uint64_t>>
      lines;
    std::set<std::tuple<std::string, std::string, std::string, uint64_t>>
      decoded;
    for (const auto& u : result->utbetalinger) {
      CHECK(u.fagomrade == fagomrade);
      for (const auto& p : u.perioder)
        decoded.emplace(u.klassekode, to_string(p.fom), to_string(p.tom),
                        p.belop.value);
    }
    for (const auto& line : oppdrag.at("linjer").as_array()) {
      const auto& l = line.as_object();
      if (auto k = l.if_contains("kodeKlassifik")) {
        auto found = false;
        for (const auto& u : result->utbetalinger)
          found = found || u.klassekode == k->as_string();
        CHECK(found);
      }
      if (l.contains("kodeStatusLinje") || !l.contains("sats"))
        continue;
      lines.emplace(std::string{l.at("kodeKlassifik").as_string()},
                    std::string{l.at("fom").as_string()},
                    std::string{l.at("tom").as_string()},
                    l.at("sats").to_number<uint64_t>());
    }
    // A new sak's oppdrag holds exactly the decoded periods.
    if (oppdrag.at("kodeEndring").as_string() == "NY")
      CHECK(lines == decoded);
  }
  CHECK(checked == 20);
}

TEST_CASE("explicit opphør and messages without payments") {
  SUBCASE("TS: empty perioder is opphør of that uid") {
    auto msg = ok(fagsystem::tilleggsstonader, record_of("ts-0002"));
    REQUIRE(msg.utbetalinger.size() == 1);
    CHECK(msg.utbetalinger[0].action == action::del);
    CHECK(msg.utbetalinger[0].perioder.empty());
    CHECK(msg.utbetalinger[0].klassekode == "TSDRASISP1-OP");
  }
  SUBCASE("Historisk: empty perioder is opphør") {
    auto msg = ok(fagsystem::historisk, hist("EN_GANG", ""));
    REQUIRE(msg.utbetalinger.size() == 1);
    CHECK(msg.utbetalinger[0].action == action::del);
  }
  SUBCASE("Valp: belop 0 is opphør") {
    auto msg = ok(fagsystem::valp, valp("0"));
    REQUIRE(msg.utbetalinger.size() == 1);
    CHECK(msg.utbetalinger[0].action == action::fake_delete);
    CHECK(msg.utbetalinger[0].perioder.empty());
    CHECK(msg.utbetalinger[0].klassekode == "TTOHOYUDSKOLP");
  }
  SUBCASE("Dagpenger: a message whose days are all 0 pays nothing") {
    auto msg = ok(fagsystem::dagpenger,
                  dp(dp_day("2026-06-01", 0) + "," + dp_day("2026-06-02", 0)));
    CHECK(msg.utbetalinger.empty());
    CHECK(msg.full_picture);
  }
  SUBCASE("AAP and TP: empty lists pay nothing") {
    CHECK(ok(fagsystem::aap, aap("")).utbetalinger.empty());
    CHECK(ok(fagsystem::tiltakspenger, tp("")).utbetalinger.empty());
    CHECK(ok(fagsystem::tilleggsstonader, ts("UKEDAG", "")).utbetalinger
            .empty());
  }
}

TEST_CASE("AAP groups by meldekort and merges neighbouring periods") {
  auto item = [](std::string_view id, std::string_view fom,
                 std::string_view tom, int belop, int sats = 1077) {
    return R"({"id": ")" + std::string{id} + R"(", "fom": ")"
           + std::string{fom} + R"(", "tom": ")" + std::string{tom}
           + R"(", "sats": )" + std::to_string(sats)
           + R"(, "utbetaltBeløp": )" + std::to_string(belop) + "}";
  };
  auto a = "5b0a3c1e-8f2d-4a55-9c1e-2f6a7d9e0b11";
  auto b = "c3d1f0aa-1b2c-4d3e-8f90-aa11bb22cc33";
  SUBCASE("items of one id merge across a weekend, in fom order") {
    auto msg = ok(fagsystem::aap,
                  aap(item(a, "2025-06-09", "2025-06-13", 500) + ","
                      + item(a, "2025-06-02", "2025-06-06", 500) + ","
                      + item(b, "2025-06-16", "2025-06-20", 500)));
    REQUIRE(msg.utbetalinger.size() == 2);
    CHECK(msg.utbetalinger[0].uid.to_string() == a);
    CHECK(msg.utbetalinger[0].perioder
          == std::vector{per(2025y / June / 2d, 2025y / June / 13d, 500,
                             1077)});
  }
  SUBCASE("a gap, another amount or another sats keeps periods apart") {
    auto msg = ok(fagsystem::aap,
                  aap(item(a, "2025-06-02", "2025-06-03", 500) + ","
                      + item(a, "2025-06-05", "2025-06-05", 500) + ","
                      + item(a, "2025-06-06", "2025-06-06", 400) + ","
                      + item(a, "2025-06-09", "2025-06-09", 400, 900)));
    REQUIRE(msg.utbetalinger.size() == 1);
    CHECK(msg.utbetalinger[0].perioder.size() == 4);
  }
  SUBCASE("items that pay 0 are dropped, and with them an empty meldekort") {
    auto msg = ok(fagsystem::aap,
                  aap(item(a, "2025-06-02", "2025-06-06", 0) + ","
                      + item(b, "2025-06-16", "2025-06-20", 500)));
    REQUIRE(msg.utbetalinger.size() == 1);
    CHECK(msg.utbetalinger[0].uid.to_string() == b);
  }
  SUBCASE("the avvent holds every utbetaling") {
    auto msg = ok(fagsystem::aap,
                  aap(item(a, "2025-06-02", "2025-06-06", 500),
                      R"("avvent": {"fom": "2025-06-01", "tom": "2025-06-30",
                         "overføres": "2025-07-15",
                         "årsak": "AVVENT_REFUSJONSKRAV"},)"));
    REQUIRE(msg.utbetalinger.size() == 1);
    const auto& hold = msg.utbetalinger[0].avvent;
    REQUIRE(hold);
    CHECK(hold->fom == 2025y / June / 1d);
    CHECK(hold->overfores == 2025y / July / 15d);
    CHECK(hold->arsak == "AVVENT_REFUSJONSKRAV");
    CHECK_FALSE(hold->feilregistrering);
    auto err = bad(fagsystem::aap,
                   aap(item(a, "2025-06-02", "2025-06-06", 500),
                       R"("avvent": {"fom": "2025-06-01", "tom": "2025-06-30",
                          "årsak": "VENT"},)"));
    CHECK(code_of(err) == ec::invalid_field);
    CHECK(error_message(err).starts_with("avvent.årsak: "));
  }
  SUBCASE("defaults and dryrun") {
    auto msg = ok(fagsystem::aap,
                  aap(item(a, "2025-06-02", "2025-06-06", 500),
                      R"("dryrun": true, "saksbehandler": null,)"));
    CHECK(msg.dryrun);
    CHECK(msg.saksbehandler == "kelvin");
    CHECK(msg.beslutter == "kelvin");
    CHECK(msg.utbetalinger[0].dryrun);
    CHECK(msg.utbetalinger[0].beslutter_id == "kelvin");
  }
}

TEST_CASE("Dagpenger groups days by meldeperiode and type") {
  SUBCASE("weekdays merge, also over a weekend and a Saturday") {
    auto msg = ok(fagsystem::dagpenger,
                  dp(dp_day("2026-06-05", 800) + "," + dp_day("2026-06-08", 800)
                     + "," + dp_day("2026-06-12", 800) + ","
                     + dp_day("2026-06-13", 800)));
    REQUIRE(msg.utbetalinger.size() == 1);
    CHECK(msg.utbetalinger[0].perioder
          == std::vector{per(2026y / June / 5d, 2026y / June / 8d, 800, 1000),
                         per(2026y / June / 12d, 2026y / June / 13d, 800,
                             1000)});
  }
  SUBCASE("two meldeperioder and two types make four utbetalinger") {
    auto msg = ok(
      fagsystem::dagpenger,
      dp(dp_day("2026-06-01", 800, 1000, "Dagpenger", "M1") + ","
         + dp_day("2026-06-15", 800, 1000, "Dagpenger", "M2") + ","
         + dp_day("2026-06-02", 50, 50, "DagpengerFerietillegg", "M1") + ","
         + dp_day("2026-06-16", 50, 50, "DagpengerFerietillegg", "M2")));
    REQUIRE(msg.utbetalinger.size() == 4);
    std::set<uuid> uids;
    for (const auto& u : msg.utbetalinger)
      uids.insert(u.uid);
    CHECK(uids.size() == 4);
    CHECK(uids.count(derived_uid(fagsystem::dagpenger, "DPSAK0009", "M2",
                                 "DAGPENGERFERIE"))
          == 1);
  }
  SUBCASE("an unknown utbetalingstype names the day") {
    auto err = bad(fagsystem::dagpenger,
                   dp(dp_day("2026-06-01", 1) + ","
                      + dp_day("2026-06-02", 1, 1, "Ferie")));
    CHECK(code_of(err) == ec::invalid_field);
    CHECK(error_message(err).starts_with("utbetalinger[1].utbetalingstype"));
  }
  SUBCASE("days that pay 0 are still checked") {
    auto err = bad(fagsystem::dagpenger, dp(dp_day("2026-13-01", 0)));
    CHECK(code_of(err) == ec::invalid_field);
    CHECK(error_message(err).starts_with("utbetalinger[0].dato"));
  }
}

TEST_CASE("Tiltakspenger groups by meldeperiode and barnetillegg") {
  auto item = [](std::string_view fom, std::string_view tom, int belop,
                 std::string_view enhet, std::string_view more = "") {
    return R"({"meldeperiode": "M1", "fom": ")" + std::string{fom}
           + R"(", "tom": ")" + std::string{tom} + R"(", "beløp": )"
           + std::to_string(belop) + R"(, "betalendeEnhet": ")"
           + std::string{enhet} + R"(", "stønad": "JOBBKLUBB")"
           + std::string{more} + "}";
  };
  SUBCASE("the last merged period's betalendeEnhet wins") {
    auto msg = ok(fagsystem::tiltakspenger,
                  tp(item("2025-06-09", "2025-06-13", 100, "0002") + ","
                     + item("2025-06-02", "2025-06-06", 100, "0001")));
    REQUIRE(msg.utbetalinger.size() == 1);
    CHECK(msg.utbetalinger[0].klassekode == "TPTPJK2009");
    CHECK(msg.utbetalinger[0].perioder
          == std::vector{per(2025y / June / 2d, 2025y / June / 13d, 100, {},
                             "0002")});
  }
  SUBCASE("a barnetillegg twin cannot have a twin") {
    auto err = bad(fagsystem::tiltakspenger,
                   tp(R"({"meldeperiode": "M1", "fom": "2025-06-02",
                          "tom": "2025-06-06", "beløp": 1,
                          "stønad": "JOBBKLUBB_BARN",
                          "barnetillegg": true})"));
    CHECK(code_of(err) == ec::invalid_field);
    CHECK(error_message(err).starts_with("perioder[0].barnetillegg: "));
  }
  SUBCASE("an unknown stønad names the field") {
    auto err = bad(fagsystem::tiltakspenger,
                   tp(R"({"meldeperiode": "M1", "fom": "2025-06-02",
                          "tom": "2025-06-06", "beløp": 1,
                          "stønad": "KURS"})"));
    CHECK(code_of(err) == ec::invalid_field);
    CHECK(error_message(err)
          == "perioder[0].stønad: unknown stønad \"KURS\" for TILTAKSPENGER");
  }
  SUBCASE("beløp 0 is not dropped but refused") {
    auto err = bad(fagsystem::tiltakspenger,
                   tp(item("2025-06-02", "2025-06-06", 0, "0001")));
    CHECK(code_of(err) == ec::ugyldig_belop);
  }
}

TEST_CASE("Tilleggsstønader merge by periodetype") {
  SUBCASE("EN_GANG periods are kept one to one") {
    auto msg = ok(fagsystem::tilleggsstonader,
                  ts("EN_GANG", ts_item(ts_periode("2025-08-01", "2025-08-31")
                                        + ","
                                        + ts_periode("2025-09-01",
                                                     "2025-09-30"))));
    CHECK(msg.utbetalinger[0].perioder.size() == 2);
  }
  SUBCASE("UKEDAG periods merge across weekends") {
    auto msg = ok(fagsystem::tilleggsstonader,
                  ts("UKEDAG", ts_item(ts_periode("2025-08-11", "2025-08-15")
                                       + ","
                                       + ts_periode("2025-08-04",
                                                    "2025-08-08"))));
    CHECK(msg.utbetalinger[0].perioder
          == std::vector{per(2025y / August / 4d, 2025y / August / 15d,
                             100)});
  }
  SUBCASE("MND periods merge only when contiguous") {
    auto msg = ok(fagsystem::tilleggsstonader,
                  ts("MND", ts_item(ts_periode("2025-08-01", "2025-08-31")
                                    + "," + ts_periode("2025-09-01",
                                                       "2025-09-30")
                                    + "," + ts_periode("2025-11-01",
                                                       "2025-11-30"))));
    CHECK(msg.utbetalinger[0].perioder
          == std::vector{per(2025y / August / 1d, 2025y / September / 30d,
                             100),
                         per(2025y / November / 1d, 2025y / November / 30d,
                             100)});
    INFO("Friday to Monday is not contiguous for MND");
    auto apart = ok(fagsystem::tilleggsstonader,
                    ts("MND", ts_item(ts_periode("2025-08-04", "2025-08-08")
                                      + "," + ts_periode("2025-08-11",
                                                         "2025-08-15"))));
    CHECK(apart.utbetalinger[0].perioder.size() == 2);
  }
  SUBCASE("periodetype DAG is refused") {
    auto err = bad(fagsystem::tilleggsstonader,
                   ts("DAG", ts_item(ts_periode("2025-08-01", "2025-08-01"))));
    CHECK(code_of(err) == ec::invalid_field);
    CHECK(error_message(err).starts_with("periodetype: "));
  }
  SUBCASE("brukFagområdeTillst keeps fagområde TILLST where allowed") {
    auto msg = ok(fagsystem::tilleggsstonader,
                  ts("EN_GANG",
                     ts_item(ts_periode("2025-08-01", "2025-08-01"),
                             "LÆREMIDLER_AAP",
                             "0f7a1e22-3b44-4c55-8d66-77e888f999a0",
                             R"(, "brukFagområdeTillst": true)")));
    CHECK(msg.utbetalinger[0].fagomrade == "TILLST");
    CHECK(msg.utbetalinger[0].klassekode == "TSLMASISP3-OP");
    auto err = bad(fagsystem::tilleggsstonader,
                   ts("EN_GANG",
                      ts_item(ts_periode("2025-08-01", "2025-08-01"),
                              "DAGLIG_REISE_AAP",
                              "0f7a1e22-3b44-4c55-8d66-77e888f999a0",
                              R"(, "brukFagområdeTillst": true)")));
    CHECK(code_of(err) == ec::invalid_field);
    CHECK(error_message(err).starts_with(
      "utbetalinger[0].brukFagområdeTillst: "));
  }
  SUBCASE("several utbetalinger, each id once") {
    auto one = ts_item(ts_periode("2025-08-01", "2025-08-01"));
    auto other = ts_item(ts_periode("2025-08-01", "2025-08-01"),
                         "BOUTGIFTER_AAP",
                         "0f7a1e22-3b44-4c55-8d66-77e888f999a0");
    auto msg = ok(fagsystem::tilleggsstonader,
                  ts("EN_GANG", one + "," + other));
    REQUIRE(msg.utbetalinger.size() == 2);
    CHECK(msg.utbetalinger[1].fagomrade == "TILLSTBO");
    CHECK(msg.utbetalinger[1].behandling_id == "511");
    auto err = bad(fagsystem::tilleggsstonader,
                   ts("EN_GANG", one + "," + one));
    CHECK(code_of(err) == ec::invalid_field);
    CHECK(error_message(err).starts_with("utbetalinger[1].id: "));
  }
  SUBCASE("unknown stønader and stønader without a code are refused") {
    auto unknown = bad(fagsystem::tilleggsstonader,
                       ts("EN_GANG", ts_item(ts_periode("2025-08-01",
                                                        "2025-08-01"),
                                             "DAGLIG_REISE")));
    CHECK(code_of(unknown) == ec::invalid_field);
    CHECK(error_message(unknown).starts_with("utbetalinger[0].stønad: "));
    auto uncoded = bad(fagsystem::tilleggsstonader,
                       ts("EN_GANG", ts_item(ts_periode("2025-08-01",
                                                        "2025-08-01"),
                                             "FLYTTING_AAP")));
    CHECK(code_of(uncoded) == ec::invalid_field);
    CHECK(error_message(uncoded).find("klassekode") != std::string::npos);
  }
}

TEST_CASE("Historisk merges MND and UKEDAG like TS") {
  auto msg = ok(fagsystem::historisk,
                hist("MND", ts_periode("2025-01-01", "2025-01-31") + ","
                              + ts_periode("2025-02-01", "2025-02-28")));
  CHECK(msg.utbetalinger[0].perioder
        == std::vector{per(2025y / January / 1d, 2025y / February / 28d,
                           100)});
  CHECK(code_of(bad(fagsystem::historisk,
                    hist("DAG", ts_periode("2025-01-01", "2025-01-01"))))
        == ec::invalid_field);
  auto err = bad(fagsystem::historisk,
                 hist("EN_GANG", R"({"fom": "2025-01-01", "tom": "2025-01-01",
                                    "beløp": 1.5})"));
  CHECK(error_message(err)
        == "perioder[0].beløp: expected a non-negative integer, got a number "
           "with a fraction or exponent");
}

TEST_CASE("Valp") {
  SUBCASE("besluttetTidspunkt is an instant, shown in Norwegian time") {
    auto winter = ok(fagsystem::valp, valp("1", "2025-01-10T23:30:00Z"));
    CHECK(to_string(winter.vedtakstidspunkt) == "2025-01-11T00:30:00");
    auto offset = ok(fagsystem::valp, valp("1", "2025-08-10T10:30:00+02:00"));
    CHECK(to_string(offset.vedtakstidspunkt) == "2025-08-10T10:30:00");
  }
  SUBCASE("the saksbehandler is required; the beslutter has a default") {
    auto err = bad(fagsystem::valp, valp("1", "2025-01-10T23:30:00Z", ""));
    CHECK(code_of(err) == ec::invalid_field);
    CHECK(error_message(err) == "saksbehandler: required field is missing");
    auto msg = ok(fagsystem::valp, valp("1"));
    CHECK(msg.beslutter == "teamvalp");
  }
  SUBCASE("unknown tiltakskode or tilskuddstype") {
    auto text = valp("1");
    auto unknown_tiltak = text;
    unknown_tiltak.replace(unknown_tiltak.find("HOYERE_UTDANNING"), 16,
                           "KURS");
    CHECK(error_message(bad(fagsystem::valp, unknown_tiltak))
            .starts_with("tiltakskode: "));
    auto unknown_tilskudd = text;
    unknown_tilskudd.replace(unknown_tilskudd.find("SKOLEPENGER"), 11,
                             "LOMMEPENGER");
    CHECK(error_message(bad(fagsystem::valp, unknown_tilskudd))
            .starts_with("tilskuddstype: "));
  }
}

TEST_CASE("each validation rule has its code") {
  SUBCASE("mangler_perioder: an utbetaling that pays needs periods") {
    auto msg = ok(fagsystem::historisk,
                  hist("EN_GANG", ts_periode("2025-03-10", "2025-03-10")));
    CHECK_FALSE(validate(msg));
    msg.utbetalinger[0].perioder.clear();
    CHECK(code_of(validate(msg)) == ec::mangler_perioder);
    msg.utbetalinger[0].action = action::del;
    CHECK_FALSE(validate(msg));
  }
  SUBCASE("engangs_over_arsskifte") {
    auto err = bad(fagsystem::tilleggsstonader,
                   ts("EN_GANG", ts_item(ts_periode("2025-12-30",
                                                    "2026-01-02"))));
    CHECK(code_of(err) == ec::engangs_over_arsskifte);
    CHECK(error_message(err).starts_with("utbetalinger[0].perioder: "));
    INFO("other periodetyper may cross a year end");
    CHECK(run(fagsystem::tilleggsstonader,
              ts("UKEDAG", ts_item(ts_periode("2025-12-30", "2026-01-02")))));
  }
  SUBCASE("duplikate_perioder: same fom or same tom") {
    auto fom = bad(fagsystem::tilleggsstonader,
                   ts("EN_GANG", ts_item(ts_periode("2025-08-01", "2025-08-02")
                                         + "," + ts_periode("2025-08-01",
                                                            "2025-08-03"))));
    CHECK(code_of(fom) == ec::duplikate_perioder);
    auto tom = bad(fagsystem::tilleggsstonader,
                   ts("EN_GANG", ts_item(ts_periode("2025-08-01", "2025-08-03")
                                         + "," + ts_periode("2025-08-02",
                                                            "2025-08-03"))));
    CHECK(code_of(tom) == ec::duplikate_perioder);
    CHECK(error_message(tom).find("2025-08-03") != std::string::npos);
  }
  SUBCASE("ugyldig_periode: tom before fom") {
    auto err = bad(fagsystem::tilleggsstonader,
                   ts("UKEDAG", ts_item(ts_periode("2025-08-10",
                                                   "2025-08-05"))));
    CHECK(code_of(err) == ec::ugyldig_periode);
    CHECK(error_message(err)
          == "utbetalinger[0].perioder[0]: tom 2025-08-05 is before fom "
             "2025-08-10");
    auto via_validate = ok(fagsystem::historisk,
                           hist("EN_GANG", ts_periode("2025-03-10",
                                                      "2025-03-10")));
    via_validate.utbetalinger[0].perioder[0].tom = 2025y / March / 9d;
    CHECK(code_of(validate(via_validate)) == ec::ugyldig_periode);
  }
  SUBCASE("for_lang_utbetaling: more than 1100 days of day rates") {
    auto longest = ts_item(ts_periode("2023-01-01", "2026-01-04"));
    CHECK(days_between(2023y / January / 1d, 2026y / January / 4d) + 1
          == 1100);
    CHECK(run(fagsystem::tilleggsstonader, ts("UKEDAG", longest)));
    auto err = bad(fagsystem::tilleggsstonader,
                   ts("UKEDAG", ts_item(ts_periode("2023-01-01",
                                                   "2026-01-05"))));
    CHECK(code_of(err) == ec::for_lang_utbetaling);
    CHECK(run(fagsystem::tilleggsstonader,
              ts("MND", ts_item(ts_periode("2023-01-01", "2026-01-05")))));
  }
  SUBCASE("ugyldig_belop: nothing is paid with 0") {
    auto err = bad(fagsystem::tilleggsstonader,
                   ts("UKEDAG", ts_item(ts_periode("2025-08-01", "2025-08-01",
                                                   0))));
    CHECK(code_of(err) == ec::ugyldig_belop);
  }
  SUBCASE("ugyldig_sak_id: 1 to 30 characters") {
    CHECK(code_of(bad(fagsystem::tilleggsstonader,
                      ts("UKEDAG", "", std::string(31, 'S'))))
          == ec::ugyldig_sak_id);
    CHECK(code_of(bad(fagsystem::tilleggsstonader, ts("UKEDAG", "", "")))
          == ec::ugyldig_sak_id);
    CHECK(run(fagsystem::tilleggsstonader,
              ts("UKEDAG", "", std::string(29, 'S') + "ø")));
    auto err = bad(fagsystem::tilleggsstonader,
                   ts("UKEDAG", "", std::string(31, 'S')));
    CHECK(error_message(err) == "sakId: must be 1 to 30 characters, got 31");
    INFO("a blank id reads back from XML as empty: another sak's id");
    auto blank = bad(fagsystem::tilleggsstonader, ts("UKEDAG", "", "   "));
    CHECK(code_of(blank) == ec::ugyldig_sak_id);
    CHECK(error_message(blank) == "sakId: must not be blank");
    auto cr = bad(fagsystem::tilleggsstonader, ts("UKEDAG", "", R"(A\rB)"));
    CHECK(code_of(cr) == ec::invalid_field);
  }
  SUBCASE("ugyldig_behandling_id: 1 to 30 characters") {
    auto text = ts("UKEDAG", "");
    text.replace(text.find("\"511\""), 5, "\"" + std::string(31, 'B') + "\"");
    CHECK(code_of(bad(fagsystem::tilleggsstonader, text))
          == ec::ugyldig_behandling_id);
  }
  SUBCASE("mixed_dryrun: one flag for every utbetaling") {
    auto msg = ok(fagsystem::tilleggsstonader,
                  ts("EN_GANG", ts_item(ts_periode("2025-08-01",
                                                   "2025-08-01"))));
    msg.utbetalinger[0].dryrun = true;
    CHECK(code_of(validate(msg)) == ec::mixed_dryrun);
  }
  SUBCASE("invalid_field: missing, wrong type, negative, unknown value") {
    auto missing = bad(fagsystem::historisk,
                       R"({"id": "9a7d2c3e-1111-4222-8333-944455566677"})");
    CHECK(code_of(missing) == ec::invalid_field);
    CHECK(error_message(missing) == "sakId: required field is missing");
    auto negative = bad(fagsystem::valp, record_of("valp-negative"));
    CHECK(error_message(negative)
          == "belop: expected a non-negative integer, got a negative number");
    auto string = bad(fagsystem::historisk, record_of("hist-string-belop"));
    CHECK(error_message(string)
          == "perioder[0].beløp: expected a non-negative integer, got a "
             "string");
    auto type = bad(fagsystem::historisk,
                    hist("SOMETIMES", ts_periode("2025-01-01", "2025-01-01")));
    CHECK(code_of(type) == ec::invalid_field);
    auto root = bad(fagsystem::aap, "[]");
    CHECK(error_message(root)
          == "the document: expected an object, got an array");
  }
  SUBCASE("invalid_field: a personident is 11 digits, never quoted") {
    for (auto ident : {"1234567890", "123456789012", "1234567890X"}) {
      INFO(ident);
      auto text = ts("UKEDAG", "");
      text.replace(text.find("03438210333"), 11, ident);
      auto err = bad(fagsystem::tilleggsstonader, text);
      CHECK(code_of(err) == ec::invalid_field);
      CHECK(error_message(err).starts_with("personident: "));
      CHECK(error_message(err).find(ident) == std::string::npos);
    }
  }
}

TEST_CASE("decode refuses malformed JSON before reading a field") {
  SUBCASE("the truncated record of basic.jsonl") {
    auto err = bad(fagsystem::aap, record_of("aap-bad-json"));
    CHECK(code_of(err) == ec::malformed_json);
    CHECK(error_message(err).find("truncated") != std::string::npos);
  }
  SUBCASE("every rejection of the strict parser") {
    auto valid = test::read_example("messages/hist.json");
    CHECK(run(fagsystem::historisk, valid));
    auto duplicate = valid;
    duplicate.replace(duplicate.find("\"sakId\""), 7,
                      "\"sakId\": \"X\", \"sakId\"");
    for (const auto& text :
         {std::string{}, "\xEF\xBB\xBF" + valid, valid + " {}", duplicate,
          valid.substr(0, valid.size() - 2),
          std::string{"{\"sakId\": \"\xFF\"}"},
          std::string(40, '[') + std::string(40, ']')}) {
      INFO(text);
      CHECK(code_of(bad(fagsystem::historisk, text)) == ec::malformed_json);
    }
  }
  SUBCASE("payloads over max_payload_size") {
    auto valid = test::read_example("messages/hist.json");
    auto padded = valid;
    padded.insert(1, "\"pad\": \"" + std::string(max_payload_size, 'x')
                       + "\",");
    auto err = bad(fagsystem::historisk, padded);
    CHECK(code_of(err) == ec::malformed_json);
    CHECK(error_message(err).find("limit") != std::string::npos);
    auto fits = valid;
    fits.insert(1, "\"pad\": \"" + std::string(1000, 'x') + "\",");
    CHECK(run(fagsystem::historisk, fits));
  }
  SUBCASE("dates may come as [y, m, d]; unknown fields are ignored") {
    auto msg = ok(fagsystem::historisk,
                  hist("EN_GANG", R"({"fom": [2025, 3, 10],
                    "tom": "2025-03-10", "beløp": 5, "merknad": "x"})"));
    CHECK(msg.utbetalinger[0].perioder[0].fom == 2025y / March / 10d);
  }
}

}
