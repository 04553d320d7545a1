#include "actors/metrics.hpp"

#include "messages/time.hpp"

#include <doctest/doctest.h>

#include <regex>
#include <sstream>

using namespace utsjekk;
using namespace std::chrono_literals;

namespace {

/// The value of the sample line that starts with `prefix` (name and
/// labels), or -1.
double sample(const std::string& text, const std::string& prefix) {
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix + " ", 0) == 0)
      return std::stod(line.substr(prefix.size() + 1));
  return -1;
}

local_time at(const char* text) {
  return *parse_local_time(text);
}

} // namespace

TEST_SUITE("actors/metrics") {

TEST_CASE("counters and gauges render with their labels") {
  metrics m;
  m.read({"aap.utbetaling.v1", 0}, 3, 3);
  m.read({"aap.utbetaling.v1", 1}, 2, 7);
  m.status_published(status_kind::ok);
  m.status_published(status_kind::ok);
  m.status_published(status_kind::feilet);
  m.oppdrag_sent();
  m.kvittering("00");
  m.kvittering("08");
  m.kvittering("99");
  m.retry(retry_reason::os_12);
  m.transactions(fagsystem::dagpenger, 4, 2, 5, 1);
  auto text = render_prometheus(m.snapshot(at("2025-06-03T10:00:00"), {}));
  INFO(text);
  CHECK(sample(text, "utsjekk_records_consumed_total{topic=\"aap.utbetaling"
                     ".v1\"}")
        == 5);
  CHECK(sample(text, "utsjekk_statuses_total{status=\"OK\"}") == 2);
  CHECK(sample(text, "utsjekk_statuses_total{status=\"FEILET\"}") == 1);
  CHECK(sample(text, "utsjekk_statuses_total{status=\"MOTTATT\"}") == 0);
  CHECK(sample(text, "utsjekk_oppdrag_sent_total") == 1);
  CHECK(sample(text, "utsjekk_kvitteringer_total{alvorlighetsgrad=\"08\"}")
        == 1);
  CHECK(sample(text,
               "utsjekk_kvitteringer_total{alvorlighetsgrad=\"other\"}")
        == 1);
  CHECK(sample(text, "utsjekk_retries_total{reason=\"os_12\"}") == 1);
  CHECK(sample(text, "utsjekk_oppdrag_in_flight{fagsystem=\"DAGPENGER\"}")
        == 4);
  CHECK(sample(text, "utsjekk_saker_queued{fagsystem=\"DAGPENGER\"}") == 2);
  CHECK(sample(text, "utsjekk_messages_queued{fagsystem=\"DAGPENGER\"}")
        == 5);
  CHECK(sample(text, "utsjekk_saker_parked{fagsystem=\"DAGPENGER\"}") == 1);
  SUBCASE("every line is a comment or a well-formed sample") {
    std::regex sample_line{
      R"re(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_]+="([^"\\]|\\.)*",?)*\})? )re"
      R"re(([-+]?[0-9.eE+-]+|\+Inf|-Inf|NaN)$)re"};
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);) {
      INFO(line);
      CHECK((line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0
             || std::regex_match(line, sample_line)));
    }
  }
}

TEST_CASE("the kvittering wait histogram is cumulative") {
  metrics m;
  m.kvittering_wait(5ms);
  m.kvittering_wait(2s);
  m.kvittering_wait(2s);
  m.kvittering_wait(std::chrono::hours{48});
  auto x = m.snapshot(at("2025-06-03T10:00:00"), {});
  CHECK(x.wait_count == 4);
  CHECK(x.wait_sum == doctest::Approx(4.005 + 48 * 3600));
  auto text = render_prometheus(x);
  auto bucket = [&](std::string le) {
    return sample(text, "utsjekk_kvittering_wait_seconds_bucket{le=\"" + le
                          + "\"}");
  };
  CHECK(bucket("0.01") == 1);
  CHECK(bucket("1") == 1);
  CHECK(bucket("5") == 3);
  CHECK(bucket("86400") == 3);
  CHECK(bucket("+Inf") == 4);
  CHECK(sample(text, "utsjekk_kvittering_wait_seconds_count") == 4);
}

TEST_CASE("consumer lag is the high watermark less the position") {
  metrics m;
  m.assigned({{"t", 0}, {"t", 1}, {"t", 2}});
  m.read({"t", 0}, 10, 10);
  m.read({"t", 1}, 1, 4);
  auto hwm = [](const kafka::topic_partition& tp) -> int64_t {
    return tp.partition == 2 ? -1 : 12;
  };
  auto text = render_prometheus(m.snapshot(at("2025-06-03T10:00:00"), hwm));
  INFO(text);
  CHECK(sample(text, "utsjekk_consumer_lag{topic=\"t\",partition=\"0\"}")
        == 2);
  CHECK(sample(text, "utsjekk_consumer_lag{topic=\"t\",partition=\"1\"}")
        == 8);
  INFO("an unknown watermark is left out, not guessed");
  CHECK(sample(text, "utsjekk_consumer_lag{topic=\"t\",partition=\"2\"}")
        == -1);
  m.revoked({{"t", 0}});
  CHECK(m.partitions_assigned() == 2);
}

TEST_CASE("the oldest unanswered oppdrag and the missing-kvittering alert") {
  metrics m;
  m.waiting(tx_id{"a"}, at("2025-06-03T08:00:00"));
  m.waiting(tx_id{"b"}, at("2025-06-03T09:30:00"));
  INFO("a later report for the same key keeps the first send's time");
  m.waiting(tx_id{"a"}, at("2025-06-03T09:59:00"));
  SUBCASE("Tuesday 10:00, OS open: one waits over an hour") {
    auto x = m.snapshot(at("2025-06-03T10:00:00"), {});
    CHECK(x.unanswered == 2);
    CHECK(x.oldest_unanswered == 7200);
    CHECK(x.missing == 1);
  }
  SUBCASE("Saturday: OS is closed, no alert") {
    auto x = m.snapshot(at("2025-06-07T10:00:00"), {});
    CHECK(x.missing == 0);
    CHECK(x.oldest_unanswered > 0);
  }
  SUBCASE("answered: the gauge falls") {
    m.answered(tx_id{"a"});
    auto x = m.snapshot(at("2025-06-03T10:00:00"), {});
    CHECK(x.unanswered == 1);
    CHECK(x.oldest_unanswered == 1800);
    CHECK(x.missing == 0);
  }
}

}
