#pragma once

#include "os_gateway/responder.hpp"
#include "os_gateway/state_json.hpp"

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
/// `os-state.json` (generation g, holding the changes through number s)
/// and the change log `os-log.<g>.jsonl` that goes on from it: a header
/// line of fixed size, then one JSON change a line, numbered s+1, s+2, ...
///
/// append() makes a batch of changes durable with one write and one
/// fsync, then records in the header the number of the last change on
/// disk (made durable by the next fsync). save() starts generation g+1: it
/// creates log g+1 holding only its header, writes the snapshot to a
/// temporary file, flushes it and renames it over the old one, then
/// removes log g. A crash at any point leaves either snapshot g with log g
/// or snapshot g+1 with log g+1.
///
/// load() refuses a log that does not continue its snapshot, misses a
/// change, repeats one, or ends before the last change its header records;
/// a last line without its newline (a crash mid-append) is ignored. A
/// snapshot without a generation, as the single-file state of earlier
/// builds, loads as generation 0 without log; a snapshot without "seq"
/// loads its log of unnumbered changes without these checks. Not
/// thread-safe.
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
  /// A snapshot that does not parse, a missing, emptied, cut or foreign
  /// log, a damaged line before the last, or a change missing or repeated
  /// is an error naming the file, never an empty or older state.
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

  /// Bytes of changes appended to the current log (its header aside).
  uint64_t log_bytes() const;

  /// The number of the last change logged or loaded.
  uint64_t seq() const;

  /// Bytes of the last snapshot written or read.
  uint64_t snapshot_bytes() const;

private:
  /// The log of generation `g`.
  std::filesystem::path log_of(uint64_t g) const;
  /// Refuses a log without snapshot that holds changes or follows an
  /// earlier snapshot.
  caf::error check_orphan_logs() const;
  /// Reads the numbered log `log` of the snapshot holding changes through
  /// `after` into `out`.
  caf::error read_log(const std::filesystem::path& log, uint64_t after,
                      saved_state& out);
  /// Reads a log of unnumbered changes, as builds before the header wrote.
  caf::error read_unnumbered_log(const std::filesystem::path& log,
                                 saved_state& out);
  std::filesystem::path dir_;
  std::filesystem::path file_;
  uint64_t min_log_bytes_;
  /// Generation of the snapshot on disk.
  uint64_t generation_ = 0;
  /// The open log of `generation_`, or -1 before the first save().
  int fd_ = -1;
  /// The number of the last change on disk (or loaded).
  uint64_t seq_ = 0;
  /// The header of the open log.
  log_header header_;
  uint64_t log_bytes_ = 0;
  uint64_t snapshot_bytes_ = 0;
};

} // namespace utsjekk::os
