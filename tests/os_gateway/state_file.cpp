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

/// The lines of `text`, each with its newline; a torn tail as the last.
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> result;
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    result.push_back(text.substr(start, end - start));
    start = end;
  }
  return result;
}

/// The lines `xs` joined again.
std::string join(const std::vector<std::string>& xs) {
  std::string result;
  for (const auto& x : xs)
    result += x;
  return result;
}

/// A state directory with a snapshot and a log of three batches: 5, 5
/// and 10 records. `os` holds the state they make.
struct logged_dir {
  temp_dir dir;
  responder os{faulty()};
  state_file file{dir.path};
  logged_dir() {
    auto xmls = mixed_xmls(20);
    REQUIRE_FALSE(file.save(os.state()));
    for (auto [from, to] : {std::pair{0, 5}, {5, 10}, {10, 20}})
      REQUIRE_FALSE(file.append(answer_all(
        os, std::vector<std::string>(xmls.begin() + from,
                                     xmls.begin() + to))));
    REQUIRE(file.seq() >= 15);
  }
  /// What a fresh state_file on the directory loads.
  caf::expected<std::optional<saved_state>> load() const {
    state_file again{dir.path};
    return again.load();
  }
};

/// Checks that `loaded` was refused with a message naming the log of
/// generation 1 and saying `what`.
void check_refused(const caf::expected<std::optional<saved_state>>& loaded,
                   const std::string& what) {
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error() == ec::io_failed);
  auto text = error_message(loaded.error());
  INFO(text);
  CHECK(text.find("os-log.1.jsonl: ") != std::string::npos);
  CHECK(text.find(what) != std::string::npos);
  CHECK(text.find("does not start on damaged state") != std::string::npos);
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
  INFO("log 1 with its first header, whole or in part, alone (a crash in "
       "the very first snapshot) loads as no state");
  auto header = to_json(log_header{1, 0, 0});
  for (auto size : {size_t{0}, size_t{10}, header.size()}) {
    CAPTURE(size);
    write_text(log, header.substr(0, size));
    state_file first{dir.path};
    auto empty = first.load();
    REQUIRE_MESSAGE(empty, render(empty.error()));
    CHECK_FALSE(*empty);
  }
  INFO("a later generation alone had a snapshot, even when empty");
  std::filesystem::rename(log, dir.path / "os-log.2.jsonl");
  write_text(dir.path / "os-log.2.jsonl", "");
  state_file later{dir.path};
  auto refused = later.load();
  REQUIRE_FALSE(refused);
  CHECK(error_message(refused.error()).find("os-log.2.jsonl has no snapshot")
        != std::string::npos);
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
  CHECK(read_text(dir.path / "os-log.2.jsonl")
        == to_json(log_header{2, again.seq(), again.seq()}));
  state_file third{dir.path};
  CHECK(reload(third, faulty()).state() == before);
}

TEST_CASE("an emptied log is refused") {
  logged_dir d;
  auto log = d.file.log_path();
  SUBCASE("to nothing") {
    write_text(log, "");
    check_refused(d.load(), "0 bytes, shorter than its header line: the "
                            "log was emptied");
  }
  SUBCASE("to its header") {
    auto text = read_text(log);
    write_text(log, text.substr(0, log_header_bytes));
    check_refused(d.load(), "it ends with change 0, but its header records "
                            "change "
                              + std::to_string(d.file.seq()));
  }
  SUBCASE("to a part of its header") {
    write_text(log, read_text(log).substr(0, 40));
    check_refused(d.load(), "40 bytes, shorter than its header line");
  }
}

TEST_CASE("a log cut by whole lines is refused") {
  logged_dir d;
  auto log = d.file.log_path();
  auto lines = split_lines(read_text(log));
  auto last = d.file.seq();
  REQUIRE(lines.size() == last + 1);
  SUBCASE("the last line") {
    lines.pop_back();
    write_text(log, join(lines));
    check_refused(d.load(), "it ends with change " + std::to_string(last - 1)
                              + ", but its header records change "
                              + std::to_string(last)
                              + " on disk: the log was cut or emptied, "
                                "change "
                              + std::to_string(last) + " is lost");
  }
  SUBCASE("the last batch") {
    lines.resize(lines.size() - 8);
    write_text(log, join(lines));
    check_refused(d.load(), "changes " + std::to_string(last - 7) + " to "
                              + std::to_string(last) + " are lost");
  }
  SUBCASE("in the middle of a line it records") {
    lines.back().resize(lines.back().size() / 2);
    write_text(log, join(lines));
    check_refused(d.load(), "change " + std::to_string(last) + " is lost");
  }
}

TEST_CASE("a repeated or missing change is refused") {
  logged_dir d;
  auto log = d.file.log_path();
  auto lines = split_lines(read_text(log));
  SUBCASE("a line twice in the middle") {
    lines.insert(lines.begin() + 3, lines[3]);
    write_text(log, join(lines));
    check_refused(d.load(), "line 5: change 3 again where 4 was due: a "
                            "change is repeated");
  }
  SUBCASE("the last line twice, past what the header records") {
    lines.push_back(lines.back());
    write_text(log, join(lines));
    check_refused(d.load(), "a change is repeated");
  }
  SUBCASE("a whole batch twice") {
    auto batch = std::vector<std::string>(lines.begin() + 1,
                                          lines.begin() + 6);
    lines.insert(lines.end(), batch.begin(), batch.end());
    write_text(log, join(lines));
    check_refused(d.load(), "change 1 again");
  }
  SUBCASE("a line missing in the middle") {
    lines.erase(lines.begin() + 3);
    write_text(log, join(lines));
    check_refused(d.load(), "line 4: change 4 where 3 was due: changes are "
                            "missing");
  }
  SUBCASE("the first line missing") {
    lines.erase(lines.begin() + 1);
    write_text(log, join(lines));
    check_refused(d.load(), "line 2: change 2 where 1 was due");
  }
}

