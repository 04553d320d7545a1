#include "harness/bench_actors.hpp"

#include "harness/probe.hpp"
#include "messages/error.hpp"
#include "messages/status_json.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <cmath>
#include <deque>
#include <iomanip>
#include <iostream>
#include <numeric>

namespace utsjekk::bench {

namespace {

using clock = std::chrono::steady_clock;

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             clock::now().time_since_epoch())
      .count();
}

// -- collector ----------------------------------------------------------------

/// One produced record waiting for its terminal status.
struct pending_send {
  int64_t at_us = 0;
  /// 1 for the run's first send, 2 for the next, ...
  uint64_t seq = 0;
  std::string sak;
  /// The producer to tell when it ends.
  caf::strong_actor_ptr producer;
};

struct collector_state {
  static inline const char* name = "bench-collector";
  collector_config cfg;
  collection data;
  /// Per key, its sends without a terminal status yet, oldest first (a
  /// redelivery sends a key again).
  std::map<std::string, std::deque<pending_send>> pending;
  /// The first produce and the last terminal status, steady clock.
  std::optional<int64_t> first_us;
  int64_t last_finish_us = 0;
  /// Per second since the first produce: produced, and the latencies of
  /// what finished.
  std::vector<uint64_t> produced_by_second;
  std::vector<std::vector<double>> finished_by_second;
  /// Whether the waiter heard `(done)`.
  bool announced = false;

  /// The second since the first produce that `at_us` falls in.
  size_t second_of(int64_t at_us) const {
    return static_cast<size_t>(std::max<int64_t>(0, at_us - *first_us) /
                               1'000'000);
  }

  void on_sent(std::string key, std::string sak, int64_t at_us,
               caf::strong_actor_ptr producer) {
    // The first produce starts every clock of the run.
    if (!first_us)
      first_us = at_us;
    ++data.counts.produced;
    data.sent_keys.insert(key);
    auto s = second_of(at_us);
    if (produced_by_second.size() <= s)
      produced_by_second.resize(s + 1, 0);
    ++produced_by_second[s];
    pending[key].push_back({at_us, data.counts.produced, std::move(sak),
                            std::move(producer)});
  }

  void on_record(const kafka::record& rec) {
    ++data.counts.seen;
    auto& key = *rec.key;
    // Kvitteringer come from OS, not from utsjekk.
    if (rec.tp.topic == cfg.oppdrag_topic) {
      if (rec.value.find("<mmel>") != std::string::npos)
        return;
      data.oppdrag[key].push_back(rec.value);
    }
    ++data.records_out;
    data.bytes_out += rec.value.size();
    if (rec.tp.topic == cfg.status_topic)
      on_status(key, rec.value);
  }

  void on_status(const std::string& key, const std::string& value) {
    auto status = parse_status(value);
    if (!status)
      return;
    auto terminal = is_terminal(status->status);
    data.statuses[key].push_back(std::move(*status));
    if (!terminal)
      return;
    // A terminal status ends the oldest send of its key.
    auto i = pending.find(key);
    if (i == pending.end() || i->second.empty())
      return;
    auto sent = std::move(i->second.front());
    i->second.pop_front();
    if (i->second.empty())
      pending.erase(i);
    auto now = now_us();
    auto latency_ms = static_cast<double>(now - sent.at_us) / 1000.0;
    data.latencies_ms.push_back(latency_ms);
    if (sent.seq > cfg.total / 10)
      data.steady_latencies_ms.push_back(latency_ms);
    auto s = second_of(now);
    if (finished_by_second.size() <= s)
      finished_by_second.resize(s + 1);
    finished_by_second[s].push_back(latency_ms);
    last_finish_us = now;
    ++data.counts.finished;
    // The producer may send the sak's next record.
    caf::anon_send(caf::actor_cast<producer_actor>(sent.producer),
                   atom::done::value, std::move(sent.sak));
  }

  /// The counts now.
  progress counts() const {
    auto result = data.counts;
    result.total = cfg.total;
    if (first_us)
      result.elapsed_s = static_cast<double>(now_us() - *first_us) / 1e6;
    return result;
  }

