#include "actors/state_store.hpp"

#include "actors/logging.hpp"
#include "messages/error.hpp"
#include "messages/utbetaling_json.hpp"

#include <caf/typed_response_promise.hpp>

namespace utsjekk {

namespace {

bool is_active(const utbetaling& x) {
  return x.action != action::del && x.action != action::fake_delete;
}

/// The active uids of a sak, for its saker record.
std::vector<uuid> active_uids(const state_store_state& st, const sak_key& key) {
  std::vector<uuid> result;
  auto i = st.uids_by_sak.find(key);
  if (i == st.uids_by_sak.end())
    return result;
  for (auto& uid : i->second)
    if (auto u = st.utbetalinger.find(uid);
        u != st.utbetalinger.end() && is_active(u->second))
      result.push_back(uid);
  return result;
}

} // namespace

std::vector<out_record> state_store_state::state_records(
  const sak_key& key, const std::vector<utbetaling>& versions) const {
  std::vector<out_record> result;
  // The uid list as it becomes: today's active ones with these applied.
  std::set<uuid> active;
  for (auto& uid : active_uids(*this, key))
    active.insert(uid);
  for (auto& x : versions) {
    if (is_active(x))
      active.insert(x.uid);
    else
      active.erase(x.uid);
    result.push_back(out_record{topics.utbetalinger, x.uid.to_string(),
                                to_json(x), {}});
  }
  result.push_back(out_record{topics.saker, to_json(key),
                              uids_to_json({active.begin(), active.end()}),
                              {}});
  return result;
}

tx_record compact(const tx_record& rec) {
  tx_record result{rec.key, rec.fagsystem, rec.sak, rec.hash, {}, rec.outcome};
  result.journal.step = tx_step::done;
  result.journal.attempts = rec.journal.attempts;
  return result;
}

void file_journal_record(std::map<tx_id, tx_record>& unfinished,
                         std::map<tx_id, finished_tx>& finished,
                         tx_record rec) {
  // A finished transaction keeps its hash and outcome only.
  if (rec.outcome) {
    unfinished.erase(rec.key);
    finished.insert_or_assign(
      rec.key, finished_tx{std::move(rec.hash), std::move(*rec.outcome)});
    return;
  }
  // A late step never reopens a finished transaction.
  if (finished.count(rec.key) > 0)
    return;
  auto key = rec.key;
  unfinished.insert_or_assign(std::move(key), std::move(rec));
}

out_record state_store_state::journal_record(const tx_record& rec) const {
  auto json = rec.outcome ? to_json(compact(rec)) : to_json(rec);
  return out_record{topics.journal, rec.key.value, std::move(json), {}};
}

void state_store_state::accept(const sak_key& key,
                               const std::vector<utbetaling>& versions) {
  for (auto& x : versions) {
    uids_by_sak[key].insert(x.uid);
    utbetalinger.insert_or_assign(x.uid, x);
  }
  saker.insert(key);
}

void state_store_state::journaled(tx_record rec) {
  claims.erase(rec.key);
  file_journal_record(journal, finished, std::move(rec));
}

tx_lookup state_store_state::claim(const tx_id& key,
                                   const content_hash& hash) {
  auto result = lookup(key, hash);
  if (result.what != tx_lookup::kind::unknown)
    return result;
  // Started already with other content, not journaled yet.
  auto [i, fresh] = claims.try_emplace(key, hash);
  if (!fresh && i->second != hash)
    result.what = tx_lookup::kind::conflict;
  return result;
}

tx_lookup state_store_state::lookup(const tx_id& key,
                                    const content_hash& hash) const {
  // A finished transaction answers with its terminal status.
  if (auto i = finished.find(key); i != finished.end()) {
    if (i->second.hash != hash)
      return {tx_lookup::kind::conflict, i->second.outcome, std::nullopt};
    return {tx_lookup::kind::same, i->second.outcome, std::nullopt};
  }
  auto i = journal.find(key);
  if (i == journal.end())
    return {};
  // One of an earlier run resumes at its step, unless it never started.
  auto what = i->second.hash == hash ? tx_lookup::kind::same
                                     : tx_lookup::kind::conflict;
  tx_lookup result{what, std::nullopt, std::nullopt};
  if (i->second.journal.step != tx_step::queued)
    result.journal = i->second.journal;
  return result;
}

sak_key sak_of(const utbetaling& x) {
  return sak_key{x.sak_id, x.fagsystem};
}

state_store_actor::behavior_type
state_store(state_store_actor::stateful_pointer<state_store_state> self,
            loaded_state initial, status_publisher_actor writer,
            state_topics topics) {
  auto& st = self->state;
  st.writer = std::move(writer);
  st.topics = std::move(topics);
  st.finished = std::move(initial.finished);
  // Records given in full are filed one by one, each freed as it goes.
  while (!initial.journal.empty()) {
    auto node = initial.journal.extract(initial.journal.begin());
    st.journaled(std::move(node.mapped()));
  }
  for (auto& [uid, u] : initial.utbetalinger) {
    st.uids_by_sak[sak_of(u)].insert(uid);
    st.utbetalinger.emplace(uid, std::move(u));
  }
  for (auto& [key, uids] : initial.saker) {
    st.saker.insert(key);
    st.uids_by_sak[key].insert(uids.begin(), uids.end());
  }
  UTSJEKK_LOG(info, "state-store")
    << "state store loaded utbetalinger=" << st.utbetalinger.size()
    << " saker=" << st.saker.size() << " journal=" << st.journal.size()
    << " finished=" << st.finished.size();
  return {
    [self](atom::get, const sak_key& key) -> sak_state {
      auto& st = self->state;
      sak_state result;
      result.exists = st.saker.count(key) > 0;
      if (auto i = st.uids_by_sak.find(key); i != st.uids_by_sak.end())
        for (auto& uid : i->second)
          if (auto u = st.utbetalinger.find(uid); u != st.utbetalinger.end())
            result.utbetalinger.emplace(uid, u->second);
      return result;
    },
    [self](atom::apply, const sak_key& key,
           std::vector<utbetaling>& versions)
      -> caf::typed_response_promise<bool> {
      auto promise = self->make_response_promise<bool>();
      auto& st = self->state;
      // The utbetalinger and the sak's uid list: one unit.
      auto recs = st.state_records(key, versions);
      self->request(st.writer, caf::infinite, atom::write::value,
                    std::move(recs))
        .then(
          [self, key, versions, promise](bool) mutable {
            self->state.accept(key, versions);
            promise.deliver(true);
          },
          [promise](const caf::error& err) mutable { promise.deliver(err); });
      return promise;
    },
    [self](atom::apply, tx_record& rec, std::vector<utbetaling>& versions)
      -> caf::typed_response_promise<bool> {
      auto promise = self->make_response_promise<bool>();
      auto& st = self->state;
      if (!rec.outcome) {
        promise.deliver(caf::make_error(
          ec::wrong_state, "state store: the final record of "
                             + rec.key.value + " has no outcome"));
        return promise;
      }
      // Only the compact record is written and kept: the oppdrag go with
      // the actor.
      auto end = compact(rec);
      // The accepted state, the terminal journal record and the terminal
      // status: one Kafka transaction.
      std::vector<out_record> recs;
      if (!versions.empty())
        recs = st.state_records(end.sak, versions);
      recs.push_back(st.journal_record(end));
      auto status = *end.outcome;
      self
        ->request(st.writer, caf::infinite, atom::publish::value, end.key,
                  end.fagsystem, status, std::move(recs))
        .then(
          [self, rec = std::move(end), versions, promise](bool) mutable {
            auto& st = self->state;
            if (!versions.empty())
              st.accept(rec.sak, versions);
            st.journaled(std::move(rec));
            promise.deliver(true);
          },
          [promise](const caf::error& err) mutable { promise.deliver(err); });
      return promise;
    },
    [self](atom::lookup_tx, const tx_id& key,
           const content_hash& hash) -> tx_lookup {
      return self->state.claim(key, hash);
    },
    [self](atom::journal, tx_record& rec) -> caf::typed_response_promise<bool> {
      auto promise = self->make_response_promise<bool>();
      auto& st = self->state;
      self
        ->request(st.writer, caf::infinite, atom::write::value,
                  st.journal_record(rec))
        .then(
          [self, rec, promise](bool) mutable {
            self->state.journaled(std::move(rec));
            promise.deliver(true);
          },
          [promise](const caf::error& err) mutable { promise.deliver(err); });
      return promise;
    },
    [self](atom::journal, tx_record& rec, const status_reply& status)
      -> caf::typed_response_promise<bool> {
      auto promise = self->make_response_promise<bool>();
      auto& st = self->state;
      // The step and the status it implies: one Kafka transaction.
      std::vector<out_record> recs;
      recs.push_back(st.journal_record(rec));
      self
        ->request(st.writer, caf::infinite, atom::publish::value, rec.key,
                  rec.fagsystem, status, std::move(recs))
        .then(
          [self, rec, promise](bool) mutable {
            self->state.journaled(std::move(rec));
            promise.deliver(true);
          },
          [promise](const caf::error& err) mutable { promise.deliver(err); });
      return promise;
    },
  };
}

} // namespace utsjekk
