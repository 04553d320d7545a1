#include "actors/service.hpp"

#include "actors/admin.hpp"
#include "actors/flow_control.hpp"
#include "actors/http_server.hpp"
#include "actors/intake.hpp"
#include "actors/kafka_sink.hpp"
#include "actors/logging.hpp"
#include "actors/os_gateway.hpp"
#include "actors/state_loader.hpp"
#include "actors/input_offsets.hpp"
#include "actors/state_store.hpp"
#include "actors/supervisor.hpp"
#include "messages/error.hpp"
#include "os_gateway/kafka_transport.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <atomic>
#include <csignal>
#include <mutex>
#include <random>

#include <signal.h>
#include <unistd.h>

namespace utsjekk {

std::atomic<bool> fatal_error{false};

id_generator random_id_generator() {
  auto rng = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto mtx = std::make_shared<std::mutex>();
  return [rng, mtx] {
    uuid result;
    {
      std::lock_guard<std::mutex> guard{*mtx};
      for (size_t i = 0; i < 16; i += 8) {
        auto bits = (*rng)();
        for (size_t j = 0; j < 8; ++j)
          result.bytes[i + j] = static_cast<uint8_t>(bits >> (8 * j));
      }
    }
    // RFC 4122 version 4, variant 1.
    result.bytes[6] = static_cast<uint8_t>((result.bytes[6] & 0x0F) | 0x40);
    result.bytes[8] = static_cast<uint8_t>((result.bytes[8] & 0x3F) | 0x80);
    return result;
  };
}

struct service::impl {
  caf::actor_system* sys = nullptr;
  service_config cfg;
  std::unique_ptr<kafka::embedded_cluster> cluster;
  std::shared_ptr<kafka_sink> sink;
  std::unique_ptr<kafka::consumer> consumer;
  std::shared_ptr<os::simulator> sim;
  /// The kvitteringer on the Kafka transport.
  std::unique_ptr<os::kvittering_reader> kvitteringer;
  std::string bootstrap;
  state_store_actor store;
  status_publisher_actor publisher;
  os_gateway_actor gateway;
  std::map<fagsystem, supervisor_actor> supervisors;
  intake_actor intake_handle;
  std::shared_ptr<metrics> stats;
  admin_actor admin_handle;
  /// Watches the core actors. Held here: CAF ends an actor that nobody
  /// references, and an unheld watchdog ended at once, unseen.
  caf::actor watchdog;
  std::unique_ptr<http_server> http;
  std::string admin_url;
  bool stopped = false;

  /// Spawns the gateway on the configured transport.
  static caf::error start_gateway(caf::actor_system& sys, impl& st,
                                  const service_config& cfg);
};

service::service() : impl_(std::make_unique<impl>()) {
}

service::~service() {
  stop();
}

const std::string& service::bootstrap() const {
  return impl_->bootstrap;
}

std::shared_ptr<os::simulator> service::simulator() const {
  return impl_->sim;
}

std::string service::admin_url() const {
  return impl_->admin_url;
}

std::shared_ptr<metrics> service::stats() const {
  return impl_->stats;
}

namespace {

std::vector<kafka::topic_spec> topics_of(const service_config& cfg) {
  std::vector<kafka::topic_spec> result;
  for (auto& [fs, name] : cfg.input_topics)
    result.push_back({name, defaults::input_partitions, {}});
  result.push_back({cfg.status_topic, defaults::output_partitions, {}});
  result.push_back({cfg.oppdrag_topic, defaults::output_partitions, {}});
  // The state topics keep the latest record per key forever.
  std::map<std::string, std::string> compact{{"cleanup.policy", "compact"},
                                             {"max.message.bytes",
                                              "16777216"}};
  for (auto& name : {cfg.state.utbetalinger, cfg.state.saker,
                     cfg.state.journal})
    result.push_back({name, defaults::output_partitions, compact});
  return result;
}

/// The URL clients reach the admin endpoint at: the bound address, or
/// loopback when it binds every address.
std::string url_of(const std::string& bind, uint16_t port) {
  auto host = bind;
  if (host == "0.0.0.0" || host == "::" || host.empty())
    host = "127.0.0.1";
  else if (host.find(':') != std::string::npos)
    host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port);
}

} // namespace

