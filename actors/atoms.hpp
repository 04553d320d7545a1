#pragma once

#include "actors/http.hpp"
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
  /// A status that settles the input of its key (MOTTATT, with the
  /// journal step that makes the transaction resumable): its input offset
  /// may be committed in the same transaction.
  bool settles = false;
};

/// One message as the admin endpoint shows it: queued on its sak, in
/// flight, or finished recently.
struct tx_view {
  /// Where the message is.
  enum class where : uint8_t {
    /// Waiting for its turn on its sak (or for a slot).
    queued,
    /// Its oppdrag actor runs.
    in_flight,
    /// It has its terminal status.
    finished,
  };
  where place = where::queued;
  tx_id key;
  sak_key sak;
  std::string behandling_id;
  /// Shown only to a request with the operator token.
  std::string personident;
  /// The latest journal its oppdrag actor reported (empty while queued).
  tx_journal journal;
  /// Restarts after its oppdrag actor crashed.
  uint32_t restarts = 0;
  /// When the supervisor got it.
  local_time submitted{};
  /// When its oppdrag were first and last sent to OS.
  std::optional<local_time> first_sent;
  std::optional<local_time> last_sent;
  /// When it got its terminal status.
  std::optional<local_time> finished;
  /// The terminal status, once there is one.
  std::optional<status_reply> outcome;
};

/// True when `x` has oppdrag at OS without a kvittering.
bool waits_for_kvittering(const tx_view& x);

/// One sak as the admin endpoint shows it.
struct sak_view {
  sak_key sak;
  /// An operator parked it: it starts no new transaction.
  bool parked = false;
  /// Its messages in input order; the first is in flight when one is.
  std::vector<tx_view> queue;
  /// Its recent finished transactions, newest first.
  std::vector<tx_view> history;
};

/// What one supervisor shows on the admin endpoint.
struct supervisor_view {
  utsjekk::fagsystem fagsystem = fagsystem::aap;
  /// Saker with messages, or parked; those waiting longest first. Without
  /// their history.
  std::vector<sak_view> saker;
  /// Saker left out of `saker` by the limit.
  size_t omitted = 0;
  /// Transactions with an oppdrag actor.
  size_t in_flight = 0;
  /// Messages waiting behind their sak or for a slot.
  size_t queued = 0;
  /// Recent finished transactions, newest first, at most the limit.
  std::vector<tx_view> recent;
  /// Terminal outcomes and crashed oppdrag actors so far.
  uint64_t finished = 0;
  uint64_t crashed = 0;
};

/// What the admin endpoint asks the actors, once routed and checked.
struct admin_query {
  enum class kind : uint8_t {
    /// The page for people; answered without the actors.
    page,
    /// Readiness; answered from the metrics, without the actors.
    ready,
    /// The Prometheus metrics; answered without the actors.
    metrics,
    /// Whether the actor system runs.
    ping,
    /// The actor tree.
    actors,
    /// One transaction.
    transaction,
    /// One sak.
    sak,
    /// Operator: resend a transaction's oppdrag now.
    resend,
    /// Operator: record a manual kvittering for a transaction.
    kvittering,
    /// Operator: start no new transaction on a sak.
    park,
    /// Operator: start the sak's transactions again.
    unpark,
  };
  kind what = kind::ping;
  tx_id key;
  sak_key sak;
  /// The manual kvittering.
  utsjekk::mmel manual;
  /// Who asks for an action, and why.
  std::string operator_name;
  std::string reason;
  /// The request carried the operator token: personident may show.
  bool authorized = false;
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
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::mmel))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::tx_view))
CAF_ADD_TYPE_ID(utsjekk, (std::optional<utsjekk::tx_view>))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::sak_view))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::supervisor_view))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::admin_query))
CAF_ADD_TYPE_ID(utsjekk, (utsjekk::http_answer))
CAF_ADD_TYPE_ID(utsjekk, (std::vector<utsjekk::out_record>))

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
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<utsjekk::tx_record>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::fagsystem)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::out_record)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<utsjekk::utbetaling>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::kafka::topic_partition)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<utsjekk::kafka::topic_partition>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<utsjekk::kafka::record>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<utsjekk::tx_outcome>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::mmel)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::tx_view)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<utsjekk::tx_view>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::sak_view)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::supervisor_view)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::admin_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::http_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<utsjekk::out_record>)

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
using park = caf::atom_constant<caf::atom("park")>;
using publish = caf::atom_constant<caf::atom("publish")>;
using records = caf::atom_constant<caf::atom("records")>;
using resend = caf::atom_constant<caf::atom("resend")>;
using revoked = caf::atom_constant<caf::atom("revoked")>;
using route = caf::atom_constant<caf::atom("route")>;
using send = caf::atom_constant<caf::atom("send")>;
using start = caf::atom_constant<caf::atom("start")>;
using status = caf::atom_constant<caf::atom("status")>;
using submit = caf::atom_constant<caf::atom("submit")>;
using timeout = caf::atom_constant<caf::atom("timeout")>;
using unpark = caf::atom_constant<caf::atom("unpark")>;
using write = caf::atom_constant<caf::atom("write")>;
using lookup_tx = caf::atom_constant<caf::atom("lookup_tx")>;

} // namespace utsjekk::atom
