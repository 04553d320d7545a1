#include "messages/diff.hpp"

#include "messages/error.hpp"
#include "messages/time.hpp"

#include <algorithm>
#include <string>

namespace utsjekk {

namespace {

/// The fields every line of `who` carries, for the period `p` of an
/// utbetaling with klassekode `klassekode` and periodetype `pt`.
oppdragslinje base_linje(const utbetaling& who, const periode& p,
                         const std::string& klassekode, periodetype pt) {
  oppdragslinje result;
  result.vedtak_id = to_string(date_of(who.vedtakstidspunkt));
  result.kode_klassifik = klassekode;
  result.dato_klassifik_fom = p.fom;
  result.dato_vedtak_fom = p.fom;
  result.dato_vedtak_tom = p.tom;
  result.sats = p.belop;
  result.type_sats = std::string{type_sats(pt)};
  result.saksbeh_id = who.saksbehandler_id;
  result.utbetales_til_id = who.personident;
  result.henvisning = who.behandling_id;
  result.vedtakssats = p.vedtakssats;
  result.attestant_id = who.beslutter_id;
  return result;
}

/// A new line for period `p` of `x` with id `id`, chained to `ref` if any.
oppdragslinje ny_linje(const utbetaling& x, const periode& p, const uuid& id,
                       const std::optional<uuid>& ref) {
  auto result = base_linje(x, p, x.klassekode, x.periodetype);
  result.kode_endring_linje = "NY";
  result.delytelse_id = id.to_base64();
  if (ref) {
    result.ref_fagsystem_id = x.sak_id;
    result.ref_delytelse_id = ref->to_base64();
  }
  return result;
}

/// The period an opphør line of `prev` carries: the chain's last line.
std::optional<periode> last_period(const utbetaling& prev) {
  if (prev.siste_periode)
    return prev.siste_periode;
  if (prev.perioder.empty())
    return std::nullopt;
  // Without a recorded sistePeriode the newest period is the chain's end.
  return *std::max_element(
    prev.perioder.begin(), prev.perioder.end(),
    [](const periode& a, const periode& b) { return a.fom < b.fom; });
}

/// The line that stops the chain of `prev` from `fom`, decided by `who`.
caf::expected<oppdragslinje>
opphor_linje(const utbetaling& who, const utbetaling& prev, date fom) {
  // The line repeats the chain's last line, so OS knows which one ends.
  auto last = last_period(prev);
  if (!last)
    return caf::make_error(ec::invalid_field,
                           "utbetaling " + prev.uid.to_string()
                             + ": the accepted state has no periods");
  auto result = base_linje(who, *last, prev.klassekode, prev.periodetype);
  result.kode_endring_linje = "ENDR";
  result.kode_status_linje = "OPPH";
  result.dato_status_fom = fom;
  result.delytelse_id = prev.last_periode_id.to_base64();
  return result;
}

/// Returns an error when `next` changes a field that identifies `prev`.
/// An opphør carries only what identifies the sak and the person.
caf::error check_immutable(const utbetaling& next, const utbetaling& prev,
                           bool is_opphor) {
  // Values of sakId, stønad and periodetype help the sender; a personident
  // stays out of every message.
  auto changed = [&](std::string field, const std::string& was,
                     const std::string& is) {
    auto msg = "utbetaling " + next.uid.to_string() + ": " + field
               + " cannot change";
    if (!was.empty() || !is.empty())
      msg += " (was '" + was + "', is '" + is + "')";
    return caf::make_error(ec::immutable_field, std::move(msg));
  };
  if (next.sak_id != prev.sak_id)
    return changed("sakId", prev.sak_id, next.sak_id);
  if (next.personident != prev.personident)
    return changed("personident", {}, {});
  if (is_opphor)
    return {};
  if (next.stonad != prev.stonad)
    return changed("stønad", prev.stonad, next.stonad);
  if (next.periodetype != prev.periodetype)
    return changed("periodetype", std::string{to_string(prev.periodetype)},
                   std::string{to_string(next.periodetype)});
  if (next.fagomrade != prev.fagomrade)
    return changed("fagområde", prev.fagomrade, next.fagomrade);
  return {};
}

/// Emits `next.perioder[from..]` as NY lines chained from `ref` and moves
/// lastPeriodeId and sistePeriode of `out.next_state` to the last one.
void append_chain(const utbetaling& next, size_t from, std::optional<uuid> ref,
                  const id_generator& next_id, utbetaling_diff& out) {
  for (size_t i = from; i < next.perioder.size(); ++i) {
    // Each line refers to the one before it in the same utbetaling.
    auto id = next_id();
    out.linjer.push_back(ny_linje(next, next.perioder[i], id, ref));
    ref = id;
    out.next_state.last_periode_id = id;
    out.next_state.siste_periode = next.perioder[i];
  }
}

/// The periods of `x` sorted by fom.
std::vector<periode> sorted_perioder(const utbetaling& x) {
  auto result = x.perioder;
  std::stable_sort(
    result.begin(), result.end(),
    [](const periode& a, const periode& b) { return a.fom < b.fom; });
  return result;
}

/// Diffs a new or re-introduced utbetaling: every period goes out.
utbetaling_diff diff_create(const utbetaling& next, const utbetaling* prev,
                            const id_generator& next_id) {
  utbetaling_diff result;
  result.kind = prev ? change_kind::reintroduce : change_kind::create;
  result.next_state = next;
  result.next_state.action = action::create;
  result.next_state.perioder = sorted_perioder(next);
  // A re-introduced chain continues from the line the opphør stopped.
  std::optional<uuid> ref;
  if (prev)
    ref = prev->last_periode_id;
  append_chain(result.next_state, 0, ref, next_id, result);
  return result;
}

/// Diffs an opphør of the active `prev`, decided by `next`.
caf::expected<utbetaling_diff> diff_opphor(const utbetaling& next,
                                           const utbetaling& prev) {
  // The chain stops from its earliest period.
  auto fom = prev.siste_periode ? std::optional<date>{prev.siste_periode->fom}
                                : std::nullopt;
  for (const auto& p : prev.perioder)
    if (!fom || p.fom < *fom)
      fom = p.fom;
  if (!fom)
    return caf::make_error(ec::invalid_field,
                           "utbetaling " + prev.uid.to_string()
                             + ": the accepted state has no periods");
  auto line = opphor_linje(next, prev, *fom);
  if (!line)
    return std::move(line.error());
  utbetaling_diff result;
  result.kind = change_kind::opphor;
  result.linjer.push_back(std::move(*line));
  result.next_state = prev;
  result.next_state.action = action::del;
  return result;
}

/// Diffs an update of the active `prev` to `next`.
caf::expected<utbetaling_diff> diff_update(const utbetaling& next,
                                           const utbetaling& prev,
                                           const id_generator& next_id) {
  // Unchanged periods leave the accepted state as it is.
  auto old_perioder = sorted_perioder(prev);
  auto new_perioder = sorted_perioder(next);
  auto point = find_update_point(old_perioder, new_perioder);
  utbetaling_diff result;
  if (!point) {
    result.next_state = prev;
    return result;
  }
  result.kind = change_kind::update;
  result.next_state = next;
  result.next_state.action = action::update;
  result.next_state.perioder = new_perioder;
  result.next_state.last_periode_id = prev.last_periode_id;
  result.next_state.siste_periode = prev.siste_periode;
  // A new line overrides the old chain from its fom, so an opphør on or
  // after the first new line's fom is already covered.
  auto first_new_fom = point->first_new < new_perioder.size()
                         ? std::optional<date>{new_perioder[point->first_new]
                                                 .fom}
                         : std::nullopt;
  if (point->opphor_fom
      && (!first_new_fom || *first_new_fom > *point->opphor_fom)) {
    auto line = opphor_linje(next, prev, *point->opphor_fom);
    if (!line)
      return std::move(line.error());
    result.linjer.push_back(std::move(*line));
  }
  // The new lines continue the accepted chain.
  append_chain(result.next_state, point->first_new, prev.last_periode_id,
               next_id, result);
  return result;
}

} // namespace

std::string_view to_string(change_kind x) {
  switch (x) {
    case change_kind::none:
      return "none";
    case change_kind::create:
      return "create";
    case change_kind::reintroduce:
      return "reintroduce";
    case change_kind::update:
      return "update";
    case change_kind::opphor:
      return "opphor";
  }
  return "";
}

bool is_active(const utbetaling& x) {
  return x.action == action::create || x.action == action::update;
}

std::optional<update_point>
find_update_point(const std::vector<periode>& prev,
                  const std::vector<periode>& next) {
  // Step 1: the first index where the two versions differ.
  auto common = std::min(prev.size(), next.size());
  size_t i = 0;
  while (i < common && prev[i] == next[i])
    ++i;
  if (i == common && prev.size() == next.size())
    return std::nullopt;
  // Step 2: a period whose tom alone moved earlier is not re-sent; the
  // opphør line shortens it.
  update_point result;
  result.first_new = i;
  if (i < common && prev[i].fom == next[i].fom
      && prev[i].belop == next[i].belop && next[i].tom < prev[i].tom)
    result.first_new = i + 1;
  // Step 3: where the old chain must stop.
  if (i >= prev.size())
    return result;
  if (next.empty())
    result.opphor_fom = prev.front().fom;
  else if (i >= next.size())
    result.opphor_fom = next_day(next.back().tom);
  else if (prev[i].fom < next[i].fom)
    result.opphor_fom = prev[i].fom;
  else if (next[i].tom < prev[i].tom)
    result.opphor_fom = next_day(next[i].tom);
  return result;
}

caf::expected<utbetaling_diff> diff(const utbetaling& next,
                                    const utbetaling* prev,
                                    const id_generator& next_id) {
  // An opphør needs something to stop.
  auto is_opphor = !is_active(next);
  if (is_opphor && !prev)
    return caf::make_error(ec::unknown_utbetaling,
                           "utbetaling " + next.uid.to_string()
                             + ": no previous utbetaling to opphøre");
  // The fields that identify an utbetaling never change.
  if (prev)
    if (auto err = check_immutable(next, *prev, is_opphor))
      return err;
  // Pick the rule by what the message wants and what OS has.
  if (is_opphor) {
    if (!is_active(*prev))
      return utbetaling_diff{change_kind::none, {}, *prev};
    return diff_opphor(next, *prev);
  }
  if (!prev || !is_active(*prev))
    return diff_create(next, prev, next_id);
  return diff_update(next, *prev, next_id);
}

} // namespace utsjekk
