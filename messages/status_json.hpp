#pragma once

#include "messages/types.hpp"

#include <caf/expected.hpp>

#include <string>
#include <string_view>

/// StatusReply JSON on helved.status.v1 (reference §5), and the api_error
/// of every validation failure.
namespace utsjekk {

/// The documentation base the error's `doc` field points into.
inline constexpr std::string_view doc_base
  = "https://helved-docs.ansatt.dev.nav.no/async";

/// Writes `x` as StatusReply JSON: `status`, `detaljer` {`ytelse`,
/// `linjer` [{`behandlingId`, `fom`, `tom`, `vedtakssats`, `beløp`,
/// `klassekode`}]}, `error` {`statusCode`, `msg`, `doc`, `system`},
/// `simulering`, in that order. Every key is always written: an absent
/// `detaljer`, `error` or `vedtakssats` is written as `null`.
std::string to_json(const status_reply& x);

/// Parses StatusReply JSON. Absent and `null` optionals both read as
/// absent; `simulering` defaults to false; unknown keys are ignored.
/// Errors: ec::malformed_json for text that is not JSON, ec::invalid_field
/// naming the field otherwise, e.g. "detaljer.linjer[0].beløp: missing".
caf::expected<status_reply> parse_status(std::string_view json);

/// The FEILET status for an error from decode() or make_plan(): statusCode
/// per ec (400 for input and validation codes and os_rejected, 404
/// unknown_utbetaling, 409 conflicting_key, 500 for the rest and for errors
/// from outside the project), msg = the error's message, doc = `doc_base`
/// + "#" + the code's name (e.g. "#ugyldig_periode"), system HELVED.
status_reply feilet_status(const caf::error& err);

} // namespace utsjekk
