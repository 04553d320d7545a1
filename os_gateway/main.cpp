#include "actors/logging.hpp"
#include "kafka/kafka.hpp"
#include "messages/error.hpp"
#include "messages/time.hpp"
#include "os_gateway/os_service.hpp"
#include "os_gateway/profile_options.hpp"

#include <caf/actor_system_config.hpp>

#include <charconv>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <iostream>

using namespace utsjekk;

namespace {

/// utsjekk-os' options: group "os", the profile as in utsjekk.
class os_config : public caf::actor_system_config {
public:
  os_config() {
    opt_group group{custom_options_, "os"};
    group.add(topic, "topic", "topic of oppdrag and kvitteringer")
      .add(group_id, "group-id", "consumer group the oppdrag are read in")
      .add(state_dir, "state-dir",
           "directory of the saved oppdrag base (UTSJEKK_OS_STATE_DIR wins)")
      .add(port, "port",
           "port of GET /ledger on 127.0.0.1, 0 picks one "
           "(UTSJEKK_OS_PORT wins)")
      .add(log_level, "log-level", "trace, debug, info, warning or error");
    profile.add_to(group);
  }

  std::string topic{os::defaults::oppdrag_topic};
  std::string group_id{os::defaults::os_group_id};
  std::string state_dir = "utsjekk-os-state";
  uint16_t port = 0;
  std::string log_level = "info";
  os::profile_options profile;
};

/// The local Norwegian time now.
local_time oslo_now() {
  using namespace std::chrono;
  return to_oslo(time_point_cast<microseconds>(system_clock::now()));
}

/// Builds the service configuration; the environment wins over options.
caf::expected<os::os_service_config> make_config(const os_config& cfg) {
  auto invalid = [](std::string what) {
    return caf::make_error(ec::invalid_config, std::move(what));
  };
  os::os_service_config result;
  auto kafka = kafka::config_from_env();
  if (!kafka)
    return invalid("KAFKA_BROKERS is required");
  result.kafka = std::move(*kafka);
  result.topic = cfg.topic;
  result.group_id = cfg.group_id;
  result.profile = cfg.profile.profile();
  if (auto err = os::validate(result.profile))
    return err;
  result.state_dir = cfg.state_dir;
  if (auto dir = std::getenv("UTSJEKK_OS_STATE_DIR"); dir && *dir)
    result.state_dir = dir;
  result.port = cfg.port;
  if (auto port = std::getenv("UTSJEKK_OS_PORT"); port && *port) {
    std::string_view text{port};
    unsigned value = 0;
    auto [ptr, err] = std::from_chars(text.data(), text.data() + text.size(),
                                      value);
    if (err != std::errc{} || ptr != text.data() + text.size()
        || value > 65535)
      return invalid("UTSJEKK_OS_PORT is not a port: " + std::string{text});
    result.port = static_cast<uint16_t>(value);
  }
  if (result.topic.empty() || result.group_id.empty())
    return invalid("topic and group-id must not be empty");
  result.now = oslo_now;
  return result;
}

} // namespace

int main(int argc, char** argv) {
  // SIGINT and SIGTERM are taken by sigtimedwait below, in no other thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  os_config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::cerr << "utsjekk-os: " << cfg.render(err) << '\n';
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  if (!log::init(cfg.log_level))
    UTSJEKK_LOG(warning, "utsjekk-os") << "unknown log level, using info "
                                          "level="
                                       << cfg.log_level;
  auto scfg = make_config(cfg);
  if (!scfg) {
    std::cerr << "utsjekk-os: " << render(scfg.error()) << '\n';
    return 2;
  }
  auto svc = os::os_service::start(std::move(*scfg));
  if (!svc) {
    std::cerr << "utsjekk-os: cannot start: " << render(svc.error()) << '\n';
    return 1;
  }
  // The one line other tools read to find the ledger.
  std::cout << "ledger=http://127.0.0.1:" << (*svc)->port() << "/ledger"
            << std::endl;
  // Run until a stop signal, or until the state cannot be saved.
  timespec tick{0, 200'000'000};
  for (;;) {
    auto sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      UTSJEKK_LOG(info, "utsjekk-os") << "utsjekk-os got a stop signal "
                                         "signal="
                                      << sig;
      break;
    }
    if (auto err = (*svc)->failure()) {
      (*svc)->stop();
      std::cerr << "utsjekk-os: " << render(err) << '\n';
      return 1;
    }
  }
  (*svc)->stop();
  return 0;
}
