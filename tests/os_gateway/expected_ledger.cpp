#include "os_gateway/expected_ledger.hpp"

#include "../messages/decode_examples.hpp"
#include "messages/decode.hpp"
#include "messages/kvittering.hpp"
#include "messages/plan.hpp"
#include "messages/time.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>

using namespace utsjekk;
using namespace utsjekk::os;
using namespace utsjekk::test;
using namespace std::chrono_literals;
using std::chrono::June;

namespace {

/// Wednesday 11 June 2025, 10:00: OS is open.
utsjekk::local_time wednesday() {
  return *parse_local_time("2025-06-11T10:00:00");
}

/// A message of `key` decoded from an input record; fails the test when it
/// does not decode.
decoded_message decode_ok(fagsystem fs, const std::string& key,
                          const std::string& value) {
  auto msg = decode(fs, tx_id{key}, value);
  REQUIRE_MESSAGE(msg, key);
  return std::move(*msg);
}

/// A historisk message of one utbetaling `uid` paying `belop` once on
/// `day` of June 2025, or its opphør when `belop` is empty.
decoded_message historisk(const std::string& key, const std::string& uid,
                          std::optional<uint64_t> belop, unsigned day = 10) {
  std::string json
    = R"({"id":")" + uid + R"(","sakId":"HJ-1","behandlingId":"B1",)"
      R"("personident":"05458410595","stønad":"HØREAPPARAT_ANSKAFFELSE",)"
      R"("vedtakstidspunkt":"2025-06-02T10:00:00","saksbehandler":"Z1",)"
      R"("beslutter":"Z2","periodetype":"EN_GANG","perioder":[)";
  if (belop)
    json += R"({"fom":"2025-06-)" + std::to_string(day) + R"(","tom":)"
            + R"("2025-06-)" + std::to_string(day) + R"(","beløp":)"
            + std::to_string(*belop) + "}";
  json += "]}";
  auto msg = decode_ok(fagsystem::historisk, key, json);
  if (!belop)
    for (auto& u : msg.utbetalinger)
      u.action = action::del;
  return msg;
}

/// Plays OS for `records` the way utsjekk does: each message planned
/// against the accepted state, each oppdrag sent to one simulator, the
/// state moved on by the ones it accepts. Returns the outcomes by key.
std::map<std::string, bool> play(const std::vector<record>& records,
                                 simulator& os,
                                 std::vector<outcome_of>& messages) {
  std::map<std::string, bool> result;
  std::map<sak_key, sak_state> accepted;
  std::set<std::pair<std::string, std::string>> seen;
  uint32_t next = 0;
  id_generator ids = [&next] {
    uuid u;
    u.bytes[0] = 0x77;
    auto n = ++next;
    u.bytes[14] = static_cast<uint8_t>(n >> 8);
    u.bytes[15] = static_cast<uint8_t>(n);
    return u;
  };
  for (const auto& rec : records) {
    auto fs = fagsystem_of_topic(rec.topic);
    REQUIRE(fs);
    // A redelivery is answered from its first outcome.
    if (!seen.emplace(rec.key, rec.value).second)
      continue;
    auto msg = decode(*fs, tx_id{rec.key}, rec.value);
    if (!msg) {
      result[rec.key] = false;
      continue;
    }
    auto& state = accepted[msg->sak];
    auto planned = make_plan(*msg, state,
                             *parse_local_time("2025-06-30T12:00:00"), ids);
    auto ok = static_cast<bool>(planned);
    if (planned)
      for (auto& x : planned->oppdrag) {
        auto answer = os.receive(x.oppdrag, wednesday());
        REQUIRE(answer.kvittering);
        auto grade = classify(*answer.kvittering->mmel, false);
        if (grade == kvittering_outcome::accepted)
          accept(state, x);
        else
          ok = false;
      }
    result[rec.key] = ok;
    messages.push_back({std::move(*msg), ok});
  }
  return result;
}

} // namespace

