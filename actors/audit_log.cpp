#include "actors/audit_log.hpp"

#include "messages/error.hpp"
#include "messages/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace utsjekk {

std::string mask_personident(std::string_view text) {
  std::string result{text};
  size_t i = 0;
  while (i < result.size()) {
    if (!std::isdigit(static_cast<unsigned char>(result[i]))) {
      ++i;
      continue;
    }
    auto j = i;
    while (j < result.size()
           && std::isdigit(static_cast<unsigned char>(result[j])))
      ++j;
    if (j - i == 11)
      result.replace(i, 11, 11, '*');
    i = j;
  }
  return result;
}

std::string to_json_line(const audit_entry& x) {
  boost::json::object o;
  o["time"] = to_string(x.time);
  o["operator"] = mask_personident(x.operator_name);
  o["action"] = x.action;
  o["target"] = mask_personident(x.target);
  o["reason"] = mask_personident(x.reason);
  o["status"] = x.status;
  o["result"] = mask_personident(x.result);
  return boost::json::serialize(o);
}

audit_log::audit_log(std::string path) : path_(std::move(path)) {
}

caf::error audit_log::check() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::ofstream out{path_, std::ios::app};
  if (!out)
    return caf::make_error(ec::invalid_config,
                           "cannot append to the audit log " + path_ + ": "
                             + std::strerror(errno));
  return caf::none;
}

caf::error audit_log::append(const audit_entry& x) {
  auto line = to_json_line(x);
  std::lock_guard<std::mutex> guard{mtx_};
  std::ofstream out{path_, std::ios::app};
  out << line << '\n';
  out.flush();
  if (!out)
    return caf::make_error(ec::invalid_config,
                           "cannot append to the audit log " + path_);
  return caf::none;
}

} // namespace utsjekk
