#pragma once

#include "messages/types.hpp"

#include <caf/expected.hpp>

#include <map>
#include <string>
#include <vector>

/// Checks a finished run from what is on the topics: every input key has a
/// terminal status (I1), statuses of a key never go backwards and its
/// terminal statuses agree (I7, I6), invalid input ended FEILET 400 and
/// valid input OK (I8), every resend of a key is the identical oppdrag and
/// no delytelseId was sent in two different oppdrag (I2).
namespace utsjekk {

struct check_options {
  std::string bootstrap;
  /// The records produced (JSON lines; `kind` from the generator, when
  /// present, says what outcome to expect).
  std::string input;
  std::string status_topic = "helved.status.v1";
  std::string oppdrag_topic = "helved.oppdrag.v1";
  /// When OS may reject (a faulty profile), valid input may end FEILET.
  bool expect_all_ok = true;
};

struct check_report {
  size_t keys = 0;
  size_t ok = 0;
  size_t feilet = 0;
  size_t oppdrag = 0;
  size_t kvitteringer = 0;
  /// Keys without a terminal status (I1).
  size_t lost = 0;
  /// Keys whose terminal statuses differ or that sent different oppdrag,
  /// and delytelseIds sent in two different oppdrag (I2, I6).
  size_t duplicated = 0;
  /// One line per broken invariant, naming the key.
  std::vector<std::string> failures;
};

caf::expected<check_report> check_run(const check_options& opts);

/// What a run left on the topics for its keys.
struct run_records {
  /// Every input key with the generator's kind of its first record ("" when
  /// unknown).
  std::map<std::string, std::string> kinds;
  /// Statuses per key, in partition order.
  std::map<std::string, std::vector<status_reply>> statuses;
  /// Oppdrag XML sent to OS per key (kvitteringer left out).
  std::map<std::string, std::vector<std::string>> oppdrag;
};

/// The checks of check_run() on records already read; adds to `report`
/// (keys, ok, feilet, lost, duplicated, failures). Pure.
void check_records(const run_records& run, bool expect_all_ok,
                   check_report& report);

} // namespace utsjekk
