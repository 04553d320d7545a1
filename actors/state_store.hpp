#pragma once

#include "actors/actors.hpp"

#include <map>
#include <set>

namespace utsjekk {

/// The topics the state lives on (DESIGN.md §4).
struct state_topics {
  std::string utbetalinger = "helved.utbetalinger.v1";
  std::string saker = "helved.saker.v1";
  std::string journal = "utsjekk.journal.v1";
};

/// The state as read back from its topics at start.
struct loaded_state {
  /// Every accepted utbetaling by uid, opphørte included.
  std::map<uuid, utbetaling> utbetalinger;
  /// Active uids per sak; an entry means OS accepted something on the sak.
  std::map<sak_key, std::vector<uuid>> saker;
  /// The latest journal record per key.
  std::map<tx_id, tx_record> journal;
  /// Records that could not be read (kept out, logged).
  size_t unreadable = 0;
};

/// Holds what OS accepted per sak and the journal of every transaction, in
/// memory for reads and on Kafka for durability: a write is answered only
/// once its records are durable, and only then shows in reads.
struct state_store_state {
  state_topics topics;
  /// Produces the state records.
  status_publisher_actor writer;
  /// Every accepted utbetaling by uid.
  std::map<uuid, utbetaling> utbetalinger;
  /// The uids of every sak, active and opphørte.
  std::map<sak_key, std::set<uuid>> uids_by_sak;
  /// Saker with a saker entry.
  std::set<sak_key> saker;
  /// The latest journal record per key.
  std::map<tx_id, tx_record> journal;
  /// The records that make `versions` the accepted state of sak `key`:
  /// one per utbetaling, then the sak's uid list as it becomes.
  std::vector<out_record>
  state_records(const sak_key& key,
                const std::vector<utbetaling>& versions) const;
  /// The journal record of `rec`.
  out_record journal_record(const tx_record& rec) const;
  /// Makes durable `versions` the accepted state of `key` in memory.
  void accept(const sak_key& key, const std::vector<utbetaling>& versions);
  /// Takes a durable journal record; a terminal one is never replaced by
  /// an older step.
  void journaled(tx_record rec);
  static inline const char* name = "state-store";
};

/// Builds a sak's key the way the saker topic does: TS fagområder roll up
/// to TILLEGGSSTØNADER.
sak_key sak_of(const utbetaling& x);

state_store_actor::behavior_type
state_store(state_store_actor::stateful_pointer<state_store_state> self,
            loaded_state initial, status_publisher_actor writer,
            state_topics topics);

} // namespace utsjekk
