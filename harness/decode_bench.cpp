#include "harness/decode_bench.hpp"

#include "harness/fill_state.hpp"
#include "harness/generator.hpp"
#include "messages/decode.hpp"
#include "messages/error.hpp"
#include "messages/json.hpp"
#include "messages/utbetaling_json.hpp"

#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <limits>

namespace utsjekk::bench {

namespace {

/// One record to read: its key (the tx-id of input messages) and payload.
struct sample {
  std::string key;
  std::string value;
};

/// Runs `read` over every sample `repeat` times and returns the records per
/// second of the fastest pass. `read` returns false for a refused record;
/// `refused` counts them in the last pass.
double measure(const std::vector<sample>& xs, uint64_t repeat,
               const std::function<bool(const sample&)>& read,
               uint64_t& refused) {
  using clock = std::chrono::steady_clock;
  auto best = std::numeric_limits<double>::max();
  for (uint64_t pass = 0; pass < std::max<uint64_t>(repeat, 1); ++pass) {
    // Time one pass over all records.
    uint64_t bad = 0;
    auto start = clock::now();
    for (const auto& x : xs)
      bad += read(x) ? 0 : 1;
    auto took = std::chrono::duration<double>(clock::now() - start).count();
    best = std::min(best, took);
    refused = bad;
  }
  return best > 0 ? static_cast<double>(xs.size()) / best : 0.0;
}

/// Measures the three passes over one kind of input; `full` parses and
/// decodes one record.
decode_figures measure_all(std::string input, const std::vector<sample>& xs,
                           uint64_t repeat,
                           const std::function<bool(const sample&)>& full) {
  decode_figures row;
  row.input = std::move(input);
  row.records = xs.size();
  for (const auto& x : xs)
    row.bytes += x.value.size();
  // The baseline: Boost.JSON as it comes, the same bytes.
  uint64_t ignored = 0;
  row.boost_per_s = measure(
    xs, repeat,
    [](const sample& x) {
      boost::json::error_code err;
      auto v = boost::json::parse(x.value, err);
      return !err && (v.is_object() || v.is_array());
    },
    ignored);
  // Our strict parser, then parse and decode.
  uint64_t refused_parse = 0;
  row.strict_per_s = measure(
    xs, repeat,
    [](const sample& x) {
      return static_cast<bool>(json::parse(x.value, max_payload_size));
    },
    refused_parse);
  uint64_t refused_decode = 0;
  row.decode_per_s = measure(xs, repeat, full, refused_decode);
  row.refused = std::max(refused_parse, refused_decode);
  return row;
}

/// `n` accepted utbetalinger in the state format of helved.utbetalinger.v1.
std::vector<sample> state_samples(const decode_options& opts) {
  fill_options fill;
  fill.seed = opts.seed;
  std::vector<sample> result;
  result.reserve(opts.records);
  for (uint64_t i = 0; i < opts.records; ++i)
    result.push_back(sample{{}, to_json(make_accepted(fill, i))});
  return result;
}

/// `n` valid input messages of `fs` from the harness generator.
std::vector<sample> input_samples(const decode_options& opts, fagsystem fs) {
  generator_options gen;
  gen.messages = opts.records;
  gen.saker = std::max<uint64_t>(opts.records / 4, 1);
  gen.seed = opts.seed;
  gen.invalid_share = 0;
  gen.redelivery_share = 0;
  gen.fagsystemer = {fs};
  gen.prefix = "dec";
  std::vector<sample> result;
  result.reserve(opts.records);
  for (auto& x : generate(gen))
    result.push_back(sample{std::move(x.key), std::move(x.value)});
  return result;
}

} // namespace

caf::expected<std::vector<decode_figures>>
run_decode(const decode_options& opts) {
  if (opts.records == 0)
    return caf::make_error(ec::invalid_config,
                           std::string{"decode: records must be > 0"});
  std::vector<decode_figures> rows;
  // The state format, read as the state loader reads it.
  rows.push_back(measure_all("state", state_samples(opts), opts.repeat,
                             [](const sample& x) {
                               return static_cast<bool>(
                                 parse_utbetaling(x.value));
                             }));
  // The input messages of every fagsystem, read as a partition reader does.
  for (auto fs : all_fagsystemer) {
    auto read = [fs](const sample& x) {
      return static_cast<bool>(decode(fs, tx_id{x.key}, x.value));
    };
    rows.push_back(measure_all(std::string{to_string(fs)},
                               input_samples(opts, fs), opts.repeat, read));
  }
  return rows;
}

std::string render_table(const std::vector<decode_figures>& rows,
                         const decode_options& opts) {
  char line[160];
  std::string out;
  std::snprintf(line, sizeof line,
                "decode records=%llu repeat=%llu (records/s of the fastest "
                "pass; ratios to boost::json::parse)\n",
                static_cast<unsigned long long>(opts.records),
                static_cast<unsigned long long>(opts.repeat));
  out += line;
  std::snprintf(line, sizeof line, "%-18s %8s %12s %12s %6s %12s %6s %7s\n",
                "input", "B/record", "boost::json", "json::parse", "ratio",
                "+decode", "ratio", "refused");
  out += line;
  for (const auto& x : rows) {
    // A ratio below 1 means slower than the baseline.
    auto ratio = [&x](double v) {
      return x.boost_per_s > 0 ? v / x.boost_per_s : 0.0;
    };
    std::snprintf(line, sizeof line,
                  "%-18s %8llu %12.0f %12.0f %6.2f %12.0f %6.2f %7llu\n",
                  x.input.c_str(),
                  static_cast<unsigned long long>(x.bytes / x.records),
                  x.boost_per_s, x.strict_per_s, ratio(x.strict_per_s),
                  x.decode_per_s, ratio(x.decode_per_s),
                  static_cast<unsigned long long>(x.refused));
    out += line;
  }
  return out;
}

} // namespace utsjekk::bench
