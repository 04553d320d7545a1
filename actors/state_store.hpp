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

/// What is kept of a finished transaction: enough to answer its key again
/// (I6: the same content gets the same terminal status, other content a
/// conflict), nothing of its oppdrag.
struct finished_tx {
  /// The content the key was used with.
  content_hash hash;
  /// The terminal status.
  status_reply outcome;
  friend bool operator==(const finished_tx&, const finished_tx&) = default;
};

/// The record a finished transaction leaves on the journal topic: key,
/// fagsystem, sak, content hash, step, attempts and outcome. Once there is
/// an outcome nothing reads the oppdrag, their next state, the detaljer
/// (the outcome has its own), the deadline or the last error back; the
/// oppdrag and kvitteringer stay on the oppdrag topic.
tx_record compact(const tx_record& rec);

/// Files a journal record under its key: a finished one goes compact into
/// `finished` and leaves `unfinished`; an unfinished one replaces the
/// previous step unless the key has finished (a terminal record is never
/// replaced by an older step).
void file_journal_record(std::map<tx_id, tx_record>& unfinished,
                         std::map<tx_id, finished_tx>& finished, tx_record rec);

/// The state as read back from its topics at start.
struct loaded_state {
  /// Every accepted utbetaling by uid, opphørte included.
  std::map<uuid, utbetaling> utbetalinger;
  /// Active uids per sak; an entry means OS accepted something on the sak.
  std::map<sak_key, std::vector<uuid>> saker;
  /// The latest journal record of each transaction that has not finished.
  /// A finished one given here in full is compacted by the store.
  std::map<tx_id, tx_record> journal;
  /// What is kept of each finished transaction.
  std::map<tx_id, finished_tx> finished;
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
  /// The latest journal record of each transaction in flight.
  std::map<tx_id, tx_record> journal;
  /// What is kept of each finished transaction; memory grows by one
  /// small entry per key ever finished, not by its oppdrag.
  std::map<tx_id, finished_tx> finished;
  /// Keys looked up unknown and started, with their content, until their
  /// first journal record: a key started by two fagsystemer (or twice
  /// before either is journaled) runs once, the other is a conflict.
  std::map<tx_id, content_hash> claims;
  /// The records that make `versions` the accepted state of sak `key`:
  /// one per utbetaling, then the sak's uid list as it becomes.
  std::vector<out_record>
  state_records(const sak_key& key,
                const std::vector<utbetaling>& versions) const;
  /// The journal record of `rec`, compact once it has an outcome.
  out_record journal_record(const tx_record& rec) const;
  /// Makes durable `versions` the accepted state of `key` in memory.
  void accept(const sak_key& key, const std::vector<utbetaling>& versions);
  /// Takes a durable journal record; a terminal one is kept compact and
  /// never replaced by an older step.
  void journaled(tx_record rec);
  /// Answers whether `key` was seen, with which content (I6).
  tx_lookup lookup(const tx_id& key, const content_hash& hash) const;
  /// Like lookup(), and claims an unknown key for a transaction that
  /// starts now: another content with the key is a conflict until the
  /// transaction's first journal record, and after it.
  tx_lookup claim(const tx_id& key, const content_hash& hash);
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
