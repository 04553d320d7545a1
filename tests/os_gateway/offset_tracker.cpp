#include "os_gateway/offset_tracker.hpp"

#include <doctest/doctest.h>

using namespace utsjekk;
using namespace utsjekk::os;

namespace {

const kafka::topic_partition p0{"helved.oppdrag.v1", 0};
const kafka::topic_partition p1{"helved.oppdrag.v1", 1};

} // namespace

TEST_SUITE("os_gateway/offset_tracker") {

TEST_CASE("in order: each finish moves the offset on") {
  offset_tracker t;
  t.begin(p0, 10);
  t.begin(p0, 11);
  CHECK(t.in_work() == 2);
  CHECK(t.finish(p0, 10) == 11);
  CHECK(t.finish(p0, 11) == 12);
  CHECK(t.in_work() == 0);
}

TEST_CASE("out of order: nothing passes an unfinished record") {
  offset_tracker t;
  for (int64_t o = 0; o < 4; ++o)
    t.begin(p0, o);
  INFO("records 1 to 3 finish before record 0");
  CHECK_FALSE(t.finish(p0, 2));
  CHECK_FALSE(t.finish(p0, 3));
  CHECK_FALSE(t.finish(p0, 1));
  CHECK(t.finish(p0, 0) == 4);
  SUBCASE("a later record in work holds the offset again") {
    t.begin(p0, 4);
    t.begin(p0, 5);
    CHECK_FALSE(t.finish(p0, 5));
    CHECK(t.finish(p0, 4) == 6);
  }
}

TEST_CASE("partitions are independent") {
  offset_tracker t;
  t.begin(p0, 0);
  t.begin(p1, 7);
  CHECK(t.finish(p1, 7) == 8);
  CHECK(t.in_work() == 1);
  CHECK(t.finish(p0, 0) == 1);
}

TEST_CASE("unknown, repeated and forgotten records store nothing") {
  offset_tracker t;
  CHECK_FALSE(t.finish(p0, 3));
  t.begin(p0, 3);
  CHECK(t.finish(p0, 3) == 4);
  CHECK_FALSE(t.finish(p0, 3));
  t.begin(p1, 1);
  t.forget(p1);
  CHECK_FALSE(t.finish(p1, 1));
  CHECK(t.in_work() == 0);
}

}
