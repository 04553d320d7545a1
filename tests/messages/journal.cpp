#include "messages/journal.hpp"

#include "messages/time.hpp"

#include <doctest/doctest.h>

using namespace utsjekk;

namespace {

utbetaling sample_utbetaling() {
  utbetaling u;
  u.original_key = "k1";
  u.fagsystem = fagsystem::historisk;
  u.uid = *uuid::parse("9a7d2c3e-1111-4222-8333-944455566677");
  u.sak_id = "HJ-1";
  u.behandling_id = "B1";
  u.last_periode_id = *uuid::parse("00000000-0000-4000-8000-000000000001");
  u.personident = "05458410595";
  u.vedtakstidspunkt = *parse_local_time("2025-03-10T13:00:00");
  u.stonad = "HØREAPPARAT_ANSKAFFELSE";
  u.klassekode = "H-APP";
  u.fagomrade = "HELSREF";
  u.beslutter_id = "Z2";
  u.saksbehandler_id = "Z1";
  u.periodetype = periodetype::en_gang;
  u.perioder.push_back({*parse_date("2025-03-10"), *parse_date("2025-03-10"),
                        kroner{4500}, std::nullopt, std::nullopt});
  u.siste_periode = u.perioder.back();
  return u;
}

} // namespace

TEST_SUITE("messages/journal") {

TEST_CASE("a journal record survives its JSON form") {
  tx_record x;
  x.key = tx_id{"k1"};
  x.fagsystem = fagsystem::historisk;
  x.sak = sak_key{"HJ-1", fagsystem::historisk};
  x.hash = content_hash{"abc123"};
  x.journal.step = tx_step::sent;
  x.journal.attempts = 2;
  x.journal.last_error = "OS 12: Teknisk feil";
  x.journal.deadline = parse_local_time("2025-03-10T13:10:00");
  outgoing_oppdrag o;
  o.xml = "<ns2:oppdrag/>";
  o.match_key = "HELSREF|HJ-1|AAAA";
  o.next_state.push_back(sample_utbetaling());
  o.sends = 2;
  o.retries = 1;
  o.retry_due = true;
  x.journal.oppdrag.push_back(o);
  status_detaljer d;
  d.ytelse = fagsystem::historisk;
  d.linjer.push_back({"B1", *parse_date("2025-03-10"),
                      *parse_date("2025-03-10"), std::nullopt, kroner{4500},
                      "H-APP"});
  x.journal.detaljer = d;
  SUBCASE("in flight") {
    auto back = parse_tx_record(to_json(x));
    REQUIRE(back);
    CHECK(*back == x);
  }
  SUBCASE("answered and done") {
    x.journal.step = tx_step::done;
    x.journal.oppdrag[0].answer = mmel{"231-OPPD", "", "00", "", "", ""};
    x.journal.oppdrag[0].accepted = true;
    x.outcome = status_reply{status_kind::ok, d, std::nullopt, false};
    auto back = parse_tx_record(to_json(x));
    REQUIRE(back);
    CHECK(*back == x);
  }
}

TEST_CASE("a broken journal record is an error, not a crash") {
  CHECK_FALSE(parse_tx_record(""));
  CHECK_FALSE(parse_tx_record("[]"));
  CHECK_FALSE(parse_tx_record(R"({"key":"k","fagsystem":"AAP"})"));
  CHECK_FALSE(parse_tx_record(
    R"({"key":"k","fagsystem":"AAP","journal":{"step":"flying"}})"));
}

}
