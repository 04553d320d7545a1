#include "os_gateway/state_json.hpp"

#include "fixture.hpp"
#include "messages/error.hpp"
#include "messages/json.hpp"

#include <doctest/doctest.h>

using namespace utsjekk;
using namespace utsjekk::os;
using namespace utsjekk::test;
using std::chrono::June;

namespace {

/// A responder that answered a new sak, a change and an opphør.
responder busy_responder() {
  auto profile = simulator_profile{};
  profile.seed = 99;
  auto os = responder{profile};
  auto opph = ny(2, std::nullopt, 2025y / June / 9d, 2025y / June / 13d, 1500);
  opph.kode_endring_linje = "ENDR";
  opph.kode_status_linje = "OPPH";
  opph.dato_status_fom = 2025y / June / 12d;
  for (auto& xml : {new_sak_xml(),
                    to_xml(make_oppdrag("ENDR", {ny(2, 1, 2025y / June / 9d,
                                                    2025y / June / 13d,
                                                    1500)})),
                    to_xml(make_oppdrag("ENDR", {opph}))})
    REQUIRE(os.on_record(xml, wednesday()).what == response::kind::answer);
  return os;
}

} // namespace

TEST_SUITE("os_gateway/state_json") {

TEST_CASE("the ledger reads back as written") {
  auto os = busy_responder();
  auto ledger = os.sim().ledger();
  REQUIRE(ledger.at(base_key{"DP", sak_id}).size() == 2);
  auto json = ledger_to_json(ledger);
  INFO(json);
  auto parsed = parse_ledger(json);
  REQUIRE(parsed);
  CHECK(*parsed == ledger);
  INFO("a stopped line names its opphør date, an open one null");
  CHECK(json.find("\"opphorFom\":\"2025-06-09\"") != std::string::npos);
  CHECK(json.find("\"opphorFom\":null") == std::string::npos);
  CHECK(json.find("\"fagsystemId\":\"DPSAK0001\"") != std::string::npos);
}

TEST_CASE("an empty ledger is an empty array") {
  CHECK(ledger_to_json({}) == "[]");
  auto parsed = parse_ledger("[]");
  REQUIRE(parsed);
  CHECK(parsed->empty());
}

TEST_CASE("a broken ledger names the field") {
  auto parsed = parse_ledger(
    R"([{"kodeFagomraade":"DP","fagsystemId":"S","linjer":[{"delytelseId":)"
    R"("x","klassekode":"K","fom":"2025-06-02","tom":"2025-06-31",)"
    R"("sats":1,"typeSats":"DAG","opphorFom":null}]}])");
  REQUIRE_FALSE(parsed);
  CHECK(error_message(parsed.error()).find("[0].linjer[0].tom")
        != std::string::npos);
}

TEST_CASE("the saved state reads back whole") {
  auto os = busy_responder();
  auto state = os.state();
  REQUIRE(state.answered.size() == 3);
  auto json = to_json(state);
  auto parsed = parse_responder_state(json);
  REQUIRE(parsed);
  CHECK(*parsed == state);
  SUBCASE("a responder on the read state answers on identically") {
    auto restored = responder{simulator_profile{}, *parsed};
    CHECK(restored.state() == state);
    auto next = to_xml(make_oppdrag(
      "ENDR", {ny(3, 1, 2025y / June / 16d, 2025y / June / 20d, 10)}));
    auto a = os.on_record(next, wednesday());
    auto b = restored.on_record(next, wednesday());
    CHECK(a.kvittering == b.kvittering);
  }
}

TEST_CASE("a state of another version is refused") {
  auto json = to_json(busy_responder().state());
  auto at = json.find("\"version\":1");
  REQUIRE(at != std::string::npos);
  json.replace(at, 11, "\"version\":2");
  auto parsed = parse_responder_state(json);
  REQUIRE_FALSE(parsed);
  CHECK(error_message(parsed.error()).find("version") != std::string::npos);
  CHECK_FALSE(parse_responder_state("{}"));
  CHECK_FALSE(parse_responder_state("not json"));
}

TEST_CASE("the snapshot carries its generation and last change") {
  auto state = busy_responder().state();
  auto parsed = parse_snapshot(to_json(state, 42, 1234));
  REQUIRE(parsed);
  CHECK(parsed->generation == 42);
  CHECK(parsed->seq == std::optional<uint64_t>{1234});
  CHECK(parsed->state == state);
  INFO("a state without them is generation 0 with no number");
  auto old = parse_snapshot(to_json(state));
  REQUIRE(old);
  CHECK(old->generation == 0);
  CHECK_FALSE(old->seq);
  CHECK(old->state == state);
}

TEST_CASE("a logged change carries its number first") {
  auto os = busy_responder();
  auto r = os.on_record(new_sak_xml() + "  ", wednesday());
  REQUIRE(r.change);
  auto json = to_json(*r.change, 77);
  CHECK(json.rfind("{\"seq\":77,", 0) == 0);
  auto parsed = parse_logged_change(json);
  REQUIRE(parsed);
  CHECK(parsed->seq == std::optional<uint64_t>{77});
  CHECK(parsed->change == *r.change);
  INFO("parse_change ignores the number; a line without one has none");
  auto plain = parse_change(json);
  REQUIRE(plain);
  CHECK(*plain == *r.change);
  auto unnumbered = parse_logged_change(to_json(*r.change));
  REQUIRE(unnumbered);
  CHECK_FALSE(unnumbered->seq);
  CHECK_FALSE(parse_logged_change(R"({"seq":-1})"));
}

TEST_CASE("the log header is one line of fixed size") {
  SUBCASE("small numbers") {
    log_header x{3, 120, 157};
    auto line = to_json(x);
    CHECK(line.size() == log_header_bytes);
    CHECK(line.back() == '\n');
    CHECK(line.find('\n') == log_header_bytes - 1);
    auto parsed = parse_log_header(std::string_view{line}.substr(
      0, log_header_bytes - 1));
    REQUIRE_MESSAGE(parsed, render(parsed.error()));
    CHECK(*parsed == x);
  }
  SUBCASE("the largest numbers still fit") {
    auto max = json::max_amount;
    log_header x{max, max, max};
    auto line = to_json(x);
    CHECK(line.size() == log_header_bytes);
    auto parsed = parse_log_header(line);
    REQUIRE_MESSAGE(parsed, render(parsed.error()));
    CHECK(*parsed == x);
  }
  CHECK_FALSE(parse_log_header(""));
  CHECK_FALSE(parse_log_header(R"({"log":"other","generation":1,)"
                               R"("after":0,"through":0})"));
  CHECK_FALSE(parse_log_header(R"({"log":"utsjekk-os","generation":1})"));
}

TEST_CASE("a change reads back whole, on one line") {
  auto os = busy_responder();
  SUBCASE("an accepted oppdrag: a base and an answer") {
    auto r = os.on_record(to_xml(make_oppdrag(
                            "ENDR", {ny(3, 1, 2025y / June / 16d,
                                        2025y / June / 20d, 10)})),
                          wednesday());
    REQUIRE(r.change);
    REQUIRE(r.change->sim.base);
    REQUIRE(r.change->answered);
    auto json = to_json(*r.change);
    CHECK(json.find('\n') == std::string::npos);
    auto parsed = parse_change(json);
    REQUIRE(parsed);
    CHECK(*parsed == *r.change);
  }
  SUBCASE("a rejection: no base") {
    auto r = os.on_record(new_sak_xml() + " ", wednesday());
    REQUIRE(r.change);
    CHECK_FALSE(r.change->sim.base);
    auto parsed = parse_change(to_json(*r.change));
    REQUIRE(parsed);
    CHECK(*parsed == *r.change);
  }
  CHECK_FALSE(parse_change("{}"));
  CHECK_FALSE(parse_change(R"({"received":1,"draws":4,"sends":[]})"));
}

}
