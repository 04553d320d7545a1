#include "actors/os_gateway.hpp"

#include "fixture.hpp"
#include "messages/kvittering.hpp"

#include <caf/after.hpp>

using namespace utsjekk;
using namespace utsjekk::test;
using namespace std::chrono_literals;

namespace {

constexpr auto uid_a = "9a7d2c3e-1111-4222-8333-944455566677";
constexpr auto oppdrag_topic = "helved.oppdrag.v1";

/// What a probe standing in for an oppdrag actor got.
struct probe_log {
  std::vector<oppdrag> kvitteringer;
};

/// An oppdrag actor that only records its kvitteringer.
oppdrag_actor::behavior_type probe(oppdrag_actor::pointer,
                                   std::shared_ptr<probe_log> log) {
  return {
    [log](atom::kvittering, const oppdrag& x) {
      log->kvitteringer.push_back(x);
    },
    [](atom::timeout, uint32_t) {},
    [](atom::resend, uint32_t) {},
    [](atom::journal) {},
    [](atom::resend) { return uint32_t{0}; },
    [](atom::kvittering, const mmel&) { return uint32_t{0}; },
  };
}

/// An oppdrag of `sak` with one NY line `id`.
oppdrag make_oppdrag(const std::string& sak, const std::string& id) {
  oppdrag x;
  x.kode_endring = "NY";
  x.kode_fagomraade = "HELSREF";
  x.fagsystem_id = sak;
  x.oppdrag_gjelder_id = "05458410595";
  x.dato_oppdrag_gjelder_fom = *parse_date("2000-01-01");
  x.saksbeh_id = "Z1";
  x.kode_komponent = "HELSREF";
  x.nokkel_avstemming = "2025-06-03-10.10.00.000000";
  x.tidspkt_melding = "2025-06-03-10.00.00.000000";
  oppdragslinje l;
  l.kode_endring_linje = "NY";
  l.vedtak_id = "2025-06-03";
  l.delytelse_id = id;
  l.kode_klassifik = "H-APP";
  l.dato_klassifik_fom = *parse_date("2025-06-03");
  l.dato_vedtak_fom = l.dato_klassifik_fom;
  l.dato_vedtak_tom = l.dato_klassifik_fom;
  l.sats = kroner{100};
  l.type_sats = "ENG";
  x.linjer.push_back(l);
  return x;
}

/// The kvittering OS gives `x` with `grade`, as XML.
std::string kvittering_of(oppdrag x, const std::string& grade) {
  x.mmel = mmel{"231-OPPD", "", grade, "", "", ""};
  return to_xml(x);
}

/// The answer to the send request waiting in the test's mailbox.
std::optional<caf::expected<bool>> reply(fixture& f) {
  std::optional<caf::expected<bool>> result;
  f.self->receive([&](bool x) { result = x; },
                  [&](caf::error& err) { result = std::move(err); },
                  caf::after(0s) >> [] {});
  return result;
}

/// The records the publisher produced to `topic`.
std::vector<out_record> records_on(fixture& f, const std::string& topic) {
  std::vector<out_record> result;
  for (auto& rec : f.sink->records)
    if (rec.topic == topic)
      result.push_back(rec);
  return result;
}

/// The last journal record of `key` the state store wrote.
tx_record last_journal(fixture& f, const std::string& key) {
  std::optional<tx_record> result;
  for (auto& rec : f.sink->records)
    if (rec.topic == "utsjekk.journal.v1" && rec.key == key) {
      auto parsed = parse_tx_record(rec.value);
      REQUIRE(parsed);
      result = std::move(*parsed);
    }
  REQUIRE(result);
  return *result;
}

/// Both gateways, spawned on the fixture.
enum class transport { simulator, kafka };

os_gateway_actor spawn_gateway(fixture& f, transport t) {
  if (t == transport::kafka)
    return f.spawn(os_gateway_kafka, f.publisher);
  auto sim = std::make_shared<os::simulator>(os::simulator_profile{});
  return f.spawn(os_gateway, sim, f.ocfg.now);
}

} // namespace

