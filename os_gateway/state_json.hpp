#pragma once

#include "os_gateway/responder.hpp"
#include "os_gateway/simulator.hpp"

#include <caf/expected.hpp>

#include <cstdint>
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

/// Reads what to_json() writes; errors name the field. Ignores a
/// "generation".
caf::expected<responder_state> parse_responder_state(std::string_view json);

/// A snapshot of the state directory and the number of its change log.
struct saved_snapshot {
  /// 0 for a state saved before the change log (no "generation").
  uint64_t generation = 0;
  responder_state state;
};

/// The snapshot file: to_json(x) with `"generation"`.
std::string to_json(const responder_state& x, uint64_t generation);

/// Reads what to_json(x, generation) writes, and the state of a build
/// before the change log (generation 0).
caf::expected<saved_snapshot> parse_snapshot(std::string_view json);

/// One entry of the change log, on one line: `{"received", "draws",
/// "sends", "base": {"kodeFagomraade", "fagsystemId", "linjer": [...with
/// "chain"...]} or null, "answered": {"oppdrag", "mmel"} or null}`.
std::string to_json(const responder_change& x);

/// Reads what to_json(responder_change) writes; errors name the field.
caf::expected<responder_change> parse_change(std::string_view json);

} // namespace utsjekk::os
