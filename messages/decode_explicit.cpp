// The formats that name each utbetaling by id and stop one only on
// request: Tilleggsstønader, Historisk and Valp (reference §2.6–2.8).

#include "messages/decode_internal.hpp"

#include "messages/stonad.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace utsjekk::decoding {

namespace {

/// Reads the periodetype of TS and Historisk; DAG is refused.
caf::error read_periodetype(const json::cursor& x, std::string_view who,
                            periodetype& out) {
  std::string text;
  if (auto err = json::take(json::get_string(x), text))
    return err;
  auto result = parse_periodetype(text);
  if (!result)
    return json::invalid(x, "unknown value " + json::quote(text)
                              + "; expected EN_GANG, UKEDAG or MND");
  if (*result == periodetype::dag)
    return json::invalid(x, "periodetype DAG is not allowed for "
                              + std::string{who}
                              + "; use UKEDAG, MND or EN_GANG");
  out = *result;
  return caf::none;
}

/// Reads a list of periods {fom, tom, beløp[, betalendeEnhet]}.
caf::expected<std::vector<periode>> read_perioder(const json::cursor& x,
                                                  bool with_enhet) {
  auto items = json::get_array(x);
  if (!items)
    return std::move(items.error());
  std::vector<periode> result;
  for (const auto& item : *items) {
    auto p = read_periode(item, with_enhet);
    if (!p)
      return std::move(p.error());
    result.push_back(std::move(*p));
  }
  return result;
}

/// Turns read periods into the utbetaling's: none means opphør (action
/// del), else they are merged by the periodetype's rule and validated.
caf::error set_perioder(utbetaling& u, std::vector<periode> ps,
                        const json::cursor& field) {
  if (ps.empty()) {
    u.action = action::del;
    return caf::none;
  }
  u.action = action::create;
  u.perioder = merge(std::move(ps), merge_rule_for(u.periodetype));
  return validate_perioder(u, field.path());
}

} // namespace

caf::error read_ts(const json::cursor& root, decoded_message& msg) {
  // Read the top level and the periodetype shared by all utbetalinger.
  if (auto err = read_header(root, {"personident", "vedtakstidspunkt", "ts",
                                    "ts"},
                             msg))
    return err;
  auto type = periodetype::ukedag;
  if (auto err = read_periodetype(root["periodetype"], "tilleggsstønader",
                                  type))
    return err;
  // Read every utbetaling; each id may appear once.
  auto items = json::get_array(root["utbetalinger"]);
  if (!items)
    return std::move(items.error());
  std::set<uuid> seen;
  for (const auto& item : *items) {
    if (auto err = json::require_object(item))
      return err;
    auto u = make_utbetaling(msg);
    u.periodetype = type;
    std::string stonad;
    bool tillst = false;
    if (auto err = json::take(json::get_uuid(item["id"]), u.uid))
      return err;
    if (!seen.insert(u.uid).second)
      return json::invalid(item["id"], "the id " + u.uid.to_string()
                                         + " appears twice in one message");
    if (auto err = json::take(json::get_string(item["stønad"]), stonad))
      return err;
    if (auto err = assign_stonad(u, stonad, item["stønad"]))
      return err;
    // Old saker stay on fagområde TILLST, for the stønader that had it.
    auto bruk_tillst = item["brukFagområdeTillst"];
    if (auto err = json::take(json::get_bool(bruk_tillst, false), tillst))
      return err;
    if (tillst && !allows_tillst(u.stonad))
      return json::invalid(bruk_tillst,
                           "fagområde TILLST is not allowed for stønad "
                             + json::quote(u.stonad)
                             + "; only tilsyn barn, læremidler, "
                               "boutgifter and daglig reise tiltak had it");
    if (tillst)
      u.fagomrade = tillst_fagomrade;
    // Read the periods; none means opphør.
    auto perioder = read_perioder(item["perioder"], true);
    if (!perioder)
      return std::move(perioder.error());
    if (auto err = set_perioder(u, std::move(*perioder), item["perioder"]))
      return err;
    msg.utbetalinger.push_back(std::move(u));
  }
  return caf::none;
}

caf::error read_historisk(const json::cursor& root, decoded_message& msg) {
  // Read the top level.
  if (auto err = read_header(root, {"personident", "vedtakstidspunkt",
                                    "historisk", "historisk"},
                             msg))
    return err;
  // Read the one utbetaling the message carries.
  auto u = make_utbetaling(msg);
  std::string stonad;
  if (auto err = json::take(json::get_uuid(root["id"]), u.uid))
    return err;
  if (auto err = json::take(json::get_string(root["stønad"]), stonad))
    return err;
  if (auto err = assign_stonad(u, stonad, root["stønad"]))
    return err;
  if (auto err = read_periodetype(root["periodetype"], "historisk",
                                  u.periodetype))
    return err;
  // Read the periods; none means opphør.
  auto perioder = read_perioder(root["perioder"], false);
  if (!perioder)
    return std::move(perioder.error());
  if (auto err = set_perioder(u, std::move(*perioder), root["perioder"]))
    return err;
  msg.utbetalinger.push_back(std::move(u));
  return caf::none;
}

caf::error read_valp(const json::cursor& root, decoded_message& msg) {
  // Read the top level; the saksbehandler is required.
  if (auto err = read_header(root, {"personIdent", "besluttetTidspunkt", "",
                                    "teamvalp", true},
                             msg))
    return err;
  // Read the one utbetaling and its stønad, tiltakskode × tilskuddstype.
  auto u = make_utbetaling(msg);
  u.periodetype = periodetype::en_gang;
  std::string tiltakskode;
  std::string tilskuddstype;
  if (auto err = json::take(json::get_uuid(root["id"]), u.uid))
    return err;
  if (auto err = json::take(json::get_string(root["tiltakskode"]),
                            tiltakskode))
    return err;
  if (auto err = json::take(json::get_string(root["tilskuddstype"]),
                            tilskuddstype))
    return err;
  auto koder = valp_tiltakskoder();
  if (std::find(koder.begin(), koder.end(), tiltakskode) == koder.end())
    return json::invalid(root["tiltakskode"],
                         "unknown value " + json::quote(tiltakskode));
  auto info = valp_stonad(tiltakskode, tilskuddstype);
  if (info == nullptr)
    return json::invalid(root["tilskuddstype"],
                         "unknown value " + json::quote(tilskuddstype)
                           + "; expected SKOLEPENGER, STUDIEREISE, "
                             "EKSAMENSGEBYR, SEMESTERAVGIFT or "
                             "INTEGRERT_BOTILBUD");
  if (auto err = assign_stonad(u, info->name, root["tiltakskode"]))
    return err;
  // Read the one period and its amount; 0 stops the utbetaling.
  auto periode_field = root["periode"];
  periode p;
  if (auto err = json::require_object(periode_field))
    return err;
  if (auto err = read_span(periode_field, p.fom, p.tom))
    return err;
  if (auto err = json::take(json::get_amount(root["belop"]), p.belop))
    return err;
  if (auto err = json::take(json::get_optional_string(root["kostnadssted"]),
                            p.betalende_enhet))
    return err;
  if (p.belop.value == 0) {
    u.action = action::fake_delete;
  } else {
    u.perioder.push_back(std::move(p));
    if (auto err = validate_perioder(u, periode_field.path()))
      return err;
  }
  msg.utbetalinger.push_back(std::move(u));
  return caf::none;
}

} // namespace utsjekk::decoding
