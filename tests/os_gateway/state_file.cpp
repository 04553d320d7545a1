#include "os_gateway/state_file.hpp"

#include "fixture.hpp"
#include "messages/error.hpp"
#include "os_gateway/state_json.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace utsjekk;
using namespace utsjekk::os;
using namespace utsjekk::test;

namespace {

/// A fresh directory under the system's temp directory, removed at the end.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    auto base = std::filesystem::temp_directory_path();
    std::string name = (base / "utsjekk-os-test-XXXXXX").string();
    REQUIRE(mkdtemp(name.data()) != nullptr);
    path = name;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

/// A profile that draws every kind of answer.
simulator_profile faulty() {
  simulator_profile result;
  result.latency_min = std::chrono::milliseconds{10};
  result.latency_max = std::chrono::milliseconds{900};
  result.rate_12 = 0.2;
  result.rate_lost = 0.1;
  result.rate_duplicate = 0.1;
  result.seed = 7;
  return result;
}

/// Answers `xmls` with `os` and returns what changed.
std::vector<responder_change> answer_all(responder& os,
                                     const std::vector<std::string>& xmls) {
  std::vector<responder_change> result;
  for (const auto& xml : xmls)
    if (auto r = os.on_record(xml, wednesday()); r.change)
      result.push_back(*r.change);
  return result;
}

/// A responder made from what `file` loads: snapshot, then the log.
responder reload(state_file& file, const simulator_profile& profile,
                 size_t max_answered = defaults::max_answered) {
  auto loaded = file.load();
  REQUIRE_MESSAGE(loaded, render(loaded.error()));
  REQUIRE(*loaded);
  auto result = responder{profile, (*loaded)->snapshot, max_answered};
  for (const auto& x : (*loaded)->changes)
    result.replay(x);
  return result;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in{file, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out{file, std::ios::binary | std::ios::trunc};
  out << text;
}

/// The file names in `dir`, sorted.
std::vector<std::string> names(const std::filesystem::path& dir) {
  std::vector<std::string> result;
  for (auto& entry : std::filesystem::directory_iterator{dir})
    result.push_back(entry.path().filename().string());
  std::sort(result.begin(), result.end());
  return result;
}

} // namespace

TEST_SUITE("os_gateway/state_file") {

TEST_CASE("nothing saved reads as no state") {
  temp_dir dir;
  state_file file{dir.path / "state"};
  REQUIRE_FALSE(file.prepare());
  CHECK(std::filesystem::is_directory(dir.path / "state"));
  auto loaded = file.load();
  REQUIRE(loaded);
  CHECK_FALSE(*loaded);
}

TEST_CASE("snapshot and log round trip to the state before the stop") {
  temp_dir dir;
  auto xmls = mixed_xmls(120);
  auto os = responder{faulty()};
  state_file file{dir.path};
  REQUIRE_FALSE(file.prepare());
  SUBCASE("a snapshot, then two batches in the log") {
    auto half = std::vector<std::string>(xmls.begin(), xmls.begin() + 40);
    auto rest = std::vector<std::string>(xmls.begin() + 40, xmls.end());
    REQUIRE_FALSE(file.save(os.state()));
    REQUIRE_FALSE(file.append(answer_all(os, half)));
    REQUIRE_FALSE(file.append(answer_all(os, rest)));
    CHECK(names(dir.path)
          == std::vector<std::string>{"os-log.1.jsonl", "os-state.json"});
  }
  SUBCASE("a snapshot with state, then a batch in the log") {
    auto half = std::vector<std::string>(xmls.begin(), xmls.begin() + 60);
    auto rest = std::vector<std::string>(xmls.begin() + 60, xmls.end());
    static_cast<void>(answer_all(os, half));
    REQUIRE_FALSE(file.save(os.state()));
    REQUIRE_FALSE(file.append(answer_all(os, rest)));
  }
  INFO("the state after load equals the state before, answers and all");
  auto before = os.state();
  REQUIRE(before.answered.size() > 50);
  REQUIRE(before.sim.bases.size() > 20);
  state_file again{dir.path};
  auto loaded = reload(again, faulty());
  CHECK(loaded.state() == before);
  INFO("and it goes on answering as the original does");
  auto more = mixed_xmls(150);
  more.erase(more.begin(), more.begin() + 120);
  for (const auto& xml : more) {
    auto a = os.on_record(xml, wednesday());
    auto b = loaded.on_record(xml, wednesday());
    CHECK(a.kvittering == b.kvittering);
    CHECK(a.delay == b.delay);
    CHECK(a.change == b.change);
  }
}

TEST_CASE("a torn last line is ignored") {
  temp_dir dir;
  auto os = responder{faulty()};
  state_file file{dir.path};
  REQUIRE_FALSE(file.save(os.state()));
  REQUIRE_FALSE(file.append(answer_all(os, mixed_xmls(20))));
  auto before = os.state();
  INFO("a crash in the middle of the next append");
  auto next = answer_all(os, mixed_xmls(21)).back();
  auto line = to_json(next);
  {
    std::ofstream out{file.log_path(), std::ios::binary | std::ios::app};
    out << line.substr(0, line.size() / 2);
  }
  state_file again{dir.path};
  auto loaded = again.load();
  REQUIRE(loaded);
  REQUIRE(*loaded);
  CHECK((*loaded)->torn_bytes == line.size() / 2);
  auto replayed = responder{faulty(), (*loaded)->snapshot};
  for (const auto& x : (*loaded)->changes)
    replayed.replay(x);
  CHECK(replayed.state() == before);
}

TEST_CASE("a damaged line before the last is an error") {
  temp_dir dir;
  auto os = responder{faulty()};
  state_file file{dir.path};
  REQUIRE_FALSE(file.save(os.state()));
  REQUIRE_FALSE(file.append(answer_all(os, mixed_xmls(5))));
  auto text = read_text(file.log_path());
  auto second = text.find('\n') + 1;
  SUBCASE("garbage") {
    text.replace(second, 10, "xxxxxxxxxx");
  }
  SUBCASE("a line cut short") {
    text.erase(second + 5, text.find('\n', second) - second - 5);
  }
  SUBCASE("an empty line") {
    text.insert(second, "\n");
  }
  write_text(file.log_path(), text);
  state_file again{dir.path};
  auto loaded = again.load();
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error() == ec::io_failed);
  CHECK(error_message(loaded.error()).find("os-log.1.jsonl: line 2")
        != std::string::npos);
}

TEST_CASE("a missing log is an error") {
  temp_dir dir;
  auto os = responder{faulty()};
  state_file file{dir.path};
  REQUIRE_FALSE(file.save(os.state()));
  std::filesystem::remove(file.log_path());
  state_file again{dir.path};
  auto loaded = again.load();
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error() == ec::io_failed);
  CHECK(error_message(loaded.error()).find("os-log.1.jsonl")
        != std::string::npos);
}

