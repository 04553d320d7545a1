#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

/// What one benchmark run measured: filled by `utsjekk-harness bench`,
/// rendered by harness/report.hpp. Plain data, no I/O.
namespace utsjekk::bench {

/// The load asked for.
struct load_spec {
  /// Messages produced in all.
  uint64_t messages = 0;
  /// Saker they spread over.
  uint64_t saker = 0;
  /// Target rate over all fagsystemer, messages per second; 0 = burst (as
  /// fast as the producers go).
  double rate = 0;
  /// Share of messages on the hottest 10 % of saker (0.1 = uniform).
  double skew = 0.1;
  /// Mix of message kinds, as shares of `messages`.
  double invalid_share = 0;
  double redelivery_share = 0;
  double opphor_share = 0;
  /// OS profile: kvittering latency range, 12 rate, lost kvittering rate.
  uint64_t os_latency_min_ms = 0;
  uint64_t os_latency_max_ms = 0;
  double os_rate_12 = 0;
  double os_rate_lost = 0;
  /// "embedded" or "kafka" (a real broker at KAFKA_BROKERS).
  std::string cluster;
  /// The broker address used.
  std::string bootstrap;
  /// Seed of the generator and the OS simulator.
  uint64_t seed = 0;
};

/// One second of the run, for the over-time plots.
struct second_sample {
  /// Seconds since the first message was produced.
  double at_s = 0;
  /// Messages produced and finished (terminal status seen) in this second.
  uint64_t produced = 0;
  uint64_t finished = 0;
  /// Latency of the messages finished in this second, milliseconds;
  /// negative when none finished.
  double p50_ms = -1;
  double p99_ms = -1;
  double max_ms = -1;
  /// utsjekk's resident memory (KiB) and in-flight count when sampled.
  uint64_t rss_kib = 0;
  uint64_t in_flight = 0;
};

/// Latency from produce to terminal status, milliseconds.
struct latency_summary {
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  double mean_ms = 0;
  uint64_t count = 0;
};

/// The bare-librdkafka baseline: the same Kafka I/O per message (consume
/// the input, produce what utsjekk produces) on the same broker, with no
/// logic between.
struct baseline_result {
  uint64_t messages = 0;
  /// Records produced per input message, and bytes in all.
  double records_per_message = 0;
  uint64_t bytes_produced = 0;
  double elapsed_s = 0;
  /// Input messages per second.
  double throughput = 0;
};

/// The verdict's counts.
struct outcome_counts {
  /// Keys of the run (distinct), and those with a terminal status.
  uint64_t keys = 0;
  uint64_t finished = 0;
  uint64_t ok = 0;
  uint64_t feilet = 0;
  /// Keys sent without a terminal status at the end (lost). A key never
  /// sent cannot be lost: it counts in `not_sent`.
  uint64_t lost = 0;
  /// Keys with two different terminal statuses, or two OK oppdrag for one
  /// key that differ (duplicated).
  uint64_t duplicated = 0;
  /// Lines where OS' ledger and the expected ledger differ.
  uint64_t ledger_differences = 0;
  /// Every invariant failure, in words (no personident).
  std::vector<std::string> failures;
  /// Keys never produced, because the run ended early (interrupted, or
  /// utsjekk gone, or the deadline). Neither finished nor lost.
  uint64_t not_sent = 0;
};

/// A whole run.
struct result {
  load_spec load;
  /// "utsjekk-harness bench ..." as invoked.
  std::string command;
  /// ISO 8601 UTC time of the start, and the machine (uname, cores).
  std::string started_at;
  std::string machine;
  /// From the first produce to the last terminal status.
  double elapsed_s = 0;
  /// Finished messages per second over `elapsed_s`.
  double throughput = 0;
  latency_summary latency;
  /// Peak resident memory of the utsjekk process (KiB) and peak number of
  /// transactions in flight seen on its metrics.
  uint64_t peak_rss_kib = 0;
  uint64_t peak_in_flight = 0;
  /// Times a partition was paused by backpressure, when known.
  std::optional<uint64_t> pauses;
  /// Oppdrag utsjekk sent to OS again, by reason, from its
  /// `utsjekk_retries_total` at the end of the run: "os_12" for an answer
  /// 12, "timeout" for a resend of an overdue kvittering.
  std::map<std::string, uint64_t> retries;
  /// Latency of the records sent after the first 10 % of the run: without
  /// the start, where consumer groups join and caches fill.
  latency_summary steady_latency;
  std::optional<baseline_result> baseline;
  /// throughput / baseline->throughput, when there is a baseline.
  std::optional<double> baseline_ratio;
  outcome_counts outcome;
  std::vector<second_sample> timeline;
  /// Passed: nothing lost, nothing duplicated, no ledger difference, no
  /// invariant failure, not interrupted.
  bool passed = false;
  /// Stopped early by SIGINT or SIGTERM: the figures cover the run so far,
  /// OS' ledger was not compared and there is no baseline.
  bool interrupted = false;
};

} // namespace utsjekk::bench
