#pragma once

#include "kafka/kafka.hpp"
#include "messages/types.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

/// Counters, gauges and a histogram that actors bump cheaply from any
/// thread, read by the admin endpoint and rendered in Prometheus' text
/// format (DESIGN.md §7). Nothing here blocks for long: atomics, and a
/// mutex around small maps.
namespace utsjekk {

/// Why an oppdrag went to OS again.
enum class retry_reason : uint8_t {
  /// OS answered 12.
  os_12,
  /// The transport did not take it.
  transport,
  /// The kvittering was overdue.
  timeout,
  /// An operator asked for it.
  operator_request,
};

/// "os_12", "transport", "timeout", "operator".
std::string_view to_string(retry_reason x);

/// The kvittering wait histogram's upper bounds in seconds (+Inf aside).
inline constexpr std::array<double, 12> wait_buckets
  = {0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 14400, 86400};

/// The kvittering alert: an oppdrag waiting this long while OS is open.
inline constexpr auto missing_kvittering_after = std::chrono::hours{1};

/// One consumed partition as the metrics see it.
struct partition_metrics {
  kafka::topic_partition tp;
  /// The next offset the reader will read, or -1 before the first record.
  int64_t position = -1;
  /// The high watermark, or -1 when unknown.
  int64_t high_watermark = -1;
};

/// Everything the metrics hold at one moment, ready to render.
struct metrics_snapshot {
  /// Records consumed per input topic.
  std::map<std::string, uint64_t> consumed;
  /// Statuses published per value (index: status_kind).
  std::array<uint64_t, 4> statuses{};
  uint64_t oppdrag_sent = 0;
  /// Kvitteringer per alvorlighetsgrad ("00", "04", "08", "12", "other").
  std::map<std::string, uint64_t> kvitteringer;
  /// Retries per reason (index: retry_reason).
  std::array<uint64_t, 4> retries{};
  /// Per fagsystem (index: fagsystem).
  std::array<uint64_t, 6> in_flight{};
  std::array<uint64_t, 6> saker_queued{};
  std::array<uint64_t, 6> messages_queued{};
  std::array<uint64_t, 6> saker_parked{};
  /// Kvittering wait: observations per bucket (not cumulative; the last
  /// is +Inf), their sum in seconds and count.
  std::array<uint64_t, wait_buckets.size() + 1> wait_counts{};
  double wait_sum = 0;
  uint64_t wait_count = 0;
  /// Assigned partitions with their lag.
  std::vector<partition_metrics> partitions;
  /// Times a reader paused its partition (backpressure).
  uint64_t partition_pauses = 0;
  /// Oppdrag sent and waiting for their kvittering.
  uint64_t unanswered = 0;
  /// Age of the oldest of them in seconds; 0 when none waits.
  double oldest_unanswered = 0;
  /// Of them, those waiting past `missing_kvittering_after` while OS is
  /// open: the alert.
  uint64_t missing = 0;
  bool state_loaded = false;
  bool producer_healthy = true;
  uint64_t deliveries_failed = 0;
};

/// Renders `x` in Prometheus' text exposition format 0.0.4.
std::string render_prometheus(const metrics_snapshot& x);

/// The shared metrics of one process. Thread-safe.
class metrics {
public:
  /// `n` records of `tp` were read; `next_offset` is the next to read.
  void read(const kafka::topic_partition& tp, size_t n, int64_t next_offset);

  /// Partitions were assigned to this member.
  void assigned(const std::vector<kafka::topic_partition>& tps);

  /// Partitions were revoked.
  void revoked(const std::vector<kafka::topic_partition>& tps);

  /// A status reached the status topic.
  void status_published(status_kind x);

  /// The producer delivered a record (`ok`) or lost one.
  void delivery(bool ok);

  /// An oppdrag reached the transport.
  void oppdrag_sent();

  /// A reader paused its partition: too many unfinished records.
  void partition_paused();

  /// A kvittering with `alvorlighetsgrad` arrived.
  void kvittering(std::string_view alvorlighetsgrad);

  /// A kvittering arrived `wait` after its oppdrag was (last) sent.
  void kvittering_wait(std::chrono::microseconds wait);

  /// An oppdrag goes to OS again.
  void retry(retry_reason why);

  /// The gauges of one supervisor.
  void transactions(fagsystem fs, size_t in_flight, size_t saker_queued,
                    size_t messages_queued, size_t saker_parked);

  /// Transaction `key` has oppdrag at OS without a kvittering since
  /// `since`; an earlier `since` for the same key is kept.
  void waiting(const tx_id& key, local_time since);

  /// Transaction `key` waits for no kvittering any more.
  void answered(const tx_id& key);

  /// The accepted state and the journal are loaded.
  void state_loaded();

  /// Everything now; `now` ages the waiting oppdrag, `high_watermark`
  /// (when set) gives each partition's end.
  metrics_snapshot snapshot(
    local_time now,
    const std::function<int64_t(const kafka::topic_partition&)>&
      high_watermark) const;

  /// Partitions assigned now.
  size_t partitions_assigned() const;

  /// Whether the state is loaded.
  bool loaded() const;

  /// Whether the last delivery succeeded (or none failed yet).
  bool producer_healthy() const;

private:
  static constexpr size_t n_fs = 6;
  std::array<std::atomic<uint64_t>, 4> statuses_{};
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> pauses_{0};
  std::array<std::atomic<uint64_t>, 5> grades_{};
  std::array<std::atomic<uint64_t>, 4> retries_{};
  std::array<std::atomic<uint64_t>, n_fs> in_flight_{};
  std::array<std::atomic<uint64_t>, n_fs> saker_queued_{};
  std::array<std::atomic<uint64_t>, n_fs> messages_queued_{};
  std::array<std::atomic<uint64_t>, n_fs> saker_parked_{};
  std::array<std::atomic<uint64_t>, wait_buckets.size() + 1> wait_{};
  std::atomic<uint64_t> wait_sum_us_{0};
  std::atomic<uint64_t> wait_count_{0};
  std::atomic<bool> loaded_{false};
  std::atomic<bool> producer_ok_{true};
  std::atomic<uint64_t> deliveries_failed_{0};
  mutable std::mutex mtx_;
  /// Guarded by mtx_.
  std::map<std::string, uint64_t> consumed_;
  std::map<kafka::topic_partition, int64_t> positions_;
  std::map<tx_id, local_time> waiting_;
};

} // namespace utsjekk
