// The formats that send the whole sak every time: AAP, Dagpenger and
// Tiltakspenger (reference §2.3–2.5). Their utbetalinger are made by
// grouping periods or days, and an active uid missing from a message is
// opphørt by the planner.

#include "messages/decode_internal.hpp"

#include "messages/stonad.hpp"
#include "messages/uid.hpp"

#include <map>
#include <utility>

namespace utsjekk::decoding {

namespace {

/// Periods grouped under a key, in order of the key's first appearance.
template <class Key>
class grouping {
public:
  /// Adds `p` to the group of `key`.
  void add(const Key& key, periode p) {
    auto [i, added] = index_.emplace(key, groups_.size());
    if (added)
      groups_.emplace_back(key, std::vector<periode>{});
    groups_[i->second].second.push_back(std::move(p));
  }

  /// The groups, in order of first appearance.
  std::vector<std::pair<Key, std::vector<periode>>>& groups() {
    return groups_;
  }

private:
  std::map<Key, size_t> index_;
  std::vector<std::pair<Key, std::vector<periode>>> groups_;
};

/// Reads the optional AAP avvent.
caf::error read_avvent(const json::cursor& x, std::optional<avvent>& out) {
  if (x.absent())
    return caf::none;
  if (auto err = json::require_object(x))
    return err;
  avvent result;
  if (auto err = read_span(x, result.fom, result.tom))
    return err;
  if (auto err = json::take(json::get_optional_date(x["overføres"]),
                            result.overfores))
    return err;
  if (auto err = json::take(json::get_optional_string(x["årsak"]),
                            result.arsak))
    return err;
  if (result.arsak && *result.arsak != "AVVENT_AVREGNING"
      && *result.arsak != "AVVENT_REFUSJONSKRAV")
    return json::invalid(x["årsak"], "unknown value "
                                       + json::quote(*result.arsak)
                                       + "; expected AVVENT_AVREGNING or "
                                         "AVVENT_REFUSJONSKRAV");
  if (auto err = json::take(json::get_bool(x["feilregistrering"], false),
                            result.feilregistrering))
    return err;
  out = std::move(result);
  return caf::none;
}

/// Reads a meldeperiode id.
caf::error read_meldeperiode(const json::cursor& x, std::string& out) {
  return json::take(json::get_string(x["meldeperiode"]), out);
}

} // namespace

caf::error read_aap(const json::cursor& root, decoded_message& msg) {
  // Read the top level and the avvent that holds every utbetaling.
  msg.full_picture = true;
  if (auto err = read_header(root, {"ident", "vedtakstidspunktet", "kelvin",
                                    "kelvin"},
                             msg))
    return err;
  std::optional<avvent> hold;
  if (auto err = read_avvent(root["avvent"], hold))
    return err;
  // Read every item and group those that pay by meldekort id.
  auto items = json::get_array(root["utbetalinger"]);
  if (!items)
    return std::move(items.error());
  grouping<uuid> meldekort;
  for (const auto& item : *items) {
    if (auto err = json::require_object(item))
      return err;
    uuid id;
    periode p;
    kroner sats;
    if (auto err = json::take(json::get_uuid(item["id"]), id))
      return err;
    if (auto err = read_span(item, p.fom, p.tom))
      return err;
    if (auto err = json::take(json::get_amount(item["sats"]), sats))
      return err;
    if (auto err = json::take(json::get_amount(item["utbetaltBeløp"]),
                              p.belop))
      return err;
    p.vedtakssats = sats;
    if (p.belop.value > 0)
      meldekort.add(id, std::move(p));
  }
  // Make one utbetaling per meldekort.
  for (auto& [id, perioder] : meldekort.groups()) {
    auto u = make_utbetaling(msg);
    u.uid = id;
    u.periodetype = periodetype::ukedag;
    u.avvent = hold;
    if (auto err = assign_stonad(u, "AAP_UNDER_ARBEIDSAVKLARING",
                                 root["utbetalinger"]))
      return err;
    u.perioder = merge(std::move(perioder), merge_rule::weekdays);
    auto label = "utbetalinger with id " + id.to_string();
    if (auto err = validate_perioder(u, label))
      return err;
    msg.utbetalinger.push_back(std::move(u));
  }
  return caf::none;
}

caf::error read_dp(const json::cursor& root, decoded_message& msg) {
  // Read the top level.
  msg.full_picture = true;
  if (auto err = read_header(root, {"ident", "vedtakstidspunktet",
                                    "dagpenger", "dagpenger"},
                             msg))
    return err;
  // Read every day and group those that pay by meldeperiode and type.
  auto days = json::get_array(root["utbetalinger"]);
  if (!days)
    return std::move(days.error());
  using key = std::pair<std::string, bool>;
  grouping<key> meldeperioder;
  for (const auto& day : *days) {
    if (auto err = json::require_object(day))
      return err;
    std::string meldeperiode;
    std::string type;
    periode p;
    kroner sats;
    if (auto err = read_meldeperiode(day, meldeperiode))
      return err;
    if (auto err = json::take(json::get_date(day["dato"]), p.fom))
      return err;
    if (auto err = json::take(json::get_amount(day["sats"]), sats))
      return err;
    if (auto err = json::take(json::get_amount(day["utbetaltBeløp"]),
                              p.belop))
      return err;
    if (auto err = json::take(json::get_string(day["utbetalingstype"]), type))
      return err;
    if (type != "Dagpenger" && type != "DagpengerFerietillegg")
      return json::invalid(day["utbetalingstype"],
                           "unknown value " + json::quote(type)
                             + "; expected Dagpenger or "
                               "DagpengerFerietillegg");
    p.tom = p.fom;
    p.vedtakssats = sats;
    if (p.belop.value > 0)
      meldeperioder.add(key{meldeperiode, type != "Dagpenger"},
                        std::move(p));
  }
  // Make one utbetaling per meldeperiode and stønad.
  for (auto& [k, perioder] : meldeperioder.groups()) {
    const auto& [meldeperiode, ferie] = k;
    auto u = make_utbetaling(msg);
    u.periodetype = ferie ? periodetype::en_gang : periodetype::ukedag;
    auto stonad = ferie ? "DAGPENGERFERIE" : "DAGPENGER";
    if (auto err = assign_stonad(u, stonad, root["utbetalinger"]))
      return err;
    u.uid = derived_uid(fagsystem::dagpenger, msg.sak.sak_id, meldeperiode,
                        u.klassekode);
    u.perioder = merge(std::move(perioder), merge_rule::weekdays);
    auto label = "utbetalinger of meldeperiode " + json::quote(meldeperiode)
                 + " (" + u.stonad + ")";
    if (auto err = validate_perioder(u, label))
      return err;
    msg.utbetalinger.push_back(std::move(u));
  }
  return caf::none;
}

caf::error read_tp(const json::cursor& root, decoded_message& msg) {
  // Read the top level.
  msg.full_picture = true;
  if (auto err = read_header(root, {"personident", "vedtakstidspunkt", "tp",
                                    "tp"},
                             msg))
    return err;
  // Read every period and group by meldeperiode and stønad, the
  // barnetillegg twin counting as a stønad of its own.
  auto items = json::get_array(root["perioder"]);
  if (!items)
    return std::move(items.error());
  using key = std::pair<std::string, std::string_view>;
  grouping<key> meldeperioder;
  for (const auto& item : *items) {
    std::string meldeperiode;
    std::string stonad;
    bool barnetillegg = false;
    auto p = read_periode(item, true);
    if (!p)
      return std::move(p.error());
    if (auto err = read_meldeperiode(item, meldeperiode))
      return err;
    if (auto err = json::take(json::get_string(item["stønad"]), stonad))
      return err;
    if (auto err = json::take(json::get_bool(item["barnetillegg"], false),
                              barnetillegg))
      return err;
    auto info = find_stonad(fagsystem::tiltakspenger, stonad);
    if (info == nullptr)
      return json::invalid(item["stønad"], "unknown stønad "
                                             + json::quote(stonad)
                                             + " for TILTAKSPENGER");
    if (barnetillegg && (info = tp_barnetillegg(stonad)) == nullptr)
      return json::invalid(item["barnetillegg"],
                           "stønad " + json::quote(stonad)
                             + " has no barnetillegg variant");
    meldeperioder.add(key{meldeperiode, info->name}, std::move(*p));
  }
  // Make one utbetaling per meldeperiode and stønad.
  for (auto& [k, perioder] : meldeperioder.groups()) {
    const auto& [meldeperiode, stonad] = k;
    auto u = make_utbetaling(msg);
    u.periodetype = periodetype::ukedag;
    if (auto err = assign_stonad(u, stonad, root["perioder"]))
      return err;
    u.uid = derived_uid(fagsystem::tiltakspenger, msg.sak.sak_id,
                        meldeperiode, u.klassekode);
    u.perioder = merge(std::move(perioder), merge_rule::weekdays,
                       enhet_rule::last);
    auto label = "perioder of meldeperiode " + json::quote(meldeperiode)
                 + " (" + u.stonad + ")";
    if (auto err = validate_perioder(u, label))
      return err;
    msg.utbetalinger.push_back(std::move(u));
  }
  return caf::none;
}

} // namespace utsjekk::decoding
