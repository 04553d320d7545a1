#include "harness/bench.hpp"

#include "messages/error.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace utsjekk;
using namespace utsjekk::bench;

namespace {

/// The message of a refused bench command line; fails when it was taken.
std::string refusal(std::vector<std::string> args) {
  auto parsed = parse_bench_args(args);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error() == ec::invalid_config);
  return error_message(parsed.error());
}

} // namespace

TEST_CASE("bench options are read into the run's settings") {
  auto parsed = parse_bench_args({"--messages", "30", "--no-baseline",
                                  "--os-latency", "5:9", "--timeout", "7"});
  REQUIRE(parsed);
  auto& c = parsed->config;
  CHECK(c.messages == 30);
  INFO("saker not given: one per five messages");
  CHECK(c.saker == 6);
  CHECK_FALSE(c.baseline);
  CHECK(c.os_latency_min_ms == 5);
  CHECK(c.os_latency_max_ms == 9);
  CHECK(c.timeout == std::chrono::seconds{7});
  CHECK_FALSE(parsed->help);
}

TEST_CASE("bench options that would overflow are refused by name") {
  SUBCASE("a timeout beyond what the clock holds") {
    CHECK(refusal({"--timeout", "10000000000"}) ==
          "--timeout takes a whole number in [1, 31536000], got "
          "'10000000000'");
    CHECK(refusal({"--timeout", "99999999999999999999"}).starts_with(
        "--timeout takes a whole number in [1, 31536000]"));
  }
  SUBCASE("counts, latencies and rates") {
    CHECK(refusal({"--messages", "18446744073709551616"}).starts_with(
        "--messages takes a whole number in [1, 100000000]"));
    CHECK(refusal({"--seed", "9223372036854775808"}).starts_with(
        "--seed takes a whole number in [0, 9223372036854775807]"));
    CHECK(refusal({"--max-in-flight", "0"}).starts_with(
        "--max-in-flight takes a whole number in [1, 1000000]"));
    CHECK(refusal({"--os-latency", "0:18446744073709551615"}) ==
          "--os-latency takes MIN:MAX in milliseconds, each in [0, "
          "3600000], got '0:18446744073709551615'");
    CHECK(refusal({"--rate", "1e300"}).starts_with(
        "--rate takes a number in [0, 10000000]"));
  }
  SUBCASE("the largest values allowed are taken and pass validation") {
    auto parsed = parse_bench_args(
        {"--timeout", "31536000", "--seed", "9223372036854775807",
         "--os-latency", "3600000:3600000", "--rate", "10000000"});
    REQUIRE(parsed);
    CHECK(parsed->config.timeout == limits::timeout);
    CHECK_FALSE(validate(parsed->config));
  }
}

TEST_CASE("the verdict names what an interrupted run did and did not do") {
  result x;
  x.interrupted = true;
  x.outcome.keys = 20;
  x.outcome.finished = 3;
  x.outcome.lost = 2;
  x.outcome.not_sent = 15;
  x.retries = {{"os_12", 2}, {"timeout", 1}};
  auto text = verdict(x);
  CHECK(text.starts_with("INTERRUPTED: 3/20 keys final"));
  CHECK(text.find("lost 2, not sent 15") != std::string::npos);
  CHECK(text.find("sent to OS again: os_12 2 timeout 1\n") !=
        std::string::npos);
  INFO("a finished run without retries says none");
  x.interrupted = false;
  x.retries.clear();
  text = verdict(x);
  CHECK(text.starts_with("FAILED: "));
  CHECK(text.find("sent to OS again: none\n") != std::string::npos);
}
