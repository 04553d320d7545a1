#pragma once

#include "messages/types.hpp"

#include <caf/expected.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

/// Produces JSON-lines records (`{"topic","key","value"}`) into a running
/// utsjekk the way benefit systems do — each record after the previous one
/// on its sak has its terminal status — and collects what comes back on the
/// status and audit topics. Optionally checks the outcomes against an
/// expectations file (`shared/examples/*.expected.jsonl`).
namespace utsjekk {

struct replay_options {
  std::string bootstrap;
  /// The records to produce.
  std::string input;
  /// Expected outcomes; empty for none.
  std::string expect;
  std::string status_topic = "helved.status.v1";
  std::string oppdrag_topic = "helved.oppdrag.v1";
  /// The whole run's deadline.
  std::chrono::seconds timeout{120};
  /// Set by another thread to stop the run early (ec::shutting_down);
  /// may be null.
  std::shared_ptr<std::atomic<bool>> cancel;
};

/// What came back for one key.
struct replay_outcome {
  /// Every status in arrival order.
  std::vector<status_reply> statuses;
  /// Oppdrag XML sent to OS under this key (audit records without mmel).
  std::vector<std::string> oppdrag;
  /// Kvittering XML received under this key.
  std::vector<std::string> kvitteringer;
  /// The `uids` header of the audit records, comma-separated.
  std::vector<std::string> uids;
};

struct replay_report {
  size_t produced = 0;
  size_t terminal = 0;
  std::map<std::string, replay_outcome> outcomes;
  /// One line per failed expectation or broken invariant.
  std::vector<std::string> failures;
  std::chrono::milliseconds elapsed{0};
};

/// Runs the replay, printing a line per terminal status to `out`. An error
/// means the replay could not run (unreadable files, Kafka unreachable,
/// deadline passed); failed expectations are in the report.
caf::expected<replay_report> replay(const replay_options& opts,
                                    std::ostream& out);

} // namespace utsjekk
