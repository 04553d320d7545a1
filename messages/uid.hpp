#pragma once

#include "messages/types.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

/// The deterministic utbetaling ids of Dagpenger and Tiltakspenger
/// (reference §2.9), bit-identical with the system being replaced, and the
/// pieces of Java behaviour they rest on.
namespace utsjekk {

/// Java's `String.hashCode()` of the string whose UTF-8 form is `utf8`:
/// s[0]*31^(n-1) + ... + s[n-1] over its UTF-16 code units, wrapping at 32
/// bits. `utf8` must be valid UTF-8.
int32_t java_string_hash(std::string_view utf8);

/// Java's `String.length()` of the string whose UTF-8 form is `utf8`: its
/// number of UTF-16 code units.
size_t utf16_length(std::string_view utf8);

/// SHA-256 (FIPS 180-4) of `data`.
std::array<uint8_t, 32> sha256(std::span<const uint8_t> data);

/// The uid of a DP or TP utbetaling: SHA-256 of the big-endian 64-bit
/// sign extension of java_string_hash(fagsystem name + sakId + meldeperiode
/// + klassekode); the first 16 bytes of the digest are the UUID, without
/// version bits.
uuid derived_uid(fagsystem fs, std::string_view sak_id,
                 std::string_view meldeperiode, std::string_view klassekode);

} // namespace utsjekk
