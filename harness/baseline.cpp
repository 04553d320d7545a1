#include "harness/baseline.hpp"

#include "messages/error.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

// librdkafka is used bare here, not through kafka/: the point is the cost
// of the Kafka I/O alone. Its errors still end as caf::error, in this file.

namespace utsjekk::bench {

namespace {

using clock = std::chrono::steady_clock;

/// How long the topic check waits for metadata.
constexpr int metadata_timeout_ms = 10000;

/// Destroys a configuration that rd_kafka_new() did not take.
struct conf_deleter {
  void operator()(rd_kafka_conf_t* x) const {
    rd_kafka_conf_destroy(x);
  }
};

/// Destroys a client handle.
struct handle_deleter {
  void operator()(rd_kafka_t* x) const {
    rd_kafka_destroy(x);
  }
};

/// Destroys a partition list.
struct list_deleter {
  void operator()(rd_kafka_topic_partition_list_t* x) const {
    rd_kafka_topic_partition_list_destroy(x);
  }
};

using conf_ptr = std::unique_ptr<rd_kafka_conf_t, conf_deleter>;
using handle_ptr = std::unique_ptr<rd_kafka_t, handle_deleter>;
using list_ptr
  = std::unique_ptr<rd_kafka_topic_partition_list_t, list_deleter>;

/// A Kafka error as the project's error.
caf::error kafka_error(const std::string& what, rd_kafka_resp_err_t err) {
  return caf::make_error(ec::kafka_failed,
                         "baseline: " + what + ": " + rd_kafka_err2str(err));
}

/// What the callbacks of both clients report. They run on the thread that
/// polls, which is the thread of run_baseline: no locking needed.
struct run_state {
  /// Records delivered and records that failed.
  uint64_t delivered = 0;
  uint64_t failed = 0;
  /// The first failed delivery.
  rd_kafka_resp_err_t delivery_error = RD_KAFKA_RESP_ERR_NO_ERROR;
  /// When the last delivery report arrived.
  clock::time_point last_delivery{};
  /// Set when a client reported every broker down, or a fatal error; the
  /// reason as librdkafka gave it.
  bool brokers_down = false;
  bool fatal = false;
  std::string client_reason;
};

/// The producer's delivery report callback.
void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* st = static_cast<run_state*>(opaque);
  st->last_delivery = clock::now();
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++st->delivered;
    return;
  }
  if (st->failed++ == 0)
    st->delivery_error = msg->err;
}

/// The error callback of both clients: keeps the first error.
void on_client_error(rd_kafka_t*, int err, const char* reason,
                     void* opaque) {
  auto* st = static_cast<run_state*>(opaque);
  auto code = static_cast<rd_kafka_resp_err_t>(err);
  // A refused connection alone is retried; every broker down is not.
  if (code != RD_KAFKA_RESP_ERR__FATAL
      && code != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
    return;
  if (st->fatal)
    return;
  st->fatal = code == RD_KAFKA_RESP_ERR__FATAL;
  st->brokers_down = true;
  st->client_reason = reason != nullptr ? reason : "";
}

/// Makes a configuration from `props`, or the error naming the property
/// librdkafka refused.
caf::expected<conf_ptr>
make_conf(const std::vector<std::pair<std::string, std::string>>& props,
          run_state& st) {
  conf_ptr conf{rd_kafka_conf_new()};
  char err[512];
  for (const auto& [name, value] : props)
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), err,
                          sizeof err)
        != RD_KAFKA_CONF_OK)
      return caf::make_error(ec::invalid_config,
                             "baseline: " + name + ": " + err);
  rd_kafka_conf_set_opaque(conf.get(), &st);
  rd_kafka_conf_set_error_cb(conf.get(), &on_client_error);
  return conf;
}

/// Makes a client of `type`, taking `conf` on success.
caf::expected<handle_ptr> make_client(rd_kafka_type_t type, conf_ptr conf) {
  char err[512];
  auto* rk = rd_kafka_new(type, conf.get(), err, sizeof err);
  if (rk == nullptr)
    return caf::make_error(ec::kafka_failed,
                           std::string{"baseline: cannot create client: "}
                             + err);
  static_cast<void>(conf.release());
  return handle_ptr{rk};
}

/// A value of `size` bytes that compresses about as well as JSON: fixed
/// member names between pseudo-random digits.
std::string make_payload(uint64_t size) {
  std::string out;
  out.reserve(size);
  uint64_t state = 0x2545f4914f6cdd1dull;
  while (out.size() < size) {
    out += "\"field\":\"";
    for (int i = 0; i < 8; ++i) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      out += static_cast<char>('0' + (state >> 33) % 10);
    }
    out += "\",";
  }
  out.resize(size);
  return out;
}

/// Records to produce for input record `i` (from 0): the cumulative total
/// rounded, so the fractional part spreads evenly.
uint64_t share_of(uint64_t i, double per_message) {
  auto before = std::llround(static_cast<double>(i) * per_message);
  auto after = std::llround(static_cast<double>(i + 1) * per_message);
  return static_cast<uint64_t>(after - before);
}

