#include "kafka/kafka.hpp"

#include "messages/error.hpp"
#include "tests/kafka/fixture.hpp"

#include <doctest/doctest.h>

#include <regex>

using namespace utsjekk;
using namespace utsjekk::kafka;
using namespace utsjekk::kafka::test;

namespace {

/// Sends a record through `cfg` and reads it back with a fresh consumer.
void round_trip(const client_config& cfg, const std::string& topic) {
  delivery_log dlog;
  auto p = make_producer(cfg, dlog);
  REQUIRE(!p->produce(topic, std::string{"k"}, "hello", {}, 7));
  REQUIRE(dlog.wait_for(1));
  CHECK(dlog.reports[0].second == "none");
  consumer_log log;
  auto c = start_consumer(cfg, "g-" + topic, {topic}, log);
  REQUIRE(log.wait([&] { return !log.records.empty(); }));
  std::lock_guard<std::mutex> guard{log.mtx};
  CHECK(log.records[0].value == "hello");
  CHECK(log.records[0].key == "k");
}

/// Listens on 127.0.0.1:port for the lifetime of the object.
struct listener {
  int fd = -1;
  explicit listener(uint16_t port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 1) == 0);
  }
  ~listener() {
    ::close(fd);
  }
};

} // namespace

TEST_SUITE("kafka/embedded_cluster") {

TEST_CASE("a cluster starts on loopback and creates topics") {
  SUBCASE("one broker") {
    auto cluster = start_cluster();
    CHECK(std::regex_match(cluster->bootstrap(),
                           std::regex{R"(127\.0\.0\.1:\d+)"}));
    CHECK(cluster->config().brokers == cluster->bootstrap());
    CHECK(cluster->config().properties.empty());
    INFO("an existing topic is not an error; no partitions is");
    CHECK(!cluster->create_topic("t", 2));
    CHECK(!cluster->create_topic("t", 2));
    CHECK(cluster->create_topic("u", 0) == ec::invalid_config);
    round_trip(cluster->config(), "t");
  }
  SUBCASE("three brokers") {
    auto cluster = start_cluster(3);
    CHECK(std::regex_match(
      cluster->bootstrap(),
      std::regex{R"(127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+)"}));
    REQUIRE(!cluster->create_topic("spread", 6));
    round_trip(cluster->config(), "spread");
  }
  SUBCASE("no brokers") {
    auto cluster = embedded_cluster::start(0);
    REQUIRE_FALSE(cluster);
    CHECK(cluster.error() == ec::invalid_config);
  }
}

TEST_CASE("a pinned bootstrap port forwards to the first broker") {
  auto port = free_port();
  auto pinned = embedded_cluster::start(1, port);
  REQUIRE_MESSAGE(pinned, render(pinned.error()));
  auto& cluster = *pinned;
  CHECK(cluster->bootstrap() == "127.0.0.1:" + std::to_string(port));
  REQUIRE(!cluster->create_topic("pinned", 1));
  INFO("real clients bootstrap through the forwarder");
  round_trip(cluster->config(), "pinned");
  INFO("a second cluster cannot take the same port");
  auto twice = embedded_cluster::start(1, port);
  REQUIRE_FALSE(twice);
  CHECK(twice.error() == ec::kafka_failed);
  CHECK(error_message(twice.error()).find("127.0.0.1:" + std::to_string(port)
                                          + " is busy")
        != std::string::npos);
  INFO("after a clean stop the port is free again");
  cluster.reset();
  auto again = embedded_cluster::start(1, port);
  REQUIRE_MESSAGE(again, render(again.error()));
  REQUIRE(!(*again)->create_topic("again", 1));
  round_trip((*again)->config(), "again");
}

TEST_CASE("a port someone else listens on is reported busy") {
  auto port = free_port();
  listener other{port};
  auto cluster = embedded_cluster::start(1, port);
  REQUIRE_FALSE(cluster);
  CHECK(cluster.error() == ec::kafka_failed);
  CHECK(error_message(cluster.error()).find("is busy") != std::string::npos);
}

} // TEST_SUITE
