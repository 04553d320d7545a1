#include "harness/child.hpp"

#include "messages/error.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <thread>

extern char** environ;

namespace utsjekk::bench {

namespace {

using clock = std::chrono::steady_clock;

caf::error failed(std::string what) {
  return caf::make_error(ec::io_failed, std::move(what));
}

/// The harness' environment with `overrides` applied, as KEY=VALUE lines.
std::vector<std::string>
environment_with(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> result;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry{*e};
    auto name = entry.substr(0, entry.find('='));
    if (overrides.count(name) == 0)
      result.push_back(std::move(entry));
  }
  for (auto& [name, value] : overrides)
    if (!value.empty())
      result.push_back(name + "=" + value);
  return result;
}

/// Pointers into `xs`, ending with a null pointer, as exec wants them.
std::vector<char*> c_strings(std::vector<std::string>& xs) {
  std::vector<char*> result;
  for (auto& x : xs)
    result.push_back(x.data());
  result.push_back(nullptr);
  return result;
}

} // namespace

caf::expected<std::unique_ptr<child>> child::start(child_spec spec) {
  if (spec.argv.empty())
    return failed("no program to start for " + spec.name);
  if (::access(spec.argv.front().c_str(), X_OK) != 0)
    return failed("cannot run " + spec.argv.front() + " (" + spec.name +
                  "): " + std::strerror(errno));
  // Standard output and error go to files, standard input is empty.
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, 1, spec.stdout_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&files, 2, spec.stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // The child gets default signal handling and an empty signal mask.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  auto args = spec.argv;
  auto env = environment_with(spec.env);
  auto argv = c_strings(args);
  auto envp = c_strings(env);
  pid_t pid = -1;
  auto rc =
      posix_spawn(&pid, argv.front(), &files, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return failed("cannot start " + spec.name + ": " + std::strerror(rc));
  std::unique_ptr<child> result{new child};
  result->spec_ = std::move(spec);
  result->pid_ = pid;
  return result;
}

child::~child() {
  stop();
}

bool child::running() {
  if (status_ || pid_ <= 0)
    return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

caf::expected<std::string>
child::wait_for_line(const std::string& prefix,
                     std::chrono::milliseconds timeout) {
  auto deadline = clock::now() + timeout;
  auto wanted = prefix + "=";
  for (;;) {
    // Read what the child wrote so far.
    std::ifstream in{spec_.stdout_path};
    std::string line;
    while (std::getline(in, line))
      if (line.rfind(wanted, 0) == 0)
        return line.substr(wanted.size());
    if (!running())
      return failed(spec_.name + " ended before printing " + wanted +
                    "; its last lines:\n" + tail_of(spec_.stderr_path));
    if (clock::now() >= deadline)
      return caf::make_error(ec::timeout, spec_.name + " printed no " + wanted +
                                              " line in time");
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
}

std::optional<int> child::stop(std::chrono::milliseconds grace) {
  if (!running())
    return status_;
  // Ask first, then insist.
  ::kill(pid_, SIGTERM);
  auto deadline = clock::now() + grace;
  while (clock::now() < deadline) {
    if (!running())
      return status_;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  status_ = 128 + SIGKILL;
  return std::nullopt;
}

std::string tail_of(const std::string& path, size_t n) {
  std::ifstream in{path};
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(std::move(line));
    if (lines.size() > n)
      lines.pop_front();
  }
  std::string result;
  for (auto& x : lines)
    result += "  | " + x + "\n";
  return result;
}

} // namespace utsjekk::bench
