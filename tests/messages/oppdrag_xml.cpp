#include "messages/oppdrag_xml.hpp"

#include "messages/error.hpp"
#include "output_builders.hpp"

#include <doctest/doctest.h>

#include <pugixml.hpp>

#include <algorithm>
#include <set>

using namespace utsjekk;
using namespace utsjekk::test;

namespace {

/// The sequence of oppdrag-110 in oppdragskjema-1.xsd (reference §3.3.1).
const std::vector<std::string> xsd_oppdrag_110 = {
  "kodeAksjon",          "kodeEndring",         "kodeStatus",
  "datoStatusFom",       "kodeFagomraade",      "fagsystemId",
  "oppdragsId",          "utbetFrekvens",       "datoForfall",
  "stonadId",            "oppdragGjelderId",    "datoOppdragGjelderFom",
  "saksbehId",           "oppdrags-status-111", "oppdrag-gjelder-112",
  "bilagstype-113",      "avstemming-115",      "ompostering-116",
  "avvent-118",          "oppdrags-enhet-120",  "belops-grense-130",
  "tekst-140",           "oppdrags-linje-150",
};

/// The sequence of oppdrags-linje-150 in oppdragskjema-1.xsd.
const std::vector<std::string> xsd_linje_150 = {
  "kodeEndringLinje",  "kodeStatusLinje",   "datoStatusFom",
  "vedtakId",          "delytelseId",       "linjeId",
  "kodeKlassifik",     "datoKlassifikFom",  "datoVedtakFom",
  "datoVedtakTom",     "sats",              "fradragTillegg",
  "typeSats",          "skyldnerId",        "datoSkyldnerFom",
  "kravhaverId",       "datoKravhaverFom",  "kid",
  "datoKidFom",        "brukKjoreplan",     "saksbehId",
  "utbetalesTilId",    "datoUtbetalesTilIdFom", "kodeArbeidsgiver",
  "henvisning",        "typeSoknad",        "refFagsystemId",
  "refOppdragsId",     "refDelytelseId",    "refLinjeId",
  "linje-status-151",  "klassifikasjon-152", "skyldner-153",
  "kid-154",           "utbetales-til-155", "refusjonsinfo-156",
  "vedtakssats-157",   "linje-tekst-158",   "linje-enhet-160",
  "grad-170",          "attestant-180",     "valuta-190",
};

/// A line with every optional element present.
oppdragslinje full_linje() {
  oppdragslinje l;
  l.kode_endring_linje = "ENDR";
  l.kode_status_linje = "OPPH";
  l.dato_status_fom = d("2025-06-03");
  l.vedtak_id = "2025-06-30";
  l.delytelse_id = periode_id(1).to_base64();
  l.kode_klassifik = "AAPOR";
  l.dato_klassifik_fom = d("2025-06-02");
  l.dato_vedtak_fom = d("2025-06-02");
  l.dato_vedtak_tom = d("2025-06-13");
  l.sats = kroner{553};
  l.type_sats = "DAG";
  l.saksbeh_id = "Z123456";
  l.utbetales_til_id = "01418010181";
  l.henvisning = "B-AAP-2";
  l.ref_fagsystem_id = "AAP4Q1C";
  l.ref_delytelse_id = periode_id(0).to_base64();
  l.vedtakssats = kroner{1077};
  l.attestant_id = "Z654321";
  return l;
}

/// An oppdrag with every element we write, a kvittering's mmel included.
oppdrag full_oppdrag() {
  oppdrag x;
  x.mmel = mmel{"231-OPPD", "B110008F", "04",
                "Vedtak-tom er ikke siste i mnd ved månedssats", "K231BB10",
                "CA10-INPUTKONTROLL"};
  x.kode_endring = "ENDR";
  x.kode_fagomraade = "AAP";
  x.fagsystem_id = "AAP4Q1C";
  x.oppdrag_gjelder_id = "01418010181";
  x.dato_oppdrag_gjelder_fom = d("2000-01-01");
  x.saksbeh_id = "Z123456";
  x.kode_komponent = "AAP";
  x.nokkel_avstemming = "2025-06-30-10.10.00.000000";
  x.tidspkt_melding = "2025-06-30-14.03.11.123456";
  x.avvent = avvent118{d("2025-06-02"), d("2025-06-13"), d("2025-07-01"),
                       "AVAV", "N"};
  x.enheter = {{"BOS", "0220", d("1970-01-01")},
               {"BEH", "8020", d("1970-01-01")}};
  auto second = full_linje();
  second.kode_endring_linje = "NY";
  second.kode_status_linje.reset();
  second.dato_status_fom.reset();
  second.delytelse_id = periode_id(2).to_base64();
  x.linjer = {full_linje(), second};
  return x;
}

/// The element children of `n`, by name.
std::vector<std::string> child_names(const pugi::xml_node& n) {
  std::vector<std::string> result;
  for (auto c : n.children())
    if (c.type() == pugi::node_element)
      result.push_back(c.name());
  return result;
}

/// Checks that `names` follow the order of `sequence`; repeats allowed.
void check_order(const std::vector<std::string>& names,
                 const std::vector<std::string>& sequence) {
  size_t last = 0;
  for (const auto& name : names) {
    INFO("element ", name);
    auto i = std::find(sequence.begin(), sequence.end(), name);
    REQUIRE(i != sequence.end());
    auto index = static_cast<size_t>(i - sequence.begin());
    CHECK(index >= last);
    last = index;
  }
}

/// Parses `xml` and requires success.
oppdrag must_parse(std::string_view xml) {
  auto result = parse_oppdrag(xml);
  REQUIRE_MESSAGE(result, render(result.error()));
  return *result;
}

/// Expects a malformed_xml error whose message names `where`.
void check_rejected(std::string_view xml, std::string_view where) {
  auto result = parse_oppdrag(xml);
  REQUIRE_FALSE(result);
  CHECK(result.error() == ec::malformed_xml);
  auto msg = error_message(result.error());
  INFO(msg);
  CHECK(msg.find(where) != std::string::npos);
}

/// A kvittering as OS sends it: default namespace, no date offsets, an
/// alvorlighetsgrad padded with COBOL spaces.
constexpr std::string_view kvittering_xml = R"(<?xml version="1.0"?>
<oppdrag xmlns="http://www.trygdeetaten.no/skjema/oppdrag">
  <mmel>
    <systemId>231-OPPD</systemId>
    <alvorlighetsgrad>00  </alvorlighetsgrad>
    <sqlKode>0</sqlKode>
    <programId>K231BB10</programId>
  </mmel>
  <oppdrag-110>
    <kodeAksjon>1</kodeAksjon>
    <kodeEndring>NY</kodeEndring>
    <kodeFagomraade>DP</kodeFagomraade>
    <fagsystemId>DPSAK0001</fagsystemId>
    <utbetFrekvens>MND</utbetFrekvens>
    <oppdragGjelderId>02428110202</oppdragGjelderId>
    <datoOppdragGjelderFom>2000-01-01</datoOppdragGjelderFom>
    <saksbehId>dagpenger</saksbehId>
    <avstemming-115>
      <kodeKomponent>DP</kodeKomponent>
      <nokkelAvstemming>2026-06-20-10.10.00.000000</nokkelAvstemming>
      <tidspktMelding>2026-06-20-14.03.11.123456</tidspktMelding>
    </avstemming-115>
    <oppdrags-enhet-120>
      <typeEnhet>BOS</typeEnhet>
      <enhet>8020</enhet>
      <datoEnhetFom>1970-01-01Z</datoEnhetFom>
    </oppdrags-enhet-120>
    <oppdrags-linje-150>
      <kodeEndringLinje>NY</kodeEndringLinje>
      <vedtakId>2026-06-20</vedtakId>
      <delytelseId>uwAAAAAAAAAAAAAAAAAAAQ==</delytelseId>
      <kodeKlassifik>DAGPENGER</kodeKlassifik>
      <datoKlassifikFom>2026-06-01</datoKlassifikFom>
      <datoVedtakFom>2026-06-01</datoVedtakFom>
      <datoVedtakTom>2026-06-02+02:00</datoVedtakTom>
      <sats>1573.00</sats>
      <fradragTillegg>T</fradragTillegg>
      <typeSats>DAG</typeSats>
      <brukKjoreplan>N</brukKjoreplan>
      <saksbehId>dagpenger</saksbehId>
      <utbetalesTilId>02428110202</utbetalesTilId>
      <henvisning>B-DP-1</henvisning>
      <vedtakssats-157>
        <vedtakssats>1573</vedtakssats>
      </vedtakssats-157>
      <attestant-180>
        <attestantId>dagpenger</attestantId>
      </attestant-180>
    </oppdrags-linje-150>
  </oppdrag-110>
</oppdrag>
)";

} // namespace

