#include "os_gateway/os_service.hpp"

#include "messages/error.hpp"
#include "os_gateway/group_commit.hpp"
#include "os_gateway/ledger_server.hpp"
#include "os_gateway/offset_tracker.hpp"
#include "os_gateway/responder.hpp"
#include "os_gateway/state_file.hpp"
#include "os_gateway/state_json.hpp"

#include <boost/log/trivial.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace utsjekk::os {

namespace {

using clock = std::chrono::steady_clock;

/// Logs one line of utsjekk-os at `lvl`.
#define OS_LOG(lvl) BOOST_LOG_TRIVIAL(lvl) << "[utsjekk-os] "

/// Something another thread hands the worker.
struct event {
  enum class kind : uint8_t { records, delivered, revoked };
  kind what = kind::records;
  std::vector<kafka::record> records;
  uint64_t token = 0;
  caf::error err;
  std::vector<kafka::topic_partition> revoked;
};

/// A kvittering on its way out, and the input record it answers.
struct outgoing {
  kafka::topic_partition tp;
  int64_t offset = 0;
  std::optional<std::string> key;
  std::string xml;
  kafka::headers headers;
  /// Copies not yet durable (or given up).
  int copies_left = 1;
  /// Failed produce attempts so far.
  int failures = 0;
};

} // namespace

struct os_service::impl {
  os_service_config cfg;
  std::unique_ptr<state_file> file;
  /// Guards `os`: the worker answers, the server reads the ledger.
  mutable std::mutex os_mtx;
  std::unique_ptr<responder> os;
  std::unique_ptr<ledger_server> server;
  std::unique_ptr<kafka::producer> producer;
  std::unique_ptr<kafka::consumer> consumer;
  /// Guards `events`, `stopping` and `fatal`.
  mutable std::mutex mtx;
  std::condition_variable cv;
  std::deque<event> events;
  bool stopping = false;
  caf::error fatal;
  std::thread worker;
  std::atomic<uint64_t> answered{0};
  bool stopped = false;
  // -- worker state: touched only by the worker thread ----------------------
  offset_tracker offsets;
  /// Kvitteringer in flight by token.
  std::map<uint64_t, outgoing> out;
  uint64_t next_token = 1;
  /// Produce attempts due: when, which token, how many copies.
  std::multimap<clock::time_point, std::pair<uint64_t, int>> due;

  /// Hands `e` to the worker.
  void post(event e) {
    std::lock_guard<std::mutex> guard{mtx};
    events.push_back(std::move(e));
    cv.notify_one();
  }

  /// The worker's loop: events first, then what is due.
  void run() {
    for (;;) {
      std::deque<event> batch;
      {
        std::unique_lock<std::mutex> guard{mtx};
        auto wake = due.empty() ? clock::now() + std::chrono::seconds{1}
                                : due.begin()->first;
        cv.wait_until(guard, wake,
                      [this] { return stopping || !events.empty(); });
        if (stopping)
          return;
        batch.swap(events);
      }
      // Records of consecutive events share one commit; other events keep
      // their place between them.
      std::vector<kafka::record> records;
      for (auto& e : batch) {
        if (e.what == event::kind::records) {
          std::move(e.records.begin(), e.records.end(),
                    std::back_inserter(records));
          continue;
        }
        if (!on_records(records))
          return;
        handle(e);
      }
      if (!on_records(records))
        return;
      fire_due();
    }
  }

  void handle(event& e) {
    switch (e.what) {
      case event::kind::records:
        return;
      case event::kind::delivered:
        on_delivered(e.token, e.err);
        return;
      case event::kind::revoked:
        for (auto& tp : e.revoked)
          offsets.forget(tp);
        return;
    }
  }

  /// Stops the worker for good after `err`; returns false.
  bool fail(caf::error err) {
    OS_LOG(error) << "utsjekk-os could not save its state, stops "
                     "answering error="
                  << render(err);
    std::lock_guard<std::mutex> guard{mtx};
    fatal = std::move(err);
    stopping = true;
    return false;
  }

