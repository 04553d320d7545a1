#pragma once

#include "actors/actors.hpp"

#include <functional>
#include <map>
#include <string>

namespace utsjekk {

/// What a reader may do to its partition on the consumer.
struct partition_control {
  /// Record `offset` with this key is handed on: a status that settles
  /// the key may commit its offset (see input_offsets); may be empty.
  std::function<void(int64_t offset, const std::string& key)> opened;
  /// Every record before `next_offset` has a durable outcome.
  std::function<void(int64_t next_offset)> store_offset;
  /// Counts `n` records of the partition as gone from this reader
  /// (finished, or skipped as read before): the flow control resumes the
  /// partition once enough are gone.
  std::function<void(size_t n)> released;
  /// Counts `n` records read, `next_offset` the next to read (metrics);
  /// may be empty.
  std::function<void(size_t n, int64_t next_offset)> on_read;
};

/// One per assigned topic-partition: decodes each record, answers invalid
/// ones with FEILET, hands valid ones to the supervisor of its fagsystem,
/// and stores the offset up to the first record without a durable outcome
/// (I3).
struct reader_state {
  kafka::topic_partition tp;
  utsjekk::fagsystem fagsystem = fagsystem::aap;
  supervisor_actor supervisor;
  status_publisher_actor publisher;
  partition_control control;
  /// Offsets handed on whose outcome is not durable yet (false) or is
  /// (true), in offset order.
  std::map<int64_t, bool> in_flight;
  /// The offset stored last (the next one to read), or -1.
  int64_t stored = -1;
  bool revoked = false;
  /// Records read, rejected as invalid and finished, for metrics.
  uint64_t consumed = 0;
  uint64_t invalid = 0;
  uint64_t finished = 0;

  /// Decodes and hands on one record.
  void process(const kafka::record& rec);
  /// Publishes the FEILET of an invalid record, again until it is durable.
  void reject(tx_id key, int64_t offset, status_reply status);
  /// Marks `offset` durable and stores what can be stored.
  void finish(int64_t offset);

  reader_actor::stateful_pointer<reader_state> self;
  static inline const char* name = "reader";
};

reader_actor::behavior_type
reader(reader_actor::stateful_pointer<reader_state> self,
       kafka::topic_partition tp, fagsystem fs, supervisor_actor supervisor,
       status_publisher_actor publisher, partition_control control);

/// The content hash of a payload: SHA-256, hex.
content_hash hash_of(std::string_view payload);

} // namespace utsjekk
