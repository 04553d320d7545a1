#pragma once

#include "actors/actors.hpp"
#include "actors/config.hpp"
#include "messages/plan.hpp"

namespace utsjekk {

/// The actors an oppdrag actor talks to.
struct oppdrag_peers {
  state_store_actor store;
  os_gateway_actor gateway;
  status_publisher_actor publisher;
  supervisor_actor supervisor;
};

/// One transaction: plan, send, wait for the kvittering under a timer,
/// retry what may be retried, publish the terminal status, report to the
/// supervisor and quit.
struct oppdrag_state {
  /// The message of this transaction.
  decoded_message msg;
  /// Its content hash, journaled with it.
  content_hash hash;
  /// Steps so far; a restarted actor starts from its predecessor's.
  tx_journal journal;
  oppdrag_peers peers;
  oppdrag_config cfg;
  id_generator next_id;
  /// Identifies the timer or backoff now armed; older ones are stale.
  uint32_t generation = 0;
  /// Resends after an overdue kvittering.
  uint32_t resends = 0;
  /// Set once the terminal status is decided.
  bool finishing = false;
  /// Retries of publishing the terminal status.
  uint32_t publish_attempts = 0;
  /// A terminal status waiting for its next publish attempt.
  std::optional<status_reply> pending_final;
  /// The versions OS accepted, written with the terminal status.
  std::vector<utbetaling> final_state;
  /// A journal write waiting for its next attempt with the status its
  /// step implies, and the failures so far.
  std::optional<std::pair<std::function<void()>, std::optional<status_kind>>>
    pending_persist;
  uint32_t persist_failures = 0;
  /// When each oppdrag last reached the transport in this actor's life,
  /// for the kvittering wait metric.
  std::vector<std::optional<local_time>> sent_at;

  /// Starts or resumes the transaction at its journaled step.
  void start();
  /// Computes the plan against the accepted state.
  void make_plan();
  /// Sends every oppdrag that has no answer yet (or only those with a
  /// retry due when `only_due`).
  void send(bool only_due);
  /// Sends oppdrag `index` in send round `gen`.
  void send_one(size_t index, uint32_t gen,
                std::shared_ptr<size_t> outstanding,
                std::shared_ptr<bool> failed);
  /// Reports the terminal status to the supervisor and quits.
  void done(const status_reply& status);
  /// Arms the kvittering timer.
  void arm_timer(std::chrono::milliseconds delay);
  /// Handles one kvittering.
  void on_kvittering(const oppdrag& kvittering);
  /// Handles an overdue kvittering.
  void on_timeout(uint32_t generation);
  /// Decides the terminal status once every oppdrag has its answer.
  void conclude();
  /// Makes `accepted` the accepted state, publishes the terminal status
  /// and journals the end, in one write (one Kafka transaction); then
  /// reports to the supervisor and quits. A failed write is retried.
  void finish(status_reply status, std::vector<utbetaling> accepted = {});
  /// Tells the supervisor the step reached.
  void report_journal();
  /// Makes the journal durable, with the status its step `implies` in the
  /// same write (one Kafka transaction), then runs `next`. A failed write
  /// is retried: no step goes on unjournaled.
  void persist(std::function<void()> next,
               std::optional<status_kind> implies = std::nullopt);
  /// Operator: resends every oppdrag without kvittering now. Fails unless
  /// the transaction waits for a kvittering.
  caf::expected<uint32_t> resend_now();
  /// Operator: delivers `m` to every oppdrag without kvittering. Fails
  /// unless the transaction waits for a kvittering.
  caf::expected<uint32_t> manual_kvittering(const mmel& m);
  /// Whether every oppdrag reached OS and one still waits for its
  /// kvittering; the error names why not.
  caf::error check_waiting() const;
  /// The local time now, for metrics and deadlines.
  local_time now() const;
  /// Sets the journal's deadline `delay` from now.
  void set_deadline(std::chrono::milliseconds delay);

  oppdrag_actor::stateful_pointer<oppdrag_state> self;
  static inline const char* name = "oppdrag";
};

/// Spawned by a supervisor per message on a sak.
oppdrag_actor::behavior_type
oppdrag_tx(oppdrag_actor::stateful_pointer<oppdrag_state> self,
           decoded_message msg, content_hash hash, tx_journal journal,
           oppdrag_peers peers, oppdrag_config cfg, id_generator next_id);

} // namespace utsjekk
