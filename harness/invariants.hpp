#pragma once

#include "messages/types.hpp"

#include <optional>
#include <string>
#include <vector>

/// Invariant checks shared by the replay and the run checker.
namespace utsjekk {

/// I7: the statuses of one key go MOTTATT → HOS_OPPDRAG → OK|FEILET and
/// never backwards; after a terminal status only terminal ones (the same
/// status again for a redelivery). Returns what broke the order, if any.
inline std::optional<std::string>
status_order_violation(const std::vector<status_reply>& statuses) {
  auto rank = [](status_kind k) {
    switch (k) {
      case status_kind::mottatt:
        return 0;
      case status_kind::hos_oppdrag:
        return 1;
      default:
        return 2;
    }
  };
  auto last = -1;
  for (auto& s : statuses) {
    auto r = rank(s.status);
    if (r < last)
      return "status " + std::string{to_string(s.status)} + " after "
             + (last == 2 ? "a terminal status" : "a later status");
    last = r;
  }
  return std::nullopt;
}

} // namespace utsjekk
