#include "os_gateway/state_file.hpp"

#include "messages/error.hpp"
#include "os_gateway/state_json.hpp"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace utsjekk::os {

namespace {

caf::error io_error(const std::string& what, int err) {
  return caf::make_error(ec::io_failed,
                         what + ": " + std::generic_category().message(err));
}

/// Writes all of `text` to `fd` at `offset`.
bool write_all(int fd, std::string_view text, uint64_t offset) {
  size_t done = 0;
  while (done < text.size()) {
    auto n = ::pwrite(fd, text.data() + done, text.size() - done,
                      static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

/// A refusal of damaged state: `file`, then what is wrong with it.
caf::error damaged(const std::filesystem::path& file,
                   const std::string& what) {
  return caf::make_error(ec::io_failed,
                         file.string() + ": " + what
                           + "; utsjekk-os does not start on damaged "
                             "state: restore the folder from a backup");
}

/// The generation in a log name `os-log.<g>.jsonl`; nullopt for another
/// name.
std::optional<uint64_t> generation_of(const std::string& name) {
  constexpr std::string_view prefix = "os-log.";
  constexpr std::string_view suffix = ".jsonl";
  if (!name.starts_with(prefix) || !name.ends_with(suffix)
      || name.size() <= prefix.size() + suffix.size())
    return std::nullopt;
  auto digits = std::string_view{name}.substr(
    prefix.size(), name.size() - prefix.size() - suffix.size());
  uint64_t result = 0;
  auto [end, err] = std::from_chars(digits.data(),
                                    digits.data() + digits.size(), result);
  if (err != std::errc{} || end != digits.data() + digits.size())
    return std::nullopt;
  return result;
}

/// Flushes the directory entry of `dir`, so a rename in it is durable.
void sync_dir(const std::filesystem::path& dir) {
  auto fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    return;
  static_cast<void>(::fsync(fd));
  ::close(fd);
}

/// The whole content of `file`.
caf::expected<std::string> read_all(const std::filesystem::path& file) {
  std::ifstream in{file, std::ios::binary};
  if (!in)
    return io_error("read " + file.string(), errno);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return io_error("read " + file.string(), errno);
  return std::move(text).str();
}

/// Removes every change log in `dir` but `keep`, ignoring failures: a log
/// left behind is never read again.
void remove_logs_except(const std::filesystem::path& dir,
                        const std::filesystem::path& keep) {
  std::error_code err;
  for (auto& entry : std::filesystem::directory_iterator{dir, err}) {
    auto name = entry.path().filename().string();
    if (name.starts_with("os-log.") && name.ends_with(".jsonl")
        && entry.path().filename() != keep)
      std::filesystem::remove(entry.path(), err);
  }
}

} // namespace

state_file::state_file(std::filesystem::path dir, uint64_t min_log_bytes)
  : dir_(std::move(dir)),
    file_(dir_ / "os-state.json"),
    min_log_bytes_(min_log_bytes) {
}

state_file::~state_file() {
  // A clean stop leaves the header's last number on disk too.
  if (fd_ >= 0) {
    static_cast<void>(::fdatasync(fd_));
    ::close(fd_);
  }
}

caf::error state_file::prepare() const {
  std::error_code err;
  std::filesystem::create_directories(dir_, err);
  if (err)
    return io_error("create " + dir_.string(), err.value());
  return caf::none;
}

caf::expected<std::optional<saved_state>> state_file::load() {
  // No snapshot yet: nothing was saved, unless a log says otherwise.
  std::error_code err;
  if (!std::filesystem::exists(file_, err)) {
    if (err)
      return io_error("read " + file_.string(), err.value());
    if (auto refused = check_orphan_logs())
      return refused;
    return std::optional<saved_state>{};
  }
  auto text = read_all(file_);
  if (!text)
    return std::move(text.error());
  auto snap = parse_snapshot(*text);
  if (!snap)
    return caf::make_error(ec::io_failed,
                           file_.string() + ": " + render(snap.error()));
  saved_state result;
  result.snapshot = std::move(snap->state);
  generation_ = snap->generation;
  snapshot_bytes_ = text->size();
  // The single-file state of earlier builds has no log.
  if (generation_ == 0)
    return std::optional<saved_state>{std::move(result)};
  // A snapshot of a build that did not number changes has such a log.
  auto log = log_of(generation_);
  auto read = snap->seq ? read_log(log, *snap->seq, result)
                        : read_unnumbered_log(log, result);
  if (read)
    return read;
  return std::optional<saved_state>{std::move(result)};
}

caf::error state_file::check_orphan_logs() const {
  // A crash during the very first save leaves log 1 with its first header
  // or a part of it, and no snapshot. Any other log had a snapshot:
  // starting empty would forget what OS accepted, and the next save would
  // delete the log.
  auto first = to_json(log_header{1, 0, 0});
  std::error_code err;
  for (const auto& entry : std::filesystem::directory_iterator{dir_, err}) {
    auto name = entry.path().filename().string();
    if (!name.starts_with("os-log."))
      continue;
    auto text = read_all(entry.path());
    if (!text)
      return std::move(text.error());
    if (generation_of(name) != uint64_t{1} || !first.starts_with(*text))
      return caf::make_error(ec::io_failed,
                             entry.path().string() + " has no snapshot "
                               + file_.string()
                               + " beside it: the state is damaged; "
                                 "restore the snapshot, or empty the "
                                 "folder to start with no state");
  }
  if (err)
    return io_error("list " + dir_.string(), err.value());
  return caf::none;
}

caf::error state_file::read_log(const std::filesystem::path& log,
                                uint64_t after, saved_state& out) {
  auto text = read_all(log);
  if (!text)
    return std::move(text.error());
  // The header exists, whole, before the snapshot that names the log.
  std::string_view rest{*text};
  if (rest.size() < log_header_bytes)
    return damaged(log, std::to_string(rest.size())
                          + " bytes, shorter than its header line: the "
                            "log was emptied or cut");
  auto header = parse_log_header(rest.substr(0, log_header_bytes - 1));
  if (!header)
    return damaged(log, "line 1 is no log header: "
                          + render(header.error()));
  if (rest[log_header_bytes - 1] != '\n')
    return damaged(log, "line 1 is no log header: it is longer than "
                          + std::to_string(log_header_bytes) + " bytes");
  if (header->generation != generation_)
    return damaged(log, "its header names generation "
                          + std::to_string(header->generation)
                          + ", the snapshot " + file_.string()
                          + " generation " + std::to_string(generation_)
                          + ": the log belongs to another snapshot");
  if (header->after != after)
    return damaged(log, "its header continues after change "
                          + std::to_string(header->after)
                          + ", the snapshot " + file_.string()
                          + " holds changes through "
                          + std::to_string(after)
                          + ": the log belongs to another snapshot");
  if (header->through < header->after)
    return damaged(log, "its header records change "
                          + std::to_string(header->through)
                          + " as the last on disk, before its first");
  rest.remove_prefix(log_header_bytes);
  // Every change numbered one more than the one before. What follows
  // the last newline was cut short by a crash before its fsync, so no
  // kvittering depends on it.
  auto next = after + 1;
  for (size_t n = 2; !rest.empty(); ++n) {
    auto end = rest.find('\n');
    if (end == std::string_view::npos) {
      out.torn_bytes = rest.size();
      break;
    }
    auto line = "line " + std::to_string(n) + ": ";
    auto change = parse_logged_change(rest.substr(0, end));
    if (!change)
      return damaged(log, line + render(change.error()));
    if (!change->seq)
      return damaged(log, line + "a change without its number \"seq\"");
    if (*change->seq < next)
      return damaged(log, line + "change " + std::to_string(*change->seq)
                            + " again where "
                            + std::to_string(next)
                            + " was due: a change is repeated");
    if (*change->seq > next)
      return damaged(log, line + "change " + std::to_string(*change->seq)
                            + " where " + std::to_string(next)
                            + " was due: changes are missing");
    out.changes.push_back(std::move(change->change));
    rest.remove_prefix(end + 1);
    ++next;
  }
  // The header is rewritten after each fsync: the log holds at least the
  // changes it records.
  seq_ = next - 1;
  if (seq_ < header->through) {
    auto lost = seq_ + 1 == header->through
                  ? "change " + std::to_string(header->through) + " is"
                  : "changes " + std::to_string(seq_ + 1) + " to "
                      + std::to_string(header->through) + " are";
    return damaged(log, "it ends with change " + std::to_string(seq_)
                          + ", but its header records change "
                          + std::to_string(header->through)
                          + " on disk: the log was cut or emptied, " + lost
                          + " lost");
  }
  return caf::none;
}

caf::error state_file::read_unnumbered_log(const std::filesystem::path& log,
                                           saved_state& out) {
  auto lines = read_all(log);
  if (!lines)
    return std::move(lines.error());
  // Every line ends with a newline; what follows the last one was cut
  // short by a crash before its fsync.
  std::string_view rest{*lines};
  for (size_t n = 1; !rest.empty(); ++n) {
    auto end = rest.find('\n');
    if (end == std::string_view::npos) {
      out.torn_bytes = rest.size();
      break;
    }
    auto change = parse_change(rest.substr(0, end));
    if (!change)
      return caf::make_error(ec::io_failed,
                             log.string() + ": line " + std::to_string(n)
                               + ": " + render(change.error()));
    out.changes.push_back(std::move(*change));
    rest.remove_prefix(end + 1);
  }
  // Numbering starts here; the next snapshot records it.
  seq_ = out.changes.size();
  return caf::none;
}

caf::error state_file::save(const responder_state& x) {
  auto next = generation_ + 1;
  // Log `next` exists, its header on disk, before the snapshot that
  // names it.
  auto log = log_of(next);
  auto fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                   0644);
  if (fd < 0)
    return io_error("create " + log.string(), errno);
  log_header header{next, seq_, seq_};
  if (!write_all(fd, to_json(header), 0) || ::fsync(fd) != 0) {
    auto err = errno;
    ::close(fd);
    return io_error("write " + log.string(), err);
  }
  sync_dir(dir_);
  // Write a temporary snapshot beside the real one and flush it.
  auto tmp = file_;
  tmp += ".tmp";
  auto text = to_json(x, next, seq_);
  auto out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                    0644);
  if (out < 0) {
    auto err = errno;
    ::close(fd);
    return io_error("create " + tmp.string(), err);
  }
  auto ok = write_all(out, text, 0) && ::fsync(out) == 0;
  auto err = errno;
  ::close(out);
  if (!ok) {
    ::close(fd);
    return io_error("write " + tmp.string(), err);
  }
  // Replace the old state in one step.
  if (::rename(tmp.c_str(), file_.c_str()) != 0) {
    err = errno;
    ::close(fd);
    return io_error("rename " + tmp.string(), err);
  }
  sync_dir(dir_);
  // Generation `next` is on disk; earlier logs are garbage now.
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = fd;
  generation_ = next;
  header_ = header;
  log_bytes_ = 0;
  snapshot_bytes_ = text.size();
  remove_logs_except(dir_, log.filename());
  return caf::none;
}

caf::error state_file::append(const std::vector<responder_change>& xs) {
  if (fd_ < 0)
    return caf::make_error(ec::io_failed,
                           std::string{"append to a state without log"});
  if (xs.empty())
    return caf::none;
  // One numbered line per change, all in one write.
  std::string text;
  auto seq = seq_;
  for (const auto& x : xs) {
    text += to_json(x, ++seq);
    text += '\n';
  }
  auto log = log_path();
  if (!write_all(fd_, text, log_header_bytes + log_bytes_))
    return io_error("write " + log.string(), errno);
  if (::fdatasync(fd_) != 0)
    return io_error("sync " + log.string(), errno);
  log_bytes_ += text.size();
  seq_ = seq;
  // Record the changes on disk in the header. Not flushed now: the next
  // fsync (or the page cache, when only the process dies) takes it, so
  // the header never claims a change that is not on disk.
  header_.through = seq_;
  if (!write_all(fd_, to_json(header_), 0))
    return io_error("write " + log.string(), errno);
  return caf::none;
}

bool state_file::wants_snapshot() const {
  return log_bytes_ >= std::max(min_log_bytes_, snapshot_bytes_);
}

const std::filesystem::path& state_file::path() const {
  return file_;
}

std::filesystem::path state_file::log_path() const {
  return log_of(generation_);
}

uint64_t state_file::log_bytes() const {
  return log_bytes_;
}

uint64_t state_file::seq() const {
  return seq_;
}

uint64_t state_file::snapshot_bytes() const {
  return snapshot_bytes_;
}

std::filesystem::path state_file::log_of(uint64_t g) const {
  return dir_ / ("os-log." + std::to_string(g) + ".jsonl");
}

} // namespace utsjekk::os
