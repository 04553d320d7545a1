#include "messages/utbetaling_json.hpp"

#include "messages/error.hpp"
#include "messages/json.hpp"
#include "messages/stonad.hpp"
#include "messages/time.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <optional>
#include <utility>

namespace utsjekk {

namespace {

/// Largest state record accepted. A saker record of a large sak holds
/// tens of thousands of uids.
constexpr size_t max_state_size = 4 * 1024 * 1024;

/// The fagsystem as the state JSON writes it: the fagområde-level enum
/// name, so a TS utbetaling names its fagområde (TILLSTDR, ...) or
/// TILLEGGSSTØNADER for the legacy TILLST.
std::string state_name(const utbetaling& x) {
  auto ts = x.fagsystem == fagsystem::tilleggsstonader;
  if (!ts || x.fagomrade.empty() || x.fagomrade == tillst_fagomrade)
    return std::string{to_string(x.fagsystem)};
  return x.fagomrade;
}

/// Reverses state_name: the fagsystem, and for TS the fagområde.
caf::error read_state_name(const json::cursor& x, fagsystem& fs,
                           std::optional<std::string>& fagomrade) {
  std::string name;
  if (auto err = json::take(json::get_string(x), name))
    return err;
  auto ts = ts_fagomrader();
  if (std::find(ts.begin(), ts.end(), name) != ts.end()) {
    fs = fagsystem::tilleggsstonader;
    fagomrade = name;
    return caf::none;
  }
  auto parsed = parse_fagsystem(name);
  if (!parsed)
    return json::invalid(x, "unknown fagsystem " + json::quote(name));
  fs = *parsed;
  if (fs == fagsystem::tilleggsstonader)
    fagomrade = std::string{tillst_fagomrade};
  return caf::none;
}

boost::json::value optional_string(const std::optional<std::string>& x) {
  if (!x)
    return nullptr;
  return boost::json::string{*x};
}

boost::json::value periode_json(const periode& x) {
  boost::json::object result;
  result["fom"] = to_string(x.fom);
  result["tom"] = to_string(x.tom);
  result["beløp"] = x.belop.value;
  result["betalendeEnhet"] = optional_string(x.betalende_enhet);
  if (x.vedtakssats)
    result["vedtakssats"] = x.vedtakssats->value;
  else
    result["vedtakssats"] = nullptr;
  return result;
}

boost::json::value avvent_json(const avvent& x) {
  boost::json::object result;
  result["fom"] = to_string(x.fom);
  result["tom"] = to_string(x.tom);
  if (x.overfores)
    result["overføres"] = to_string(*x.overfores);
  else
    result["overføres"] = nullptr;
  result["årsak"] = optional_string(x.arsak);
  result["feilregistrering"] = x.feilregistrering;
  return result;
}

caf::expected<periode> read_periode(const json::cursor& x) {
  periode result;
  if (auto err = json::require_object(x))
    return err;
  if (auto err = json::take(json::get_date(x["fom"]), result.fom))
    return err;
  if (auto err = json::take(json::get_date(x["tom"]), result.tom))
    return err;
  if (auto err = json::take(json::get_amount(x["beløp"]), result.belop))
    return err;
  if (auto err = json::take(json::get_optional_string(x["betalendeEnhet"]),
                            result.betalende_enhet))
    return err;
  if (auto err = json::take(json::get_optional_amount(x["vedtakssats"]),
                            result.vedtakssats))
    return err;
  return result;
}

caf::error read_avvent(const json::cursor& x, std::optional<avvent>& out) {
  if (x.absent())
    return caf::none;
  avvent result;
  if (auto err = json::require_object(x))
    return err;
  if (auto err = json::take(json::get_date(x["fom"]), result.fom))
    return err;
  if (auto err = json::take(json::get_date(x["tom"]), result.tom))
    return err;
  if (auto err = json::take(json::get_optional_date(x["overføres"]),
                            result.overfores))
    return err;
  if (auto err = json::take(json::get_optional_string(x["årsak"]),
                            result.arsak))
    return err;
  if (auto err = json::take(json::get_bool(x["feilregistrering"], false),
                            result.feilregistrering))
    return err;
  out = std::move(result);
  return caf::none;
}

/// Reads the id of the last periode: UUID text, or the base64 form.
caf::error read_periode_id(const json::cursor& x, uuid& out) {
  std::string text;
  if (auto err = json::take(json::get_string(x), text))
    return err;
  auto id = uuid::parse(text);
  if (!id)
    id = uuid::from_base64(text);
  if (!id)
    return json::invalid(x, "expected a UUID, got " + json::quote(text)
                              + " (periode ids of the old format are not "
                                "supported)");
  out = *id;
  return caf::none;
}

/// Reads an enum by name with `parse`, naming `expected` in errors.
template <class T, class Parse>
caf::error read_enum(const json::cursor& x, Parse parse,
                     std::string_view expected, T& out) {
  std::string text;
  if (auto err = json::take(json::get_string(x), text))
    return err;
  auto result = parse(text);
  if (!result)
    return json::invalid(x, "unknown value " + json::quote(text)
                              + "; expected " + std::string{expected});
  out = *result;
  return caf::none;
}

} // namespace

std::string to_json(const utbetaling& x) {
  boost::json::object result;
  result["dryrun"] = x.dryrun;
  result["originalKey"] = x.original_key;
  result["fagsystem"] = state_name(x);
  result["uid"] = x.uid.to_string();
  result["action"] = to_string(x.action);
  result["førsteUtbetalingPåSak"] = x.forste_utbetaling_pa_sak;
  result["sakId"] = x.sak_id;
  result["behandlingId"] = x.behandling_id;
  result["lastPeriodeId"] = x.last_periode_id.to_string();
  if (x.siste_periode)
    result["sistePeriode"] = periode_json(*x.siste_periode);
  else
    result["sistePeriode"] = nullptr;
  result["personident"] = x.personident;
  result["vedtakstidspunkt"] = to_string(x.vedtakstidspunkt);
  result["stønad"] = x.stonad;
  result["beslutterId"] = x.beslutter_id;
  result["saksbehandlerId"] = x.saksbehandler_id;
  result["periodetype"] = to_string(x.periodetype);
  if (x.avvent)
    result["avvent"] = avvent_json(*x.avvent);
  else
    result["avvent"] = nullptr;
  boost::json::array perioder;
  for (const auto& p : x.perioder)
    perioder.push_back(periode_json(p));
  result["perioder"] = std::move(perioder);
  return boost::json::serialize(result);
}

caf::expected<utbetaling> parse_utbetaling(std::string_view text) {
  // Parse strictly; the top level must be an object.
  auto doc = json::parse(text, max_state_size);
  if (!doc)
    return std::move(doc.error());
  json::cursor root{*doc};
  if (auto err = json::require_object(root))
    return err;
  // Read the identity of the utbetaling.
  utbetaling u;
  std::optional<std::string> fagomrade;
  if (auto err = json::take(json::get_bool(root["dryrun"], false), u.dryrun))
    return err;
  if (auto err = json::take(json::get_string(root["originalKey"]),
                            u.original_key))
    return err;
  if (auto err = read_state_name(root["fagsystem"], u.fagsystem, fagomrade))
    return err;
  if (auto err = json::take(json::get_uuid(root["uid"]), u.uid))
    return err;
  if (auto err = read_enum(root["action"], parse_action,
                           "CREATE, UPDATE, DELETE or FAKE_DELETE", u.action))
    return err;
  if (auto err = json::take(json::get_bool(root["førsteUtbetalingPåSak"],
                                           false),
                            u.forste_utbetaling_pa_sak))
    return err;
  if (auto err = json::take(json::get_string(root["sakId"]), u.sak_id))
    return err;
  if (auto err = json::take(json::get_string(root["behandlingId"]),
                            u.behandling_id))
    return err;
  if (auto err = read_periode_id(root["lastPeriodeId"], u.last_periode_id))
    return err;
  if (!root["sistePeriode"].absent()) {
    auto siste = read_periode(root["sistePeriode"]);
    if (!siste)
      return std::move(siste.error());
    u.siste_periode = std::move(*siste);
  }
  // Read who and when.
  if (auto err = json::take(json::get_string(root["personident"]),
                            u.personident))
    return err;
  if (auto err = json::take(json::get_local_time(root["vedtakstidspunkt"]),
                            u.vedtakstidspunkt))
    return err;
  if (auto err = json::take(json::get_string(root["beslutterId"]),
                            u.beslutter_id))
    return err;
  if (auto err = json::take(json::get_string(root["saksbehandlerId"]),
                            u.saksbehandler_id))
    return err;
  // Read the stønad and recompute its codes; TS keeps the fagområde the
  // record names.
  std::string stonad;
  if (auto err = json::take(json::get_string(root["stønad"]), stonad))
    return err;
  auto info = find_stonad(u.fagsystem, stonad);
  if (info == nullptr)
    return json::invalid(root["stønad"],
                         "unknown stønad " + json::quote(stonad) + " for "
                           + std::string{to_string(u.fagsystem)});
  u.stonad = info->name;
  u.klassekode = info->klassekode;
  u.fagomrade = fagomrade.value_or(std::string{info->fagomrade});
  // Read the periods and the avvent.
  if (auto err = read_enum(root["periodetype"], parse_periodetype,
                           "DAG, UKEDAG, MND or EN_GANG", u.periodetype))
    return err;
  if (auto err = read_avvent(root["avvent"], u.avvent))
    return err;
  auto perioder = json::get_array(root["perioder"]);
  if (!perioder)
    return std::move(perioder.error());
  for (const auto& item : *perioder) {
    auto p = read_periode(item);
    if (!p)
      return std::move(p.error());
    u.perioder.push_back(std::move(*p));
  }
  return u;
}

std::string to_json(const sak_key& x) {
  boost::json::object result;
  result["sakId"] = x.sak_id;
  result["fagsystem"] = to_string(x.fagsystem);
  return boost::json::serialize(result);
}

caf::expected<sak_key> parse_sak_key(std::string_view text) {
  // Parse strictly; the top level must be an object.
  auto doc = json::parse(text, max_state_size);
  if (!doc)
    return std::move(doc.error());
  json::cursor root{*doc};
  if (auto err = json::require_object(root))
    return err;
  // Read both fields; a TS fagområde name stands for TILLEGGSSTØNADER.
  sak_key result;
  std::optional<std::string> fagomrade;
  if (auto err = json::take(json::get_string(root["sakId"]), result.sak_id))
    return err;
  if (auto err = read_state_name(root["fagsystem"], result.fagsystem,
                                 fagomrade))
    return err;
  return result;
}

std::string uids_to_json(const std::vector<uuid>& uids) {
  boost::json::array result;
  for (const auto& x : uids)
    result.push_back(boost::json::string{x.to_string()});
  return boost::json::serialize(result);
}

caf::expected<std::vector<uuid>> parse_uids(std::string_view text) {
  // Parse strictly; the top level must be an array of UUIDs.
  auto doc = json::parse(text, max_state_size);
  if (!doc)
    return std::move(doc.error());
  auto items = json::get_array(json::cursor{*doc});
  if (!items)
    return std::move(items.error());
  std::vector<uuid> result;
  result.reserve(items->size());
  for (const auto& item : *items) {
    auto id = json::get_uuid(item);
    if (!id)
      return std::move(id.error());
    result.push_back(*id);
  }
  return result;
}

} // namespace utsjekk
