#include "os_gateway/state_file.hpp"

#include "messages/error.hpp"
#include "os_gateway/state_json.hpp"

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

} // namespace

state_file::state_file(std::filesystem::path dir)
  : dir_(std::move(dir)), file_(dir_ / "os-state.json") {
}

caf::error state_file::prepare() const {
  std::error_code err;
  std::filesystem::create_directories(dir_, err);
  if (err)
    return io_error("create " + dir_.string(), err.value());
  return caf::none;
}

caf::expected<std::optional<responder_state>> state_file::load() const {
  // No file yet: nothing was saved.
  std::error_code err;
  if (!std::filesystem::exists(file_, err)) {
    if (err)
      return io_error("read " + file_.string(), err.value());
    return std::optional<responder_state>{};
  }
  std::ifstream in{file_, std::ios::binary};
  if (!in)
    return io_error("read " + file_.string(), errno);
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = parse_responder_state(text.str());
  if (!parsed)
    return caf::make_error(ec::io_failed, file_.string() + ": "
                                            + render(parsed.error()));
  return std::optional<responder_state>{std::move(*parsed)};
}

caf::error state_file::save(const responder_state& x) const {
  // Write a temporary file beside the real one and flush it.
  auto tmp = file_;
  tmp += ".tmp";
  auto text = to_json(x);
  auto fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                   0644);
  if (fd < 0)
    return io_error("create " + tmp.string(), errno);
  auto ok = write_all(fd, text) && ::fsync(fd) == 0;
  auto err = errno;
  ::close(fd);
  if (!ok)
    return io_error("write " + tmp.string(), err);
  // Replace the old state in one step.
  if (::rename(tmp.c_str(), file_.c_str()) != 0)
    return io_error("rename " + tmp.string(), errno);
  sync_dir(dir_);
  return caf::none;
}

const std::filesystem::path& state_file::path() const {
  return file_;
}

} // namespace utsjekk::os
