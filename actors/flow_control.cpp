#include "actors/flow_control.hpp"

#include <algorithm>

namespace utsjekk {

flow_control::flow_control(size_t limit) : limit_(std::max<size_t>(limit, 1)) {
  // nop
}

bool flow_control::handed(const kafka::topic_partition& tp, size_t n) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& x = partitions_[tp];
  x.outstanding += n;
  if (x.paused || x.outstanding < limit_)
    return false;
  x.paused = true;
  return true;
}

bool flow_control::released(const kafka::topic_partition& tp, size_t n) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = partitions_.find(tp);
  if (i == partitions_.end())
    return false;
  auto& x = i->second;
  x.outstanding -= std::min(n, x.outstanding);
  if (!x.paused || x.outstanding > limit_ / 2)
    return false;
  x.paused = false;
  return true;
}

void flow_control::reset(const kafka::topic_partition& tp) {
  std::lock_guard<std::mutex> guard{mtx_};
  partitions_[tp] = partition{};
}

size_t flow_control::outstanding(const kafka::topic_partition& tp) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = partitions_.find(tp);
  return i == partitions_.end() ? 0 : i->second.outstanding;
}

bool flow_control::paused(const kafka::topic_partition& tp) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = partitions_.find(tp);
  return i != partitions_.end() && i->second.paused;
}

} // namespace utsjekk
