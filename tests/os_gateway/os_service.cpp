#include "os_gateway/os_service.hpp"

#include "../kafka/fixture.hpp"
#include "fixture.hpp"
#include "http_get.hpp"
#include "os_gateway/kafka_transport.hpp"
#include "os_gateway/state_json.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>

using namespace utsjekk;
using namespace utsjekk::os;
using namespace utsjekk::kafka::test;
using namespace std::chrono_literals;

namespace {

constexpr auto topic = "helved.oppdrag.v1";

/// A fresh directory, removed at the end.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    auto base = std::filesystem::temp_directory_path();
    std::string name = (base / "utsjekk-os-service-XXXXXX").string();
    REQUIRE(mkdtemp(name.data()) != nullptr);
    path = name;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

/// A cluster with the topic, a producer playing utsjekk and a consumer
/// reading everything on the topic.
struct world {
  std::unique_ptr<kafka::embedded_cluster> cluster = start_cluster();
  delivery_log deliveries;
  consumer_log seen;
  std::unique_ptr<kafka::producer> producer;
  std::unique_ptr<kafka::consumer> reader;
  temp_dir state;

  world() {
    REQUIRE_FALSE(cluster->create_topic(topic, 3));
    producer = make_producer(cluster->config(), deliveries);
    reader = start_consumer(cluster->config(), "test-reader", {topic}, seen);
  }

  /// Starts utsjekk-os on the cluster and the state directory.
  std::unique_ptr<os_service> start_os(simulator_profile profile = {}) {
    os_service_config cfg;
    cfg.kafka = fast_group(cluster->config());
    cfg.topic = topic;
    cfg.profile = profile;
    cfg.state_dir = state.path;
    cfg.now = [] { return utsjekk::test::wednesday(); };
    auto result = os_service::start(std::move(cfg));
    REQUIRE_MESSAGE(result, render(result.error()));
    return std::move(*result);
  }

  /// Sends `xml` as utsjekk does, keyed by `key`.
  void send(const std::string& key, const std::string& xml) {
    size_t before = 0;
    {
      std::lock_guard<std::mutex> guard{deliveries.mtx};
      before = deliveries.reports.size();
    }
    kafka::headers hdrs{{"fagsystem", "DAGPENGER"}, {"uids", "u1,u2"}};
    REQUIRE_FALSE(producer->produce(topic, key, xml, hdrs, 0));
    REQUIRE(deliveries.wait_for(before + 1));
  }

  /// The kvitteringer seen under `key`; call under seen.mtx.
  std::vector<kafka::record> kvitteringer_locked(const std::string& key) {
    std::vector<kafka::record> result;
    for (auto& rec : seen.records)
      if (rec.key == key && is_kvittering(rec.value))
        result.push_back(rec);
    return result;
  }

  /// Waits until `n` kvitteringer under `key` were seen; returns them.
  std::vector<kafka::record> wait_kvitteringer(const std::string& key,
                                               size_t n) {
    auto ok = seen.wait([&] { return kvitteringer_locked(key).size() >= n; });
    REQUIRE_MESSAGE(ok, "no kvittering for " << key);
    std::lock_guard<std::mutex> guard{seen.mtx};
    return kvitteringer_locked(key);
  }
};

} // namespace

