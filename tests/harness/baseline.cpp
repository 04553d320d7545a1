#include "harness/baseline.hpp"

#include "kafka/read_to_end.hpp"
#include "messages/error.hpp"
#include "tests/kafka/fixture.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <string>

using namespace utsjekk;
using namespace utsjekk::bench;
using namespace utsjekk::kafka::test;

namespace {

/// Produces `n` keyed input records to `topic` and waits for them.
void fill_input(kafka::embedded_cluster& cluster, const std::string& topic,
                int n) {
  delivery_log dlog;
  auto p = make_producer(cluster.config(), dlog);
  for (int i = 0; i < n; ++i) {
    auto err = p->produce(topic, topic + "-" + std::to_string(i),
                          "{\"n\":" + std::to_string(i) + "}", {},
                          static_cast<uint64_t>(i));
    REQUIRE_MESSAGE(!err, render(err));
  }
  auto err = p->flush(deadline);
  REQUIRE_MESSAGE(!err, render(err));
}

/// Every record of `topic`: its value size by count, and keys seen.
struct topic_census {
  size_t records = 0;
  std::map<size_t, size_t> sizes;
  std::map<std::string, size_t> keys;
};

topic_census census(const kafka::client_config& cfg,
                    const std::string& topic) {
  topic_census out;
  auto err = kafka::read_to_end(
    cfg, topic,
    [&](kafka::record&& rec) {
      ++out.records;
      ++out.sizes[rec.value.size()];
      ++out.keys[rec.key.value_or("")];
    },
    std::chrono::seconds{60});
  REQUIRE_MESSAGE(!err, render(err));
  return out;
}

} // namespace

TEST_SUITE("harness/baseline") {

TEST_CASE("the baseline pipes every input record to its output records") {
  auto cluster = start_cluster();
  REQUIRE(!cluster->create_topic("in.a", 3));
  REQUIRE(!cluster->create_topic("in.b", 2));
  REQUIRE(!cluster->create_topic("out", 3));
  INFO("1000 input records over two topics");
  fill_input(*cluster, "in.a", 600);
  fill_input(*cluster, "in.b", 400);
  baseline_options opts;
  opts.bootstrap = cluster->bootstrap();
  opts.input_topics = {"in.a", "in.b"};
  opts.messages = 1000;
  opts.output_topic = "out";
  opts.records_per_message = 2.5;
  opts.bytes_per_record = 300;
  auto started = std::chrono::steady_clock::now();
  auto x = run_baseline(opts);
  REQUIRE_MESSAGE(x, render(x.error()));
  INFO("figures: ", x->throughput, " msg/s in ", x->elapsed_s, " s");
  CHECK(x->messages == 1000);
  CHECK(x->records_per_message == 2.5);
  CHECK(x->bytes_produced == 2500 * 300);
  CHECK(x->elapsed_s > 0);
  CHECK(x->elapsed_s
        <= std::chrono::duration<double>(std::chrono::steady_clock::now()
                                         - started)
             .count());
  CHECK(x->throughput > 0);
  INFO("the output topic holds round(1000 * 2.5) records of 300 bytes");
  auto out = census(cluster->config(), "out");
  CHECK(out.records == 2500);
  CHECK(out.sizes.size() == 1);
  CHECK(out.sizes[300] == 2500);
  INFO("the fraction spreads evenly: each input key has 2 or 3 records");
  CHECK(out.keys.size() == 1000);
  for (const auto& [key, n] : out.keys)
    CHECK((n == 2 || n == 3));
}

TEST_CASE("the baseline fails within a bound") {
  using namespace std::chrono_literals;
  auto bound = 20s;
  baseline_options opts;
  opts.messages = 10;
  opts.output_topic = "out";
  opts.records_per_message = 1;
  opts.bytes_per_record = 10;
  opts.stall_timeout = 15s;
  auto failed_in_time = [&](ec code) {
    auto started = std::chrono::steady_clock::now();
    auto x = run_baseline(opts);
    auto took = std::chrono::steady_clock::now() - started;
    REQUIRE_FALSE(x);
    INFO(render(x.error()));
    CHECK(static_cast<ec>(x.error().code()) == code);
    CHECK(took < bound);
  };
  SUBCASE("a broker that is not there") {
    opts.bootstrap = "127.0.0.1:" + std::to_string(free_port());
    opts.input_topics = {"in"};
    failed_in_time(ec::kafka_failed);
  }
  SUBCASE("an input topic that does not exist") {
    auto cluster = start_cluster();
    REQUIRE(!cluster->create_topic("out", 1));
    opts.bootstrap = cluster->bootstrap();
    opts.input_topics = {"no.such.topic"};
    failed_in_time(ec::kafka_failed);
  }
  SUBCASE("an output topic that does not exist") {
    auto cluster = start_cluster();
    REQUIRE(!cluster->create_topic("in", 1));
    opts.bootstrap = cluster->bootstrap();
    opts.input_topics = {"in"};
    opts.output_topic = "no.such.topic";
    failed_in_time(ec::kafka_failed);
  }
  SUBCASE("fewer input records than asked for") {
    auto cluster = start_cluster();
    REQUIRE(!cluster->create_topic("in", 1));
    REQUIRE(!cluster->create_topic("out", 1));
    fill_input(*cluster, "in", 5);
    opts.bootstrap = cluster->bootstrap();
    opts.input_topics = {"in"};
    opts.stall_timeout = 3s;
    failed_in_time(ec::timeout);
  }
  SUBCASE("options that cannot work") {
    opts.bootstrap = "127.0.0.1:1";
    opts.input_topics = {"in"};
    opts.records_per_message = -1;
    failed_in_time(ec::invalid_config);
    opts.records_per_message = 1;
    opts.input_topics.clear();
    failed_in_time(ec::invalid_config);
  }
}

} // TEST_SUITE
