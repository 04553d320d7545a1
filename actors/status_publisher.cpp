#include "actors/status_publisher.hpp"

#include "actors/logging.hpp"
#include "messages/error.hpp"
#include "messages/status_json.hpp"

#include <caf/send.hpp>

namespace utsjekk {

record_sink::~record_sink() = default;

void record_sink::attach(status_publisher_actor publisher) {
  std::lock_guard<std::mutex> guard{mtx_};
  publisher_ = std::move(publisher);
}

void record_sink::report(uint64_t token, caf::error err) {
  status_publisher_actor target;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    target = publisher_;
  }
  if (target)
    caf::anon_send(target, atom::delivered::value, token, std::move(err));
}

caf::expected<std::shared_ptr<kafka_sink>>
kafka_sink::make(const kafka::client_config& cfg) {
  auto result = std::make_shared<kafka_sink>();
  std::weak_ptr<kafka_sink> weak = result;
  auto on_delivery = [weak](uint64_t token, caf::error err) {
    if (auto sink = weak.lock())
      sink->report(token, std::move(err));
  };
  // Journal records carry whole oppdrag: allow large records, compressed.
  auto big = cfg;
  big.properties.emplace("message.max.bytes", "16777216");
  big.properties.emplace("compression.type", "lz4");
  auto producer = kafka::producer::make(big, std::move(on_delivery));
  if (!producer)
    return producer.error();
  result->producer_ = std::move(*producer);
  return result;
}

caf::error kafka_sink::produce(const out_record& rec, uint64_t token) {
  return producer_->produce(rec.topic, rec.key, rec.value, rec.headers,
                            token);
}

caf::error kafka_sink::flush(std::chrono::milliseconds timeout) {
  return producer_->flush(timeout);
}

caf::typed_response_promise<bool>
status_publisher_state::enqueue(out_record rec) {
  auto promise = self->make_response_promise<bool>();
  auto token = next_token++;
  // A record the producer refuses right away fails the request at once.
  if (auto err = sink->produce(rec, token)) {
    ++failed;
    UTSJEKK_LOG(warning, "status-publisher")
      << "status publisher could not enqueue record topic=" << rec.topic
      << " error=" << render(err);
    promise.deliver(std::move(err));
    return promise;
  }
  pending.emplace(token, promise);
  return promise;
}

status_publisher_actor::behavior_type status_publisher(
  status_publisher_actor::stateful_pointer<status_publisher_state> self,
  std::shared_ptr<record_sink> sink, std::string status_topic,
  std::string oppdrag_topic, std::shared_ptr<metrics> stats) {
  self->state.self = self;
  self->state.stats = std::move(stats);
  self->state.sink = std::move(sink);
  self->state.status_topic = std::move(status_topic);
  self->state.oppdrag_topic = std::move(oppdrag_topic);
  return {
    [self](atom::publish, const tx_id& key, fagsystem fs,
           const status_reply& status) -> caf::typed_response_promise<bool> {
      UTSJEKK_LOG(debug, "status-publisher")
        << "status publisher publishes status tx=" << key.value
        << " status=" << to_string(status.status);
      out_record rec{self->state.status_topic, key.value, to_json(status),
                     {{"fagsystem", std::string{to_string(fs)}}}};
      // Remember its value: it counts once it is delivered.
      auto token = self->state.next_token;
      auto promise = self->state.enqueue(std::move(rec));
      if (self->state.pending.count(token) > 0)
        self->state.status_of.emplace(token, status.status);
      return promise;
    },
    [self](atom::write, out_record& rec) -> caf::typed_response_promise<bool> {
      return self->state.enqueue(std::move(rec));
    },
    [self](atom::audit, const tx_id& key, fagsystem fs, std::string& xml,
           std::string& uids) -> caf::typed_response_promise<bool> {
      out_record rec{self->state.oppdrag_topic, key.value, std::move(xml),
                     {{"fagsystem", std::string{to_string(fs)}},
                      {"uids", std::move(uids)}}};
      return self->state.enqueue(std::move(rec));
    },
    [self](atom::delivered, uint64_t token, caf::error& err) {
      auto i = self->state.pending.find(token);
      if (i == self->state.pending.end())
        return;
      auto promise = std::move(i->second);
      self->state.pending.erase(i);
      auto kind = self->state.status_of.find(token);
      std::optional<status_kind> published;
      if (kind != self->state.status_of.end()) {
        published = kind->second;
        self->state.status_of.erase(kind);
      }
      if (auto& stats = self->state.stats) {
        stats->delivery(!err);
        if (!err && published)
          stats->status_published(*published);
      }
      if (err) {
        ++self->state.failed;
        UTSJEKK_LOG(warning, "status-publisher")
          << "status publisher lost a delivery error=" << render(err);
        promise.deliver(std::move(err));
        return;
      }
      ++self->state.delivered;
      promise.deliver(true);
    },
  };
}

} // namespace utsjekk
