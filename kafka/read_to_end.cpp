#include "kafka/read_to_end.hpp"

#include "kafka/handle.hpp"
#include "messages/error.hpp"

#include <map>
#include <thread>

namespace utsjekk::kafka {

namespace {

using namespace detail;

/// Errors a partition shows while its leadership settles.
bool transient(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
      return true;
    default:
      return false;
  }
}

/// Copies one message into a record.
record to_record(const rd_kafka_message_t* msg) {
  record result;
  result.tp = {rd_kafka_topic_name(msg->rkt), msg->partition};
  result.offset = msg->offset;
  if (msg->key != nullptr)
    result.key.emplace(static_cast<const char*>(msg->key), msg->key_len);
  if (msg->payload != nullptr)
    result.value.assign(static_cast<const char*>(msg->payload), msg->len);
  result.timestamp_ms = rd_kafka_message_timestamp(msg, nullptr);
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(msg, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0;
         rd_kafka_header_get_all(hdrs, i, &name, &value, &size)
         == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i)
      result.headers.emplace_back(
        name, value ? std::string{static_cast<const char*>(value), size}
                    : std::string{});
  }
  return result;
}

} // namespace

caf::error read_to_end(const client_config& cfg, const std::string& topic,
                       const std::function<void(record&&)>& fn,
                       std::chrono::milliseconds timeout) {
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + timeout;
  // A plain consumer: assigned partitions, no group, nothing committed.
  auto conf = make_conf(cfg, {{"group.id", "utsjekk-state-loader"},
                              {"enable.auto.commit", "false"},
                              {"enable.auto.offset.store", "false"},
                              {"enable.partition.eof", "false"},
                              {"auto.offset.reset", "earliest"}});
  if (!conf)
    return conf.error();
  auto rk = make_handle(RD_KAFKA_CONSUMER, std::move(*conf));
  if (!rk)
    return rk.error();
  auto* h = rk->get();
  // The partitions of the topic; a missing topic reads as empty.
  const rd_kafka_metadata_t* md = nullptr;
  auto* rkt = rd_kafka_topic_new(h, topic.c_str(), nullptr);
  auto err = rd_kafka_metadata(h, 0, rkt, &md, 10000);
  rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return make_kafka_error("metadata of " + topic, err);
  std::vector<topic_partition> tps;
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (md->topics[i].err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
      continue;
    for (int p = 0; p < md->topics[i].partition_cnt; ++p)
      tps.push_back({topic, md->topics[i].partitions[p].id});
  }
  rd_kafka_metadata_destroy(md);
  // The end of each partition as of now; empty ones are done already.
  std::map<int32_t, int64_t> end;
  for (auto& tp : tps) {
    int64_t low = 0;
    int64_t high = 0;
    // A topic created a moment ago may have no leader yet: retry.
    for (;;) {
      err = rd_kafka_query_watermark_offsets(h, topic.c_str(), tp.partition,
                                             &low, &high, 10000);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR || !transient(err)
          || clock::now() > deadline)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds{200});
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return make_kafka_error("watermarks of " + to_string(tp), err);
    if (high > low)
      end[tp.partition] = high;
  }
  if (end.empty())
    return caf::none;
  std::vector<topic_partition> wanted;
  for (auto& [partition, high] : end)
    wanted.push_back({topic, partition});
  auto list = make_partition_list(wanted, RD_KAFKA_OFFSET_BEGINNING);
  err = rd_kafka_assign(h, list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return make_kafka_error("assign " + topic, err);
  // Read until every partition reached the end it had.
  while (!end.empty()) {
    if (clock::now() > deadline) {
      rd_kafka_consumer_close(h);
      return caf::make_error(ec::timeout, "reading " + topic
                                            + " to its end took too long");
    }
    auto* msg = rd_kafka_consumer_poll(h, 100);
    if (msg == nullptr) {
      // Compaction and transaction markers leave gaps before the end: a
      // partition whose position reached its end is done too.
      std::vector<topic_partition> left;
      for (auto& [partition, high] : end)
        left.push_back({topic, partition});
      auto pos = make_partition_list(left);
      if (rd_kafka_position(h, pos.get()) == RD_KAFKA_RESP_ERR_NO_ERROR)
        for (int i = 0; i < pos->cnt; ++i)
          if (auto j = end.find(pos->elems[i].partition);
              j != end.end() && pos->elems[i].offset >= j->second)
            end.erase(j);
      continue;
    }
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      auto e = msg->err;
      rd_kafka_message_destroy(msg);
      if (e == RD_KAFKA_RESP_ERR__PARTITION_EOF)
        continue;
      rd_kafka_consumer_close(h);
      return make_kafka_error("reading " + topic, e);
    }
    auto partition = msg->partition;
    auto offset = msg->offset;
    fn(to_record(msg));
    rd_kafka_message_destroy(msg);
    if (auto i = end.find(partition); i != end.end() && offset + 1 >= i->second)
      end.erase(i);
  }
  rd_kafka_consumer_close(h);
  return caf::none;
}

} // namespace utsjekk::kafka