  /// Everything gathered, with the timeline.
  collection finish() {
    data.counts = counts();
    if (first_us)
      data.elapsed_s = static_cast<double>(last_finish_us - *first_us) / 1e6;
    auto seconds =
        std::max(produced_by_second.size(), finished_by_second.size());
    data.timeline.clear();
    for (size_t s = 0; s < seconds; ++s) {
      second_sample x;
      x.at_s = static_cast<double>(s);
      if (s < produced_by_second.size())
        x.produced = produced_by_second[s];
      if (s < finished_by_second.size() && !finished_by_second[s].empty()) {
        auto& xs = finished_by_second[s];
        std::sort(xs.begin(), xs.end());
        x.finished = xs.size();
        x.p50_ms = quantile(xs, 0.5);
        x.p99_ms = quantile(xs, 0.99);
        x.max_ms = xs.back();
      }
      data.timeline.push_back(x);
    }
    data.elapsed_s = std::max(data.elapsed_s, 0.0);
    return data;
  }
};

collector_actor::behavior_type
collector(collector_actor::stateful_pointer<collector_state> self,
          collector_config cfg) {
  self->state.cfg = std::move(cfg);
  return {
      [self](atom::sent, std::string& key, std::string& sak, int64_t at_us) {
        self->state.on_sent(std::move(key), std::move(sak), at_us,
                            self->current_sender());
      },
      [self](atom::records, const std::vector<kafka::record>& batch) {
        auto& st = self->state;
        for (auto& rec : batch)
          st.on_record(rec);
        // Every record ended: the run is over.
        if (!st.announced && st.data.counts.finished >= st.cfg.total) {
          st.announced = true;
          caf::anon_send(st.cfg.waiter, atom::done::value);
        }
      },
      [self](atom::get) { return self->state.counts(); },
      [self](atom::collect) { return self->state.finish(); },
  };
}

// -- producer -----------------------------------------------------------------

struct producer_state {
  static inline const char* name = "bench-producer";
  producer_config cfg;
  /// Per sak, the indexes of its records still to send, in order.
  std::map<std::string, std::deque<size_t>> saker;
  /// Saker whose next record may go now, first come first served.
  std::deque<std::string> ready;
  /// The rate's allowance: records that may go now, and when it grew.
  double tokens = 1;
  clock::time_point refilled = clock::now();
  bool tick_pending = false;
  uint64_t next_token = 0;

  /// Sends what the rate allows and schedules the rest.
  void pump(producer_actor::stateful_pointer<producer_state> self) {
    // As a burst: everything that is ready.
    if (cfg.rate <= 0) {
      while (!ready.empty())
        send_next(self);
      return;
    }
    // At a rate: at most 50 ms worth at once.
    auto now = clock::now();
    auto elapsed = std::chrono::duration<double>(now - refilled).count();
    refilled = now;
    tokens =
        std::min(tokens + elapsed * cfg.rate, std::max(1.0, cfg.rate / 20));
    while (!ready.empty() && tokens >= 1) {
      tokens -= 1;
      send_next(self);
    }
    if (ready.empty() || tick_pending)
      return;
    tick_pending = true;
    // At least a millisecond, at most a second: a tiny rate would ask for
    // a delay beyond what the clock can hold.
    auto wait = std::chrono::microseconds{static_cast<int64_t>(
        std::clamp((1 - tokens) / cfg.rate * 1e6, 1000.0, 1e6))};
    self->delayed_send(self, wait, atom::tick::value);
  }

  /// Produces the next record of the first ready sak.
  void send_next(producer_actor::stateful_pointer<producer_state> self) {
    auto sak = std::move(ready.front());
    ready.pop_front();
    auto& rec = cfg.records[saker[sak].front()];
    // The collector hears of it before its status can come back.
    self->send(cfg.collector, atom::sent::value, rec.key, sak, now_us());
    if (auto err =
            cfg.out->produce(rec.topic, rec.key, rec.value, {}, next_token++))
      std::cerr << "utsjekk-harness: cannot produce " << rec.key << ": "
                << render(err) << '\n';
  }
};

producer_actor::behavior_type
producer(producer_actor::stateful_pointer<producer_state> self,
         producer_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  // Saker in order of their first record.
  for (size_t i = 0; i < st.cfg.records.size(); ++i) {
    auto& queue = st.saker[st.cfg.records[i].sak_id];
    if (queue.empty())
      st.ready.push_back(st.cfg.records[i].sak_id);
    queue.push_back(i);
  }
  return {
      [self](atom::start) {
        self->state.refilled = clock::now();
        self->state.pump(self);
      },
      [self](atom::done, const std::string& sak) {
        auto& st = self->state;
        auto i = st.saker.find(sak);
        if (i == st.saker.end() || i->second.empty())
          return;
        // The sak's next record, if any, may go.
        i->second.pop_front();
        if (i->second.empty())
          st.saker.erase(i);
        else
          st.ready.push_back(sak);
        st.pump(self);
      },
      [self](atom::tick) {
        self->state.tick_pending = false;
        self->state.pump(self);
      },
  };
}

