#include "kafka/kafka.hpp"

#include "kafka/handle.hpp"
#include "messages/error.hpp"

#include <array>

namespace utsjekk::kafka {

namespace {

/// How long produce() waits for room in a full local queue.
constexpr auto queue_full_patience = std::chrono::seconds{10};

/// How long one rd_kafka_poll() call blocks while produce() waits.
constexpr int queue_full_poll_ms = 10;

/// Owns an error object of the transactional API.
using error_ptr
  = std::unique_ptr<rd_kafka_error_t, decltype(&rd_kafka_error_destroy)>;

/// Turns an error of the transactional API into the error code that tells
/// the caller what it may do next; none for success.
caf::error to_error(const std::string& what, rd_kafka_error_t* raw) {
  error_ptr err{raw, &rd_kafka_error_destroy};
  if (err == nullptr)
    return {};
  auto text = what + ": " + rd_kafka_error_name(err.get()) + ": "
              + rd_kafka_error_string(err.get());
  if (rd_kafka_error_is_fatal(err.get()))
    return caf::make_error(ec::kafka_fenced, std::move(text));
  if (rd_kafka_error_txn_requires_abort(err.get()))
    return caf::make_error(ec::kafka_aborted, std::move(text));
  if (rd_kafka_error_is_retriable(err.get()))
    return caf::make_error(ec::kafka_retriable, std::move(text));
  return caf::make_error(ec::kafka_failed, std::move(text));
}

int to_ms(std::chrono::milliseconds x) {
  return static_cast<int>(x.count());
}

} // namespace

group_metadata::group_metadata(std::unique_ptr<impl> x)
  : impl_(std::move(x)) {
}

group_metadata::~group_metadata() = default;

group_metadata::impl& group_metadata::get() const {
  return *impl_;
}

struct transactional_producer::impl {
  /// The client handle.
  detail::handle_ptr rk;
  /// Used in error texts.
  std::string transactional_id;
};

transactional_producer::transactional_producer()
  : impl_(std::make_unique<impl>()) {
}

// rd_kafka_destroy() leaves an open transaction to the coordinator, which
// aborts it on timeout or when the next instance calls init_transactions.
transactional_producer::~transactional_producer() = default;

caf::expected<std::unique_ptr<transactional_producer>>
transactional_producer::make(const client_config& cfg,
                             const std::string& transactional_id,
                             std::chrono::milliseconds timeout) {
  if (transactional_id.empty())
    return caf::make_error(ec::invalid_config,
                           std::string{"transactional producer: no "
                                       "transactional.id"});
  // Transactions imply idempotence and acks=all; a transaction left open
  // by a crashed instance is aborted by the coordinator after
  // transaction.timeout.ms unless a restart fences it sooner.
  auto conf = detail::make_conf(cfg, {
                                       {"client.id", "utsjekk-tx-producer"},
                                       {"transactional.id", transactional_id},
                                       {"enable.idempotence", "true"},
                                       {"acks", "all"},
                                       {"linger.ms", "1"},
                                       {"transaction.timeout.ms", "60000"},
                                       {"log.connection.close", "false"},
                                     });
  if (!conf)
    return std::move(conf.error());
  std::unique_ptr<transactional_producer> result{new transactional_producer};
  auto rk = detail::make_handle(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!rk)
    return std::move(rk.error());
  result->impl_->rk = std::move(*rk);
  result->impl_->transactional_id = transactional_id;
  // Register with the coordinator; this fences earlier instances.
  if (auto err = to_error("init transactions " + transactional_id,
                          rd_kafka_init_transactions(
                            result->impl_->rk.get(), to_ms(timeout))))
    return err;
  return result;
}

caf::error transactional_producer::begin() {
  // Serve queued events (errors, logs) between transactions.
  rd_kafka_poll(impl_->rk.get(), 0);
  return to_error("begin transaction",
                  rd_kafka_begin_transaction(impl_->rk.get()));
}

caf::error
transactional_producer::produce(const std::string& topic,
                                const std::optional<std::string>& key,
                                const std::string& value,
                                const headers& hdrs) {
  // Copy the headers; librdkafka takes them only when it takes the record.
  auto owned = detail::copy_headers(hdrs);
  // Enqueue; on a full local queue let librdkafka make room, a bounded
  // time.
  auto deadline = std::chrono::steady_clock::now() + queue_full_patience;
  for (;;) {
    auto err = detail::enqueue(impl_->rk.get(), topic, key, value, owned);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
      return {};
    // A fatal error (fenced) names its cause separately.
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      std::array<char, 512> text{};
      auto cause = rd_kafka_fatal_error(impl_->rk.get(), text.data(),
                                        text.size());
      return caf::make_error(ec::kafka_fenced,
                             "produce to " + topic + ": "
                               + rd_kafka_err2name(cause) + ": "
                               + text.data());
    }
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL
        || std::chrono::steady_clock::now() >= deadline)
      return detail::make_kafka_error("produce to " + topic, err);
    rd_kafka_poll(impl_->rk.get(), queue_full_poll_ms);
  }
}

caf::error transactional_producer::send_offsets(
  const offset_map& offsets, const kafka::group_metadata& group,
  std::chrono::milliseconds timeout) {
  if (offsets.empty())
    return {};
  // One list of every partition's next offset.
  auto list = detail::make_partition_list({});
  for (const auto& [tp, next] : offsets)
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(),
                                      tp.partition)
      ->offset = next;
  return to_error("send offsets to transaction",
                  rd_kafka_send_offsets_to_transaction(
                    impl_->rk.get(), list.get(), group.get().ptr.get(),
                    to_ms(timeout)));
}

caf::error transactional_producer::flush(std::chrono::milliseconds timeout) {
  auto err = rd_kafka_flush(impl_->rk.get(), to_ms(timeout));
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT)
    return caf::make_error(ec::timeout,
                           "flush transaction: records still in queue after "
                             + std::to_string(timeout.count()) + " ms");
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return detail::make_kafka_error("flush transaction", err);
  return {};
}

caf::error transactional_producer::commit(std::chrono::milliseconds timeout) {
  return to_error("commit transaction",
                  rd_kafka_commit_transaction(impl_->rk.get(),
                                              to_ms(timeout)));
}

caf::error transactional_producer::abort(std::chrono::milliseconds timeout) {
  return to_error("abort transaction",
                  rd_kafka_abort_transaction(impl_->rk.get(), to_ms(timeout)));
}

} // namespace utsjekk::kafka
