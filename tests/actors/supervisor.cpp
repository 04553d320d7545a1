#include "actors/supervisor.hpp"

#include "actors/reader.hpp"
#include "fixture.hpp"

#include <caf/after.hpp>

using namespace utsjekk;
using namespace utsjekk::test;
using namespace std::chrono_literals;

namespace {

constexpr auto uid_a = "9a7d2c3e-1111-4222-8333-944455566677";
constexpr auto uid_b = "22222222-3333-4444-8555-666666666666";

/// Collects the outcomes that reached the test's scoped actor.
std::vector<tx_outcome> drain(fixture& f) {
  std::vector<tx_outcome> result;
  auto more = true;
  while (more)
    f.self->receive([&](tx_outcome& x) { result.push_back(std::move(x)); },
                    caf::after(0s) >> [&] { more = false; });
  return result;
}

/// Kills an actor the way a bug would: an abnormal exit.
void crash(const oppdrag_actor& x) {
  caf::anon_send_exit(x, caf::exit_reason::kill);
}

void submit(fixture& f, const supervisor_actor& sup, decoded_message msg) {
  auto hash = hash_of(msg.key.value + std::to_string(
                                        msg.utbetalinger.empty()
                                          ? 0
                                          : msg.utbetalinger[0]
                                              .perioder[0]
                                              .belop.value));
  f.self->send(sup, atom::submit::value, std::move(msg), std::move(hash));
  f.run();
}

} // namespace

TEST_SUITE("actors/supervisor") {

TEST_CASE("one oppdrag per sak in flight, in input order (I4)") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk);
  submit(f, sup, simple_message("k1", "SAK-1", uid_a, 100));
  submit(f, sup, simple_message("k2", "SAK-1", uid_a, 200));
  submit(f, sup, simple_message("k3", "SAK-2", uid_b, 300));
  INFO("k1 and k3 are on different saker and go at once; k2 waits");
  REQUIRE(f.os->sends.size() == 2);
  CHECK(f.os->sends[0].key.value == "k1");
  CHECK(f.os->sends[1].key.value == "k3");
  CHECK(f.kinds("k2").empty());
  SUBCASE("k2 goes only after k1's final kvittering") {
    f.answer(1, "00");
    CHECK(f.os->sends.size() == 2);
    f.answer(0, "00");
    REQUIRE(f.os->sends.size() == 3);
    CHECK(f.os->sends[2].key.value == "k2");
    INFO("k2 is a change of k1's utbetaling: ENDR against the new state");
    auto sent = parse_oppdrag(f.os->sends[2].xml);
    REQUIRE(sent);
    CHECK(sent->kode_endring == "ENDR");
    f.answer(2, "00");
    auto done = drain(f);
    REQUIRE(done.size() == 3);
    CHECK(done[0].key.value == "k3");
    CHECK(done[1].key.value == "k1");
    CHECK(done[2].key.value == "k2");
    for (auto& key : {"k1", "k2", "k3"})
      CHECK(f.kinds(key)
            == std::vector<status_kind>{status_kind::mottatt,
                                        status_kind::hos_oppdrag,
                                        status_kind::ok});
  }
  SUBCASE("a rejected k1 leaves the accepted state: k2 is NY again (I5)") {
    f.answer(0, "08", "Referert vedtak/linje ikke funnet");
    REQUIRE(f.os->sends.size() == 3);
    auto sent = parse_oppdrag(f.os->sends[2].xml);
    REQUIRE(sent);
    CHECK(sent->kode_endring == "NY");
    auto k1 = f.statuses("k1");
    REQUIRE(k1.size() == 3);
    CHECK(k1.back().status == status_kind::feilet);
    REQUIRE(k1.back().error);
    CHECK(k1.back().error->status_code == 400);
    CHECK(k1.back().error->system == "OSUR");
  }
}

