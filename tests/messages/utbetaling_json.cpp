#include "messages/utbetaling_json.hpp"

#include "messages/decode.hpp"
#include "messages/error.hpp"
#include "messages/time.hpp"

#include "decode_examples.hpp"

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace utsjekk;
using namespace std::chrono;
using test::code_of;

namespace {

/// Every utbetaling decoded from the example messages.
std::vector<utbetaling> example_utbetalinger() {
  const std::pair<fagsystem, const char*> files[] = {
    {fagsystem::aap, "messages/aap.json"},
    {fagsystem::dagpenger, "messages/dp.json"},
    {fagsystem::tiltakspenger, "messages/tp.json"},
    {fagsystem::tilleggsstonader, "messages/ts.json"},
    {fagsystem::historisk, "messages/hist.json"},
    {fagsystem::valp, "messages/valp.json"},
  };
  std::vector<utbetaling> result;
  for (auto [fs, file] : files) {
    auto msg = decode(fs, tx_id{"key-1"}, test::read_example(file));
    REQUIRE(msg);
    for (auto& u : msg->utbetalinger)
      result.push_back(std::move(u));
  }
  return result;
}

/// A TS record as the system being replaced writes it.
constexpr std::string_view legacy_record = R"({"dryrun":false,
  "originalKey":"213ae04f-d3cd-433b-9a71-992905d5043c",
  "fagsystem":"TILLEGGSSTØNADER","uid":"dda57903-7349-4cb2-9d3e-0012e2b28590",
  "action":"DELETE","førsteUtbetalingPåSak":false,"sakId":"200001343",
  "behandlingId":"2259","lastPeriodeId":"LAST_ID",
  "personident":"15510060730","vedtakstidspunkt":"2026-01-05T12:59:33.235",
  "stønad":"LÆREMIDLER_AAP","beslutterId":"VL","saksbehandlerId":"VL",
  "periodetype":"UKEDAG","avvent":null,"perioder":[{"fom":"2025-10-15",
  "tom":"2025-10-15","beløp":2703,"betalendeEnhet":null,
  "vedtakssats":null}]})";

std::string legacy(std::string_view last_periode_id) {
  auto text = std::string{legacy_record};
  text.replace(text.find("LAST_ID"), 7, last_periode_id);
  return text;
}

} // namespace

