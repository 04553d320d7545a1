#include "kafka/kafka.hpp"

#include "kafka/handle.hpp"
#include "messages/error.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace utsjekk::kafka {

namespace {

/// How long produce() waits for room in a full local queue.
constexpr auto queue_full_patience = std::chrono::seconds{10};

/// How long the destructor waits for outstanding deliveries.
constexpr auto close_patience = std::chrono::seconds{10};

/// How long one rd_kafka_poll() call of the delivery thread blocks.
constexpr int poll_interval_ms = 100;

} // namespace

struct producer::impl {
  /// The client handle.
  detail::handle_ptr rk;
  /// Called per delivery report, on `thread`.
  delivery_handler on_delivery;
  /// Records enqueued whose delivery handler has not returned yet.
  std::atomic<int> pending{0};
  /// Tells the delivery thread to end.
  std::atomic<bool> stopping{false};
  /// Guards nothing but the wait on `progress`.
  std::mutex mtx;
  /// Signalled after each round of delivery reports.
  std::condition_variable progress;
  /// Serves delivery reports until `stopping`.
  std::thread thread;

  /// librdkafka's delivery-report callback: the token travels as the
  /// message opaque.
  static void on_report(rd_kafka_t*, const rd_kafka_message_t* msg,
                        void* opaque) {
    auto* self = static_cast<impl*>(opaque);
    auto token = static_cast<uint64_t>(
      reinterpret_cast<uintptr_t>(msg->_private));
    // Report success, or the error naming where the record was headed;
    // only then does the record leave the count flush() waits on.
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      self->on_delivery(token, caf::error{});
    } else {
      std::string what = "deliver to ";
      what += rd_kafka_topic_name(msg->rkt);
      self->on_delivery(token, detail::make_kafka_error(what, msg->err));
    }
    --self->pending;
  }

  /// The delivery thread's loop.
  void run() {
    while (!stopping.load()) {
      // Serve reports; wake whoever waits for progress.
      rd_kafka_poll(rk.get(), poll_interval_ms);
      std::lock_guard<std::mutex> guard{mtx};
      progress.notify_all();
    }
  }

  /// Waits until the local queue is empty or `deadline` passes.
  bool wait_empty(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> guard{mtx};
    return progress.wait_until(guard, deadline,
                               [this] { return pending.load() == 0; });
  }
};

producer::producer() : impl_(std::make_unique<impl>()) {
}

producer::~producer() {
  if (impl_->thread.joinable()) {
    // Give outstanding records a bounded chance, then end the thread;
    // rd_kafka_destroy() drops what is left.
    static_cast<void>(flush(close_patience));
    impl_->stopping = true;
    impl_->thread.join();
  }
}

caf::expected<std::unique_ptr<producer>>
producer::make(const client_config& cfg, delivery_handler on_delivery) {
  if (!on_delivery)
    return caf::make_error(ec::invalid_config,
                           std::string{"producer: no delivery handler"});
  // Idempotent and durable by default; a short linger keeps latency low.
  auto conf = detail::make_conf(cfg, {
                                       {"client.id", "utsjekk-producer"},
                                       {"enable.idempotence", "true"},
                                       {"acks", "all"},
                                       {"linger.ms", "5"},
                                       {"log.connection.close", "false"},
                                     });
  if (!conf)
    return std::move(conf.error());
  // The delivery callback finds the wrapper through the handle's opaque.
  std::unique_ptr<producer> result{new producer};
  auto& self = *result->impl_;
  self.on_delivery = std::move(on_delivery);
  rd_kafka_conf_set_opaque(conf->get(), &self);
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &impl::on_report);
  auto rk = detail::make_handle(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!rk)
    return std::move(rk.error());
  self.rk = std::move(*rk);
  // Start the delivery thread.
  self.thread = std::thread{[&self] { self.run(); }};
  return result;
}

caf::error producer::produce(const std::string& topic,
                             const std::optional<std::string>& key,
                             const std::string& value, const headers& hdrs,
                             uint64_t token) {
  // Copy the headers; librdkafka takes them only when it takes the record.
  auto owned = detail::copy_headers(hdrs);
  // Enqueue; on a full local queue wait for the delivery thread to make
  // room, a bounded time.
  auto deadline = std::chrono::steady_clock::now() + queue_full_patience;
  ++impl_->pending;
  for (;;) {
    auto err = detail::enqueue(
      impl_->rk.get(), topic, key, value, owned,
      reinterpret_cast<void*>(static_cast<uintptr_t>(token)));
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
      return {};
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL
        || std::chrono::steady_clock::now() >= deadline) {
      --impl_->pending;
      return detail::make_kafka_error("produce to " + topic, err);
    }
    std::unique_lock<std::mutex> guard{impl_->mtx};
    impl_->progress.wait_until(guard, deadline);
  }
}

caf::error producer::flush(std::chrono::milliseconds timeout) {
  // The delivery thread serves the reports; rd_kafka_flush() would serve
  // them on the calling thread instead.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  if (impl_->wait_empty(deadline))
    return {};
  return caf::make_error(ec::timeout,
                         "flush: " + std::to_string(in_queue())
                           + " records still in queue after "
                           + std::to_string(timeout.count()) + " ms");
}

int producer::in_queue() const {
  // Not rd_kafka_outq_len(): that counts queued events too.
  return impl_->pending.load();
}

} // namespace utsjekk::kafka
