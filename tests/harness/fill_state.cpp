#include "harness/fill_state.hpp"

#include "kafka/read_to_end.hpp"
#include "messages/error.hpp"
#include "messages/utbetaling_json.hpp"
#include "tests/kafka/fixture.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>

using namespace utsjekk;
using namespace utsjekk::bench;
using namespace utsjekk::kafka::test;

TEST_SUITE("harness/fill_state") {

TEST_CASE("accepted utbetalinger differ and read back") {
  fill_options opts;
  std::set<uuid> uids;
  std::set<fagsystem> systems;
  for (uint64_t i = 0; i < 100; ++i) {
    auto u = make_accepted(opts, i);
    INFO("utbetaling ", i, " of ", to_string(u.fagsystem));
    auto back = parse_utbetaling(to_json(u));
    REQUIRE_MESSAGE(back, render(back.error()));
    CHECK(*back == u);
    CHECK(u.perioder.size() == opts.perioder);
    CHECK(u.forste_utbetaling_pa_sak == (i % opts.per_sak == 0));
    uids.insert(u.uid);
    systems.insert(u.fagsystem);
  }
  CHECK(uids.size() == 100);
  CHECK(systems.size() == all_fagsystemer.size());
}

TEST_CASE("the state topics hold every utbetaling and its sak") {
  auto cluster = start_cluster();
  fill_options opts;
  opts.kafka = cluster->config();
  opts.create_topics = false;
  opts.utbetalinger = 301;
  opts.per_sak = 3;
  REQUIRE(!cluster->create_topic(opts.utbetalinger_topic, 3));
  REQUIRE(!cluster->create_topic(opts.saker_topic, 3));
  auto report = fill_state(opts);
  REQUIRE_MESSAGE(report, render(report.error()));
  CHECK(report->utbetalinger == 301);
  CHECK(report->saker == 101);
  CHECK(report->bytes > 301 * 300);
  INFO("read back as the state loader reads them");
  std::map<uuid, utbetaling> utbetalinger;
  auto err = kafka::read_to_end(
    opts.kafka, opts.utbetalinger_topic, [&](kafka::record&& rec) {
      auto u = parse_utbetaling(rec.value);
      REQUIRE_MESSAGE(u, render(u.error()));
      CHECK(rec.key == u->uid.to_string());
      utbetalinger.emplace(u->uid, *u);
    });
  REQUIRE_MESSAGE(!err, render(err));
  CHECK(utbetalinger.size() == 301);
  size_t listed = 0;
  err = kafka::read_to_end(opts.kafka, opts.saker_topic,
                           [&](kafka::record&& rec) {
                             auto key = parse_sak_key(*rec.key);
                             REQUIRE_MESSAGE(key, render(key.error()));
                             auto uids = parse_uids(rec.value);
                             REQUIRE_MESSAGE(uids, render(uids.error()));
                             for (const auto& uid : *uids) {
                               auto i = utbetalinger.find(uid);
                               REQUIRE(i != utbetalinger.end());
                               CHECK(i->second.sak_id == key->sak_id);
                               CHECK(i->second.fagsystem == key->fagsystem);
                               ++listed;
                             }
                           });
  REQUIRE_MESSAGE(!err, render(err));
  CHECK(listed == 301);
}

} // TEST_SUITE
