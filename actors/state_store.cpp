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
  st.journal = std::move(initial.journal);
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
    << " saker=" << st.saker.size() << " journal=" << st.journal.size();
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
      // The utbetalinger first, then the sak's uid list as it will be.
      auto pending = std::make_shared<size_t>(versions.size() + 1);
      auto failed = std::make_shared<caf::error>();
      auto committed = [self, key, versions, promise, pending,
                        failed]() mutable {
        if (--*pending > 0)
          return;
        if (*failed) {
          promise.deliver(*failed);
          return;
        }
        auto& st = self->state;
        for (auto& x : versions) {
          st.uids_by_sak[key].insert(x.uid);
          st.utbetalinger.insert_or_assign(x.uid, x);
        }
        st.saker.insert(key);
        promise.deliver(true);
      };
      auto on_error = [failed, committed](const caf::error& err) mutable {
        *failed = err;
        committed();
      };
      // The uid list as it becomes: today's active ones with these applied.
      std::set<uuid> active;
      for (auto& uid : active_uids(st, key))
        active.insert(uid);
      for (auto& x : versions) {
        if (is_active(x))
          active.insert(x.uid);
        else
          active.erase(x.uid);
        out_record rec{st.topics.utbetalinger, x.uid.to_string(), to_json(x),
                       {}};
        self->request(st.writer, caf::infinite, atom::write::value,
                      std::move(rec))
          .then([committed](bool) mutable { committed(); }, on_error);
      }
      out_record sak{st.topics.saker, to_json(key),
                     uids_to_json({active.begin(), active.end()}), {}};
      self->request(st.writer, caf::infinite, atom::write::value,
                    std::move(sak))
        .then([committed](bool) mutable { committed(); }, on_error);
      return promise;
    },
    [self](atom::lookup_tx, const tx_id& key,
           const content_hash& hash) -> tx_lookup {
      auto& st = self->state;
      auto i = st.journal.find(key);
      if (i == st.journal.end())
        return {};
      auto what = i->second.hash == hash ? tx_lookup::kind::same
                                         : tx_lookup::kind::conflict;
      tx_lookup result{what, i->second.outcome, std::nullopt};
      if (!i->second.outcome && i->second.journal.step != tx_step::queued)
        result.journal = i->second.journal;
      return result;
    },
    [self](atom::journal, tx_record& rec) -> caf::typed_response_promise<bool> {
      auto promise = self->make_response_promise<bool>();
      auto& st = self->state;
      out_record out{st.topics.journal, rec.key.value, to_json(rec), {}};
      self
        ->request(st.writer, caf::infinite, atom::write::value,
                  std::move(out))
        .then(
          [self, rec, promise](bool) mutable {
            // A terminal record is never replaced by an older step.
            auto& current = self->state.journal[rec.key];
            if (!current.outcome || rec.outcome)
              current = std::move(rec);
            promise.deliver(true);
          },
          [promise](const caf::error& err) mutable { promise.deliver(err); });
      return promise;
    },
  };
}

} // namespace utsjekk
