#pragma once

#include "messages/oppdrag_xml.hpp"
#include "messages/time.hpp"
#include "messages/types.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Oppdrag for the os_gateway suites: a DP sak, lines by number.
namespace utsjekk::test {

using namespace std::chrono_literals;

/// The fagsystemId every oppdrag of these suites goes to.
inline const std::string sak_id = "DPSAK0001";

/// The delytelseId of line `n`: base64 of a periode id.
inline std::string pid(uint8_t n) {
  auto u = uuid{};
  u.bytes[0] = 0x42;
  u.bytes[15] = n;
  return u.to_base64();
}

/// A local time from its text form; fails the test on a typo.
inline utsjekk::local_time at(std::string_view text) {
  auto t = parse_local_time(text);
  REQUIRE_MESSAGE(t, text);
  return *t;
}

/// Wednesday 11 June 2025, 10:00: OS is open.
inline utsjekk::local_time wednesday() {
  return at("2025-06-11T10:00:00");
}

/// A NY line of `n` paying `sats` a weekday from `fom` to `tom`.
inline oppdragslinje ny(uint8_t n, std::optional<uint8_t> ref, date fom,
                        date tom, uint64_t sats) {
  oppdragslinje l;
  l.kode_endring_linje = "NY";
  l.vedtak_id = "2025-06-11";
  l.delytelse_id = pid(n);
  l.kode_klassifik = "DAGPENGER";
  l.dato_klassifik_fom = fom;
  l.dato_vedtak_fom = fom;
  l.dato_vedtak_tom = tom;
  l.sats = kroner{sats};
  l.type_sats = "DAG";
  l.saksbeh_id = "dagpenger";
  l.utbetales_til_id = "12345678910";
  l.henvisning = "B-DP-1";
  if (ref) {
    l.ref_fagsystem_id = sak_id;
    l.ref_delytelse_id = pid(*ref);
  }
  l.attestant_id = "dagpenger";
  return l;
}

/// An oppdrag on the sak with `linjer`.
inline oppdrag make_oppdrag(std::string kode_endring,
                            std::vector<oppdragslinje> linjer) {
  oppdrag x;
  x.kode_endring = std::move(kode_endring);
  x.kode_fagomraade = "DP";
  x.fagsystem_id = sak_id;
  x.oppdrag_gjelder_id = "12345678910";
  x.dato_oppdrag_gjelder_fom = 2000y / std::chrono::January / 1d;
  x.saksbeh_id = "dagpenger";
  x.kode_komponent = "DP";
  x.nokkel_avstemming = "2025-06-11-10.10.00.000000";
  x.tidspkt_melding = "2025-06-11-10.00.00.000000";
  x.enheter = {oppdrags_enhet{"BOS", "8020",
                              1970y / std::chrono::January / 1d}};
  x.linjer = std::move(linjer);
  return x;
}

/// The XML of a new sak paying 1000 a weekday of 2–13 June 2025 (line 1).
inline std::string new_sak_xml() {
  return to_xml(make_oppdrag(
    "NY", {ny(1, std::nullopt, 2025y / std::chrono::June / 2d,
              2025y / std::chrono::June / 13d, 1000)}));
}

/// `n` oppdrag over many saker "DPSAK<k>": per sak a new sak (line 1), a
/// change chained to it (line 2), then an opphør of the chain; every
/// seventh is a redelivery of the one before it.
inline std::vector<std::string> mixed_xmls(size_t n) {
  std::vector<std::string> result;
  for (size_t i = 0; result.size() < n; ++i) {
    // A redelivery now and then.
    if (i % 7 == 6 && !result.empty()) {
      result.push_back(result.back());
      continue;
    }
    auto sak = "DPSAK" + std::to_string(i / 3);
    auto step = i % 3;
    oppdrag x;
    if (step == 0) {
      x = make_oppdrag(
        "NY", {ny(1, std::nullopt, 2025y / std::chrono::June / 2d,
                  2025y / std::chrono::June / 13d, 1000)});
    } else {
      auto l = ny(2, 1, 2025y / std::chrono::June / 9d,
                  2025y / std::chrono::June / 13d, 1500);
      l.ref_fagsystem_id = sak;
      if (step == 2) {
        l.kode_endring_linje = "ENDR";
        l.kode_status_linje = "OPPH";
        l.dato_status_fom = 2025y / std::chrono::June / 11d;
      }
      x = make_oppdrag("ENDR", {l});
    }
    x.fagsystem_id = sak;
    result.push_back(to_xml(x));
  }
  return result;
}

/// The alvorlighetsgrad of a kvittering's XML.
inline std::string grade_of(const std::string& xml) {
  auto parsed = parse_oppdrag(xml);
  REQUIRE(parsed);
  REQUIRE(parsed->mmel);
  return parsed->mmel->alvorlighetsgrad;
}

} // namespace utsjekk::test
