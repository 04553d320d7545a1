#include "actors/state_loader.hpp"

#include "fixture.hpp"
#include "kafka/kafka.hpp"

#include <atomic>

using namespace utsjekk;
using namespace utsjekk::test;

namespace {

constexpr auto uid_a = test_uid;
constexpr auto uid_b = "9a7d2c3e-2222-4222-8333-944455566677";

/// One record to put on a state topic; no value is a tombstone.
struct topic_record {
  std::string topic;
  std::string key;
  std::string value;
};

/// Starts a mock cluster holding `recs`, in order, on the state topics.
std::unique_ptr<kafka::embedded_cluster>
cluster_with(const std::vector<topic_record>& recs) {
  auto cluster = kafka::embedded_cluster::start();
  REQUIRE(cluster);
  state_topics topics;
  for (auto& name : {topics.utbetalinger, topics.saker, topics.journal})
    REQUIRE(!(*cluster)->create_topic(name, 1));
  std::atomic<int> failed = 0;
  auto producer = kafka::producer::make(
    (*cluster)->config(), [&failed](uint64_t, caf::error err) {
      if (err)
        ++failed;
    });
  REQUIRE(producer);
  for (auto& rec : recs)
    REQUIRE(!(*producer)->produce(rec.topic, rec.key, rec.value, {}, 0));
  REQUIRE(!(*producer)->flush(std::chrono::seconds{30}));
  REQUIRE(failed == 0);
  return std::move(*cluster);
}

} // namespace

TEST_SUITE("actors/state_loader") {

TEST_CASE("the loader keeps finished transactions compact, old records "
          "included, and I6 holds from them") {
  fixture f;
  auto sup = f.make_supervisor(fagsystem::historisk);
  INFO("k1 ends with OK; k2 on another sak waits for its kvittering");
  submit_message(f, sup, "k1", 100, "SAK-1", uid_a);
  REQUIRE(f.os->sends.size() == 1);
  f.answer(0, "00");
  auto final = f.statuses("k1").back();
  REQUIRE(final.status == status_kind::ok);
  submit_message(f, sup, "k2", 100, "SAK-2", uid_b);
  REQUIRE(f.os->sends.size() == 2);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.run();
  INFO("k1's terminal record as written before records were compact: its "
       "last step with the outcome, oppdrag and all");
  auto k1 = journal_records(f, "k1");
  REQUIRE(k1.size() >= 2);
  auto old_end = k1[k1.size() - 2];
  REQUIRE(old_end.journal.oppdrag.size() == 1);
  auto late_step = old_end;
  old_end.journal.step = tx_step::done;
  old_end.outcome = final;
  INFO("the topics: the state records, k1's end in the old form followed "
       "by a late step, k2 in flight, k3 written and deleted");
  state_topics topics;
  std::vector<topic_record> recs;
  for (auto& rec : f.sink->records)
    if (rec.topic == topics.utbetalinger || rec.topic == topics.saker
        || (rec.topic == topics.journal && rec.key == "k2"))
      recs.push_back({rec.topic, *rec.key, rec.value});
  recs.push_back({topics.journal, "k1", to_json(old_end)});
  recs.push_back({topics.journal, "k1", to_json(late_step)});
  auto k3 = late_step;
  k3.key = tx_id{"k3"};
  recs.push_back({topics.journal, "k3", to_json(k3)});
  recs.push_back({topics.journal, "k3", {}});
  auto cluster = cluster_with(recs);
  auto loaded = load_state(cluster->config(), topics);
  REQUIRE(loaded);
  CHECK(loaded->unreadable == 0);
  CHECK(loaded->utbetalinger.size() == 1);
  SUBCASE("k1 is compact, k2 is whole, k3 is gone") {
    REQUIRE(loaded->finished.count(tx_id{"k1"}) == 1);
    CHECK(loaded->finished.at(tx_id{"k1"})
          == finished_tx{content_hash{"h-k1100"}, final});
    CHECK(loaded->finished.size() == 1);
    REQUIRE(loaded->journal.count(tx_id{"k2"}) == 1);
    CHECK(loaded->journal.size() == 1);
    auto& k2 = loaded->journal.at(tx_id{"k2"});
    CHECK(k2.journal.step == tx_step::sent);
    REQUIRE(k2.journal.oppdrag.size() == 1);
    CHECK(k2.journal.oppdrag[0].xml == f.os->sends[1].xml);
  }
  SUBCASE("I6 from the loaded entry") {
    f.restart_store(std::move(*loaded));
    auto sup2 = f.make_supervisor(fagsystem::historisk);
    auto published = f.statuses("k1").size();
    SUBCASE("the same content: the same final status, nothing sent") {
      submit_message(f, sup2, "k1", 100, "SAK-1", uid_a);
      auto statuses = f.statuses("k1");
      REQUIRE(statuses.size() == published + 1);
      CHECK(statuses.back() == final);
      CHECK(f.os->sends.size() == 2);
    }
    SUBCASE("other content: FEILET 409, nothing sent") {
      submit_message(f, sup2, "k1", 999, "SAK-1", uid_a);
      auto statuses = f.statuses("k1");
      REQUIRE(statuses.size() == published + 1);
      CHECK(statuses.back().status == status_kind::feilet);
      REQUIRE(statuses.back().error);
      CHECK(statuses.back().error->status_code == 409);
      CHECK(f.os->sends.size() == 2);
    }
  }
}

}
