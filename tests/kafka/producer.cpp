#include "kafka/kafka.hpp"

#include "messages/error.hpp"
#include "tests/kafka/fixture.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <thread>

using namespace utsjekk;
using namespace utsjekk::kafka;
using namespace utsjekk::kafka::test;

TEST_SUITE("kafka/producer") {

TEST_CASE("delivery reports carry the tokens") {
  auto cluster = start_cluster();
  REQUIRE(!cluster->create_topic("tokens", 3));
  delivery_log dlog;
  auto p = make_producer(cluster->config(), dlog);
  INFO("produce 500 records under distinct tokens");
  for (uint64_t i = 0; i < 500; ++i) {
    auto err = p->produce("tokens", "key-" + std::to_string(i % 7), "v", {},
                          1000 + i);
    REQUIRE_MESSAGE(!err, render(err));
  }
  INFO("flush returns once every report was handed on");
  auto err = p->flush(deadline);
  REQUIRE_MESSAGE(!err, render(err));
  CHECK(p->in_queue() == 0);
  std::lock_guard<std::mutex> guard{dlog.mtx};
  REQUIRE(dlog.reports.size() == 500);
  std::vector<uint64_t> tokens;
  for (const auto& [token, outcome] : dlog.reports) {
    CHECK(outcome == "none");
    tokens.push_back(token);
  }
  std::sort(tokens.begin(), tokens.end());
  for (uint64_t i = 0; i < 500; ++i)
    CHECK(tokens[i] == 1000 + i);
}

TEST_CASE("the producer is idempotent and keeps the order per key") {
  auto cluster = start_cluster();
  REQUIRE(!cluster->create_topic("ordered", 3));
  INFO("idempotence is on: librdkafka refuses acks=1 with it");
  delivery_log dlog;
  auto cfg = cluster->config();
  cfg.properties["acks"] = "1";
  auto refused = producer::make(cfg, dlog.handler());
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == ec::kafka_failed);
  auto p = make_producer(cluster->config(), dlog);
  INFO("four threads produce 250 records each under their own key");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 250; ++i)
        if (p->produce("ordered", "key-" + std::to_string(t),
                       std::to_string(i), {{"thread", std::to_string(t)}},
                       static_cast<uint64_t>(t * 1000 + i)))
          ++failures;
    });
  for (auto& th : threads)
    th.join();
  CHECK(failures == 0);
  REQUIRE(!p->flush(deadline));
  INFO("a consumer sees each key's values in the order produced");
  consumer_log log;
  auto c = start_consumer(cluster->config(), "g-ordered", {"ordered"}, log);
  REQUIRE(log.wait([&] { return log.records.size() >= 1000; }));
  std::lock_guard<std::mutex> guard{log.mtx};
  CHECK(log.records.size() == 1000);
  std::map<std::string, int> next;
  for (const auto& rec : log.records) {
    REQUIRE(rec.key);
    INFO("key " << *rec.key << " value " << rec.value);
    CHECK(rec.value == std::to_string(next[*rec.key]++));
  }
  CHECK(next.size() == 4);
}

TEST_CASE("a full local queue makes produce wait, not fail") {
  auto cluster = start_cluster();
  REQUIRE(!cluster->create_topic("narrow", 1));
  auto cfg = cluster->config();
  cfg.properties["queue.buffering.max.messages"] = "5";
  delivery_log dlog;
  auto p = make_producer(cfg, dlog);
  INFO("200 records through a queue of five");
  for (uint64_t i = 0; i < 200; ++i) {
    auto err = p->produce("narrow", std::nullopt, "v", {}, i);
    REQUIRE_MESSAGE(!err, render(err));
    CHECK(p->in_queue() <= 5);
  }
  REQUIRE(!p->flush(deadline));
  std::lock_guard<std::mutex> guard{dlog.mtx};
  CHECK(dlog.reports.size() == 200);
}

TEST_CASE("produce reports what librdkafka refuses") {
  auto cluster = start_cluster();
  delivery_log dlog;
  SUBCASE("a record larger than message.max.bytes") {
    auto p = make_producer(cluster->config(), dlog);
    auto err = p->produce("big", std::nullopt, std::string(2'000'000, 'x'),
                          {}, 1);
    CHECK(err == ec::kafka_failed);
    CHECK(error_message(err).rfind("produce to big: ", 0) == 0);
  }
  SUBCASE("an unknown property value") {
    auto cfg = cluster->config();
    cfg.properties["linger.ms"] = "soon";
    auto p = producer::make(cfg, dlog.handler());
    REQUIRE_FALSE(p);
    CHECK(p.error() == ec::kafka_failed);
    CHECK(error_message(p.error()).rfind("property linger.ms: ", 0) == 0);
  }
  SUBCASE("no delivery handler") {
    auto p = producer::make(cluster->config(), {});
    REQUIRE_FALSE(p);
    CHECK(p.error() == ec::invalid_config);
  }
}

TEST_CASE("flush gives up at its deadline and failed deliveries report") {
  INFO("a broker address where nothing listens");
  client_config cfg{"127.0.0.1:" + std::to_string(free_port()),
                    {{"message.timeout.ms", "1500"}}};
  delivery_log dlog;
  auto p = make_producer(cfg, dlog);
  REQUIRE(!p->produce("nowhere", std::nullopt, "v", {}, 42));
  CHECK(p->in_queue() == 1);
  auto err = p->flush(std::chrono::milliseconds{200});
  CHECK(err == ec::timeout);
  INFO("the record times out and its report names the error");
  REQUIRE(dlog.wait_for(1));
  std::lock_guard<std::mutex> guard{dlog.mtx};
  CHECK(dlog.reports[0].first == 42);
  CHECK(dlog.reports[0].second.find("kafka_failed") != std::string::npos);
  CHECK(dlog.reports[0].second.find("deliver to nowhere") != std::string::npos);
}

} // TEST_SUITE
