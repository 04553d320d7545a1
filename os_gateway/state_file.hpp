#pragma once

#include "os_gateway/responder.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

namespace utsjekk::os {

namespace defaults {

/// The change log is folded into a new snapshot once it holds this many
/// bytes, or once it outgrows the last snapshot when that is larger.
inline constexpr uint64_t min_log_bytes = uint64_t{16} << 20;

} // namespace defaults

/// What a state directory holds at start: a snapshot and the changes
/// logged after it, to replay in order on a responder made from it.
struct saved_state {
  responder_state snapshot;
  std::vector<responder_change> changes;
  /// Bytes of a last log line cut short by a crash, ignored.
  uint64_t torn_bytes = 0;
};

/// The state of the standalone OS in a directory of its own: a snapshot
/// `os-state.json` (generation g) and the append-only change log
/// `os-log.<g>.jsonl` that goes on from it, one JSON change a line.
///
/// append() makes a batch of changes durable with one write and one
/// fsync. save() starts generation g+1: it creates the empty log g+1,
/// writes the snapshot to a temporary file, flushes it and renames it over
/// the old one, then removes log g. A crash at any point leaves either
/// snapshot g with log g or snapshot g+1 with log g+1. A last log line
/// without its newline (a crash mid-append) is ignored; any other line
/// that does not read is an error. A snapshot without a generation, as the
/// single-file state of earlier builds, loads as generation 0 without log.
/// Not thread-safe.
class state_file {
public:
  /// The state in `dir`.
  explicit state_file(std::filesystem::path dir,
                      uint64_t min_log_bytes = defaults::min_log_bytes);

  ~state_file();

  state_file(const state_file&) = delete;
  state_file& operator=(const state_file&) = delete;

  /// Creates the directory when it does not exist.
  caf::error prepare() const;

  /// Reads the snapshot and its log; nullopt when nothing was saved yet.
  /// A snapshot that does not parse, a missing log or a damaged line
  /// before the last is an error, never an empty state.
  caf::expected<std::optional<saved_state>> load();

  /// Saves `x` as a new snapshot with an empty log, replacing the previous
  /// state atomically; appends go to that log afterwards.
  caf::error save(const responder_state& x);

  /// Appends `xs` to the log with one write and one fsync. Needs a save()
  /// first.
  caf::error append(const std::vector<responder_change>& xs);

  /// True when the log has grown past the snapshot policy: time to save().
  bool wants_snapshot() const;

  /// The snapshot.
  const std::filesystem::path& path() const;

  /// The log of the current generation.
  std::filesystem::path log_path() const;

  /// Bytes appended to the current log.
  uint64_t log_bytes() const;

  /// Bytes of the last snapshot written or read.
  uint64_t snapshot_bytes() const;

private:
  /// The log of generation `g`.
  std::filesystem::path log_of(uint64_t g) const;
  std::filesystem::path dir_;
  std::filesystem::path file_;
  uint64_t min_log_bytes_;
  /// Generation of the snapshot on disk.
  uint64_t generation_ = 0;
  /// The open log of `generation_`, or -1 before the first save().
  int fd_ = -1;
  uint64_t log_bytes_ = 0;
  uint64_t snapshot_bytes_ = 0;
};

} // namespace utsjekk::os
