#pragma once

#include "kafka/kafka.hpp"
#include "messages/types.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/type_id.hpp>

#include <cstdint>
#include <string>
#include <vector>

/// Atoms and message types of the actor tree, in one place. Every message
/// type here is local to the process: none is serialized, so they are
/// registered as unsafe message types instead of carrying inspect().
namespace utsjekk {

/// One step of a transaction, as journaled by its oppdrag actor.
enum class tx_step : uint8_t {
  /// Decoded and queued; nothing computed yet.
  queued,
  /// The plan is computed; nothing has reached OS.
  planned,
  /// At least one send reached the transport; OS may have it.
  sent,
  /// A terminal status is published.
  done,
};

/// "queued", "planned", "sent", "done".
const char* to_string(tx_step x);

/// A planned oppdrag as it travels between actors: the XML exactly as sent
/// and the state it leads to.
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
  /// Times this oppdrag went to OS.
  uint32_t sends = 0;
  /// Times OS answered 12 or the transport failed.
  uint32_t retries = 0;
  /// A retry is due once its backoff is over.
  bool retry_due = false;
};

/// What an oppdrag actor has done so far; its supervisor keeps the latest
/// copy so a restarted actor resumes instead of starting over.
struct tx_journal {
  tx_step step = tx_step::queued;
  std::vector<outgoing_oppdrag> oppdrag;
  std::optional<status_detaljer> detaljer;
  /// Sends so far, resends and retries included.
  uint32_t attempts = 0;
};

/// The end of one transaction, reported to whoever submitted it.
struct tx_outcome {
  tx_id key;
  status_reply status;
};

/// The identity of a message's content, to tell a redelivery (same key,
/// same content) from a conflict (same key, other content).
struct content_hash {
  std::string hex;
  friend auto operator<=>(const content_hash&, const content_hash&) = default;
};

/// A record to produce.
struct out_record {
  std::string topic;
  std::optional<std::string> key;
  std::string value;
  kafka::headers headers;
};

} // namespace utsjekk

CAF_BEGIN_TYPE_ID_BLOCK(utsjekk, caf::first_custom_type_id)

CAF_ADD_TYPE_ID(utsjekk, (utsjekk::decoded_message))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::sak_key))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::sak_state))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::status_reply))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::oppdrag))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::tx_id))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::tx_journal))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::tx_outcome))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::content_hash))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::fagsystem))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::out_record))
CAF_ADD_TYPE_ID(utsjekk, (std::vector<utsjekk::utbetaling>))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::kafka::topic_partition))
CAF_ADD_TYPE_ID(utsjekk, (std::vector<utsjekk::kafka::topic_partition>))
CAF_ADD_TYPE_ID(utsjekk, (std::vector<utsjekk::kafka::record>))
CAF_ADD_TYPE_ID(utsjekk, (std::optional<utsjekk::tx_outcome>))

CAF_END_TYPE_ID_BLOCK(utsjekk)

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::decoded_message)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::sak_key)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::sak_state)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::status_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::oppdrag)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::tx_id)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::tx_journal)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::tx_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::content_hash)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::fagsystem)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::out_record)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<utsjekk::utbetaling>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::kafka::topic_partition)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<utsjekk::kafka::topic_partition>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<utsjekk::kafka::record>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<utsjekk::tx_outcome>)

namespace caf {
class actor_system_config;
} // namespace caf

namespace utsjekk {

/// Registers the message types of the utsjekk type-ID block with `cfg`.
void register_types(caf::actor_system_config& cfg);

} // namespace utsjekk

/// Atoms; text at most 10 characters.
namespace utsjekk::atom {

using apply = caf::atom_constant<caf::atom("apply")>;
using assigned = caf::atom_constant<caf::atom("assigned")>;
using audit = caf::atom_constant<caf::atom("audit")>;
using delivered = caf::atom_constant<caf::atom("delivered")>;
using deliver = caf::atom_constant<caf::atom("deliver")>;
using done = caf::atom_constant<caf::atom("done")>;
using forget = caf::atom_constant<caf::atom("forget")>;
using get = caf::atom_constant<caf::atom("get")>;
using journal = caf::atom_constant<caf::atom("journal")>;
using kvittering = caf::atom_constant<caf::atom("kvittering")>;
using publish = caf::atom_constant<caf::atom("publish")>;
using records = caf::atom_constant<caf::atom("records")>;
using record_tx = caf::atom_constant<caf::atom("record_tx")>;
using resend = caf::atom_constant<caf::atom("resend")>;
using revoked = caf::atom_constant<caf::atom("revoked")>;
using route = caf::atom_constant<caf::atom("route")>;
using send = caf::atom_constant<caf::atom("send")>;
using start = caf::atom_constant<caf::atom("start")>;
using submit = caf::atom_constant<caf::atom("submit")>;
using timeout = caf::atom_constant<caf::atom("timeout")>;
using lookup_tx = caf::atom_constant<caf::atom("lookup_tx")>;

} // namespace utsjekk::atom
