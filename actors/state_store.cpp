#include "actors/state_store.hpp"

#include "actors/logging.hpp"

namespace utsjekk {

state_store_actor::behavior_type
state_store(state_store_actor::stateful_pointer<state_store_state> self) {
  return {
    [self](atom::get, const sak_key& key) -> sak_state {
      auto i = self->state.saker.find(key);
      if (i == self->state.saker.end())
        return {};
      return i->second;
    },
    [self](atom::apply, const sak_key& key,
           std::vector<utbetaling>& versions) -> bool {
      auto& sak = self->state.saker[key];
      sak.exists = true;
      for (auto& x : versions) {
        auto uid = x.uid;
        sak.utbetalinger.insert_or_assign(uid, std::move(x));
      }
      UTSJEKK_LOG(debug, "state-store")
        << "state store accepted new state sak=" << key.sak_id
        << " fagsystem=" << to_string(key.fagsystem)
        << " utbetalinger=" << versions.size();
      return true;
    },
    [self](atom::lookup_tx, const tx_id& key,
           const content_hash& hash) -> tx_lookup {
      auto i = self->state.seen.find(key);
      if (i == self->state.seen.end())
        return {};
      auto what = i->second.hash == hash ? tx_lookup::kind::same
                                         : tx_lookup::kind::conflict;
      return {what, i->second.final_status};
    },
    [self](atom::record_tx, const tx_id& key, const content_hash& hash) {
      self->state.seen.emplace(key, state_store_state::seen_tx{hash, {}});
    },
    [self](atom::done, const tx_id& key, const status_reply& status) {
      auto i = self->state.seen.find(key);
      if (i != self->state.seen.end() && !i->second.final_status)
        i->second.final_status = status;
    },
  };
}

} // namespace utsjekk
