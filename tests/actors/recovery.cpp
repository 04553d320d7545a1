#include "actors/supervisor.hpp"

#include "fixture.hpp"

using namespace utsjekk;
using namespace utsjekk::test;
using namespace std::chrono_literals;

namespace {

/// The unfinished transactions of the written journal, as the service
/// hands them to a supervisor at start.
std::vector<tx_record> unfinished(const fixture& f) {
  std::vector<tx_record> result;
  for (auto& [key, rec] : f.written_state().journal)
    if (!rec.outcome)
      result.push_back(rec);
  return result;
}

/// The journal step of `key` as written last.
std::optional<tx_step> journaled_step(const fixture& f,
                                      const std::string& key) {
  auto state = f.written_state();
  auto i = state.journal.find(tx_id{key});
  if (i == state.journal.end())
    return std::nullopt;
  return i->second.journal.step;
}

} // namespace

TEST_SUITE("actors/recovery") {

TEST_CASE("the journal knows the oppdrag before OS does") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk);
  submit_message(f, sup, "k1");
  REQUIRE(f.os->sends.size() == 1);
  auto state = f.written_state();
  auto& rec = state.journal.at(tx_id{"k1"});
  REQUIRE(rec.journal.oppdrag.size() == 1);
  CHECK(rec.journal.oppdrag[0].xml == f.os->sends[0].xml);
  CHECK(rec.journal.oppdrag[0].sends == 1);
  CHECK(rec.journal.step == tx_step::sent);
  CHECK_FALSE(rec.outcome);
}

TEST_CASE("after a restart, a transaction resumes from its journaled step") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk);
  submit_message(f, sup, "k1");
  REQUIRE(f.os->sends.size() == 1);
  auto first_xml = f.os->sends[0].xml;
  INFO("the process dies: actors gone, only the written state remains");
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.run();
  f.restart_store(f.written_state());
  auto sup2 = f.make_supervisor(fagsystem::historisk);
  SUBCASE("step sent: no blind resend; the kvittering timeout resends the "
          "identical oppdrag, and 'finnes fra før' proves acceptance") {
    submit_message(f, sup2, "k1");
    CHECK(f.os->sends.size() == 1);
    REQUIRE(f.os->routes.size() == 1);
    f.advance(10min);
    REQUIRE(f.os->sends.size() == 2);
    CHECK(f.os->sends[1].xml == first_xml);
    f.answer(1, "08", "Oppdraget finnes fra før");
    CHECK(f.kinds("k1").back() == status_kind::ok);
    CHECK(journaled_step(f, "k1") == tx_step::done);
  }
  SUBCASE("a kvittering that reaches the resumed actor is applied") {
    submit_message(f, sup2, "k1");
    f.answer(0, "00", {}, f.os->routes.at(0).second);
    CHECK(f.kinds("k1").back() == status_kind::ok);
    INFO("the accepted state is durable: the next change is ENDR");
    submit_message(f, sup2, "k2", 200);
    REQUIRE(f.os->sends.size() == 2);
    auto sent = parse_oppdrag(f.os->sends[1].xml);
    REQUIRE(sent);
    CHECK(sent->kode_endring == "ENDR");
  }
}

TEST_CASE("a transaction journaled as planned is sent, as a resend") {
  fixture f;
  INFO("the journal write of 'sent' fails: the step stays 'planned'");
  auto sup = f.make_supervisor(fagsystem::historisk);
  submit_message(f, sup, "k1");
  auto state = f.written_state();
  auto& rec = state.journal.at(tx_id{"k1"});
  rec.journal.step = tx_step::planned;
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.run();
  f.restart_store(state);
  auto sup2 = f.make_supervisor(fagsystem::historisk);
  submit_message(f, sup2, "k1");
  REQUIRE(f.os->sends.size() == 2);
  CHECK(f.os->sends[1].xml == f.os->sends[0].xml);
  INFO("OS had the first send: its 'finnes fra før' means OK");
  f.answer(1, "08", "DELYTELSE-ID finnes i oppdragsbasen fra før");
  CHECK(f.kinds("k1").back() == status_kind::ok);
}

