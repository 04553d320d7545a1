#pragma once

#include "messages/types.hpp"

#include <span>
#include <string_view>

/// The stønad tables: for every fagsystem the stønader it may send, with
/// the klassekode (kodeKlassifik) and fagområde (kodeFagomraade) OS knows
/// them by (reference §2.1, §2.2). Data carried over from the system being
/// replaced (navikt/helved-utbetaling, models/main/models/Utbetalinger.kt,
/// TsDto.kt, ValpDto.kt).
namespace utsjekk {

/// One stønad of a fagsystem.
struct stonad_info {
  /// The enum name on the wire, e.g. "DAGLIG_REISE_AAP".
  std::string_view name;
  /// kodeKlassifik, e.g. "TSDRASISP1-OP". Empty where the system being
  /// replaced has none yet: such a stønad cannot be paid.
  std::string_view klassekode;
  /// kodeFagomraade, e.g. "DP"; for tilleggsstønader the stønad's own
  /// fagområde, e.g. "TILLSTDR".
  std::string_view fagomrade;
};

/// The legacy fagområde of tilleggsstønader, kept by old saker
/// (brukFagområdeTillst).
inline constexpr std::string_view tillst_fagomrade = "TILLST";

/// Every stønad of `fs`, in the order of the reference tables.
std::span<const stonad_info> stonader(fagsystem fs);

/// The stønad `name` of `fs`, or nullptr when `fs` has none by that name.
const stonad_info* find_stonad(fagsystem fs, std::string_view name);

/// The fagområde of `fs` (reference §2.1): "AAP", "DP", "TILTPENG",
/// "TILLST", "HELSREF", "TILSOPP".
std::string_view default_fagomrade(fagsystem fs);

/// The fagområder of tilleggsstønader: TILLSTPB, TILLSTLM, TILLSTBO,
/// TILLSTDR, TILLSTRS, TILLSTRO, TILLSTRA, TILLSTFL.
std::span<const std::string_view> ts_fagomrader();

/// True if the TS stønad `name` may stay on fagområde TILLST
/// (brukFagområdeTillst = true).
bool allows_tillst(std::string_view name);

/// Tiltakspenger: the barnetillegg twin of the stønad `name`, e.g.
/// ARBEIDSTRENING → ARBEIDSTRENING_BARN (klassekode TPBTATTILT); nullptr
/// when it has none (it is a twin already, or unknown).
const stonad_info* tp_barnetillegg(std::string_view name);

/// Valp: the tiltakskoder a message may carry.
std::span<const std::string_view> valp_tiltakskoder();

/// Valp: the tilskuddstyper a message may carry.
std::span<const std::string_view> valp_tilskuddstyper();

/// Valp: the stønad "<tiltakskode>_<tilskuddstype>", e.g.
/// HOYERE_UTDANNING_SKOLEPENGER (klassekode TTOHOYUDSKOLP); nullptr when
/// either is unknown.
const stonad_info* valp_stonad(std::string_view tiltakskode,
                               std::string_view tilskuddstype);

} // namespace utsjekk
