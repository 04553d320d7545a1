#pragma once

#include "actors/actors.hpp"
#include "os_gateway/simulator.hpp"

#include <functional>
#include <map>
#include <memory>

namespace utsjekk {

/// The gateway to OS on the in-process simulator transport.
struct os_gateway_state {
  /// The simulated OS; shared so that tests can read its ledger.
  std::shared_ptr<os::simulator> sim;
  /// The local Norwegian time.
  std::function<local_time()> now;
  /// Who waits for the kvittering of each match key.
  std::map<std::string, oppdrag_actor> routes;
  /// Oppdrag sent and kvitteringer received, routed or not.
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t unmatched = 0;
  static inline const char* name = "os-gateway";
};

os_gateway_actor::behavior_type
os_gateway(os_gateway_actor::stateful_pointer<os_gateway_state> self,
           std::shared_ptr<os::simulator> sim,
           std::function<local_time()> now);

} // namespace utsjekk
