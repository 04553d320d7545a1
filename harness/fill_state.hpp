#pragma once

#include "kafka/kafka.hpp"
#include "messages/types.hpp"

#include <caf/expected.hpp>

#include <cstdint>
#include <string>

/// Fills the state topics utsjekk reads at start with accepted
/// utbetalinger, in the formats of reference §2.10, to measure how long the
/// state takes to load.
namespace utsjekk::bench {

/// What fill_state writes.
struct fill_options {
  /// The cluster.
  kafka::client_config kafka;
  /// Accepted utbetalinger to write.
  uint64_t utbetalinger = 1'000'000;
  /// Utbetalinger per sak; the last sak may hold fewer.
  uint64_t per_sak = 2;
  /// Periods per utbetaling.
  uint64_t perioder = 3;
  /// Seeds the uids and periode ids.
  uint64_t seed = 1;
  /// Prefixes every sakId, so that two fills do not share saker.
  std::string sak_prefix = "B";
  /// The state topics, as utsjekk names them by default.
  std::string utbetalinger_topic = "helved.utbetalinger.v1";
  std::string saker_topic = "helved.saker.v1";
  /// Creates the topics first (the Admin API, which the mock cluster does
  /// not serve).
  bool create_topics = true;
};

/// What fill_state wrote.
struct fill_report {
  uint64_t utbetalinger = 0;
  uint64_t saker = 0;
  /// Key and value bytes of every record, before compression.
  uint64_t bytes = 0;
  double elapsed_s = 0;
};

/// Accepted utbetaling number `i` of a fill: deterministic in the options,
/// spread over every fagsystem, saker of `per_sak` consecutive numbers.
utbetaling make_accepted(const fill_options& opts, uint64_t i);

/// Creates the state topics as compacted topics (an existing topic is
/// kept), then produces the utbetalinger and the saker records that list
/// them, batched and compressed, and waits until every record is durable.
caf::expected<fill_report> fill_state(const fill_options& opts);

} // namespace utsjekk::bench
