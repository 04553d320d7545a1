#include "messages/oppdrag_xml.hpp"

#include "messages/error.hpp"
#include "messages/time.hpp"

#include <pugixml.hpp>

#include <charconv>
#include <sstream>
#include <utility>

// pugixml reports parse failures through xml_parse_result, not exceptions;
// this file only uses the DOM API, which does not throw.

namespace utsjekk {

namespace {

using namespace std::chrono;

// -- Europe/Oslo offset ------------------------------------------------------

/// The last Sunday of month `m` of year `y`.
sys_days last_sunday(year y, month m) {
  auto last = sys_days{y / m / std::chrono::last};
  return last - (weekday{last} - Sunday);
}

/// True when midnight at the start of `d` falls in Norwegian summer time.
/// Summer time starts at 02:00 on the last Sunday of March and ends at
/// 03:00 on the last Sunday of October (until 1995: September), so that
/// start day still begins in winter time and the end day in summer time.
/// Norway had no summer time from 1966 to 1979; earlier years are not
/// covered and count as winter.
bool is_summer_at_midnight(date d) {
  auto y = d.year();
  if (y < year{1980})
    return false;
  auto end_month = y < year{1996} ? September : October;
  auto day = sys_days{d};
  return day > last_sunday(y, March) && day <= last_sunday(y, end_month);
}

// -- writing -----------------------------------------------------------------

/// Appends `<name>value</name>` to `parent`.
void put(pugi::xml_node parent, const char* name, std::string_view value) {
  parent.append_child(name).text().set(value.data(), value.size());
}

/// Appends `<name>value</name>` to `parent`.
void put(pugi::xml_node parent, const char* name, const std::string& value) {
  put(parent, name, std::string_view{value});
}

/// Appends `<name>` with `value` when it is present.
void put(pugi::xml_node parent, const char* name,
         const std::optional<std::string>& value) {
  if (value)
    put(parent, name, *value);
}

/// Appends a date with its offset.
void put(pugi::xml_node parent, const char* name, date value) {
  put(parent, name, to_xml_date(value));
}

/// Appends a whole-kroner amount.
void put(pugi::xml_node parent, const char* name, kroner value) {
  put(parent, name, std::to_string(value.value));
}

void write_mmel(pugi::xml_node root, const mmel& m) {
  // XSD order; empty optional fields stay out.
  auto node = root.append_child("mmel");
  auto put_nonempty = [&](const char* name, const std::string& value) {
    if (!value.empty())
      put(node, name, value);
  };
  put_nonempty("systemId", m.system_id);
  put_nonempty("kodeMelding", m.kode_melding);
  put(node, "alvorlighetsgrad", m.alvorlighetsgrad);
  put_nonempty("beskrMelding", m.beskr_melding);
  put_nonempty("programId", m.program_id);
  put_nonempty("sectionNavn", m.section_navn);
}

void write_linje(pugi::xml_node parent, const oppdragslinje& l) {
  // The XSD sequence of oppdrags-linje-150, restricted to what we send.
  auto node = parent.append_child("oppdrags-linje-150");
  put(node, "kodeEndringLinje", l.kode_endring_linje);
  put(node, "kodeStatusLinje", l.kode_status_linje);
  if (l.dato_status_fom)
    put(node, "datoStatusFom", *l.dato_status_fom);
  put(node, "vedtakId", l.vedtak_id);
  put(node, "delytelseId", l.delytelse_id);
  put(node, "kodeKlassifik", l.kode_klassifik);
  put(node, "datoKlassifikFom", l.dato_klassifik_fom);
  put(node, "datoVedtakFom", l.dato_vedtak_fom);
  put(node, "datoVedtakTom", l.dato_vedtak_tom);
  put(node, "sats", l.sats);
  put(node, "fradragTillegg", l.fradrag_tillegg);
  put(node, "typeSats", l.type_sats);
  put(node, "brukKjoreplan", l.bruk_kjoreplan);
  put(node, "saksbehId", l.saksbeh_id);
  put(node, "utbetalesTilId", l.utbetales_til_id);
  put(node, "henvisning", l.henvisning);
  put(node, "refFagsystemId", l.ref_fagsystem_id);
  put(node, "refDelytelseId", l.ref_delytelse_id);
  if (l.vedtakssats)
    put(node.append_child("vedtakssats-157"), "vedtakssats", *l.vedtakssats);
  if (!l.attestant_id.empty())
    put(node.append_child("attestant-180"), "attestantId", l.attestant_id);
}

void write_oppdrag_110(pugi::xml_node root, const oppdrag& x) {
  // The XSD sequence of oppdrag-110, restricted to what we send.
  auto node = root.append_child("oppdrag-110");
  put(node, "kodeAksjon", x.kode_aksjon);
  put(node, "kodeEndring", x.kode_endring);
  put(node, "kodeFagomraade", x.kode_fagomraade);
  put(node, "fagsystemId", x.fagsystem_id);
  put(node, "utbetFrekvens", x.utbet_frekvens);
  put(node, "oppdragGjelderId", x.oppdrag_gjelder_id);
  put(node, "datoOppdragGjelderFom", x.dato_oppdrag_gjelder_fom);
  put(node, "saksbehId", x.saksbeh_id);
  if (!x.kode_komponent.empty() || !x.nokkel_avstemming.empty()
      || !x.tidspkt_melding.empty()) {
    auto avstemming = node.append_child("avstemming-115");
    put(avstemming, "kodeKomponent", x.kode_komponent);
    put(avstemming, "nokkelAvstemming", x.nokkel_avstemming);
    put(avstemming, "tidspktMelding", x.tidspkt_melding);
  }
  if (x.avvent) {
    auto avvent = node.append_child("avvent-118");
    put(avvent, "datoAvventFom", x.avvent->dato_avvent_fom);
    put(avvent, "datoAvventTom", x.avvent->dato_avvent_tom);
    put(avvent, "kodeArsak", x.avvent->kode_arsak);
    if (x.avvent->dato_overfores)
      put(avvent, "datoOverfores", *x.avvent->dato_overfores);
    put(avvent, "feilreg", x.avvent->feilreg);
  }
  for (const auto& e : x.enheter) {
    auto enhet = node.append_child("oppdrags-enhet-120");
    put(enhet, "typeEnhet", e.type_enhet);
    put(enhet, "enhet", e.enhet);
    put(enhet, "datoEnhetFom", e.dato_enhet_fom);
  }
  for (const auto& l : x.linjer)
    write_linje(node, l);
}

// -- reading -----------------------------------------------------------------

/// The name of `n` without its namespace prefix.
std::string_view local_name(const pugi::xml_node& n) {
  std::string_view name = n.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

/// The first child element of `parent` named `name`, prefix ignored.
pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
  for (auto c : parent.children())
    if (c.type() == pugi::node_element && local_name(c) == name)
      return c;
  return {};
}

/// Removes leading and trailing blanks (COBOL pads fields with spaces).
std::string trim(std::string_view x) {
  auto first = x.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return {};
  auto last = x.find_last_not_of(" \t\r\n");
  return std::string{x.substr(first, last - first + 1)};
}

/// Parses "YYYY-MM-DD" with an optional "Z" or "+HH:MM" / "-HH:MM".
std::optional<date> parse_xml_date(std::string_view text) {
  if (text.size() < 10)
    return std::nullopt;
  auto zone = text.substr(10);
  auto zone_ok = zone.empty() || zone == "Z"
                 || (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-')
                     && zone[3] == ':');
  if (!zone_ok)
    return std::nullopt;
  return parse_date(text.substr(0, 10));
}

/// Parses whole kroner; OS may write a decimal with a zero fraction.
std::optional<kroner> parse_kroner(std::string_view text) {
  auto dot = text.find('.');
  auto whole = text.substr(0, dot);
  if (dot != std::string_view::npos) {
    auto fraction = text.substr(dot + 1);
    if (fraction.find_first_not_of('0') != std::string_view::npos)
      return std::nullopt;
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(),
                                   value);
  if (whole.empty() || ec != std::errc{} || end != whole.data() + whole.size())
    return std::nullopt;
  return kroner{value};
}

/// Reads the fields of one element and keeps the first error, naming the
/// element by its path, so that callers read straight through.
class reader {
public:
  /// The first error met, if any.
  caf::error error;

