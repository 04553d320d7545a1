#pragma once

#include "actors/atoms.hpp"

#include <caf/typed_actor.hpp>
#include <caf/replies_to.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

/// Every actor interface of utsjekk, one comment per handler (DESIGN.md §2).
namespace utsjekk {

/// What the state store answers about a key seen before.
struct tx_lookup {
  enum class kind : uint8_t {
    /// Never seen.
    unknown,
    /// Seen with the same content.
    same,
    /// Seen with other content.
    conflict,
  };
  kind what = kind::unknown;
  /// The terminal status of the earlier transaction, once it has one.
  std::optional<status_reply> final_status;
  /// The journal of the earlier transaction when it has not finished: a
  /// transaction of an earlier run to resume.
  std::optional<tx_journal> journal;
};

/// The status protocol: a snapshot of an actor's state for the admin
/// endpoint, with at most the given number of entries per list.
template <class View>
using status_protocol
  = caf::typed_actor<caf::replies_to<atom::status, uint32_t>::with<View>>;

/// One oppdrag actor: one transaction on one sak.
using oppdrag_actor = caf::typed_actor<
  // The kvittering for one of this transaction's oppdrag, from the gateway.
  caf::reacts_to<atom::kvittering, oppdrag>,
  // The kvittering timer of attempt n fired; ignored unless n is current.
  caf::reacts_to<atom::timeout, uint32_t>,
  // The backoff before retry n is over; ignored unless n is current.
  caf::reacts_to<atom::resend, uint32_t>,
  // The backoff before the next journal write is over.
  caf::reacts_to<atom::journal>,
  // Operator: resends every oppdrag without kvittering now, the identical
  // XML, counted as a resend; answers how many. Fails with
  // ec::wrong_state unless every oppdrag reached OS and one still waits.
  caf::replies_to<atom::resend>::with<uint32_t>,
  // Operator: delivers a manual kvittering with this mmel to every oppdrag
  // without one, as if OS had answered; answers how many. Fails with
  // ec::wrong_state unless the transaction waits for a kvittering.
  caf::replies_to<atom::kvittering, mmel>::with<uint32_t>>;

/// The accepted state of every sak and the journal of every transaction,
/// kept durable on Kafka (DESIGN.md §4).
using state_store_actor = caf::typed_actor<
  // Returns what OS accepted for a sak.
  caf::replies_to<atom::get, sak_key>::with<sak_state>,
  // Makes the given versions the accepted state of their uids; answers
  // once helved.utbetalinger.v1 and helved.saker.v1 have them.
  caf::replies_to<atom::apply, sak_key, std::vector<utbetaling>>::with<bool>,
  // Tells whether a key was seen, with which content, journal and outcome.
  caf::replies_to<atom::lookup_tx, tx_id, content_hash>::with<tx_lookup>,
  // Journals a transaction's step; answers once utsjekk.journal.v1 has it.
  caf::replies_to<atom::journal, tx_record>::with<bool>,
  // Journals a transaction's step together with the status it implies
  // (planned with MOTTATT, sent with HOS_OPPDRAG), in one Kafka
  // transaction; answers once both are durable.
  caf::replies_to<atom::journal, tx_record, status_reply>::with<bool>,
  // Ends a transaction: the given versions become the accepted state of
  // their uids, the record's outcome is published as its terminal status
  // and the record is journaled, all in one Kafka transaction; answers
  // once all of it is durable, and only then shows it in reads.
  caf::replies_to<atom::apply, tx_record, std::vector<utbetaling>>::with<
    bool>>;

/// Publishes statuses and the audit trail; the one producer of the process.
using status_publisher_actor = caf::typed_actor<
  // Publishes a status keyed by the tx-id with header fagsystem; answers
  // once the record is durable (acks=all).
  caf::replies_to<atom::publish, tx_id, fagsystem, status_reply>::with<bool>,
  // Publishes a status together with other records (state, journal) as
  // one unit: one Kafka transaction holds all of them or none; answers
  // once they are durable.
  caf::replies_to<atom::publish, tx_id, fagsystem, status_reply,
                  std::vector<out_record>>::with<bool>,
  // Produces a state record (journal, utbetaling, sak); answers once it is
  // durable.
  caf::replies_to<atom::write, out_record>::with<bool>,
  // Produces several records as one unit, never split across Kafka
  // transactions; answers once all are durable, or fails for all.
  caf::replies_to<atom::write, std::vector<out_record>>::with<bool>,
  // Publishes an oppdrag or kvittering XML on the audit topic, with the
  // comma-separated uids it carries in header `uids`.
  caf::replies_to<atom::audit, tx_id, fagsystem, std::string,
                  std::string>::with<bool>,
  // A delivery report from the producer thread; ec::kafka_fenced stops
  // the publisher (token 0 when it is no unit's).
  caf::reacts_to<atom::delivered, uint64_t, caf::error>>;

/// The transport to OS and the matching of kvitteringer to senders.
using os_gateway_actor = caf::typed_actor<
  // Sends oppdrag XML of a fagsystem to OS for the given actor, which
  // receives the kvittering; the second string names the uids the oppdrag
  // carries, comma-separated (a transport that records the oppdrag puts
  // them in header `uids`). Answers once the transport took it.
  caf::replies_to<atom::send, tx_id, fagsystem, std::string, std::string,
                  oppdrag_actor>::with<bool>,
  // A kvittering arrived from the transport.
  caf::reacts_to<atom::deliver, std::string>,
  // Routes kvitteringer with this match key to the given actor, without
  // sending anything (a restarted transaction waiting for its answer).
  caf::reacts_to<atom::route, std::string, oppdrag_actor>,
  // Stops routing kvitteringer with this match key.
  caf::reacts_to<atom::forget, std::string>>;

/// One supervisor per fagsystem: per-sak FIFO queues, one oppdrag actor in
/// flight per sak, restarts, and the operators' actions on them.
using supervisor_actor = caf::typed_actor<
  // Queues a valid message on its sak; answers with its terminal status
  // once that is durable.
  caf::replies_to<atom::submit, decoded_message, content_hash>::with<
    tx_outcome>,
  // Resumes unfinished transactions of an earlier run from their journal,
  // each ahead of any input on its sak; sent once, before input.
  caf::reacts_to<atom::start, std::vector<tx_record>>,
  // An oppdrag actor journals the step it reached.
  caf::reacts_to<atom::journal, tx_id, tx_journal>,
  // An oppdrag actor reached its terminal status.
  caf::reacts_to<atom::done, tx_outcome>,
  // Publishing a settled terminal status failed: try it again.
  caf::reacts_to<atom::resend, sak_key, status_reply>,
  // Answers a transaction in flight, queued or recently finished, if any.
  caf::replies_to<atom::get, tx_id>::with<std::optional<tx_view>>,
  // Answers a sak's queue, parking and recent history.
  caf::replies_to<atom::get, sak_key>::with<sak_view>,
  // Operator: resends the oppdrag of a transaction in flight now (see
  // oppdrag_actor); fails with ec::not_found when none has this key.
  caf::replies_to<atom::resend, tx_id>::with<uint32_t>,
  // Operator: a manual kvittering for a transaction in flight (see
  // oppdrag_actor); fails with ec::not_found when none has this key.
  caf::replies_to<atom::kvittering, tx_id, mmel>::with<uint32_t>,
  // Operator: the sak starts no new transaction; the one in flight goes
  // on. Answers the sak.
  caf::replies_to<atom::park, sak_key>::with<sak_view>,
  // Operator: the sak starts its queued messages again. Answers the sak.
  caf::replies_to<atom::unpark, sak_key>::with<sak_view>>::
  extend_with<status_protocol<supervisor_view>>;

/// One reader per assigned topic-partition.
using reader_actor = caf::typed_actor<
  // Records of this partition, in offset order.
  caf::reacts_to<atom::records, std::vector<kafka::record>>,
  // The partition was revoked: store no more offsets, then quit.
  caf::reacts_to<atom::revoked>>;

/// The admin endpoint's door to the actors: asks them with a timeout and
/// turns their answers into HTTP answers (DESIGN.md §7).
using admin_actor = caf::typed_actor<
  // Answers one routed request; 503 naming the actor that did not answer
  // in time.
  caf::replies_to<atom::get, admin_query>::with<http_answer>>;

/// Bridges the consumer's poll thread to the readers.
using intake_actor = caf::typed_actor<
  // Partitions were assigned: spawn their readers.
  caf::reacts_to<atom::assigned, std::vector<kafka::topic_partition>>,
  // Partitions were revoked: stop their readers.
  caf::reacts_to<atom::revoked, std::vector<kafka::topic_partition>>,
  // Records of one partition: hand them to its reader.
  caf::reacts_to<atom::records, std::vector<kafka::record>>>;

} // namespace utsjekk

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::tx_lookup)
