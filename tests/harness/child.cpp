#include "harness/child.hpp"

#include "messages/error.hpp"

#include <doctest/doctest.h>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace utsjekk;
using namespace utsjekk::bench;
using namespace std::chrono_literals;

namespace {

namespace fs = std::filesystem;

/// A fresh folder for one test's output files, removed afterwards.
struct scratch {
  fs::path dir;

  scratch() {
    std::string pattern = (fs::temp_directory_path() / "child.XXXXXX");
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    dir = pattern;
  }

  ~scratch() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

  child_spec spec(std::vector<std::string> argv) const {
    child_spec result;
    result.name = "test-child";
    result.argv = std::move(argv);
    result.stdout_path = (dir / "out").string();
    result.stderr_path = (dir / "err").string();
    return result;
  }
};

/// Reaps `pid` (a child of this process) and returns its wait status, or
/// nullopt when it has not ended by `deadline`.
std::optional<int> reap_by(pid_t pid,
                           std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid)
      return status;
    if (std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

} // namespace

TEST_CASE("a child writes its output to the files and is stopped") {
  scratch s;
  auto spec =
      s.spec({"/bin/sh", "-c", "echo value=$CHILD_TEST; exec sleep 600"});
  spec.env["CHILD_TEST"] = "seen";
  auto started = child::start(spec);
  REQUIRE(started);
  auto& c = **started;
  SUBCASE("the line it printed, with the environment given") {
    auto line = c.wait_for_line("value", 10s);
    REQUIRE(line);
    CHECK(*line == "seen");
  }
  SUBCASE("in its own process group, so Ctrl-C reaches only the harness") {
    CHECK(::getpgid(c.pid()) == c.pid());
  }
  INFO("stop sends SIGTERM, which sleep does not survive");
  CHECK(c.stop(10s) == 128 + SIGTERM);
  CHECK_FALSE(c.running());
}

TEST_CASE("a program that cannot run is an error, not a child") {
  scratch s;
  SUBCASE("missing") {
    auto started = child::start(s.spec({(s.dir / "nothing").string()}));
    REQUIRE_FALSE(started);
    CHECK(started.error() == ec::io_failed);
  }
  SUBCASE("executable, but no program: exec itself fails") {
    auto path = s.dir / "garbage";
    std::ofstream{path} << "\x01\x02\x03 not a program";
    fs::permissions(path, fs::perms::owner_all);
    auto started = child::start(s.spec({path.string()}));
    REQUIRE_FALSE(started);
    CHECK(error_message(started.error()).find("Exec format error") !=
          std::string::npos);
  }
}

TEST_CASE("a child dies when the process that started it is killed") {
  scratch s;
  auto spec = s.spec({"/bin/sleep", "600"});
  SUBCASE("by SIGTERM, the default") {
    spec.death_signal = SIGTERM;
  }
  SUBCASE("by SIGKILL, when asked") {
    spec.death_signal = SIGKILL;
  }
  // Orphans come to this process, which can then reap them.
  REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  int pids[2];
  REQUIRE(::pipe(pids) == 0);
  auto parent = ::fork();
  REQUIRE(parent >= 0);
  if (parent == 0) {
    // The stand-in for the harness: starts a child, reports its pid and
    // waits to be killed.
    ::close(pids[0]);
    auto started = child::start(spec);
    pid_t pid = started ? (*started)->pid() : -1;
    [[maybe_unused]] auto n = ::write(pids[1], &pid, sizeof pid);
    for (;;)
      ::pause();
  }
  ::close(pids[1]);
  pid_t grandchild = -1;
  REQUIRE(::read(pids[0], &grandchild, sizeof grandchild) ==
          sizeof grandchild);
  ::close(pids[0]);
  REQUIRE(grandchild > 0);
  INFO("SIGKILL leaves the stand-in no chance to stop its child");
  REQUIRE(::kill(parent, SIGKILL) == 0);
  auto parent_status = reap_by(parent, std::chrono::steady_clock::now() + 10s);
  REQUIRE(parent_status);
  CHECK(WIFSIGNALED(*parent_status));
  INFO("the child gets its death signal from the kernel and ends");
  auto status = reap_by(grandchild, std::chrono::steady_clock::now() + 10s);
  if (!status)
    ::kill(grandchild, SIGKILL);
  REQUIRE(status);
  CHECK(WIFSIGNALED(*status));
  CHECK(WTERMSIG(*status) == spec.death_signal);
}
