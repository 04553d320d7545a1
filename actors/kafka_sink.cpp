#include "actors/kafka_sink.hpp"

#include "actors/logging.hpp"
#include "messages/error.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace utsjekk {

namespace {

/// One unit handed to produce().
struct unit {
  std::vector<out_record> recs;
  uint64_t token = 0;
  /// The keys whose input the unit's statuses settle.
  std::vector<settled_key> settles;
};

/// How often a retriable commit is tried before the batch is aborted.
constexpr int commit_attempts = 5;

} // namespace

caf::error validate(const kafka_sink_config& cfg) {
  if (cfg.transactional_id.empty())
    return caf::make_error(ec::invalid_config,
                           std::string{"transactional-id must not be empty"});
  if (cfg.max_records == 0 || cfg.linger.count() < 0
      || cfg.offset_linger.count() < 0 || cfg.timeout.count() <= 0)
    return caf::make_error(ec::invalid_config,
                           std::string{"the sink's linger, batch size and "
                                       "timeout must be positive"});
  return caf::none;
}

// Threading: produce(), offsets_stored() and flush() only touch the queue
// under `mtx` and signal `cv`; the sink's thread takes batches off the
// queue and makes every call into the producer with `mtx` released.
struct kafka_sink::impl {
  /// The owner, for report().
  kafka_sink* owner = nullptr;
  kafka_sink_config cfg;
  /// Owned by `thread` once it runs.
  std::unique_ptr<kafka::transactional_producer> producer;
  /// Where input offsets come from; empty functions when none.
  offset_source offsets;
  /// Runs once when the producer is fenced.
  std::function<void(const caf::error&)> fatal_handler;
  /// Guards everything below.
  std::mutex mtx;
  /// Signalled on new work and after each transaction.
  std::condition_variable cv;
  /// Units waiting for a transaction, in the order of produce().
  std::deque<unit> queue;
  /// Whether stored offsets wait for a transaction.
  bool offsets_dirty = false;
  /// flush() calls so far, and the last one served completely.
  uint64_t flush_wanted = 0;
  uint64_t flush_done = 0;
  /// The error of the last transaction a flush waited on.
  caf::error flush_error;
  /// Set by stop().
  bool stopping = false;
  /// Set once the producer is fenced or failed fatally.
  caf::error fenced;
  /// Transactions committed and aborted.
  std::atomic<uint64_t> commits{0};
  std::atomic<uint64_t> aborts{0};
  /// Takes batches and commits them.
  std::thread thread;

  /// Records in the queue.
  size_t queued_records() const {
    size_t n = 0;
    for (const auto& x : queue)
      n += x.recs.size();
    return n;
  }

  /// Whether the thread has something to do now.
  bool has_work() const {
    return stopping || !queue.empty() || offsets_dirty
           || flush_wanted > flush_done;
  }

  /// The thread's loop.
  void run() {
    std::unique_lock<std::mutex> guard{mtx};
    for (;;) {
      // Wait for work; leave once stopping and nothing is left.
      cv.wait(guard, [this] { return has_work(); });
      if (stopping && queue.empty() && !offsets_dirty
          && flush_wanted <= flush_done)
        return;
      // Linger: records wait briefly for company, offsets longer; a
      // flush, a full batch or stopping close the batch at once.
      auto wait = queue.empty() ? cfg.offset_linger : cfg.linger;
      auto until = std::chrono::steady_clock::now() + wait;
      cv.wait_until(guard, until, [this, had = queue.empty()] {
        return stopping || flush_wanted > flush_done
               || queued_records() >= cfg.max_records
               || (had && !queue.empty());
      });
      if (!queue.empty() && queued_records() < cfg.max_records
          && flush_wanted <= flush_done && !stopping)
        cv.wait_until(guard,
                      std::chrono::steady_clock::now() + cfg.linger,
                      [this] {
                        return stopping || flush_wanted > flush_done
                               || queued_records() >= cfg.max_records;
                      });
      // Take the batch: whole units up to max_records, at least one.
      std::vector<unit> batch;
      size_t n = 0;
      while (!queue.empty()
             && (batch.empty() || n + queue.front().recs.size()
                                    <= cfg.max_records)) {
        n += queue.front().recs.size();
        batch.push_back(std::move(queue.front()));
        queue.pop_front();
      }
      offsets_dirty = false;
      auto serving = queue.empty() ? flush_wanted : flush_done;
      guard.unlock();
      auto err = commit_batch(batch);
      guard.lock();
      // Report every unit of the batch, then release waiting flushes.
      for (auto& x : batch)
        owner->report(x.token, err);
      if (serving > flush_done) {
        flush_done = serving;
        flush_error = err;
      }
      cv.notify_all();
    }
  }

