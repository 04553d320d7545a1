#include "messages/jsonl.hpp"

#include "messages/error.hpp"

#include <boost/json/parse.hpp>

namespace utsjekk::jsonl {

caf::expected<std::vector<boost::json::object>> parse(std::string_view text) {
  std::vector<boost::json::object> result;
  for (size_t number = 1; !text.empty(); ++number) {
    // One line, without its newline; the last may have none.
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos)
      continue;
    // Boost.JSON reports through the error code here, never by throwing.
    boost::json::error_code err;
    auto value = boost::json::parse(line, err);
    if (err || !value.is_object())
      return caf::make_error(ec::malformed_json,
                             "line " + std::to_string(number)
                               + ": not a JSON object");
    result.push_back(std::move(value.as_object()));
  }
  return result;
}

std::string string_at(const boost::json::object& obj, std::string_view key) {
  auto i = obj.find(key);
  if (i == obj.end() || !i->value().is_string())
    return {};
  return std::string{i->value().as_string()};
}

} // namespace utsjekk::jsonl