TEST_CASE("a redelivered key gets its final status again, a reused key 409") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk);
  submit(f, sup, simple_message("k1", "SAK-1", uid_a, 100));
  f.answer(0, "00");
  SUBCASE("same key, same content: no new oppdrag, the same status (I6)") {
    submit(f, sup, simple_message("k1", "SAK-1", uid_a, 100));
    CHECK(f.os->sends.size() == 1);
    auto k1 = f.statuses("k1");
    REQUIRE(k1.size() == 4);
    CHECK(k1[3] == k1[2]);
  }
  SUBCASE("same key, other content: FEILET 409 naming the conflict") {
    submit(f, sup, simple_message("k1", "SAK-1", uid_a, 999));
    CHECK(f.os->sends.size() == 1);
    auto k1 = f.statuses("k1");
    REQUIRE(k1.size() == 4);
    CHECK(k1[3].status == status_kind::feilet);
    REQUIRE(k1[3].error);
    CHECK(k1[3].error->status_code == 409);
    CHECK(k1[3].error->msg.find("k1") != std::string::npos);
  }
}

TEST_CASE("a key reused on another sak while the first is in flight waits, "
          "then is 409") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk);
  submit(f, sup, simple_message("k1", "SAK-1", uid_a, 100));
  REQUIRE(f.os->sends.size() == 1);
  INFO("the same key with other content on SAK-2 starts nothing yet");
  submit(f, sup, simple_message("k1", "SAK-2", uid_b, 300));
  CHECK(f.os->sends.size() == 1);
  CHECK(f.statuses("k1").size() == 2);
  INFO("SAK-2's next message is held behind it (I4)");
  submit(f, sup, simple_message("k2", "SAK-2", uid_b, 300));
  CHECK(f.os->sends.size() == 1);
  INFO("once the first has its outcome, the second is a conflict");
  f.answer(0, "00");
  auto k1 = f.statuses("k1");
  REQUIRE(k1.size() == 4);
  CHECK(k1[2].status == status_kind::ok);
  CHECK(k1[3].status == status_kind::feilet);
  REQUIRE(k1[3].error);
  CHECK(k1[3].error->status_code == 409);
  INFO("and SAK-2 goes on with its next message");
  REQUIRE(f.os->sends.size() == 2);
  CHECK(f.os->sends[1].key == tx_id{"k2"});
  auto outcomes = drain(f);
  CHECK(outcomes.size() == 2);
}

TEST_CASE("a message that changes nothing ends OK with no oppdrag") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk);
  submit(f, sup, simple_message("k1", "SAK-1", uid_a, 100));
  f.answer(0, "00");
  submit(f, sup, simple_message("k2", "SAK-1", uid_a, 100));
  CHECK(f.os->sends.size() == 1);
  auto k2 = f.statuses("k2");
  REQUIRE(k2.size() == 1);
  CHECK(k2[0].status == status_kind::ok);
  CHECK_FALSE(k2[0].detaljer);
}

TEST_CASE("a crashed oppdrag actor resumes from its journal, then parks") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk, 2);
  submit(f, sup, simple_message("k1", "SAK-1", uid_a, 100));
  REQUIRE(f.os->sends.size() == 1);
  auto first = f.os->sends[0].sender;
  SUBCASE("after the send it waits for the kvittering, no blind resend") {
    crash(first);
    f.run();
    CHECK(f.os->sends.size() == 1);
    REQUIRE(f.os->routes.size() == 1);
    auto second = f.os->routes[0].second;
    CHECK(second != first);
    f.answer(0, "00", {}, second);
    auto k1 = f.kinds("k1");
    REQUIRE_FALSE(k1.empty());
    CHECK(k1.back() == status_kind::ok);
    CHECK(drain(f).size() == 1);
  }
  SUBCASE("its kvittering timeout still resends the identical oppdrag") {
    crash(first);
    f.run();
    f.advance(10min);
    REQUIRE(f.os->sends.size() == 2);
    CHECK(f.os->sends[1].xml == f.os->sends[0].xml);
  }
  SUBCASE("past its restart budget: FEILET 500 for manual follow-up") {
    crash(first);
    f.run();
    crash(f.os->routes.at(0).second);
    f.run();
    crash(f.os->routes.at(1).second);
    f.run();
    auto k1 = f.statuses("k1");
    REQUIRE_FALSE(k1.empty());
    CHECK(k1.back().status == status_kind::feilet);
    REQUIRE(k1.back().error);
    CHECK(k1.back().error->status_code == 500);
    INFO("the sak moves on");
    submit(f, sup, simple_message("k2", "SAK-1", uid_a, 100));
    CHECK(f.os->sends.size() == 2);
  }
}