caf::error service::impl::start_gateway(caf::actor_system& sys, impl& st,
                                        const service_config& cfg) {
  if (cfg.transport == os_transport::simulator) {
    st.sim = std::make_shared<os::simulator>(cfg.simulator);
    st.gateway = sys.spawn(os_gateway, st.sim, cfg.oppdrag.now);
    return caf::none;
  }
  // Kafka: the oppdrag go through the publisher, the kvitteringer come
  // from a reader in a group of its own.
  auto gateway = sys.spawn(os_gateway_kafka, st.publisher);
  st.gateway = gateway;
  os::kvittering_reader_config rcfg{*cfg.kafka, cfg.oppdrag_topic,
                                    cfg.kvittering_group};
  auto on_kvittering = [gateway](std::string xml) {
    caf::anon_send(gateway, atom::deliver::value, std::move(xml));
  };
  auto on_error = [](const caf::error& err) {
    UTSJEKK_LOG(warning, "os-gateway")
      << "kvittering reader reported an error error=" << render(err);
  };
  auto reader = os::kvittering_reader::make(rcfg, std::move(on_kvittering),
                                            std::move(on_error));
  if (!reader)
    return reader.error();
  if (auto err = (*reader)->start())
    return err;
  st.kvitteringer = std::move(*reader);
  UTSJEKK_LOG(info, "service")
    << "service sends oppdrag over Kafka topic=" << cfg.oppdrag_topic
    << " kvittering-group=" << cfg.kvittering_group;
  return caf::none;
}

