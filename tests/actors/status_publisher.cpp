#include "actors/status_publisher.hpp"

#include "fixture.hpp"

#include <caf/after.hpp>

using namespace utsjekk;
using namespace utsjekk::test;
using namespace std::chrono_literals;

namespace {

/// Three records on three topics, one of them the status topic.
std::vector<out_record> three_records() {
  return {
    out_record{"helved.utbetalinger.v1", "u1", "{}", {}},
    out_record{"helved.status.v1", "k1", "{}", {}},
    out_record{"utsjekk.journal.v1", "k1", "{}", {}},
  };
}

/// Runs the actors, then takes the answer to `request`.
template <class Handle>
caf::expected<bool> answer(fixture& f, Handle request) {
  f.run();
  caf::expected<bool> result = caf::make_error(ec::timeout, "no answer");
  request.receive([&](bool x) { result = x; },
                  [&](caf::error& err) { result = std::move(err); });
  return result;
}

} // namespace

TEST_SUITE("actors/status_publisher") {

TEST_CASE("a multi-record write is delivered all or nothing") {
  fixture f;
  SUBCASE("a failure on one record keeps every record out") {
    f.sink->fail_next = 1;
    auto result = answer(f, f.self->request(f.publisher, caf::infinite,
                                            atom::write::value,
                                            three_records()));
    REQUIRE_FALSE(result);
    CHECK(result.error() == ec::kafka_aborted);
    CHECK(f.sink->records.empty());
    CHECK(f.sink->units == std::vector<size_t>{3});
  }
  SUBCASE("a success delivers every record, in order, as one unit") {
    auto result = answer(f, f.self->request(f.publisher, caf::infinite,
                                            atom::write::value,
                                            three_records()));
    REQUIRE(result);
    CHECK(*result);
    REQUIRE(f.sink->delivered.size() == 1);
    REQUIRE(f.sink->delivered[0].size() == 3);
    CHECK(f.sink->delivered[0][0].key == std::string{"u1"});
    CHECK(f.sink->delivered[0][2].topic == "utsjekk.journal.v1");
  }
}

TEST_CASE("a status with records is one unit with the status last") {
  fixture f;
  std::vector<out_record> with{
    out_record{"utsjekk.journal.v1", "k9", "{}", {}}};
  status_reply ok{status_kind::ok, {}, {}, false};
  auto result = answer(f, f.self->request(f.publisher, caf::infinite,
                                          atom::publish::value, tx_id{"k9"},
                                          fagsystem::aap, ok, with));
  REQUIRE(result);
  REQUIRE(f.sink->delivered.size() == 1);
  auto& unit = f.sink->delivered[0];
  REQUIRE(unit.size() == 2);
  CHECK(unit[0].topic == "utsjekk.journal.v1");
  CHECK(unit[1].topic == "helved.status.v1");
  CHECK(unit[1].key == std::string{"k9"});
  INFO("the status is counted once delivered");
  auto x = f.stats->snapshot(*f.clock_now, {});
  CHECK(x.statuses[static_cast<size_t>(status_kind::ok)] == 1);
}

TEST_CASE("MOTTATT settles its input; other statuses and records do not") {
  fixture f;
  for (auto kind : {status_kind::mottatt, status_kind::hos_oppdrag,
                    status_kind::ok, status_kind::feilet}) {
    status_reply status{kind, {}, {}, false};
    auto result = answer(f, f.self->request(
                              f.publisher, caf::infinite,
                              atom::publish::value, tx_id{"k1"},
                              fagsystem::aap, status,
                              std::vector<out_record>{out_record{
                                "utsjekk.journal.v1", "k1", "{}", {}}}));
    REQUIRE(result);
  }
  REQUIRE(f.sink->delivered.size() == 4);
  for (auto& unit : f.sink->delivered) {
    REQUIRE(unit.size() == 2);
    CHECK_FALSE(unit[0].settles);
  }
  CHECK(f.sink->delivered[0][1].settles);
  CHECK_FALSE(f.sink->delivered[1][1].settles);
  INFO("a terminal status may answer another read of its key");
  CHECK_FALSE(f.sink->delivered[2][1].settles);
  CHECK_FALSE(f.sink->delivered[3][1].settles);
}

TEST_CASE("a fenced producer stops the publisher") {
  fixture f;
  f.self->monitor(f.publisher);
  caf::anon_send(f.publisher, atom::delivered::value, uint64_t{0},
                 caf::make_error(ec::kafka_fenced, "fenced"));
  f.run();
  bool down = false;
  f.self->receive(
    [&](caf::down_msg& dm) {
      down = true;
      CHECK(dm.reason == ec::kafka_fenced);
    },
    caf::after(0s) >> [] {});
  CHECK(down);
}

}
