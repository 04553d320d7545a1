#include "messages/calendar.hpp"

#include "messages/time.hpp"

#include <doctest/doctest.h>

using namespace utsjekk;
using namespace std::chrono;

namespace {

/// A local time from its text form; fails the test on a typo.
utsjekk::local_time at(std::string_view text) {
  auto t = parse_local_time(text);
  REQUIRE_MESSAGE(t, text);
  return *t;
}

/// The next opening from `from`, as text.
std::string opening_after(std::string_view from) {
  return to_string(next_opening(at(from)));
}

} // namespace

TEST_SUITE("messages/calendar") {

TEST_CASE("Easter Sunday follows the Gregorian computus") {
  CHECK(easter_sunday(2024y) == 2024y / March / 31d);
  CHECK(easter_sunday(2025y) == 2025y / April / 20d);
  CHECK(easter_sunday(2026y) == 2026y / April / 5d);
  CHECK(easter_sunday(2027y) == 2027y / March / 28d);
  INFO("the extremes: as early and as late as Easter falls");
  CHECK(easter_sunday(2008y) == 2008y / March / 23d);
  CHECK(easter_sunday(2038y) == 2038y / April / 25d);
  CHECK(easter_sunday(2000y) == 2000y / April / 23d);
}

TEST_CASE("Norwegian public holidays") {
  SUBCASE("fixed days") {
    CHECK(is_holiday(2025y / January / 1d));
    CHECK(is_holiday(2025y / May / 1d));
    CHECK(is_holiday(2025y / May / 17d));
    CHECK(is_holiday(2025y / December / 25d));
    CHECK(is_holiday(2025y / December / 26d));
    CHECK_FALSE(is_holiday(2025y / December / 24d));
    CHECK_FALSE(is_holiday(2025y / December / 31d));
    CHECK_FALSE(is_holiday(2025y / May / 16d));
  }
  SUBCASE("Easter-based days in 2026") {
    CHECK_FALSE(is_holiday(2026y / April / 1d));
    CHECK(is_holiday(2026y / April / 2d));
    CHECK(is_holiday(2026y / April / 3d));
    CHECK(is_holiday(2026y / April / 5d));
    CHECK(is_holiday(2026y / April / 6d));
    CHECK_FALSE(is_holiday(2026y / April / 7d));
    CHECK(is_holiday(2026y / May / 14d));
    CHECK(is_holiday(2026y / May / 24d));
    CHECK(is_holiday(2026y / May / 25d));
    CHECK_FALSE(is_holiday(2026y / May / 26d));
  }
  SUBCASE("working days exclude weekends and holidays") {
    CHECK(is_working_day(2025y / June / 13d));
    CHECK_FALSE(is_working_day(2025y / June / 14d));
    CHECK_FALSE(is_working_day(2025y / June / 15d));
    CHECK_FALSE(is_working_day(2025y / June / 9d));
    CHECK(is_working_day(2025y / December / 24d));
  }
}

TEST_CASE("OS is open 06:00 to 21:00 on working days") {
  CHECK_FALSE(is_open(at("2025-06-13T05:59:59.999999")));
  CHECK(is_open(at("2025-06-13T06:00:00")));
  CHECK(is_open(at("2025-06-13T20:59:59.999999")));
  CHECK_FALSE(is_open(at("2025-06-13T21:00:00")));
  CHECK_FALSE(is_open(at("2025-06-14T12:00:00")));
  CHECK_FALSE(is_open(at("2025-05-29T12:00:00")));
}

TEST_CASE("next opening") {
  SUBCASE("open now: the time itself") {
    CHECK(opening_after("2025-06-13T14:03:11.5")
          == "2025-06-13T14:03:11.500000");
  }
  SUBCASE("early morning on a working day: 06:00 the same day") {
    CHECK(opening_after("2025-06-13T00:00:00") == "2025-06-13T06:00:00");
  }
  SUBCASE("Friday 20:55 is open, 21:00 waits for Monday") {
    CHECK(opening_after("2025-06-13T20:55:00") == "2025-06-13T20:55:00");
    CHECK(opening_after("2025-06-13T21:00:00") == "2025-06-16T06:00:00");
    CHECK(opening_after("2025-06-14T09:00:00") == "2025-06-16T06:00:00");
  }
  SUBCASE("a weekend before Whit Monday waits for Tuesday") {
    CHECK(opening_after("2025-06-06T21:30:00") == "2025-06-10T06:00:00");
  }
  SUBCASE("Maundy Thursday to Easter Monday") {
    CHECK(opening_after("2025-04-16T21:00:00") == "2025-04-22T06:00:00");
    CHECK(opening_after("2025-04-21T12:00:00") == "2025-04-22T06:00:00");
  }
  SUBCASE("17 May on a Wednesday") {
    CHECK(is_working_day(2028y / May / 16d));
    CHECK_FALSE(is_working_day(2028y / May / 17d));
    CHECK(opening_after("2028-05-16T22:00:00") == "2028-05-18T06:00:00");
  }
  SUBCASE("Ascension Day right after 17 May") {
    CHECK(opening_after("2023-05-16T21:00:00") == "2023-05-19T06:00:00");
    CHECK(opening_after("2025-05-28T23:59:59") == "2025-05-30T06:00:00");
  }
  SUBCASE("Christmas") {
    CHECK(is_open(at("2025-12-24T12:00:00")));
    CHECK(opening_after("2025-12-24T21:00:00") == "2025-12-29T06:00:00");
  }
  SUBCASE("year end") {
    CHECK(opening_after("2025-12-31T22:00:00") == "2026-01-02T06:00:00");
    CHECK(opening_after("2026-12-31T21:00:00") == "2027-01-04T06:00:00");
  }
}

}