caf::expected<std::unique_ptr<service>>
service::start(caf::actor_system& sys, service_config cfg) {
  std::unique_ptr<service> result{new service};
  auto& st = *result->impl_;
  st.sys = &sys;
  // The metrics every actor counts into; the audit log of operators.
  st.stats = std::make_shared<metrics>();
  cfg.oppdrag.stats = st.stats;
  auto audit = std::make_shared<audit_log>(cfg.admin.audit_log);
  if (!cfg.admin.token.empty())
    if (auto err = audit->check())
      return err;
  // Kafka: the configured cluster, or the embedded mock cluster.
  if (!cfg.kafka) {
    auto cluster = kafka::embedded_cluster::start(1, cfg.embedded_port);
    if (!cluster)
      return cluster.error();
    st.cluster = std::move(*cluster);
    for (auto& spec : topics_of(cfg))
      if (auto err = st.cluster->create_topic(spec.name, spec.partitions))
        return err;
    cfg.kafka = st.cluster->config();
    UTSJEKK_LOG(info, "service")
      << "service started the embedded Kafka cluster bootstrap="
      << st.cluster->bootstrap();
  } else if (auto err = kafka::create_topics(*cfg.kafka, topics_of(cfg))) {
    UTSJEKK_LOG(warning, "service")
      << "service could not create topics error=" << render(err);
  }
  st.bootstrap = cfg.kafka->brokers;
  // The transactional producer and the actors that do not read input.
  // Registering the transactional.id fences an earlier instance and
  // aborts what it left open, before the state is read back.
  kafka_sink_config sink_cfg;
  sink_cfg.kafka = *cfg.kafka;
  sink_cfg.transactional_id = transactional_id_of(cfg);
  auto sink = kafka_sink::make(std::move(sink_cfg));
  if (!sink)
    return sink.error();
  st.sink = std::move(*sink);
  st.publisher = sys.spawn(status_publisher, st.sink, cfg.status_topic,
                           cfg.oppdrag_topic, st.stats);
  st.sink->attach(st.publisher);
  // Fenced by a newer instance: the publisher dies with the error, and
  // the watchdog below stops the service with exit status 1.
  st.sink->on_fatal([publisher = st.publisher](const caf::error& err) {
    caf::anon_send(publisher, atom::delivered::value, uint64_t{0}, err);
  });
  // The state of earlier runs, read to its end before any input.
  auto loaded = load_state(*cfg.kafka, cfg.state);
  if (!loaded)
    return loaded.error();
  st.stats->state_loaded();
  // Transactions an earlier run journaled but did not finish resume
  // before any input: their offsets may be committed already.
  std::vector<tx_record> unfinished;
  for (auto& [key, rec] : loaded->journal)
    if (!rec.outcome)
      unfinished.push_back(rec);
  st.store = sys.spawn(state_store, std::move(*loaded), st.publisher,
                       cfg.state);
  // The transport to OS.
  if (auto err = impl::start_gateway(sys, st, cfg))
    return err;
  auto next_id = random_id_generator();
  for (auto fs : all_fagsystemer) {
    oppdrag_peers peers{st.store, st.gateway, st.publisher, {}};
    st.supervisors[fs] = sys.spawn(supervisor, fs, peers, cfg.oppdrag,
                                   next_id, cfg.max_restarts,
                                   defaults::max_active_saker);
    caf::anon_send(st.supervisors[fs], atom::start::value, unfinished);
  }
  // The consumer; its poll thread hands everything to the intake actor.
  std::map<std::string, fagsystem> topics;
  std::vector<std::string> names;
  for (auto& [fs, name] : cfg.input_topics) {
    topics.emplace(name, fs);
    names.push_back(name);
  }
  auto slot = std::make_shared<intake_actor>();
  auto slot_mtx = std::make_shared<std::mutex>();
  auto target = [slot, slot_mtx] {
    std::lock_guard<std::mutex> guard{*slot_mtx};
    return *slot;
  };
  kafka::consumer_handlers handlers;
  // Backpressure is decided where records are fetched: the poll thread
  // pauses a partition once max-in-flight of its records are out.
  auto flow = std::make_shared<flow_control>(cfg.max_in_flight);
  // Which input records have a durable outcome: their offsets go in the
  // sink's transactions.
  auto inputs = std::make_shared<input_offsets>();
  auto* sink_raw = st.sink.get();
  auto polled = std::make_shared<std::atomic<kafka::consumer*>>(nullptr);
  handlers.on_assigned = [target, flow, inputs,
                          stats = st.stats](const auto& tps) {
    inputs->assign(tps);
    for (auto& tp : tps)
      flow->reset(tp);
    stats->assigned(tps);
    caf::anon_send(target(), atom::assigned::value, tps);
  };
  handlers.on_revoked = [target, inputs, sink_raw,
                         stats = st.stats](const auto& tps) {
    stats->revoked(tps);
    caf::anon_send(target(), atom::revoked::value, tps);
    // What is durable by now is committed while the partitions are ours;
    // their next owner starts there.
    if (auto err = sink_raw->flush(defaults::tx_timeout))
      UTSJEKK_LOG(warning, "consumer")
        << "consumer could not commit before a revoke error="
        << render(err);
    inputs->forget(tps);
  };
  handlers.on_records = [target, flow, polled,
                         stats = st.stats](std::vector<kafka::record> batch) {
    auto tp = batch.empty() ? kafka::topic_partition{} : batch.front().tp;
    auto pause = flow->handed(tp, batch.size());
    caf::anon_send(target(), atom::records::value, std::move(batch));
    if (!pause)
      return;
    if (auto err = polled->load()->pause(tp))
      UTSJEKK_LOG(warning, "consumer")
        << "consumer could not pause tp=" << kafka::to_string(tp)
        << " error=" << render(err);
    else
      stats->partition_paused();
  };
  handlers.on_error = [](const caf::error& err) {
    UTSJEKK_LOG(warning, "consumer")
      << "consumer reported an error error=" << render(err);
  };
  // Input offsets are committed only in the sink's transactions; on
  // revoke and close the consumer waits for one holding what is durable.
  handlers.commit_offsets = [sink_raw] {
    return sink_raw->flush(defaults::tx_timeout);
  };
  auto consumer = kafka::consumer::make(*cfg.kafka, cfg.group_id, names,
                                        std::move(handlers),
                                        kafka::offset_commit::transactional);
  if (!consumer)
    return consumer.error();
  st.consumer = std::move(*consumer);
  auto* raw = st.consumer.get();
  polled->store(raw);
  offset_source offsets;
  offsets.inputs = inputs;
  offsets.group = [raw] { return raw->group_metadata(); };
  st.sink->attach_offsets(std::move(offsets));
  auto control = [raw, flow, inputs, sink_raw,
                  stats = st.stats](const kafka::topic_partition& tp) {
    partition_control result;
    result.on_read = [stats, tp](size_t n, int64_t next) {
      stats->read(tp, n, next);
    };
    result.opened = [inputs, tp](int64_t offset, const std::string& key) {
      inputs->opened(tp, offset, key);
    };
    result.store_offset = [inputs, sink_raw, tp](int64_t next) {
      if (inputs->stored(tp, next))
        sink_raw->offsets_stored();
    };
    result.released = [raw, flow, tp](size_t n) {
      if (!flow->released(tp, n))
        return;
      if (auto err = raw->resume(tp))
        UTSJEKK_LOG(warning, "consumer")
          << "consumer could not resume tp=" << kafka::to_string(tp)
          << " error=" << render(err);
    };
    return result;
  };
  st.intake_handle = sys.spawn(intake, std::move(topics), st.supervisors,
                               st.publisher, std::move(control));
  {
    std::lock_guard<std::mutex> guard{*slot_mtx};
    *slot = st.intake_handle;
  }
  if (auto err = st.consumer->start())
    return err;
  // The admin endpoint, on its own threads.
  auto high_watermark = [raw](const kafka::topic_partition& tp) {
    return raw->high_watermark(tp);
  };
  st.admin_handle = sys.spawn(admin, st.supervisors, st.store, st.stats,
                              audit, cfg.oppdrag.now, high_watermark,
                              cfg.admin.ask_timeout, cfg.admin.list_limit);
  admin_http_context ctx;
  ctx.sys = &sys;
  ctx.admin = st.admin_handle;
  ctx.routes.token = cfg.admin.token;
  ctx.routes.max_body = cfg.admin.http.max_body;
  ctx.ask_timeout = cfg.admin.ask_timeout;
  ctx.stats = st.stats;
  ctx.now = cfg.oppdrag.now;
  ctx.high_watermark = high_watermark;
  auto http = http_server::start(cfg.admin.http,
                                 make_admin_handler(std::move(ctx)));
  if (!http)
    return http.error();
  st.http = std::move(*http);
  st.admin_url = url_of(cfg.admin.http.bind, st.http->port());
  // A core actor that dies is a bug; the process must not carry on
  // without it, answering nothing. Stop, so the platform restarts us.
  std::vector<caf::actor_addr> core{st.store.address(),
                                    st.publisher.address(),
                                    st.gateway.address(),
                                    st.intake_handle.address()};
  for (auto& [fs, handle] : st.supervisors)
    core.push_back(handle.address());
  st.watchdog = sys.spawn([core](caf::event_based_actor* self)
                            -> caf::behavior {
    auto alive = std::make_shared<size_t>(core.size());
    for (auto& addr : core)
      self->monitor(addr);
    self->set_down_handler([self, alive](caf::down_msg& dm) {
      // All core actors gone: the service stopped; so does the watch.
      if (--*alive == 0)
        self->quit();
      if (dm.reason == caf::exit_reason::user_shutdown
          || dm.reason == caf::exit_reason::normal || fatal_error)
        return;
      UTSJEKK_LOG(error, "service")
        << "service lost a core actor and stops reason="
        << render(dm.reason);
      fatal_error = true;
      // To the process, not this thread: main waits for it in sigwait,
      // and every other thread blocks it.
      ::kill(::getpid(), SIGTERM);
    });
    return {[](const std::string&) {}};
  });
  st.cfg = std::move(cfg);
  UTSJEKK_LOG(info, "service")
    << "service started group=" << st.cfg.group_id
    << " topics=" << names.size();
  return result;
}

