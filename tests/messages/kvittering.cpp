#include "messages/kvittering.hpp"

#include "messages/oppdrag_xml.hpp"
#include "output_builders.hpp"

#include <doctest/doctest.h>

using namespace utsjekk;
using namespace utsjekk::test;

namespace {

/// A kvittering's mmel with `grad` and `text`.
mmel answer(std::string grad, std::string text = {}) {
  return mmel{"231-OPPD", "B110008F", std::move(grad), std::move(text),
              "K231BB10", "CA10-INPUTKONTROLL"};
}

/// Some detaljer to pass through.
status_detaljer some_detaljer() {
  return status_detaljer{
    fagsystem::aap,
    {status_linje{"B1", d("2025-06-02"), d("2025-06-13"), kroner{1077},
                  kroner{553}, "AAPOR"}}};
}

/// A sent oppdrag with two lines.
oppdrag sent_oppdrag() {
  oppdrag x;
  x.kode_endring = "ENDR";
  x.kode_fagomraade = "DP";
  x.fagsystem_id = "DPSAK0001";
  x.oppdrag_gjelder_id = "02428110202";
  x.dato_oppdrag_gjelder_fom = d("2000-01-01");
  x.saksbeh_id = "dagpenger";
  x.kode_komponent = "DP";
  x.nokkel_avstemming = "2026-06-20-10.10.00.000000";
  x.tidspkt_melding = "2026-06-20-14.03.11.123456";
  x.enheter = {{"BOS", "8020", d("1970-01-01")}};
  for (uint8_t i = 1; i <= 2; ++i) {
    oppdragslinje l;
    l.kode_endring_linje = "NY";
    l.vedtak_id = "2026-06-20";
    l.delytelse_id = periode_id(i).to_base64();
    l.kode_klassifik = "DAGPENGER";
    l.dato_klassifik_fom = d("2026-06-01");
    l.dato_vedtak_fom = d("2026-06-01");
    l.dato_vedtak_tom = d("2026-06-02");
    l.sats = kroner{1573};
    l.type_sats = "DAG";
    l.saksbeh_id = "dagpenger";
    l.utbetales_til_id = "02428110202";
    l.henvisning = "B-DP-1";
    l.attestant_id = "dagpenger";
    x.linjer.push_back(l);
  }
  return x;
}

} // namespace

