#pragma once

#include "actors/state_store.hpp"
#include "kafka/kafka.hpp"
#include "messages/types.hpp"
#include "os_gateway/simulator.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/error.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

/// Configuration of the actor tree: plain structs with defaults from one
/// place, a validate() per struct, and the CAF config that reads options,
/// a config file and the environment.
namespace utsjekk {

namespace defaults {

inline constexpr std::string_view status_topic = "helved.status.v1";
inline constexpr std::string_view oppdrag_topic = "helved.oppdrag.v1";
inline constexpr std::string_view group_id = "utsjekk";
/// How long an oppdrag waits for its kvittering before it is resent.
inline constexpr auto kvittering_timeout = std::chrono::minutes{10};
/// Retries of a 12 or a transport failure before FEILET 500.
inline constexpr uint32_t max_retries = 5;
/// First backoff; doubles per retry up to max_backoff.
inline constexpr auto backoff = std::chrono::seconds{1};
inline constexpr auto max_backoff = std::chrono::minutes{5};
/// Resends of an oppdrag whose kvittering is overdue.
inline constexpr uint32_t max_resends = 3;
/// Restarts of a crashed oppdrag actor before its message is parked.
inline constexpr uint32_t max_restarts = 3;
/// Records a reader holds unfinished before it pauses its partition.
inline constexpr size_t max_in_flight = 2000;
/// Oppdrag actors alive at once per fagsystem; further saker wait.
inline constexpr size_t max_active_saker = 10000;
/// Partitions per input topic on the embedded cluster.
inline constexpr int input_partitions = 3;
/// Partitions of the status and audit topics on the embedded cluster.
inline constexpr int output_partitions = 3;

/// The input topic of each fagsystem (reference §1.2).
std::string input_topic(fagsystem fs);

} // namespace defaults

/// How an oppdrag actor behaves.
struct oppdrag_config {
  std::chrono::milliseconds kvittering_timeout
    = defaults::kvittering_timeout;
  uint32_t max_retries = defaults::max_retries;
  std::chrono::milliseconds backoff = defaults::backoff;
  std::chrono::milliseconds max_backoff = defaults::max_backoff;
  uint32_t max_resends = defaults::max_resends;
  /// Resend overdue oppdrag only while OS is open (DESIGN.md §3).
  bool respect_opening_hours = true;
  /// The local Norwegian time; replaced in tests.
  std::function<local_time()> now;
  /// Produce each oppdrag and kvittering to the audit topic; off when the
  /// transport to OS already puts them there.
  bool audit = true;
};

/// The backoff before retry `n` (1-based): backoff * 2^(n-1), capped.
std::chrono::milliseconds backoff_for(const oppdrag_config& cfg, uint32_t n);

/// Everything the service needs to run.
struct service_config {
  /// Input topic per fagsystem.
  std::map<fagsystem, std::string> input_topics;
  std::string status_topic{defaults::status_topic};
  std::string oppdrag_topic{defaults::oppdrag_topic};
  /// The topics of the durable state.
  state_topics state;
  std::string group_id{defaults::group_id};
  /// Kafka to use; nullopt starts the embedded mock cluster.
  std::optional<kafka::client_config> kafka;
  /// Pins the embedded cluster's bootstrap port.
  std::optional<uint16_t> embedded_port;
  oppdrag_config oppdrag;
  uint32_t max_restarts = defaults::max_restarts;
  size_t max_in_flight = defaults::max_in_flight;
  os::simulator_profile simulator;
  /// Produce shared/examples/basic.jsonl into the embedded cluster at
  /// start (the demo).
  std::optional<std::string> demo_input;
};

/// Checks that every value is usable; names the first one that is not.
caf::error validate(const service_config& cfg);

/// The local Norwegian time now.
local_time oslo_now();

/// CAF configuration with utsjekk's options.
class utsjekk_config : public caf::actor_system_config {
public:
  utsjekk_config();

  /// The options of utsjekk and the simulated OS, with their defaults.
  std::string help_text() const;

  /// Builds the service configuration from the options, then the
  /// environment (KAFKA_BROKERS, UTSJEKK_*), which wins.
  caf::expected<service_config> make_service_config() const;

  std::string status_topic{defaults::status_topic};
  std::string oppdrag_topic{defaults::oppdrag_topic};
  std::string group_id{defaults::group_id};
  std::string brokers;
  uint16_t embedded_port = 0;
  caf::timespan kvittering_timeout{defaults::kvittering_timeout};
  size_t max_retries = defaults::max_retries;
  size_t max_restarts = defaults::max_restarts;
  size_t max_in_flight = defaults::max_in_flight;
  caf::timespan os_latency_min{0};
  caf::timespan os_latency_max{0};
  double os_rate_12 = 0.0;
  double os_rate_lost = 0.0;
  double os_rate_duplicate = 0.0;
  bool os_opening_hours = false;
  bool resend_only_when_open = true;
  std::string demo_input;
  std::string log_level = "info";
  std::string topic_aap;
  std::string topic_dagpenger;
  std::string topic_tiltakspenger;
  std::string topic_tilleggsstonader;
  std::string topic_historisk;
  std::string topic_valp;
};

} // namespace utsjekk
