#pragma once

#include "messages/types.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <string_view>

/// Decoding and validation of the six input formats (reference §2.3–2.8,
/// §2.11). Strict JSON: see json.hpp.
namespace utsjekk {

/// Largest payload decode() accepts, in bytes.
inline constexpr size_t max_payload_size = 1024 * 1024;

/// Decodes one input record of `fs`, keyed by `key`, into its
/// utbetalinger, applying the grouping and merging rules of the fagsystem
/// and the validation rules of §2.11. The error's code says which rule
/// failed (ec::malformed_json, ec::invalid_field, ec::ugyldig_periode, ...)
/// and its message names the field, e.g. "utbetalinger[1].beløp: expected
/// a non-negative integer, got a string".
caf::expected<decoded_message>
decode(fagsystem fs, const tx_id& key, std::string_view payload);

/// Checks a decoded message against the rules of §2.11 that do not need
/// the accepted state: sakId and behandlingId of 1 to 30 characters, one
/// dryrun flag for every utbetaling (ec::mixed_dryrun), and the periods of
/// every utbetaling that pays (ec::mangler_perioder, ...). decode() runs
/// it; callers that build or combine messages may run it again.
caf::error validate(const decoded_message& msg);

} // namespace utsjekk