TEST_SUITE("messages/utbetaling_json") {

TEST_CASE("every decoded example survives a round trip") {
  auto all = example_utbetalinger();
  CHECK(all.size() == 9);
  for (auto u : all) {
    INFO(u.stonad);
    auto back = parse_utbetaling(to_json(u));
    REQUIRE(back);
    CHECK(*back == u);
    INFO("with the state fields of an accepted utbetaling");
    u.forste_utbetaling_pa_sak = true;
    u.last_periode_id = u.uid;
    u.siste_periode = u.perioder.empty() ? periode{} : u.perioder.back();
    u.avvent = avvent{2025y / June / 1d, 2025y / June / 30d, 2025y / July / 1d,
                      "AVVENT_AVREGNING", true};
    u.action = action::update;
    auto accepted = parse_utbetaling(to_json(u));
    REQUIRE(accepted);
    CHECK(*accepted == u);
  }
}

TEST_CASE("field names and order are those of the system being replaced") {
  auto u = example_utbetalinger().front();
  u.siste_periode = u.perioder.front();
  auto doc = boost::json::parse(to_json(u)).as_object();
  std::vector<std::string> keys;
  for (const auto& kv : doc)
    keys.emplace_back(kv.key());
  CHECK(keys
        == std::vector<std::string>{
          "dryrun", "originalKey", "fagsystem", "uid", "action",
          "førsteUtbetalingPåSak", "sakId", "behandlingId", "lastPeriodeId",
          "sistePeriode", "personident", "vedtakstidspunkt", "stønad",
          "beslutterId", "saksbehandlerId", "periodetype", "avvent",
          "perioder"});
  CHECK(doc.at("fagsystem").as_string() == "AAP");
  CHECK(doc.at("stønad").as_string() == "AAP_UNDER_ARBEIDSAVKLARING");
  CHECK(doc.at("periodetype").as_string() == "UKEDAG");
  CHECK(doc.at("avvent").is_null());
  const auto& p = doc.at("perioder").as_array()[0].as_object();
  CHECK(p.at("fom").as_string() == "2025-06-02");
  CHECK(p.at("beløp").to_number<uint64_t>() == 553);
  CHECK(p.at("vedtakssats").to_number<uint64_t>() == 1077);
  CHECK(p.at("betalendeEnhet").is_null());
}

TEST_CASE("TS records name their fagområde as the fagsystem") {
  auto all = example_utbetalinger();
  auto ts = std::find_if(all.begin(), all.end(), [](const utbetaling& u) {
    return u.fagsystem == fagsystem::tilleggsstonader;
  });
  REQUIRE(ts != all.end());
  SUBCASE("a stønad's own fagområde") {
    auto doc = boost::json::parse(to_json(*ts)).as_object();
    CHECK(doc.at("fagsystem").as_string() == "TILLSTDR");
    auto back = parse_utbetaling(to_json(*ts));
    REQUIRE(back);
    CHECK(back->fagsystem == fagsystem::tilleggsstonader);
    CHECK(back->fagomrade == "TILLSTDR");
  }
  SUBCASE("the legacy TILLST") {
    auto legacy_ts = *ts;
    legacy_ts.stonad = "LÆREMIDLER_AAP";
    legacy_ts.klassekode = "TSLMASISP3-OP";
    legacy_ts.fagomrade = "TILLST";
    auto doc = boost::json::parse(to_json(legacy_ts)).as_object();
    CHECK(doc.at("fagsystem").as_string() == "TILLEGGSSTØNADER");
    auto back = parse_utbetaling(to_json(legacy_ts));
    REQUIRE(back);
    CHECK(*back == legacy_ts);
  }
}

TEST_CASE("records written by the system being replaced parse") {
  auto u = parse_utbetaling(legacy("b2f1e3c4-5a6b-4c7d-8e9f-0a1b2c3d4e5f"));
  REQUIRE(u);
  CHECK(u->action == action::del);
  CHECK(u->fagsystem == fagsystem::tilleggsstonader);
  CHECK(u->fagomrade == "TILLST");
  CHECK(u->klassekode == "TSLMASISP3-OP");
  CHECK(to_string(u->vedtakstidspunkt) == "2026-01-05T12:59:33.235000");
  REQUIRE(u->perioder.size() == 1);
  CHECK(u->perioder[0].belop.value == 2703);
  CHECK_FALSE(u->perioder[0].vedtakssats);
  CHECK_FALSE(u->avvent);
  CHECK_FALSE(u->siste_periode);
  INFO("a periode id in base64 form is read too");
  auto base64 = parse_utbetaling(legacy(u->uid.to_base64()));
  REQUIRE(base64);
  CHECK(base64->last_periode_id == u->uid);
  INFO("old-format periode ids are refused with a reason");
  auto old = parse_utbetaling(legacy("200001343#0"));
  REQUIRE_FALSE(old);
  CHECK(code_of(old.error()) == ec::invalid_field);
  CHECK(error_message(old.error()).starts_with("lastPeriodeId: "));
}

TEST_CASE("state records are parsed strictly") {
  auto text = legacy("b2f1e3c4-5a6b-4c7d-8e9f-0a1b2c3d4e5f");
  SUBCASE("duplicate keys") {
    auto dup = text;
    dup.insert(1, "\"sakId\":\"other\",");
    CHECK(code_of(parse_utbetaling(dup).error()) == ec::malformed_json);
  }
  SUBCASE("an unknown stønad for the fagsystem") {
    auto wrong = text;
    wrong.replace(wrong.find("LÆREMIDLER_AAP"), 15, "DAGPENGER");
    auto err = parse_utbetaling(wrong).error();
    CHECK(code_of(err) == ec::invalid_field);
    CHECK(error_message(err).starts_with("stønad: "));
  }
  SUBCASE("an unknown fagsystem or action") {
    auto fs = text;
    fs.replace(fs.find("TILLEGGSSTØNADER"), 17, "ARENA");
    CHECK(error_message(parse_utbetaling(fs).error())
            .starts_with("fagsystem: "));
    auto act = text;
    act.replace(act.find("\"DELETE\""), 8, "\"REMOVE\"");
    CHECK(error_message(parse_utbetaling(act).error())
            .starts_with("action: "));
  }
}

TEST_CASE("sak keys") {
  for (auto fs : all_fagsystemer) {
    INFO(to_string(fs));
    sak_key key{"SAK-1", fs};
    auto back = parse_sak_key(to_json(key));
    REQUIRE(back);
    CHECK(*back == key);
  }
  CHECK(to_json(sak_key{"200000336", fagsystem::tilleggsstonader})
        == R"({"sakId":"200000336","fagsystem":"TILLEGGSSTØNADER"})");
  auto sub = parse_sak_key(R"({"sakId":"1","fagsystem":"TILLSTDR"})");
  REQUIRE(sub);
  CHECK(sub->fagsystem == fagsystem::tilleggsstonader);
  CHECK_FALSE(parse_sak_key(R"({"sakId":"1"})"));
  CHECK_FALSE(parse_sak_key(R"({"sakId":1,"fagsystem":"AAP"})"));
}

TEST_CASE("uid arrays") {
  auto all = example_utbetalinger();
  std::vector<uuid> uids;
  for (const auto& u : all)
    uids.push_back(u.uid);
  auto back = parse_uids(uids_to_json(uids));
  REQUIRE(back);
  CHECK(*back == uids);
  CHECK(uids_to_json({}) == "[]");
  CHECK(parse_uids("[]")->empty());
  auto err = parse_uids(R"(["5b0a3c1e-8f2d-4a55-9c1e-2f6a7d9e0b11", "x"])");
  REQUIRE_FALSE(err);
  CHECK(error_message(err.error()).starts_with("[1]: expected a UUID"));
  CHECK(code_of(parse_uids("{}").error()) == ec::invalid_field);
  CHECK(code_of(parse_uids("[").error()) == ec::malformed_json);
}

}