TEST_CASE("a log without its snapshot is an error, never an empty state") {
  temp_dir dir;
  auto os = responder{faulty()};
  state_file file{dir.path};
  REQUIRE_FALSE(file.save(os.state()));
  auto log = file.log_path();
  REQUIRE(std::filesystem::exists(log));
  INFO("a log with changes in it, then the snapshot lost");
  write_text(log, "{\"change\": 1}\n");
  for (auto& name : names(dir.path))
    if (name.rfind("os-log.", 0) != 0)
      std::filesystem::remove(dir.path / name);
  state_file again{dir.path};
  auto loaded = again.load();
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error() == ec::io_failed);
  CHECK(error_message(loaded.error()).find("has no snapshot")
        != std::string::npos);
  INFO("the log is still there to restore from");
  CHECK(std::filesystem::exists(log));
  INFO("an empty log alone (a crash in the very first snapshot) loads as "
       "no state");
  write_text(log, "");
  state_file first{dir.path};
  auto empty = first.load();
  REQUIRE_MESSAGE(empty, render(empty.error()));
  CHECK_FALSE(*empty);
}

TEST_CASE("a crash inside save leaves the earlier generation") {
  temp_dir dir;
  auto os = responder{faulty()};
  state_file file{dir.path};
  REQUIRE_FALSE(file.save(os.state()));
  REQUIRE_FALSE(file.append(answer_all(os, mixed_xmls(10))));
  auto before = os.state();
  INFO("the next log and a temporary snapshot exist, the rename did not");
  write_text(dir.path / "os-log.2.jsonl", "{\"garbage");
  write_text(dir.path / "os-state.json.tmp", "{\"garbage");
  state_file again{dir.path};
  auto loaded = reload(again, faulty());
  CHECK(loaded.state() == before);
  INFO("the next save replaces them");
  REQUIRE_FALSE(again.save(loaded.state()));
  CHECK(names(dir.path)
        == std::vector<std::string>{"os-log.2.jsonl", "os-state.json"});
  CHECK(read_text(dir.path / "os-log.2.jsonl").empty());
  state_file third{dir.path};
  CHECK(reload(third, faulty()).state() == before);
}