  /// Answers a batch of input records with one durable write, then lets
  /// their kvitteringer go; false once the worker must stop. Leaves
  /// `recs` empty.
  bool on_records(std::vector<kafka::record>& recs) {
    if (recs.empty())
      return true;
    std::vector<std::string_view> xmls;
    xmls.reserve(recs.size());
    for (auto& rec : recs) {
      offsets.begin(rec.tp, rec.offset);
      xmls.emplace_back(rec.value);
    }
    // The state is on disk before any kvittering of it leaves.
    auto answers = [&] {
      std::lock_guard<std::mutex> guard{os_mtx};
      return answer_batch(*os, xmls, cfg.now(),
                          [this](const std::vector<responder_change>& xs) {
                            return file->append(xs);
                          });
    }();
    if (!answers)
      return fail(std::move(answers.error()));
    for (size_t i = 0; i < recs.size(); ++i)
      dispatch(recs[i], (*answers)[i]);
    recs.clear();
    // Fold the log into a new snapshot once it has grown enough.
    if (file->wants_snapshot())
      return snapshot();
    return true;
  }

  /// Writes the whole state as a new snapshot; false on failure.
  bool snapshot() {
    auto state = [this] {
      std::lock_guard<std::mutex> guard{os_mtx};
      return os->state();
    }();
    auto log_bytes = file->log_bytes();
    if (auto err = file->save(state))
      return fail(std::move(err));
    OS_LOG(debug) << "utsjekk-os wrote a snapshot log_bytes=" << log_bytes
                  << " snapshot_bytes=" << file->snapshot_bytes();
    return true;
  }

  /// Lets the answer `r` to `rec`, durable now, take its way.
  void dispatch(kafka::record& rec, response& r) {
    auto key = rec.key.value_or("");
    switch (r.what) {
      case response::kind::skip:
        finish(rec.tp, rec.offset);
        return;
      case response::kind::unreadable:
        OS_LOG(warning) << "utsjekk-os skipped an unreadable oppdrag tx="
                        << key << " offset=" << rec.offset
                        << " error=" << render(r.error);
        finish(rec.tp, rec.offset);
        return;
      case response::kind::lost:
        ++answered;
        OS_LOG(info) << "utsjekk-os lost the kvittering of an oppdrag tx="
                     << key;
        finish(rec.tp, rec.offset);
        return;
      case response::kind::answer:
        break;
    }
    ++answered;
    OS_LOG(debug) << "utsjekk-os answers oppdrag tx=" << key
                  << " repeated=" << r.repeated
                  << " delay_ms=" << r.delay.count()
                  << " copies=" << r.copies;
    auto token = next_token++;
    out.emplace(token, outgoing{rec.tp, rec.offset, std::move(rec.key),
                                std::move(r.kvittering),
                                std::move(rec.headers), r.copies, 0});
    due.emplace(clock::now() + r.delay, std::make_pair(token, r.copies));
  }

  /// Produces every kvittering whose time has come.
  void fire_due() {
    auto now = clock::now();
    while (!due.empty() && due.begin()->first <= now) {
      auto [token, copies] = due.begin()->second;
      due.erase(due.begin());
      // A copy refused at once counts as a failed delivery, which may
      // end the kvittering: look it up for every copy.
      for (int n = 0; n < copies; ++n) {
        auto i = out.find(token);
        if (i == out.end())
          break;
        const auto& x = i->second;
        if (auto err = producer->produce(cfg.topic, x.key, x.xml, x.headers,
                                         token))
          on_delivered(token, err);
      }
    }
  }

  /// A copy of kvittering `token` is durable, or failed with `err`.
  void on_delivered(uint64_t token, const caf::error& err) {
    auto i = out.find(token);
    if (i == out.end())
      return;
    auto& x = i->second;
    if (err) {
      ++x.failures;
      OS_LOG(warning) << "utsjekk-os could not produce a kvittering tx="
                      << x.key.value_or("") << " attempt=" << x.failures
                      << " error=" << render(err);
      // Try the copy again later, until its loss is decided.
      if (x.failures < defaults::max_produce_attempts) {
        due.emplace(clock::now() + defaults::produce_backoff,
                    std::make_pair(token, 1));
        return;
      }
      OS_LOG(error) << "utsjekk-os gave up a kvittering tx="
                    << x.key.value_or("");
    }
    if (--x.copies_left > 0)
      return;
    auto tp = x.tp;
    auto offset = x.offset;
    out.erase(i);
    finish(tp, offset);
  }

  /// Record `offset` of `tp` is answered: store what may be committed.
  void finish(const kafka::topic_partition& tp, int64_t offset) {
    auto next = offsets.finish(tp, offset);
    if (!next)
      return;
    if (auto err = consumer->store_offset(tp, *next))
      OS_LOG(debug) << "utsjekk-os could not store offset tp="
                    << kafka::to_string(tp) << " error=" << render(err);
  }
};

os_service::os_service() : impl_(std::make_unique<impl>()) {
}

