#pragma once

#include <caf/expected.hpp>

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

/// What the bench reads from a running utsjekk once a second: its memory
/// from /proc and its gauges from the admin endpoint's Prometheus text.
namespace utsjekk::bench {

/// Resident memory of a process, KiB.
struct memory_sample {
  /// VmRSS: resident now.
  uint64_t rss_kib = 0;
  /// VmHWM: the peak resident so far.
  uint64_t hwm_kib = 0;
};

/// Reads VmRSS and VmHWM from /proc/<pid>/status; fails when the process
/// is gone.
caf::expected<memory_sample> read_memory(pid_t pid);

/// The gauges the bench follows.
struct metrics_sample {
  /// Transactions with an oppdrag actor, over all fagsystemer.
  uint64_t in_flight = 0;
  /// Messages waiting behind their sak or for a slot.
  uint64_t queued = 0;
  /// Partition pauses so far, when utsjekk counts them.
  std::optional<uint64_t> pauses;
  /// Oppdrag sent to OS again so far, by reason ("os_12", "timeout" for a
  /// resend of an overdue kvittering, ...).
  std::map<std::string, uint64_t> retries;
};

/// Sums the samples of `utsjekk_oppdrag_in_flight` and
/// `utsjekk_messages_queued` and reads `utsjekk_partition_pauses_total`
/// and `utsjekk_retries_total` (by its `reason` label) from Prometheus
/// text. Pure.
metrics_sample parse_metrics(std::string_view text);

/// A plain HTTP/1.1 GET of `target` from `url` ("http://127.0.0.1:PORT",
/// loopback only); the body when the status is 200.
caf::expected<std::string> http_get(const std::string& url,
                                    const std::string& target);

} // namespace utsjekk::bench
