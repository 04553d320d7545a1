#pragma once

#include "actors/actors.hpp"
#include "os_gateway/simulator.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace utsjekk {

namespace defaults {

/// Kvitteringer a gateway keeps for transactions that have not yet
/// registered their route; the oldest goes first.
inline constexpr size_t max_held_kvitteringer = 10'000;

} // namespace defaults

/// Matches kvitteringer to the oppdrag actors waiting for them, on parsed
/// content (match_key), the same for every transport. A kvittering nobody
/// waits for is held by its match key, a bounded number of them, because a
/// transaction resumed after a restart may only register its route after
/// its kvittering arrived; registering the route with atom::route hands it
/// over. Pure bookkeeping: the behaviour does the sending.
struct kvittering_router {
  /// A kvittering held, with its match key.
  using held_kvittering = std::pair<std::string, oppdrag>;

  explicit kvittering_router(size_t max_held
                             = defaults::max_held_kvitteringer);

  /// Who waits for the kvittering of each match key.
  std::map<std::string, oppdrag_actor> routes;
  /// Kvitteringer nobody waited for, oldest first.
  std::list<held_kvittering> held;
  /// The entries of `held` per match key, in arrival order.
  std::multimap<std::string, std::list<held_kvittering>::iterator> held_by_key;
  /// The bound of `held`.
  size_t max_held;
  /// Kvitteringer received, routed at once, held, dropped as unreadable,
  /// and dropped because the bound was reached.
  uint64_t received = 0;
  uint64_t routed = 0;
  uint64_t held_total = 0;
  uint64_t unreadable = 0;
  uint64_t evicted = 0;

  /// Routes kvitteringer with `key` to `to` (a send); held ones stay.
  void expect(const std::string& key, const oppdrag_actor& to);

  /// Routes kvitteringer with `key` to `to` and returns the ones held for
  /// it, oldest first, to be delivered now (a resumed transaction).
  std::vector<oppdrag> route(const std::string& key, const oppdrag_actor& to);

  /// Stops routing `key` and drops what is held for it.
  void forget(const std::string& key);

  /// Takes one kvittering's XML: returns who gets it now, or nullopt when
  /// it was held or could not be read.
  std::optional<std::pair<oppdrag_actor, oppdrag>>
  take(const std::string& xml);
};

/// The gateway to OS on the in-process simulator transport.
struct os_gateway_state {
  /// The simulated OS; shared so that tests can read its ledger.
  std::shared_ptr<os::simulator> sim;
  /// The local Norwegian time.
  std::function<local_time()> now;
  kvittering_router router;
  /// Oppdrag sent.
  uint64_t sent = 0;
  static inline const char* name = "os-gateway";
};

os_gateway_actor::behavior_type
os_gateway(os_gateway_actor::stateful_pointer<os_gateway_state> self,
           std::shared_ptr<os::simulator> sim,
           std::function<local_time()> now);

/// The gateway to OS on the Kafka transport (DESIGN.md §5): each oppdrag
/// goes to the oppdrag topic through the publisher, keyed by its tx-id with
/// headers fagsystem and uids, and the send is answered once the record is
/// durable; kvitteringer arrive from a kvittering_reader as atom::deliver.
/// The records on that topic are the audit trail, so oppdrag actors do not
/// audit on this transport (oppdrag_config::audit).
struct kafka_gateway_state {
  /// The producer of the oppdrag records.
  status_publisher_actor publisher;
  kvittering_router router;
  /// Oppdrag sent (durable) and sends that failed.
  uint64_t sent = 0;
  uint64_t failed = 0;
  static inline const char* name = "os-gateway-kafka";
};

os_gateway_actor::behavior_type
os_gateway_kafka(os_gateway_actor::stateful_pointer<kafka_gateway_state> self,
                 status_publisher_actor publisher);

} // namespace utsjekk