TEST_CASE("a finished transaction is answered from the journal, not redone") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk);
  submit_message(f, sup, "k1");
  f.answer(0, "00");
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.run();
  f.restart_store(f.written_state());
  auto sup2 = f.make_supervisor(fagsystem::historisk);
  submit_message(f, sup2, "k1");
  CHECK(f.os->sends.size() == 1);
  auto k1 = f.statuses("k1");
  REQUIRE(k1.size() == 4);
  CHECK(k1[3] == k1[2]);
  SUBCASE("and a reused key with other content is a conflict, 409") {
    submit_message(f, sup2, "k1", 999);
    CHECK(f.statuses("k1").back().error->status_code == 409);
  }
}

TEST_CASE("at start, a journaled transaction resumes without its input") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk);
  submit_message(f, sup, "k1");
  REQUIRE(f.os->sends.size() == 1);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.run();
  f.restart_store(f.written_state());
  auto sup2 = f.make_supervisor(fagsystem::historisk);
  auto before = f.statuses("k1").size();
  SUBCASE("step sent: it waits for its kvittering and applies it") {
    f.self->send(sup2, atom::start::value, unfinished(f));
    f.run();
    INFO("no blind resend: OS may have it");
    CHECK(f.os->sends.size() == 1);
    REQUIRE(f.os->routes.size() == 1);
    f.answer(0, "00", {}, f.os->routes.at(0).second);
    CHECK(f.kinds("k1").back() == status_kind::ok);
    CHECK(f.statuses("k1").size() == before + 1);
    CHECK(journaled_step(f, "k1") == tx_step::done);
  }
  SUBCASE("its input read again waits behind it and gets its outcome") {
    f.self->send(sup2, atom::start::value, unfinished(f));
    f.run();
    submit_message(f, sup2, "k1");
    CHECK(f.os->sends.size() == 1);
    f.answer(0, "00", {}, f.os->routes.at(0).second);
    auto k1 = f.statuses("k1");
    REQUIRE(k1.size() == before + 2);
    CHECK(k1.back().status == status_kind::ok);
    CHECK(k1[k1.size() - 1] == k1[k1.size() - 2]);
    CHECK(f.os->sends.size() == 1);
  }
  SUBCASE("another fagsystem's, a finished or an unplanned one is left") {
    auto records = unfinished(f);
    REQUIRE(records.size() == 1);
    auto other = records[0];
    other.fagsystem = fagsystem::aap;
    auto finished = records[0];
    finished.outcome = status_reply{status_kind::ok, {}, {}, false};
    auto unplanned = records[0];
    unplanned.journal.step = tx_step::queued;
    f.self->send(sup2, atom::start::value,
                 std::vector<tx_record>{other, finished, unplanned});
    f.run();
    f.advance(10min);
    CHECK(f.os->sends.size() == 1);
    CHECK(f.os->routes.empty());
    CHECK(f.statuses("k1").size() == before);
  }
}

TEST_CASE("at start, a transaction journaled as planned is sent") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk);
  submit_message(f, sup, "k1");
  auto state = f.written_state();
  state.journal.at(tx_id{"k1"}).journal.step = tx_step::planned;
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.run();
  f.restart_store(state);
  auto sup2 = f.make_supervisor(fagsystem::historisk);
  f.self->send(sup2, atom::start::value,
               std::vector<tx_record>{state.journal.at(tx_id{"k1"})});
  f.run();
  INFO("nothing reached OS as far as the journal knows: sent, as a resend");
  REQUIRE(f.os->sends.size() == 2);
  CHECK(f.os->sends[1].xml == f.os->sends[0].xml);
  f.answer(1, "08", "DELYTELSE-ID finnes i oppdragsbasen fra før");
  CHECK(f.kinds("k1").back() == status_kind::ok);
}

}
