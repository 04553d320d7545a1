#include "actors/config.hpp"
#include "actors/logging.hpp"
#include "actors/service.hpp"
#include "harness/replay.hpp"
#include "messages/error.hpp"

#include <caf/actor_system.hpp>

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <string_view>
#include <thread>

using namespace utsjekk;

namespace {

/// Blocks SIGINT and SIGTERM in every thread started after this call, so
/// that main can wait for them with sigwait.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

} // namespace

int main(int argc, char** argv) {
  auto signals = block_stop_signals();
  utsjekk_config cfg;
  // utsjekk's own help; CAF's --long-help lists CAF's options as well.
  for (int i = 1; i < argc; ++i) {
    std::string_view arg{argv[i]};
    if (arg == "--help" || arg == "-h" || arg == "-?") {
      std::cout << cfg.help_text();
      return 0;
    }
  }
  if (auto err = cfg.parse(argc, argv)) {
    std::cerr << "utsjekk: invalid command line: " << cfg.render(err)
              << "\nutsjekk --help lists the options.\n";
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  if (!log::init(cfg.log_level))
    UTSJEKK_LOG(warning, "main")
      << "unknown log level, using info level=" << cfg.log_level;
  auto scfg = cfg.make_service_config();
  if (!scfg) {
    std::cerr << "utsjekk: " << render(scfg.error()) << '\n';
    return 2;
  }
  auto demo = scfg->demo_input;
  caf::actor_system sys{cfg};
  auto svc = service::start(sys, std::move(*scfg));
  if (!svc) {
    std::cerr << "utsjekk: cannot start: " << render(svc.error()) << '\n';
    return 1;
  }
  // The one line other tools read to find the cluster.
  std::cout << "bootstrap=" << (*svc)->bootstrap() << std::endl;
  // The second: where the admin endpoint answers.
  std::cout << "admin=" << (*svc)->admin_url() << std::endl;
  // The demo: sample input through the running service, outcomes shown.
  std::thread feeder;
  auto stopping = std::make_shared<std::atomic<bool>>(false);
  if (demo) {
    auto bootstrap = (*svc)->bootstrap();
    feeder = std::thread{[bootstrap, path = *demo, stopping] {
      replay_options opts;
      opts.bootstrap = bootstrap;
      opts.input = path;
      // A slow OS (--os.latency-*) may take minutes per sak; the demo
      // feeds until it is done or utsjekk stops.
      opts.timeout = std::chrono::hours{24};
      opts.cancel = stopping;
      std::cout << "demo: producing " << path
                << " sak by sak; terminal statuses:" << std::endl;
      auto report = replay(opts, std::cout);
      if (!report) {
        if (report.error() == ec::shutting_down)
          UTSJEKK_LOG(info, "demo")
            << "demo stopped feeding error=" << render(report.error());
        else
          UTSJEKK_LOG(error, "demo")
            << "demo replay failed error=" << render(report.error());
        return;
      }
      std::cout << "demo: " << report->produced << " records, "
                << report->terminal << " terminal statuses in "
                << report->elapsed.count() << " ms. utsjekk keeps running;"
                << " produce more with kcat -P -b " << bootstrap
                << " -t <topic> -k <key> <file>, read statuses with"
                << " kcat -C -e -b " << bootstrap
                << " -t helved.status.v1 -f '%k %s\\n'. Ctrl-C stops."
                << std::endl;
    }};
  }
  // Run until SIGINT or SIGTERM.
  int sig = 0;
  sigwait(&signals, &sig);
  UTSJEKK_LOG(info, "main") << "utsjekk got a stop signal signal=" << sig;
  stopping->store(true);
  (*svc)->stop();
  if (feeder.joinable())
    feeder.join();
  return fatal_error ? 1 : 0;
}
