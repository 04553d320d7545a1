#pragma once

#include "messages/types.hpp"

#include <caf/expected.hpp>

#include <string>
#include <string_view>
#include <vector>

/// The internal Utbetaling JSON on helved.utbetalinger.v1 and the saker
/// records on helved.saker.v1 (reference §2.10), so utsjekk can take over
/// the state of the system it replaces.
namespace utsjekk {

std::string to_json(const utbetaling& x);
caf::expected<utbetaling> parse_utbetaling(std::string_view json);

/// `{"sakId":"…","fagsystem":"…"}`.
std::string to_json(const sak_key& x);
caf::expected<sak_key> parse_sak_key(std::string_view json);

/// `["<uid>", …]`.
std::string uids_to_json(const std::vector<uuid>& uids);
caf::expected<std::vector<uuid>> parse_uids(std::string_view json);

} // namespace utsjekk
