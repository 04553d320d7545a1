#pragma once

#include "harness/bench_result.hpp"

#include <caf/expected.hpp>

#include <string>
#include <string_view>

/// Renders a benchmark run: JSON with every figure (read back strictly),
/// a self-contained HTML page with inline SVG plots, and a Markdown table
/// for docs/benchmarks.md. Pure: no I/O, no clock reads.
namespace utsjekk::bench {

/// Writes every field of `x` as one JSON object whose member names are the
/// C++ member names. Absent optionals are null; numbers keep 15
/// significant digits; a number that is not finite is written as null and
/// reads back as NaN.
std::string to_json(const result& x);

/// Reads what to_json wrote. Strict: a missing member, an unknown member, a
/// duplicate key or a value of the wrong type is an `ec::invalid_field` or
/// `ec::malformed_json` error naming the path, e.g.
/// "timeline[3].p99_ms: expected a number, got a string".
caf::expected<result> from_json(std::string_view text);

/// A self-contained HTML page: the verdict, the table of figures, the
/// invariant failures, and SVG plots over time of throughput (produced and
/// finished per second), latency (p50, p99, max), resident memory and
/// transactions in flight. Every embedded string is escaped.
std::string to_html(const result& x);

/// The table of figures as GitHub Markdown, one row per figure, headed by
/// the verdict; "n/a" where the run has no value (no baseline, unknown
/// pauses).
std::string to_markdown(const result& x);

} // namespace utsjekk::bench
