#pragma once

#include "messages/types.hpp"

#include <string>
#include <vector>

/// What a kvittering means (reference §4.2).
namespace utsjekk {

/// How an oppdrag actor proceeds after a kvittering.
enum class kvittering_outcome : uint8_t {
  /// 00 or 04: accepted; the new state becomes the accepted state.
  accepted,
  /// 08: rejected; the accepted state stays.
  rejected,
  /// 12: a technical error in OS; retry the identical oppdrag.
  retry,
};

/// Classifies `m`. `was_resend` is true when the oppdrag was sent before
/// and this answers a resend: then an 08 saying the oppdrag or a
/// delytelseId "finnes fra før" proves the first send was accepted and
/// counts as accepted (I2).
kvittering_outcome classify(const mmel& m, bool was_resend);

/// The status for a final kvittering: 00 → OK; 04 → OK with OS' text in
/// error (statusCode 200, system OSUR); 08 → FEILET 400 with OS' text
/// (409 UTBETALING_FINNES_ALLEREDE and 404 UTBETALING_FINNES_IKKE by text);
/// 12 → FEILET 500 with OS' text; any other code → FEILET 500 "impossible"
/// (system HELVED). The doc of the 404 and 409 errors points to
/// `doc_base` + "#utbetaling_finnes_ikke" / "#utbetaling_finnes_allerede".
/// An 08 that classify() counts as accepted on a resend is the caller's to
/// report as OK.
status_reply status_for(const mmel& m, std::optional<status_detaljer> d);

/// The key that matches a kvittering to the oppdrag it answers:
/// fagområde, fagsystemId and the delytelseIds of its lines, in order, as
/// "DP|<fagsystemId>|<id>,<id>". mmel and timestamps do not take part.
std::string match_key(const oppdrag& x);

} // namespace utsjekk
