#pragma once

#include "messages/types.hpp"

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

} // namespace utsjekk
