#include "harness/probe.hpp"

#include <doctest/doctest.h>

using namespace utsjekk::bench;

TEST_CASE("the gauges and counters the bench follows") {
  auto text = "# HELP utsjekk_retries_total Oppdrag sent to OS again.\n"
              "# TYPE utsjekk_retries_total counter\n"
              "utsjekk_retries_total{reason=\"os_12\"} 4\n"
              "utsjekk_retries_total{reason=\"timeout\"} 2\n"
              "utsjekk_retries_total_other{reason=\"os_12\"} 9\n"
              "utsjekk_oppdrag_in_flight{fagsystem=\"AAP\"} 3\n"
              "utsjekk_oppdrag_in_flight{fagsystem=\"DP\"} 5\n"
              "utsjekk_messages_queued{fagsystem=\"AAP\"} 7\n"
              "utsjekk_partition_pauses_total 11\n";
  auto x = parse_metrics(text);
  CHECK(x.in_flight == 8);
  CHECK(x.queued == 7);
  CHECK(x.pauses == 11u);
  INFO("retries by reason, a metric with a longer name left out");
  CHECK(x.retries == std::map<std::string, uint64_t>{{"os_12", 4},
                                                    {"timeout", 2}});
  INFO("no pauses counter: unknown, not zero");
  CHECK_FALSE(parse_metrics("utsjekk_oppdrag_in_flight 1\n").pauses);
}
