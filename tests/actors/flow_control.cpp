#include "actors/flow_control.hpp"

#include <doctest/doctest.h>

#include <thread>
#include <vector>

using namespace utsjekk;

namespace {

const kafka::topic_partition p0{"aap.utbetaling.v1", 0};
const kafka::topic_partition p1{"aap.utbetaling.v1", 1};

} // namespace

TEST_SUITE("actors/flow_control") {

TEST_CASE("a partition pauses when its limit is handed on, once") {
  flow_control flow{100};
  CHECK(!flow.handed(p0, 60));
  CHECK(flow.handed(p0, 60));
  CHECK(flow.paused(p0));
  INFO("batches fetched before the pause took hold ask for no new pause");
  CHECK(!flow.handed(p0, 500));
  CHECK(flow.outstanding(p0) == 620);
  INFO("the other partition is not touched");
  CHECK(!flow.paused(p1));
  CHECK(!flow.handed(p1, 99));
}

TEST_CASE("a paused partition resumes at half its limit, once") {
  flow_control flow{100};
  REQUIRE(flow.handed(p0, 120));
  CHECK(!flow.released(p0, 69));
  CHECK(flow.outstanding(p0) == 51);
  CHECK(flow.released(p0, 1));
  CHECK(!flow.paused(p0));
  CHECK(!flow.released(p0, 10));
  INFO("it pauses again when it fills up again");
  CHECK(!flow.handed(p0, 59));
  CHECK(flow.handed(p0, 1));
}

TEST_CASE("releases never go below zero, and unknown partitions are "
          "ignored") {
  flow_control flow{10};
  CHECK(!flow.released(p1, 5));
  CHECK(flow.outstanding(p1) == 0);
  REQUIRE(flow.handed(p0, 10));
  CHECK(flow.released(p0, 50));
  CHECK(flow.outstanding(p0) == 0);
}

TEST_CASE("a reassigned partition starts from zero") {
  flow_control flow{10};
  REQUIRE(flow.handed(p0, 15));
  flow.reset(p0);
  CHECK(!flow.paused(p0));
  CHECK(flow.outstanding(p0) == 0);
  CHECK(!flow.handed(p0, 9));
}

TEST_CASE("a limit of zero acts as one") {
  flow_control flow{0};
  CHECK(flow.handed(p0, 1));
  CHECK(flow.released(p0, 1));
}

TEST_CASE("concurrent hands and releases balance out") {
  flow_control flow{1000000};
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i)
    workers.emplace_back([&flow] {
      for (int j = 0; j < 10000; ++j) {
        flow.handed(p0, 2);
        flow.released(p0, 1);
      }
    });
  for (auto& w : workers)
    w.join();
  CHECK(flow.outstanding(p0) == 40000);
}

} // TEST_SUITE