TEST_SUITE("actors/os_gateway") {

TEST_CASE("the router holds kvitteringer until their route comes") {
  kvittering_router router{3};
  auto x = make_oppdrag("S1", "id-1");
  auto key = match_key(x);
  SUBCASE("a kvittering without a route is held, then handed over") {
    CHECK_FALSE(router.take(kvittering_of(x, "00")));
    CHECK(router.held.size() == 1);
    auto handed = router.route(key, oppdrag_actor{});
    REQUIRE(handed.size() == 1);
    CHECK(handed[0].mmel->alvorlighetsgrad == "00");
    CHECK(router.held.empty());
    CHECK(router.held_by_key.empty());
    INFO("later kvitteringer of the key go straight to the route");
    CHECK(router.take(kvittering_of(x, "00")));
  }
  SUBCASE("several are handed over in arrival order") {
    router.take(kvittering_of(x, "12"));
    router.take(kvittering_of(x, "00"));
    auto handed = router.route(key, oppdrag_actor{});
    REQUIRE(handed.size() == 2);
    CHECK(handed[0].mmel->alvorlighetsgrad == "12");
    CHECK(handed[1].mmel->alvorlighetsgrad == "00");
  }
  SUBCASE("a send's route does not hand over what is held") {
    router.take(kvittering_of(x, "00"));
    router.expect(key, oppdrag_actor{});
    CHECK(router.held.size() == 1);
  }
  SUBCASE("forget drops the route and what is held") {
    router.take(kvittering_of(x, "00"));
    router.forget(key);
    CHECK(router.held.empty());
    CHECK(router.route(key, oppdrag_actor{}).empty());
  }
  SUBCASE("past the bound the oldest goes") {
    for (int i = 0; i < 5; ++i)
      router.take(kvittering_of(make_oppdrag("S1", "id-" + std::to_string(i)),
                                "00"));
    CHECK(router.held.size() == 3);
    CHECK(router.held_by_key.size() == 3);
    CHECK(router.evicted == 2);
    CHECK(router.route(match_key(make_oppdrag("S1", "id-0")),
                       oppdrag_actor{})
            .empty());
    CHECK(router.route(match_key(make_oppdrag("S1", "id-4")),
                       oppdrag_actor{})
            .size()
          == 1);
  }
  SUBCASE("unreadable XML and oppdrag without mmel are dropped") {
    CHECK_FALSE(router.take("<oppdrag>"));
    CHECK_FALSE(router.take(to_xml(x)));
    CHECK(router.unreadable == 2);
    CHECK(router.held.empty());
  }
}

TEST_CASE("both gateways hand a held kvittering to a resumed transaction") {
  fixture f;
  auto t = transport::simulator;
  SUBCASE("simulator") {
    t = transport::simulator;
  }
  SUBCASE("kafka") {
    t = transport::kafka;
  }
  auto gw = spawn_gateway(f, t);
  auto log = std::make_shared<probe_log>();
  auto waiting = f.spawn(probe, log);
  auto x = make_oppdrag("S1", "id-1");
  INFO("the kvittering arrives before the transaction asks for it");
  f.self->send(gw, atom::deliver::value, kvittering_of(x, "00"));
  f.run();
  CHECK(log->kvitteringer.empty());
  f.self->send(gw, atom::route::value, match_key(x), waiting);
  f.run();
  REQUIRE(log->kvitteringer.size() == 1);
  CHECK(log->kvitteringer[0].mmel->alvorlighetsgrad == "00");
  INFO("a duplicate after the route is delivered as well");
  f.self->send(gw, atom::deliver::value, kvittering_of(x, "00"));
  f.run();
  CHECK(log->kvitteringer.size() == 2);
  INFO("after forget nothing reaches the transaction");
  f.self->send(gw, atom::forget::value, match_key(x));
  f.self->send(gw, atom::deliver::value, kvittering_of(x, "00"));
  f.run();
  CHECK(log->kvitteringer.size() == 2);
}

TEST_CASE("the Kafka gateway produces the oppdrag and answers when durable") {
  fixture f;
  auto gw = spawn_gateway(f, transport::kafka);
  auto log = std::make_shared<probe_log>();
  auto sender = f.spawn(probe, log);
  auto x = make_oppdrag("S1", "id-1");
  auto xml = to_xml(x);
  auto send = [&] {
    f.self->send(gw, atom::send::value, tx_id{"k1"}, fagsystem::historisk,
                 xml, std::string{"u1,u2"}, sender);
    f.run();
  };
  SUBCASE("one record keyed by the tx-id with fagsystem and uids") {
    send();
    auto answer = reply(f);
    REQUIRE(answer);
    REQUIRE(*answer);
    CHECK(**answer);
    auto records = records_on(f, oppdrag_topic);
    REQUIRE(records.size() == 1);
    CHECK(records[0].key == "k1");
    CHECK(records[0].value == xml);
    CHECK(records[0].headers
          == kafka::headers{{"fagsystem", "HISTORISK"}, {"uids", "u1,u2"}});
    INFO("its kvittering from the topic reaches the sender");
    f.self->send(gw, atom::deliver::value, kvittering_of(x, "04"));
    f.run();
    REQUIRE(log->kvitteringer.size() == 1);
    CHECK(log->kvitteringer[0].mmel->alvorlighetsgrad == "04");
  }
  SUBCASE("a record that is not durable fails the send") {
    f.sink->fail_topic = oppdrag_topic;
    f.sink->fail_next = 1;
    send();
    auto answer = reply(f);
    REQUIRE(answer);
    REQUIRE_FALSE(*answer);
    CHECK(answer->error() == ec::transport_failed);
  }
  SUBCASE("unreadable XML is refused before it is produced") {
    xml = "<oppdrag>";
    send();
    auto answer = reply(f);
    REQUIRE(answer);
    CHECK_FALSE(*answer);
    CHECK(records_on(f, oppdrag_topic).empty());
  }
}

TEST_CASE("on the Kafka transport a transaction resumes after a restart and "
          "takes the kvittering that came while it was down") {
  auto msg = simple_message("k1", "SAK-1", uid_a, 100);
  auto hash = content_hash{"h1"};
  std::string sent_xml;
  tx_record journaled;
  {
    INFO("the first run sends the oppdrag, then stops");
    fixture f;
    f.ocfg.audit = false;
    auto gw = spawn_gateway(f, transport::kafka);
    auto sup = f.spawn(supervisor, fagsystem::historisk,
                       oppdrag_peers{f.store, gw, f.publisher, {}}, f.ocfg,
                       f.ids(), 2u, size_t{100});
    f.self->send(sup, atom::submit::value, msg, hash);
    f.run();
    auto sent = records_on(f, oppdrag_topic);
    REQUIRE(sent.size() == 1);
    sent_xml = sent[0].value;
    CHECK(sent[0].headers.at(1) == std::pair<std::string, std::string>{
                                     "uids", uid_a});
    CHECK(f.kinds("k1")
          == std::vector<status_kind>{status_kind::mottatt,
                                      status_kind::hos_oppdrag});
    journaled = last_journal(f, "k1");
    REQUIRE(journaled.journal.step == tx_step::sent);
  }
  INFO("the second run loads the journal; the kvittering comes first");
  fixture f;
  f.ocfg.audit = false;
  loaded_state loaded;
  loaded.journal.emplace(journaled.key, journaled);
  auto store = f.spawn(state_store, loaded, f.publisher, state_topics{});
  auto gw = spawn_gateway(f, transport::kafka);
  auto sup = f.spawn(supervisor, fagsystem::historisk,
                     oppdrag_peers{store, gw, f.publisher, {}}, f.ocfg,
                     f.ids(), 2u, size_t{100});
  auto parsed = parse_oppdrag(sent_xml);
  REQUIRE(parsed);
  f.self->send(gw, atom::deliver::value, kvittering_of(*parsed, "00"));
  f.run();
  f.self->send(sup, atom::submit::value, msg, hash);
  f.run();
  auto k1 = f.statuses("k1");
  REQUIRE_FALSE(k1.empty());
  CHECK(k1.back().status == status_kind::ok);
  INFO("nothing was sent again, and the actor audited nothing");
  CHECK(records_on(f, oppdrag_topic).empty());
}

TEST_CASE("on the simulator transport the oppdrag actor audits both ways") {
  fixture f;
  auto gw = spawn_gateway(f, transport::simulator);
  auto sup = f.spawn(supervisor, fagsystem::historisk,
                     oppdrag_peers{f.store, gw, f.publisher, {}}, f.ocfg,
                     f.ids(), 2u, size_t{100});
  f.self->send(sup, atom::submit::value,
               simple_message("k1", "SAK-1", uid_a, 100), content_hash{"h"});
  f.run();
  INFO("the simulator's kvittering is a delayed message, even at 0 ms");
  f.advance(1ms);
  auto k1 = f.kinds("k1");
  REQUIRE_FALSE(k1.empty());
  CHECK(k1.back() == status_kind::ok);
  auto audited = records_on(f, oppdrag_topic);
  REQUIRE(audited.size() == 2);
  CHECK(audited[0].value.find("<mmel>") == std::string::npos);
  CHECK(audited[1].value.find("<mmel>") != std::string::npos);
}

}
