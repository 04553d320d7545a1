#include "harness/fill_state.hpp"

#include "messages/error.hpp"
#include "messages/stonad.hpp"
#include "messages/utbetaling_json.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <vector>

namespace utsjekk::bench {

namespace {

/// SplitMix64: a well-spread 64-bit value for each input.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// A version-4 UUID drawn from `a` and `b`.
uuid make_uuid(uint64_t a, uint64_t b) {
  uuid out;
  auto hi = mix(a);
  auto lo = mix(hi ^ b);
  for (int i = 0; i < 8; ++i) {
    out.bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(hi >> (8 * i));
    out.bytes[static_cast<size_t>(8 + i)]
      = static_cast<uint8_t>(lo >> (8 * i));
  }
  out.bytes[6] = static_cast<uint8_t>((out.bytes[6] & 0x0f) | 0x40);
  out.bytes[8] = static_cast<uint8_t>((out.bytes[8] & 0x3f) | 0x80);
  return out;
}

/// The first stønad of `fs` that OS can pay.
const stonad_info& payable_stonad(fagsystem fs) {
  for (const auto& x : stonader(fs))
    if (!x.klassekode.empty())
      return x;
  return stonader(fs).front();
}

/// Producer settings for bulk loading: large, compressed batches.
kafka::client_config bulk(kafka::client_config cfg) {
  cfg.properties.emplace("linger.ms", "50");
  cfg.properties.emplace("batch.size", "1000000");
  cfg.properties.emplace("compression.type", "lz4");
  cfg.properties.emplace("queue.buffering.max.messages", "500000");
  cfg.properties.emplace("queue.buffering.max.kbytes", "1048576");
  cfg.properties.emplace("message.max.bytes", "16777216");
  return cfg;
}

} // namespace

utbetaling make_accepted(const fill_options& opts, uint64_t i) {
  using namespace std::chrono;
  auto per_sak = opts.per_sak == 0 ? 1 : opts.per_sak;
  auto sak = i / per_sak;
  auto fs = all_fagsystemer[sak % all_fagsystemer.size()];
  const auto& st = payable_stonad(fs);
  utbetaling u;
  // Who and what: one stønad per fagsystem, saker of consecutive numbers.
  u.original_key = "fill-" + std::to_string(i);
  u.fagsystem = fs;
  u.uid = make_uuid(opts.seed, 2 * i);
  u.action = action::create;
  u.forste_utbetaling_pa_sak = i % per_sak == 0;
  u.sak_id = opts.sak_prefix + std::to_string(sak);
  u.behandling_id = "b" + std::to_string(i);
  u.last_periode_id = make_uuid(opts.seed, 2 * i + 1);
  u.personident = "12345678910";
  u.stonad = std::string{st.name};
  u.klassekode = std::string{st.klassekode};
  u.fagomrade = fs == fagsystem::tilleggsstonader
                  ? std::string{st.fagomrade}
                  : std::string{default_fagomrade(fs)};
  u.beslutter_id = "Z000002";
  u.saksbehandler_id = "Z000001";
  u.periodetype = periodetype::ukedag;
  // Periods of two weeks, one after the other, from a day set by `i`.
  auto start = sys_days{year{2025} / January / 6} + days{7 * (i % 40)};
  u.vedtakstidspunkt = local_time{
    duration_cast<microseconds>(start.time_since_epoch() + hours{9})};
  for (uint64_t p = 0; p < opts.perioder; ++p) {
    auto fom = start + days{14 * p};
    periode x;
    x.fom = year_month_day{fom};
    x.tom = year_month_day{fom + days{11}};
    x.belop = kroner{500 + (i + p) % 700};
    x.betalende_enhet = "0220";
    u.perioder.push_back(std::move(x));
  }
  if (!u.perioder.empty())
    u.siste_periode = u.perioder.back();
  return u;
}

caf::expected<fill_report> fill_state(const fill_options& opts) {
  using clock = std::chrono::steady_clock;
  auto started = clock::now();
  if (opts.per_sak == 0)
    return caf::make_error(ec::invalid_config,
                           std::string{"fill-state: per_sak must be > 0"});
  // Every fagsystem's record must read back as written.
  for (uint64_t i = 0; i < all_fagsystemer.size(); ++i) {
    auto u = make_accepted(opts, i * opts.per_sak);
    auto back = parse_utbetaling(to_json(u));
    if (!back || *back != u)
      return caf::make_error(ec::invalid_field,
                             "fill-state: the utbetaling of "
                               + std::string{to_string(u.fagsystem)}
                               + " does not read back: "
                               + (back ? std::string{"it differs"}
                                       : render(back.error())));
  }
  // Compacted state topics, as utsjekk creates them.
  std::map<std::string, std::string> compact{{"cleanup.policy", "compact"},
                                             {"max.message.bytes",
                                              "16777216"}};
  if (opts.create_topics)
    if (auto err = kafka::create_topics(
          opts.kafka, {{opts.utbetalinger_topic, 3, compact},
                       {opts.saker_topic, 3, compact}}))
      return err;
  // Count deliveries; keep the first failure.
  std::atomic<uint64_t> failed{0};
  std::mutex mtx;
  caf::error first_failure;
  auto on_delivery = [&](uint64_t, caf::error e) {
    if (!e)
      return;
    std::lock_guard<std::mutex> guard{mtx};
    if (failed++ == 0)
      first_failure = std::move(e);
  };
  auto producer = kafka::producer::make(bulk(opts.kafka), on_delivery);
  if (!producer)
    return std::move(producer.error());
  auto& p = **producer;
  fill_report out;
  // The utbetalinger, and the uids of each sak as its last one is written.
  std::vector<uuid> uids;
  for (uint64_t i = 0; i < opts.utbetalinger; ++i) {
    auto u = make_accepted(opts, i);
    auto key = u.uid.to_string();
    auto value = to_json(u);
    out.bytes += key.size() + value.size();
    if (auto e = p.produce(opts.utbetalinger_topic, key, value, {}, i))
      return e;
    ++out.utbetalinger;
    uids.push_back(u.uid);
    if (uids.size() < opts.per_sak && i + 1 < opts.utbetalinger)
      continue;
    auto sak = to_json(sak_key{u.sak_id, u.fagsystem});
    auto list = uids_to_json(uids);
    out.bytes += sak.size() + list.size();
    if (auto e = p.produce(opts.saker_topic, sak, list, {}, i))
      return e;
    ++out.saker;
    uids.clear();
  }
  // Wait until everything is durable.
  if (auto e = p.flush(std::chrono::minutes{10}))
    return e;
  if (failed > 0) {
    std::lock_guard<std::mutex> guard{mtx};
    return first_failure;
  }
  out.elapsed_s = std::chrono::duration<double>(clock::now() - started)
                    .count();
  return out;
}

} // namespace utsjekk::bench
