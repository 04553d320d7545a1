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
  if (auto target = publisher())
    caf::anon_send(target, atom::delivered::value, token, std::move(err));
}

status_publisher_actor record_sink::publisher() {
  std::lock_guard<std::mutex> guard{mtx_};
  return publisher_;
}

caf::typed_response_promise<bool>
status_publisher_state::enqueue(std::vector<out_record> recs,
                                std::optional<status_kind> status) {
  auto promise = self->make_response_promise<bool>();
  auto token = next_token++;
  // A unit the sink refuses right away fails the request at once.
  auto topic = recs.empty() ? std::string{} : recs.front().topic;
  if (auto err = sink->produce(std::move(recs), token)) {
    ++failed;
    UTSJEKK_LOG(warning, "status-publisher")
      << "status publisher could not enqueue records topic=" << topic
      << " error=" << render(err);
    promise.deliver(std::move(err));
    return promise;
  }
  pending.emplace(token, promise);
  if (status)
    status_of.emplace(token, *status);
  return promise;
}

out_record
status_publisher_state::status_record(const tx_id& key, fagsystem fs,
                                      const status_reply& status) const {
  // MOTTATT goes with the journal step that makes its transaction
  // resumable, and a key has one transaction that reaches it (I6). A
  // terminal status may be another transaction's answer with the same key
  // (a redelivery, a conflict): its input moves with its reader instead.
  return out_record{status_topic, key.value, to_json(status),
                    {{"fagsystem", std::string{to_string(fs)}}},
                    status.status == status_kind::mottatt};
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
      std::vector<out_record> recs;
      recs.push_back(self->state.status_record(key, fs, status));
      return self->state.enqueue(std::move(recs), status.status);
    },
    [self](atom::publish, const tx_id& key, fagsystem fs,
           const status_reply& status, std::vector<out_record>& with)
      -> caf::typed_response_promise<bool> {
      UTSJEKK_LOG(debug, "status-publisher")
        << "status publisher publishes status with records tx="
        << key.value << " status=" << to_string(status.status)
        << " records=" << with.size();
      // The records first, the status last: one unit either way.
      with.push_back(self->state.status_record(key, fs, status));
      return self->state.enqueue(std::move(with), status.status);
    },
    [self](atom::write, out_record& rec) -> caf::typed_response_promise<bool> {
      std::vector<out_record> recs;
      recs.push_back(std::move(rec));
      return self->state.enqueue(std::move(recs));
    },
    [self](atom::write, std::vector<out_record>& recs)
      -> caf::typed_response_promise<bool> {
      return self->state.enqueue(std::move(recs));
    },
    [self](atom::audit, const tx_id& key, fagsystem fs, std::string& xml,
           std::string& uids) -> caf::typed_response_promise<bool> {
      std::vector<out_record> recs;
      recs.push_back(out_record{self->state.oppdrag_topic, key.value,
                                std::move(xml),
                                {{"fagsystem", std::string{to_string(fs)}},
                                 {"uids", std::move(uids)}}});
      return self->state.enqueue(std::move(recs));
    },
    [self](atom::delivered, uint64_t token, caf::error& err) {
      // A fenced producer never writes again: without it the service
      // cannot go on, and its watchdog stops it.
      if (err == ec::kafka_fenced) {
        UTSJEKK_LOG(error, "status-publisher")
          << "status publisher stops: its producer is fenced error="
          << render(err);
        for (auto& [pending_token, promise] : self->state.pending)
          promise.deliver(err);
        self->state.pending.clear();
        self->quit(err);
        return;
      }
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
