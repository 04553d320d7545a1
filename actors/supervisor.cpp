#include "actors/supervisor.hpp"

#include "actors/logging.hpp"
#include "messages/error.hpp"
#include "messages/status_json.hpp"

#include <caf/actor_cast.hpp>
#include <caf/stateful_actor.hpp>

namespace utsjekk {

namespace {

constexpr auto peer_timeout = std::chrono::seconds{30};

/// How long an operator's action may wait for the oppdrag actor.
constexpr auto action_timeout = std::chrono::seconds{5};

/// Finished transactions of one sak shown with it.
constexpr size_t sak_history = 20;

} // namespace

local_time supervisor_state::now() const {
  return cfg.now ? cfg.now() : local_time{};
}

void supervisor_state::start_next(const sak_key& sak) {
  // A parked sak starts nothing until an operator unparks it.
  if (busy.count(sak) > 0 || parked.count(sak) > 0)
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
  // The same key queued earlier on another sak is other content: this one
  // waits until that one has its outcome, and is then a conflict (I6).
  if (arrived_earlier(front)) {
    busy.erase(sak);
    blocked.emplace(front.msg.key, sak);
    return;
  }
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
          UTSJEKK_LOG(info, "supervisor")
            << "supervisor rejects a reused key with other content tx="
            << front.msg.key.value << " sak=" << sak.sak_id
            << " fagsystem=" << to_string(fagsystem);
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
  running run{sak, front.msg.key, std::move(journal), restarts, {}, {}};
  // A resumed transaction that reached OS waits from now on, as far as
  // this process can tell.
  if (run.journal.step == tx_step::sent)
    run.first_sent = run.last_sent = now();
  note_waiting(run);
  active.emplace(addr, std::move(run));
  update_gauges();
}

void supervisor_state::settle_front(const sak_key& sak,
                                    status_reply status,
                                    std::optional<running> run) {
  auto key = queues[sak].front().msg.key;
  if (auto i = settling.find(sak); i != settling.end()) {
    if (!run)
      run = std::move(i->second);
    settling.erase(i);
  }
  self
    ->request(publisher, caf::infinite, atom::publish::value, key, fagsystem,
              status)
    .then(
      [this, sak, key, status, run](bool) {
        complete_front(sak, tx_outcome{key, status}, run ? &*run : nullptr);
      },
      [this, sak, key, status, run](const caf::error& err) {
        // Never drop a terminal status: try again after a pause.
        UTSJEKK_LOG(warning, "supervisor")
          << "supervisor could not publish status tx=" << key.value
          << " error=" << render(err);
        if (err == caf::sec::request_receiver_down) {
          self->quit(err);
          return;
        }
        // The crashed transaction waits for the retry, for the history.
        if (run)
          settling.insert_or_assign(sak, *run);
        self->delayed_send(self, cfg.backoff, atom::resend::value, sak,
                           status);
      });
  busy[sak] = caf::actor_addr{};
}

void supervisor_state::complete_front(const sak_key& sak,
                                      const tx_outcome& outcome,
                                      const running* run) {
  auto& q = queues[sak];
  auto item = std::move(q.front());
  q.pop_front();
  --pending;
  auto [first, last] = queued_keys.equal_range(item.msg.key);
  for (auto i = first; i != last; ++i)
    if (i->second == item.seq) {
      queued_keys.erase(i);
      break;
    }
  // Saker that waited for this key may go on.
  std::vector<sak_key> unblocked;
  auto [bfirst, blast] = blocked.equal_range(item.msg.key);
  for (auto i = bfirst; i != blast; ++i)
    unblocked.push_back(i->second);
  blocked.erase(bfirst, blast);
  ++finished;
  // Remember it for the admin endpoint, newest first.
  auto view = view_of(item, run);
  view.place = tx_view::where::finished;
  view.journal.step = tx_step::done;
  view.journal.deadline.reset();
  view.finished = now();
  view.outcome = outcome.status;
  history.push_front(std::move(view));
  while (history.size() > history_limit)
    history.pop_back();
  if (cfg.stats)
    cfg.stats->answered(outcome.key);
  // A transaction resumed from the journal has nobody waiting.
  if (item.promise.pending())
    item.promise.deliver(outcome);
  busy.erase(sak);
  start_next(sak);
  for (auto& other : unblocked)
    start_next(other);
  fill_slots();
  update_gauges();
}

void supervisor_state::enqueue(const sak_key& sak, queued item) {
  item.seq = ++next_seq;
  queued_keys.emplace(item.msg.key, item.seq);
  queues[sak].push_back(std::move(item));
  ++pending;
}

bool supervisor_state::arrived_earlier(const queued& item) const {
  auto [first, last] = queued_keys.equal_range(item.msg.key);
  return std::any_of(first, last,
                     [&item](auto& x) { return x.second < item.seq; });
}

void supervisor_state::fill_slots() {
  while (!waiting.empty() && busy.size() < max_active) {
    auto sak = waiting.front();
    waiting.pop_front();
    start_next(sak);
  }
}

void supervisor_state::on_journal(running& run, tx_journal journal) {
  // More attempts than before: its oppdrag went to OS (again) now.
  if (journal.attempts > run.journal.attempts) {
    run.last_sent = now();
    if (!run.first_sent)
      run.first_sent = run.last_sent;
  }
  run.journal = std::move(journal);
  note_waiting(run);
}

void supervisor_state::note_waiting(const running& run) {
  if (!cfg.stats)
    return;
  auto waits = run.journal.step == tx_step::sent && run.first_sent
               && std::any_of(run.journal.oppdrag.begin(),
                              run.journal.oppdrag.end(),
                              [](auto& x) { return !x.answer; });
  if (waits)
    cfg.stats->waiting(run.key, *run.first_sent);
  else
    cfg.stats->answered(run.key);
}

void supervisor_state::update_gauges() {
  if (!cfg.stats)
    return;
  auto saker_queued = queues.size() > busy.size()
                        ? queues.size() - busy.size()
                        : 0;
  auto messages_queued = pending > busy.size() ? pending - busy.size() : 0;
  cfg.stats->transactions(fagsystem, active.size(), saker_queued,
                          messages_queued, parked.size());
}

std::pair<caf::actor_addr, supervisor_state::running*>
supervisor_state::find_running(const tx_id& key) {
  for (auto& [addr, run] : active)
    if (run.key == key)
      return {addr, &run};
  return {caf::actor_addr{}, nullptr};
}

tx_view supervisor_state::view_of(const queued& item,
                                  const running* run) const {
  tx_view result;
  result.key = item.msg.key;
  result.sak = item.msg.sak;
  result.behandling_id = item.msg.behandling_id;
  result.personident = item.msg.personident;
  result.submitted = item.submitted;
  if (run) {
    result.place = tx_view::where::in_flight;
    result.journal = run->journal;
    result.restarts = run->restarts;
    result.first_sent = run->first_sent;
    result.last_sent = run->last_sent;
  }
  return result;
}

sak_view supervisor_state::view_of(const sak_key& sak, size_t limit,
                                   bool with_history) const {
  sak_view result;
  result.sak = sak;
  result.parked = parked.count(sak) > 0;
  if (auto q = queues.find(sak); q != queues.end()) {
    // The front is in flight while the sak is busy (an actor, or the
    // lookup or status before one).
    const running* run = nullptr;
    auto in_flight = false;
    if (auto b = busy.find(sak); b != busy.end()) {
      in_flight = true;
      if (auto a = active.find(b->second); a != active.end())
        run = &a->second;
    }
    for (auto& item : q->second) {
      if (result.queue.size() >= limit)
        break;
      auto front = result.queue.empty();
      result.queue.push_back(view_of(item, front ? run : nullptr));
      if (front && in_flight)
        result.queue.back().place = tx_view::where::in_flight;
    }
  }
  if (with_history)
    for (auto& x : history) {
      if (result.history.size() >= std::min(limit, sak_history))
        break;
      if (x.sak == sak)
        result.history.push_back(x);
    }
  return result;
}

supervisor_view supervisor_state::status(size_t limit) const {
  supervisor_view result;
  result.fagsystem = fagsystem;
  result.in_flight = active.size();
  result.queued = pending > busy.size() ? pending - busy.size() : 0;
  result.finished = finished;
  result.crashed = crashed;
  // Saker with messages and parked ones; those waiting longest for a
  // kvittering first, then by their front's arrival.
  std::set<sak_key> saker = parked;
  for (auto& [sak, q] : queues)
    saker.insert(sak);
  using ranked = std::pair<std::pair<int, local_time>, sak_key>;
  std::vector<ranked> order;
  order.reserve(saker.size());
  for (auto& sak : saker) {
    auto rank = std::make_pair(2, local_time::max());
    if (auto b = busy.find(sak); b != busy.end()) {
      auto a = active.find(b->second);
      if (a != active.end() && a->second.first_sent)
        rank = {0, *a->second.first_sent};
      else
        rank.first = 1;
    }
    if (auto q = queues.find(sak); rank.first > 0 && q != queues.end()
                                   && !q->second.empty())
      rank.second = q->second.front().submitted;
    order.emplace_back(rank, sak);
  }
  std::sort(order.begin(), order.end());
  for (auto& [rank, sak] : order) {
    if (result.saker.size() >= limit) {
      ++result.omitted;
      continue;
    }
    result.saker.push_back(view_of(sak, limit, false));
  }
  for (auto& x : history) {
    if (result.recent.size() >= limit)
      break;
    result.recent.push_back(x);
  }
  return result;
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
    if (st.cfg.stats)
      st.cfg.stats->answered(run.key);
    st.update_gauges();
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
      auto sak = run.sak;
      st.settle_front(sak, std::move(status), std::move(run));
      return;
    }
    st.busy.emplace(run.sak, caf::actor_addr{});
    auto first_sent = run.first_sent;
    st.spawn_front(run.sak, std::move(run.journal), run.restarts + 1);
    // The restarted transaction keeps waiting since its first send.
    auto [addr, again] = st.find_running(run.key);
    if (again && first_sent) {
      again->first_sent = first_sent;
      st.note_waiting(*again);
    }
    st.update_gauges();
  });
  // On shutdown, the transactions in flight stop with their supervisor;
  // a journaled one resumes on restart, the others are read again.
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
      st.enqueue(sak, {std::move(msg), std::move(hash), promise, st.now()});
      st.start_next(sak);
      st.update_gauges();
      return promise;
    },
    [self](atom::start, std::vector<tx_record>& unfinished) {
      auto& st = self->state;
      // Their input offsets may be committed already: the journal is all
      // that is left of them, and it holds the whole plan.
      std::set<sak_key> saker;
      for (auto& rec : unfinished) {
        if (rec.fagsystem != st.fagsystem || rec.outcome)
          continue;
        if (rec.journal.step != tx_step::planned
            && rec.journal.step != tx_step::sent) {
          UTSJEKK_LOG(warning, "supervisor")
            << "supervisor cannot resume a transaction without a plan tx="
            << rec.key.value << " step=" << to_string(rec.journal.step);
          continue;
        }
        UTSJEKK_LOG(info, "supervisor")
          << "supervisor queues a transaction of an earlier run tx="
          << rec.key.value << " step=" << to_string(rec.journal.step);
        decoded_message msg;
        msg.key = rec.key;
        msg.fagsystem = rec.fagsystem;
        msg.sak = rec.sak;
        st.enqueue(rec.sak, {std::move(msg), std::move(rec.hash), {},
                             st.now()});
        saker.insert(rec.sak);
      }
      for (auto& sak : saker)
        st.start_next(sak);
      st.update_gauges();
    },
    [self](atom::resend, const sak_key& sak, status_reply& status) {
      self->state.settle_front(sak, std::move(status));
    },
    [self](atom::journal, const tx_id&, tx_journal& journal) {
      auto& st = self->state;
      auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
      auto i = st.active.find(sender);
      if (i != st.active.end())
        st.on_journal(i->second, std::move(journal));
    },
    [self](atom::done, const tx_outcome& outcome) {
      auto& st = self->state;
      auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
      auto i = st.active.find(sender);
      if (i == st.active.end())
        return;
      auto run = std::move(i->second);
      st.active.erase(i);
      st.complete_front(run.sak, outcome, &run);
    },
    [self](atom::get, const tx_id& key) -> std::optional<tx_view> {
      auto& st = self->state;
      // In flight, then queued, then finished recently.
      if (auto [addr, run] = st.find_running(key); run != nullptr)
        return st.view_of(st.queues.at(run->sak).front(), run);
      for (auto& [sak, q] : st.queues)
        for (auto& item : q)
          if (item.msg.key == key) {
            auto result = st.view_of(item, nullptr);
            if (&item == &q.front() && st.busy.count(sak) > 0)
              result.place = tx_view::where::in_flight;
            return result;
          }
      for (auto& x : st.history)
        if (x.key == key)
          return x;
      return std::nullopt;
    },
    [self](atom::get, const sak_key& sak) -> sak_view {
      return self->state.view_of(sak, defaults::history_limit, true);
    },
    [self](atom::resend,
           const tx_id& key) -> caf::typed_response_promise<uint32_t> {
      auto& st = self->state;
      auto rp = self->make_response_promise<uint32_t>();
      auto [addr, run] = st.find_running(key);
      auto worker = caf::actor_cast<oppdrag_actor>(addr);
      if (run == nullptr || !worker) {
        rp.deliver(caf::make_error(ec::not_found,
                                   "no transaction in flight has key "
                                     + key.value));
        return rp;
      }
      self->request(worker, action_timeout, atom::resend::value)
        .then([rp](uint32_t n) mutable { rp.deliver(n); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](atom::kvittering, const tx_id& key,
           const mmel& m) -> caf::typed_response_promise<uint32_t> {
      auto& st = self->state;
      auto rp = self->make_response_promise<uint32_t>();
      auto [addr, run] = st.find_running(key);
      auto worker = caf::actor_cast<oppdrag_actor>(addr);
      if (run == nullptr || !worker) {
        rp.deliver(caf::make_error(ec::not_found,
                                   "no transaction in flight has key "
                                     + key.value));
        return rp;
      }
      self->request(worker, action_timeout, atom::kvittering::value, m)
        .then([rp](uint32_t n) mutable { rp.deliver(n); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](atom::park, const sak_key& sak) -> sak_view {
      auto& st = self->state;
      if (st.parked.insert(sak).second)
        UTSJEKK_LOG(info, "supervisor")
          << "supervisor parks sak sak=" << sak.sak_id
          << " fagsystem=" << to_string(sak.fagsystem);
      st.update_gauges();
      return st.view_of(sak, defaults::history_limit, true);
    },
    [self](atom::unpark, const sak_key& sak) -> sak_view {
      auto& st = self->state;
      if (st.parked.erase(sak) > 0) {
        UTSJEKK_LOG(info, "supervisor")
          << "supervisor unparks sak sak=" << sak.sak_id
          << " fagsystem=" << to_string(sak.fagsystem);
        st.start_next(sak);
        st.fill_slots();
      }
      st.update_gauges();
      return st.view_of(sak, defaults::history_limit, true);
    },
    [self](atom::status, uint32_t limit) -> supervisor_view {
      return self->state.status(limit);
    },
  };
}

} // namespace utsjekk