TEST_CASE("the single-file state of earlier builds loads") {
  temp_dir dir;
  auto os = responder{faulty()};
  static_cast<void>(answer_all(os, mixed_xmls(30)));
  write_text(dir.path / "os-state.json", to_json(os.state()));
  state_file file{dir.path};
  auto loaded = file.load();
  REQUIRE(loaded);
  REQUIRE(*loaded);
  CHECK((*loaded)->snapshot == os.state());
  CHECK((*loaded)->changes.empty());
  INFO("its first save starts generation 1");
  REQUIRE_FALSE(file.save((*loaded)->snapshot));
  CHECK(file.log_path().filename() == "os-log.1.jsonl");
  state_file again{dir.path};
  CHECK(reload(again, faulty()).state() == os.state());
}

TEST_CASE("many records keep the files bounded by the snapshot policy") {
  temp_dir dir;
  constexpr uint64_t min_log = 16 * 1024;
  constexpr size_t max_answered = 200;
  auto os = responder{faulty(), max_answered};
  state_file file{dir.path, min_log};
  REQUIRE_FALSE(file.save(os.state()));
  auto xmls = mixed_xmls(3000);
  auto snapshots = 0;
  uint64_t largest_batch = 0;
  uint64_t largest_log = 0;
  for (size_t i = 0; i < xmls.size(); i += 10) {
    // A batch of ten records, one append.
    auto batch = std::vector<std::string>(xmls.begin() + i,
                                          xmls.begin() + i + 10);
    auto changes = answer_all(os, batch);
    uint64_t bytes = 0;
    for (const auto& x : changes)
      bytes += to_json(x).size() + 1;
    largest_batch = std::max(largest_batch, bytes);
    REQUIRE_FALSE(file.append(changes));
    largest_log = std::max(largest_log,
                           std::filesystem::file_size(file.log_path()));
    // Fold the log as utsjekk-os does.
    if (file.wants_snapshot()) {
      REQUIRE_FALSE(file.save(os.state()));
      ++snapshots;
      CHECK(std::filesystem::file_size(file.path()) == file.snapshot_bytes());
      CHECK(std::filesystem::file_size(file.log_path()) == 0);
    }
  }
  INFO("snapshots=" << snapshots << " largest_log=" << largest_log
                    << " snapshot=" << file.snapshot_bytes());
  CHECK(snapshots >= 5);
  INFO("the snapshot only grows, so its last size bounds every threshold");
  CHECK(largest_log
        <= std::max(min_log, file.snapshot_bytes()) + largest_batch);
  CHECK(names(dir.path).size() == 2);
  INFO("the state bounds the snapshot: 200 answers, a base per sak");
  CHECK(file.snapshot_bytes() < 2'000'000);
  state_file again{dir.path};
  CHECK(reload(again, faulty(), max_answered).state() == os.state());
}

TEST_CASE("a damaged snapshot is an error, never an empty state") {
  temp_dir dir;
  state_file file{dir.path};
  write_text(file.path(), "{\"version\":1,\"received\":");
  auto loaded = file.load();
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error() == ec::io_failed);
  CHECK(error_message(loaded.error()).find("os-state.json")
        != std::string::npos);
}

TEST_CASE("a directory that cannot be made is an error") {
  temp_dir dir;
  write_text(dir.path / "plain-file", "");
  state_file file{dir.path / "plain-file" / "state"};
  auto err = file.prepare();
  CHECK(err == ec::io_failed);
}

}
