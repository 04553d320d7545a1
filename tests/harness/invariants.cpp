#include "harness/invariants.hpp"

#include <doctest/doctest.h>

using namespace utsjekk;

namespace {

std::vector<status_reply> of(std::vector<status_kind> kinds) {
  std::vector<status_reply> result;
  for (auto k : kinds)
    result.push_back(status_reply{k, {}, {}, false});
  return result;
}

} // namespace

TEST_SUITE("harness/invariants") {

TEST_CASE("status order: forward, repeats and terminal repeats hold") {
  using enum status_kind;
  CHECK_FALSE(status_order_violation(of({mottatt, hos_oppdrag, ok})));
  CHECK_FALSE(status_order_violation(of({feilet})));
  CHECK_FALSE(status_order_violation(of({mottatt, hos_oppdrag, hos_oppdrag,
                                         ok, ok})));
}

TEST_CASE("status order: a step back or a step after the end breaks it") {
  using enum status_kind;
  auto back = status_order_violation(of({hos_oppdrag, mottatt}));
  REQUIRE(back);
  CHECK(*back == "status MOTTATT after a later status");
  auto after = status_order_violation(of({mottatt, ok, hos_oppdrag}));
  REQUIRE(after);
  CHECK(*after == "status HOS_OPPDRAG after a terminal status");
}

}
