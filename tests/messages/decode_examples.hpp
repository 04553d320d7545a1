#pragma once

#include "messages/error.hpp"
#include "messages/types.hpp"

#include <boost/json.hpp>
#include <caf/error.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

/// Access to the shared examples for the input suites (decode, uid,
/// utbetaling_json). Reads the files at test time from
/// UTSJEKK_EXAMPLES_DIR.
namespace utsjekk::test {

/// The whole content of `name` below the examples directory.
inline std::string read_example(const std::string& name) {
  std::ifstream in{std::string{UTSJEKK_EXAMPLES_DIR} + "/" + name,
                   std::ios::binary};
  if (!in)
    throw std::runtime_error("cannot open example " + name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// Every line of a JSON-lines example, parsed.
inline std::vector<boost::json::object> read_jsonl(const std::string& name) {
  std::vector<boost::json::object> result;
  std::istringstream in{read_example(name)};
  for (std::string line; std::getline(in, line);)
    if (!line.empty())
      result.push_back(boost::json::parse(line).as_object());
  return result;
}

/// One Kafka record of basic.jsonl.
struct record {
  std::string topic;
  std::string key;
  std::string value;
};

/// The records of basic.jsonl, in order.
inline std::vector<record> basic_records() {
  std::vector<record> result;
  for (const auto& x : read_jsonl("basic.jsonl"))
    result.push_back(record{std::string{x.at("topic").as_string()},
                            std::string{x.at("key").as_string()},
                            std::string{x.at("value").as_string()}});
  return result;
}

/// The project error code of `err`, or ec::none for others.
inline ec code_of(const caf::error& err) {
  if (!err || err.category() != caf::atom("utsjekk"))
    return ec::none;
  return static_cast<ec>(err.code());
}

} // namespace utsjekk::test
