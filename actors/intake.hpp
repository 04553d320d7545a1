#pragma once

#include "actors/actors.hpp"
#include "actors/reader.hpp"

#include <functional>
#include <map>

namespace utsjekk {

/// Bridges the consumer's poll thread and the readers: one reader per
/// assigned partition, spawned on assign and stopped on revoke.
struct intake_state {
  /// The fagsystem of each input topic.
  std::map<std::string, fagsystem> topics;
  std::map<fagsystem, supervisor_actor> supervisors;
  status_publisher_actor publisher;
  /// Builds the offset and flow controls of one partition.
  std::function<partition_control(const kafka::topic_partition&)> control;
  std::map<kafka::topic_partition, reader_actor> readers;
  /// Records that arrived for a partition without a reader.
  uint64_t dropped = 0;
  static inline const char* name = "intake";
};

intake_actor::behavior_type intake(
  intake_actor::stateful_pointer<intake_state> self,
  std::map<std::string, fagsystem> topics,
  std::map<fagsystem, supervisor_actor> supervisors,
  status_publisher_actor publisher,
  std::function<partition_control(const kafka::topic_partition&)> control);

} // namespace utsjekk