  /// The text of the required child `name` of `parent` at `path`.
  std::string text(const pugi::xml_node& parent, const std::string& path,
                   std::string_view name) {
    auto c = child(parent, name);
    if (!c) {
      fail(path, name, "missing");
      return {};
    }
    return c.text().get();
  }

  /// The text of the optional child `name`.
  std::optional<std::string> opt_text(const pugi::xml_node& parent,
                                      std::string_view name) {
    auto c = child(parent, name);
    if (!c)
      return std::nullopt;
    return std::string{c.text().get()};
  }

  /// The optional child `name` as a string, empty when absent.
  std::string text_or_empty(const pugi::xml_node& parent,
                            std::string_view name) {
    return opt_text(parent, name).value_or(std::string{});
  }

  /// The required date child `name`.
  date required_date(const pugi::xml_node& parent, const std::string& path,
               std::string_view name) {
    auto result = opt_date(parent, path, name);
    if (!result && !error)
      fail(path, name, "missing");
    return result.value_or(date{});
  }

  /// The optional date child `name`.
  std::optional<date> opt_date(const pugi::xml_node& parent,
                               const std::string& path,
                               std::string_view name) {
    auto raw = opt_text(parent, name);
    if (!raw)
      return std::nullopt;
    auto result = parse_xml_date(*raw);
    if (!result)
      fail(path, name, "not a date: '" + *raw + "'");
    return result;
  }

