#pragma once

#include <caf/expected.hpp>

#include <cstdint>
#include <string>
#include <vector>

/// Measures the JSON layer in one process: how fast realistic records are
/// parsed by plain Boost.JSON (the baseline), by our strict parser, and
/// parsed and decoded into domain types. No broker, no actors.
namespace utsjekk::bench {

/// What run_decode measures.
struct decode_options {
  /// Records per kind of input.
  uint64_t records = 20'000;
  /// Passes over each input; the fastest counts.
  uint64_t repeat = 3;
  /// Seeds the generated records.
  uint64_t seed = 1;
};

/// The figures of one kind of input: the state format or one fagsystem's
/// input messages.
struct decode_figures {
  /// "state" or the fagsystem's name.
  std::string input;
  uint64_t records = 0;
  /// Bytes of all records.
  uint64_t bytes = 0;
  /// Records per second of the fastest pass: boost::json::parse, our
  /// json::parse, and json::parse with the decoding into domain types.
  double boost_per_s = 0;
  double strict_per_s = 0;
  double decode_per_s = 0;
  /// Records the strict parse or the decoding refused; 0 in a sound run.
  uint64_t refused = 0;
};

/// Generates the records of every kind, measures each pass and returns one
/// row per kind, the state format first.
caf::expected<std::vector<decode_figures>>
run_decode(const decode_options& opts);

/// The rows as a table with the ratios to the baseline, for a terminal.
std::string render_table(const std::vector<decode_figures>& rows,
                         const decode_options& opts);

} // namespace utsjekk::bench
