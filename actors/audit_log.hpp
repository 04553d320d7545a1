#pragma once

#include "messages/types.hpp"

#include <caf/error.hpp>

#include <mutex>
#include <string>
#include <string_view>

/// The audit log of operator actions: one JSON line per action, naming who
/// did what to which target, why, and how it went. Never a personident.
namespace utsjekk {

/// One operator action.
struct audit_entry {
  local_time time{};
  /// Who: the operator's name as the request gave it.
  std::string operator_name;
  /// "resend", "kvittering", "park" or "unpark".
  std::string action;
  /// "transaction <key>" or "sak <FAGSYSTEM>/<sakId>".
  std::string target;
  /// Why, as the operator wrote it.
  std::string reason;
  /// The HTTP status the action got, and what it says.
  int status = 0;
  std::string result;
};

/// Replaces every run of exactly eleven digits (the form of a
/// personident) with eleven asterisks.
std::string mask_personident(std::string_view text);

/// The entry as one line of JSON (no newline), masked.
std::string to_json_line(const audit_entry& x);

/// Appends entries to a file; thread-safe.
class audit_log {
public:
  explicit audit_log(std::string path);

  /// Checks that the file can be appended to (creating it if needed).
  caf::error check() const;

  /// Appends one line and flushes it.
  caf::error append(const audit_entry& x);

  /// The file's path.
  const std::string& path() const {
    return path_;
  }

private:
  mutable std::mutex mtx_;
  std::string path_;
};

} // namespace utsjekk
