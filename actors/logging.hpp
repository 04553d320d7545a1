#pragma once

#include <boost/log/trivial.hpp>

#include <string_view>

/// Logging through Boost.Log: one line per event, a sentence naming who
/// does what, then key=value fields. Never a personident: log tx-ids, sak
/// ids, topics and offsets only.
namespace utsjekk::log {

/// Sends log lines to standard error at `level` ("trace", "debug",
/// "info", "warning", "error") and above. Returns false for an unknown
/// level name (then "info" is used).
bool init(std::string_view level);

} // namespace utsjekk::log

/// Logs at `lvl` with the component name in brackets, e.g.
/// `UTSJEKK_LOG(info, "reader") << "reader started tp=" << tp;`.
#define UTSJEKK_LOG(lvl, component)                                           \
  BOOST_LOG_TRIVIAL(lvl) << "[" << component << "] "