TEST_CASE("a log of another snapshot is refused") {
  logged_dir d;
  auto old_log = read_text(d.file.log_path());
  INFO("a restart: generation 2 continues after the last change");
  auto loaded = d.load();
  REQUIRE_MESSAGE(loaded, render(loaded.error()));
  state_file second{d.dir.path};
  auto replayed = reload(second, faulty());
  REQUIRE_FALSE(second.save(replayed.state()));
  auto log = second.log_path();
  REQUIRE(log.filename() == "os-log.2.jsonl");
  auto check_message = [&](const std::string& what) {
    auto refused = d.load();
    REQUIRE_FALSE(refused);
    auto text = error_message(refused.error());
    INFO(text);
    CHECK(text.find("os-log.2.jsonl: its header ") != std::string::npos);
    CHECK(text.find(what) != std::string::npos);
  };
  SUBCASE("the log of generation 1 put in its place") {
    write_text(log, old_log);
    check_message("names generation 1, the snapshot");
  }
  SUBCASE("a header that does not follow the snapshot") {
    write_text(log, to_json(log_header{2, 3, 3}));
    check_message("continues after change 3, the snapshot");
  }
  SUBCASE("no header") {
    write_text(log, old_log.substr(log_header_bytes));
    auto refused = d.load();
    REQUIRE_FALSE(refused);
    CHECK(error_message(refused.error()).find("os-log.2.jsonl: ")
          != std::string::npos);
  }
}

TEST_CASE("changes past the header's record load: the header lags a batch") {
  logged_dir d;
  auto before = d.os.state();
  auto log = d.file.log_path();
  INFO("a crash between the last fsync and the header's rewrite");
  auto text = read_text(log);
  text.replace(0, log_header_bytes, to_json(log_header{1, 0, 10}));
  write_text(log, text);
  state_file again{d.dir.path};
  CHECK(reload(again, faulty()).state() == before);
  CHECK(again.seq() == d.file.seq());
}

TEST_CASE("restart after restart gives the exact state") {
  temp_dir dir;
  auto os = responder{faulty()};
  auto xmls = mixed_xmls(90);
  {
    state_file file{dir.path};
    REQUIRE_FALSE(file.save(os.state()));
  }
  for (size_t round = 0; round < 3; ++round) {
    CAPTURE(round);
    INFO("start: load, replay, a new generation, then two batches");
    state_file file{dir.path};
    auto restarted = reload(file, faulty());
    REQUIRE(restarted.state() == os.state());
    auto seq = file.seq();
    REQUIRE_FALSE(file.save(restarted.state()));
    CHECK(file.log_path().filename()
          == "os-log." + std::to_string(round + 2) + ".jsonl");
    for (size_t b = 0; b < 2; ++b) {
      auto from = xmls.begin() + static_cast<long>(30 * round + 15 * b);
      auto batch = std::vector<std::string>(from, from + 15);
      auto changes = answer_all(restarted, batch);
      static_cast<void>(answer_all(os, batch));
      REQUIRE_FALSE(file.append(changes));
      seq += changes.size();
    }
    CHECK(file.seq() == seq);
  }
  state_file last{dir.path};
  CHECK(reload(last, faulty()).state() == os.state());
}

TEST_CASE("a log of unnumbered changes, as earlier builds wrote, loads") {
  temp_dir dir;
  auto os = responder{faulty()};
  static_cast<void>(answer_all(os, mixed_xmls(10)));
  INFO("a snapshot with a generation but no seq, a log without header");
  auto snapshot = to_json(os.state());
  snapshot.insert(1, "\"generation\":4,");
  write_text(dir.path / "os-state.json", snapshot);
  auto more = mixed_xmls(25);
  more.erase(more.begin(), more.begin() + 10);
  std::string log;
  for (const auto& x : answer_all(os, more))
    log += to_json(x) + "\n";
  write_text(dir.path / "os-log.4.jsonl", log);
  state_file file{dir.path};
  auto loaded = reload(file, faulty());
  CHECK(loaded.state() == os.state());
  INFO("its next save writes the numbered form");
  REQUIRE_FALSE(file.save(loaded.state()));
  REQUIRE_FALSE(file.append(answer_all(loaded, mixed_xmls(30))));
  static_cast<void>(answer_all(os, mixed_xmls(30)));
  auto header = read_text(file.log_path()).substr(0, log_header_bytes);
  CHECK(header.find("\"generation\":5") != std::string::npos);
  state_file again{dir.path};
  CHECK(reload(again, faulty()).state() == os.state());
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
      CHECK(std::filesystem::file_size(file.log_path())
            == log_header_bytes);
    }
  }
  INFO("snapshots=" << snapshots << " largest_log=" << largest_log
                    << " snapshot=" << file.snapshot_bytes());
  CHECK(snapshots >= 5);
  INFO("the snapshot only grows, so its last size bounds every threshold");
  CHECK(largest_log <= log_header_bytes
                         + std::max(min_log, file.snapshot_bytes())
                         + largest_batch);
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