TEST_SUITE("os_gateway/os_service") {

TEST_CASE("utsjekk-os answers on the topic, keeps its base, serves it") {
  world w;
  auto os = w.start_os();
  auto oppdrag = utsjekk::test::new_sak_xml();
  w.send("tx-1", oppdrag);
  auto first = w.wait_kvitteringer("tx-1", 1);
  REQUIRE(first.size() == 1);
  CHECK(utsjekk::test::grade_of(first[0].value) == "00");
  INFO("the kvittering keeps the oppdrag's key and headers");
  CHECK(first[0].headers
        == kafka::headers{{"fagsystem", "DAGPENGER"}, {"uids", "u1,u2"}});
  INFO("the ledger is served at GET /ledger");
  auto reply = utsjekk::test::http_request(os->port(), "/ledger");
  REQUIRE(reply.status == 200);
  auto ledger = parse_ledger(reply.body);
  REQUIRE(ledger);
  auto key = base_key{"DP", utsjekk::test::sak_id};
  REQUIRE(ledger->count(key) == 1);
  CHECK(ledger->at(key).size() == 1);
  CHECK(utsjekk::test::http_request(os->port(), "/").status == 404);
  SUBCASE("after a restart the base is there and a resend is repeated") {
    auto before = os->ledger_json();
    os->stop();
    auto again = w.start_os();
    CHECK(again->ledger_json() == before);
    w.send("tx-1", oppdrag);
    auto both = w.wait_kvitteringer("tx-1", 2);
    REQUIRE(both.size() == 2);
    CHECK(both[1].value == first[0].value);
    CHECK(again->ledger_json() == before);
    INFO("the first record was committed: only the resend was answered");
    CHECK(again->answered() == 1);
  }
  SUBCASE("a new oppdrag on the sak is rejected as OS does") {
    auto twice = utsjekk::test::make_oppdrag(
      "NY", {utsjekk::test::ny(5, std::nullopt,
                               2025y / std::chrono::June / 16d,
                               2025y / std::chrono::June / 20d, 10)});
    w.send("tx-2", to_xml(twice));
    auto second = w.wait_kvitteringer("tx-2", 1);
    CHECK(utsjekk::test::grade_of(second[0].value) == "08");
    CHECK(os->answered() == 2);
  }
}

TEST_CASE("a lost kvittering is given to the resend") {
  world w;
  auto profile = simulator_profile{};
  profile.rate_lost = 1.0;
  auto os = w.start_os(profile);
  w.send("tx-1", utsjekk::test::new_sak_xml());
  INFO("the loss is decided: the resend after it is answered");
  w.send("tx-1", utsjekk::test::new_sak_xml());
  auto got = w.wait_kvitteringer("tx-1", 1);
  CHECK(utsjekk::test::grade_of(got[0].value) == "00");
  CHECK(os->answered() == 2);
}

TEST_CASE("a burst is answered in batches and comes back after a restart") {
  world w;
  auto os = w.start_os();
  auto xmls = utsjekk::test::mixed_xmls(300);
  INFO("utsjekk sends the burst without waiting between oppdrag");
  kafka::headers hdrs{{"fagsystem", "DAGPENGER"}};
  for (size_t i = 0; i < xmls.size(); ++i)
    REQUIRE_FALSE(
      w.producer->produce(topic, "tx-" + std::to_string(i), xmls[i], hdrs, 0));
  REQUIRE(w.deliveries.wait_for(xmls.size()));
  auto all = w.seen.wait([&] {
    size_t n = 0;
    for (auto& rec : w.seen.records)
      n += is_kvittering(rec.value) ? 1 : 0;
    return n >= xmls.size();
  });
  REQUIRE(all);
  CHECK(os->answered() == xmls.size());
  INFO("the state directory holds one snapshot and its log");
  std::vector<std::string> files;
  for (auto& entry : std::filesystem::directory_iterator{w.state.path})
    files.push_back(entry.path().filename().string());
  std::sort(files.begin(), files.end());
  CHECK(files == std::vector<std::string>{"os-log.1.jsonl", "os-state.json"});
  CHECK(std::filesystem::file_size(w.state.path / "os-log.1.jsonl")
        > os::log_header_bytes);
  INFO("a restart loads the snapshot, replays the log, starts generation 2");
  auto before = os->ledger_json();
  os->stop();
  auto again = w.start_os();
  CHECK(again->ledger_json() == before);
  CHECK(std::filesystem::exists(w.state.path / "os-log.2.jsonl"));
  CHECK_FALSE(std::filesystem::exists(w.state.path / "os-log.1.jsonl"));
}

TEST_CASE("a kvittering leaves no earlier than its latency") {
  world w;
  auto profile = simulator_profile{};
  profile.latency_min = std::chrono::milliseconds{400};
  profile.latency_max = std::chrono::milliseconds{400};
  auto os = w.start_os(profile);
  auto sent = std::chrono::steady_clock::now();
  w.send("tx-1", utsjekk::test::new_sak_xml());
  w.wait_kvitteringer("tx-1", 1);
  CHECK(std::chrono::steady_clock::now() - sent
        >= std::chrono::milliseconds{400});
}

}
