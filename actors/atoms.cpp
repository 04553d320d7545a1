#include "actors/atoms.hpp"

#include "actors/actors.hpp"

#include <caf/actor_system_config.hpp>

namespace utsjekk {

const char* to_string(tx_step x) {
  switch (x) {
    case tx_step::queued:
      return "queued";
    case tx_step::planned:
      return "planned";
    case tx_step::sent:
      return "sent";
    case tx_step::done:
      return "done";
  }
  return "unknown";
}

void register_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::utsjekk>();
}

} // namespace utsjekk