os_service::~os_service() {
  stop();
}

caf::expected<std::unique_ptr<os_service>>
os_service::start(os_service_config cfg) {
  std::unique_ptr<os_service> result{new os_service};
  auto& st = *result->impl_;
  if (!cfg.now)
    return caf::make_error(ec::invalid_config,
                           std::string{"utsjekk-os: no clock"});
  // The base of earlier runs: the snapshot, then the changes after it.
  st.file = std::make_unique<state_file>(cfg.state_dir);
  if (auto err = st.file->prepare())
    return err;
  auto saved = st.file->load();
  if (!saved)
    return std::move(saved.error());
  if (*saved) {
    auto& x = **saved;
    st.os = std::make_unique<responder>(cfg.profile, x.snapshot);
    for (const auto& change : x.changes)
      st.os->replay(change);
    OS_LOG(info) << "utsjekk-os loaded its state file="
                 << st.file->path().string()
                 << " changes=" << x.changes.size()
                 << " torn_bytes=" << x.torn_bytes;
  } else {
    st.os = std::make_unique<responder>(cfg.profile);
  }
  // A fresh snapshot and log; the old log, torn tail and all, is done.
  if (auto err = st.file->save(st.os->state()))
    return err;
  st.cfg = std::move(cfg);
  // GET /ledger.
  auto* self = &st;
  auto server = ledger_server::start(st.cfg.port, [self] {
    std::lock_guard<std::mutex> guard{self->os_mtx};
    return ledger_to_json(self->os->sim().ledger());
  });
  if (!server)
    return std::move(server.error());
  st.server = std::move(*server);
  // Kvitteringer out; each delivery report goes to the worker.
  auto producer = kafka::producer::make(
    st.cfg.kafka, [self](uint64_t token, caf::error err) {
      event e;
      e.what = event::kind::delivered;
      e.token = token;
      e.err = std::move(err);
      self->post(std::move(e));
    });
  if (!producer)
    return std::move(producer.error());
  st.producer = std::move(*producer);
  // Oppdrag in.
  kafka::consumer_handlers handlers;
  handlers.on_assigned = [](const auto& tps) {
    OS_LOG(info) << "utsjekk-os got partitions count=" << tps.size();
  };
  handlers.on_revoked = [self](const auto& tps) {
    event e;
    e.what = event::kind::revoked;
    e.revoked = tps;
    self->post(std::move(e));
  };
  handlers.on_records = [self](std::vector<kafka::record> batch) {
    event e;
    e.records = std::move(batch);
    self->post(std::move(e));
  };
  handlers.on_error = [](const caf::error& err) {
    OS_LOG(warning) << "utsjekk-os consumer reported an error error="
                    << render(err);
  };
  auto consumer = kafka::consumer::make(st.cfg.kafka, st.cfg.group_id,
                                        {st.cfg.topic}, std::move(handlers));
  if (!consumer)
    return std::move(consumer.error());
  st.consumer = std::move(*consumer);
  st.worker = std::thread{[self] { self->run(); }};
  if (auto err = st.consumer->start())
    return err;
  OS_LOG(info) << "utsjekk-os started topic=" << st.cfg.topic
               << " group=" << st.cfg.group_id
               << " port=" << st.server->port();
  return result;
}

uint16_t os_service::port() const {
  return impl_->server ? impl_->server->port() : 0;
}

std::string os_service::ledger_json() const {
  std::lock_guard<std::mutex> guard{impl_->os_mtx};
  return ledger_to_json(impl_->os->sim().ledger());
}

caf::error os_service::failure() const {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  return impl_->fatal;
}

uint64_t os_service::answered() const {
  return impl_->answered.load();
}

void os_service::stop() {
  auto& st = *impl_;
  if (st.stopped)
    return;
  st.stopped = true;
  // Stop reading first; the consumer commits what was stored.
  if (st.consumer)
    st.consumer->stop();
  {
    std::lock_guard<std::mutex> guard{st.mtx};
    st.stopping = true;
    st.cv.notify_one();
  }
  if (st.worker.joinable())
    st.worker.join();
  // Kvitteringer already handed to the producer still go out; the rest
  // are answered again after a restart.
  if (st.producer)
    if (auto err = st.producer->flush(std::chrono::seconds{10}))
      OS_LOG(warning) << "utsjekk-os could not flush error=" << render(err);
  if (st.server)
    st.server->stop();
  OS_LOG(info) << "utsjekk-os stopped";
}

} // namespace utsjekk::os