// -- sampler ------------------------------------------------------------------

struct sampler_state {
  static inline const char* name = "bench-sampler";
  sampler_config cfg;
  std::vector<probe_sample> samples;
  clock::time_point started = clock::now();
  bool stopped = false;
  /// The previous line's finished count and time, for the rate.
  uint64_t last_finished = 0;
  clock::time_point last_at = clock::now();
  double rate = 0;

  /// Reads memory and gauges now.
  probe_sample probe() const {
    probe_sample x;
    x.at_s = std::chrono::duration<double>(clock::now() - started).count();
    if (auto mem = read_memory(cfg.pid)) {
      x.rss_kib = mem->rss_kib;
      x.hwm_kib = mem->hwm_kib;
    }
    if (auto text = http_get(cfg.admin_url, "/internal/metrics")) {
      auto m = parse_metrics(*text);
      x.in_flight = m.in_flight;
      x.queued = m.queued;
      x.pauses = m.pauses;
    }
    return x;
  }

  /// One progress line: sent, finished, rate, lag, ETA, memory.
  void show(const progress& p, const probe_sample& x) {
    auto now = clock::now();
    auto dt = std::chrono::duration<double>(now - last_at).count();
    if (dt > 0) {
      auto current = static_cast<double>(p.finished - last_finished) / dt;
      rate = rate == 0 ? current : 0.5 * rate + 0.5 * current;
    }
    last_finished = p.finished;
    last_at = now;
    if (cfg.out == nullptr)
      return;
    auto& out = *cfg.out;
    out << "bench: " << std::fixed << std::setprecision(0) << x.at_s
        << "s sent " << p.produced << "/" << p.total << " finished "
        << p.finished << " rate " << rate << "/s lag "
        << (p.produced - p.finished) << " eta ";
    if (rate >= 0.5)
      out << static_cast<double>(p.total - p.finished) / rate << "s";
    else
      out << "?";
    out << " rss " << x.rss_kib / 1024 << " MiB in-flight " << x.in_flight
        << " queued " << x.queued << std::endl;
  }
};

sampler_actor::behavior_type
sampler(sampler_actor::stateful_pointer<sampler_state> self,
        sampler_config cfg) {
  self->state.cfg = std::move(cfg);
  return {
      [self](atom::tick) {
        auto& st = self->state;
        if (st.stopped)
          return;
        auto x = st.probe();
        st.samples.push_back(x);
        self->delayed_send(self, st.cfg.interval, atom::tick::value);
        // The progress line needs the collector's counts.
        self->request(st.cfg.collector, std::chrono::seconds{5},
                      atom::get::value)
            .then([self, x](const progress& p) { self->state.show(p, x); },
                  [](const caf::error&) {});
      },
      [self](atom::collect) {
        self->state.stopped = true;
        return self->state.samples;
      },
  };
}

} // namespace

void register_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::utsjekk_bench>();
}

collector_actor spawn_collector(caf::actor_system& sys, collector_config cfg) {
  return sys.spawn(collector, std::move(cfg));
}

producer_actor spawn_producer(caf::actor_system& sys, producer_config cfg) {
  return sys.spawn(producer, std::move(cfg));
}

sampler_actor spawn_sampler(caf::actor_system& sys, sampler_config cfg) {
  return sys.spawn<caf::detached>(sampler, std::move(cfg));
}

double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty())
    return 0;
  auto rank =
      static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

latency_summary summarize(std::vector<double> xs) {
  latency_summary result;
  if (xs.empty())
    return result;
  std::sort(xs.begin(), xs.end());
  result.count = xs.size();
  result.p50_ms = quantile(xs, 0.5);
  result.p90_ms = quantile(xs, 0.9);
  result.p99_ms = quantile(xs, 0.99);
  result.max_ms = xs.back();
  result.mean_ms = std::accumulate(xs.begin(), xs.end(), 0.0) /
                   static_cast<double>(xs.size());
  return result;
}

} // namespace utsjekk::bench
