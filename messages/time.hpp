#pragma once

#include "messages/types.hpp"

#include <optional>
#include <string>
#include <string_view>

/// Parsing and formatting of dates and times in the forms the wire uses.
/// Pure: the current time is always passed in by the caller.
namespace utsjekk {

/// Parses "YYYY-MM-DD"; nullopt unless the text is exactly that form and
/// the date exists (2023-02-29 does not).
std::optional<date> parse_date(std::string_view text);

/// Formats as "YYYY-MM-DD".
std::string to_string(date d);

/// Parses "YYYY-MM-DDTHH:MM:SS[.fraction]" with an optional trailing "Z"
/// (stripped, as the systems being replaced do) or offset "+HH:MM"
/// (ignored). nullopt on anything else.
std::optional<local_time> parse_local_time(std::string_view text);

/// Formats as "YYYY-MM-DDTHH:MM:SS" plus ".ffffff" when not whole seconds.
std::string to_string(local_time t);

/// The date part of a local time.
date date_of(local_time t);

/// Formats as OS' timestamp "yyyy-MM-dd-HH.mm.ss.SSSSSS" (avstemming-115).
std::string to_os_timestamp(local_time t);

/// The day after `d`.
date next_day(date d);

/// The day before `d`.
date previous_day(date d);

/// Days from `a` to `b` (b - a).
int days_between(date a, date b);

/// True for Saturday and Sunday.
bool is_weekend(date d);

/// The last day of `d`'s month.
date last_day_of_month(date d);

/// Europe/Oslo's offset from UTC at the instant `t`: one hour, two during
/// summer time (from 01:00 UTC on the last Sunday of March to 01:00 UTC on
/// the last Sunday of October).
std::chrono::minutes oslo_utc_offset(std::chrono::sys_seconds t);

/// Europe/Oslo's offset from UTC at noon of `d`, for dates written with an
/// offset (`2025-06-02+02:00`).
std::chrono::minutes oslo_utc_offset(date d);

/// The wall-clock time in Norway at the instant `t`.
local_time to_oslo(std::chrono::sys_time<std::chrono::microseconds> t);

} // namespace utsjekk
