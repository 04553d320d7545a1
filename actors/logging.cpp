#include "actors/logging.hpp"

#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/support/date_time.hpp>
#include <boost/log/utility/setup/common_attributes.hpp>
#include <boost/log/utility/setup/console.hpp>

#include <iostream>

namespace utsjekk::log {

bool init(std::string_view level) {
  namespace logging = boost::log;
  namespace expr = boost::log::expressions;
  using sev = logging::trivial::severity_level;
  auto known = true;
  auto min = sev::info;
  if (level == "trace")
    min = sev::trace;
  else if (level == "debug")
    min = sev::debug;
  else if (level == "warning")
    min = sev::warning;
  else if (level == "error")
    min = sev::error;
  else if (level != "info")
    known = false;
  // One line per event: time, severity, the message with its fields.
  logging::add_common_attributes();
  logging::core::get()->remove_all_sinks();
  logging::add_console_log(
    std::clog,
    logging::keywords::format
    = (expr::stream << expr::format_date_time<boost::posix_time::ptime>(
                         "TimeStamp", "%Y-%m-%dT%H:%M:%S.%f")
                    << " " << logging::trivial::severity << " "
                    << expr::smessage),
    logging::keywords::auto_flush = true);
  logging::core::get()->set_filter(logging::trivial::severity >= min);
  return known;
}

} // namespace utsjekk::log
