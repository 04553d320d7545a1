#include "os_gateway/state_file.hpp"

#include "fixture.hpp"
#include "messages/error.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

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

TEST_CASE("a save replaces the state, and a load reads the last one") {
  temp_dir dir;
  state_file file{dir.path};
  REQUIRE_FALSE(file.prepare());
  auto os = responder{simulator_profile{}};
  REQUIRE_FALSE(file.save(os.state()));
  REQUIRE(os.on_record(new_sak_xml(), wednesday()).changed);
  REQUIRE_FALSE(file.save(os.state()));
  auto loaded = file.load();
  REQUIRE(loaded);
  REQUIRE(*loaded);
  CHECK(**loaded == os.state());
  INFO("no temporary file is left behind");
  auto files = 0;
  for (auto& entry : std::filesystem::directory_iterator{dir.path}) {
    CHECK(entry.path().filename() == "os-state.json");
    ++files;
  }
  CHECK(files == 1);
}

TEST_CASE("a damaged file is an error, never an empty state") {
  temp_dir dir;
  state_file file{dir.path};
  {
    std::ofstream out{file.path()};
    out << "{\"version\":1,\"received\":";
  }
  auto loaded = file.load();
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error() == ec::io_failed);
  CHECK(error_message(loaded.error()).find("os-state.json")
        != std::string::npos);
}

TEST_CASE("a directory that cannot be made is an error") {
  temp_dir dir;
  {
    std::ofstream out{dir.path / "plain-file"};
  }
  state_file file{dir.path / "plain-file" / "state"};
  auto err = file.prepare();
  CHECK(err == ec::io_failed);
}

}
