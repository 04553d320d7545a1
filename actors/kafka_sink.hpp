#pragma once

#include "actors/input_offsets.hpp"
#include "actors/status_publisher.hpp"
#include "kafka/kafka.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace utsjekk {

namespace defaults {

/// How long a batch of the sink waits for more records after its first.
inline constexpr auto tx_linger = std::chrono::milliseconds{3};
/// Records per transaction before a batch closes early.
inline constexpr size_t tx_max_records = 500;
/// How long stored input offsets wait for records to ride along before
/// they get a transaction of their own.
inline constexpr auto tx_offset_linger = std::chrono::milliseconds{50};
/// How long one call of the transactional API may take.
inline constexpr auto tx_timeout = std::chrono::seconds{30};

} // namespace defaults

/// Settings of the transactional sink.
struct kafka_sink_config {
  /// The cluster.
  kafka::client_config kafka;
  /// The producer's transactional.id: stable across restarts, so a
  /// restarted instance fences the one before it.
  std::string transactional_id;
  /// See defaults::tx_linger.
  std::chrono::milliseconds linger = defaults::tx_linger;
  /// See defaults::tx_max_records.
  size_t max_records = defaults::tx_max_records;
  /// See defaults::tx_offset_linger.
  std::chrono::milliseconds offset_linger = defaults::tx_offset_linger;
  /// See defaults::tx_timeout.
  std::chrono::milliseconds timeout = defaults::tx_timeout;
};

/// Fails unless `cfg` can work: a transactional.id, a positive linger and
/// batch size.
caf::error validate(const kafka_sink_config& cfg);

/// Where the sink's transactions find the input offsets to commit.
struct offset_source {
  /// The input records with and without a durable outcome.
  std::shared_ptr<input_offsets> inputs;
  /// The consumer's group membership as of now.
  std::function<std::unique_ptr<kafka::group_metadata>()> group;
};

/// A sink on a transactional producer with group commit: units handed to
/// produce() are collected into batches (closed after `linger`, at
/// `max_records`, or by flush()), and each batch is one Kafka transaction
/// together with every stored input offset. A unit is reported delivered
/// only once its transaction committed; an aborted transaction reports
/// its error for every unit in it (the requesters retry). A unit is never
/// split across transactions.
///
/// Input offsets ride in the transaction that makes their records'
/// outcome durable: a status record that settles its key (see
/// out_record::settles) takes its input's offset along, so the journal
/// step, its MOTTATT and the offset are one transaction. Offsets a
/// reader stores later (see input_offsets) ride in the next batch, or
/// in one of their own after `offset_linger`, or in the last one on
/// revoke and shutdown.
///
/// One thread of the sink owns the producer and makes every call of its
/// transactional API; produce() only queues, so actors never block on a
/// transaction. When the producer is fenced (a newer instance with the
/// same transactional.id) or fails fatally, every further unit fails with
/// `ec::kafka_fenced` and the fatal handler runs once.
class kafka_sink : public record_sink {
public:
  ~kafka_sink() override;

  /// Creates the producer, registers the transactional.id (fencing an
  /// earlier instance) and starts the sink's thread.
  static caf::expected<std::shared_ptr<kafka_sink>>
  make(kafka_sink_config cfg);

  caf::error produce(std::vector<out_record> recs, uint64_t token) override;

  /// Names where input offsets come from; set before the consumer starts.
  void attach_offsets(offset_source src);

  /// A reader stored input offsets: commit them soon. Thread-safe.
  void offsets_stored();

  /// Names what runs, once, on the sink's thread when the producer is
  /// fenced or failed fatally.
  void on_fatal(std::function<void(const caf::error&)> handler);

  /// Commits everything queued before the call and the offsets stored
  /// before it, and waits for the outcome, at most `timeout`. Thread-safe;
  /// not to be called on the sink's thread.
  caf::error flush(std::chrono::milliseconds timeout);

  /// Flushes a last time and ends the sink's thread. Idempotent.
  void stop();

  /// Transactions committed and aborted so far.
  uint64_t committed_transactions() const;
  uint64_t aborted_transactions() const;

  struct impl;

private:
  kafka_sink();
  std::unique_ptr<impl> impl_;
};

} // namespace utsjekk
