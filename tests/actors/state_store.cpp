#include "actors/state_store.hpp"

#include "fixture.hpp"

using namespace utsjekk;
using namespace utsjekk::test;

namespace {

/// The store's state; safe to read while the test coordinator is idle.
const state_store_state& store_state(const fixture& f) {
  auto ptr = caf::actor_cast<caf::abstract_actor*>(f.store);
  using impl = caf::stateful_actor<state_store_state, state_store_actor::base>;
  auto store = dynamic_cast<impl*>(ptr);
  REQUIRE(store != nullptr);
  return store->state;
}

/// Runs message k1 through OS with kvittering 00 and returns its terminal
/// status.
status_reply finish_k1(fixture& f, const supervisor_actor& sup) {
  submit_message(f, sup, "k1");
  REQUIRE(f.os->sends.size() == 1);
  f.answer(0, "00");
  auto k1 = f.statuses("k1");
  REQUIRE(k1.size() == 3);
  REQUIRE(k1.back().status == status_kind::ok);
  return k1.back();
}

/// I6 against the store's entry for k1: the same content gets `final`
/// again and reaches no OS, other content gets FEILET 409.
void check_idempotent(fixture& f, const supervisor_actor& sup,
                      const status_reply& final) {
  auto sends = f.os->sends.size();
  auto published = f.statuses("k1").size();
  SUBCASE("the same content: the same final status, nothing sent") {
    submit_message(f, sup, "k1");
    auto k1 = f.statuses("k1");
    REQUIRE(k1.size() == published + 1);
    CHECK(k1.back() == final);
    CHECK(f.os->sends.size() == sends);
  }
  SUBCASE("other content: FEILET 409, nothing sent") {
    submit_message(f, sup, "k1", 999);
    auto k1 = f.statuses("k1");
    REQUIRE(k1.size() == published + 1);
    CHECK(k1.back().status == status_kind::feilet);
    REQUIRE(k1.back().error);
    CHECK(k1.back().error->status_code == 409);
    CHECK(f.os->sends.size() == sends);
  }
}

} // namespace

TEST_SUITE("actors/state_store") {

TEST_CASE("a transaction that ends leaves a compact entry and record") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk);
  submit_message(f, sup, "k1");
  INFO("while in flight, the store holds the oppdrag for a restart");
  REQUIRE(store_state(f).journal.count(tx_id{"k1"}) == 1);
  CHECK(store_state(f).journal.at(tx_id{"k1"}).journal.oppdrag.size() == 1);
  CHECK(store_state(f).finished.empty());
  f.answer(0, "00");
  auto final = f.statuses("k1").back();
  REQUIRE(final.status == status_kind::ok);
  SUBCASE("in memory: hash and outcome, no journal of the transaction") {
    auto& st = store_state(f);
    CHECK(st.journal.empty());
    REQUIRE(st.finished.count(tx_id{"k1"}) == 1);
    CHECK(st.finished.at(tx_id{"k1"})
          == finished_tx{content_hash{"h-k1100"}, final});
  }
  SUBCASE("on the topic: the terminal record has no oppdrag") {
    auto recs = journal_records(f, "k1");
    REQUIRE(recs.size() >= 2);
    auto& end = recs.back();
    REQUIRE(end.outcome);
    CHECK(*end.outcome == final);
    CHECK(end.journal.step == tx_step::done);
    CHECK(end.journal.oppdrag.empty());
    CHECK_FALSE(end.journal.detaljer);
    CHECK(end.hash == content_hash{"h-k1100"});
    CHECK(end.sak == sak_key{"SAK-1", fagsystem::historisk});
    INFO("the step before it carried the oppdrag");
    CHECK(recs[recs.size() - 2].journal.oppdrag.size() == 1);
  }
  SUBCASE("I6 holds from the compact entry") {
    check_idempotent(f, sup, final);
  }
}

