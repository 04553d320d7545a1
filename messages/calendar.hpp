#pragma once

#include "messages/types.hpp"

/// OS' opening hours: 06:00–21:00 on Norwegian working days (reference
/// §4.4, §9). Pure: the caller passes the local Norwegian time.
namespace utsjekk {

/// Easter Sunday of `y` (Gregorian).
date easter_sunday(std::chrono::year y);

/// True for Norwegian public holidays: 1/1, Maundy Thursday, Good Friday,
/// Easter Sunday and Monday, 1/5, 17/5, Ascension Day, Whit Sunday and
/// Monday, 25/12, 26/12.
bool is_holiday(date d);

/// True for Monday to Friday that are not holidays.
bool is_working_day(date d);

/// True when OS is open at `t`.
bool is_open(local_time t);

/// `t` if OS is open then, else the next opening (06:00 of the next
/// working day).
local_time next_opening(local_time t);

} // namespace utsjekk
