#pragma once

#include "kafka/kafka.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace utsjekk {

/// A status record that settles the input of its key: MOTTATT, written
/// with the journal step that makes the transaction resumable. `epoch` is
/// input_offsets::epoch() when the record was queued: only inputs opened
/// before it can be the ones it answers.
struct settled_key {
  std::string key;
  uint64_t epoch = 0;
};

/// What one Kafka transaction may commit of the input: the next offset
/// per partition, and the records it settles by key.
struct offset_plan {
  kafka::offset_map offsets;
  std::vector<std::pair<kafka::topic_partition, int64_t>> settled;
};

/// Which input records of a consumer have a durable outcome, and so how
/// far each partition may be committed (I3). A record's outcome becomes
/// durable in one of two ways:
///
/// - a Kafka transaction commits the MOTTATT of its key (see settled_key):
///   the input offset goes in that same transaction, so the journal step,
///   its status and the offset are all or nothing;
/// - its reader stores a position past it, once its terminal status is
///   durable (the reader's own reckoning, which covers every path).
///
/// A key settles a record only when exactly one record with that key is
/// open and was opened before the status was queued; with two (the same
/// key read twice before the first was answered) neither is settled by
/// key, and their readers' positions move the offsets instead.
/// Thread-safe: readers open and store on actor threads, the sink plans
/// and commits on its own.
class input_offsets {
public:
  /// `tps` were assigned: their records are tracked from now on.
  void assign(const std::vector<kafka::topic_partition>& tps);

  /// A reader handed on record `offset` of `tp`, keyed `key`. Ignored
  /// unless `tp` is assigned.
  void opened(const kafka::topic_partition& tp, int64_t offset,
              const std::string& key);

  /// The reader of `tp` has a durable outcome for every record before
  /// `next`. True when that moves the partition past what was committed.
  bool stored(const kafka::topic_partition& tp, int64_t next);

  /// A counter that grows with every record opened.
  uint64_t epoch() const;

  /// What a transaction holding statuses that settle `keys` may commit:
  /// for each partition whose position moves past what was committed, the
  /// next offset to read. Changes nothing.
  offset_plan plan(const std::vector<settled_key>& keys) const;

  /// The transaction of `x` committed.
  void committed(const offset_plan& x);

  /// `tps` were given up: everything about them is forgotten.
  void forget(const std::vector<kafka::topic_partition>& tps);

  /// Records of `tp` opened and not below its reader's position.
  size_t open(const kafka::topic_partition& tp) const;

  /// The last committed next offset of `tp`, or -1.
  int64_t committed_offset(const kafka::topic_partition& tp) const;

private:
  struct record {
    std::string key;
    uint64_t epoch = 0;
    bool settled = false;
  };
  struct partition {
    /// Records at or past `stored`, by offset.
    std::map<int64_t, record> records;
    /// The reader's position, or -1.
    int64_t stored = -1;
    /// The first offset opened since the assignment, or -1.
    int64_t first = -1;
    /// The highest offset opened, or -1.
    int64_t last = -1;
    /// The last committed next offset, or -1.
    int64_t committed = -1;
  };
  /// Where `p` may be committed, counting `extra` as settled.
  static int64_t position(const partition& p,
                          const std::vector<int64_t>& extra);
  mutable std::mutex mtx_;
  uint64_t epoch_ = 0;
  std::map<kafka::topic_partition, partition> partitions_;
  /// Open, unsettled records by key.
  std::multimap<std::string, std::pair<kafka::topic_partition, int64_t>>
    by_key_;
  /// Removes the by_key_ entry of one record.
  void unindex(const std::string& key, const kafka::topic_partition& tp,
               int64_t offset);
};

} // namespace utsjekk
