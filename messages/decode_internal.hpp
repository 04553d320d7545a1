#pragma once

#include "messages/error.hpp"
#include "messages/json.hpp"
#include "messages/types.hpp"

#include <caf/error.hpp>

#include <string>
#include <string_view>
#include <vector>

/// Pieces shared by the format readers of decode.cpp. Internal to
/// messages/: nothing outside includes this header.
namespace utsjekk::decoding {

/// Longest sakId and behandlingId, in UTF-16 code units (reference §2.9).
inline constexpr size_t max_id_length = 30;

/// Longest span, in days, of a DAG or UKEDAG utbetaling (reference §2.11).
inline constexpr int max_day_span = 1100;

/// Where the top-level fields of a format live and what they default to.
struct header_names {
  /// The personident field: "ident", "personident" or "personIdent".
  std::string_view ident;
  /// The decision time field: "vedtakstidspunktet", "vedtakstidspunkt" or
  /// "besluttetTidspunkt".
  std::string_view time;
  /// Default saksbehandler and beslutter; empty means saksbehandler is
  /// required.
  std::string_view default_saksbehandler;
  std::string_view default_beslutter;
  /// The time is an instant (Valp), converted to Norwegian local time.
  bool instant = false;
};

/// Reads sakId, behandlingId, the personident, the decision time, dryrun,
/// saksbehandler and beslutter into `msg` and checks the ids.
caf::error read_header(const json::cursor& root, const header_names& names,
                       decoded_message& msg);

/// A new utbetaling of `msg` with the message-level fields filled in.
utbetaling make_utbetaling(const decoded_message& msg);

/// Sets stønad, klassekode and fagområde of `u` from the stønad table of
/// its fagsystem; `field` names the stønad in errors. An unknown stønad or
/// one without a klassekode is an ec::invalid_field error.
caf::error assign_stonad(utbetaling& u, std::string_view name,
                         const json::cursor& field);

/// Reads fom and tom at `x`; a tom before fom is ec::ugyldig_periode.
caf::error read_span(const json::cursor& x, date& fom, date& tom);

/// Reads a period {fom, tom, beløp} at `x`, plus betalendeEnhet when
/// `with_enhet`. A tom before fom is ec::ugyldig_periode.
caf::expected<periode> read_periode(const json::cursor& x, bool with_enhet);

/// How neighbouring periods with the same amount are merged.
enum class merge_rule : uint8_t {
  /// Kept one to one (EN_GANG).
  none,
  /// Merged when the next starts the day after (MND).
  days,
  /// Merged when the next starts the day after or on the next weekday
  /// (UKEDAG, and the day-based formats).
  weekdays,
};

/// Which betalendeEnhet a merged period keeps.
enum class enhet_rule : uint8_t { first, last };

/// Sorts `in` by fom and merges neighbours that have the same beløp and
/// vedtakssats according to `rule`.
std::vector<periode> merge(std::vector<periode> in, merge_rule rule,
                           enhet_rule enhet = enhet_rule::first);

/// The merge rule of a periodetype: EN_GANG none, MND days, else weekdays.
merge_rule merge_rule_for(periodetype x);

/// Checks the periods of an utbetaling that pays (action create) against
/// the rules of reference §2.11; `label` names it in errors.
caf::error validate_perioder(const utbetaling& u, std::string_view label);

/// Checks a sakId or behandlingId: 1 to 30 characters.
caf::error check_id(const json::cursor& x, const std::string& id,
                    ec code);

// -- the formats -------------------------------------------------------------

/// AAP (reference §2.3).
caf::error read_aap(const json::cursor& root, decoded_message& msg);

/// Dagpenger (reference §2.4).
caf::error read_dp(const json::cursor& root, decoded_message& msg);

/// Tiltakspenger (reference §2.5).
caf::error read_tp(const json::cursor& root, decoded_message& msg);

/// Tilleggsstønader (reference §2.6).
caf::error read_ts(const json::cursor& root, decoded_message& msg);

/// Historisk (reference §2.7).
caf::error read_historisk(const json::cursor& root, decoded_message& msg);

/// Valp (reference §2.8).
caf::error read_valp(const json::cursor& root, decoded_message& msg);

} // namespace utsjekk::decoding