TEST_CASE("a finished transaction loaded at start is kept compact") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk);
  auto final = finish_k1(f, sup);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.run();
  auto state = f.written_state();
  // Restarts the store from `loaded`; then k1 is compact and answers I6.
  auto restart_and_check = [&f, &final](loaded_state loaded) {
    f.restart_store(std::move(loaded));
    auto& st = store_state(f);
    CHECK(st.journal.empty());
    REQUIRE(st.finished.count(tx_id{"k1"}) == 1);
    CHECK(st.finished.at(tx_id{"k1"})
          == finished_tx{content_hash{"h-k1100"}, final});
    auto sup2 = f.make_supervisor(fagsystem::historisk);
    check_idempotent(f, sup2, final);
  };
  SUBCASE("from a record written before records were compact") {
    INFO("the old terminal record: the last step with the outcome added");
    auto recs = journal_records(f, "k1");
    REQUIRE(recs.size() >= 2);
    auto old = recs[recs.size() - 2];
    REQUIRE(old.journal.oppdrag.size() == 1);
    old.journal.step = tx_step::done;
    old.outcome = final;
    auto reread = parse_tx_record(to_json(old));
    REQUIRE(reread);
    state.journal.insert_or_assign(tx_id{"k1"}, std::move(*reread));
    restart_and_check(std::move(state));
  }
  SUBCASE("from a compact record") {
    REQUIRE(state.journal.at(tx_id{"k1"}).outcome);
    CHECK(state.journal.at(tx_id{"k1"}).journal.oppdrag.empty());
    restart_and_check(std::move(state));
  }
}

TEST_CASE("a late step never reopens a finished transaction") {
  std::map<tx_id, tx_record> unfinished;
  std::map<tx_id, finished_tx> finished;
  tx_record rec;
  rec.key = tx_id{"k1"};
  rec.hash = content_hash{"h1"};
  rec.journal.step = tx_step::sent;
  outgoing_oppdrag out;
  out.xml = "<oppdrag/>";
  out.match_key = "m1";
  rec.journal.oppdrag.push_back(out);
  auto step = rec;
  SUBCASE("a step is kept in full") {
    file_journal_record(unfinished, finished, step);
    REQUIRE(unfinished.count(tx_id{"k1"}) == 1);
    CHECK(unfinished.at(tx_id{"k1"}) == step);
    CHECK(finished.empty());
  }
  SUBCASE("the end replaces the step, and a late step is ignored") {
    file_journal_record(unfinished, finished, step);
    rec.journal.step = tx_step::done;
    rec.outcome = status_reply{status_kind::ok, {}, {}, false};
    file_journal_record(unfinished, finished, rec);
    file_journal_record(unfinished, finished, step);
    CHECK(unfinished.empty());
    REQUIRE(finished.count(tx_id{"k1"}) == 1);
    CHECK(finished.at(tx_id{"k1"})
          == finished_tx{content_hash{"h1"}, *rec.outcome});
  }
  SUBCASE("compact keeps what a finished key answers with, no oppdrag") {
    rec.journal.attempts = 3;
    rec.journal.last_error = "OS answered 12";
    rec.outcome = status_reply{status_kind::ok, {}, {}, false};
    auto x = compact(rec);
    CHECK(x.key == rec.key);
    CHECK(x.hash == rec.hash);
    CHECK(x.outcome == rec.outcome);
    CHECK(x.journal.step == tx_step::done);
    CHECK(x.journal.attempts == 3);
    CHECK(x.journal.oppdrag.empty());
    CHECK(x.journal.last_error.empty());
  }
}

TEST_CASE("a key started with other content before its first journal "
          "record is a conflict") {
  state_store_state st;
  tx_id k{"k1"};
  INFO("the first start claims the key");
  CHECK(st.claim(k, content_hash{"h1"}).what == tx_lookup::kind::unknown);
  INFO("another content, on another fagsystem's supervisor: a conflict");
  auto other = st.claim(k, content_hash{"h2"});
  CHECK(other.what == tx_lookup::kind::conflict);
  CHECK_FALSE(other.final_status);
  INFO("the same content again is not");
  CHECK(st.claim(k, content_hash{"h1"}).what == tx_lookup::kind::unknown);
  INFO("once journaled, the journal answers and the claim is gone");
  tx_record rec;
  rec.key = k;
  rec.hash = content_hash{"h1"};
  rec.journal.step = tx_step::planned;
  st.journaled(rec);
  CHECK(st.claims.empty());
  CHECK(st.claim(k, content_hash{"h2"}).what == tx_lookup::kind::conflict);
  CHECK(st.claim(k, content_hash{"h1"}).what == tx_lookup::kind::same);
}

}
