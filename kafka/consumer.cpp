#include "kafka/kafka.hpp"

#include "kafka/handle.hpp"
#include "messages/error.hpp"

#include <array>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace utsjekk::kafka {

namespace {

/// Records taken from librdkafka per round before they are handed on.
constexpr int max_round = 100;

/// How long the poll thread sleeps on an empty queue before it looks again
/// (the queue wakes it earlier when something arrives).
constexpr auto idle_wait = std::chrono::milliseconds{100};

/// How long resume() waits for a rewinding seek.
constexpr int seek_timeout_ms = 5000;

/// Copies one consumed message into a record.
record to_record(const rd_kafka_message_t* msg) {
  record result;
  result.tp = {rd_kafka_topic_name(msg->rkt), msg->partition};
  result.offset = msg->offset;
  // A null key stays absent; a null value reads as empty (a tombstone).
  if (msg->key != nullptr)
    result.key.emplace(static_cast<const char*>(msg->key), msg->key_len);
  if (msg->payload != nullptr)
    result.value.assign(static_cast<const char*>(msg->payload), msg->len);
  // Headers, in their order on the wire.
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(msg, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* val = nullptr;
    size_t size = 0;
    for (size_t i = 0;
         rd_kafka_header_get_all(hdrs, i, &name, &val, &size)
         == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i)
      result.headers.emplace_back(
        name, val != nullptr
                ? std::string{static_cast<const char*>(val), size}
                : std::string{});
  }
  // The timestamp, when the broker has one.
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  auto ts = rd_kafka_message_timestamp(msg, &type);
  result.timestamp_ms = type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? -1 : ts;
  return result;
}

/// Destroys a consumed message.
struct message_deleter {
  void operator()(rd_kafka_message_t* x) const {
    rd_kafka_message_destroy(x);
  }
};

} // namespace

// Threading: librdkafka calls the rebalance and error callbacks from
// rd_kafka_consumer_poll(), which only the poll thread calls, and only
// while holding `mtx`. The public methods take `mtx` too. The poll thread
// takes records from librdkafka and hands them on in one locked round, so
// when pause() returns no record of that partition sits in between, and
// none is handed on until resume().
struct consumer::impl {
  /// The client handle.
  detail::handle_ptr rk;
  /// The consumer queue (librdkafka's main queue is forwarded to it).
  detail::queue_ptr queue;
  /// The subscribed topics.
  std::vector<std::string> topics;
  /// Where events go.
  consumer_handlers handlers;
  /// How stored offsets reach the group.
  offset_commit mode = offset_commit::automatic;
  /// Guards everything below and every call into librdkafka that changes
  /// the assignment, the pause state or stored offsets. Recursive, so a
  /// handler may call pause() or store_offset() on the poll thread.
  mutable std::recursive_mutex mtx;
  /// The partitions currently assigned.
  std::set<topic_partition> assigned;
  /// The assigned partitions paused by pause().
  std::set<topic_partition> paused;
  /// For a paused partition whose records were dropped: the offset to
  /// fetch again from on resume().
  std::map<topic_partition, int64_t> rewind;
  /// Records of the current round, per partition, in offset order.
  std::map<topic_partition, std::vector<record>> round;
  /// Guards `woken`.
  std::mutex wake_mtx;
  /// Signalled by librdkafka when the queue turns non-empty, by stop(),
  /// and when the last waiting caller got `mtx`.
  std::condition_variable wake_cv;
  /// Whether the poll thread has something to look at.
  bool woken = false;
  /// Public calls waiting for or holding `mtx`. The poll thread lets them
  /// go first between rounds, so a busy consumer cannot starve pause().
  std::atomic<int> callers{0};
  /// Tells the poll thread to end.
  std::atomic<bool> stopping{false};
  /// Guards `started` and `stopped`.
  std::mutex lifecycle_mtx;
  /// Whether start() ran.
  bool started = false;
  /// Whether stop() ran.
  bool stopped = false;
  /// The poll thread.
  std::thread thread;

