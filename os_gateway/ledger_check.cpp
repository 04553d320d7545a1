#include "messages/decode.hpp"
#include "messages/error.hpp"
#include "messages/jsonl.hpp"
#include "os_gateway/expected_ledger.hpp"
#include "os_gateway/state_json.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string_view>

using namespace utsjekk;
using jsonl::string_at;

namespace {

constexpr const char* usage
  = "usage: utsjekk-ledger-check --input FILE.jsonl\n"
    "                            --expect FILE.expected.jsonl\n"
    "                            --ledger LEDGER.json\n"
    "Computes what OS should pay from the input records and their final\n"
    "statuses, and compares it per base and day with a ledger as utsjekk-os\n"
    "serves it at GET /ledger. Exits 0 when they are equal.\n";

/// The whole content of `path`; exits when it cannot be read.
std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    std::cerr << "utsjekk-ledger-check: cannot read " << path << '\n';
    std::exit(2);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

/// The JSON objects of a JSON-lines file; exits on a bad line.
std::vector<boost::json::object> read_jsonl(const std::string& path) {
  auto result = jsonl::parse(read_file(path));
  if (!result) {
    std::cerr << "utsjekk-ledger-check: " << path << ": "
              << error_message(result.error()) << '\n';
    std::exit(2);
  }
  return std::move(*result);
}

} // namespace

int main(int argc, char** argv) {
  std::string input;
  std::string expect;
  std::string ledger_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view arg{argv[i]};
    if (arg == "--input")
      input = argv[i + 1];
    else if (arg == "--expect")
      expect = argv[i + 1];
    else if (arg == "--ledger")
      ledger_path = argv[i + 1];
  }
  if (input.empty() || expect.empty() || ledger_path.empty()) {
    std::cerr << usage;
    return 2;
  }
  // The final status of every key.
  std::map<std::string, bool> accepted;
  for (auto& want : read_jsonl(expect))
    accepted[string_at(want, "key")] = string_at(want, "status") == "OK";
  // The messages that decode, in input order; a redelivery counts once.
  std::vector<os::outcome_of> messages;
  std::set<std::pair<std::string, std::string>> seen;
  for (auto& rec : read_jsonl(input)) {
    auto key = string_at(rec, "key");
    auto value = string_at(rec, "value");
    auto fs = fagsystem_of_topic(string_at(rec, "topic"));
    if (!fs || !seen.emplace(key, value).second)
      continue;
    auto msg = decode(*fs, tx_id{key}, value);
    if (!msg)
      continue;
    auto i = accepted.find(key);
    messages.push_back({std::move(*msg), i != accepted.end() && i->second});
  }
  // What OS pays by its ledger.
  auto ledger = os::parse_ledger(read_file(ledger_path));
  if (!ledger) {
    std::cerr << "utsjekk-ledger-check: " << ledger_path << ": "
              << render(ledger.error()) << '\n';
    return 2;
  }
  auto want = os::expected_payable(messages);
  auto have = os::payable_of(*ledger);
  auto differences = os::compare(want, have);
  for (auto& d : differences)
    std::cout << "DIFFERS " << d << '\n';
  size_t days = 0;
  for (auto& [key, per_day] : want)
    days += per_day.size();
  std::cout << "ledger: " << want.size() << " bases, " << days
            << " paying days expected; "
            << (differences.empty() ? "OS pays exactly that\n"
                                    : "OS pays otherwise\n");
  return differences.empty() ? 0 : 1;
}
