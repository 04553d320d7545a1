#include "actors/atoms.hpp"

#include "actors/actors.hpp"

#include <caf/actor_system_config.hpp>

#include <algorithm>

namespace utsjekk {

bool waits_for_kvittering(const tx_view& x) {
  return x.place == tx_view::where::in_flight
         && x.journal.step == tx_step::sent
         && std::any_of(x.journal.oppdrag.begin(), x.journal.oppdrag.end(),
                        [](auto& o) { return !o.answer; });
}

void register_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::utsjekk>();
}

} // namespace utsjekk
