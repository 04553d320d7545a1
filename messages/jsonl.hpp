#pragma once

#include <boost/json/object.hpp>
#include <caf/expected.hpp>

#include <string>
#include <string_view>
#include <vector>

/// JSON lines as the example inputs and expected outcomes are written:
/// one JSON object a line. Pure: the caller reads the file.
namespace utsjekk::jsonl {

/// The objects of `text`, one a line; blank lines are skipped. Fails with
/// ec::malformed_json naming the first line that is no JSON object, e.g.
/// "line 3: not a JSON object".
caf::expected<std::vector<boost::json::object>> parse(std::string_view text);

/// The string at `key` of `obj`; empty when missing or not a string.
std::string string_at(const boost::json::object& obj, std::string_view key);

} // namespace utsjekk::jsonl
