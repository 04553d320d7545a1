#include "harness/replay.hpp"

#include "kafka/kafka.hpp"
#include "messages/error.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <unistd.h>

using namespace utsjekk;
using namespace std::chrono_literals;

TEST_SUITE("harness/replay") {

TEST_CASE("a cancelled replay stops at once, not at its deadline") {
  auto cluster = kafka::embedded_cluster::start(1);
  REQUIRE(cluster);
  for (auto name : {"aap.utbetaling.v1", "helved.status.v1",
                    "helved.oppdrag.v1"})
    REQUIRE(!(*cluster)->create_topic(name, 1));
  INFO("one record nobody answers: no utsjekk runs");
  char path[] = "/tmp/utsjekk-replay-XXXXXX";
  auto fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  {
    std::ofstream out{path};
    out << R"({"topic": "aap.utbetaling.v1", "key": "k1", "value": "{}"})"
        << '\n';
  }
  replay_options opts;
  opts.bootstrap = (*cluster)->bootstrap();
  opts.input = path;
  opts.timeout = std::chrono::hours{1};
  opts.cancel = std::make_shared<std::atomic<bool>>(true);
  std::ostringstream out;
  auto started = std::chrono::steady_clock::now();
  auto report = replay(opts, out);
  auto took = std::chrono::steady_clock::now() - started;
  std::remove(path);
  REQUIRE_FALSE(report);
  CHECK(report.error() == ec::shutting_down);
  INFO("a stop, not the hour-long deadline");
  CHECK(took < 60s);
}

}
