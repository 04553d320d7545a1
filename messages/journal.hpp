#pragma once

#include "messages/types.hpp"

#include <caf/expected.hpp>

#include <string>
#include <string_view>
#include <vector>

/// The journal of one transaction: what its oppdrag actor has done, kept on
/// utsjekk.journal.v1 (key = tx-id) so that a restart resumes a transaction
/// at its last step instead of starting over (DESIGN.md §2, §4).
namespace utsjekk {

/// One step of a transaction.
enum class tx_step : uint8_t {
  /// Decoded and queued; nothing computed yet.
  queued,
  /// The plan is computed; sends may follow.
  planned,
  /// Every oppdrag reached the transport at least once.
  sent,
  /// The terminal status is published.
  done,
};

/// "queued", "planned", "sent", "done".
std::string_view to_string(tx_step x);
std::optional<tx_step> parse_tx_step(std::string_view text);

/// One oppdrag of a transaction: the XML exactly as sent and the state it
/// leads to.
struct outgoing_oppdrag {
  /// Oppdrag XML, byte for byte what goes to OS on every attempt.
  std::string xml;
  /// The key that matches its kvittering (see kvittering.hpp).
  std::string match_key;
  /// The accepted state of each uid once OS accepts this oppdrag.
  std::vector<utbetaling> next_state;
  /// Set once OS gave its final answer.
  std::optional<mmel> answer;
  /// Whether that answer means OS accepted the oppdrag.
  bool accepted = false;
  /// Sends so far; counted before each send, so after a crash a further
  /// send is known to be a resend.
  uint32_t sends = 0;
  /// Times OS answered 12 or the transport failed.
  uint32_t retries = 0;
  /// A retry is due once its backoff is over.
  bool retry_due = false;
  friend bool operator==(const outgoing_oppdrag&,
                         const outgoing_oppdrag&) = default;
};

/// What an oppdrag actor has done so far.
struct tx_journal {
  tx_step step = tx_step::queued;
  std::vector<outgoing_oppdrag> oppdrag;
  std::optional<status_detaljer> detaljer;
  /// Sends so far, resends and retries included.
  uint32_t attempts = 0;
  /// When the current kvittering wait or backoff ends, if one runs.
  std::optional<local_time> deadline;
  /// The last error seen (transport, OS), rendered.
  std::string last_error;
  friend bool operator==(const tx_journal&, const tx_journal&) = default;
};

/// The identity of a message's content, to tell a redelivery (same key,
/// same content) from a conflict (same key, other content).
struct content_hash {
  std::string hex;
  friend auto operator<=>(const content_hash&, const content_hash&) = default;
};

/// One record of utsjekk.journal.v1.
struct tx_record {
  tx_id key;
  utsjekk::fagsystem fagsystem = fagsystem::aap;
  sak_key sak;
  content_hash hash;
  tx_journal journal;
  /// The terminal status, once published.
  std::optional<status_reply> outcome;
  friend bool operator==(const tx_record&, const tx_record&) = default;
};

std::string to_json(const tx_record& x);
caf::expected<tx_record> parse_tx_record(std::string_view json);

} // namespace utsjekk
