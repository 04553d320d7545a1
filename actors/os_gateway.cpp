#include "actors/os_gateway.hpp"

#include "actors/logging.hpp"
#include "messages/error.hpp"
#include "messages/kvittering.hpp"
#include "messages/oppdrag_xml.hpp"

#include <caf/typed_response_promise.hpp>

namespace utsjekk {

kvittering_router::kvittering_router(size_t max_held) : max_held(max_held) {
}

void kvittering_router::expect(const std::string& key,
                               const oppdrag_actor& to) {
  routes.insert_or_assign(key, to);
}

std::vector<oppdrag> kvittering_router::route(const std::string& key,
                                              const oppdrag_actor& to) {
  routes.insert_or_assign(key, to);
  // Hand over what arrived before the route, in arrival order.
  std::vector<oppdrag> result;
  auto [first, last] = held_by_key.equal_range(key);
  for (auto i = first; i != last; ++i) {
    result.push_back(std::move(i->second->second));
    held.erase(i->second);
  }
  held_by_key.erase(first, last);
  return result;
}

void kvittering_router::forget(const std::string& key) {
  routes.erase(key);
  auto [first, last] = held_by_key.equal_range(key);
  for (auto i = first; i != last; ++i)
    held.erase(i->second);
  held_by_key.erase(first, last);
}

std::optional<std::pair<oppdrag_actor, oppdrag>>
kvittering_router::take(const std::string& xml) {
  ++received;
  auto parsed = parse_oppdrag(xml);
  if (!parsed || !parsed->mmel) {
    ++unreadable;
    UTSJEKK_LOG(warning, "os-gateway")
      << "OS gateway dropped unreadable kvittering error="
      << (parsed ? std::string{"no mmel"} : render(parsed.error()));
    return std::nullopt;
  }
  auto key = match_key(*parsed);
  if (auto i = routes.find(key); i != routes.end()) {
    ++routed;
    return std::make_pair(i->second, std::move(*parsed));
  }
  // Nobody waits yet: a resumed transaction may still ask for it.
  UTSJEKK_LOG(debug, "os-gateway")
    << "OS gateway holds kvittering nobody waits for fagsystemId="
    << parsed->fagsystem_id
    << " alvorlighetsgrad=" << parsed->mmel->alvorlighetsgrad;
  ++held_total;
  held.emplace_back(key, std::move(*parsed));
  held_by_key.emplace(key, std::prev(held.end()));
  // The oldest goes once the bound is passed.
  while (held.size() > max_held) {
    auto oldest = held.begin();
    auto [first, last] = held_by_key.equal_range(oldest->first);
    for (auto i = first; i != last; ++i)
      if (i->second == oldest) {
        held_by_key.erase(i);
        break;
      }
    ++evicted;
    UTSJEKK_LOG(warning, "os-gateway")
      << "OS gateway dropped the oldest held kvittering fagsystemId="
      << oldest->second.fagsystem_id << " held=" << max_held;
    held.erase(oldest);
  }
  return std::nullopt;
}

namespace {

/// Delivers one kvittering's XML to whoever waits for it.
template <class Self>
void deliver(Self* self, kvittering_router& router, const std::string& xml) {
  if (auto target = router.take(xml))
    self->send(target->first, atom::kvittering::value,
               std::move(target->second));
}

/// Registers a resumed transaction's route and hands it what was held.
template <class Self>
void route(Self* self, kvittering_router& router, const std::string& key,
           const oppdrag_actor& to) {
  for (auto& kvittering : router.route(key, to)) {
    UTSJEKK_LOG(debug, "os-gateway")
      << "OS gateway delivers a held kvittering fagsystemId="
      << kvittering.fagsystem_id;
    self->send(to, atom::kvittering::value, std::move(kvittering));
  }
}

} // namespace

os_gateway_actor::behavior_type
os_gateway(os_gateway_actor::stateful_pointer<os_gateway_state> self,
           std::shared_ptr<os::simulator> sim,
           std::function<local_time()> now) {
  self->state.sim = std::move(sim);
  self->state.now = std::move(now);
  return {
    [self](atom::send, const tx_id& key, fagsystem, const std::string& xml,
           const std::string&,
           const oppdrag_actor& sender) -> caf::result<bool> {
      // OS reads the XML itself: parse it as OS would.
      auto parsed = parse_oppdrag(xml);
      if (!parsed) {
        UTSJEKK_LOG(warning, "os-gateway")
          << "OS gateway refused unreadable oppdrag tx=" << key.value
          << " error=" << render(parsed.error());
        return parsed.error();
      }
      self->state.router.expect(match_key(*parsed), sender);
      ++self->state.sent;
      auto answer = self->state.sim->receive(*parsed, self->state.now());
      // A lost kvittering never arrives; the sender's timer handles it.
      if (answer.kvittering) {
        auto reply = to_xml(*answer.kvittering);
        for (int i = 0; i < answer.copies; ++i)
          self->delayed_send(self, answer.delay, atom::deliver::value, reply);
      }
      UTSJEKK_LOG(debug, "os-gateway")
        << "OS gateway sent oppdrag tx=" << key.value
        << " fagsystemId=" << parsed->fagsystem_id
        << " lines=" << parsed->linjer.size();
      return true;
    },
    [self](atom::deliver, const std::string& xml) {
      deliver(self, self->state.router, xml);
    },
    [self](atom::route, const std::string& key,
           const oppdrag_actor& receiver) {
      route(self, self->state.router, key, receiver);
    },
    [self](atom::forget, const std::string& key) {
      self->state.router.forget(key);
    },
  };
}

os_gateway_actor::behavior_type
os_gateway_kafka(os_gateway_actor::stateful_pointer<kafka_gateway_state> self,
                 status_publisher_actor publisher) {
  self->state.publisher = std::move(publisher);
  return {
    [self](atom::send, const tx_id& key, fagsystem fs, const std::string& xml,
           const std::string& uids, const oppdrag_actor& sender)
      -> caf::typed_response_promise<bool> {
      auto promise = self->make_response_promise<bool>();
      // Only an oppdrag that reads has a match key for its kvittering.
      auto parsed = parse_oppdrag(xml);
      if (!parsed) {
        UTSJEKK_LOG(warning, "os-gateway")
          << "OS gateway refused unreadable oppdrag tx=" << key.value
          << " error=" << render(parsed.error());
        promise.deliver(std::move(parsed.error()));
        return promise;
      }
      // Route first: the kvittering may come before the delivery report.
      self->state.router.expect(match_key(*parsed), sender);
      // The record on the topic is the send; answer once it is durable.
      self
        ->request(self->state.publisher, caf::infinite, atom::audit::value,
                  key, fs, xml, uids)
        .then(
          [self, promise, key](bool) mutable {
            ++self->state.sent;
            UTSJEKK_LOG(debug, "os-gateway")
              << "OS gateway produced oppdrag tx=" << key.value;
            promise.deliver(true);
          },
          [self, promise, key](const caf::error& err) mutable {
            ++self->state.failed;
            UTSJEKK_LOG(warning, "os-gateway")
              << "OS gateway could not produce oppdrag tx=" << key.value
              << " error=" << render(err);
            promise.deliver(caf::make_error(
              ec::transport_failed, "oppdrag not produced: " + render(err)));
          });
      return promise;
    },
    [self](atom::deliver, const std::string& xml) {
      deliver(self, self->state.router, xml);
    },
    [self](atom::route, const std::string& key,
           const oppdrag_actor& receiver) {
      route(self, self->state.router, key, receiver);
    },
    [self](atom::forget, const std::string& key) {
      self->state.router.forget(key);
    },
  };
}

} // namespace utsjekk
