#include "harness/baseline.hpp"
#include "harness/decode_bench.hpp"
#include "harness/fill_state.hpp"
#include "harness/options.hpp"
#include "messages/error.hpp"

#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

using namespace utsjekk;

namespace {

constexpr const char* usage
  = "usage: utsjekk-bench-tools fill-state --bootstrap HOST:PORT\n"
    "           [--count N] [--per-sak N] [--perioder N] [--seed N]\n"
    "           [--sak-prefix TEXT] [--utbetalinger-topic NAME]\n"
    "           [--saker-topic NAME]\n"
    "       utsjekk-bench-tools baseline --bootstrap HOST:PORT\n"
    "           --input TOPIC[,TOPIC...] --messages N --output TOPIC\n"
    "           --records-per-message X --bytes-per-record N\n"
    "       utsjekk-bench-tools decode [--records N] [--repeat N] [--seed N]\n"
    "fill-state writes N accepted utbetalinger (default 1000000) and the\n"
    "saker listing them to utsjekk's state topics, then prints a figures\n"
    "line. baseline pipes N input records to the output topic with bare\n"
    "librdkafka, as utsjekk-harness bench does, and prints its figures.\n"
    "decode parses N generated records (default 20000) of the state format\n"
    "and of each fagsystem with boost::json::parse, with utsjekk's strict\n"
    "parser, and parses and decodes them; it prints records/s side by side.\n"
    "Exits 0 when done, 1 when the work failed, 2 on a bad option.\n";

/// The upper bound of every count the tools take: large enough for any
/// run, small enough that sums and products of counts stay in 64 bits.
constexpr uint64_t max_count = 1'000'000'000'000;

/// What parsing a command line came to: go on, or exit with a status.
struct parsed {
  bool go = false;
  int status = 0;
};

/// Parses the arguments after the command with `options`: help to stdout
/// (exit 0), a bad option to stderr (exit 2).
parsed parse_command(bench::option_parser& options, int argc, char** argv) {
  auto help = options.parse({argv + 2, argv + argc});
  if (!help) {
    std::cerr << "utsjekk-bench-tools " << argv[1] << ": "
              << error_message(help.error()) << "\n(utsjekk-bench-tools "
              << "--help lists the options)\n";
    return {false, 2};
  }
  if (*help) {
    std::cout << usage;
    return {false, 0};
  }
  return {true, 0};
}

/// An option every command needs, missing: a usage error.
int missing(std::string_view command, std::string_view option) {
  std::cerr << "utsjekk-bench-tools " << command << ": " << option
            << " is required\n(utsjekk-bench-tools --help lists the "
               "options)\n";
  return 2;
}

/// `fill-state`.
int fill_state_command(int argc, char** argv) {
  bench::fill_options opts;
  bench::option_parser options;
  options.text("--bootstrap", opts.kafka.brokers)
    .text("--sak-prefix", opts.sak_prefix)
    .text("--utbetalinger-topic", opts.utbetalinger_topic)
    .text("--saker-topic", opts.saker_topic)
    .count("--count", opts.utbetalinger, 1, max_count)
    .count("--per-sak", opts.per_sak, 1, max_count)
    .count("--perioder", opts.perioder, 1, 10'000)
    .count("--seed", opts.seed);
  if (auto x = parse_command(options, argc, argv); !x.go)
    return x.status;
  if (opts.kafka.brokers.empty())
    return missing("fill-state", "--bootstrap");
  auto report = bench::fill_state(opts);
  if (!report) {
    std::cerr << "utsjekk-bench-tools: " << render(report.error()) << '\n';
    return 1;
  }
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.0f",
                report->elapsed_s > 0
                  ? static_cast<double>(report->utbetalinger)
                      / report->elapsed_s
                  : 0.0);
  std::cout << "fill-state utbetalinger=" << report->utbetalinger
            << " saker=" << report->saker << " bytes=" << report->bytes
            << " seconds=" << report->elapsed_s << " per_second=" << rate
            << std::endl;
  return 0;
}

/// `baseline`.
int baseline_command(int argc, char** argv) {
  bench::baseline_options opts;
  bench::option_parser options;
  options.text("--bootstrap", opts.bootstrap)
    .text("--output", opts.output_topic)
    .custom("--input",
            [&opts](std::string_view value) {
              // TOPIC[,TOPIC...]
              for (size_t from = 0; from <= value.size();) {
                auto comma = value.find(',', from);
                if (comma == std::string_view::npos)
                  comma = value.size();
                opts.input_topics.emplace_back(
                  value.substr(from, comma - from));
                from = comma + 1;
              }
              return caf::error{};
            })
    .number("--records-per-message", opts.records_per_message, 0, 1000)
    .count("--messages", opts.messages, 1, max_count)
    .count("--bytes-per-record", opts.bytes_per_record, 0, 100'000'000);
  if (auto x = parse_command(options, argc, argv); !x.go)
    return x.status;
  if (opts.bootstrap.empty())
    return missing("baseline", "--bootstrap");
  auto x = bench::run_baseline(opts);
  if (!x) {
    std::cerr << "utsjekk-bench-tools: " << render(x.error()) << '\n';
    return 1;
  }
  std::cout << "baseline messages=" << x->messages
            << " records_per_message=" << x->records_per_message
            << " bytes=" << x->bytes_produced << " seconds=" << x->elapsed_s
            << " per_second=" << x->throughput << std::endl;
  return 0;
}

/// `decode`.
int decode_command(int argc, char** argv) {
  bench::decode_options opts;
  bench::option_parser options;
  options.count("--records", opts.records, 1, max_count)
    .count("--repeat", opts.repeat, 1, 1'000'000)
    .count("--seed", opts.seed);
  if (auto x = parse_command(options, argc, argv); !x.go)
    return x.status;
  auto rows = bench::run_decode(opts);
  if (!rows) {
    std::cerr << "utsjekk-bench-tools: " << render(rows.error()) << '\n';
    return 1;
  }
  std::cout << bench::render_table(*rows, opts) << std::flush;
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::string_view command = argc > 1 ? argv[1] : "";
  // Help asked for goes to stdout; a usage error to stderr.
  if (command == "--help" || command == "-h") {
    std::cout << usage;
    return 0;
  }
  if (command == "fill-state")
    return fill_state_command(argc, argv);
  if (command == "baseline")
    return baseline_command(argc, argv);
  if (command == "decode")
    return decode_command(argc, argv);
  std::cerr << "utsjekk-bench-tools: "
            << (command.empty() ? std::string{"no command"}
                                : "unknown command " + std::string{command})
            << '\n'
            << usage;
  return 2;
}
