#pragma once

#include <caf/expected.hpp>

#include <sys/types.h>

#include <csignal>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

/// Child processes the bench starts (utsjekk, utsjekk-os): forked and
/// executed with their own environment, standard output and error to files,
/// in their own process group, found again by pid and stopped by pid on
/// every path out. On Linux a child also gets a signal of its own (its
/// `death_signal`) when the harness dies, even by SIGKILL.
namespace utsjekk::bench {

/// How to start one child.
struct child_spec {
  /// A short name for messages ("utsjekk").
  std::string name;
  /// The program and its arguments.
  std::vector<std::string> argv;
  /// Variables set on top of the harness' own environment; an empty value
  /// removes the variable.
  std::map<std::string, std::string> env;
  /// Where standard output and standard error go.
  std::string stdout_path;
  std::string stderr_path;
  /// What the kernel sends the child when the harness dies: SIGTERM lets
  /// it stop in order; SIGKILL suits a child whose broker died with the
  /// harness, where an orderly stop only waits out Kafka timeouts.
  int death_signal = SIGTERM;
};

/// A running child. Stops it (SIGTERM, then SIGKILL) when destroyed.
class child {
public:
  ~child();
  child(const child&) = delete;
  child& operator=(const child&) = delete;

  /// Starts `spec`; fails when the program cannot be run.
  static caf::expected<std::unique_ptr<child>> start(child_spec spec);

  /// Waits until standard output has a line `<prefix>=<value>` and returns
  /// the value; fails when the child exits or `timeout` passes first, and
  /// with `ec::shutting_down` as soon as `cancelled` (when given) says so.
  caf::expected<std::string>
  wait_for_line(const std::string& prefix, std::chrono::milliseconds timeout,
                const std::function<bool()>& cancelled = {});

  /// Whether the child still runs (reaps it when it has ended).
  bool running();

  /// Sends SIGTERM, waits up to `grace`, then SIGKILL; idempotent.
  /// Returns the exit status, or nullopt when it had to be killed.
  std::optional<int>
  stop(std::chrono::milliseconds grace = std::chrono::seconds{20});

  pid_t pid() const { return pid_; }

  const child_spec& spec() const { return spec_; }

private:
  child() = default;
  child_spec spec_;
  pid_t pid_ = -1;
  /// Set once reaped.
  std::optional<int> status_;
};

/// The last `n` lines of the file at `path`, for error messages.
std::string tail_of(const std::string& path, size_t n = 10);

} // namespace utsjekk::bench
