#pragma once

#include "kafka/kafka.hpp"

#include <cstddef>
#include <map>
#include <mutex>

namespace utsjekk {

/// Bounds the records of each input partition that are read but have no
/// durable outcome yet. The consumer's poll thread counts what it hands on
/// and pauses a partition when the count reaches the limit, before it
/// fetches the next batch; readers count what leaves (finished, or skipped
/// as read before) and resume the partition at half the limit. Deciding on
/// the poll thread matters: a reader sees a batch only after the poll
/// thread may have handed on many more, so a pause decided there would let
/// a burst grow without bound. Thread-safe.
class flow_control {
public:
  /// At most `limit` (at least 1) records per partition, plus the rest of
  /// the batch that reached it.
  explicit flow_control(size_t limit);

  /// `n` records of `tp` were handed on: true when `tp` must be paused now
  /// (once per pause).
  bool handed(const kafka::topic_partition& tp, size_t n);

  /// `n` records of `tp` left: true when the paused `tp` may resume now.
  bool released(const kafka::topic_partition& tp, size_t n);

  /// `tp` was assigned anew: its count starts from zero, not paused.
  void reset(const kafka::topic_partition& tp);

  /// Records of `tp` handed on and not released.
  size_t outstanding(const kafka::topic_partition& tp) const;

  /// Whether `tp` is paused by this flow control.
  bool paused(const kafka::topic_partition& tp) const;

private:
  struct partition {
    size_t outstanding = 0;
    bool paused = false;
  };
  size_t limit_;
  mutable std::mutex mtx_;
  std::map<kafka::topic_partition, partition> partitions_;
};

} // namespace utsjekk