TEST_SUITE("messages/kvittering") {

TEST_CASE("classify follows alvorlighetsgrad") {
  CHECK(classify(answer("00"), false) == kvittering_outcome::accepted);
  CHECK(classify(answer("04", "Vedtak-tom er ikke siste i mnd"), false)
        == kvittering_outcome::accepted);
  CHECK(classify(answer("08", "Referert vedtak/linje ikke funnet"), false)
        == kvittering_outcome::rejected);
  CHECK(classify(answer("12", "DB2 timeout"), false)
        == kvittering_outcome::retry);
  CHECK(classify(answer("12"), true) == kvittering_outcome::retry);
  CHECK(classify(answer("16"), false) == kvittering_outcome::rejected);
  CHECK(classify(answer(""), false) == kvittering_outcome::rejected);
}

TEST_CASE("on a resend, OS saying it has the oppdrag means accepted") {
  auto finnes = answer("08", "Oppdraget finnes fra før");
  auto delytelse = answer("08", "DELYTELSE-ID finnes i oppdragsbasen fra før");
  SUBCASE("a resend") {
    CHECK(classify(finnes, true) == kvittering_outcome::accepted);
    CHECK(classify(delytelse, true) == kvittering_outcome::accepted);
  }
  SUBCASE("a first send") {
    CHECK(classify(finnes, false) == kvittering_outcome::rejected);
    CHECK(classify(delytelse, false) == kvittering_outcome::rejected);
  }
  SUBCASE("other 08 texts stay rejected on a resend") {
    CHECK(classify(answer("08", "Referert vedtak/linje ikke funnet"), true)
          == kvittering_outcome::rejected);
    CHECK(classify(answer("08", "OPPDRAGET/FAGSYSTEM-ID finnes ikke fra før"),
                   true)
          == kvittering_outcome::rejected);
  }
}

TEST_CASE("status_for maps a final kvittering as reference §4.2 does") {
  auto detaljer = some_detaljer();
  SUBCASE("00: OK without error") {
    auto s = status_for(answer("00"), detaljer);
    CHECK(s.status == status_kind::ok);
    CHECK_FALSE(s.error);
    CHECK(s.detaljer == detaljer);
    CHECK_FALSE(s.simulering);
  }
  SUBCASE("04: OK keeping OS' warning") {
    auto text = "Vedtak-tom er ikke siste i mnd ved månedssats";
    auto s = status_for(answer("04", text), detaljer);
    CHECK(s.status == status_kind::ok);
    REQUIRE(s.error);
    CHECK(s.error->status_code == 200);
    CHECK(s.error->msg == text);
    CHECK(s.error->system == "OSUR");
    CHECK(s.detaljer == detaljer);
  }
  SUBCASE("08: FEILET 400 with OS' text") {
    auto s = status_for(answer("08", "Overlappende avvent-perioder"),
                        detaljer);
    CHECK(s.status == status_kind::feilet);
    REQUIRE(s.error);
    CHECK(s.error->status_code == 400);
    CHECK(s.error->msg == "Overlappende avvent-perioder");
    CHECK(s.error->system == "OSUR");
    CHECK(s.detaljer == detaljer);
  }
  SUBCASE("08 on an unknown sak: 404") {
    auto text = "OPPDRAGET/FAGSYSTEM-ID finnes ikke fra før";
    auto s = status_for(answer("08", text), detaljer);
    CHECK(s.status == status_kind::feilet);
    REQUIRE(s.error);
    CHECK(s.error->status_code == 404);
    CHECK(s.error->msg == text);
  }
  SUBCASE("08 on an oppdrag OS has: 409") {
    auto s = status_for(answer("08", "Oppdraget finnes fra før"), detaljer);
    CHECK(s.status == status_kind::feilet);
    REQUIRE(s.error);
    CHECK(s.error->status_code == 409);
  }
  SUBCASE("12: FEILET 500") {
    auto s = status_for(answer("12", "CICS unavailable"), std::nullopt);
    CHECK(s.status == status_kind::feilet);
    REQUIRE(s.error);
    CHECK(s.error->status_code == 500);
    CHECK(s.error->msg == "CICS unavailable");
    CHECK(s.error->system == "OSUR");
    CHECK_FALSE(s.detaljer);
  }
  SUBCASE("any other code: FEILET 500 impossible") {
    auto s = status_for(answer("99", "?"), detaljer);
    CHECK(s.status == status_kind::feilet);
    REQUIRE(s.error);
    CHECK(s.error->status_code == 500);
    CHECK(s.error->msg == "impossible");
  }
}

TEST_CASE("a kvittering matches the oppdrag it answers") {
  auto sent = sent_oppdrag();
  auto echo = sent;
  echo.mmel = answer("00");
  SUBCASE("through its XML, with mmel first") {
    auto parsed = parse_oppdrag(to_xml(echo));
    REQUIRE(parsed);
    CHECK(match_key(*parsed) == match_key(sent));
  }
  SUBCASE("whatever the echo's timestamps") {
    echo.tidspkt_melding = "2026-06-21-08.00.00.000000";
    CHECK(match_key(echo) == match_key(sent));
  }
  SUBCASE("not another sak, fagområde or set of lines") {
    auto other_sak = sent;
    other_sak.fagsystem_id = "DPSAK0002";
    CHECK(match_key(other_sak) != match_key(sent));
    auto other_fagomrade = sent;
    other_fagomrade.kode_fagomraade = "TILLSTDR";
    CHECK(match_key(other_fagomrade) != match_key(sent));
    auto other_line = sent;
    other_line.linjer[1].delytelse_id = periode_id(3).to_base64();
    CHECK(match_key(other_line) != match_key(sent));
    auto fewer = sent;
    fewer.linjer.pop_back();
    CHECK(match_key(fewer) != match_key(sent));
    auto reordered = sent;
    std::swap(reordered.linjer[0], reordered.linjer[1]);
    CHECK(match_key(reordered) != match_key(sent));
  }
}

}
