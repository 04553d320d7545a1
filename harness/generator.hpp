#pragma once

#include "messages/types.hpp"

#include <cstdint>
#include <string>
#include <vector>

/// Realistic input for load and crash runs: sequences of messages per sak in
/// the six formats of reference §2 — new saker, changes, opphør,
/// redeliveries and invalid messages — deterministic for a seed.
namespace utsjekk {

/// What one generated record does to its sak.
enum class generated_kind : uint8_t {
  /// The first message of a sak.
  create,
  /// A changed amount or a further period.
  change,
  /// Removes one utbetaling (by omission or explicitly).
  opphor,
  /// The previous record of the sak again, same key and content.
  redelivery,
  /// A message that must end FEILET 400 and change nothing.
  invalid,
};

std::string_view to_string(generated_kind x);

struct generator_options {
  /// Records to generate in all.
  size_t messages = 1000;
  /// Saker to spread them over (at least one message each).
  size_t saker = 100;
  uint64_t seed = 1;
  /// Shares of the records after a sak's first.
  double opphor_share = 0.1;
  double redelivery_share = 0.05;
  double invalid_share = 0.05;
  /// Share of the records beyond each sak's first that go to the hottest
  /// 10 % of saker; 0.1 spreads them uniformly (the default).
  double skew = 0.1;
  /// The fagsystemer to use, round robin over saker.
  std::vector<fagsystem> fagsystemer{all_fagsystemer.begin(),
                                     all_fagsystemer.end()};
  /// Prefix of keys and sak ids, to keep runs apart on one cluster.
  std::string prefix = "gen";
};

/// One record: where it goes and what it is.
struct generated_record {
  std::string topic;
  std::string key;
  std::string value;
  utsjekk::fagsystem fagsystem = fagsystem::aap;
  std::string sak_id;
  generated_kind kind = generated_kind::create;
};

/// Generates the records. Records of one sak come in the order they must be
/// sent; saker interleave.
std::vector<generated_record> generate(const generator_options& opts);

/// One record as a JSON line `{"topic","key","value","kind"}` (what the
/// replay reads; it ignores `kind`, the check uses it).
std::string to_jsonl(const generated_record& x);

} // namespace utsjekk
