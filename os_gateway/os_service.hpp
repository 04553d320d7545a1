#pragma once

#include "kafka/kafka.hpp"
#include "os_gateway/simulator.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

/// The OS simulator as its own process on the Kafka transport (DESIGN.md
/// §5), standing in for OS behind an MQ bridge: `utsjekk-os`.
namespace utsjekk::os {

namespace defaults {

inline constexpr std::string_view oppdrag_topic = "helved.oppdrag.v1";
inline constexpr std::string_view os_group_id = "utsjekk-os";
/// Attempts to produce one kvittering before its loss is decided.
inline constexpr int max_produce_attempts = 5;
/// Wait between those attempts.
inline constexpr auto produce_backoff = std::chrono::seconds{1};

} // namespace defaults

struct os_service_config {
  kafka::client_config kafka;
  /// Oppdrag in, kvitteringer out.
  std::string topic{defaults::oppdrag_topic};
  /// The group it reads the oppdrag in.
  std::string group_id{defaults::os_group_id};
  simulator_profile profile;
  /// Where the oppdrag base and the answers given are kept.
  std::filesystem::path state_dir;
  /// The port of GET /ledger on 127.0.0.1; 0 picks a free one.
  uint16_t port = 0;
  /// The local Norwegian time.
  std::function<local_time()> now;
};

/// Reads oppdrag (records without `<mmel>`) from the topic in its group,
/// answers each with the simulator after its latency by producing the
/// kvittering under the same key and headers, and stores an input offset
/// only once every kvittering before it is durable or its loss decided.
/// Records arrive in batches: the changes of a batch go to the change log
/// of the state directory with one write and one fsync before any of its
/// kvitteringer leaves, and the log is folded into a snapshot now and then
/// (see state_file). The state is read back at start: a redelivered
/// oppdrag gets the same kvittering again and changes nothing. Serves the
/// ledger at GET /ledger.
class os_service {
public:
  ~os_service();
  os_service(const os_service&) = delete;
  os_service& operator=(const os_service&) = delete;

  /// Loads the saved state, then starts the ledger server, the producer,
  /// the worker and the consumer.
  static caf::expected<std::unique_ptr<os_service>>
  start(os_service_config cfg);

  /// The port GET /ledger listens on.
  uint16_t port() const;

  /// The ledger JSON (see ledger_to_json()).
  std::string ledger_json() const;

  /// The error that stopped the worker (the state could not be saved), or
  /// none while it runs.
  caf::error failure() const;

  /// Oppdrag answered (first answers and repeated ones) so far.
  uint64_t answered() const;

  /// Stops consuming (committing what is stored), the worker, the
  /// producer and the server. Idempotent.
  void stop();

private:
  os_service();
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace utsjekk::os
