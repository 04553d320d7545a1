#pragma once

#include "harness/bench_result.hpp"
#include "harness/generator.hpp"
#include "kafka/kafka.hpp"
#include "messages/types.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <ostream>
#include <string>
#include <vector>

/// The actors of `utsjekk-harness bench`: one producer per fagsystem, the
/// collector of statuses and audit records, and the sampler that follows
/// utsjekk's memory and gauges and shows progress. Their messages are
/// local to the harness process.
namespace utsjekk::bench {

/// How far the run is, as the collector counts it.
struct progress {
  /// Records to produce in all.
  uint64_t total = 0;
  uint64_t produced = 0;
  /// Produced records with their terminal status.
  uint64_t finished = 0;
  /// Records of this run seen on any topic the collector reads.
  uint64_t seen = 0;
  /// Seconds since the first produce; 0 before it.
  double elapsed_s = 0;
};

/// Everything the collector gathered, handed over once the run ends.
struct collection {
  /// Statuses per key of this run, in partition order.
  std::map<std::string, std::vector<status_reply>> statuses;
  /// Oppdrag XML (kvitteringer left out) per key, in arrival order.
  std::map<std::string, std::vector<std::string>> oppdrag;
  /// Produce-to-terminal latency of every finished record, milliseconds.
  std::vector<double> latencies_ms;
  /// The same, of the records sent after the first 10 % of `total`.
  std::vector<double> steady_latencies_ms;
  /// Per second since the first produce: produced, finished and the
  /// latency percentiles of what finished (memory and in-flight empty).
  std::vector<second_sample> timeline;
  progress counts;
  /// From the first produce to the last terminal status.
  double elapsed_s = 0;
  /// The keys the producers sent, each once.
  std::set<std::string> sent_keys;
  /// Records and value bytes utsjekk produced for this run's keys
  /// (statuses, oppdrag, journal and state records).
  uint64_t records_out = 0;
  uint64_t bytes_out = 0;
};

/// What the sampler saw in one second.
struct probe_sample {
  double at_s = 0;
  uint64_t rss_kib = 0;
  uint64_t hwm_kib = 0;
  uint64_t in_flight = 0;
  uint64_t queued = 0;
  std::optional<uint64_t> pauses;
};

} // namespace utsjekk::bench

CAF_BEGIN_TYPE_ID_BLOCK(utsjekk_bench, caf::first_custom_type_id)

CAF_ADD_TYPE_ID(utsjekk_bench, (utsjekk::bench::progress))
CAF_ADD_TYPE_ID(utsjekk_bench, (utsjekk::bench::collection))
CAF_ADD_TYPE_ID(utsjekk_bench, (std::vector<utsjekk::bench::probe_sample>))
CAF_ADD_TYPE_ID(utsjekk_bench, (std::vector<utsjekk::kafka::record>))

CAF_END_TYPE_ID_BLOCK(utsjekk_bench)

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::bench::progress)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(utsjekk::bench::collection)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<utsjekk::bench::probe_sample>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<utsjekk::kafka::record>)

/// Atoms of the bench; text at most 10 characters.
namespace utsjekk::bench::atom {

using collect = caf::atom_constant<caf::atom("collect")>;
using done = caf::atom_constant<caf::atom("done")>;
using get = caf::atom_constant<caf::atom("get")>;
using records = caf::atom_constant<caf::atom("records")>;
using sent = caf::atom_constant<caf::atom("sent")>;
using start = caf::atom_constant<caf::atom("start")>;
using tick = caf::atom_constant<caf::atom("tick")>;

} // namespace utsjekk::bench::atom

namespace utsjekk::bench {

/// The collector: follows statuses and audit records of this run's keys,
/// measures latency and tells each producer when a sak may go on.
using collector_actor = caf::typed_actor<
    /// A producer produced `key` of sak `sak` at `at_us` (steady clock,
    /// microseconds); the producer hears `(done, sak)` at its terminal
    /// status.
    caf::reacts_to<atom::sent, std::string, std::string, int64_t>,
    /// Records the consumer read, already narrowed to this run's keys.
    caf::reacts_to<atom::records, std::vector<kafka::record>>,
    /// The counts so far.
    caf::replies_to<atom::get>::with<progress>,
    /// Everything gathered.
    caf::replies_to<atom::collect>::with<collection>>;

/// A producer: the records of one fagsystem, each sak's next record only
/// after its previous one's terminal status, at a rate or as a burst.
using producer_actor = caf::typed_actor<
    /// Begin producing.
    caf::reacts_to<atom::start>,
    /// The last record of sak `sak` has its terminal status.
    caf::reacts_to<atom::done, std::string>,
    /// Time to produce what the rate allows.
    caf::reacts_to<atom::tick>>;

/// The sampler: once a second reads utsjekk's memory and gauges, asks the
/// collector for progress and prints a progress line.
using sampler_actor = caf::typed_actor<
    /// Take a sample now (and schedule the next).
    caf::reacts_to<atom::tick>,
    /// Stop sampling and hand over the samples.
    caf::replies_to<atom::collect>::with<std::vector<probe_sample>>>;

/// Registers the bench's message types with `cfg`.
void register_types(caf::actor_system_config& cfg);

/// What the collector needs.
struct collector_config {
  /// Records to produce in all; when all have their terminal status the
  /// collector sends `(done)` to `waiter`.
  uint64_t total = 0;
  caf::actor waiter;
  std::string status_topic = "helved.status.v1";
  std::string oppdrag_topic = "helved.oppdrag.v1";
};

/// What one producer needs.
struct producer_config {
  utsjekk::fagsystem fagsystem = fagsystem::aap;
  /// The fagsystem's records, each sak's in the order they must go.
  std::vector<generated_record> records;
  /// Messages per second; 0 = as fast as the saker allow.
  double rate = 0;
  std::shared_ptr<kafka::producer> out;
  collector_actor collector;
};

/// What the sampler needs.
struct sampler_config {
  /// utsjekk's process and its admin endpoint ("http://127.0.0.1:PORT").
  pid_t pid = -1;
  std::string admin_url;
  collector_actor collector;
  /// Where the progress lines go (stderr); nullptr for none.
  std::ostream* out = nullptr;
  std::chrono::milliseconds interval{1000};
};

collector_actor spawn_collector(caf::actor_system& sys, collector_config cfg);

producer_actor spawn_producer(caf::actor_system& sys, producer_config cfg);

/// Spawned detached: its HTTP requests block.
sampler_actor spawn_sampler(caf::actor_system& sys, sampler_config cfg);

/// Latency figures of `xs` (milliseconds); zeros when empty. Pure.
latency_summary summarize(std::vector<double> xs);

/// The `q` quantile (0..1) of sorted `xs`, nearest rank. Pure.
double quantile(const std::vector<double>& sorted, double q);

} // namespace utsjekk::bench
