#include "harness/replay.hpp"

#include "messages/error.hpp"

#include <cstring>
#include <iostream>
#include <string_view>

using namespace utsjekk;

namespace {

constexpr const char* usage
  = "usage: utsjekk-replay --bootstrap HOST:PORT --input FILE.jsonl\n"
    "                      [--expect FILE.expected.jsonl] [--timeout SECONDS]\n"
    "Produces each record after the previous one on its sak has its\n"
    "terminal status, prints the outcomes, and checks them against the\n"
    "expectations. Exits 0 when every expectation holds.\n";

} // namespace

int main(int argc, char** argv) {
  replay_options opts;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg{argv[i]};
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "utsjekk-replay: " << arg << " needs a value\n" << usage;
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--bootstrap")
      opts.bootstrap = value();
    else if (arg == "--input")
      opts.input = value();
    else if (arg == "--expect")
      opts.expect = value();
    else if (arg == "--timeout")
      opts.timeout = std::chrono::seconds{std::stoi(value())};
    else if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      return 0;
    } else {
      std::cerr << "utsjekk-replay: unknown argument " << arg << '\n'
                << usage;
      return 2;
    }
  }
  if (opts.bootstrap.empty() || opts.input.empty()) {
    std::cerr << usage;
    return 2;
  }
  auto report = replay(opts, std::cout);
  if (!report) {
    std::cerr << "utsjekk-replay: " << render(report.error()) << '\n';
    return 1;
  }
  std::cout << report->produced << " records produced, " << report->terminal
            << " terminal statuses in " << report->elapsed.count() << " ms\n";
  for (auto& failure : report->failures)
    std::cout << "FAILED " << failure << '\n';
  if (!opts.expect.empty())
    std::cout << (report->failures.empty() ? "all expectations hold\n"
                                           : "expectations failed\n");
  return report->failures.empty() ? 0 : 1;
}
