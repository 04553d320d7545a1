#include "os_gateway/group_commit.hpp"

namespace utsjekk::os {

caf::expected<std::vector<response>>
answer_batch(responder& os, const std::vector<std::string_view>& xmls,
             local_time now, const persist_fn& persist) {
  // Answer every record in memory, collecting what changed.
  std::vector<response> result;
  result.reserve(xmls.size());
  std::vector<responder_change> changes;
  for (auto xml : xmls) {
    auto r = os.on_record(xml, now);
    if (r.change)
      changes.push_back(*r.change);
    result.push_back(std::move(r));
  }
  // One durable write for the whole batch before any answer is released.
  if (!changes.empty())
    if (auto err = persist(changes))
      return err;
  return result;
}

} // namespace utsjekk::os
