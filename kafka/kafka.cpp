#include "kafka/kafka.hpp"

#include <cstdlib>

namespace utsjekk::kafka {

namespace {

/// Returns the value of the environment variable `name`, or an empty
/// string when it is unset.
std::string env(const char* name) {
  const auto* value = std::getenv(name);
  return value == nullptr ? std::string{} : std::string{value};
}

} // namespace

std::string to_string(const topic_partition& x) {
  return x.topic + "/" + std::to_string(x.partition);
}

std::optional<client_config> config_from_env() {
  // Without brokers there is nothing to connect to.
  auto brokers = env("KAFKA_BROKERS");
  if (brokers.empty())
    return std::nullopt;
  client_config result;
  result.brokers = std::move(brokers);
  // NAIS mounts the client certificate, its key and the CA as files; any of
  // them turns TLS on (a CA alone is server authentication only).
  const std::pair<const char*, const char*> tls[] = {
    {"KAFKA_CERTIFICATE_PATH", "ssl.certificate.location"},
    {"KAFKA_PRIVATE_KEY_PATH", "ssl.key.location"},
    {"KAFKA_CA_PATH", "ssl.ca.location"},
  };
  for (const auto& [var, property] : tls) {
    auto path = env(var);
    if (path.empty())
      continue;
    result.properties["security.protocol"] = "ssl";
    result.properties[property] = std::move(path);
  }
  return result;
}

} // namespace utsjekk::kafka
