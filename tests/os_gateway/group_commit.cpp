#include "os_gateway/group_commit.hpp"

#include "fixture.hpp"
#include "messages/error.hpp"

#include <doctest/doctest.h>

using namespace utsjekk;
using namespace utsjekk::os;
using namespace utsjekk::test;

namespace {

/// What the persist step of a batch saw.
struct persist_log {
  std::vector<std::vector<responder_change>> calls;
  /// The error to answer with; none for success.
  caf::error fail;
  persist_fn fn() {
    return [this](const std::vector<responder_change>& xs) {
      calls.push_back(xs);
      return fail;
    };
  }
};

std::vector<std::string_view> views(const std::vector<std::string>& xs) {
  return {xs.begin(), xs.end()};
}

} // namespace

TEST_SUITE("os_gateway/group_commit") {

TEST_CASE("a batch's changes are persisted in one call, then answered") {
  auto os = responder{simulator_profile{}};
  auto xmls = mixed_xmls(10);
  persist_log log;
  auto answers = answer_batch(os, views(xmls), wednesday(), log.fn());
  REQUIRE(answers);
  REQUIRE(answers->size() == xmls.size());
  INFO("one call carries every change, in input order");
  REQUIRE(log.calls.size() == 1);
  std::vector<responder_change> changes;
  for (auto& r : *answers)
    if (r.change)
      changes.push_back(*r.change);
  CHECK(log.calls[0] == changes);
  INFO("the redelivery (input 7) changed nothing and repeats the answer");
  CHECK((*answers)[6].repeated);
  CHECK((*answers)[6].kvittering == (*answers)[5].kvittering);
  CHECK(changes.size() == xmls.size() - 1);
}

TEST_CASE("a batch whose persist fails releases no answer") {
  auto os = responder{simulator_profile{}};
  auto xmls = mixed_xmls(4);
  persist_log log;
  log.fail = caf::make_error(ec::io_failed, std::string{"disk full"});
  auto answers = answer_batch(os, views(xmls), wednesday(), log.fn());
  REQUIRE_FALSE(answers);
  CHECK(answers.error() == ec::io_failed);
  CHECK(log.calls.size() == 1);
}

TEST_CASE("a batch that changes nothing persists nothing") {
  auto os = responder{simulator_profile{}};
  auto xml = new_sak_xml();
  persist_log log;
  std::vector<std::string_view> first{xml};
  REQUIRE(answer_batch(os, first, wednesday(), log.fn()));
  REQUIRE(log.calls.size() == 1);
  INFO("two redeliveries of the answered oppdrag");
  std::vector<std::string_view> again{xml, xml};
  auto answers = answer_batch(os, again, wednesday(), log.fn());
  REQUIRE(answers);
  CHECK(answers->size() == 2);
  CHECK(log.calls.size() == 1);
}

}
