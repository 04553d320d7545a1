#include "os_gateway/offset_tracker.hpp"

#include <algorithm>

namespace utsjekk::os {

void offset_tracker::begin(const kafka::topic_partition& tp, int64_t offset) {
  auto [i, added] = partitions_.try_emplace(tp);
  auto& p = i->second;
  // Nothing before the first record seen is ours to store.
  if (added)
    p.stored = offset;
  p.open.insert(offset);
  p.highest = std::max(p.highest, offset);
}

std::optional<int64_t>
offset_tracker::finish(const kafka::topic_partition& tp, int64_t offset) {
  auto i = partitions_.find(tp);
  if (i == partitions_.end() || i->second.open.erase(offset) == 0)
    return std::nullopt;
  // Everything before the oldest open record is done.
  auto& p = i->second;
  auto next = p.open.empty() ? p.highest + 1 : *p.open.begin();
  if (next <= p.stored)
    return std::nullopt;
  p.stored = next;
  return next;
}

void offset_tracker::forget(const kafka::topic_partition& tp) {
  partitions_.erase(tp);
}

size_t offset_tracker::in_work() const {
  size_t result = 0;
  for (const auto& [tp, p] : partitions_)
    result += p.open.size();
  return result;
}

} // namespace utsjekk::os
