#include "actors/os_gateway.hpp"

#include "actors/logging.hpp"
#include "messages/error.hpp"
#include "messages/kvittering.hpp"
#include "messages/oppdrag_xml.hpp"

namespace utsjekk {

os_gateway_actor::behavior_type
os_gateway(os_gateway_actor::stateful_pointer<os_gateway_state> self,
           std::shared_ptr<os::simulator> sim,
           std::function<local_time()> now) {
  self->state.sim = std::move(sim);
  self->state.now = std::move(now);
  return {
    [self](atom::send, const tx_id& key, const std::string& xml,
           const oppdrag_actor& sender) -> caf::result<bool> {
      // OS reads the XML itself: parse it as OS would.
      auto parsed = parse_oppdrag(xml);
      if (!parsed) {
        UTSJEKK_LOG(warning, "os-gateway")
          << "OS gateway refused unreadable oppdrag tx=" << key.value
          << " error=" << render(parsed.error());
        return parsed.error();
      }
      self->state.routes.insert_or_assign(match_key(*parsed), sender);
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
      ++self->state.received;
      auto parsed = parse_oppdrag(xml);
      if (!parsed || !parsed->mmel) {
        ++self->state.unmatched;
        UTSJEKK_LOG(warning, "os-gateway")
          << "OS gateway dropped unreadable kvittering";
        return;
      }
      auto i = self->state.routes.find(match_key(*parsed));
      if (i == self->state.routes.end()) {
        ++self->state.unmatched;
        UTSJEKK_LOG(warning, "os-gateway")
          << "OS gateway got kvittering nobody waits for fagsystemId="
          << parsed->fagsystem_id
          << " alvorlighetsgrad=" << parsed->mmel->alvorlighetsgrad;
        return;
      }
      self->send(i->second, atom::kvittering::value, std::move(*parsed));
    },
    [self](atom::route, const std::string& key,
           const oppdrag_actor& receiver) {
      self->state.routes.insert_or_assign(key, receiver);
    },
    [self](atom::forget, const std::string& key) {
      self->state.routes.erase(key);
    },
  };
}

} // namespace utsjekk
