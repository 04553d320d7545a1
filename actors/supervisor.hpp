#pragma once

#include "actors/actors.hpp"
#include "actors/config.hpp"
#include "actors/oppdrag.hpp"

#include <caf/typed_response_promise.hpp>

#include <deque>
#include <map>

namespace utsjekk {

/// One per fagsystem: a FIFO queue per sak, at most one oppdrag actor per
/// sak (I4), restarts of crashed transactions from their journal.
struct supervisor_state {
  /// A message waiting for its turn on its sak.
  struct queued {
    decoded_message msg;
    content_hash hash;
    caf::typed_response_promise<tx_outcome> promise;
  };
  /// A transaction in flight.
  struct running {
    sak_key sak;
    tx_id key;
    /// The latest step its actor journaled.
    tx_journal journal;
    uint32_t restarts = 0;
  };
  utsjekk::fagsystem fagsystem = fagsystem::aap;
  state_store_actor store;
  os_gateway_actor gateway;
  status_publisher_actor publisher;
  oppdrag_config cfg;
  id_generator next_id;
  uint32_t max_restarts = defaults::max_restarts;
  size_t max_active = defaults::max_active_saker;
  /// Messages per sak; the front one is in flight when the sak is busy.
  std::map<sak_key, std::deque<queued>> queues;
  /// Saker with an actor (or a key lookup) in flight.
  std::map<sak_key, caf::actor_addr> busy;
  /// Transactions in flight by their actor.
  std::map<caf::actor_addr, running> active;
  /// Saker with queued messages that wait for a free slot.
  std::deque<sak_key> waiting;
  /// Terminal outcomes so far, for metrics.
  uint64_t finished = 0;
  uint64_t crashed = 0;

  /// Starts the front message of `sak` unless the sak is busy.
  void start_next(const sak_key& sak);
  /// Spawns the oppdrag actor for the front message of `sak`.
  void spawn_front(const sak_key& sak, tx_journal journal,
                   uint32_t restarts);
  /// Ends the front message of `sak` with `status` without an actor
  /// (redelivery, conflict, crash budget spent), then starts the next.
  void settle_front(const sak_key& sak, status_reply status);
  /// Answers the front message of `sak` and starts the next one.
  void complete_front(const sak_key& sak, const tx_outcome& outcome);
  /// Starts waiting saker while slots are free.
  void fill_slots();

  supervisor_actor::stateful_pointer<supervisor_state> self;
  static inline const char* name = "supervisor";
};

supervisor_actor::behavior_type
supervisor(supervisor_actor::stateful_pointer<supervisor_state> self,
           fagsystem fs, oppdrag_peers peers, oppdrag_config cfg,
           id_generator next_id, uint32_t max_restarts, size_t max_active);

} // namespace utsjekk
