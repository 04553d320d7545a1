#include "harness/baseline.hpp"
#include "harness/decode_bench.hpp"
#include "harness/fill_state.hpp"
#include "messages/error.hpp"

#include <charconv>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

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
    "parser, and parses and decodes them; it prints records/s side by side.\n";

/// Parses a whole decimal number.
std::optional<uint64_t> to_count(std::string_view text) {
  uint64_t out = 0;
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(),
                                    out);
  if (err != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return out;
}

/// Complains about an argument and returns the usage exit code.
int bad_argument(std::string_view what, std::string_view arg) {
  std::cerr << "utsjekk-bench-tools: " << what << ' ' << arg << '\n'
            << usage;
  return 2;
}

/// `fill-state`.
int fill_state_command(int argc, char** argv) {
  bench::fill_options opts;
  for (int i = 2; i < argc; ++i) {
    std::string_view arg{argv[i]};
    if (i + 1 >= argc)
      return bad_argument("missing the value of", arg);
    std::string value = argv[++i];
    auto count = to_count(value);
    if (arg == "--bootstrap")
      opts.kafka.brokers = value;
    else if (arg == "--sak-prefix")
      opts.sak_prefix = value;
    else if (arg == "--utbetalinger-topic")
      opts.utbetalinger_topic = value;
    else if (arg == "--saker-topic")
      opts.saker_topic = value;
    else if (!count)
      return bad_argument("not a whole number:", value);
    else if (arg == "--count")
      opts.utbetalinger = *count;
    else if (arg == "--per-sak")
      opts.per_sak = *count;
    else if (arg == "--perioder")
      opts.perioder = *count;
    else if (arg == "--seed")
      opts.seed = *count;
    else
      return bad_argument("unknown argument", arg);
  }
  if (opts.kafka.brokers.empty())
    return bad_argument("missing", "--bootstrap");
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
  for (int i = 2; i < argc; ++i) {
    std::string_view arg{argv[i]};
    if (i + 1 >= argc)
      return bad_argument("missing the value of", arg);
    std::string value = argv[++i];
    if (arg == "--bootstrap") {
      opts.bootstrap = value;
    } else if (arg == "--input") {
      for (size_t from = 0; from <= value.size();) {
        auto comma = value.find(',', from);
        if (comma == std::string::npos)
          comma = value.size();
        opts.input_topics.push_back(value.substr(from, comma - from));
        from = comma + 1;
      }
    } else if (arg == "--output") {
      opts.output_topic = value;
    } else if (arg == "--records-per-message") {
      auto end = value.data() + value.size();
      auto [at, err] = std::from_chars(value.data(), end,
                                       opts.records_per_message);
      if (err != std::errc{} || at != end)
        return bad_argument("not a number:", value);
    } else if (auto count = to_count(value); !count) {
      return bad_argument("not a whole number:", value);
    } else if (arg == "--messages") {
      opts.messages = *count;
    } else if (arg == "--bytes-per-record") {
      opts.bytes_per_record = *count;
    } else {
      return bad_argument("unknown argument", arg);
    }
  }
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
  for (int i = 2; i < argc; ++i) {
    std::string_view arg{argv[i]};
    if (i + 1 >= argc)
      return bad_argument("missing the value of", arg);
    std::string value = argv[++i];
    auto count = to_count(value);
    if (!count)
      return bad_argument("not a whole number:", value);
    if (arg == "--records")
      opts.records = *count;
    else if (arg == "--repeat")
      opts.repeat = *count;
    else if (arg == "--seed")
      opts.seed = *count;
    else
      return bad_argument("unknown argument", arg);
  }
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
  // Help asked for, here or after a command, goes to stdout.
  for (int i = 1; i < argc; ++i)
    if (std::string_view{argv[i]} == "--help" ||
        std::string_view{argv[i]} == "-h") {
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
