#pragma once

#include "harness/bench_result.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

/// `utsjekk-harness bench`: puts realistic load on a utsjekk it starts
/// itself (with utsjekk-os on the Kafka transport) and measures how it
/// holds up: throughput, latency, memory, in-flight peaks, the invariants
/// I1, I2, I6-I8 and OS' ledger, and the ratio to a bare-librdkafka
/// baseline.
namespace utsjekk::bench {

namespace defaults {

inline constexpr uint64_t messages = 1000;
inline constexpr uint64_t max_in_flight = 200;
inline constexpr std::chrono::seconds timeout{600};
/// The baseline's output topic, never read by utsjekk.
inline constexpr const char* baseline_topic = "utsjekk.bench.baseline";

} // namespace defaults

/// The ranges of the numeric options: wide enough for any run, narrow
/// enough that no sum, product or clock value derived from them overflows.
namespace limits {

inline constexpr uint64_t messages = 100'000'000;
inline constexpr double rate = 10'000'000;
/// An hour; utsjekk's kvittering timeout is derived from it.
inline constexpr uint64_t os_latency_ms = 3'600'000;
inline constexpr uint64_t max_in_flight = 1'000'000;
/// utsjekk-os reads its seed into a signed 64-bit integer.
inline constexpr uint64_t seed = 9'223'372'036'854'775'807ull;
/// A year; the deadline is a steady-clock time point in nanoseconds.
inline constexpr std::chrono::seconds timeout{365 * 24 * 3600};

} // namespace limits

/// One run's settings, from the command line.
struct bench_config {
  uint64_t messages = defaults::messages;
  /// 0 picks messages / 5 (at least 1).
  uint64_t saker = 0;
  /// Messages per second over all fagsystemer; 0 = burst.
  double rate = 0;
  double skew = 0.1;
  double invalid_share = 0.05;
  double redelivery_share = 0.05;
  double opphor_share = 0.1;
  uint64_t os_latency_min_ms = 0;
  uint64_t os_latency_max_ms = 0;
  double os_rate_12 = 0;
  double os_rate_lost = 0;
  /// utsjekk's --utsjekk.max-in-flight (unfinished records per partition).
  uint64_t max_in_flight = defaults::max_in_flight;
  uint64_t seed = 1;
  /// The JSON report; the HTML goes beside it. Empty for none.
  std::string report;
  bool baseline = true;
  std::chrono::seconds timeout = defaults::timeout;
  /// The programs; empty finds them next to the harness in the build tree.
  std::string utsjekk_path;
  std::string os_path;
  /// Keep the work folder (children's logs) after a passed run too.
  bool keep = false;
  /// No progress lines.
  bool quiet = false;
  /// The command line as given.
  std::string command;
};

/// The usage text of `bench`.
extern const char* const bench_usage;

/// What the command line asks for.
struct bench_args {
  bench_config config;
  /// --help was given.
  bool help = false;
};

/// Parses the arguments after `bench`. Every unknown option, missing or bad
/// value, and every number outside its range (`limits`) is an
/// `ec::invalid_config` error naming the option and the range.
caf::expected<bench_args>
parse_bench_args(const std::vector<std::string>& args);

/// Checks the ranges: shares and rates in [0, 1], the three shares at most
/// 1 together, 1 <= saker <= messages, latency min <= max, timeout > 0,
/// and the upper bounds of `limits`.
caf::error validate(const bench_config& x);

/// Runs one benchmark. Progress lines go to `progress`. An error means the
/// run could not take place (a child did not start, Kafka unreachable);
/// broken invariants are in the result (`passed` false).
caf::expected<result> run_bench(const bench_config& cfg,
                                std::ostream& progress);

/// Writes `x` as FILE (JSON) and FILE with .html instead of .json beside
/// it (appended when FILE does not end in .json).
caf::error write_reports(const result& x, const std::string& path);

/// The verdict in a few lines, for stdout.
std::string verdict(const result& x);

} // namespace utsjekk::bench