  /// Writes `batch` and the stored offsets in one transaction; returns
  /// the error that kept it out, if any.
  caf::error commit_batch(const std::vector<unit>& batch) {
    {
      std::lock_guard<std::mutex> guard{mtx};
      if (fenced)
        return fenced;
    }
    // The offsets this batch moves: its statuses' inputs and what
    // readers stored.
    std::vector<settled_key> keys;
    for (const auto& x : batch)
      keys.insert(keys.end(), x.settles.begin(), x.settles.end());
    auto plan = offsets.inputs ? offsets.inputs->plan(keys) : offset_plan{};
    const auto& stored = plan.offsets;
    if (batch.empty() && stored.empty())
      return caf::none;
    auto started = std::chrono::steady_clock::now();
    auto err = transact(batch, stored);
    UTSJEKK_LOG(debug, "kafka-sink")
      << "kafka sink ended a transaction units=" << batch.size()
      << " offsets=" << stored.size() << " settled=" << plan.settled.size()
      << " ms="
      << std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::steady_clock::now() - started)
           .count()
      << " error=" << render(err);
    if (!err) {
      ++commits;
      if (offsets.inputs)
        offsets.inputs->committed(plan);
      return caf::none;
    }
    // Stored offsets wait for the next transaction.
    {
      std::lock_guard<std::mutex> guard{mtx};
      if (!stored.empty())
        offsets_dirty = true;
    }
    if (err == ec::kafka_fenced) {
      fence(err);
      return err;
    }
    // Abort what is open; a fatal error here fences too.
    ++aborts;
    UTSJEKK_LOG(warning, "kafka-sink")
      << "kafka sink aborts a transaction units=" << batch.size()
      << " offsets=" << stored.size() << " error=" << render(err);
    if (auto aerr = producer->abort(cfg.timeout)) {
      if (aerr == ec::kafka_fenced) {
        fence(aerr);
        return aerr;
      }
      UTSJEKK_LOG(warning, "kafka-sink")
        << "kafka sink could not abort a transaction error=" << render(aerr);
    }
    return err;
  }

  /// One transaction: begin, records, offsets, commit.
  caf::error transact(const std::vector<unit>& batch,
                      const kafka::offset_map& stored) {
    if (auto err = producer->begin())
      return err;
    for (const auto& x : batch)
      for (const auto& rec : x.recs)
        if (auto err = producer->produce(rec.topic, rec.key, rec.value,
                                         rec.headers))
          return err;
    if (!stored.empty()) {
      auto group = offsets.group();
      if (auto err = producer->send_offsets(stored, *group, cfg.timeout))
        return err;
    }
    caf::error err;
    for (int i = 0; i < commit_attempts; ++i) {
      err = producer->commit(cfg.timeout);
      if (err != ec::kafka_retriable)
        return err;
    }
    return err;
  }

  /// Marks the producer unusable and tells the fatal handler, once.
  void fence(const caf::error& err) {
    std::function<void(const caf::error&)> handler;
    {
      std::lock_guard<std::mutex> guard{mtx};
      if (fenced)
        return;
      fenced = err;
      handler = fatal_handler;
    }
    UTSJEKK_LOG(error, "kafka-sink")
      << "kafka sink stops: the producer is fenced or failed fatally "
         "error="
      << render(err);
    if (handler)
      handler(err);
  }
};

