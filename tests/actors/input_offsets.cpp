#include "actors/input_offsets.hpp"

#include <doctest/doctest.h>

using namespace utsjekk;

namespace {

const kafka::topic_partition tp0{"aap.utbetaling.v1", 0};
const kafka::topic_partition tp1{"aap.utbetaling.v1", 1};

/// A status for `key` queued now.
settled_key status_of(const input_offsets& x, std::string key) {
  return settled_key{std::move(key), x.epoch()};
}

} // namespace

TEST_SUITE("actors/input_offsets") {

TEST_CASE("a status takes its input's offset into its transaction") {
  input_offsets x;
  x.assign({tp0});
  x.opened(tp0, 10, "a");
  x.opened(tp0, 11, "b");
  INFO("nothing settled: nothing to commit");
  CHECK(x.plan({}).offsets.empty());
  SUBCASE("settling the first moves the partition past it") {
    auto plan = x.plan({status_of(x, "a")});
    CHECK(plan.offsets == kafka::offset_map{{tp0, 11}});
    REQUIRE(plan.settled.size() == 1);
    CHECK(plan.settled[0].second == 10);
    INFO("a plan changes nothing until its transaction commits");
    CHECK(x.plan({}).offsets.empty());
    x.committed(plan);
    CHECK(x.committed_offset(tp0) == 11);
    CHECK(x.plan({}).offsets.empty());
  }
  SUBCASE("settling the second alone commits nothing: 10 is open (I3)") {
    auto plan = x.plan({status_of(x, "b")});
    CHECK(plan.offsets.empty());
    x.committed(plan);
    INFO("once 10 settles, both are passed");
    CHECK(x.plan({status_of(x, "a")}).offsets
          == kafka::offset_map{{tp0, 12}});
  }
  SUBCASE("an aborted transaction settles nothing") {
    auto plan = x.plan({status_of(x, "a"), status_of(x, "b")});
    CHECK(plan.offsets == kafka::offset_map{{tp0, 12}});
    CHECK(x.plan({}).offsets.empty());
    CHECK(x.committed_offset(tp0) == -1);
  }
}

TEST_CASE("a reader's position moves the offsets on every other path") {
  input_offsets x;
  x.assign({tp0, tp1});
  x.opened(tp0, 5, "a");
  x.opened(tp0, 6, "b");
  x.opened(tp1, 0, "c");
  CHECK(x.stored(tp0, 6));
  CHECK(x.plan({}).offsets == kafka::offset_map{{tp0, 6}});
  INFO("a position not past the last commit asks for nothing");
  x.committed(x.plan({}));
  CHECK_FALSE(x.stored(tp0, 6));
  CHECK_FALSE(x.stored(tp0, 5));
  INFO("records below the position are done with");
  CHECK(x.open(tp0) == 1);
  CHECK(x.stored(tp0, 7));
  CHECK(x.open(tp0) == 0);
  CHECK(x.plan({}).offsets == kafka::offset_map{{tp0, 7}});
}

TEST_CASE("a key read twice before its answer settles neither by key") {
  input_offsets x;
  x.assign({tp0});
  x.opened(tp0, 0, "k");
  x.opened(tp0, 1, "k");
  auto plan = x.plan({status_of(x, "k")});
  CHECK(plan.offsets.empty());
  CHECK(plan.settled.empty());
  INFO("their reader's position still moves them");
  CHECK(x.stored(tp0, 2));
  CHECK(x.plan({}).offsets == kafka::offset_map{{tp0, 2}});
}

TEST_CASE("a status queued before its key was read again answers the "
          "earlier read only") {
  input_offsets x;
  x.assign({tp0});
  x.opened(tp0, 0, "k");
  auto early = status_of(x, "k");
  x.committed(x.plan({early}));
  CHECK(x.committed_offset(tp0) == 1);
  INFO("the same key again, after a status was queued for the first");
  auto queued_before = status_of(x, "k");
  x.opened(tp0, 1, "k");
  auto plan = x.plan({queued_before});
  CHECK(plan.offsets.empty());
  CHECK(plan.settled.empty());
  INFO("a status queued after it was read may answer it");
  CHECK(x.plan({status_of(x, "k")}).offsets
        == kafka::offset_map{{tp0, 2}});
}

TEST_CASE("a partition given up is forgotten and not taken back") {
  input_offsets x;
  x.assign({tp0});
  x.opened(tp0, 3, "a");
  auto plan = x.plan({status_of(x, "a")});
  x.forget({tp0});
  x.committed(plan);
  CHECK(x.committed_offset(tp0) == -1);
  INFO("a late reader of it creates nothing");
  x.opened(tp0, 4, "b");
  CHECK_FALSE(x.stored(tp0, 5));
  CHECK(x.plan({status_of(x, "b")}).offsets.empty());
  INFO("assigned again, it starts afresh");
  x.assign({tp0});
  x.opened(tp0, 3, "a");
  CHECK(x.plan({status_of(x, "a")}).offsets
        == kafka::offset_map{{tp0, 4}});
}

TEST_CASE("a record seen before is not opened twice") {
  input_offsets x;
  x.assign({tp0});
  x.opened(tp0, 0, "a");
  auto epoch = x.epoch();
  x.opened(tp0, 0, "a");
  CHECK(x.epoch() == epoch);
  CHECK(x.stored(tp0, 1));
  x.opened(tp0, 0, "a");
  CHECK(x.open(tp0) == 0);
}

}
