#pragma once

#include "kafka/kafka.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>

namespace utsjekk::os {

/// Which input offsets may be committed when records finish out of order:
/// per partition, everything before the oldest record still in work. Not
/// thread-safe; pure.
class offset_tracker {
public:
  /// Notes that the record at `offset` of `tp` is in work.
  void begin(const kafka::topic_partition& tp, int64_t offset);

  /// Notes that the record at `offset` of `tp` is done. Returns the offset
  /// to store (the next one to read after a restart) when it moved past
  /// what this returned before, else nullopt.
  std::optional<int64_t> finish(const kafka::topic_partition& tp,
                                int64_t offset);

  /// Forgets `tp` (its partition was revoked).
  void forget(const kafka::topic_partition& tp);

  /// Records in work, over all partitions.
  size_t in_work() const;

private:
  struct partition {
    /// Offsets begun and not finished.
    std::set<int64_t> open;
    /// The highest offset begun.
    int64_t highest = -1;
    /// The last offset returned by finish(), at first the first offset
    /// begun.
    int64_t stored = -1;
  };
  std::map<kafka::topic_partition, partition> partitions_;
};

} // namespace utsjekk::os
