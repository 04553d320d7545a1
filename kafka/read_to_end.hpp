#pragma once

#include "kafka/kafka.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace utsjekk::kafka {

/// Reads every partition of `topic` from its start to the end it had when
/// the call began, handing each record to `fn` in offset order per
/// partition, without joining a group or committing anything. A topic that
/// does not exist reads as empty. Fails when the end is not reached within
/// `timeout`.
caf::error read_to_end(const client_config& cfg, const std::string& topic,
                       const std::function<void(record&&)>& fn,
                       std::chrono::milliseconds timeout
                       = std::chrono::minutes{10});

} // namespace utsjekk::kafka
