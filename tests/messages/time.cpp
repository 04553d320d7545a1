#include "messages/time.hpp"

#include <doctest/doctest.h>

using namespace utsjekk;
using namespace std::chrono;

TEST_SUITE("messages/time") {

TEST_CASE("dates parse only in their one strict form") {
  CHECK(parse_date("2024-02-29") == 2024y / February / 29d);
  CHECK_FALSE(parse_date("2023-02-29"));
  CHECK_FALSE(parse_date("2023-13-01"));
  CHECK_FALSE(parse_date("2023-1-01"));
  CHECK_FALSE(parse_date("2023-01-01T00"));
  CHECK_FALSE(parse_date("２０２３-01-01"));
  CHECK(to_string(2025y / June / 2d) == "2025-06-02");
}

TEST_CASE("local times keep microseconds and drop a trailing Z") {
  auto t = parse_local_time("2026-07-14T10:07:38.614673");
  REQUIRE(t);
  CHECK(to_string(*t) == "2026-07-14T10:07:38.614673");
  CHECK(to_os_timestamp(*t) == "2026-07-14-10.07.38.614673");
  auto z = parse_local_time("2025-08-10T08:30:00Z");
  REQUIRE(z);
  CHECK(to_string(*z) == "2025-08-10T08:30:00");
  CHECK(date_of(*z) == 2025y / August / 10d);
  CHECK_FALSE(parse_local_time("2025-08-10T24:00:00"));
  CHECK_FALSE(parse_local_time("2025-08-10T08:30:00."));
  CHECK_FALSE(parse_local_time("2025-08-10 08:30:00"));
  CHECK_FALSE(parse_local_time("2025-08-10T08:30:00junk"));
}

TEST_CASE("calendar helpers") {
  CHECK(next_day(2024y / February / 28d) == 2024y / February / 29d);
  CHECK(previous_day(2025y / March / 1d) == 2025y / February / 28d);
  CHECK(days_between(2025y / January / 1d, 2026y / January / 1d) == 365);
  CHECK(is_weekend(2025y / June / 7d));
  CHECK_FALSE(is_weekend(2025y / June / 6d));
  CHECK(last_day_of_month(2024y / February / 3d) == 2024y / February / 29d);
}

TEST_CASE("Oslo's offset follows EU summer time") {
  using namespace std::chrono;
  CHECK(oslo_utc_offset(2025y / June / 2d) == minutes{120});
  CHECK(oslo_utc_offset(2025y / January / 2d) == minutes{60});
  // 2025: summer time from 30 March 01:00 UTC to 26 October 01:00 UTC.
  auto start = sys_seconds{sys_days{2025y / March / 30d}} + hours{1};
  CHECK(oslo_utc_offset(start - seconds{1}) == minutes{60});
  CHECK(oslo_utc_offset(start) == minutes{120});
  auto end = sys_seconds{sys_days{2025y / October / 26d}} + hours{1};
  CHECK(oslo_utc_offset(end - seconds{1}) == minutes{120});
  CHECK(oslo_utc_offset(end) == minutes{60});
  auto t = sys_time<microseconds>{sys_days{2025y / December / 31d}}
           + hours{23} + minutes{30};
  CHECK(to_string(to_oslo(t)) == "2026-01-01T00:30:00");
}

}
