#pragma once

#include "actors/actors.hpp"
#include "actors/config.hpp"
#include "actors/oppdrag.hpp"

#include <caf/typed_response_promise.hpp>

#include <deque>
#include <map>
#include <optional>
#include <set>

namespace utsjekk {

/// One per fagsystem: a FIFO queue per sak, at most one oppdrag actor per
/// sak (I4), restarts of crashed transactions from their journal.
struct supervisor_state {
  /// A message waiting for its turn on its sak.
  struct queued {
    decoded_message msg;
    content_hash hash;
    caf::typed_response_promise<tx_outcome> promise;
    /// When it arrived.
    local_time submitted{};
    /// Its place in arrival order, among every sak's messages.
    uint64_t seq = 0;
  };
  /// A transaction in flight.
  struct running {
    sak_key sak;
    tx_id key;
    /// The latest step its actor journaled.
    tx_journal journal;
    uint32_t restarts = 0;
    /// When its oppdrag were first and last sent, as far as this process
    /// knows (a resumed transaction counts from its resumption).
    std::optional<local_time> first_sent;
    std::optional<local_time> last_sent;
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
  /// Crashed transactions whose terminal status waits for a retry of
  /// its publication, kept for the history.
  std::map<sak_key, running> settling;
  /// Saker an operator parked: they start no new transaction.
  std::set<sak_key> parked;
  /// Messages in all queues, in flight included.
  size_t pending = 0;
  /// The arrival order of the next message.
  uint64_t next_seq = 0;
  /// The arrival order of every message in the queues, by key: a key
  /// queued on two saker (other content, so a conflict) runs only once.
  std::multimap<tx_id, uint64_t> queued_keys;
  /// Saker whose front waits for an earlier message with its key.
  std::multimap<tx_id, sak_key> blocked;
  /// The last terminal transactions, newest first, for the admin endpoint.
  std::deque<tx_view> history;
  size_t history_limit = defaults::history_limit;

  /// Starts the front message of `sak` unless the sak is busy.
  void start_next(const sak_key& sak);
  /// Spawns the oppdrag actor for the front message of `sak`.
  void spawn_front(const sak_key& sak, tx_journal journal,
                   uint32_t restarts);
  /// Ends the front message of `sak` with `status` without an actor
  /// (redelivery, conflict, crash budget spent), then starts the next.
  /// `run` is the transaction that crashed, if one did.
  void settle_front(const sak_key& sak, status_reply status,
                    std::optional<running> run = std::nullopt);
  /// Answers the front message of `sak`, remembers it in the history and
  /// starts the next one. `run` is its transaction, if it had an actor.
  void complete_front(const sak_key& sak, const tx_outcome& outcome,
                      const running* run = nullptr);
  /// Queues `item` on `sak` in arrival order.
  void enqueue(const sak_key& sak, queued item);
  /// Whether a message with the key of `item` arrived before it and is
  /// still queued or in flight on another sak.
  bool arrived_earlier(const queued& item) const;
  /// Starts waiting saker while slots are free.
  void fill_slots();
  /// Takes a journal an oppdrag actor reported.
  void on_journal(running& run, tx_journal journal);
  /// Tells the metrics whether `run` waits for a kvittering.
  void note_waiting(const running& run);
  /// Sets the metrics' gauges of this supervisor.
  void update_gauges();
  /// The local time now.
  local_time now() const;
  /// The running transaction with `key`, if any.
  std::pair<caf::actor_addr, running*> find_running(const tx_id& key);
  /// A message as the admin endpoint shows it; in flight with `run`.
  tx_view view_of(const queued& item, const running* run) const;
  /// A sak as the admin endpoint shows it, with at most `limit` entries
  /// per list.
  sak_view view_of(const sak_key& sak, size_t limit,
                   bool with_history) const;
  /// Every sak with messages or parked, longest waiting first.
  supervisor_view status(size_t limit) const;

  supervisor_actor::stateful_pointer<supervisor_state> self;
  static inline const char* name = "supervisor";
};

supervisor_actor::behavior_type
supervisor(supervisor_actor::stateful_pointer<supervisor_state> self,
           fagsystem fs, oppdrag_peers peers, oppdrag_config cfg,
           id_generator next_id, uint32_t max_restarts, size_t max_active);

} // namespace utsjekk
