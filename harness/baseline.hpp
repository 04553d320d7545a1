#pragma once

#include "harness/bench_result.hpp"

#include <caf/expected.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

/// The bare-librdkafka baseline of a benchmark: the Kafka I/O utsjekk does
/// per message (consume the input, produce its records, commit offsets)
/// with no logic between, on the same broker. Its throughput is the limit
/// utsjekk's throughput is measured against.
namespace utsjekk::bench {

/// What the baseline reads and writes.
struct baseline_options {
  /// bootstrap.servers of the broker.
  std::string bootstrap;
  /// Topics that already hold the input; read from their start.
  std::vector<std::string> input_topics;
  /// Input records to consume before the run ends.
  uint64_t messages = 0;
  /// Where the records are produced.
  std::string output_topic;
  /// Records produced per input record, as utsjekk produced them; the
  /// fractional part is spread evenly over the input.
  double records_per_message = 0;
  /// Size of every produced record's value, as utsjekk's average.
  uint64_t bytes_per_record = 0;
  /// The whole run fails with `ec::timeout` after this long.
  std::chrono::milliseconds timeout = std::chrono::minutes{10};
  /// The run fails with `ec::timeout` when no input record arrives for
  /// this long (input missing, broker unreachable).
  std::chrono::milliseconds stall_timeout = std::chrono::seconds{30};
};

/// Runs the baseline: one consumer in a fresh group reads the input topics
/// from their start until `messages` records arrived; for each it produces
/// its share of records to `output_topic` with utsjekk's producer settings
/// (acks=all, idempotence, lz4) and stores its offset for auto-commit;
/// at the end it flushes and commits. Elapsed time runs from the first
/// record consumed to the last delivery report. Errors are
/// `ec::invalid_config` for options that cannot work, `ec::kafka_failed`
/// for an unreachable broker, a missing input or output topic (checked
/// first; none is created) or a failed delivery, and `ec::timeout`.
caf::expected<baseline_result> run_baseline(const baseline_options& opts);

} // namespace utsjekk::bench
