#include "messages/types.hpp"

#include <doctest/doctest.h>

using namespace utsjekk;

TEST_SUITE("messages/types") {

TEST_CASE("uuid text and base64 forms round-trip") {
  auto u = uuid::parse("5b0a3c1e-8f2d-4a55-9c1e-2f6a7d9e0b11");
  REQUIRE(u);
  CHECK(u->to_string() == "5b0a3c1e-8f2d-4a55-9c1e-2f6a7d9e0b11");
  CHECK(u->to_base64() == "Wwo8Ho8tSlWcHi9qfZ4LEQ==");
  CHECK(uuid::from_base64(u->to_base64()) == u);
  CHECK(u->to_base64().size() == 24);
  CHECK_FALSE(uuid::parse("5b0a3c1e-8f2d-4a55-9c1e-2f6a7d9e0b1"));
  CHECK_FALSE(uuid::parse("5b0a3c1e+8f2d-4a55-9c1e-2f6a7d9e0b11"));
  CHECK_FALSE(uuid::from_base64("sak#3"));
  // The unused low bits of the last character must be zero.
  CHECK_FALSE(uuid::from_base64("Wwo8Ho8tSlWcHi9qfZ4LER=="));
}

TEST_CASE("enum names are the wire names") {
  CHECK(to_string(fagsystem::tilleggsstonader) == "TILLEGGSSTØNADER");
  CHECK(parse_fagsystem("DAGPENGER") == fagsystem::dagpenger);
  CHECK_FALSE(parse_fagsystem("dagpenger"));
  CHECK(type_sats(periodetype::dag) == "DAG7");
  CHECK(type_sats(periodetype::ukedag) == "DAG");
  CHECK(to_string(action::fake_delete) == "FAKE_DELETE");
  CHECK(parse_status_kind("HOS_OPPDRAG") == status_kind::hos_oppdrag);
}

}