/// Errors of a consumed message that end the run: the input cannot exist.
bool ends_run(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__FATAL:
      return true;
    default:
      return false;
  }
}

/// Checks the options before anything connects.
caf::error validate(const baseline_options& opts) {
  auto invalid = [](const char* what) {
    return caf::make_error(ec::invalid_config,
                           std::string{"baseline: "} + what);
  };
  if (opts.bootstrap.empty())
    return invalid("no bootstrap servers");
  if (opts.input_topics.empty())
    return invalid("no input topics");
  if (opts.messages == 0)
    return invalid("no input records to consume");
  if (opts.output_topic.empty())
    return invalid("no output topic");
  if (!(opts.records_per_message >= 0)
      || !std::isfinite(opts.records_per_message))
    return invalid("records per message must be a number >= 0");
  return caf::none;
}

/// The consumer and producer of one run, and what their callbacks saw.
struct run {
  const baseline_options& opts;
  run_state st;
  handle_ptr producer;
  handle_ptr consumer;
  clock::time_point deadline;

  /// Creates both clients and subscribes the consumer.
  caf::error start() {
    deadline = clock::now() + opts.timeout;
    // The producer as utsjekk's kafka_sink sets it up.
    auto pconf = make_conf({{"bootstrap.servers", opts.bootstrap},
                            {"client.id", "utsjekk-baseline"},
                            {"enable.idempotence", "true"},
                            {"acks", "all"},
                            {"linger.ms", "5"},
                            {"compression.type", "lz4"},
                            {"message.max.bytes", "16777216"},
                            {"log.connection.close", "false"}},
                           st);
    if (!pconf)
      return std::move(pconf.error());
    rd_kafka_conf_set_dr_msg_cb(pconf->get(), &on_delivery);
    auto p = make_client(RD_KAFKA_PRODUCER, std::move(*pconf));
    if (!p)
      return std::move(p.error());
    producer = std::move(*p);
    // The consumer as utsjekk's, in a group of its own.
    auto group = "utsjekk-baseline-" + std::to_string(::getpid()) + "-"
                 + std::to_string(clock::now().time_since_epoch().count());
    auto cconf = make_conf({{"bootstrap.servers", opts.bootstrap},
                            {"client.id", "utsjekk-baseline"},
                            {"group.id", group},
                            {"enable.auto.offset.store", "false"},
                            {"enable.auto.commit", "true"},
                            {"auto.offset.reset", "earliest"},
                            {"enable.partition.eof", "false"},
                            {"session.timeout.ms", "6000"},
                            {"heartbeat.interval.ms", "500"},
                            {"fetch.wait.max.ms", "100"},
                            {"log.connection.close", "false"}},
                           st);
    if (!cconf)
      return std::move(cconf.error());
    auto c = make_client(RD_KAFKA_CONSUMER, std::move(*cconf));
    if (!c)
      return std::move(c.error());
    consumer = std::move(*c);
    rd_kafka_poll_set_consumer(consumer.get());
    if (auto err = check_topics())
      return err;
    // Subscribe to every input topic.
    list_ptr topics{rd_kafka_topic_partition_list_new(
      static_cast<int>(opts.input_topics.size()))};
    for (const auto& t : opts.input_topics)
      rd_kafka_topic_partition_list_add(topics.get(), t.c_str(),
                                        RD_KAFKA_PARTITION_UA);
    auto err = rd_kafka_subscribe(consumer.get(), topics.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return kafka_error("subscribe", err);
    return caf::none;
  }

  /// Fails unless every input topic and the output topic exist. Asks for
  /// the metadata of all topics, which creates none.
  caf::error check_topics() {
    const rd_kafka_metadata_t* md = nullptr;
    auto err = rd_kafka_metadata(consumer.get(), 1, nullptr, &md,
                                 metadata_timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return kafka_error("metadata from " + opts.bootstrap, err);
    std::unique_ptr<const rd_kafka_metadata_t,
                    void (*)(const rd_kafka_metadata_t*)>
      owned{md, &rd_kafka_metadata_destroy};
    auto wanted = opts.input_topics;
    wanted.push_back(opts.output_topic);
    for (const auto& name : wanted) {
      auto* end = md->topics + md->topic_cnt;
      auto* found = std::find_if(md->topics, end, [&](const auto& t) {
        return t.topic == name && t.err == RD_KAFKA_RESP_ERR_NO_ERROR;
      });
      if (found == end)
        return kafka_error("topic " + name,
                           RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
    }
    return caf::none;
  }

  /// The error that ends the run now, if any: a fatal or early client
  /// error, a failed delivery, or a deadline passed.
  caf::error check(uint64_t consumed, clock::time_point last_input) {
    auto now = clock::now();
    if (st.fatal || (consumed == 0 && st.brokers_down))
      return caf::make_error(ec::kafka_failed,
                             "baseline: " + st.client_reason);
    if (st.failed > 0)
      return kafka_error("deliver to " + opts.output_topic,
                         st.delivery_error);
    if (now > deadline)
      return caf::make_error(ec::timeout,
                             "baseline: consumed " + std::to_string(consumed)
                               + " of " + std::to_string(opts.messages)
                               + " records before the deadline");
    if (now - last_input > opts.stall_timeout)
      return caf::make_error(ec::timeout,
                             "baseline: no input record for "
                               + std::to_string(opts.stall_timeout.count())
                               + " ms after " + std::to_string(consumed)
                               + " records");
    return caf::none;
  }

  /// Enqueues one record, serving delivery reports while the local queue
  /// is full.
  caf::error produce(const rd_kafka_message_t* input,
                     const std::string& payload) {
    for (;;) {
      auto err = rd_kafka_producev(
        producer.get(), RD_KAFKA_V_TOPIC(opts.output_topic.c_str()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(input->key, input->key_len),
        RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
        RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
        return caf::none;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || clock::now() > deadline)
        return kafka_error("produce to " + opts.output_topic, err);
      rd_kafka_poll(producer.get(), 50);
    }
  }

  /// Consumes, produces and stores offsets until `messages` records were
  /// read; returns the time the first one arrived and the records
  /// produced.
  caf::expected<std::pair<clock::time_point, uint64_t>> pipe() {
    auto payload = make_payload(opts.bytes_per_record);
    uint64_t consumed = 0;
    uint64_t produced = 0;
    auto first = clock::time_point{};
    auto last_input = clock::now();
    while (consumed < opts.messages) {
      // Stop on what cannot get better; serve delivery reports.
      if (auto err = check(consumed, last_input))
        return err;
      rd_kafka_poll(producer.get(), 0);
      auto* msg = rd_kafka_consumer_poll(consumer.get(), 100);
      if (msg == nullptr)
        continue;
      std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)>
        owned{msg, &rd_kafka_message_destroy};
      if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (ends_run(msg->err))
          return kafka_error("consume "
                               + std::string{msg->rkt != nullptr
                                               ? rd_kafka_topic_name(msg->rkt)
                                               : "input"},
                             msg->err);
        continue;
      }
      // The clock starts with the first record.
      if (consumed == 0)
        first = clock::now();
      last_input = clock::now();
      // This record's share of output, then its offset for the commit.
      auto n = share_of(consumed, opts.records_per_message);
      for (uint64_t j = 0; j < n; ++j)
        if (auto err = produce(msg, payload))
          return err;
      produced += n;
      auto err = rd_kafka_offset_store(msg->rkt, msg->partition,
                                       msg->offset);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        return kafka_error("store offset", err);
      ++consumed;
    }
    return std::make_pair(first, produced);
  }

  /// Waits for every delivery report and commits the stored offsets.
  caf::error finish(uint64_t produced) {
    // Flush; rd_kafka_flush serves the delivery reports on this thread.
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - clock::now());
    auto err = rd_kafka_flush(producer.get(),
                              static_cast<int>(std::max<int64_t>(
                                left.count(), 0)));
    if (st.failed > 0)
      return kafka_error("deliver to " + opts.output_topic,
                         st.delivery_error);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR || st.delivered < produced)
      return caf::make_error(ec::timeout,
                             "baseline: " + std::to_string(st.delivered)
                               + " of " + std::to_string(produced)
                               + " records delivered before the deadline");
    // Commit what was stored, as a consumer does before it leaves.
    err = rd_kafka_commit(consumer.get(), nullptr, 0);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR
        && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
      return kafka_error("commit", err);
    return caf::none;
  }

  /// Leaves the group; the handles go with the run.
  ~run() {
    if (consumer)
      rd_kafka_consumer_close(consumer.get());
  }
};

} // namespace

caf::expected<baseline_result> run_baseline(const baseline_options& opts) {
  if (auto err = validate(opts))
    return err;
  // Connect and subscribe.
  run r{opts, {}, nullptr, nullptr, {}};
  if (auto err = r.start())
    return err;
  // Pipe the input to the output, then wait for the last delivery.
  auto piped = r.pipe();
  if (!piped)
    return std::move(piped.error());
  auto [first, produced] = *piped;
  if (auto err = r.finish(produced))
    return err;
  // From the first record consumed to the last delivery report.
  auto last = produced > 0 ? r.st.last_delivery : clock::now();
  baseline_result out;
  out.messages = opts.messages;
  out.records_per_message = static_cast<double>(produced)
                            / static_cast<double>(opts.messages);
  out.bytes_produced = produced * opts.bytes_per_record;
  out.elapsed_s = std::chrono::duration<double>(last - first).count();
  out.throughput = out.elapsed_s > 0
                     ? static_cast<double>(opts.messages) / out.elapsed_s
                     : 0;
  return out;
}

} // namespace utsjekk::bench