TEST_CASE("the status lists saker waiting longest first, within a limit") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk);
  submit(f, sup, simple_message("k1", "SAK-1", uid_a, 100));
  f.advance(1min);
  submit(f, sup, simple_message("k2", "SAK-2", uid_b, 100));
  submit(f, sup, simple_message("k3", "SAK-2", uid_b, 200));
  f.advance(1min);
  submit(f, sup,
         simple_message("k4", "SAK-3", "33333333-3333-4333-8333-333333333333",
                        100));
  f.self->send(sup, atom::status::value, uint32_t{2});
  f.run();
  std::optional<supervisor_view> view;
  f.self->receive([&](supervisor_view& x) { view = std::move(x); },
                  caf::after(0s) >> [] {});
  REQUIRE(view);
  CHECK(view->in_flight == 3);
  CHECK(view->queued == 1);
  REQUIRE(view->saker.size() == 2);
  CHECK(view->omitted == 1);
  CHECK(view->saker[0].sak.sak_id == "SAK-1");
  CHECK(view->saker[1].sak.sak_id == "SAK-2");
  REQUIRE(view->saker[1].queue.size() == 2);
  CHECK(view->saker[1].queue[1].place == tx_view::where::queued);
  INFO("the gauges say the same");
  auto x = f.stats->snapshot(*f.clock_now, {});
  auto hist = static_cast<size_t>(fagsystem::historisk);
  CHECK(x.in_flight[hist] == 3);
  CHECK(x.messages_queued[hist] == 1);
  CHECK(x.saker_queued[hist] == 0);
  CHECK(x.unanswered == 3);
  CHECK(x.oldest_unanswered == 120);
}

TEST_CASE("a parked sak starts nothing new until it is unparked") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk);
  auto park = [&](auto what) {
    f.self->send(sup, what, sak_key{"SAK-1", fagsystem::historisk});
    f.run();
    std::optional<sak_view> view;
    f.self->receive([&](sak_view& x) { view = std::move(x); },
                    caf::after(0s) >> [] {});
    REQUIRE(view);
    return *view;
  };
  CHECK(park(atom::park::value).parked);
  submit(f, sup, simple_message("k1", "SAK-1", uid_a, 100));
  CHECK(f.os->sends.empty());
  auto held = park(atom::park::value);
  REQUIRE(held.queue.size() == 1);
  CHECK(held.queue[0].place == tx_view::where::queued);
  CHECK_FALSE(park(atom::unpark::value).parked);
  REQUIRE(f.os->sends.size() == 1);
  CHECK(f.os->sends[0].key.value == "k1");
}

TEST_CASE("at most max_active saker have an oppdrag actor at once") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk, 2, 2);
  submit(f, sup, simple_message("k1", "SAK-1", uid_a, 100));
  submit(f, sup, simple_message("k2", "SAK-2", uid_b, 100));
  submit(f, sup,
         simple_message("k3", "SAK-3", "33333333-3333-4333-8333-333333333333",
                        100));
  CHECK(f.os->sends.size() == 2);
  f.answer(0, "00");
  REQUIRE(f.os->sends.size() == 3);
  CHECK(f.os->sends[2].key.value == "k3");
}

}