  /// Holds `mtx` for a public method, ahead of the poll thread's next
  /// round.
  class caller_lock {
  public:
    explicit caller_lock(impl& self) : self_(self) {
      ++self_.callers;
      self_.mtx.lock();
    }
    ~caller_lock() {
      self_.mtx.unlock();
      if (--self_.callers == 0) {
        std::lock_guard<std::mutex> guard{self_.wake_mtx};
        self_.wake_cv.notify_one();
      }
    }
    caller_lock(const caller_lock&) = delete;
    caller_lock& operator=(const caller_lock&) = delete;

  private:
    impl& self_;
  };

  /// Reports `err` to the on_error handler, if any.
  void report(const caf::error& err) {
    if (handlers.on_error)
      handlers.on_error(err);
  }

  /// librdkafka's queue callback: runs on one of its threads when the
  /// consumer queue turns non-empty; it only wakes the poll thread.
  static void on_queue_event(rd_kafka_t*, void* opaque) {
    auto* self = static_cast<impl*>(opaque);
    std::lock_guard<std::mutex> guard{self->wake_mtx};
    self->woken = true;
    self->wake_cv.notify_one();
  }

  /// librdkafka's rebalance callback (eager protocol).
  static void on_rebalance(rd_kafka_t*, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* partitions,
                           void* opaque) {
    auto* self = static_cast<impl*>(opaque);
    std::lock_guard<std::recursive_mutex> guard{self->mtx};
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS)
      self->assign(partitions);
    else
      self->revoke(partitions, err);
  }

  /// librdkafka's error callback: fatal and notable errors only; the
  /// transient ones librdkafka retries by itself.
  static void on_client_error(rd_kafka_t* rk, int err, const char* reason,
                              void* opaque) {
    auto* self = static_cast<impl*>(opaque);
    auto code = static_cast<rd_kafka_resp_err_t>(err);
    // A fatal error names its cause separately.
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
      std::array<char, 512> text{};
      auto cause = rd_kafka_fatal_error(rk, text.data(), text.size());
      self->report(detail::make_kafka_error(
        "consumer fatal error " + std::string{rd_kafka_err2name(cause)},
        text.data()));
      return;
    }
    switch (code) {
      case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
      case RD_KAFKA_RESP_ERR__AUTHENTICATION:
      case RD_KAFKA_RESP_ERR__SSL:
      case RD_KAFKA_RESP_ERR__INVALID_ARG:
        self->report(detail::make_kafka_error(
          "consumer " + std::string{rd_kafka_err2name(code)}, reason));
        break;
      default:
        break;
    }
  }

  /// Takes on `partitions`, then tells the handler.
  void assign(rd_kafka_topic_partition_list_t* partitions) {
    // Start fetching from the committed offsets.
    auto err = rd_kafka_assign(rk.get(), partitions);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      report(detail::make_kafka_error("assign partitions", err));
      return;
    }
    auto tps = detail::to_topic_partitions(partitions);
    assigned.insert(tps.begin(), tps.end());
    if (handlers.on_assigned)
      handlers.on_assigned(tps);
  }

  /// Gives up `partitions`: the handler first, then a synchronous commit
  /// of what was stored, then the unassignment.
  void revoke(rd_kafka_topic_partition_list_t* partitions,
              rd_kafka_resp_err_t reason) {
    // Tell the handler while the partitions are still ours, so it may
    // store its last offsets.
    auto tps = detail::to_topic_partitions(partitions);
    if (handlers.on_revoked && !tps.empty())
      handlers.on_revoked(tps);
    if (reason != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS)
      report(detail::make_kafka_error("rebalance", reason));
    // Commit; "nothing to commit" is fine. Their next owner starts from
    // what was committed.
    commit();
    // Records of this round for these partitions are not handed on; they
    // were not stored, so their next owner reads them again.
    for (const auto& tp : tps)
      round.erase(tp);
    // Unassign, then clear the pause flag librdkafka keeps per partition,
    // so a later assignment of the same partition fetches again.
    auto err = rd_kafka_assign(rk.get(), nullptr);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      report(detail::make_kafka_error("unassign partitions", err));
    std::vector<topic_partition> was_paused;
    for (const auto& tp : tps)
      if (paused.erase(tp) > 0)
        was_paused.push_back(tp);
    if (!was_paused.empty()) {
      auto list = detail::make_partition_list(was_paused);
      static_cast<void>(rd_kafka_resume_partitions(rk.get(), list.get()));
    }
    for (const auto& tp : tps) {
      assigned.erase(tp);
      rewind.erase(tp);
    }
  }

  /// Commits the stored offsets synchronously: by librdkafka, or in
  /// transactional mode by the commit_offsets handler.
  void commit() {
    if (mode == offset_commit::transactional) {
      if (!handlers.commit_offsets)
        return;
      if (auto err = handlers.commit_offsets())
        report(err);
      return;
    }
    auto err = rd_kafka_commit(rk.get(), nullptr, 0);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR
        && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
      report(detail::make_kafka_error("commit offsets", err));
  }

  /// Files one message of this round: a record, an error, or nothing.
  void take(const rd_kafka_message_t* msg) {
    // Errors are not records; end of partition is not even an error.
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
        report(detail::make_kafka_error("consume", msg->err));
      return;
    }
    topic_partition tp{rd_kafka_topic_name(msg->rkt), msg->partition};
    // A record of a partition given up is read again by its next owner.
    if (assigned.count(tp) == 0)
      return;
    // A record of a paused partition is fetched again on resume.
    if (paused.count(tp) > 0) {
      auto [it, added] = rewind.emplace(tp, msg->offset);
      if (!added && msg->offset < it->second)
        it->second = msg->offset;
      return;
    }
    round[tp].push_back(to_record(msg));
  }

  /// One round: take what librdkafka has, hand it on per partition.
  /// Returns whether librdkafka may have more right away.
  bool poll_round() {
    std::lock_guard<std::recursive_mutex> guard{mtx};
    // Take without blocking, so pause() never waits on the network.
    int taken = 0;
    for (; taken < max_round; ++taken) {
      std::unique_ptr<rd_kafka_message_t, message_deleter> msg{
        rd_kafka_consumer_poll(rk.get(), 0)};
      if (msg == nullptr)
        break;
      take(msg.get());
    }
    // Hand on each partition's records; a handler that pauses a partition
    // takes the rest of its records of this round off the table.
    while (!round.empty()) {
      auto node = round.extract(round.begin());
      if (paused.count(node.key()) > 0) {
        rewind.emplace(node.key(), node.mapped().front().offset);
        continue;
      }
      if (handlers.on_records && !node.mapped().empty())
        handlers.on_records(std::move(node.mapped()));
    }
    return taken == max_round;
  }

  /// The poll thread's loop; it also leaves the group, so that the last
  /// revoke runs here like every other.
  void run() {
    auto more = false;
    while (!stopping.load()) {
      // Let waiting callers go first. Unless the last round left records
      // behind, sleep until the queue has something, or look anyway now
      // and then (librdkafka wants to be polled).
      {
        std::unique_lock<std::mutex> guard{wake_mtx};
        wake_cv.wait_for(guard, idle_wait, [this, more] {
          return stopping.load() || (callers.load() == 0 && (more || woken));
        });
        woken = false;
      }
      more = poll_round();
    }
    close();
  }

  /// Commits what was stored and leaves the group; the final revoke runs
  /// inside rd_kafka_consumer_close().
  void close() {
    {
      std::lock_guard<std::recursive_mutex> guard{mtx};
      if (!assigned.empty())
        commit();
    }
    auto err = rd_kafka_consumer_close(rk.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      report(detail::make_kafka_error("close consumer", err));
  }
};

