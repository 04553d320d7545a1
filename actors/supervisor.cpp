#include "actors/supervisor.hpp"

#include "actors/logging.hpp"
#include "messages/error.hpp"
#include "messages/status_json.hpp"

#include <caf/actor_cast.hpp>
#include <caf/stateful_actor.hpp>

namespace utsjekk {

namespace {

constexpr auto peer_timeout = std::chrono::seconds{30};

} // namespace

void supervisor_state::start_next(const sak_key& sak) {
  if (busy.count(sak) > 0)
    return;
  auto q = queues.find(sak);
  if (q == queues.end() || q->second.empty()) {
    if (q != queues.end())
      queues.erase(q);
    return;
  }
  // Bound the actors alive at once; the sak waits for a slot.
  if (busy.size() >= max_active) {
    if (std::find(waiting.begin(), waiting.end(), sak) == waiting.end())
      waiting.push_back(sak);
    return;
  }
  busy.emplace(sak, caf::actor_addr{});
  auto& front = q->second.front();
  // A key seen before is a redelivery or a conflict (I6).
  self
    ->request(store, peer_timeout, atom::lookup_tx::value, front.msg.key,
              front.hash)
    .then(
      [this, sak](tx_lookup& seen) {
        auto& front = queues[sak].front();
        if (seen.what == tx_lookup::kind::conflict) {
          auto err = caf::make_error(
            ec::conflicting_key,
            "key " + front.msg.key.value
              + " was used before for a message with other content");
          settle_front(sak, feilet_status(err));
          return;
        }
        if (seen.what == tx_lookup::kind::same && seen.final_status) {
          UTSJEKK_LOG(info, "supervisor")
            << "supervisor answers redelivered message tx="
            << front.msg.key.value;
          settle_front(sak, std::move(*seen.final_status));
          return;
        }
        // A transaction of an earlier run resumes at its journaled step.
        if (seen.journal) {
          UTSJEKK_LOG(info, "supervisor")
            << "supervisor resumes transaction tx=" << front.msg.key.value
            << " step=" << to_string(seen.journal->step);
          spawn_front(sak, std::move(*seen.journal), 0);
          return;
        }
        spawn_front(sak, tx_journal{}, 0);
      },
      [this, sak](const caf::error& err) {
        UTSJEKK_LOG(error, "supervisor")
          << "supervisor could not reach the state store error="
          << render(err);
        busy.erase(sak);
        self->quit(err);
      });
}

void supervisor_state::spawn_front(const sak_key& sak, tx_journal journal,
                                   uint32_t restarts) {
  auto& front = queues[sak].front();
  oppdrag_peers peers{store, gateway, publisher, supervisor_actor{self}};
  auto worker = self->spawn<caf::monitored>(oppdrag_tx, front.msg,
                                            front.hash, journal, peers, cfg,
                                            next_id);
  auto addr = worker.address();
  busy[sak] = addr;
  active.emplace(addr, running{sak, front.msg.key, std::move(journal),
                               restarts});
}

void supervisor_state::settle_front(const sak_key& sak,
                                    status_reply status) {
  auto key = queues[sak].front().msg.key;
  self
    ->request(publisher, caf::infinite, atom::publish::value, key, fagsystem,
              status)
    .then(
      [this, sak, key, status](bool) {
        complete_front(sak, tx_outcome{key, status});
      },
      [this, sak, key, status](const caf::error& err) {
        // Never drop a terminal status: try again after a pause.
        UTSJEKK_LOG(warning, "supervisor")
          << "supervisor could not publish status tx=" << key.value
          << " error=" << render(err);
        if (err == caf::sec::request_receiver_down) {
          self->quit(err);
          return;
        }
        self->delayed_send(self, cfg.backoff, atom::resend::value, sak,
                           status);
      });
  busy[sak] = caf::actor_addr{};
}

void supervisor_state::complete_front(const sak_key& sak,
                                      const tx_outcome& outcome) {
  auto& q = queues[sak];
  auto item = std::move(q.front());
  q.pop_front();
  ++finished;
  item.promise.deliver(outcome);
  busy.erase(sak);
  start_next(sak);
  fill_slots();
}

void supervisor_state::fill_slots() {
  while (!waiting.empty() && busy.size() < max_active) {
    auto sak = waiting.front();
    waiting.pop_front();
    start_next(sak);
  }
}

supervisor_actor::behavior_type
supervisor(supervisor_actor::stateful_pointer<supervisor_state> self,
           fagsystem fs, oppdrag_peers peers, oppdrag_config cfg,
           id_generator next_id, uint32_t max_restarts, size_t max_active) {
  auto& st = self->state;
  st.self = self;
  st.fagsystem = fs;
  st.store = peers.store;
  st.gateway = peers.gateway;
  st.publisher = peers.publisher;
  st.cfg = std::move(cfg);
  st.next_id = std::move(next_id);
  st.max_restarts = max_restarts;
  st.max_active = max_active;
  // An oppdrag actor that dies without reporting is restarted from its
  // journal, a bounded number of times.
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    auto i = st.active.find(dm.source);
    if (i == st.active.end())
      return;
    auto run = std::move(i->second);
    st.active.erase(i);
    st.busy.erase(run.sak);
    ++st.crashed;
    UTSJEKK_LOG(error, "supervisor")
      << "supervisor saw oppdrag actor die tx=" << run.key.value
      << " sak=" << run.sak.sak_id << " step=" << to_string(run.journal.step)
      << " restarts=" << run.restarts << " reason=" << render(dm.reason);
    if (run.restarts >= st.max_restarts) {
      auto err = caf::make_error(
        ec::crashed, "the transaction failed " + std::to_string(run.restarts
                                                                + 1)
                       + " times and is parked for manual follow-up");
      auto status = feilet_status(err);
      status.detaljer = run.journal.detaljer;
      st.settle_front(run.sak, std::move(status));
      return;
    }
    st.busy.emplace(run.sak, caf::actor_addr{});
    st.spawn_front(run.sak, std::move(run.journal), run.restarts + 1);
  });
  // On shutdown, the transactions in flight stop with their supervisor;
  // their offsets were never stored, so they are read again on restart.
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (auto& [addr, run] : self->state.active)
      self->send_exit(addr, em.reason);
    self->quit(em.reason);
  });
  return {
    [self](atom::submit, decoded_message& msg,
           content_hash& hash) -> caf::typed_response_promise<tx_outcome> {
      auto& st = self->state;
      auto promise = self->make_response_promise<tx_outcome>();
      auto sak = msg.sak;
      st.queues[sak].push_back({std::move(msg), std::move(hash), promise});
      st.start_next(sak);
      return promise;
    },
    [self](atom::resend, const sak_key& sak, status_reply& status) {
      self->state.settle_front(sak, std::move(status));
    },
    [self](atom::journal, const tx_id&, tx_journal& journal) {
      auto& st = self->state;
      auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
      auto i = st.active.find(sender);
      if (i != st.active.end())
        i->second.journal = std::move(journal);
    },
    [self](atom::done, const tx_outcome& outcome) {
      auto& st = self->state;
      auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
      auto i = st.active.find(sender);
      if (i == st.active.end())
        return;
      auto sak = i->second.sak;
      st.active.erase(i);
      st.complete_front(sak, outcome);
    },
  };
}

} // namespace utsjekk
