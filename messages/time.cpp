#include "messages/time.hpp"

#include <charconv>
#include <cstdio>

namespace utsjekk {

namespace {

/// Reads exactly `n` ASCII digits at `pos`.
std::optional<int> digits(std::string_view text, size_t pos, size_t n) {
  if (pos + n > text.size())
    return std::nullopt;
  int result = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    auto c = text[i];
    if (c < '0' || c > '9')
      return std::nullopt;
    result = result * 10 + (c - '0');
  }
  return result;
}

} // namespace

std::optional<date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    return std::nullopt;
  auto y = digits(text, 0, 4);
  auto m = digits(text, 5, 2);
  auto d = digits(text, 8, 2);
  if (!y || !m || !d)
    return std::nullopt;
  auto result = date{std::chrono::year{*y},
                     std::chrono::month{static_cast<unsigned>(*m)},
                     std::chrono::day{static_cast<unsigned>(*d)}};
  if (!result.ok())
    return std::nullopt;
  return result;
}

std::string to_string(date d) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

std::optional<local_time> parse_local_time(std::string_view text) {
  using namespace std::chrono;
  if (text.size() < 19 || text[10] != 'T' || text[13] != ':'
      || text[16] != ':')
    return std::nullopt;
  auto d = parse_date(text.substr(0, 10));
  auto hh = digits(text, 11, 2);
  auto mm = digits(text, 14, 2);
  auto ss = digits(text, 17, 2);
  if (!d || !hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 59)
    return std::nullopt;
  auto rest = text.substr(19);
  int64_t micros = 0;
  if (!rest.empty() && rest.front() == '.') {
    size_t n = 1;
    int64_t scale = 100000;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') {
      micros += (rest[n] - '0') * scale;
      scale /= 10;
      ++n;
    }
    // A fraction needs at least one digit; digits past microseconds drop.
    if (n == 1)
      return std::nullopt;
    rest = rest.substr(n);
  }
  if (rest == "Z") {
    rest = {};
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-')
             && rest[3] == ':' && digits(rest, 1, 2) && digits(rest, 4, 2)) {
    rest = {};
  }
  if (!rest.empty())
    return std::nullopt;
  auto day = local_days{*d};
  return local_time{day + hours{*hh} + minutes{*mm} + seconds{*ss}
                    + microseconds{micros}};
}

std::string to_string(local_time t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  hh_mm_ss<microseconds> hms{t - day};
  auto result = to_string(date{day});
  char buf[32];
  std::snprintf(buf, sizeof(buf), "T%02d:%02d:%02d",
                static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  result += buf;
  if (auto us = hms.subseconds().count(); us != 0) {
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(us));
    result += buf;
  }
  return result;
}

date date_of(local_time t) {
  return date{std::chrono::floor<std::chrono::days>(t)};
}

std::string to_os_timestamp(local_time t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  hh_mm_ss<microseconds> hms{t - day};
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%s-%02d.%02d.%02d.%06lld",
                to_string(date{day}).c_str(),
                static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()),
                static_cast<long long>(hms.subseconds().count()));
  return buf;
}

date next_day(date d) {
  return date{std::chrono::sys_days{d} + std::chrono::days{1}};
}

date previous_day(date d) {
  return date{std::chrono::sys_days{d} - std::chrono::days{1}};
}

int days_between(date a, date b) {
  return static_cast<int>(
    (std::chrono::sys_days{b} - std::chrono::sys_days{a}).count());
}

bool is_weekend(date d) {
  std::chrono::weekday wd{std::chrono::sys_days{d}};
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

date last_day_of_month(date d) {
  return date{d.year() / d.month() / std::chrono::last};
}

namespace {

/// The instant (01:00 UTC on the last Sunday of `m`) summer time starts or
/// ends in the EU.
std::chrono::sys_seconds eu_switch(std::chrono::year y,
                                   std::chrono::month m) {
  using namespace std::chrono;
  sys_days last_sunday{y / m / Sunday[last]};
  return sys_seconds{last_sunday} + hours{1};
}

} // namespace

std::chrono::minutes oslo_utc_offset(std::chrono::sys_seconds t) {
  using namespace std::chrono;
  auto y = year_month_day{floor<days>(t)}.year();
  auto summer = t >= eu_switch(y, March) && t < eu_switch(y, October);
  return summer ? minutes{120} : minutes{60};
}

std::chrono::minutes oslo_utc_offset(date d) {
  using namespace std::chrono;
  return oslo_utc_offset(sys_seconds{sys_days{d}} + hours{12});
}

local_time to_oslo(std::chrono::sys_time<std::chrono::microseconds> t) {
  using namespace std::chrono;
  auto offset = oslo_utc_offset(floor<seconds>(t));
  return local_time{t.time_since_epoch() + offset};
}

} // namespace utsjekk