consumer::consumer() : impl_(std::make_unique<impl>()) {
}

consumer::~consumer() {
  stop();
  // The queue must go before the handle; the callback must go before both.
  if (impl_->queue != nullptr)
    rd_kafka_queue_cb_event_enable(impl_->queue.get(), nullptr, nullptr);
  impl_->queue.reset();
}

caf::expected<std::unique_ptr<consumer>>
consumer::make(const client_config& cfg, const std::string& group_id,
               const std::vector<std::string>& topics,
               consumer_handlers handlers, offset_commit mode) {
  if (group_id.empty() || topics.empty())
    return caf::make_error(ec::invalid_config,
                           std::string{"consumer: no group id or no topics"});
  // Offsets are stored by the application and committed by auto-commit,
  // on revoke and on close, or only by transactions. The eager assignors
  // keep the rebalance callback simple; the timeouts suit loopback and
  // are the broker's minimum for a session. isolation.level stays
  // librdkafka's default, read_committed.
  auto auto_commit = mode == offset_commit::automatic ? "true" : "false";
  auto conf = detail::make_conf(
    cfg, {
           {"group.id", group_id},
           {"client.id", "utsjekk-consumer"},
           {"enable.auto.offset.store", "false"},
           {"enable.auto.commit", auto_commit},
           {"auto.offset.reset", "earliest"},
           {"enable.partition.eof", "false"},
           {"partition.assignment.strategy", "range,roundrobin"},
           {"session.timeout.ms", "6000"},
           {"heartbeat.interval.ms", "500"},
           {"fetch.wait.max.ms", "100"},
           {"log.connection.close", "false"},
         });
  if (!conf)
    return std::move(conf.error());
  // The callbacks find the wrapper through the handle's opaque.
  std::unique_ptr<consumer> result{new consumer};
  auto& self = *result->impl_;
  self.topics = topics;
  self.handlers = std::move(handlers);
  self.mode = mode;
  rd_kafka_conf_set_opaque(conf->get(), &self);
  rd_kafka_conf_set_rebalance_cb(conf->get(), &impl::on_rebalance);
  rd_kafka_conf_set_error_cb(conf->get(), &impl::on_client_error);
  auto rk = detail::make_handle(RD_KAFKA_CONSUMER, std::move(*conf));
  if (!rk)
    return std::move(rk.error());
  self.rk = std::move(*rk);
  // Serve every event (errors, rebalances, records) from the one consumer
  // queue, which wakes the poll thread when it fills.
  auto err = rd_kafka_poll_set_consumer(self.rk.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return detail::make_kafka_error("consumer queue", err);
  self.queue.reset(rd_kafka_queue_get_consumer(self.rk.get()));
  rd_kafka_queue_cb_event_enable(self.queue.get(), &impl::on_queue_event,
                                 &self);
  return result;
}

caf::error consumer::start() {
  std::lock_guard<std::mutex> guard{impl_->lifecycle_mtx};
  if (impl_->started || impl_->stopped)
    return caf::make_error(ec::invalid_config,
                           std::string{"consumer: start() called twice or "
                                       "after stop()"});
  // Subscribe; the group assigns partitions on the poll thread.
  auto list = detail::make_partition_list({});
  for (const auto& topic : impl_->topics)
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(),
                                      RD_KAFKA_PARTITION_UA);
  auto err = rd_kafka_subscribe(impl_->rk.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return detail::make_kafka_error("subscribe", err);
  impl_->started = true;
  auto& self = *impl_;
  self.thread = std::thread{[&self] { self.run(); }};
  return {};
}

void consumer::stop() {
  std::lock_guard<std::mutex> guard{impl_->lifecycle_mtx};
  if (impl_->stopped || impl_->rk == nullptr)
    return;
  impl_->stopped = true;
  // The poll thread commits and leaves the group on its way out.
  if (impl_->started) {
    {
      std::lock_guard<std::mutex> wake{impl_->wake_mtx};
      impl_->stopping = true;
      impl_->wake_cv.notify_one();
    }
    impl_->thread.join();
    return;
  }
  // Never started: nothing assigned, only the handle to close.
  impl_->close();
}

caf::error consumer::store_offset(const topic_partition& tp,
                                  int64_t next_offset) {
  impl::caller_lock guard{*impl_};
  // Only an assigned partition has a place to store into.
  if (impl_->assigned.count(tp) == 0)
    return caf::make_error(ec::kafka_failed,
                           "store offset " + to_string(tp)
                             + ": partition not assigned to this consumer");
  // Transactional mode: the producer sends offsets in its transactions.
  if (impl_->mode == offset_commit::transactional)
    return caf::make_error(ec::kafka_failed,
                           "store offset " + to_string(tp)
                             + ": a transactional consumer commits only "
                               "through its producer");
  auto list = detail::make_partition_list({tp}, next_offset);
  auto err = rd_kafka_offsets_store(impl_->rk.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return detail::make_kafka_error("store offset " + to_string(tp), err);
  return detail::first_partition_error("store offset", list.get());
}

caf::error consumer::pause(const topic_partition& tp) {
  impl::caller_lock guard{*impl_};
  if (impl_->assigned.count(tp) == 0)
    return caf::make_error(ec::kafka_failed,
                           "pause " + to_string(tp)
                             + ": partition not assigned to this consumer");
  if (impl_->paused.count(tp) > 0)
    return {};
  // Stop fetching. librdkafka discards what it fetched but has not handed
  // out and fetches on resume from after the last record handed out.
  auto list = detail::make_partition_list({tp});
  auto err = rd_kafka_pause_partitions(impl_->rk.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return detail::make_kafka_error("pause " + to_string(tp), err);
  if (auto perr = detail::first_partition_error("pause", list.get()))
    return perr;
  impl_->paused.insert(tp);
  return {};
}

caf::error consumer::resume(const topic_partition& tp) {
  impl::caller_lock guard{*impl_};
  if (impl_->paused.count(tp) == 0)
    return impl_->assigned.count(tp) > 0
             ? caf::error{}
             : caf::make_error(ec::kafka_failed,
                               "resume " + to_string(tp)
                                 + ": partition not assigned to this "
                                   "consumer");
  // Records taken from librdkafka while paused were dropped: fetch again
  // from the first of them.
  auto it = impl_->rewind.find(tp);
  if (it != impl_->rewind.end()) {
    auto list = detail::make_partition_list({tp}, it->second);
    std::unique_ptr<rd_kafka_error_t, decltype(&rd_kafka_error_destroy)>
      serr{rd_kafka_seek_partitions(impl_->rk.get(), list.get(),
                                    seek_timeout_ms),
           &rd_kafka_error_destroy};
    if (serr != nullptr)
      return detail::make_kafka_error("resume " + to_string(tp) + " seek",
                                      rd_kafka_error_string(serr.get()));
    if (auto perr = detail::first_partition_error("resume seek", list.get()))
      return perr;
    impl_->rewind.erase(it);
  }
  // Fetch again.
  auto list = detail::make_partition_list({tp});
  auto err = rd_kafka_resume_partitions(impl_->rk.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return detail::make_kafka_error("resume " + to_string(tp), err);
  if (auto perr = detail::first_partition_error("resume", list.get()))
    return perr;
  impl_->paused.erase(tp);
  return {};
}

std::unique_ptr<kafka::group_metadata> consumer::group_metadata() const {
  auto result = std::make_unique<kafka::group_metadata::impl>();
  result->ptr.reset(rd_kafka_consumer_group_metadata(impl_->rk.get()));
  return std::make_unique<kafka::group_metadata>(std::move(result));
}

int64_t consumer::high_watermark(const topic_partition& tp) const {
  // librdkafka caches the watermarks from its fetch responses.
  int64_t low = -1;
  int64_t high = -1;
  auto err = rd_kafka_get_watermark_offsets(impl_->rk.get(), tp.topic.c_str(),
                                            tp.partition, &low, &high);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR || high < 0)
    return -1;
  return high;
}

} // namespace utsjekk::kafka
