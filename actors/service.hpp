#pragma once

#include "actors/actors.hpp"
#include "actors/config.hpp"
#include "actors/status_publisher.hpp"
#include "messages/plan.hpp"

#include <caf/actor_system.hpp>

#include <atomic>
#include <memory>

namespace utsjekk {

/// Set when a core actor died abnormally and the service stops itself;
/// main() then exits non-zero.
extern std::atomic<bool> fatal_error;

/// Random version-4 UUIDs for delytelseIds, from a generator seeded once.
id_generator random_id_generator();

/// The running service: the cluster (when embedded), the Kafka clients and
/// the actor tree.
class service {
public:
  ~service();

  /// Starts everything `cfg` asks for in `sys`: the embedded cluster when
  /// no Kafka is configured, the topics, the actors, the consumer.
  static caf::expected<std::unique_ptr<service>>
  start(caf::actor_system& sys, service_config cfg);

  /// The bootstrap address of the cluster in use.
  const std::string& bootstrap() const;

  /// The simulated OS, when that is the transport.
  std::shared_ptr<os::simulator> simulator() const;

  /// The admin endpoint's base URL, e.g. "http://127.0.0.1:8080".
  std::string admin_url() const;

  /// The metrics every actor counts into.
  std::shared_ptr<utsjekk::metrics> stats() const;

  /// Stops the admin endpoint and consuming, commits what is durable,
  /// flushes the producer and stops the actors. Idempotent.
  void stop();

  struct impl;

private:
  service();
  std::unique_ptr<impl> impl_;
};

} // namespace utsjekk
