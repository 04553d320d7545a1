#include "os_gateway/state_json.hpp"

#include "messages/error.hpp"
#include "messages/json.hpp"
#include "messages/time.hpp"

#include <boost/json/serialize.hpp>

#include <utility>

namespace utsjekk::os {

namespace {

/// Largest document accepted: a ledger or state of many saker.
constexpr size_t max_document_size = size_t{1} << 30;

/// The state format this build writes and reads.
constexpr int64_t state_version = 1;

boost::json::value optional_date(const std::optional<date>& x) {
  if (!x)
    return nullptr;
  return boost::json::string{to_string(*x)};
}

/// One line; with its chain when `chain` is given (the saved state).
boost::json::object line_json(const ledger_line& x,
                              const std::string* chain) {
  boost::json::object result;
  result["delytelseId"] = x.delytelse_id;
  result["klassekode"] = x.kode_klassifik;
  result["fom"] = to_string(x.fom);
  result["tom"] = to_string(x.tom);
  result["sats"] = x.sats.value;
  result["typeSats"] = x.type_sats;
  result["opphorFom"] = optional_date(x.opphort_fom);
  if (chain != nullptr)
    result["chain"] = *chain;
  return result;
}

/// One base, its lines written by `lines`.
boost::json::object base_json(const base_key& key,
                              boost::json::array lines) {
  boost::json::object result;
  result["kodeFagomraade"] = key.fagomraade;
  result["fagsystemId"] = key.fagsystem_id;
  result["linjer"] = std::move(lines);
  return result;
}

/// A required non-negative integer.
caf::expected<uint64_t> get_count(const json::cursor& x) {
  auto value = json::get_amount(x);
  if (!value)
    return std::move(value.error());
  return value->value;
}

/// A non-negative integer into `out` when present; `out` is left as it is
/// when the field is missing.
template <class T>
caf::error take_optional_count(const json::cursor& x, T& out) {
  if (!x.present())
    return caf::none;
  return json::take(get_count(x), out);
}

/// Parses `text`, at most `max_size` bytes, as one JSON object.
caf::expected<boost::json::value> parse_object(std::string_view text,
                                               size_t max_size) {
  auto doc = json::parse(text, max_size);
  if (!doc)
    return std::move(doc.error());
  if (auto err = json::require_object(json::cursor{*doc}))
    return err;
  return doc;
}

caf::expected<ledger_line> read_line(const json::cursor& x) {
  ledger_line result;
  if (auto err = json::require_object(x))
    return err;
  if (auto err = json::take(json::get_string(x["delytelseId"]),
                            result.delytelse_id))
    return err;
  if (auto err = json::take(json::get_string(x["klassekode"]),
                            result.kode_klassifik))
    return err;
  if (auto err = json::take(json::get_date(x["fom"]), result.fom))
    return err;
  if (auto err = json::take(json::get_date(x["tom"]), result.tom))
    return err;
  if (auto err = json::take(json::get_amount(x["sats"]), result.sats))
    return err;
  if (auto err = json::take(json::get_string(x["typeSats"]),
                            result.type_sats))
    return err;
  if (auto err = json::take(json::get_optional_date(x["opphorFom"]),
                            result.opphort_fom))
    return err;
  return result;
}

/// Reads the key of one base.
caf::expected<base_key> read_key(const json::cursor& x) {
  base_key result;
  if (auto err = json::require_object(x))
    return err;
  if (auto err = json::take(json::get_string(x["kodeFagomraade"]),
                            result.fagomraade))
    return err;
  if (auto err = json::take(json::get_string(x["fagsystemId"]),
                            result.fagsystem_id))
    return err;
  return result;
}

caf::expected<mmel> read_mmel(const json::cursor& x) {
  mmel result;
  if (auto err = json::require_object(x))
    return err;
  std::pair<const char*, std::string*> fields[] = {
    {"systemId", &result.system_id},
    {"kodeMelding", &result.kode_melding},
    {"alvorlighetsgrad", &result.alvorlighetsgrad},
    {"beskrMelding", &result.beskr_melding},
    {"programId", &result.program_id},
    {"sectionNavn", &result.section_navn},
  };
  for (auto& [name, out] : fields)
    if (auto err = json::take(json::get_string(x[name]), *out))
      return err;
  return result;
}

boost::json::object mmel_json(const mmel& x) {
  boost::json::object result;
  result["systemId"] = x.system_id;
  result["kodeMelding"] = x.kode_melding;
  result["alvorlighetsgrad"] = x.alvorlighetsgrad;
  result["beskrMelding"] = x.beskr_melding;
  result["programId"] = x.program_id;
  result["sectionNavn"] = x.section_navn;
  return result;
}

/// The lines of one base as the saved state keeps them.
boost::json::array stored_json(
  const std::vector<simulator_snapshot::stored>& lines) {
  boost::json::array result;
  for (const auto& s : lines)
    result.push_back(line_json(s.line, &s.chain));
  return result;
}

/// Reads what stored_json() writes.
caf::error read_stored(const json::cursor& x,
                       std::vector<simulator_snapshot::stored>& out) {
  auto lines = json::get_array(x);
  if (!lines)
    return std::move(lines.error());
  for (auto& l : *lines) {
    simulator_snapshot::stored s;
    if (auto err = json::take(read_line(l), s.line))
      return err;
    if (auto err = json::take(json::get_string(l["chain"]), s.chain))
      return err;
    out.push_back(std::move(s));
  }
  return caf::none;
}

boost::json::object sends_json(const std::map<std::string, int>& sends) {
  boost::json::object result;
  for (const auto& [id, n] : sends)
    result[id] = n;
  return result;
}

/// Reads what sends_json() writes.
caf::error read_sends(const json::cursor& x, std::map<std::string, int>& out) {
  if (auto err = json::require_object(x))
    return err;
  for (const auto& kv : x.value()->get_object()) {
    auto n = get_count(x[kv.key()]);
    if (!n)
      return std::move(n.error());
    out[std::string{kv.key()}] = static_cast<int>(*n);
  }
  return caf::none;
}

boost::json::object answered_json(const answered_oppdrag& x) {
  boost::json::object result;
  result["oppdrag"] = x.oppdrag;
  result["mmel"] = mmel_json(x.mmel);
  return result;
}

caf::expected<answered_oppdrag> read_answered(const json::cursor& x) {
  answered_oppdrag result;
  if (auto err = json::require_object(x))
    return err;
  if (auto err = json::take(json::get_string(x["oppdrag"]), result.oppdrag))
    return err;
  if (auto err = json::take(read_mmel(x["mmel"]), result.mmel))
    return err;
  return result;
}

/// The saved state as an object, without its generation.
boost::json::object state_object(const responder_state& x) {
  boost::json::object result;
  result["version"] = state_version;
  result["received"] = x.sim.received;
  result["rng"] = x.sim.rng;
  result["sends"] = sends_json(x.sim.sends);
  boost::json::array bases;
  for (const auto& [key, lines] : x.sim.bases)
    bases.push_back(base_json(key, stored_json(lines)));
  result["bases"] = std::move(bases);
  boost::json::array answered;
  for (const auto& a : x.answered)
    answered.push_back(answered_json(a));
  result["answered"] = std::move(answered);
  return result;
}

/// Reads what state_object() writes, and the generation when present.
caf::expected<saved_snapshot> read_snapshot(std::string_view text) {
  auto doc = parse_object(text, max_document_size);
  if (!doc)
    return std::move(doc.error());
  json::cursor root{*doc};
  // A state of another format is not guessed at.
  auto version = get_count(root["version"]);
  if (!version)
    return std::move(version.error());
  if (*version != state_version)
    return json::invalid(root["version"], "unknown state version "
                                            + std::to_string(*version));
  saved_snapshot result;
  // A state saved before the change log has no generation: 0; one saved
  // before changes were numbered has no seq.
  if (auto err = take_optional_count(root["generation"], result.generation))
    return err;
  if (auto err = take_optional_count(root["seq"], result.seq))
    return err;
  auto& sim = result.state.sim;
  if (auto err = json::take(get_count(root["received"]), sim.received))
    return err;
  if (auto err = json::take(json::get_string(root["rng"]), sim.rng))
    return err;
  if (auto err = read_sends(root["sends"], sim.sends))
    return err;
  // Every line of every base, with its chain.
  auto bases = json::get_array(root["bases"]);
  if (!bases)
    return std::move(bases.error());
  for (auto& b : *bases) {
    auto key = read_key(b);
    if (!key)
      return std::move(key.error());
    if (auto err = read_stored(b["linjer"], sim.bases[*key]))
      return err;
  }
  // The answers remembered, oldest first.
  auto answered = json::get_array(root["answered"]);
  if (!answered)
    return std::move(answered.error());
  for (auto& a : *answered) {
    auto item = read_answered(a);
    if (!item)
      return std::move(item.error());
    result.state.answered.push_back(std::move(*item));
  }
  return result;
}

/// One change as a log line, with its number first when `seq` is given.
boost::json::object change_object(const responder_change& x,
                                  std::optional<uint64_t> seq) {
  boost::json::object result;
  if (seq)
    result["seq"] = *seq;
  result["received"] = x.sim.received;
  result["draws"] = x.sim.draws;
  result["sends"] = sends_json(x.sim.sends);
  if (x.sim.base)
    result["base"] = base_json(*x.sim.base, stored_json(x.sim.lines));
  else
    result["base"] = nullptr;
  if (x.answered)
    result["answered"] = answered_json(*x.answered);
  else
    result["answered"] = nullptr;
  return result;
}

/// Reads what change_object() writes.
caf::expected<logged_change> read_change(std::string_view text) {
  auto doc = parse_object(text, max_document_size);
  if (!doc)
    return std::move(doc.error());
  json::cursor root{*doc};
  logged_change result;
  if (auto err = take_optional_count(root["seq"], result.seq))
    return err;
  auto& sim = result.change.sim;
  if (auto err = json::take(get_count(root["received"]), sim.received))
    return err;
  if (auto err = json::take(get_count(root["draws"]), sim.draws))
    return err;
  if (auto err = read_sends(root["sends"], sim.sends))
    return err;
  // The base after the change, when one changed.
  if (!root["base"].absent()) {
    auto key = read_key(root["base"]);
    if (!key)
      return std::move(key.error());
    sim.base = std::move(*key);
    if (auto err = read_stored(root["base"]["linjer"], sim.lines))
      return err;
  }
  // The answer remembered, unless a 12.
  if (!root["answered"].absent()) {
    auto item = read_answered(root["answered"]);
    if (!item)
      return std::move(item.error());
    result.change.answered = std::move(*item);
  }
  return result;
}

} // namespace

std::string ledger_to_json(const ledger_map& ledger) {
  boost::json::array result;
  for (const auto& [key, lines] : ledger) {
    boost::json::array items;
    for (const auto& l : lines)
      items.push_back(line_json(l, nullptr));
    result.push_back(base_json(key, std::move(items)));
  }
  return boost::json::serialize(result);
}

caf::expected<ledger_map> parse_ledger(std::string_view text) {
  auto doc = json::parse(text, max_document_size);
  if (!doc)
    return std::move(doc.error());
  auto bases = json::get_array(json::cursor{*doc});
  if (!bases)
    return std::move(bases.error());
  ledger_map result;
  for (auto& b : *bases) {
    auto key = read_key(b);
    if (!key)
      return std::move(key.error());
    auto lines = json::get_array(b["linjer"]);
    if (!lines)
      return std::move(lines.error());
    auto& out = result[*key];
    for (auto& l : *lines) {
      auto line = read_line(l);
      if (!line)
        return std::move(line.error());
      out.push_back(std::move(*line));
    }
  }
  return result;
}

std::string to_json(const responder_state& x) {
  return boost::json::serialize(state_object(x));
}

caf::expected<responder_state> parse_responder_state(std::string_view text) {
  auto result = read_snapshot(text);
  if (!result)
    return std::move(result.error());
  return std::move(result->state);
}

std::string to_json(const responder_state& x, uint64_t generation,
                    uint64_t seq) {
  auto result = state_object(x);
  result["generation"] = generation;
  result["seq"] = seq;
  return boost::json::serialize(result);
}

caf::expected<saved_snapshot> parse_snapshot(std::string_view text) {
  return read_snapshot(text);
}

std::string to_json(const responder_change& x) {
  return boost::json::serialize(change_object(x, {}));
}

std::string to_json(const responder_change& x, uint64_t seq) {
  return boost::json::serialize(change_object(x, seq));
}

caf::expected<responder_change> parse_change(std::string_view text) {
  auto result = read_change(text);
  if (!result)
    return std::move(result.error());
  return std::move(result->change);
}

caf::expected<logged_change> parse_logged_change(std::string_view text) {
  return read_change(text);
}

std::string to_json(const log_header& x) {
  boost::json::object fields;
  fields["log"] = "utsjekk-os";
  fields["generation"] = x.generation;
  fields["after"] = x.after;
  fields["through"] = x.through;
  auto result = boost::json::serialize(fields);
  // Pad to the fixed size; the longest header (three 20-digit numbers)
  // takes 115 bytes.
  result.resize(log_header_bytes - 1, ' ');
  result += '\n';
  return result;
}

caf::expected<log_header> parse_log_header(std::string_view text) {
  auto doc = parse_object(text, log_header_bytes);
  if (!doc)
    return std::move(doc.error());
  json::cursor root{*doc};
  std::string kind;
  if (auto err = json::take(json::get_string(root["log"]), kind))
    return err;
  if (kind != "utsjekk-os")
    return json::invalid(root["log"], "not a log of utsjekk-os");
  log_header result;
  if (auto err = json::take(get_count(root["generation"]),
                            result.generation))
    return err;
  if (auto err = json::take(get_count(root["after"]), result.after))
    return err;
  if (auto err = json::take(get_count(root["through"]), result.through))
    return err;
  return result;
}

} // namespace utsjekk::os
