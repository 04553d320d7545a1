#include "actors/config.hpp"

#include "actors/atoms.hpp"
#include "messages/error.hpp"
#include "messages/time.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

#include <charconv>
#include <cstdlib>
#include <string>

namespace utsjekk {

std::string defaults::input_topic(fagsystem fs) {
  return std::string{default_input_topic(fs)};
}

std::string_view to_string(os_transport x) {
  switch (x) {
    case os_transport::simulator:
      return "simulator";
    case os_transport::kafka:
      return "kafka";
  }
  return "simulator";
}

std::optional<os_transport> parse_os_transport(std::string_view text) {
  if (text == "simulator")
    return os_transport::simulator;
  if (text == "kafka")
    return os_transport::kafka;
  return std::nullopt;
}

bool transport_records_oppdrag(os_transport x) {
  return x == os_transport::kafka;
}

std::chrono::milliseconds backoff_for(const oppdrag_config& cfg, uint32_t n) {
  auto result = cfg.backoff;
  // Double per retry, stopping at the cap before it could overflow.
  for (uint32_t i = 1; i < n && result < cfg.max_backoff; ++i)
    result *= 2;
  return std::min(result, cfg.max_backoff);
}

caf::error validate(const service_config& cfg) {
  auto invalid = [](std::string what) {
    return caf::make_error(ec::invalid_config, std::move(what));
  };
  for (auto fs : all_fagsystemer) {
    auto i = cfg.input_topics.find(fs);
    if (i == cfg.input_topics.end() || i->second.empty())
      return invalid("no input topic for " + std::string{to_string(fs)});
  }
  if (cfg.status_topic.empty() || cfg.oppdrag_topic.empty())
    return invalid("status and oppdrag topics must be named");
  if (cfg.group_id.empty())
    return invalid("group-id must not be empty");
  if (cfg.kafka && cfg.kafka->brokers.empty())
    return invalid("KAFKA_BROKERS is set but empty");
  if (cfg.oppdrag.kvittering_timeout <= std::chrono::milliseconds{0})
    return invalid("kvittering-timeout must be positive");
  if (cfg.oppdrag.backoff <= std::chrono::milliseconds{0}
      || cfg.oppdrag.max_backoff < cfg.oppdrag.backoff)
    return invalid("backoff must be positive and below max-backoff");
  if (cfg.max_in_flight == 0)
    return invalid("max-in-flight must be at least 1");
  if (auto err = os::validate(cfg.simulator))
    return err;
  // Each oppdrag and kvittering reaches the audit topic exactly once.
  if (cfg.oppdrag.audit == transport_records_oppdrag(cfg.transport))
    return invalid(cfg.oppdrag.audit
                     ? "the Kafka transport records oppdrag itself: "
                       "auditing them as well would record them twice"
                     : "the simulator transport records no oppdrag: "
                       "they must be audited");
  if (cfg.transport == os_transport::kafka && cfg.kvittering_group.empty())
    return invalid("the kvittering group must not be empty");
  if (!cfg.oppdrag.now)
    return invalid("no clock");
  if (auto err = validate(cfg.admin.http))
    return err;
  if (cfg.admin.ask_timeout <= std::chrono::milliseconds{0})
    return invalid("admin.ask-timeout must be positive");
  if (cfg.admin.audit_log.empty())
    return invalid("the audit log must be named");
  return caf::none;
}

std::string transactional_id_of(const service_config& cfg) {
  if (!cfg.transactional_id.empty())
    return cfg.transactional_id;
  return cfg.group_id + std::string{defaults::transactional_id_suffix};
}

local_time oslo_now() {
  using namespace std::chrono;
  auto now = time_point_cast<microseconds>(system_clock::now());
  return to_oslo(now);
}

utsjekk_config::utsjekk_config() {
  register_types(*this);
  opt_group{custom_options_, "utsjekk"}
    .add(brokers, "brokers",
         "Kafka bootstrap servers (KAFKA_BROKERS wins); empty starts "
         "the embedded mock cluster")
    .add(embedded_port, "embedded-port",
         "bootstrap port of the embedded cluster "
         "(UTSJEKK_EMBEDDED_KAFKA_PORT wins); 0 picks one")
    .add(group_id, "group-id",
         "consumer group of the input readers (default utsjekk)")
    .add(transactional_id, "transactional-id",
         "transactional.id of the producer; stable across restarts, one "
         "per instance (default <group-id>-tx)")
    .add(status_topic, "status-topic",
         "topic of the statuses (default helved.status.v1)")
    .add(oppdrag_topic, "oppdrag-topic",
         "topic of oppdrag and kvitteringer (default helved.oppdrag.v1)")
    .add(topic_aap, "topic-aap", "input topic of AAP")
    .add(topic_dagpenger, "topic-dagpenger", "input topic of Dagpenger")
    .add(topic_tiltakspenger, "topic-tiltakspenger",
         "input topic of Tiltakspenger")
    .add(topic_tilleggsstonader, "topic-tilleggsstonader",
         "input topic of Tilleggsstønader")
    .add(topic_historisk, "topic-historisk", "input topic of Historisk")
    .add(topic_valp, "topic-valp", "input topic of Valp")
    .add(kvittering_timeout, "kvittering-timeout",
         "wait this long for a kvittering before resending the identical "
         "oppdrag, only while OS is open (default 10min)")
    .add(max_retries, "max-retries",
         "retries of OS 12 and transport failures before FEILET 500 "
         "(default 5)")
    .add(resend_outside_opening_hours, "resend-outside-opening-hours",
         "also resend overdue oppdrag while OS is closed (a flag for "
         "tests; by default only 06-21 on working days)")
    .add(max_restarts, "max-restarts",
         "restarts of a crashed transaction before FEILET 500 (default 3)")
    .add(max_in_flight, "max-in-flight",
         "unfinished records per partition before it is paused "
         "(default 200)")
    .add(demo_input, "demo-input",
         "JSON-lines file of records to produce into the embedded cluster")
    .add(log_level, "log-level",
         "trace, debug, info, warning or error (default info)");
  opt_group os_group{custom_options_, "os"};
  os_group
    .add(os_transport_name, "transport",
         "simulator or kafka (UTSJEKK_OS_TRANSPORT wins; default "
         "simulator)")
    .add(kvittering_group, "kvittering-group",
         "consumer group of the kvitteringer on the Kafka transport "
         "(default utsjekk-kvitteringer)");
  os_profile.add_to(os_group);
  opt_group{custom_options_, "admin"}
    .add(admin_port, "port",
         "port of the admin endpoint (UTSJEKK_ADMIN_PORT wins); 0 picks "
         "one (default 8080)")
    .add(admin_bind, "bind",
         "address the admin endpoint binds (default 127.0.0.1)")
    .add(admin_ask_timeout, "ask-timeout",
         "how long a request waits for the actors before 503 (default 2s)")
    .add(admin_request_timeout, "request-timeout",
         "how long a client may take to send a request (default 10s)")
    .add(admin_max_connections, "max-connections",
         "connections open at once; more get 503 (default 512)")
    .add(audit_log, "audit-log",
         "file of operator actions (UTSJEKK_AUDIT_LOG wins; default "
         "utsjekk-audit.log)");
}

std::string utsjekk_config::help_text() const {
  std::string result
    = "usage: utsjekk [OPTION=VALUE]...\n"
      "Reads utbetalinger from Kafka, sends oppdrag to OS, publishes "
      "statuses.\nWith no Kafka configured it starts an embedded mock "
      "cluster and the OS\nsimulator, and prints bootstrap=HOST:PORT.\n\n"
      "Environment: KAFKA_BROKERS (and KAFKA_CERTIFICATE_PATH,\n"
      "KAFKA_PRIVATE_KEY_PATH, KAFKA_CA_PATH for TLS), "
      "UTSJEKK_EMBEDDED_KAFKA_PORT,\nUTSJEKK_ADMIN_PORT, "
      "UTSJEKK_ADMIN_TOKEN (enables operator actions),\n"
      "UTSJEKK_AUDIT_LOG, UTSJEKK_OS_TRANSPORT.\nOptions may also stand in "
      "caf-application.ini (groups [utsjekk], [os], [admin]).\n\n";
  for (auto& opt : custom_options_) {
    auto category = opt.category();
    if (category != "utsjekk" && category != "os" && category != "admin")
      continue;
    auto name = "--" + std::string{opt.full_name().begin(),
                                    opt.full_name().end()}
                + "=<" + std::string{opt.type_name().begin(),
                                     opt.type_name().end()}
                + ">";
    result += "  " + name + "\n      "
              + std::string{opt.description().begin(),
                            opt.description().end()}
              + "\n";
  }
  return result;
}

namespace {

std::optional<std::string> env(const char* name) {
  auto value = std::getenv(name);
  if (value == nullptr || *value == '\0')
    return std::nullopt;
  return std::string{value};
}

} // namespace

caf::expected<service_config> utsjekk_config::make_service_config() const {
  service_config result;
  // Topics: the defaults of the systems being replaced, then options.
  for (auto fs : all_fagsystemer)
    result.input_topics[fs] = defaults::input_topic(fs);
  auto set_topic = [&](fagsystem fs, const std::string& name) {
    if (!name.empty())
      result.input_topics[fs] = name;
  };
  set_topic(fagsystem::aap, topic_aap);
  set_topic(fagsystem::dagpenger, topic_dagpenger);
  set_topic(fagsystem::tiltakspenger, topic_tiltakspenger);
  set_topic(fagsystem::tilleggsstonader, topic_tilleggsstonader);
  set_topic(fagsystem::historisk, topic_historisk);
  set_topic(fagsystem::valp, topic_valp);
  result.status_topic = status_topic;
  result.oppdrag_topic = oppdrag_topic;
  result.group_id = group_id;
  result.transactional_id = transactional_id;
  // Kafka: the environment wins over the option.
  if (auto from_env = kafka::config_from_env())
    result.kafka = std::move(*from_env);
  else if (!brokers.empty())
    result.kafka = kafka::client_config{brokers, {}};
  if (embedded_port != 0)
    result.embedded_port = embedded_port;
  if (auto port = env("UTSJEKK_EMBEDDED_KAFKA_PORT")) {
    unsigned value = 0;
    auto [ptr, err] = std::from_chars(port->data(),
                                      port->data() + port->size(), value);
    if (err != std::errc{} || ptr != port->data() + port->size()
        || value == 0 || value > 65535)
      return caf::make_error(ec::invalid_config,
                             "UTSJEKK_EMBEDDED_KAFKA_PORT is not a port: "
                               + *port);
    result.embedded_port = static_cast<uint16_t>(value);
  }
  // Transactions.
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  result.oppdrag.kvittering_timeout
    = duration_cast<milliseconds>(kvittering_timeout);
  result.oppdrag.max_retries = static_cast<uint32_t>(max_retries);
  result.oppdrag.respect_opening_hours = !resend_outside_opening_hours;
  result.oppdrag.now = oslo_now;
  result.max_restarts = static_cast<uint32_t>(max_restarts);
  result.max_in_flight = max_in_flight;
  // The OS simulator.
  result.simulator = os_profile.profile();
  // The transport to OS: the environment wins over the option.
  auto transport_name = env("UTSJEKK_OS_TRANSPORT").value_or(
    os_transport_name);
  auto transport = parse_os_transport(transport_name);
  if (!transport)
    return caf::make_error(ec::invalid_config,
                           "unknown OS transport '" + transport_name
                             + "': use simulator or kafka");
  result.transport = *transport;
  result.kvittering_group = kvittering_group;
  result.oppdrag.audit = !transport_records_oppdrag(result.transport);
  if (!demo_input.empty())
    result.demo_input = demo_input;
  // The admin endpoint: options, then the environment.
  auto& admin = result.admin;
  admin.http.bind = admin_bind;
  admin.http.port = admin_port;
  if (auto port = env("UTSJEKK_ADMIN_PORT")) {
    unsigned value = 0;
    auto [ptr, err] = std::from_chars(port->data(),
                                      port->data() + port->size(), value);
    if (err != std::errc{} || ptr != port->data() + port->size()
        || value > 65535)
      return caf::make_error(ec::invalid_config,
                             "UTSJEKK_ADMIN_PORT is not a port: " + *port);
    admin.http.port = static_cast<uint16_t>(value);
  }
  admin.ask_timeout = duration_cast<milliseconds>(admin_ask_timeout);
  admin.http.answer_timeout = admin.ask_timeout + std::chrono::seconds{1};
  admin.http.request_timeout
    = duration_cast<milliseconds>(admin_request_timeout);
  admin.http.max_connections = admin_max_connections;
  admin.audit_log = audit_log;
  if (auto path = env("UTSJEKK_AUDIT_LOG"))
    admin.audit_log = *path;
  if (auto token = env("UTSJEKK_ADMIN_TOKEN"))
    admin.token = *token;
  if (auto err = validate(result))
    return err;
  return result;
}

} // namespace utsjekk