kafka_sink::kafka_sink() : impl_(std::make_unique<impl>()) {
}

kafka_sink::~kafka_sink() {
  stop();
}

caf::expected<std::shared_ptr<kafka_sink>>
kafka_sink::make(kafka_sink_config cfg) {
  if (auto err = validate(cfg))
    return err;
  // Journal records carry whole oppdrag: allow large records, compressed.
  auto kcfg = cfg.kafka;
  kcfg.properties.emplace("message.max.bytes", "16777216");
  kcfg.properties.emplace("compression.type", "lz4");
  auto producer = kafka::transactional_producer::make(kcfg,
                                                      cfg.transactional_id,
                                                      cfg.timeout);
  if (!producer)
    return producer.error();
  std::shared_ptr<kafka_sink> result{new kafka_sink};
  auto& st = *result->impl_;
  st.owner = result.get();
  st.cfg = std::move(cfg);
  st.producer = std::move(*producer);
  st.thread = std::thread{[&st] { st.run(); }};
  UTSJEKK_LOG(info, "kafka-sink")
    << "kafka sink started transactional-id=" << st.cfg.transactional_id;
  return result;
}

caf::error kafka_sink::produce(std::vector<out_record> recs,
                               uint64_t token) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  if (impl_->fenced)
    return impl_->fenced;
  if (impl_->stopping)
    return caf::make_error(ec::shutting_down,
                           std::string{"kafka sink: stopped"});
  // Statuses that settle their input name it, with the moment they were
  // queued: only inputs read before can be what they answer.
  std::vector<settled_key> settles;
  for (const auto& rec : recs)
    if (rec.settles && rec.key)
      settles.push_back(settled_key{
        *rec.key, impl_->offsets.inputs ? impl_->offsets.inputs->epoch() : 0});
  impl_->queue.push_back(unit{std::move(recs), token, std::move(settles)});
  impl_->cv.notify_all();
  return caf::none;
}

void kafka_sink::attach_offsets(offset_source src) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  impl_->offsets = std::move(src);
}

void kafka_sink::offsets_stored() {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  impl_->offsets_dirty = true;
  impl_->cv.notify_all();
}

void kafka_sink::on_fatal(std::function<void(const caf::error&)> handler) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  impl_->fatal_handler = std::move(handler);
}

caf::error kafka_sink::flush(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> guard{impl_->mtx};
  if (impl_->fenced)
    return impl_->fenced;
  if (!impl_->thread.joinable())
    return caf::make_error(ec::shutting_down,
                           std::string{"kafka sink: stopped"});
  // Wait until a transaction taken after this call emptied the queue.
  auto mine = ++impl_->flush_wanted;
  impl_->offsets_dirty = true;
  impl_->cv.notify_all();
  auto done = impl_->cv.wait_for(guard, timeout, [this, mine] {
    return impl_->flush_done >= mine || impl_->fenced;
  });
  if (impl_->fenced)
    return impl_->fenced;
  if (!done)
    return caf::make_error(ec::timeout,
                           "kafka sink: flush took longer than "
                             + std::to_string(timeout.count()) + " ms");
  return impl_->flush_error;
}

void kafka_sink::stop() {
  {
    std::lock_guard<std::mutex> guard{impl_->mtx};
    if (impl_->stopping)
      return;
    impl_->stopping = true;
    impl_->cv.notify_all();
  }
  if (impl_->thread.joinable())
    impl_->thread.join();
  impl_->producer.reset();
}

uint64_t kafka_sink::committed_transactions() const {
  return impl_->commits.load();
}

uint64_t kafka_sink::aborted_transactions() const {
  return impl_->aborts.load();
}

} // namespace utsjekk
