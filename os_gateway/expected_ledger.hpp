#pragma once

#include "messages/types.hpp"
#include "os_gateway/simulator.hpp"
#include "os_gateway/state_json.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

/// What OS should pay, computed from the input alone, to check the ledger
/// invariant (I2): after any run, OS pays exactly what the last accepted
/// message of each sak asked for — no line paid twice, none missing. Pure.
namespace utsjekk::os {

/// What OS pays per day, per base.
using payable_map = std::map<base_key, std::map<date, uint64_t>>;

/// One message and how it ended.
struct outcome_of {
  decoded_message msg;
  /// True when its terminal status is OK (kvittering 00 or 04, or nothing
  /// to send); false for FEILET.
  bool accepted = false;
};

/// What OS should pay after `messages`, in the order they were processed
/// (per sak, input order). Per sak, every accepted message makes its
/// utbetalinger the state: one with periods replaces its uid's earlier
/// version, an opphør (action DELETE or FAKE_DELETE) removes it, and a
/// full-picture message (DP, AAP, TP) removes every uid it leaves out.
/// Rejected messages change nothing. Each active utbetaling's periods pay
/// as OS pays lines (see payable()) on the base (fagområde, sakId). Bases
/// that pay nothing are absent.
payable_map expected_payable(const std::vector<outcome_of>& messages);

/// What OS pays per base by `ledger` (simulator::ledger() or GET /ledger).
/// Bases that pay nothing are absent.
payable_map payable_of(const ledger_map& ledger);

/// One line per difference between `want` and `have`: a base missing or
/// extra, or a day paid differently. Empty when they are equal.
std::vector<std::string> compare(const payable_map& want,
                                 const payable_map& have);

} // namespace utsjekk::os
