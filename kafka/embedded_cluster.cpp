#include "kafka/kafka.hpp"

#include "kafka/forwarder.hpp"
#include "kafka/handle.hpp"
#include "messages/error.hpp"

#include <librdkafka/rdkafka_mock.h>

#include <charconv>

namespace utsjekk::kafka {

namespace {

/// Reads the port of the first "host:port" in a bootstrap list.
std::optional<uint16_t> first_port(const std::string& bootstraps) {
  auto end = bootstraps.find(',');
  auto first = bootstraps.substr(0, end);
  auto colon = first.rfind(':');
  if (colon == std::string::npos)
    return std::nullopt;
  uint16_t port = 0;
  const auto* begin = first.data() + colon + 1;
  const auto* last = first.data() + first.size();
  auto [ptr, err] = std::from_chars(begin, last, port);
  if (err != std::errc{} || ptr != last)
    return std::nullopt;
  return port;
}

} // namespace

struct embedded_cluster::impl {
  /// The client handle the mock cluster lives in; destroyed last.
  detail::handle_ptr rk;
  /// The mock cluster.
  rd_kafka_mock_cluster_t* mock = nullptr;
  /// Forwards the pinned bootstrap port, when one was asked for.
  std::unique_ptr<detail::tcp_forwarder> forwarder;
  /// What clients bootstrap from.
  std::string bootstrap;

  ~impl() {
    // Stop accepting on the pinned port before the brokers go away.
    forwarder.reset();
    if (mock != nullptr)
      rd_kafka_mock_cluster_destroy(mock);
  }
};

embedded_cluster::embedded_cluster() : impl_(std::make_unique<impl>()) {
}

embedded_cluster::~embedded_cluster() = default;

caf::expected<std::unique_ptr<embedded_cluster>>
embedded_cluster::start(int brokers, std::optional<uint16_t> bootstrap_port) {
  if (brokers < 1)
    return caf::make_error(ec::invalid_config,
                           std::string{"embedded cluster: brokers < 1"});
  // The mock cluster needs a client handle to live in. That handle has no
  // bootstrap servers of its own, which librdkafka warns about at level 5:
  // errors only.
  auto conf = detail::make_conf({}, {{"client.id", "utsjekk-mock"},
                                     {"log_level", "3"}});
  if (!conf)
    return std::move(conf.error());
  auto rk = detail::make_handle(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!rk)
    return std::move(rk.error());
  std::unique_ptr<embedded_cluster> result{new embedded_cluster};
  auto& self = *result->impl_;
  self.rk = std::move(*rk);
  // Start the brokers on ephemeral loopback ports.
  self.mock = rd_kafka_mock_cluster_new(self.rk.get(), brokers);
  if (self.mock == nullptr)
    return detail::make_kafka_error("embedded cluster",
                                    RD_KAFKA_RESP_ERR__FAIL);
  self.bootstrap = rd_kafka_mock_cluster_bootstraps(self.mock);
  if (!bootstrap_port)
    return result;
  // Forward the pinned port to the first broker; clients follow the
  // metadata from there to each broker's own address.
  auto target = first_port(self.bootstrap);
  if (!target)
    return detail::make_kafka_error("embedded cluster",
                                    "unexpected bootstrap list "
                                      + self.bootstrap);
  auto fwd = detail::tcp_forwarder::start(*bootstrap_port, *target);
  if (!fwd)
    return caf::make_error(ec::kafka_failed,
                           "embedded cluster: " + error_message(fwd.error()));
  self.forwarder = std::move(*fwd);
  self.bootstrap = "127.0.0.1:" + std::to_string(*bootstrap_port);
  return result;
}

const std::string& embedded_cluster::bootstrap() const {
  return impl_->bootstrap;
}

caf::error embedded_cluster::create_topic(const std::string& name,
                                          int partitions) {
  if (partitions < 1)
    return caf::make_error(ec::invalid_config,
                           "create topic " + name + ": partitions < 1");
  // Like create_topics(), an existing topic is not an error.
  auto err = rd_kafka_mock_topic_create(impl_->mock, name.c_str(), partitions,
                                        1);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR
      || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
    return {};
  return detail::make_kafka_error("create topic " + name, err);
}

client_config embedded_cluster::config() const {
  return {impl_->bootstrap, {}};
}

} // namespace utsjekk::kafka
