#pragma once

#include "actors/actors.hpp"
#include "actors/config.hpp"
#include "actors/logging.hpp"
#include "actors/os_gateway.hpp"
#include "actors/state_store.hpp"
#include "actors/status_publisher.hpp"
#include "actors/supervisor.hpp"
#include "messages/error.hpp"
#include "messages/oppdrag_xml.hpp"
#include "messages/status_json.hpp"
#include "messages/time.hpp"
#include "messages/utbetaling_json.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

/// A deterministic actor fixture: CAF's test coordinator runs every actor
/// on the test's thread and time only moves when the test says so.
namespace utsjekk::test {

/// A record sink that keeps every record and reports each unit's delivery
/// at once, so the publisher's answers arrive on the next run(). A unit is
/// all-or-nothing, as in a Kafka transaction: an injected failure on one
/// of its records keeps every record of the unit out.
class memory_sink : public record_sink {
public:
  caf::error produce(std::vector<out_record> recs, uint64_t token) override {
    units.push_back(recs.size());
    auto hit = std::any_of(recs.begin(), recs.end(), [this](auto& rec) {
      return rec.topic == fail_topic;
    });
    if (fail_next > 0 && hit) {
      --fail_next;
      ++failed_units;
      report(token, caf::make_error(ec::kafka_aborted, "injected"));
      return caf::none;
    }
    records.insert(records.end(), recs.begin(), recs.end());
    delivered.push_back(std::move(recs));
    report(token, caf::none);
    return caf::none;
  }
  /// Delivered records, in order.
  std::vector<out_record> records;
  /// Delivered units, in order: what one Kafka transaction would hold.
  std::vector<std::vector<out_record>> delivered;
  /// The size of every unit handed over, in order, delivered or not.
  std::vector<size_t> units;
  /// Units kept out by an injected failure.
  size_t failed_units = 0;
  /// Delivery failures to inject into units with a record on
  /// `fail_topic` before deliveries succeed again.
  int fail_next = 0;
  std::string fail_topic = "helved.status.v1";
};

/// One send the fake gateway saw.
struct sent_oppdrag {
  tx_id key;
  std::string xml;
  oppdrag_actor sender;
  /// The uids the oppdrag carries, comma-separated.
  std::string uids;
};

/// What the fake gateway saw, shared with the test.
struct gateway_log {
  std::vector<sent_oppdrag> sends;
  /// Routes set by restarted transactions, by match key.
  std::vector<std::pair<std::string, oppdrag_actor>> routes;
  /// Failures to inject into the next sends.
  int fail_next = 0;
};

/// An OS gateway that records every send and answers nothing: the test
/// plays OS and delivers kvitteringer itself.
inline os_gateway_actor::behavior_type
fake_gateway(os_gateway_actor::pointer,
             std::shared_ptr<gateway_log> log) {
  return {
    [log](atom::send, const tx_id& key, fagsystem, const std::string& xml,
          const std::string& uids,
          const oppdrag_actor& sender) -> caf::result<bool> {
      if (log->fail_next > 0) {
        --log->fail_next;
        return caf::make_error(ec::transport_failed, "injected");
      }
      log->sends.push_back({key, xml, sender, uids});
      return true;
    },
    [](atom::deliver, const std::string&) {},
    [log](atom::route, const std::string& key, const oppdrag_actor& to) {
      log->routes.emplace_back(key, to);
    },
    [](atom::forget, const std::string&) {},
  };
}

/// Makes the configuration for the test coordinator.
inline caf::actor_system_config& test_config(caf::actor_system_config& cfg) {
  register_types(cfg);
  cfg.set("scheduler.policy", caf::atom("testing"));
  return cfg;
}

/// The actor system, the clock and the pieces every actor test needs.
struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  caf::scoped_actor self;
  /// The wall-clock time the actors see: a Tuesday inside opening hours.
  std::shared_ptr<local_time> clock_now;
  std::shared_ptr<memory_sink> sink;
  std::shared_ptr<gateway_log> os;
  /// What the actors count.
  std::shared_ptr<metrics> stats;
  state_store_actor store;
  status_publisher_actor publisher;
  os_gateway_actor gateway;
  oppdrag_config ocfg;
  uint32_t next_id_counter = 0;

