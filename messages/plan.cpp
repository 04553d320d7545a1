#include "messages/plan.hpp"

#include "messages/time.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

namespace utsjekk {

namespace {

using namespace std::chrono_literals;

/// The enhet OS uses when a message names no betalende enhet.
constexpr std::string_view default_enhet = "8020";

/// The diffs of one fagområde, in the order they go into its oppdrag.
struct fagomrade_group {
  std::string fagomrade;
  std::vector<utbetaling_diff> diffs;
};

/// The opphør of `prev`, which a full-picture message left out: the
/// previous version, decided by this message.
utbetaling implicit_opphor(const decoded_message& msg,
                           const utbetaling& prev) {
  auto result = prev;
  // Dagpenger marks these as FAKE_DELETE, the others as DELETE.
  result.action = msg.fagsystem == fagsystem::dagpenger ? action::fake_delete
                                                        : action::del;
  result.original_key = msg.key.value;
  result.behandling_id = msg.behandling_id;
  result.vedtakstidspunkt = msg.vedtakstidspunkt;
  result.saksbehandler_id = msg.saksbehandler;
  result.beslutter_id = msg.beslutter;
  return result;
}

/// True when OS accepted an utbetaling of `fagomrade` on this sak before,
/// opphørte included.
bool has_fagomrade(const sak_state& accepted, const std::string& fagomrade) {
  return std::any_of(accepted.utbetalinger.begin(),
                     accepted.utbetalinger.end(),
                     [&](const auto& kv) {
                       return kv.second.fagomrade == fagomrade;
                     });
}

/// Maps the avvent årsak to its OS code.
std::optional<std::string> kode_arsak(const std::optional<std::string>& x) {
  if (!x)
    return std::nullopt;
  if (*x == "AVVENT_AVREGNING")
    return "AVAV";
  if (*x == "AVVENT_REFUSJONSKRAV")
    return "AVRK";
  return x;
}

/// The avvent-118 of an AAP message, if any of its utbetalinger has one.
std::optional<avvent118> avvent_of(const decoded_message& msg) {
  if (msg.fagsystem != fagsystem::aap)
    return std::nullopt;
  for (const auto& x : msg.utbetalinger) {
    if (!x.avvent)
      continue;
    avvent118 result;
    result.dato_avvent_fom = x.avvent->fom;
    result.dato_avvent_tom = x.avvent->tom;
    result.dato_overfores = x.avvent->overfores;
    result.kode_arsak = kode_arsak(x.avvent->arsak);
    result.feilreg = x.avvent->feilregistrering ? "J" : "N";
    return result;
  }
  return std::nullopt;
}

/// oppdrags-enhet-120: BOS is the newest period's betalende enhet (8020
/// without one), plus BEH 8020 when a betalende enhet is given.
std::vector<oppdrags_enhet> enheter_of(const fagomrade_group& group) {
  // The newest period of every utbetaling in the oppdrag decides.
  const periode* newest = nullptr;
  for (const auto& d : group.diffs)
    for (const auto& p : d.next_state.perioder)
      if (!newest || p.fom > newest->fom)
        newest = &p;
  auto fom = date{1970y / 1 / 1};
  auto enhet = newest ? newest->betalende_enhet : std::nullopt;
  std::vector<oppdrags_enhet> result;
  result.push_back(
    {"BOS", enhet.value_or(std::string{default_enhet}), fom});
  if (enhet)
    result.push_back({"BEH", std::string{default_enhet}, fom});
  return result;
}

/// Builds the oppdrag of one fagområde.
planned_oppdrag build_oppdrag(const decoded_message& msg,
                              const sak_state& accepted,
                              fagomrade_group group, local_time now) {
  planned_oppdrag result;
  auto& o = result.oppdrag;
  // Oppdrag110 (reference §3.1).
  auto first_on_fagomrade = !has_fagomrade(accepted, group.fagomrade);
  o.kode_aksjon = "1";
  o.kode_endring = first_on_fagomrade ? "NY" : "ENDR";
  o.kode_fagomraade = group.fagomrade;
  o.fagsystem_id = msg.sak.sak_id;
  o.utbet_frekvens = msg.fagsystem == fagsystem::historisk ? "ENG" : "MND";
  o.oppdrag_gjelder_id = msg.personident;
  o.dato_oppdrag_gjelder_fom = 2000y / 1 / 1;
  o.saksbeh_id = msg.saksbehandler;
  // avstemming-115: a fixed time of day keeps a resent oppdrag identical.
  auto today = std::chrono::floor<std::chrono::days>(now);
  o.kode_komponent = group.fagomrade;
  o.nokkel_avstemming = to_os_timestamp(today + 10h + 10min);
  o.tidspkt_melding = to_os_timestamp(now);
  o.avvent = avvent_of(msg);
  o.enheter = enheter_of(group);
  // The lines and the state each utbetaling reaches when OS accepts.
  for (auto& d : group.diffs) {
    o.linjer.insert(o.linjer.end(), d.linjer.begin(), d.linjer.end());
    result.uids.push_back(d.next_state.uid);
    if (d.kind != change_kind::opphor) {
      d.next_state.forste_utbetaling_pa_sak = first_on_fagomrade;
      d.next_state.original_key = msg.key.value;
    }
    result.next_state.push_back(std::move(d.next_state));
  }
  return result;
}

/// The detaljer of a status: every line of the plan, sorted by fom.
status_detaljer detaljer_of(const decoded_message& msg,
                            const std::vector<planned_oppdrag>& oppdrag) {
  status_detaljer result;
  result.ytelse = msg.fagsystem;
  for (const auto& po : oppdrag)
    for (const auto& l : po.oppdrag.linjer) {
      // An opphør line pays nothing.
      auto opph = l.kode_status_linje == "OPPH";
      result.linjer.push_back({l.henvisning, l.dato_vedtak_fom,
                               l.dato_vedtak_tom, l.vedtakssats,
                               opph ? kroner{0} : l.sats, l.kode_klassifik});
    }
  std::stable_sort(result.linjer.begin(), result.linjer.end(),
                   [](const status_linje& a, const status_linje& b) {
                     return a.fom < b.fom;
                   });
  return result;
}

/// Adds `d` to the group of its fagområde, keeping first-seen order.
void add_to_group(std::vector<fagomrade_group>& groups, utbetaling_diff d) {
  const auto& fagomrade = d.next_state.fagomrade;
  auto i = std::find_if(groups.begin(), groups.end(),
                        [&](const fagomrade_group& g) {
                          return g.fagomrade == fagomrade;
                        });
  if (i == groups.end()) {
    groups.push_back({fagomrade, {}});
    i = std::prev(groups.end());
  }
  i->diffs.push_back(std::move(d));
}

} // namespace

caf::expected<plan> make_plan(const decoded_message& msg,
                              const sak_state& accepted, local_time now,
                              const id_generator& next_id) {
  std::vector<fagomrade_group> groups;
  std::set<uuid> in_message;
  // Steps 1 and 3: each utbetaling of the message against its previous
  // version.
  for (const auto& x : msg.utbetalinger) {
    in_message.insert(x.uid);
    auto i = accepted.utbetalinger.find(x.uid);
    auto prev = i == accepted.utbetalinger.end() ? nullptr : &i->second;
    auto d = diff(x, prev, next_id);
    if (!d)
      return std::move(d.error());
    if (d->kind != change_kind::none)
      add_to_group(groups, std::move(*d));
  }
  // Step 2: a full picture opphører every active uid it leaves out.
  if (msg.full_picture)
    for (const auto& [uid, prev] : accepted.utbetalinger) {
      if (!is_active(prev) || in_message.count(uid) > 0)
        continue;
      auto d = diff(implicit_opphor(msg, prev), &prev, next_id);
      if (!d)
        return std::move(d.error());
      add_to_group(groups, std::move(*d));
    }
  // Step 5: one oppdrag per fagområde; nothing changed means no oppdrag.
  plan result;
  for (auto& g : groups)
    result.oppdrag.push_back(build_oppdrag(msg, accepted, std::move(g), now));
  if (!result.oppdrag.empty())
    result.detaljer = detaljer_of(msg, result.oppdrag);
  return result;
}

void accept(sak_state& state, const planned_oppdrag& x) {
  state.exists = true;
  for (const auto& u : x.next_state)
    state.utbetalinger.insert_or_assign(u.uid, u);
}

} // namespace utsjekk
