#include "kafka/kafka.hpp"

#include "messages/error.hpp"
#include "tests/kafka/fixture.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace utsjekk;
using namespace utsjekk::kafka;
using namespace utsjekk::kafka::test;

namespace {

/// Sets (or, with nullptr, unsets) the KAFKA_* variables for one test.
struct kafka_env {
  kafka_env(const char* brokers, const char* cert, const char* key,
            const char* ca) {
    set("KAFKA_BROKERS", brokers);
    set("KAFKA_CERTIFICATE_PATH", cert);
    set("KAFKA_PRIVATE_KEY_PATH", key);
    set("KAFKA_CA_PATH", ca);
  }
  ~kafka_env() {
    for (const auto* name : {"KAFKA_BROKERS", "KAFKA_CERTIFICATE_PATH",
                             "KAFKA_PRIVATE_KEY_PATH", "KAFKA_CA_PATH"})
      ::unsetenv(name);
  }
  static void set(const char* name, const char* value) {
    if (value == nullptr)
      ::unsetenv(name);
    else
      ::setenv(name, value, 1);
  }
};

} // namespace

TEST_SUITE("kafka/kafka") {

TEST_CASE("a topic-partition renders as topic/partition") {
  CHECK(to_string(topic_partition{"aap.utbetaling.v1", 2})
        == "aap.utbetaling.v1/2");
}

TEST_CASE("config_from_env reads the brokers and the NAIS TLS files") {
  SUBCASE("no brokers, no configuration") {
    kafka_env env{nullptr, "/c", "/k", "/ca"};
    CHECK_FALSE(config_from_env());
    kafka_env empty{"", nullptr, nullptr, nullptr};
    CHECK_FALSE(config_from_env());
  }
  SUBCASE("brokers alone: plaintext") {
    kafka_env env{"b1:9092,b2:9092", nullptr, nullptr, nullptr};
    auto cfg = config_from_env();
    REQUIRE(cfg);
    CHECK(cfg->brokers == "b1:9092,b2:9092");
    CHECK(cfg->properties.empty());
  }
  SUBCASE("with the three files: TLS with client certificate") {
    kafka_env env{"b1:26484", "/var/run/secrets/kafka/cert.pem",
                  "/var/run/secrets/kafka/key.pem",
                  "/var/run/secrets/kafka/ca.pem"};
    auto cfg = config_from_env();
    REQUIRE(cfg);
    CHECK(cfg->properties
          == std::map<std::string, std::string>{
            {"security.protocol", "ssl"},
            {"ssl.certificate.location", "/var/run/secrets/kafka/cert.pem"},
            {"ssl.key.location", "/var/run/secrets/kafka/key.pem"},
            {"ssl.ca.location", "/var/run/secrets/kafka/ca.pem"},
          });
    INFO("librdkafka takes the properties: it reads the missing files");
    delivery_log dlog;
    auto p = producer::make(*cfg, dlog.handler());
    REQUIRE_FALSE(p);
    CHECK(p.error() == ec::kafka_failed);
    CHECK(error_message(p.error()).find("ssl") != std::string::npos);
  }
  SUBCASE("a CA alone: TLS without client certificate") {
    kafka_env env{"b1:9093", nullptr, nullptr, "/ca.pem"};
    auto cfg = config_from_env();
    REQUIRE(cfg);
    CHECK(cfg->properties
          == std::map<std::string, std::string>{
            {"security.protocol", "ssl"},
            {"ssl.ca.location", "/ca.pem"},
          });
  }
}

TEST_CASE("create_topics fails in bounded time where it cannot work") {
  const client_config unreachable{"127.0.0.1:" + std::to_string(free_port()),
                                  {}};
  SUBCASE("nothing to create") {
    CHECK(!create_topics(unreachable, {}));
  }
  SUBCASE("an invalid spec") {
    auto err = create_topics(unreachable, {{"t", -2, {}, 1}});
    CHECK(err == ec::kafka_failed);
    CHECK(error_message(err).rfind("create topic t: ", 0) == 0);
  }
  SUBCASE("no broker answers") {
    auto err = create_topics(unreachable, {{"t", 1, {}, 1}},
                             std::chrono::milliseconds{500});
    CHECK(err == ec::kafka_failed);
  }
  SUBCASE("the 2.0.2 mock cluster serves no CreateTopics") {
    // Its metadata names no controller, so the Admin API times out
    // waiting for one; callers use embedded_cluster::create_topic there.
    auto cluster = start_cluster();
    auto started = std::chrono::steady_clock::now();
    auto err = create_topics(cluster->config(), {{"admin", 3, {}, 1}},
                             std::chrono::milliseconds{1500});
    auto took = std::chrono::steady_clock::now() - started;
    CHECK(err == ec::kafka_failed);
    CHECK(error_message(err).find("controller") != std::string::npos);
    CHECK(took < std::chrono::seconds{5});
  }
  SUBCASE("topics that exist already are not asked for") {
    // The mock cluster cannot create topics, so only a metadata check
    // that finds them all can succeed here.
    auto cluster = start_cluster();
    REQUIRE(!cluster->create_topic("there-1", 2));
    REQUIRE(!cluster->create_topic("there-2", 1));
    auto err = create_topics(cluster->config(),
                             {{"there-1", 2, {}, 1}, {"there-2", 1, {}, 1}},
                             std::chrono::milliseconds{1500});
    CHECK_MESSAGE(!err, render(err));
    INFO("one missing topic still goes to CreateTopics, which fails here");
    err = create_topics(cluster->config(),
                        {{"there-1", 2, {}, 1}, {"absent", 1, {}, 1}},
                        std::chrono::milliseconds{1500});
    CHECK(err == ec::kafka_failed);
  }
}

} // TEST_SUITE