  fixture()
    : sys(test_config(cfg)),
      sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())),
      self(sys, true),
      clock_now(std::make_shared<local_time>(
        *parse_local_time("2025-06-03T10:00:00"))),
      sink(std::make_shared<memory_sink>()),
      os(std::make_shared<gateway_log>()),
      stats(std::make_shared<metrics>()) {
    log::init(std::getenv("UTSJEKK_TEST_LOG") ? "debug" : "warning");
    publisher = sys.spawn(status_publisher, sink, "helved.status.v1",
                          "helved.oppdrag.v1", stats);
    sink->attach(publisher);
    store = sys.spawn(state_store, loaded_state{}, publisher, state_topics{});
    gateway = sys.spawn(fake_gateway, os);
    ocfg.kvittering_timeout = std::chrono::minutes{10};
    ocfg.backoff = std::chrono::seconds{1};
    ocfg.max_backoff = std::chrono::seconds{8};
    ocfg.max_retries = 3;
    ocfg.max_resends = 2;
    auto now = clock_now;
    ocfg.now = [now] { return *now; };
    ocfg.stats = stats;
    run();
  }

  ~fixture() {
    // Stop every actor the test started, so the system can shut down.
    for (auto& x : spawned)
      caf::anon_send_exit(x, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(publisher, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
    run();
    sink->attach({});
  }

  /// Actors a test spawned through the fixture, stopped at its end.
  std::vector<caf::actor_addr> spawned;

  /// Spawns `fun` and stops it at the end of the test.
  template <class F, class... Ts>
  auto spawn(F fun, Ts&&... xs) {
    auto result = sys.spawn(fun, std::forward<Ts>(xs)...);
    spawned.push_back(result.address());
    return result;
  }

  /// Deterministic periode ids: 00000000-…-000000000001, …-0002, ...
  id_generator ids() {
    auto counter = std::make_shared<uint32_t>(0);
    return [counter] {
      uuid result;
      auto n = ++*counter;
      for (int i = 0; i < 4; ++i)
        result.bytes[15 - i] = static_cast<uint8_t>(n >> (8 * i));
      return result;
    };
  }

  /// Runs every actor until no message is left.
  void run() {
    sched.run();
  }

  /// Moves time forward (the actors' timers and the wall clock) and runs.
  void advance(std::chrono::milliseconds d) {
    *clock_now += std::chrono::duration_cast<std::chrono::microseconds>(d);
    sched.advance_time(d);
    run();
  }

  /// A supervisor for `fs` on the fixture's peers.
  supervisor_actor make_supervisor(fagsystem fs, uint32_t max_restarts = 2,
                                   size_t max_active = 100) {
    oppdrag_peers peers{store, gateway, publisher, {}};
    return spawn(supervisor, fs, peers, ocfg, ids(), max_restarts,
                 max_active);
  }

  /// Replaces the state store by one started from `state`, as after a
  /// restart; supervisors made afterwards use it.
  void restart_store(loaded_state state) {
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    store = sys.spawn(state_store, std::move(state), publisher,
                      state_topics{});
    run();
  }

  /// The state records written so far, as a restarted store would read
  /// them back from the state topics.
  loaded_state written_state() const;

  /// The statuses published for `key`, in order.
  std::vector<status_reply> statuses(const std::string& key) const {
    std::vector<status_reply> result;
    for (auto& rec : sink->records) {
      if (rec.topic != "helved.status.v1" || rec.key != key)
        continue;
      auto parsed = parse_status(rec.value);
      REQUIRE(parsed);
      result.push_back(*parsed);
    }
    return result;
  }

  /// The kinds of the statuses of `key`, e.g. {MOTTATT, HOS_OPPDRAG, OK}.
  std::vector<status_kind> kinds(const std::string& key) const {
    std::vector<status_kind> result;
    for (auto& s : statuses(key))
      result.push_back(s.status);
    return result;
  }

  /// Answers the `index`th send as OS with `grade` and `text`, delivering
  /// the kvittering to `to` (by default the actor that sent it).
  void answer(size_t index, std::string grade, std::string text = {},
              std::optional<oppdrag_actor> to = std::nullopt) {
    REQUIRE(index < os->sends.size());
    auto parsed = parse_oppdrag(os->sends[index].xml);
    REQUIRE(parsed);
    parsed->mmel = mmel{"231-OPPD", grade == "00" ? "" : "B110008F", grade,
                        text, "K231BB10", "CA10-INPUTKONTROLL"};
    auto target = to ? *to : os->sends[index].sender;
    caf::anon_send(target, atom::kvittering::value, *parsed);
    run();
  }
};

inline loaded_state fixture::written_state() const {
  loaded_state result;
  state_topics topics;
  for (auto& rec : sink->records) {
    if (rec.topic == topics.journal) {
      auto x = parse_tx_record(rec.value);
      REQUIRE(x);
      auto key = x->key;
      result.journal.insert_or_assign(key, std::move(*x));
    } else if (rec.topic == topics.utbetalinger) {
      auto x = parse_utbetaling(rec.value);
      REQUIRE(x);
      auto uid = x->uid;
      result.utbetalinger.insert_or_assign(uid, std::move(*x));
    } else if (rec.topic == topics.saker) {
      auto key = parse_sak_key(*rec.key);
      auto uids = parse_uids(rec.value);
      REQUIRE(key);
      REQUIRE(uids);
      result.saker.insert_or_assign(*key, *uids);
    }
  }
  return result;
}

/// A new DP-like sak message with one utbetaling of one period: enough for
/// the actor tests, which test the flow, not the diff.
inline decoded_message simple_message(std::string key, std::string sak,
                                      std::string uid_text, uint64_t belop,
                                      fagsystem fs = fagsystem::historisk) {
  decoded_message msg;
  msg.key = tx_id{std::move(key)};
  msg.fagsystem = fs;
  msg.sak = sak_key{sak, fs};
  msg.behandling_id = "B1";
  msg.personident = "05458410595";
  msg.vedtakstidspunkt = *parse_local_time("2025-03-10T13:00:00");
  msg.saksbehandler = "Z123456";
  msg.beslutter = "Z654321";
  utbetaling u;
  u.original_key = msg.key.value;
  u.fagsystem = fs;
  u.uid = *uuid::parse(uid_text);
  u.action = action::create;
  u.sak_id = sak;
  u.behandling_id = "B1";
  u.personident = msg.personident;
  u.vedtakstidspunkt = msg.vedtakstidspunkt;
  u.stonad = "HØREAPPARAT_ANSKAFFELSE";
  u.klassekode = "H-APP";
  u.fagomrade = "HELSREF";
  u.beslutter_id = "Z654321";
  u.saksbehandler_id = "Z123456";
  u.periodetype = periodetype::en_gang;
  u.perioder.push_back(periode{*parse_date("2025-03-10"),
                               *parse_date("2025-03-10"), kroner{belop},
                               std::nullopt, std::nullopt});
  msg.utbetalinger.push_back(std::move(u));
  return msg;
}

/// The uid of the utbetaling in the actor tests' messages.
inline constexpr auto test_uid = "9a7d2c3e-1111-4222-8333-944455566677";

/// Submits message `key` of `sak` with `belop` as a reader would and runs
/// the actors; the content hash follows key and belop, so another belop is
/// other content.
inline void submit_message(fixture& f, const supervisor_actor& sup,
                           const std::string& key, uint64_t belop = 100,
                           const std::string& sak = "SAK-1",
                           const std::string& uid = test_uid) {
  f.self->send(sup, atom::submit::value, simple_message(key, sak, uid, belop),
               content_hash{"h-" + key + std::to_string(belop)});
  f.run();
}

/// Every journal record written for `key`, in order.
inline std::vector<tx_record> journal_records(const fixture& f,
                                              const std::string& key) {
  std::vector<tx_record> result;
  for (auto& rec : f.sink->records) {
    if (rec.topic != state_topics{}.journal || rec.key != key)
      continue;
    auto parsed = parse_tx_record(rec.value);
    REQUIRE(parsed);
    result.push_back(std::move(*parsed));
  }
  return result;
}

} // namespace utsjekk::test