TEST_SUITE("os_gateway/expected_ledger") {

TEST_CASE("the shared examples: OS pays what the last messages asked for") {
  auto records = basic_records();
  auto os = simulator{simulator_profile{}};
  std::vector<outcome_of> messages;
  auto outcomes = play(records, os, messages);
  INFO("the outcomes are the expected ones");
  for (const auto& want : read_jsonl("basic.expected.jsonl")) {
    auto key = std::string{want.at("key").as_string()};
    CAPTURE(key);
    REQUIRE(outcomes.count(key) == 1);
    CHECK(outcomes[key] == (want.at("status").as_string() == "OK"));
  }
  auto want = expected_payable(messages);
  auto have = payable_of(os.ledger());
  CHECK(compare(want, have).empty());
  CHECK(want == have);
  INFO("the opphørte saker pay nothing, the others something");
  CHECK(want.count(base_key{"TILLSTDR", "200000336"}) == 0);
  CHECK(want.count(base_key{"AAP", "AAP4Q1C"}) == 1);
  CHECK(want.count(base_key{"DP", "DPSAK0001"}) == 1);
}

TEST_CASE("an accepted message replaces, a rejected one changes nothing") {
  auto uid = std::string{"9a7d2c3e-1111-4222-8333-944455566677"};
  auto base = base_key{"HELSREF", "HJ-1"};
  std::vector<outcome_of> messages{{historisk("k1", uid, 100), true}};
  SUBCASE("one message pays once on its day") {
    auto want = expected_payable(messages);
    CHECK(want.at(base) == std::map<date, uint64_t>{{2025y / June / 10d,
                                                      100}});
  }
  SUBCASE("a later accepted version replaces it") {
    messages.push_back({historisk("k2", uid, 250, 11), true});
    CHECK(expected_payable(messages).at(base)
          == std::map<date, uint64_t>{{2025y / June / 11d, 250}});
  }
  SUBCASE("a rejected version leaves the accepted one") {
    messages.push_back({historisk("k2", uid, 250, 11), false});
    CHECK(expected_payable(messages).at(base)
          == std::map<date, uint64_t>{{2025y / June / 10d, 100}});
  }
  SUBCASE("an opphør leaves nothing to pay") {
    messages.push_back({historisk("k2", uid, std::nullopt), true});
    CHECK(expected_payable(messages).empty());
  }
}

TEST_CASE("a full picture opphører the utbetalinger it leaves out") {
  auto records = basic_records();
  // aap-0001 has two utbetalinger; aap-0003 names only the second.
  auto find = [&](const std::string& key) {
    for (auto& r : records)
      if (r.key == key)
        return decode_ok(fagsystem::aap, r.key, r.value);
    FAIL("no record " << key);
    return decoded_message{};
  };
  auto first = find("aap-0001");
  auto third = find("aap-0003");
  REQUIRE(first.full_picture);
  auto base = base_key{"AAP", "AAP4Q1C"};
  auto both = expected_payable({{first, true}});
  auto one = expected_payable({{first, true}, {third, true}});
  INFO("two periods of ten weekdays each, then only the second");
  REQUIRE(both.at(base).size() == 20);
  CHECK(one.at(base).size() == 10);
  CHECK_FALSE(one.at(base).contains(2025y / June / 2d));
  CHECK(one.at(base).at(2025y / June / 16d) == 1077);
}

TEST_CASE("compare names every base and day that differs") {
  auto a = base_key{"DP", "S1"};
  auto b = base_key{"AAP", "S2"};
  payable_map want{{a, {{2025y / June / 2d, 100}, {2025y / June / 3d, 100}}}};
  payable_map have{{a, {{2025y / June / 2d, 100}, {2025y / June / 3d, 200}}},
                   {b, {{2025y / June / 4d, 5}}}};
  auto diff = compare(want, have);
  REQUIRE(diff.size() == 2);
  CHECK(diff[0] == "AAP/S2 2025-06-04: OS pays 5, expected 0");
  CHECK(diff[1] == "DP/S1 2025-06-03: OS pays 200, expected 100");
  CHECK(compare(want, want).empty());
}

}
