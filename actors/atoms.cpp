#include "actors/atoms.hpp"

#include "actors/actors.hpp"

#include <caf/actor_system_config.hpp>

namespace utsjekk {

void register_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::utsjekk>();
}

} // namespace utsjekk
