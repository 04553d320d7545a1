#pragma once

#include "kafka/kafka.hpp"
#include "messages/journal.hpp"
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

/// The end of one transaction, reported to whoever submitted it.
struct tx_outcome {
  tx_id key;
  status_reply status;
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
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::tx_record))
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
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::tx_record)
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
using resend = caf::atom_constant<caf::atom("resend")>;
using revoked = caf::atom_constant<caf::atom("revoked")>;
using route = caf::atom_constant<caf::atom("route")>;
using send = caf::atom_constant<caf::atom("send")>;
using start = caf::atom_constant<caf::atom("start")>;
using submit = caf::atom_constant<caf::atom("submit")>;
using timeout = caf::atom_constant<caf::atom("timeout")>;
using write = caf::atom_constant<caf::atom("write")>;
using lookup_tx = caf::atom_constant<caf::atom("lookup_tx")>;

} // namespace utsjekk::atom
