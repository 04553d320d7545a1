#pragma once

#include "messages/diff.hpp"
#include "messages/types.hpp"

#include <caf/expected.hpp>

#include <optional>
#include <vector>

/// From a decoded message and the accepted state of its sak to the oppdrag
/// that make OS pay what the message asks for (reference §3.3).
namespace utsjekk {

// id_generator lives in messages/diff.hpp, which this header includes.

/// The oppdrag of one message and the state each becomes when OS accepts.
struct planned_oppdrag {
  utsjekk::oppdrag oppdrag;
  /// The uids this oppdrag carries.
  std::vector<uuid> uids;
  /// What the accepted state of each uid becomes when OS accepts this
  /// oppdrag (00/04). An opphørt uid keeps its last version with action del.
  std::vector<utbetaling> next_state;
};

/// What a message does.
struct plan {
  /// One oppdrag per kodeFagomraade (only TS can have more than one);
  /// empty when the message changes nothing.
  std::vector<planned_oppdrag> oppdrag;
  /// The detaljer for MOTTATT / HOS_OPPDRAG / OK (lines sorted by fom).
  std::optional<status_detaljer> detaljer;
};

/// Computes the plan for `msg` against `accepted`. `now` is the send time
/// (tidspktMelding; nokkelAvstemming is its date at 10:10). Errors are the
/// validation rules that need the previous state (ec::immutable_field,
/// ec::unknown_utbetaling).
caf::expected<plan> make_plan(const decoded_message& msg,
                              const sak_state& accepted, local_time now,
                              const id_generator& next_id);

/// Records in `state` that OS accepted `x` (kvittering 00 or 04): the sak
/// exists and each uid of `x` takes its next state.
void accept(sak_state& state, const planned_oppdrag& x);

} // namespace utsjekk