TEST_SUITE("messages/oppdrag_xml") {

TEST_CASE("dates carry Europe/Oslo's offset at the start of the day") {
  SUBCASE("winter") {
    CHECK(to_xml_date(d("2025-01-15")) == "2025-01-15+01:00");
    CHECK(to_xml_date(d("2000-01-01")) == "2000-01-01+01:00");
    CHECK(to_xml_date(d("1970-01-01")) == "1970-01-01+01:00");
    CHECK(to_xml_date(d("2025-12-31")) == "2025-12-31+01:00");
  }
  SUBCASE("summer") {
    CHECK(to_xml_date(d("2025-06-02")) == "2025-06-02+02:00");
    CHECK(to_xml_date(d("2026-08-01")) == "2026-08-01+02:00");
  }
  SUBCASE("the change days begin in the old time") {
    // 2025: summer time from 30 March to 26 October.
    CHECK(to_xml_date(d("2025-03-29")) == "2025-03-29+01:00");
    CHECK(to_xml_date(d("2025-03-30")) == "2025-03-30+01:00");
    CHECK(to_xml_date(d("2025-03-31")) == "2025-03-31+02:00");
    CHECK(to_xml_date(d("2025-10-26")) == "2025-10-26+02:00");
    CHECK(to_xml_date(d("2025-10-27")) == "2025-10-27+01:00");
    // 2026: from 29 March to 25 October.
    CHECK(to_xml_date(d("2026-03-29")) == "2026-03-29+01:00");
    CHECK(to_xml_date(d("2026-03-30")) == "2026-03-30+02:00");
    CHECK(to_xml_date(d("2026-10-25")) == "2026-10-25+02:00");
    CHECK(to_xml_date(d("2026-10-26")) == "2026-10-26+01:00");
  }
}

TEST_CASE("the root is ns2:oppdrag with unprefixed children, mmel first") {
  auto xml = to_xml(full_oppdrag());
  pugi::xml_document doc;
  REQUIRE(doc.load_string(xml.c_str()));
  auto root = doc.document_element();
  CHECK(std::string{root.name()} == "ns2:oppdrag");
  CHECK(std::string{root.attribute("xmlns:ns2").value()}
        == "http://www.trygdeetaten.no/skjema/oppdrag");
  CHECK(child_names(root)
        == std::vector<std::string>{"mmel", "oppdrag-110"});
  CHECK(child_names(root.child("mmel"))
        == std::vector<std::string>{"systemId", "kodeMelding",
                                    "alvorlighetsgrad", "beskrMelding",
                                    "programId", "sectionNavn"});
  SUBCASE("an oppdrag without mmel has oppdrag-110 alone") {
    auto plain = full_oppdrag();
    plain.mmel.reset();
    pugi::xml_document sent;
    REQUIRE(sent.load_string(to_xml(plain).c_str()));
    CHECK(child_names(sent.document_element())
          == std::vector<std::string>{"oppdrag-110"});
  }
}

TEST_CASE("elements follow the XSD sequences") {
  pugi::xml_document doc;
  REQUIRE(doc.load_string(to_xml(full_oppdrag()).c_str()));
  auto body = doc.document_element().child("oppdrag-110");
  SUBCASE("oppdrag-110") {
    auto names = child_names(body);
    check_order(names, xsd_oppdrag_110);
    CHECK(std::set<std::string>(names.begin(), names.end())
          == std::set<std::string>{
            "kodeAksjon", "kodeEndring", "kodeFagomraade", "fagsystemId",
            "utbetFrekvens", "oppdragGjelderId", "datoOppdragGjelderFom",
            "saksbehId", "avstemming-115", "avvent-118",
            "oppdrags-enhet-120", "oppdrags-linje-150"});
    CHECK(child_names(body.child("avstemming-115"))
          == std::vector<std::string>{"kodeKomponent", "nokkelAvstemming",
                                      "tidspktMelding"});
    CHECK(child_names(body.child("avvent-118"))
          == std::vector<std::string>{"datoAvventFom", "datoAvventTom",
                                      "kodeArsak", "datoOverfores",
                                      "feilreg"});
    CHECK(child_names(body.child("oppdrags-enhet-120"))
          == std::vector<std::string>{"typeEnhet", "enhet", "datoEnhetFom"});
  }
  SUBCASE("oppdrags-linje-150") {
    auto names = child_names(body.child("oppdrags-linje-150"));
    check_order(names, xsd_linje_150);
    CHECK(names.size() == 20);
    CHECK(names.front() == "kodeEndringLinje");
    CHECK(names.back() == "attestant-180");
  }
  SUBCASE("optional elements are left out when absent") {
    auto bare = full_oppdrag();
    bare.mmel.reset();
    bare.avvent.reset();
    bare.linjer.resize(1);
    bare.linjer[0].kode_status_linje.reset();
    bare.linjer[0].dato_status_fom.reset();
    bare.linjer[0].ref_delytelse_id.reset();
    bare.linjer[0].ref_fagsystem_id.reset();
    bare.linjer[0].vedtakssats.reset();
    auto xml = to_xml(bare);
    for (auto name : {"avvent-118", "kodeStatusLinje", "datoStatusFom",
                      "refDelytelseId", "refFagsystemId", "vedtakssats-157",
                      "mmel"}) {
      INFO(name);
      CHECK(xml.find(name) == std::string::npos);
    }
  }
}

TEST_CASE("dates and amounts are written as OS reads them") {
  auto xml = to_xml(full_oppdrag());
  CHECK(xml.find("<datoVedtakFom>2025-06-02+02:00</datoVedtakFom>")
        != std::string::npos);
  CHECK(xml.find("<datoOppdragGjelderFom>2000-01-01+01:00<")
        != std::string::npos);
  CHECK(xml.find("<datoEnhetFom>1970-01-01+01:00</datoEnhetFom>")
        != std::string::npos);
  CHECK(xml.find("<sats>553</sats>") != std::string::npos);
  CHECK(xml.find("<vedtakssats>1077</vedtakssats>") != std::string::npos);
  CHECK(xml.find("<vedtakId>2025-06-30</vedtakId>") != std::string::npos);
}

TEST_CASE("parse(to_xml(x)) == x") {
  SUBCASE("a kvittering with every element") {
    auto x = full_oppdrag();
    CHECK(must_parse(to_xml(x)) == x);
  }
  SUBCASE("an oppdrag with only what is required") {
    oppdrag x;
    x.kode_endring = "NY";
    x.kode_fagomraade = "HELSREF";
    x.fagsystem_id = "HJ-77120";
    x.utbet_frekvens = "ENG";
    x.oppdrag_gjelder_id = "05458410595";
    x.dato_oppdrag_gjelder_fom = d("2000-01-01");
    x.saksbeh_id = "historisk";
    x.enheter = {{"BOS", "8020", d("1970-01-01")}};
    auto l = full_linje();
    l.kode_status_linje.reset();
    l.dato_status_fom.reset();
    l.ref_delytelse_id.reset();
    l.ref_fagsystem_id.reset();
    l.vedtakssats.reset();
    x.linjer = {l};
    CHECK(must_parse(to_xml(x)) == x);
  }
}

TEST_CASE("a default-namespace kvittering parses") {
  auto k = must_parse(kvittering_xml);
  REQUIRE(k.mmel);
  CHECK(k.mmel->alvorlighetsgrad == "00");
  CHECK(k.mmel->system_id == "231-OPPD");
  CHECK(k.mmel->program_id == "K231BB10");
  CHECK(k.mmel->kode_melding.empty());
  CHECK(k.kode_endring == "NY");
  CHECK(k.kode_fagomraade == "DP");
  CHECK(k.fagsystem_id == "DPSAK0001");
  CHECK(k.dato_oppdrag_gjelder_fom == d("2000-01-01"));
  CHECK(k.nokkel_avstemming == "2026-06-20-10.10.00.000000");
  REQUIRE(k.enheter.size() == 1);
  CHECK(k.enheter[0].dato_enhet_fom == d("1970-01-01"));
  REQUIRE(k.linjer.size() == 1);
  const auto& l = k.linjer[0];
  CHECK(l.delytelse_id == periode_id(1).to_base64());
  CHECK(l.dato_vedtak_fom == d("2026-06-01"));
  CHECK(l.dato_vedtak_tom == d("2026-06-02"));
  CHECK(l.sats == kroner{1573});
  CHECK(l.vedtakssats == kroner{1573});
  CHECK(l.attestant_id == "dagpenger");
  CHECK_FALSE(l.ref_delytelse_id);
}

TEST_CASE("malformed documents are errors naming the element") {
  SUBCASE("not XML") {
    check_rejected("<oppdrag xmlns=\"x\"", "document");
  }
  SUBCASE("another root") {
    check_rejected("<kvittering/>", "root element");
  }
  SUBCASE("another namespace") {
    check_rejected("<oppdrag xmlns=\"urn:other\"><oppdrag-110/></oppdrag>",
                   "namespace");
  }
  SUBCASE("a missing oppdrag-110") {
    check_rejected(
      "<ns2:oppdrag xmlns:ns2=\"http://www.trygdeetaten.no/skjema/oppdrag\"/>",
      "oppdrag-110");
  }
  SUBCASE("a missing sats") {
    auto xml = std::string{kvittering_xml};
    auto from = xml.find("<sats>");
    xml.erase(from, xml.find("</sats>") + 7 - from);
    check_rejected(xml, "oppdrag-110/oppdrags-linje-150[0]/sats: missing");
  }
  SUBCASE("a sats with øre") {
    auto xml = std::string{kvittering_xml};
    xml.replace(xml.find("1573.00"), 7, "1573.50");
    check_rejected(xml, "oppdrags-linje-150[0]/sats");
  }
  SUBCASE("a date that does not exist") {
    auto xml = std::string{kvittering_xml};
    xml.replace(xml.find("2026-06-01</datoVedtakFom>"), 10, "2026-02-30");
    check_rejected(xml, "oppdrags-linje-150[0]/datoVedtakFom");
  }
  SUBCASE("a kvittering without alvorlighetsgrad") {
    auto xml = std::string{kvittering_xml};
    auto from = xml.find("<alvorlighetsgrad>");
    xml.erase(from, xml.find("</alvorlighetsgrad>") + 19 - from);
    check_rejected(xml, "mmel/alvorlighetsgrad: missing");
  }
}

}
