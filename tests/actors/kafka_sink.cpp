#include "actors/kafka_sink.hpp"

#include "actors/atoms.hpp"
#include "actors/logging.hpp"
#include "kafka/read_to_end.hpp"
#include "messages/error.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

using namespace utsjekk;
using namespace std::chrono_literals;

namespace {

/// A mock cluster, the sink on it and a publisher, on CAF's threaded
/// scheduler: the sink's thread is real here.
struct threaded_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<kafka::embedded_cluster> cluster;
  std::shared_ptr<kafka_sink> sink;
  status_publisher_actor publisher;

  threaded_fixture() {
    log::init(std::getenv("UTSJEKK_TEST_LOG") ? "debug" : "warning");
    register_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    auto started = kafka::embedded_cluster::start(1);
    REQUIRE_MESSAGE(started, render(started.error()));
    cluster = std::move(*started);
    for (auto name : {"helved.status.v1", "units"})
      REQUIRE(!cluster->create_topic(name, 3));
    kafka_sink_config scfg;
    scfg.kafka = cluster->config();
    scfg.transactional_id = "sink-test";
    auto made = kafka_sink::make(scfg);
    REQUIRE_MESSAGE(made, render(made.error()));
    sink = std::move(*made);
    publisher = sys->spawn(status_publisher, sink, "helved.status.v1",
                           "helved.oppdrag.v1", nullptr);
    sink->attach(publisher);
  }

  ~threaded_fixture() {
    sink->stop();
    caf::anon_send_exit(publisher, caf::exit_reason::user_shutdown);
    sink->attach({});
  }

  /// Every value on `topic`.
  std::vector<std::string> values(const std::string& topic) {
    std::vector<std::string> result;
    auto err = kafka::read_to_end(
      cluster->config(), topic,
      [&](kafka::record&& rec) { result.push_back(rec.value); }, 30s);
    REQUIRE_MESSAGE(!err, render(err));
    return result;
  }
};

} // namespace

TEST_SUITE("actors/kafka_sink") {

TEST_CASE("units are group-committed and answered after their commit") {
  threaded_fixture f;
  caf::scoped_actor self{*f.sys};
  INFO("200 units of three records each, requested at once");
  constexpr int n = 200;
  for (int i = 0; i < n; ++i) {
    std::vector<out_record> unit;
    for (int j = 0; j < 3; ++j)
      unit.push_back(out_record{"units", "k" + std::to_string(i),
                                std::to_string(i) + "." + std::to_string(j),
                                {}});
    self->send(f.publisher, atom::write::value, std::move(unit));
  }
  int ok = 0;
  int failed = 0;
  for (int i = 0; i < n; ++i)
    self->receive([&](bool) { ++ok; }, [&](caf::error&) { ++failed; },
                  caf::after(30s) >> [&] { ++failed; });
  CHECK(ok == n);
  CHECK(failed == 0);
  INFO("every unit was committed by the time it was answered");
  CHECK(f.values("units").size() == 3 * n);
  INFO("in far fewer transactions than units");
  CHECK(f.sink->committed_transactions() >= 1);
  CHECK(f.sink->committed_transactions() < n / 2);
  CHECK(f.sink->aborted_transactions() == 0);
}

TEST_CASE("flush waits for what was queued before it") {
  threaded_fixture f;
  REQUIRE(!f.sink->produce({out_record{"units", "k", "before-flush", {}}},
                           1));
  auto err = f.sink->flush(30s);
  CHECK_MESSAGE(!err, render(err));
  CHECK(f.values("units") == std::vector<std::string>{"before-flush"});
  INFO("after stop nothing more is taken");
  f.sink->stop();
  CHECK(f.sink->produce({out_record{"units", "k", "late", {}}}, 1)
        == ec::shutting_down);
}

TEST_CASE("the sink refuses a configuration without transactional.id") {
  kafka_sink_config scfg;
  scfg.kafka = {"127.0.0.1:1", {}};
  auto made = kafka_sink::make(scfg);
  REQUIRE_FALSE(made);
  CHECK(made.error() == ec::invalid_config);
}

}
