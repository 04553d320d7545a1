#include "messages/calendar.hpp"

#include "messages/time.hpp"

#include <array>

namespace utsjekk {

namespace {

/// OS opens at 06:00 and closes at 21:00 (reference §4.4).
constexpr auto opens_at = std::chrono::hours{6};
constexpr auto closes_at = std::chrono::hours{21};

/// `d` moved by `n` days.
date add_days(date d, int n) {
  return date{std::chrono::sys_days{d} + std::chrono::days{n}};
}

} // namespace

date easter_sunday(std::chrono::year y) {
  // The anonymous Gregorian computus (Meeus/Jones/Butcher).
  auto year = static_cast<int>(y);
  auto a = year % 19;
  auto b = year / 100;
  auto c = year % 100;
  auto d = b / 4;
  auto e = b % 4;
  auto f = (b + 8) / 25;
  auto g = (b - f + 1) / 3;
  auto h = (19 * a + b - d - g + 15) % 30;
  auto i = c / 4;
  auto k = c % 4;
  auto l = (32 + 2 * e + 2 * i - h - k) % 7;
  auto m = (a + 11 * h + 22 * l) / 451;
  auto month = (h + l - 7 * m + 114) / 31;
  auto day = (h + l - 7 * m + 114) % 31 + 1;
  // Assemble the date.
  return date{y, std::chrono::month{static_cast<unsigned>(month)},
              std::chrono::day{static_cast<unsigned>(day)}};
}

bool is_holiday(date d) {
  using namespace std::chrono;
  // Fixed days: 1/1, 1/5, 17/5, 25/12, 26/12.
  constexpr std::array<month_day, 5> fixed = {
      January / 1, May / 1, May / 17, December / 25, December / 26,
  };
  for (auto md : fixed)
    if (d.month() == md.month() && d.day() == md.day())
      return true;
  // Moving days, counted from Easter Sunday: Maundy Thursday, Good Friday,
  // Easter Sunday and Monday, Ascension Day, Whit Sunday and Monday.
  constexpr std::array<int, 7> offsets = {-3, -2, 0, 1, 39, 49, 50};
  auto easter = easter_sunday(d.year());
  for (auto n : offsets)
    if (add_days(easter, n) == d)
      return true;
  return false;
}

bool is_working_day(date d) {
  return !is_weekend(d) && !is_holiday(d);
}

bool is_open(local_time t) {
  using namespace std::chrono;
  // Open inside [06:00, 21:00) of a working day.
  auto day = floor<days>(t);
  auto since_midnight = t - day;
  return is_working_day(date{day}) && since_midnight >= opens_at &&
         since_midnight < closes_at;
}

local_time next_opening(local_time t) {
  using namespace std::chrono;
  if (is_open(t))
    return t;
  // Before 06:00 on a working day OS opens the same day.
  auto day = floor<days>(t);
  if (is_working_day(date{day}) && t - day < opens_at)
    return local_time{day + opens_at};
  // Otherwise at 06:00 of the next working day; a year has no run of more
  // than a handful of closed days, so the loop is short.
  auto next = date{day};
  do {
    next = next_day(next);
  } while (!is_working_day(next));
  return local_time{local_days{next} + opens_at};
}

} // namespace utsjekk
