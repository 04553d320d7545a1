#include "messages/decode.hpp"

#include "messages/decode_internal.hpp"
#include "messages/error.hpp"
#include "messages/json.hpp"
#include "messages/stonad.hpp"
#include "messages/time.hpp"
#include "messages/uid.hpp"

#include <algorithm>
#include <chrono>

namespace utsjekk {

namespace decoding {

namespace {

/// True for 11 ASCII digits (fødselsnummer or D-nummer).
bool is_personident(std::string_view x) {
  return x.size() == 11
         && std::all_of(x.begin(), x.end(),
                        [](char c) { return c >= '0' && c <= '9'; });
}

/// Reads an instant "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)" as
/// Norwegian local time, as the system being replaced does (it runs with
/// TZ=Europe/Oslo). Without a zone the time is taken as UTC.
caf::expected<local_time> get_instant(const json::cursor& x) {
  using namespace std::chrono;
  // Read the wall-clock part; parse_local_time ignores the zone.
  std::string text;
  if (auto err = json::take(json::get_string(x), text))
    return err;
  auto wall = parse_local_time(text);
  if (!wall)
    return json::invalid(x, "expected an instant "
                            "YYYY-MM-DDTHH:MM:SS[.fraction]Z, got "
                              + json::quote(text));
  // Apply the offset, if any, to get UTC; parse_local_time checked its
  // digits.
  auto offset = minutes{0};
  auto n = text.size();
  auto digit = [&text](size_t i) { return text[i] - '0'; };
  if (text[n - 6] == '+' || text[n - 6] == '-') {
    auto hh = digit(n - 5) * 10 + digit(n - 4);
    auto mm = digit(n - 2) * 10 + digit(n - 1);
    offset = minutes{hh * 60 + mm} * (text[n - 6] == '-' ? -1 : 1);
  }
  auto utc = sys_time<microseconds>{wall->time_since_epoch()} - offset;
  return to_oslo(utc);
}

} // namespace

caf::error check_id(const json::cursor& x, const std::string& id,
                    ec code) {
  auto n = utf16_length(id);
  // An id of spaces reads back from XML as nothing: another sak's id.
  if (id.find_first_not_of(" \t\r\n") == std::string::npos && n > 0)
    return caf::make_error(code, x.path() + ": must not be blank");
  if (n >= 1 && n <= max_id_length)
    return caf::none;
  return caf::make_error(code, x.path() + ": must be 1 to "
                                 + std::to_string(max_id_length)
                                 + " characters, got " + std::to_string(n));
}

caf::error read_header(const json::cursor& root, const header_names& names,
                       decoded_message& msg) {
  // Read the ids of the sak and the behandling, and check their length.
  auto sak_id = root["sakId"];
  if (auto err = json::take(json::get_string(sak_id), msg.sak.sak_id))
    return err;
  if (auto err = check_id(sak_id, msg.sak.sak_id, ec::ugyldig_sak_id))
    return err;
  msg.sak.fagsystem = msg.fagsystem;
  auto behandling_id = root["behandlingId"];
  if (auto err = json::take(json::get_string(behandling_id),
                            msg.behandling_id))
    return err;
  if (auto err = check_id(behandling_id, msg.behandling_id,
                          ec::ugyldig_behandling_id))
    return err;
  // Read the personident; no message ever quotes its value.
  auto ident = root[names.ident];
  if (auto err = json::take(json::get_string(ident), msg.personident))
    return err;
  if (!is_personident(msg.personident))
    return json::invalid(ident, "expected 11 digits (fødselsnummer or "
                                "D-nummer)");
  // Read the time of the decision.
  auto time = root[names.time];
  auto when = names.instant ? get_instant(time) : json::get_local_time(time);
  if (auto err = json::take(std::move(when), msg.vedtakstidspunkt))
    return err;
  // Read dryrun and who decided, with the format's defaults.
  if (auto err = json::take(json::get_bool(root["dryrun"], false),
                            msg.dryrun))
    return err;
  std::optional<std::string> saksbehandler;
  std::optional<std::string> beslutter;
  if (names.default_saksbehandler.empty()) {
    if (auto err = json::take(json::get_string(root["saksbehandler"]),
                              saksbehandler))
      return err;
  } else if (auto err = json::take(
               json::get_optional_string(root["saksbehandler"]),
               saksbehandler)) {
    return err;
  }
  if (auto err = json::take(json::get_optional_string(root["beslutter"]),
                            beslutter))
    return err;
  msg.saksbehandler = saksbehandler.value_or(
    std::string{names.default_saksbehandler});
  msg.beslutter = beslutter.value_or(std::string{names.default_beslutter});
  return caf::none;
}

utbetaling make_utbetaling(const decoded_message& msg) {
  utbetaling result;
  result.dryrun = msg.dryrun;
  result.original_key = msg.key.value;
  result.fagsystem = msg.fagsystem;
  result.sak_id = msg.sak.sak_id;
  result.behandling_id = msg.behandling_id;
  result.personident = msg.personident;
  result.vedtakstidspunkt = msg.vedtakstidspunkt;
  result.saksbehandler_id = msg.saksbehandler;
  result.beslutter_id = msg.beslutter;
  return result;
}

caf::error assign_stonad(utbetaling& u, std::string_view name,
                         const json::cursor& field) {
  auto info = find_stonad(u.fagsystem, name);
  if (info == nullptr)
    return json::invalid(field, "unknown stønad " + json::quote(name)
                                  + " for "
                                  + std::string{to_string(u.fagsystem)});
  if (info->klassekode.empty())
    return json::invalid(field, "stønad " + json::quote(name)
                                  + " has no klassekode in OS yet and "
                                    "cannot be paid");
  u.stonad = info->name;
  u.klassekode = info->klassekode;
  u.fagomrade = info->fagomrade;
  return caf::none;
}

} // namespace decoding

caf::expected<decoded_message>
decode(fagsystem fs, const tx_id& key, std::string_view payload) {
  // Parse strictly; the top level must be an object.
  auto doc = json::parse(payload, max_payload_size);
  if (!doc)
    return std::move(doc.error());
  json::cursor root{*doc};
  if (auto err = json::require_object(root))
    return err;
  // Read the format of the fagsystem.
  decoded_message msg;
  msg.key = key;
  msg.fagsystem = fs;
  caf::error err;
  switch (fs) {
    case fagsystem::aap:
      err = decoding::read_aap(root, msg);
      break;
    case fagsystem::dagpenger:
      err = decoding::read_dp(root, msg);
      break;
    case fagsystem::tiltakspenger:
      err = decoding::read_tp(root, msg);
      break;
    case fagsystem::tilleggsstonader:
      err = decoding::read_ts(root, msg);
      break;
    case fagsystem::historisk:
      err = decoding::read_historisk(root, msg);
      break;
    case fagsystem::valp:
      err = decoding::read_valp(root, msg);
      break;
  }
  if (err)
    return err;
  // Check the message as a whole.
  if (auto err = validate(msg))
    return err;
  return msg;
}

caf::error validate(const decoded_message& msg) {
  // Check the ids of the sak and the behandling.
  json::cursor sak_id{nullptr, "sakId"};
  if (auto err = decoding::check_id(sak_id, msg.sak.sak_id, ec::ugyldig_sak_id))
    return err;
  json::cursor behandling_id{nullptr, "behandlingId"};
  if (auto err = decoding::check_id(behandling_id, msg.behandling_id,
                                  ec::ugyldig_behandling_id))
    return err;
  // Check every utbetaling: one dryrun flag, and valid periods.
  for (const auto& u : msg.utbetalinger) {
    auto label = "utbetaling " + u.uid.to_string();
    if (u.dryrun != msg.dryrun)
      return caf::make_error(ec::mixed_dryrun,
                             label + ": dryrun differs from the message's; "
                                     "send simulations and payments in "
                                     "separate messages");
    if (u.action != action::create)
      continue;
    if (auto err = decoding::validate_perioder(u, label))
      return err;
  }
  return caf::none;
}

} // namespace utsjekk
