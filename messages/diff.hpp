#pragma once

#include "messages/types.hpp"

#include <caf/expected.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

/// The diff of one utbetaling against its last accepted version: the
/// Oppdragslinje150 lines that make OS pay what the new version asks for
/// (reference §3.2, §3.3). Chaining stays inside one utbetaling.
namespace utsjekk {

/// Returns a fresh random periode id; injected so that tests are
/// deterministic and messages/ stays free of global state.
using id_generator = std::function<uuid()>;

/// What a diff does to one utbetaling.
enum class change_kind : uint8_t {
  /// Nothing changed: no lines, the accepted state stays.
  none,
  /// A new utbetaling: NY lines chained, the first without a reference.
  create,
  /// An opphørt utbetaling comes back: like create, but the first line
  /// refers to the last line of the opphørt chain.
  reintroduce,
  /// An active utbetaling changes: lines from the first difference on.
  update,
  /// An active utbetaling is opphørt: one ENDR line with status OPPH.
  opphor,
};

/// "none", "create", "reintroduce", "update", "opphor".
std::string_view to_string(change_kind x);

/// The lines one utbetaling contributes to an oppdrag and what its accepted
/// state becomes when OS accepts them.
struct utbetaling_diff {
  change_kind kind = change_kind::none;
  /// Opphør lines first, then the new lines in chain order. Empty for
  /// change_kind::none.
  std::vector<oppdragslinje> linjer;
  /// The accepted state after OS accepts `linjer`: the new version with
  /// action create or update and lastPeriodeId/sistePeriode of its last new
  /// line, or the previous version with action del after an opphør. Equal
  /// to the previous version for change_kind::none.
  utbetaling next_state;
};

/// The index where an update's new lines start and the date its opphør
/// line stops the old chain from (reference §3.3, update steps 1–3).
struct update_point {
  /// First index of `next` that goes out as a new line; `next.size()` when
  /// none does.
  size_t first_new = 0;
  /// The opphør date, if the old chain must stop somewhere.
  std::optional<date> opphor_fom;
};

/// Computes the update point of `prev` → `next` (both sorted by fom);
/// nullopt when the periods are equal.
std::optional<update_point>
find_update_point(const std::vector<periode>& prev,
                  const std::vector<periode>& next);

/// Diffs `next` against `prev`, the last version OS accepted (nullptr when
/// OS never saw the uid). `next.action` says what the message wants: create
/// or update for an utbetaling with periods, del or fake_delete for an
/// opphør; its behandlingId, vedtakstidspunkt, saksbehandler and beslutter
/// go on every line. Errors: ec::immutable_field when sakId, personident,
/// stønad, periodetype or fagområde differ from `prev` (an opphør only
/// checks sakId and personident); ec::unknown_utbetaling when an opphør has
/// no `prev`. An opphør of an already opphørt `prev` changes nothing.
caf::expected<utbetaling_diff> diff(const utbetaling& next,
                                    const utbetaling* prev,
                                    const id_generator& next_id);

/// True when `x.action` is create or update: OS pays it.
bool is_active(const utbetaling& x);

} // namespace utsjekk
