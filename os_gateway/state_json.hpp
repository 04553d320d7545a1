#pragma once

#include "os_gateway/responder.hpp"
#include "os_gateway/simulator.hpp"

#include <caf/expected.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

/// JSON forms of the standalone OS: the ledger it serves at `GET /ledger`
/// and the state it keeps across restarts. Pure.
namespace utsjekk::os {

/// The active lines of every base, as `simulator::ledger()` returns them.
using ledger_map = std::map<base_key, std::vector<ledger_line>>;

/// The ledger as a JSON array, one object per base in key order:
/// `{"kodeFagomraade", "fagsystemId", "linjer": [{"delytelseId",
/// "klassekode", "fom", "tom", "sats", "typeSats", "opphorFom"}]}` with
/// dates as "YYYY-MM-DD" and `opphorFom` null unless the line stops early.
std::string ledger_to_json(const ledger_map& ledger);

/// Reads what ledger_to_json() writes; errors name the field.
caf::expected<ledger_map> parse_ledger(std::string_view json);

/// The saved state: `{"version": 1, "received", "rng", "sends",
/// "bases": [...as the ledger, each line with its "chain"...],
/// "answered": [{"oppdrag", "mmel": {...}}]}`.
std::string to_json(const responder_state& x);

/// Reads what to_json() writes; errors name the field.
caf::expected<responder_state> parse_responder_state(std::string_view json);

} // namespace utsjekk::os
