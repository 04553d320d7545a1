#pragma once

#include "actors/actors.hpp"

#include <map>

namespace utsjekk {

/// Holds what OS accepted per sak and every key seen. In memory for now.
// TODO: durable state on helved.utbetalinger.v1, helved.saker.v1 and
// utsjekk.journal.v1 (DESIGN.md §4) removes the loss of state on restart.
struct state_store_state {
  /// Accepted state per sak.
  std::map<sak_key, sak_state> saker;
  /// Content hash and terminal status per key seen.
  struct seen_tx {
    content_hash hash;
    std::optional<status_reply> final_status;
  };
  std::map<tx_id, seen_tx> seen;
  static inline const char* name = "state-store";
};

state_store_actor::behavior_type
state_store(state_store_actor::stateful_pointer<state_store_state> self);

} // namespace utsjekk
