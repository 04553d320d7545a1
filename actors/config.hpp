#pragma once

#include "actors/http_server.hpp"
#include "actors/metrics.hpp"
#include "actors/state_store.hpp"
#include "kafka/kafka.hpp"
#include "messages/types.hpp"
#include "os_gateway/profile_options.hpp"
#include "os_gateway/simulator.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/error.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
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
/// Consumer group of the kvittering reader on the Kafka transport to OS.
inline constexpr std::string_view kvittering_group = "utsjekk-kvitteringer";
/// Appended to the consumer group to make the default transactional.id.
inline constexpr std::string_view transactional_id_suffix = "-tx";
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
inline constexpr size_t max_in_flight = 200;
/// Oppdrag actors alive at once per fagsystem; further saker wait.
inline constexpr size_t max_active_saker = 10000;
/// Partitions per input topic on the embedded cluster.
inline constexpr int input_partitions = 3;
/// Partitions of the status and audit topics on the embedded cluster.
inline constexpr int output_partitions = 3;

/// The admin endpoint's port (UTSJEKK_ADMIN_PORT wins) and address.
inline constexpr uint16_t admin_port = 8080;
inline constexpr std::string_view admin_bind = "127.0.0.1";
/// The audit log of operator actions (UTSJEKK_AUDIT_LOG wins).
inline constexpr std::string_view audit_log = "utsjekk-audit.log";
/// How long the admin endpoint waits for the actors before 503.
inline constexpr auto admin_ask_timeout = std::chrono::seconds{2};
/// How long a client may take to send one request.
inline constexpr auto admin_request_timeout = std::chrono::seconds{10};
/// Connections the admin endpoint keeps open at once.
inline constexpr size_t admin_max_connections = 512;
/// Entries per list on /admin/actors.
inline constexpr uint32_t admin_list_limit = 200;
/// Terminal transactions each supervisor remembers for the admin endpoint.
inline constexpr size_t history_limit = 1000;

/// The input topic of each fagsystem (reference §1.2).
std::string input_topic(fagsystem fs);

} // namespace defaults

/// The transport to OS (DESIGN.md §5).
enum class os_transport : uint8_t {
  /// The OS simulator in this process (the embedded default).
  simulator,
  /// Oppdrag and kvitteringer on the oppdrag topic; an OS, an MQ bridge or
  /// utsjekk-os answers there.
  kafka,
};

/// "simulator", "kafka".
std::string_view to_string(os_transport x);
std::optional<os_transport> parse_os_transport(std::string_view text);

/// True when the transport itself puts each oppdrag and kvittering on the
/// oppdrag topic, so oppdrag actors must not audit them again: the topic
/// shows each exactly once either way.
bool transport_records_oppdrag(os_transport x);

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
  /// transport to OS already puts them there (transport_records_oppdrag).
  bool audit = true;
  /// Where oppdrag and supervisor actors count what they do; none when
  /// null (tests that do not look).
  std::shared_ptr<utsjekk::metrics> stats;
};

/// The admin endpoint (DESIGN.md §7).
struct admin_config {
  /// Address, port, limits and timeouts of the HTTP server.
  http_server_config http{std::string{defaults::admin_bind},
                          defaults::admin_port,
                          defaults::admin_request_timeout,
                          defaults::admin_ask_timeout
                            + std::chrono::seconds{1},
                          defaults::admin_max_connections};
  /// The operator token (UTSJEKK_ADMIN_TOKEN); empty disables the
  /// operator actions.
  std::string token;
  /// The audit log file of operator actions.
  std::string audit_log{defaults::audit_log};
  /// How long a request waits for the actors before 503.
  std::chrono::milliseconds ask_timeout = defaults::admin_ask_timeout;
  /// Entries per list on /admin/actors.
  uint32_t list_limit = defaults::admin_list_limit;
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
  /// The producer's transactional.id; empty derives it from group_id
  /// (transactional_id_of()). Stable across restarts, so a restarted
  /// instance fences its predecessor; instances sharing a group need one
  /// each.
  std::string transactional_id;
  /// Kafka to use; nullopt starts the embedded mock cluster.
  std::optional<kafka::client_config> kafka;
  /// Pins the embedded cluster's bootstrap port.
  std::optional<uint16_t> embedded_port;
  oppdrag_config oppdrag;
  uint32_t max_restarts = defaults::max_restarts;
  size_t max_in_flight = defaults::max_in_flight;
  /// The transport to OS; `oppdrag.audit` must be its opposite of
  /// transport_records_oppdrag().
  os_transport transport = os_transport::simulator;
  /// The kvittering reader's consumer group (Kafka transport).
  std::string kvittering_group{defaults::kvittering_group};
  /// The simulated OS (simulator transport).
  os::simulator_profile simulator;
  /// Produce shared/examples/basic.jsonl into the embedded cluster at
  /// start (the demo).
  std::optional<std::string> demo_input;
  admin_config admin;
};

/// Checks that every value is usable; names the first one that is not.
caf::error validate(const service_config& cfg);

/// The transactional.id `cfg` names, or the one derived from its consumer
/// group ("<group-id>-tx").
std::string transactional_id_of(const service_config& cfg);

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
  std::string transactional_id;
  std::string brokers;
  uint16_t embedded_port = 0;
  caf::timespan kvittering_timeout{defaults::kvittering_timeout};
  size_t max_retries = defaults::max_retries;
  size_t max_restarts = defaults::max_restarts;
  size_t max_in_flight = defaults::max_in_flight;
  bool resend_outside_opening_hours = false;
  os::profile_options os_profile;
  std::string os_transport_name{to_string(os_transport::simulator)};
  std::string kvittering_group{defaults::kvittering_group};
  std::string demo_input;
  std::string log_level = "info";
  std::string admin_bind{defaults::admin_bind};
  uint16_t admin_port = defaults::admin_port;
  caf::timespan admin_ask_timeout{defaults::admin_ask_timeout};
  caf::timespan admin_request_timeout{defaults::admin_request_timeout};
  size_t admin_max_connections = defaults::admin_max_connections;
  std::string audit_log{defaults::audit_log};
  std::string topic_aap;
  std::string topic_dagpenger;
  std::string topic_tiltakspenger;
  std::string topic_tilleggsstonader;
  std::string topic_historisk;
  std::string topic_valp;
};

} // namespace utsjekk
