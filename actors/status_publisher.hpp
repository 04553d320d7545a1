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

  /// Enqueues `recs` as one unit: all of them become durable together or
  /// none does (a transaction never splits them), and the outcome is
  /// reported once, later, under `token`.
  virtual caf::error produce(std::vector<out_record> recs,
                             uint64_t token) = 0;

  /// Names the actor that receives delivery reports.
  void attach(status_publisher_actor publisher);

protected:
  /// Sends a delivery report to the attached publisher.
  void report(uint64_t token, caf::error err);

  /// The attached publisher, or none.
  status_publisher_actor publisher();

private:
  std::mutex mtx_;
  status_publisher_actor publisher_;
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
  /// Enqueues `recs` as one unit and returns a promise fulfilled once all
  /// of them are durable, or failed with the error that kept them all
  /// out. `status` names the status record among them, counted once it
  /// is delivered.
  caf::typed_response_promise<bool>
  enqueue(std::vector<out_record> recs,
          std::optional<status_kind> status = std::nullopt);
  /// The status record of `status` for `key`.
  out_record status_record(const tx_id& key, fagsystem fs,
                           const status_reply& status) const;
  status_publisher_actor::stateful_pointer<status_publisher_state> self;
  static inline const char* name = "status-publisher";
};

status_publisher_actor::behavior_type status_publisher(
  status_publisher_actor::stateful_pointer<status_publisher_state> self,
  std::shared_ptr<record_sink> sink, std::string status_topic,
  std::string oppdrag_topic, std::shared_ptr<metrics> stats);

} // namespace utsjekk
