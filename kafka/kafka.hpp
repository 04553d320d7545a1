#pragma once

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <chrono>
#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

/// Thin, thread-safe wrappers around librdkafka. librdkafka's errors are
/// turned into caf::error (ec::kafka_failed) here and nowhere else.
/// Callbacks run on a thread the wrapper owns, never on an actor's thread:
/// a callback only hands its data on (caf::anon_send) and returns.
namespace utsjekk::kafka {

/// A topic and one of its partitions.
struct topic_partition {
  std::string topic;
  int32_t partition = 0;
  friend auto operator<=>(const topic_partition&,
                          const topic_partition&) = default;
};

/// Renders as "topic/partition".
std::string to_string(const topic_partition& x);

using headers = std::vector<std::pair<std::string, std::string>>;

/// One consumed record.
struct record {
  topic_partition tp;
  int64_t offset = 0;
  std::optional<std::string> key;
  std::string value;
  kafka::headers headers;
  /// Producer timestamp in milliseconds since the epoch, or -1.
  int64_t timestamp_ms = -1;
};

/// How to reach a cluster.
struct client_config {
  /// bootstrap.servers.
  std::string brokers;
  /// Further librdkafka properties, e.g. TLS settings
  /// (security.protocol, ssl.certificate.location, ...).
  std::map<std::string, std::string> properties;
};

/// Reads KAFKA_BROKERS and the NAIS-style KAFKA_CERTIFICATE_PATH,
/// KAFKA_PRIVATE_KEY_PATH and KAFKA_CA_PATH; nullopt when KAFKA_BROKERS is
/// unset or empty.
std::optional<client_config> config_from_env();

/// A topic to create.
struct topic_spec {
  std::string name;
  int partitions = 1;
  /// Topic configuration, e.g. {"cleanup.policy", "compact"}.
  std::map<std::string, std::string> config;
  /// Replicas per partition; 1 suits the single-broker setups, -1 asks for
  /// the broker's default (Kafka 2.4 and later).
  int replication_factor = 1;
};

/// Creates the topics that do not exist yet (an existing topic is not an
/// error). Waits at most `timeout`. Uses the Admin API, which the mock
/// cluster of librdkafka 2.0.2 does not serve (the request times out
/// waiting for a controller): there, use embedded_cluster::create_topic.
caf::error create_topics(const client_config& cfg,
                         const std::vector<topic_spec>& topics,
                         std::chrono::milliseconds timeout
                         = std::chrono::seconds{30});

/// librdkafka's in-process mock cluster (rdkafka_mock.h), for the embedded
/// default and tests.
class embedded_cluster {
public:
  ~embedded_cluster();
  embedded_cluster(const embedded_cluster&) = delete;
  embedded_cluster& operator=(const embedded_cluster&) = delete;

  /// Starts a cluster of `brokers` brokers on loopback. With
  /// `bootstrap_port`, also accepts connections on 127.0.0.1:port and
  /// forwards them to the first broker, so clients can bootstrap from a
  /// fixed address.
  static caf::expected<std::unique_ptr<embedded_cluster>>
  start(int brokers = 1, std::optional<uint16_t> bootstrap_port = {});

  /// "127.0.0.1:port[,...]": the address clients bootstrap from.
  const std::string& bootstrap() const;

  /// Creates a topic on the mock cluster.
  caf::error create_topic(const std::string& name, int partitions);

  /// The client configuration for this cluster.
  client_config config() const;

private:
  embedded_cluster();
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Called on the producer's delivery thread for each produced record with
/// the token given to produce(); a default-constructed error means the
/// record is durable (acks=all).
using delivery_handler = std::function<void(uint64_t token, caf::error)>;

/// An idempotent producer (enable.idempotence=true, acks=all).
class producer {
public:
  ~producer();
  producer(const producer&) = delete;
  producer& operator=(const producer&) = delete;

  static caf::expected<std::unique_ptr<producer>>
  make(const client_config& cfg, delivery_handler on_delivery);

  /// Enqueues one record. Records with the same key go to the same
  /// partition in the order of these calls. Thread-safe.
  caf::error produce(const std::string& topic,
                     const std::optional<std::string>& key,
                     const std::string& value, const headers& hdrs,
                     uint64_t token);

  /// Waits until every enqueued record is delivered and its delivery
  /// handler has returned, or fails with `ec::timeout` once `timeout`
  /// passes. Thread-safe.
  caf::error flush(std::chrono::milliseconds timeout);

  /// Records enqueued but not yet delivered.
  int in_queue() const;

private:
  producer();
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The next offset to read, per partition: what a group commits.
using offset_map = std::map<topic_partition, int64_t>;

/// A consumer's group membership as a transaction presents it to the group
/// coordinator (librdkafka's rd_kafka_consumer_group_metadata): group id,
/// generation and member id. Opaque; taken anew for each transaction, as
/// the generation changes on every rebalance.
class group_metadata {
public:
  struct impl;
  explicit group_metadata(std::unique_ptr<impl> x);
  ~group_metadata();
  group_metadata(const group_metadata&) = delete;
  group_metadata& operator=(const group_metadata&) = delete;

