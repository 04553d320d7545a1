#include "os_gateway/state_file.hpp"

#include "messages/error.hpp"
#include "os_gateway/state_json.hpp"

#include <algorithm>
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

/// Writes all of `text` to `fd`.
bool write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<size_t>(n);
  }
  return true;
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
  if (fd_ >= 0)
    ::close(fd_);
}

caf::error state_file::prepare() const {
  std::error_code err;
  std::filesystem::create_directories(dir_, err);
  if (err)
    return io_error("create " + dir_.string(), err.value());
  return caf::none;
}

caf::expected<std::optional<saved_state>> state_file::load() {
  // No snapshot yet: nothing was saved, unless a change log with changes
  // says otherwise (the snapshot was lost; starting empty would forget
  // what OS accepted, and the next snapshot would delete the log). An
  // empty log is what a crash during the very first snapshot leaves.
  std::error_code err;
  if (!std::filesystem::exists(file_, err)) {
    if (err)
      return io_error("read " + file_.string(), err.value());
    for (const auto& entry : std::filesystem::directory_iterator{dir_, err}) {
      auto name = entry.path().filename().string();
      std::error_code size_err;
      if (name.rfind("os-log.", 0) == 0
          && std::filesystem::file_size(entry.path(), size_err) > 0)
        return caf::make_error(ec::io_failed,
                               entry.path().string()
                                 + " has no snapshot " + file_.string()
                                 + " beside it: the state is damaged; "
                                   "restore the snapshot, or empty the "
                                   "folder to start with no state");
    }
    if (err)
      return io_error("list " + dir_.string(), err.value());
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
  auto log = log_of(generation_);
  auto lines = read_all(log);
  if (!lines)
    return std::move(lines.error());
  // Every line ends with a newline; what follows the last one was cut
  // short by a crash before its fsync, so no kvittering depends on it.
  std::string_view rest{*lines};
  for (size_t n = 1; !rest.empty(); ++n) {
    auto end = rest.find('\n');
    if (end == std::string_view::npos) {
      result.torn_bytes = rest.size();
      break;
    }
    auto change = parse_change(rest.substr(0, end));
    if (!change)
      return caf::make_error(ec::io_failed,
                             log.string() + ": line " + std::to_string(n)
                               + ": " + render(change.error()));
    result.changes.push_back(std::move(*change));
    rest.remove_prefix(end + 1);
  }
  return std::optional<saved_state>{std::move(result)};
}

caf::error state_file::save(const responder_state& x) {
  auto next = generation_ + 1;
  // The empty log of the next generation exists before the snapshot that
  // names it.
  auto log = log_of(next);
  auto fd = ::open(log.c_str(),
                   O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    return io_error("create " + log.string(), errno);
  if (::fsync(fd) != 0) {
    auto err = errno;
    ::close(fd);
    return io_error("sync " + log.string(), err);
  }
  sync_dir(dir_);
  // Write a temporary snapshot beside the real one and flush it.
  auto tmp = file_;
  tmp += ".tmp";
  auto text = to_json(x, next);
  auto out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                    0644);
  if (out < 0) {
    auto err = errno;
    ::close(fd);
    return io_error("create " + tmp.string(), err);
  }
  auto ok = write_all(out, text) && ::fsync(out) == 0;
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
  // One line per change, all in one write.
  std::string text;
  for (const auto& x : xs) {
    text += to_json(x);
    text += '\n';
  }
  auto log = log_path();
  if (!write_all(fd_, text))
    return io_error("write " + log.string(), errno);
  if (::fdatasync(fd_) != 0)
    return io_error("sync " + log.string(), errno);
  log_bytes_ += text.size();
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

uint64_t state_file::snapshot_bytes() const {
  return snapshot_bytes_;
}

std::filesystem::path state_file::log_of(uint64_t g) const {
  return dir_ / ("os-log." + std::to_string(g) + ".jsonl");
}

} // namespace utsjekk::os
