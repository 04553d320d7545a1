#include "actors/input_offsets.hpp"

#include <algorithm>

namespace utsjekk {

void input_offsets::assign(const std::vector<kafka::topic_partition>& tps) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (const auto& tp : tps)
    partitions_.try_emplace(tp);
}

void input_offsets::opened(const kafka::topic_partition& tp, int64_t offset,
                           const std::string& key) {
  std::lock_guard<std::mutex> guard{mtx_};
  // A late reader of a partition given up creates nothing.
  auto i = partitions_.find(tp);
  if (i == partitions_.end())
    return;
  auto& p = i->second;
  // A record below the reader's position, or seen before, is not news.
  if (offset < p.stored || p.records.count(offset) > 0)
    return;
  ++epoch_;
  p.records.emplace(offset, record{key, epoch_, false});
  if (p.first < 0)
    p.first = offset;
  p.last = std::max(p.last, offset);
  by_key_.emplace(key, std::make_pair(tp, offset));
}

bool input_offsets::stored(const kafka::topic_partition& tp, int64_t next) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = partitions_.find(tp);
  if (i == partitions_.end())
    return false;
  auto& p = i->second;
  if (next <= p.stored)
    return false;
  p.stored = next;
  // Records before the position are done with.
  auto end = p.records.lower_bound(next);
  for (auto r = p.records.begin(); r != end; ++r)
    if (!r->second.settled)
      unindex(r->second.key, tp, r->first);
  p.records.erase(p.records.begin(), end);
  auto moved = position(p, {});
  return p.first >= 0 && moved > p.first && moved > p.committed;
}

uint64_t input_offsets::epoch() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return epoch_;
}

offset_plan
input_offsets::plan(const std::vector<settled_key>& keys) const {
  std::lock_guard<std::mutex> guard{mtx_};
  offset_plan result;
  // Each key settles its one record read before the status was queued.
  std::map<kafka::topic_partition, std::vector<int64_t>> extra;
  for (const auto& k : keys) {
    const std::pair<kafka::topic_partition, int64_t>* only = nullptr;
    size_t candidates = 0;
    auto [first, last] = by_key_.equal_range(k.key);
    for (auto i = first; i != last; ++i) {
      auto& [tp, offset] = i->second;
      auto& rec = partitions_.at(tp).records.at(offset);
      if (rec.epoch > k.epoch)
        continue;
      ++candidates;
      only = &i->second;
    }
    if (candidates != 1)
      continue;
    auto& offsets = extra[only->first];
    if (std::find(offsets.begin(), offsets.end(), only->second)
        != offsets.end())
      continue;
    offsets.push_back(only->second);
    result.settled.push_back(*only);
  }
  // Every partition whose position moves past where it began and past
  // its last commit.
  static const std::vector<int64_t> none;
  for (const auto& [tp, p] : partitions_) {
    if (p.first < 0)
      continue;
    auto e = extra.find(tp);
    auto next = position(p, e == extra.end() ? none : e->second);
    if (next > p.first && next > p.committed)
      result.offsets.emplace(tp, next);
  }
  return result;
}

void input_offsets::committed(const offset_plan& x) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (const auto& [tp, offset] : x.settled) {
    auto i = partitions_.find(tp);
    if (i == partitions_.end())
      continue;
    auto r = i->second.records.find(offset);
    if (r == i->second.records.end() || r->second.settled)
      continue;
    r->second.settled = true;
    unindex(r->second.key, tp, offset);
  }
  // A partition forgotten meanwhile is not taken back.
  for (const auto& [tp, next] : x.offsets)
    if (auto i = partitions_.find(tp); i != partitions_.end())
      i->second.committed = std::max(i->second.committed, next);
}

void input_offsets::forget(const std::vector<kafka::topic_partition>& tps) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (const auto& tp : tps) {
    auto i = partitions_.find(tp);
    if (i == partitions_.end())
      continue;
    for (const auto& [offset, rec] : i->second.records)
      if (!rec.settled)
        unindex(rec.key, tp, offset);
    partitions_.erase(i);
  }
}

size_t input_offsets::open(const kafka::topic_partition& tp) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = partitions_.find(tp);
  return i == partitions_.end() ? 0 : i->second.records.size();
}

int64_t
input_offsets::committed_offset(const kafka::topic_partition& tp) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = partitions_.find(tp);
  return i == partitions_.end() ? -1 : i->second.committed;
}

int64_t input_offsets::position(const partition& p,
                                const std::vector<int64_t>& extra) {
  // The first record without a durable outcome, else past the last one.
  for (const auto& [offset, rec] : p.records) {
    if (rec.settled
        || std::find(extra.begin(), extra.end(), offset) != extra.end())
      continue;
    return std::max(offset, p.stored);
  }
  return std::max(p.stored, p.last + 1);
}

void input_offsets::unindex(const std::string& key,
                            const kafka::topic_partition& tp,
                            int64_t offset) {
  auto [first, last] = by_key_.equal_range(key);
  for (auto i = first; i != last; ++i)
    if (i->second.first == tp && i->second.second == offset) {
      by_key_.erase(i);
      return;
    }
}

} // namespace utsjekk