  /// The wrapped librdkafka object (kafka/ only).
  impl& get() const;

private:
  std::unique_ptr<impl> impl_;
};

/// A transactional producer (`transactional.id`, which implies
/// idempotence and acks=all). Records produced between begin() and
/// commit(), and the consumer offsets sent with them, become visible to
/// read_committed consumers together, or not at all. Not thread-safe: one
/// thread owns it and makes every call.
///
/// Errors distinguish what the caller may do next: `ec::kafka_retriable`
/// (call the same function again), `ec::kafka_aborted` (call abort(), then
/// begin a new transaction), `ec::kafka_fenced` (a newer instance with the
/// same transactional.id took over, or another fatal error: destroy this
/// producer and stop), `ec::kafka_failed` (anything else, e.g. a call out
/// of order).
class transactional_producer {
public:
  ~transactional_producer();
  transactional_producer(const transactional_producer&) = delete;
  transactional_producer& operator=(const transactional_producer&) = delete;

  /// Creates the producer and registers `transactional_id` with the
  /// transaction coordinator (init_transactions), which aborts a
  /// transaction an earlier instance left open and fences that instance.
  static caf::expected<std::unique_ptr<transactional_producer>>
  make(const client_config& cfg, const std::string& transactional_id,
       std::chrono::milliseconds timeout = std::chrono::seconds{30});

  /// Begins a transaction.
  caf::error begin();

  /// Enqueues one record in the current transaction. Records with the
  /// same key go to the same partition in the order of these calls.
  caf::error produce(const std::string& topic,
                     const std::optional<std::string>& key,
                     const std::string& value, const headers& hdrs);

  /// Adds `offsets` of the consumer group `group` to the current
  /// transaction: they become the group's committed offsets when it
  /// commits. An empty map is no call at all.
  caf::error send_offsets(const offset_map& offsets,
                          const group_metadata& group,
                          std::chrono::milliseconds timeout);

  /// Waits until every record produced so far reached the broker, without
  /// committing anything (records of an open transaction stay invisible
  /// to read_committed readers).
  caf::error flush(std::chrono::milliseconds timeout);

  /// Delivers every record of the transaction and commits it.
  caf::error commit(std::chrono::milliseconds timeout);

  /// Aborts the current transaction: none of its records and offsets
  /// become visible.
  caf::error abort(std::chrono::milliseconds timeout);

private:
  transactional_producer();
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// How a consumer's stored offsets reach the group.
enum class offset_commit : uint8_t {
  /// librdkafka's auto-commit, and a commit on revoke and on close.
  automatic,
  /// Only through a transactional producer, which keeps its own account
  /// of what may be committed: the consumer stores nothing and asks the
  /// commit_offsets handler to commit on revoke and on close.
  transactional,
};

/// What a consumer reports, on its poll thread.
struct consumer_handlers {
  /// Partitions were assigned to this member.
  std::function<void(const std::vector<topic_partition>&)> on_assigned;
  /// Partitions are being revoked: called before their stored offsets are
  /// committed and the partitions are given up.
  std::function<void(const std::vector<topic_partition>&)> on_revoked;
  /// Records of one partition, in offset order.
  std::function<void(std::vector<record>)> on_records;
  /// A fatal or notable consumer error.
  std::function<void(const caf::error&)> on_error;
  /// Transactional mode: commits what is durable now and returns
  /// once it is committed or failed; called before partitions are given
  /// up (revoke, close). May be empty.
  std::function<caf::error()> commit_offsets;
};

/// A group member reading a set of topics on its own poll thread. Offsets
/// are stored explicitly (enable.auto.offset.store=false) with
/// store_offset() and committed by auto-commit and on revoke and close
/// (offset_commit::automatic), or only by a transactional producer
/// (offset_commit::transactional).
class consumer {
public:
  ~consumer();
  consumer(const consumer&) = delete;
  consumer& operator=(const consumer&) = delete;

  static caf::expected<std::unique_ptr<consumer>>
  make(const client_config& cfg, const std::string& group_id,
       const std::vector<std::string>& topics, consumer_handlers handlers,
       offset_commit mode = offset_commit::automatic);

  /// Subscribes and starts the poll thread.
  caf::error start();

  /// Stops the poll thread, commits what was stored, leaves the group
  /// (on_revoked runs for what was assigned, still on the poll thread).
  /// Idempotent. Not to be called from a handler.
  void stop();

  /// Marks everything before `next_offset` in `tp` as done, to be
  /// committed. Fails for a partition not assigned to this member, and in
  /// transactional mode (offsets go through the producer there).
  /// Thread-safe.
  caf::error store_offset(const topic_partition& tp, int64_t next_offset);

  /// Stops fetching from `tp` until resume(): once pause() returns, no
  /// record of `tp` reaches on_records until resume(), and resume()
  /// continues after the last record handed on. Thread-safe; a handler may
  /// call it.
  caf::error pause(const topic_partition& tp);
  caf::error resume(const topic_partition& tp);

  /// The high watermark of `tp` as last seen, or -1.
  int64_t high_watermark(const topic_partition& tp) const;

  /// The group membership a transaction sends offsets under. Thread-safe.
  std::unique_ptr<kafka::group_metadata> group_metadata() const;

private:
  consumer();
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace utsjekk::kafka
