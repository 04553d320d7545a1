#pragma once

#include "actors/state_store.hpp"
#include "kafka/read_to_end.hpp"

#include <caf/expected.hpp>

namespace utsjekk {

/// Reads the state topics from their start to their current end: accepted
/// utbetalinger, saker and the journal. Records that cannot be read are
/// counted and logged, never guessed at.
caf::expected<loaded_state> load_state(const kafka::client_config& cfg,
                                       const state_topics& topics);

} // namespace utsjekk
