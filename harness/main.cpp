#include "harness/bench.hpp"
#include "harness/check.hpp"
#include "harness/generator.hpp"
#include "harness/options.hpp"
#include "messages/error.hpp"

#include <iostream>
#include <optional>
#include <vector>
#include <string>
#include <string_view>

using namespace utsjekk;

namespace {

constexpr const char* usage
  = "usage: utsjekk-harness generate [--messages N] [--saker N] [--seed N]\n"
    "                                [--prefix TEXT] [--invalid SHARE]\n"
    "                                [--redelivery SHARE] [--opphor SHARE]\n"
    "       utsjekk-harness check --bootstrap HOST:PORT --input FILE\n"
    "                             [--os-faults]\n"
    "       utsjekk-harness bench [OPTION VALUE]... (bench --help)\n"
    "generate writes realistic records over all six fagsystemer as JSON\n"
    "lines to stdout, for utsjekk-replay --input. check reads the status\n"
    "and oppdrag topics of a finished run and checks I1, I2, I6, I7 and\n"
    "I8 for every key of FILE; --os-faults allows valid input to end\n"
    "FEILET (a profile where OS rejects).\n";

/// The exit status of a run stopped by SIGINT or SIGTERM, as shells
/// report a command ended by SIGINT.
constexpr int interrupted_exit = 130;

/// Parses the arguments after the command with `options`; returns the
/// exit status when the program should end now: 0 after help (on stdout),
/// 2 after a bad option (on stderr).
std::optional<int> parse_command(bench::option_parser& options, int argc,
                                 char** argv) {
  auto help = options.parse({argv + 2, argv + argc});
  if (!help) {
    std::cerr << "utsjekk-harness " << argv[1] << ": "
              << error_message(help.error()) << '\n'
              << usage;
    return 2;
  }
  if (*help) {
    std::cout << usage;
    return 0;
  }
  return std::nullopt;
}

/// `check`: the invariants of a finished run.
int check_command(int argc, char** argv) {
  check_options opts;
  auto os_faults = false;
  bench::option_parser options;
  options.text("--bootstrap", opts.bootstrap)
      .text("--input", opts.input)
      .flag("--os-faults", os_faults);
  if (auto status = parse_command(options, argc, argv))
    return *status;
  opts.expect_all_ok = !os_faults;
  if (opts.bootstrap.empty() || opts.input.empty()) {
    std::cerr << "utsjekk-harness check: --bootstrap and --input are "
                 "required\n"
              << usage;
    return 2;
  }
  auto report = check_run(opts);
  if (!report) {
    std::cerr << "utsjekk-harness: " << render(report.error()) << '\n';
    return 1;
  }
  std::cout << "keys=" << report->keys << " ok=" << report->ok
            << " feilet=" << report->feilet << " oppdrag=" << report->oppdrag
            << " kvitteringer=" << report->kvitteringer << '\n';
  for (auto& failure : report->failures)
    std::cout << "FAILED " << failure << '\n';
  std::cout << (report->failures.empty() ? "every invariant holds\n"
                                         : "invariants broken\n");
  return report->failures.empty() ? 0 : 1;
}

/// `bench`: a load run against a utsjekk it starts; exit 0 when passed.
int bench_command(int argc, char** argv) {
  std::vector<std::string> args{argv + 2, argv + argc};
  auto parsed = bench::parse_bench_args(args);
  if (!parsed) {
    std::cerr << "utsjekk-harness bench: " << error_message(parsed.error())
              << "\n(utsjekk-harness bench --help lists the options)\n";
    return 2;
  }
  if (parsed->help) {
    std::cout << bench::bench_usage;
    return 0;
  }
  auto& cfg = parsed->config;
  if (auto err = bench::validate(cfg)) {
    std::cerr << "utsjekk-harness bench: " << error_message(err) << '\n';
    return 2;
  }
  // The command line, for the report.
  cfg.command = "utsjekk-harness";
  for (int i = 1; i < argc; ++i)
    cfg.command += std::string{" "} + argv[i];
  auto result = bench::run_bench(cfg, std::cerr);
  // Interrupted before the load began: nothing measured, no report.
  if (!result && result.error() == ec::shutting_down) {
    std::cerr << "utsjekk-harness bench: "
              << error_message(result.error()) << "; no report written\n";
    return interrupted_exit;
  }
  if (!result) {
    std::cerr << "utsjekk-harness bench: the run could not take place: "
              << render(result.error()) << '\n';
    return 1;
  }
  std::cout << bench::verdict(*result);
  if (!cfg.report.empty()) {
    if (auto err = bench::write_reports(*result, cfg.report)) {
      std::cerr << "utsjekk-harness bench: " << render(err) << '\n';
      return 1;
    }
  }
  if (result->interrupted)
    return interrupted_exit;
  return result->passed ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  std::string_view command = argc > 1 ? argv[1] : "";
  // Help asked for goes to stdout; a usage error to stderr.
  if (command == "--help" || command == "-h") {
    std::cout << usage;
    return 0;
  }
  if (command == "check")
    return check_command(argc, argv);
  if (command == "bench")
    return bench_command(argc, argv);
  if (command != "generate") {
    std::cerr << "utsjekk-harness: "
              << (command.empty() ? std::string{"no command"}
                                  : "unknown command " + std::string{command})
              << '\n'
              << usage;
    return 2;
  }
  generator_options opts;
  bench::option_parser options;
  options.count("--messages", opts.messages, 1, bench::limits::messages)
      .count("--saker", opts.saker, 1, bench::limits::messages)
      .count("--seed", opts.seed)
      .text("--prefix", opts.prefix)
      .number("--invalid", opts.invalid_share, 0, 1)
      .number("--redelivery", opts.redelivery_share, 0, 1)
      .number("--opphor", opts.opphor_share, 0, 1);
  if (auto status = parse_command(options, argc, argv))
    return *status;
  if (opts.saker == 0 || opts.messages < opts.saker
      || opts.prefix.size() > 10) {
    std::cerr << "utsjekk-harness: need 1 <= saker <= messages and a prefix"
                 " of at most 10 characters\n";
    return 2;
  }
  for (auto& rec : generate(opts))
    std::cout << to_jsonl(rec) << '\n';
  return 0;
}