  /// The required amount child `name`.
  kroner amount(const pugi::xml_node& parent, const std::string& path,
                std::string_view name) {
    auto raw = text(parent, path, name);
    if (error)
      return {};
    auto result = parse_kroner(raw);
    if (!result)
      fail(path, name, "not whole kroner: '" + raw + "'");
    return result.value_or(kroner{});
  }

  /// Records an error about `name` under `path` unless one is recorded.
  void fail(const std::string& path, std::string_view name,
            const std::string& what) {
    if (error)
      return;
    auto where = path.empty() ? std::string{name}
                              : path + "/" + std::string{name};
    error = caf::make_error(ec::malformed_xml, where + ": " + what);
  }
};

mmel read_mmel(reader& r, const pugi::xml_node& node) {
  mmel result;
  result.system_id = r.text_or_empty(node, "systemId");
  result.kode_melding = r.text_or_empty(node, "kodeMelding");
  result.alvorlighetsgrad = trim(r.text(node, "mmel", "alvorlighetsgrad"));
  result.beskr_melding = r.text_or_empty(node, "beskrMelding");
  result.program_id = r.text_or_empty(node, "programId");
  result.section_navn = r.text_or_empty(node, "sectionNavn");
  return result;
}

oppdragslinje read_linje(reader& r, const pugi::xml_node& node,
                         const std::string& path) {
  oppdragslinje l;
  l.kode_endring_linje = r.text(node, path, "kodeEndringLinje");
  l.kode_status_linje = r.opt_text(node, "kodeStatusLinje");
  l.dato_status_fom = r.opt_date(node, path, "datoStatusFom");
  l.vedtak_id = r.text(node, path, "vedtakId");
  l.delytelse_id = r.text(node, path, "delytelseId");
  l.kode_klassifik = r.text(node, path, "kodeKlassifik");
  l.dato_klassifik_fom = r.required_date(node, path, "datoKlassifikFom");
  l.dato_vedtak_fom = r.required_date(node, path, "datoVedtakFom");
  l.dato_vedtak_tom = r.required_date(node, path, "datoVedtakTom");
  l.sats = r.amount(node, path, "sats");
  l.fradrag_tillegg = r.text(node, path, "fradragTillegg");
  l.type_sats = r.text(node, path, "typeSats");
  l.bruk_kjoreplan = r.text(node, path, "brukKjoreplan");
  l.saksbeh_id = r.text(node, path, "saksbehId");
  l.utbetales_til_id = r.text(node, path, "utbetalesTilId");
  l.henvisning = r.text_or_empty(node, "henvisning");
  l.ref_fagsystem_id = r.opt_text(node, "refFagsystemId");
  l.ref_delytelse_id = r.opt_text(node, "refDelytelseId");
  if (auto sats = child(node, "vedtakssats-157"))
    l.vedtakssats = r.amount(sats, path + "/vedtakssats-157", "vedtakssats");
  if (auto attestant = child(node, "attestant-180"))
    l.attestant_id = r.text(attestant, path + "/attestant-180", "attestantId");
  return l;
}

oppdrag read_oppdrag_110(reader& r, const pugi::xml_node& node) {
  const std::string path = "oppdrag-110";
  oppdrag x;
  x.kode_aksjon = r.text(node, path, "kodeAksjon");
  x.kode_endring = r.text(node, path, "kodeEndring");
  x.kode_fagomraade = r.text(node, path, "kodeFagomraade");
  x.fagsystem_id = r.text(node, path, "fagsystemId");
  x.utbet_frekvens = r.text(node, path, "utbetFrekvens");
  x.oppdrag_gjelder_id = r.text(node, path, "oppdragGjelderId");
  x.dato_oppdrag_gjelder_fom
    = r.required_date(node, path, "datoOppdragGjelderFom");
  x.saksbeh_id = r.text(node, path, "saksbehId");
  if (auto avstemming = child(node, "avstemming-115")) {
    auto sub = path + "/avstemming-115";
    x.kode_komponent = r.text(avstemming, sub, "kodeKomponent");
    x.nokkel_avstemming = r.text(avstemming, sub, "nokkelAvstemming");
    x.tidspkt_melding = r.text(avstemming, sub, "tidspktMelding");
  }
  if (auto avvent = child(node, "avvent-118")) {
    auto sub = path + "/avvent-118";
    avvent118 a;
    a.dato_avvent_fom = r.required_date(avvent, sub, "datoAvventFom");
    a.dato_avvent_tom = r.required_date(avvent, sub, "datoAvventTom");
    a.kode_arsak = r.opt_text(avvent, "kodeArsak");
    a.dato_overfores = r.opt_date(avvent, sub, "datoOverfores");
    a.feilreg = r.opt_text(avvent, "feilreg").value_or("N");
    x.avvent = std::move(a);
  }
  // Repeated blocks, numbered from 0 in error paths.
  size_t n_enhet = 0;
  size_t n_linje = 0;
  for (auto c : node.children()) {
    if (c.type() != pugi::node_element)
      continue;
    if (local_name(c) == "oppdrags-enhet-120") {
      auto sub = path + "/oppdrags-enhet-120[" + std::to_string(n_enhet++)
                 + "]";
      x.enheter.push_back({r.text(c, sub, "typeEnhet"),
                           r.text(c, sub, "enhet"),
                           r.required_date(c, sub, "datoEnhetFom")});
    } else if (local_name(c) == "oppdrags-linje-150") {
      auto sub = path + "/oppdrags-linje-150[" + std::to_string(n_linje++)
                 + "]";
      x.linjer.push_back(read_linje(r, c, sub));
    }
  }
  return x;
}

/// Checks that `root` is an `oppdrag` element in the oppdrag namespace,
/// declared with a prefix or as the default namespace.
caf::error check_root(const pugi::xml_node& root) {
  if (!root || local_name(root) != "oppdrag")
    return caf::make_error(ec::malformed_xml,
                           std::string{"oppdrag: the root element is '"}
                             + root.name() + "'");
  std::string_view name = root.name();
  auto colon = name.find(':');
  auto xmlns = colon == std::string_view::npos
                 ? std::string{"xmlns"}
                 : "xmlns:" + std::string{name.substr(0, colon)};
  if (root.attribute(xmlns.c_str()).value() != oppdrag_namespace)
    return caf::make_error(ec::malformed_xml,
                           "oppdrag: not in namespace "
                             + std::string{oppdrag_namespace});
  return {};
}

} // namespace

std::string to_xml_date(date d) {
  return to_string(d) + (is_summer_at_midnight(d) ? "+02:00" : "+01:00");
}

std::string to_xml(const oppdrag& x) {
  pugi::xml_document doc;
  // Declaration and root as the systems being replaced write them.
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  decl.append_attribute("standalone") = "yes";
  auto root = doc.append_child("ns2:oppdrag");
  root.append_attribute("xmlns:ns2") = std::string{oppdrag_namespace}.c_str();
  // mmel comes first in a kvittering.
  if (x.mmel)
    write_mmel(root, *x.mmel);
  write_oppdrag_110(root, x);
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return std::move(out).str();
}

caf::expected<oppdrag> parse_oppdrag(std::string_view xml) {
  // Well-formed XML first.
  pugi::xml_document doc;
  auto loaded = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default,
                                pugi::encoding_utf8);
  if (!loaded)
    return caf::make_error(ec::malformed_xml,
                           "document: " + std::string{loaded.description()}
                             + " at offset "
                             + std::to_string(loaded.offset));
  // Then the root and its namespace.
  auto root = doc.document_element();
  if (auto err = check_root(root))
    return err;
  // Then the content.
  reader r;
  auto body = child(root, "oppdrag-110");
  if (!body)
    return caf::make_error(ec::malformed_xml, "oppdrag-110: missing");
  auto result = read_oppdrag_110(r, body);
  if (auto m = child(root, "mmel"))
    result.mmel = read_mmel(r, m);
  if (r.error)
    return std::move(r.error);
  return result;
}

} // namespace utsjekk
