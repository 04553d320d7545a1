#pragma once

#include "actors/actors.hpp"
#include "actors/metrics.hpp"

#include <caf/typed_response_promise.hpp>

#include <map>
#include <memory>
#include <mutex>

namespace utsjekk {

/// Where the publisher's records go: Kafka, or a fake in tests. The sink
/// reports each delivery to the publisher as (atom::delivered, token,
/// error), from any thread.
class record_sink {
public:
  virtual ~record_sink();

  /// Enqueues `rec`; its delivery is reported later under `token`.
  virtual caf::error produce(const out_record& rec, uint64_t token) = 0;

  /// Names the actor that receives delivery reports.
  void attach(status_publisher_actor publisher);

protected:
  /// Sends a delivery report to the attached publisher.
  void report(uint64_t token, caf::error err);

private:
  std::mutex mtx_;
  status_publisher_actor publisher_;
};

/// A sink on a Kafka producer.
class kafka_sink : public record_sink {
public:
  static caf::expected<std::shared_ptr<kafka_sink>>
  make(const kafka::client_config& cfg);

  caf::error produce(const out_record& rec, uint64_t token) override;

  /// Waits for outstanding deliveries.
  caf::error flush(std::chrono::milliseconds timeout);

private:
  std::unique_ptr<kafka::producer> producer_;
};

struct status_publisher_state {
  /// Where records go.
  std::shared_ptr<record_sink> sink;
  /// Topic of statuses.
  std::string status_topic;
  /// Topic of oppdrag and kvitteringer.
  std::string oppdrag_topic;
  /// Requests waiting for their delivery report, by token.
  std::map<uint64_t, caf::typed_response_promise<bool>> pending;
  /// The next token.
  uint64_t next_token = 1;
  /// Records delivered and failed, for metrics.
  uint64_t delivered = 0;
  uint64_t failed = 0;
  /// Where statuses and deliveries are counted; none when null.
  std::shared_ptr<metrics> stats;
  /// The status value of each pending status record, by token.
  std::map<uint64_t, status_kind> status_of;
  /// Enqueues `rec` and returns a promise fulfilled on delivery.
  caf::typed_response_promise<bool> enqueue(out_record rec);
  status_publisher_actor::stateful_pointer<status_publisher_state> self;
  static inline const char* name = "status-publisher";
};

status_publisher_actor::behavior_type status_publisher(
  status_publisher_actor::stateful_pointer<status_publisher_state> self,
  std::shared_ptr<record_sink> sink, std::string status_topic,
  std::string oppdrag_topic, std::shared_ptr<metrics> stats);

} // namespace utsjekk
