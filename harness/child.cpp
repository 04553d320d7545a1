#include "harness/child.hpp"

#include "messages/error.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
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

/// Writes errno to the pipe `report` and ends the forked child.
[[noreturn]] void exit_with_errno(int report) {
  int err = errno;
  [[maybe_unused]] auto n = ::write(report, &err, sizeof err);
  ::_exit(127);
}

/// Runs in the forked child until exec: dies with the parent (its death
/// signal when the harness ends, however it ends), leaves the harness'
/// process group so a terminal's Ctrl-C reaches only the harness, which
/// then stops it in order, redirects the standard streams and resets
/// signals. Never returns; on failure writes errno to `report` and exits
/// 127.
[[noreturn]] void exec_child(const child_spec& spec, std::vector<char*>& argv,
                             std::vector<char*>& envp, pid_t parent,
                             int report) {
  auto fail = [report] { exit_with_errno(report); };
  // The death signal is tied to the thread that forked; the harness
  // starts children from its main thread, which lives as long as it does.
  if (::prctl(PR_SET_PDEATHSIG, spec.death_signal) != 0)
    fail();
  // The parent may have died before the line above took effect.
  if (::getppid() != parent)
    ::_exit(127);
  ::setpgid(0, 0);
  // Standard input empty, output and error to files.
  int in = ::open("/dev/null", O_RDONLY);
  int out = ::open(spec.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                   0644);
  int err = ::open(spec.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                   0644);
  if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 ||
      ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0)
    fail();
  // Default handling of every signal, none blocked.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig)
    ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(argv.front(), argv.data(), envp.data());
  exit_with_errno(report);
}

} // namespace

caf::expected<std::unique_ptr<child>> child::start(child_spec spec) {
  if (spec.argv.empty())
    return failed("no program to start for " + spec.name);
  if (::access(spec.argv.front().c_str(), X_OK) != 0)
    return failed("cannot run " + spec.argv.front() + " (" + spec.name +
                  "): " + std::strerror(errno));
  // Everything the child needs is allocated before the fork: after it,
  // only async-signal-safe calls until exec.
  auto args = spec.argv;
  auto env = environment_with(spec.env);
  auto argv = c_strings(args);
  auto envp = c_strings(env);
  auto parent = ::getpid();
  // A close-on-exec pipe carries the errno of a failed exec back; a
  // successful exec closes it empty.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0)
    return failed("cannot start " + spec.name + ": " + std::strerror(errno));
  auto pid = ::fork();
  if (pid < 0) {
    auto err = errno;
    ::close(report[0]);
    ::close(report[1]);
    return failed("cannot start " + spec.name + ": " + std::strerror(err));
  }
  if (pid == 0)
    exec_child(spec, argv, envp, parent, report[1]);
  // The parent: wait for the exec or its errno.
  ::close(report[1]);
  int child_errno = 0;
  ssize_t n = 0;
  do
    n = ::read(report[0], &child_errno, sizeof child_errno);
  while (n < 0 && errno == EINTR);
  ::close(report[0]);
  std::unique_ptr<child> result{new child};
  result->spec_ = std::move(spec);
  result->pid_ = pid;
  if (n > 0) {
    result->stop();
    return failed("cannot start " + result->spec_.name + ": " +
                  std::strerror(child_errno));
  }
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
                     std::chrono::milliseconds timeout,
                     const std::function<bool()>& cancelled) {
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
    if (cancelled && cancelled())
      return caf::make_error(ec::shutting_down,
                             "interrupted while waiting for " + spec_.name);
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
