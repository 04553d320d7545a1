#pragma once

#include "os_gateway/responder.hpp"
#include "os_gateway/simulator.hpp"

#include <caf/expected.hpp>

#include <cstdint>
#include <map>
#include <optional>
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
  /// The number of the last logged change the snapshot holds; nullopt for
  /// a snapshot written before changes were numbered.
  std::optional<uint64_t> seq;
  responder_state state;
};

/// The snapshot file: to_json(x) with `"generation"` and `"seq"`, the
/// number of the last logged change that `x` holds.
std::string to_json(const responder_state& x, uint64_t generation,
                    uint64_t seq);

/// Reads what to_json(x, generation, seq) writes, a snapshot of a build
/// that did not number changes (no seq), and the state of a build before
/// the change log (generation 0).
caf::expected<saved_snapshot> parse_snapshot(std::string_view json);

/// One entry of the change log, on one line: `{"received", "draws",
/// "sends", "base": {"kodeFagomraade", "fagsystemId", "linjer": [...with
/// "chain"...]} or null, "answered": {"oppdrag", "mmel"} or null}`.
std::string to_json(const responder_change& x);

/// Reads what to_json(responder_change) writes; errors name the field.
/// Ignores a "seq".
caf::expected<responder_change> parse_change(std::string_view json);

/// A line of the change log: the change and its number.
struct logged_change {
  /// The number of the change, one more than the line before; nullopt in
  /// a log of a build that did not number changes.
  std::optional<uint64_t> seq;
  responder_change change;
};

/// to_json(x) with `"seq"` first.
std::string to_json(const responder_change& x, uint64_t seq);

/// Reads what to_json(x, seq) and to_json(x) write.
caf::expected<logged_change> parse_logged_change(std::string_view json);

/// The first line of a change log. It ties the log to its snapshot and
/// records how far the log is known to be durable, so that a log cut by
/// whole lines or emptied is told from one that never held more.
struct log_header {
  /// The generation of the snapshot the log continues.
  uint64_t generation = 0;
  /// The last change the snapshot holds: the log's first is after + 1.
  uint64_t after = 0;
  /// The last change known to be on disk in the log; `after` when none.
  uint64_t through = 0;
  friend bool operator==(const log_header&, const log_header&) = default;
};

/// Bytes of the header line, newline included. It has a fixed size
/// because it is rewritten in place, within one disk sector.
inline constexpr size_t log_header_bytes = 128;

/// The header as one line of exactly log_header_bytes bytes:
/// `{"log":"utsjekk-os","generation","after","through"}`, padded with
/// spaces, then a newline.
std::string to_json(const log_header& x);

/// Reads what to_json(log_header) writes, without its newline.
caf::expected<log_header> parse_log_header(std::string_view json);

} // namespace utsjekk::os