void service::stop() {
  auto& st = *impl_;
  if (st.stopped)
    return;
  st.stopped = true;
  UTSJEKK_LOG(info, "service") << "service stops";
  // The admin endpoint first: nothing asks the actors once they stop.
  if (st.http)
    st.http->stop();
  // Stop reading then: only offsets of durable outcomes are committed,
  // in a last transaction of the sink.
  if (st.consumer)
    st.consumer->stop();
  if (st.kvitteringer)
    st.kvitteringer->stop();
  // The sink's last transaction; its thread ends before the consumer it
  // reads offsets from does.
  if (st.sink) {
    if (auto err = st.sink->flush(std::chrono::seconds{10}))
      UTSJEKK_LOG(warning, "service")
        << "service could not flush the producer error=" << render(err);
    st.sink->stop();
  }
  // Then the actors, leaves first.
  auto kill = [](const auto& handle) {
    if (handle)
      caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
  };
  kill(st.watchdog);
  kill(st.admin_handle);
  kill(st.intake_handle);
  for (auto& [fs, handle] : st.supervisors)
    kill(handle);
  kill(st.gateway);
  kill(st.publisher);
  kill(st.store);
  if (st.sink)
    st.sink->attach({});
  UTSJEKK_LOG(info, "service") << "service stopped";
}

} // namespace utsjekk
