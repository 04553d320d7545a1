#include "os_gateway/responder.hpp"

#include "fixture.hpp"

#include <doctest/doctest.h>

using namespace utsjekk;
using namespace utsjekk::os;
using namespace utsjekk::test;
using std::chrono::June;

namespace {

/// The base of the test sak.
const base_key key{"DP", sak_id};

/// A change of the sak: line 2 chained to line 1 from 9 June.
std::string change_xml() {
  return to_xml(make_oppdrag(
    "ENDR", {ny(2, 1, 2025y / June / 9d, 2025y / June / 13d, 1500)}));
}

} // namespace

TEST_SUITE("os_gateway/responder") {

TEST_CASE("oppdrag_hash is SHA-256 of the bytes") {
  CHECK(oppdrag_hash("abc")
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(oppdrag_hash(new_sak_xml()) == oppdrag_hash(new_sak_xml()));
  CHECK(oppdrag_hash(new_sak_xml()) != oppdrag_hash(change_xml()));
}

TEST_CASE("an oppdrag is answered once; a redelivery repeats the answer") {
  auto os = responder{simulator_profile{}};
  auto first = os.on_record(new_sak_xml(), wednesday());
  REQUIRE(first.what == response::kind::answer);
  CHECK(first.changed);
  CHECK_FALSE(first.repeated);
  CHECK(grade_of(first.kvittering) == "00");
  auto ledger = os.sim().ledger();
  SUBCASE("the identical XML again gets the identical kvittering") {
    auto again = os.on_record(new_sak_xml(), wednesday());
    REQUIRE(again.what == response::kind::answer);
    CHECK(again.repeated);
    CHECK_FALSE(again.changed);
    CHECK(again.kvittering == first.kvittering);
    INFO("and not the 08 a second NY would get");
    CHECK(os.sim().ledger() == ledger);
    CHECK(os.sim().received() == 1);
  }
  SUBCASE("a kvittering on the topic is skipped") {
    auto r = os.on_record(first.kvittering, wednesday());
    CHECK(r.what == response::kind::skip);
    CHECK_FALSE(r.changed);
    CHECK(os.sim().received() == 1);
  }
  SUBCASE("other content is processed") {
    auto r = os.on_record(change_xml(), wednesday());
    REQUIRE(r.what == response::kind::answer);
    CHECK_FALSE(r.repeated);
    CHECK(grade_of(r.kvittering) == "00");
    CHECK(os.sim().ledger().at(key).size() == 2);
  }
}

TEST_CASE("unreadable XML is reported, not answered") {
  auto os = responder{simulator_profile{}};
  auto r = os.on_record("<oppdrag><oppdrag-110>", wednesday());
  CHECK(r.what == response::kind::unreadable);
  CHECK(r.error);
  CHECK_FALSE(r.changed);
  CHECK(os.sim().received() == 0);
}

TEST_CASE("a 12 is not remembered: its retry is processed anew") {
  auto profile = simulator_profile{};
  profile.rate_12 = 1.0;
  auto os = responder{profile};
  auto r = os.on_record(new_sak_xml(), wednesday());
  REQUIRE(r.what == response::kind::answer);
  CHECK(grade_of(r.kvittering) == "12");
  CHECK(os.state().answered.empty());
  auto retry = os.on_record(new_sak_xml(), wednesday());
  CHECK_FALSE(retry.repeated);
  CHECK(retry.changed);
  CHECK(os.sim().received() == 2);
}

TEST_CASE("a lost kvittering is remembered and given to the resend") {
  auto profile = simulator_profile{};
  profile.rate_lost = 1.0;
  auto os = responder{profile};
  auto r = os.on_record(new_sak_xml(), wednesday());
  CHECK(r.what == response::kind::lost);
  CHECK(r.changed);
  CHECK(os.sim().ledger().at(key).size() == 1);
  auto resend = os.on_record(new_sak_xml(), wednesday());
  REQUIRE(resend.what == response::kind::answer);
  CHECK(resend.repeated);
  CHECK(grade_of(resend.kvittering) == "00");
  CHECK(os.sim().received() == 1);
}

TEST_CASE("a repeated answer waits for the opening like a first one") {
  auto profile = simulator_profile{};
  profile.opening_hours = true;
  auto os = responder{profile};
  REQUIRE(os.on_record(new_sak_xml(), wednesday()).delay == 0ms);
  auto late = os.on_record(new_sak_xml(), at("2025-06-11T21:30:00"));
  CHECK(late.repeated);
  CHECK(late.delay == std::chrono::milliseconds{8h + 30min});
}

TEST_CASE("the state carries the base and the answers across a restart") {
  auto os = responder{simulator_profile{}};
  auto first = os.on_record(new_sak_xml(), wednesday());
  auto saved = os.state();
  REQUIRE(saved.answered.size() == 1);
  CHECK(saved.answered[0].oppdrag == oppdrag_hash(new_sak_xml()));
  auto restarted = responder{simulator_profile{}, saved};
  CHECK(restarted.state() == saved);
  CHECK(restarted.sim().ledger() == os.sim().ledger());
  auto again = restarted.on_record(new_sak_xml(), wednesday());
  CHECK(again.repeated);
  CHECK(again.kvittering == first.kvittering);
}

TEST_CASE("the oldest answers are forgotten beyond the bound") {
  auto os = responder{simulator_profile{}, 2};
  auto a = to_xml(make_oppdrag(
    "NY", {ny(1, std::nullopt, 2025y / June / 2d, 2025y / June / 6d, 1)}));
  auto b = to_xml(make_oppdrag(
    "ENDR", {ny(2, 1, 2025y / June / 9d, 2025y / June / 13d, 2)}));
  auto c = to_xml(make_oppdrag(
    "ENDR", {ny(3, 2, 2025y / June / 16d, 2025y / June / 20d, 3)}));
  for (auto& x : {a, b, c})
    REQUIRE(os.on_record(x, wednesday()).what == response::kind::answer);
  auto answered = os.state().answered;
  REQUIRE(answered.size() == 2);
  CHECK(answered[0].oppdrag == oppdrag_hash(b));
  CHECK(answered[1].oppdrag == oppdrag_hash(c));
  INFO("a forgotten oppdrag gets what OS answers a resend");
  auto r = os.on_record(a, wednesday());
  CHECK_FALSE(r.repeated);
  CHECK(grade_of(r.kvittering) == "08");
}

}
