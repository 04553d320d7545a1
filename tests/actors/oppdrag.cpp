#include "actors/oppdrag.hpp"

#include "fixture.hpp"

#include <caf/after.hpp>

using namespace utsjekk;
using namespace utsjekk::test;
using namespace std::chrono_literals;

namespace {

constexpr auto uid_a = "9a7d2c3e-1111-4222-8333-944455566677";

/// Starts one transaction under a supervisor and returns it.
supervisor_actor start_one(fixture& f) {
  auto sup = f.make_supervisor(fagsystem::historisk);
  auto msg = simple_message("k1", "SAK-1", uid_a, 100);
  f.self->send(sup, atom::submit::value, msg, content_hash{"h"});
  f.run();
  REQUIRE(f.os->sends.size() == 1);
  return sup;
}

/// The transaction `key` as its supervisor shows it.
tx_view view(fixture& f, const supervisor_actor& sup, std::string key) {
  f.self->send(sup, atom::get::value, tx_id{std::move(key)});
  f.run();
  std::optional<tx_view> result;
  f.self->receive([&](std::optional<tx_view>& x) { result = std::move(x); },
                  caf::after(0s) >> [] {});
  REQUIRE(result);
  return std::move(*result);
}

} // namespace

TEST_SUITE("actors/oppdrag") {

TEST_CASE("the journal names the next deadline and the last error") {
  fixture f;
  auto sup = start_one(f);
  auto sent = view(f, sup, "k1");
  CHECK(sent.journal.step == tx_step::sent);
  REQUIRE(sent.journal.deadline);
  CHECK(to_string(*sent.journal.deadline) == "2025-06-03T10:10:00");
  CHECK(sent.journal.last_error.empty());
  f.advance(1min);
  f.answer(0, "12", "Teknisk feil");
  auto retrying = view(f, sup, "k1");
  CHECK(retrying.journal.last_error == "OS answered 12: Teknisk feil");
  REQUIRE(retrying.journal.deadline);
  CHECK(to_string(*retrying.journal.deadline) == "2025-06-03T10:01:01");
  CHECK(f.stats->snapshot(*f.clock_now, {}).retries[0] == 1);
}

TEST_CASE("sends, kvitteringer, their wait and statuses are counted") {
  fixture f;
  start_one(f);
  f.advance(3s);
  f.answer(0, "04", "Vedtak-tom er ikke siste i mnd ved månedssats");
  auto x = f.stats->snapshot(*f.clock_now, {});
  CHECK(x.oppdrag_sent == 1);
  CHECK(x.kvitteringer.at("04") == 1);
  CHECK(x.wait_count == 1);
  CHECK(x.wait_sum == doctest::Approx(3.0));
  CHECK(x.statuses[static_cast<size_t>(status_kind::mottatt)] == 1);
  CHECK(x.statuses[static_cast<size_t>(status_kind::hos_oppdrag)] == 1);
  CHECK(x.statuses[static_cast<size_t>(status_kind::ok)] == 1);
  INFO("nothing waits any more");
  CHECK(x.unanswered == 0);
}

TEST_CASE("statuses go MOTTATT, HOS_OPPDRAG, OK with detaljer (I7)") {
  fixture f;
  start_one(f);
  CHECK(f.kinds("k1")
        == std::vector<status_kind>{status_kind::mottatt,
                                    status_kind::hos_oppdrag});
  f.answer(0, "00");
  auto k1 = f.statuses("k1");
  REQUIRE(k1.size() == 3);
  CHECK(k1[2].status == status_kind::ok);
  REQUIRE(k1[2].detaljer);
  REQUIRE(k1[2].detaljer->linjer.size() == 1);
  CHECK(k1[2].detaljer->linjer[0].belop == kroner{100});
  INFO("the oppdrag and its kvittering are on the audit topic");
  auto audits = std::count_if(
    f.sink->records.begin(), f.sink->records.end(),
    [](auto& r) { return r.topic == "helved.oppdrag.v1" && r.key == "k1"; });
  CHECK(audits == 2);
}

TEST_CASE("04 is OK with OS' warning text") {
  fixture f;
  start_one(f);
  f.answer(0, "04", "Vedtak-tom er ikke siste i mnd ved månedssats");
  auto k1 = f.statuses("k1");
  REQUIRE(k1.size() == 3);
  CHECK(k1[2].status == status_kind::ok);
  REQUIRE(k1[2].error);
  CHECK(k1[2].error->status_code == 200);
  CHECK(k1[2].error->msg == "Vedtak-tom er ikke siste i mnd ved månedssats");
}

TEST_CASE("12 is retried with backoff, the identical oppdrag each time") {
  fixture f;
  start_one(f);
  f.answer(0, "12", "Teknisk feil");
  INFO("nothing is resent before the first backoff (1 s)");
  f.advance(999ms);
  CHECK(f.os->sends.size() == 1);
  f.advance(1ms);
  REQUIRE(f.os->sends.size() == 2);
  CHECK(f.os->sends[1].xml == f.os->sends[0].xml);
  SUBCASE("an answer 00 to the retry ends OK") {
    f.answer(1, "00");
    CHECK(f.kinds("k1").back() == status_kind::ok);
  }
  SUBCASE("after max_retries 12s: FEILET 500") {
    f.answer(1, "12", "Teknisk feil");
    f.advance(2s);
    REQUIRE(f.os->sends.size() == 3);
    f.answer(2, "12", "Teknisk feil");
    f.advance(4s);
    REQUIRE(f.os->sends.size() == 4);
    f.answer(3, "12", "Teknisk feil");
    f.advance(1h);
    CHECK(f.os->sends.size() == 4);
    auto k1 = f.statuses("k1");
    CHECK(k1.back().status == status_kind::feilet);
    REQUIRE(k1.back().error);
    CHECK(k1.back().error->status_code == 500);
  }
}

TEST_CASE("a duplicated 12 counts as one failure, not two") {
  fixture f;
  start_one(f);
  f.answer(0, "12", "Teknisk feil");
  f.answer(0, "12", "Teknisk feil");
  INFO("one retry after the first backoff (1 s), not a second one at 2 s");
  f.advance(1s);
  REQUIRE(f.os->sends.size() == 2);
  f.answer(1, "12", "Teknisk feil");
  f.advance(1999ms);
  CHECK(f.os->sends.size() == 2);
  f.advance(1ms);
  CHECK(f.os->sends.size() == 3);
}

TEST_CASE("a stale timer after a kvittering changes nothing") {
  fixture f;
  start_one(f);
  INFO("a 12 at 1 min supersedes the kvittering timer armed at 0");
  f.advance(1min);
  f.answer(0, "12", "Teknisk feil");
  f.advance(1s);
  REQUIRE(f.os->sends.size() == 2);
  INFO("the first send's timer fires at 10 min and must be ignored");
  f.advance(9min);
  CHECK(f.os->sends.size() == 2);
  INFO("the retry's own timer fires at 11 min 1 s");
  f.advance(1min + 1s);
  CHECK(f.os->sends.size() == 3);
}

TEST_CASE("an overdue kvittering: the identical oppdrag is resent (I2)") {
  fixture f;
  start_one(f);
  f.advance(10min);
  REQUIRE(f.os->sends.size() == 2);
  CHECK(f.os->sends[1].xml == f.os->sends[0].xml);
  CHECK(f.kinds("k1").back() == status_kind::hos_oppdrag);
  SUBCASE("OS saying it has it already proves the first send: OK") {
    f.answer(1, "08", "Oppdraget finnes fra før");
    auto k1 = f.statuses("k1");
    CHECK(k1.back().status == status_kind::ok);
    CHECK_FALSE(k1.back().error);
  }
  SUBCASE("the late first kvittering decides; the second is ignored") {
    f.answer(0, "00");
    f.answer(1, "08", "DELYTELSE-ID finnes i oppdragsbasen fra før");
    auto k1 = f.kinds("k1");
    CHECK(std::count(k1.begin(), k1.end(), status_kind::ok) == 1);
    CHECK(std::count(k1.begin(), k1.end(), status_kind::feilet) == 0);
  }
  SUBCASE("resends are bounded; then it waits without FEILET") {
    f.advance(10min);
    CHECK(f.os->sends.size() == 3);
    f.advance(30min);
    CHECK(f.os->sends.size() == 3);
    CHECK(f.kinds("k1").back() == status_kind::hos_oppdrag);
  }
}

TEST_CASE("no resend while OS is closed: Friday evening waits for Monday") {
  fixture f;
  // 2025-06-13 is a Friday; the Monday after is an ordinary working day.
  *f.clock_now = *parse_local_time("2025-06-13T20:50:00");
  start_one(f);
  INFO("the kvittering is overdue at 21:00, after closing");
  f.advance(10min);
  CHECK(f.os->sends.size() == 1);
  f.advance(std::chrono::hours{24 * 2 + 8});
  CHECK(f.os->sends.size() == 1);
  INFO("Monday 06:00: resent");
  f.advance(59min);
  CHECK(f.os->sends.size() == 1);
  f.advance(1min);
  CHECK(f.os->sends.size() == 2);
}

TEST_CASE("Whit Monday is a holiday: the resend waits for Tuesday") {
  fixture f;
  // 2025-06-06 is the Friday before Whit Monday (9 June).
  *f.clock_now = *parse_local_time("2025-06-06T20:50:00");
  start_one(f);
  f.advance(10min);
  f.advance(std::chrono::hours{24 * 3 + 8} + 59min);
  CHECK(f.os->sends.size() == 1);
  f.advance(1min);
  CHECK(f.os->sends.size() == 2);
}

TEST_CASE("a transport failure is retried; OS never had it") {
  fixture f;
  f.os->fail_next = 1;
  auto sup = f.make_supervisor(fagsystem::historisk);
  f.self->send(sup, atom::submit::value,
               simple_message("k1", "SAK-1", uid_a, 100), content_hash{"h"});
  f.run();
  CHECK(f.os->sends.empty());
  f.advance(1s);
  REQUIRE(f.os->sends.size() == 1);
  f.answer(0, "00");
  CHECK(f.kinds("k1").back() == status_kind::ok);
}

TEST_CASE("the final step is one write: state, status and journal") {
  fixture f;
  start_one(f);
  auto units_before = f.sink->units.size();
  f.answer(0, "00");
  INFO("of the units after the kvittering, one holds state and status");
  REQUIRE(f.sink->units.size() > units_before);
  size_t with_state = 0;
  for (auto i = f.sink->delivered.size() - (f.sink->units.size()
                                             - units_before);
       i < f.sink->delivered.size(); ++i)
    for (auto& rec : f.sink->delivered[i])
      if (rec.topic == state_topics{}.utbetalinger)
        ++with_state;
  CHECK(with_state == 1);
  auto& last = f.sink->delivered.back();
  std::vector<std::string> topics;
  for (auto& rec : last)
    topics.push_back(rec.topic);
  state_topics st;
  CHECK(topics
        == std::vector<std::string>{st.utbetalinger, st.saker, st.journal,
                                    "helved.status.v1"});
  INFO("the journal record in it is terminal, with the status as outcome");
  auto journal = parse_tx_record(last[2].value);
  REQUIRE(journal);
  CHECK(journal->journal.step == tx_step::done);
  REQUIRE(journal->outcome);
  CHECK(journal->outcome->status == status_kind::ok);
  auto status = parse_status(last[3].value);
  REQUIRE(status);
  CHECK(status->status == status_kind::ok);
  CHECK(last[0].key == std::string{uid_a});
}

TEST_CASE("a failed final write leaves nothing and is written again whole") {
  fixture f;
  start_one(f);
  INFO("the unit with the terminal status fails");
  f.sink->fail_next = 1;
  f.answer(0, "00");
  CHECK(f.sink->failed_units == 1);
  auto after_failure = f.written_state();
  CHECK(after_failure.utbetalinger.empty());
  CHECK(after_failure.saker.empty());
  REQUIRE(after_failure.journal.count(tx_id{"k1"}) == 1);
  CHECK_FALSE(after_failure.journal.at(tx_id{"k1"}).outcome);
  f.self->send(f.store, atom::get::value, sak_key{"SAK-1",
                                                  fagsystem::historisk});
  f.run();
  f.self->receive([](const sak_state& x) { CHECK_FALSE(x.exists); },
                  caf::after(0s) >> [] { FAIL("the store did not answer"); });
  INFO("after the backoff all of it lands in one unit");
  f.advance(1s);
  auto written = f.written_state();
  CHECK(written.utbetalinger.size() == 1);
  CHECK(written.saker.size() == 1);
  REQUIRE(written.journal.at(tx_id{"k1"}).outcome);
  CHECK(f.kinds("k1").back() == status_kind::ok);
  CHECK(f.sink->delivered.back().size() == 4);
}

TEST_CASE("each journal step and the status it implies are one write") {
  fixture f;
  start_one(f);
  INFO("planned with MOTTATT, sent with HOS_OPPDRAG");
  std::vector<std::pair<tx_step, status_kind>> pairs;
  for (auto& unit : f.sink->delivered) {
    if (unit.size() != 2 || unit[0].topic != state_topics{}.journal)
      continue;
    auto journal = parse_tx_record(unit[0].value);
    auto status = parse_status(unit[1].value);
    REQUIRE(journal);
    REQUIRE(status);
    pairs.emplace_back(journal->journal.step, status->status);
  }
  CHECK(pairs
        == std::vector<std::pair<tx_step, status_kind>>{
          {tx_step::planned, status_kind::mottatt},
          {tx_step::sent, status_kind::hos_oppdrag}});
  INFO("no status travels alone");
  for (auto& unit : f.sink->delivered)
    if (unit.back().topic == "helved.status.v1")
      CHECK(unit.size() > 1);
}

TEST_CASE("a lost status delivery is published again, never dropped") {
  fixture f;
  start_one(f);
  f.sink->fail_next = 1;
  f.answer(0, "00");
  auto before = f.kinds("k1");
  f.advance(1s);
  auto after = f.kinds("k1");
  CHECK(after.size() == before.size() + 1);
  CHECK(after.back() == status_kind::ok);
}

}
