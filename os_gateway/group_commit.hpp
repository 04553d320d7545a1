#pragma once

#include "os_gateway/responder.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <functional>
#include <string_view>
#include <vector>

namespace utsjekk::os {

/// Makes a batch of changes durable, as `state_file::append` does.
using persist_fn
  = std::function<caf::error(const std::vector<responder_change>&)>;

/// Answers the oppdrag `xmls` in order with `os` at local time `now`, then
/// hands every change the batch made to `persist` in one call (none when
/// nothing changed). Returns the responses, one per input in order, only
/// when `persist` succeeded: the kvitteringer of a batch leave only after
/// its changes are durable. On an error `os` holds changes that are not on
/// disk; its owner must stop answering.
caf::expected<std::vector<response>>
answer_batch(responder& os, const std::vector<std::string_view>& xmls,
             local_time now, const persist_fn& persist);

} // namespace utsjekk::os
