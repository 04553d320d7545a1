#include "kafka/kafka.hpp"

#include "kafka/handle.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace utsjekk::kafka {

namespace {

/// Destroys the NewTopic objects of one request.
struct new_topics {
  std::vector<rd_kafka_NewTopic_t*> items;
  ~new_topics() {
    rd_kafka_NewTopic_destroy_array(items.data(), items.size());
  }
};

/// Builds the NewTopic object of `spec`.
caf::error add_new_topic(new_topics& out, const topic_spec& spec) {
  // Create the topic object; librdkafka validates counts here.
  std::array<char, 512> errstr{};
  auto* topic = rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions,
                                      spec.replication_factor, errstr.data(),
                                      errstr.size());
  if (topic == nullptr)
    return detail::make_kafka_error("create topic " + spec.name,
                                    errstr.data());
  out.items.push_back(topic);
  // Attach the topic configuration.
  for (const auto& [key, value] : spec.config) {
    auto err = rd_kafka_NewTopic_set_config(topic, key.c_str(), value.c_str());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return detail::make_kafka_error("create topic " + spec.name + " config "
                                        + key,
                                      err);
  }
  return {};
}

/// Reads the outcome of a CreateTopics request from its result event.
caf::error read_result(rd_kafka_event_t* ev) {
  // A request-level error (timeout, no controller) fails every topic.
  if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return detail::make_kafka_error("create topics",
                                    rd_kafka_event_error_string(ev));
  const auto* res = rd_kafka_event_CreateTopics_result(ev);
  if (res == nullptr)
    return detail::make_kafka_error("create topics", "unexpected event "
                                      + std::string{rd_kafka_event_name(ev)});
  // Per topic, an existing topic counts as created.
  size_t n = 0;
  const auto* topics = rd_kafka_CreateTopics_result_topics(res, &n);
  for (size_t i = 0; i < n; ++i) {
    auto err = rd_kafka_topic_result_error(topics[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR
        || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
      continue;
    std::string what = "create topic ";
    what += rd_kafka_topic_result_name(topics[i]);
    const auto* text = rd_kafka_topic_result_error_string(topics[i]);
    return detail::make_kafka_error(what, text != nullptr
                                            ? std::string{text}
                                            : rd_kafka_err2str(err));
  }
  return {};
}

/// The topics of `topics` the cluster does not know yet, by a metadata
/// request; all of them when the request fails (CreateTopics then says
/// why).
std::vector<topic_spec> missing_topics(rd_kafka_t* rk,
                                       const std::vector<topic_spec>& topics,
                                       std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* md = nullptr;
  auto ms = static_cast<int>(std::min<int64_t>(timeout.count(), 10000));
  if (rd_kafka_metadata(rk, 1, nullptr, &md, ms) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return topics;
  std::set<std::string> known;
  for (int i = 0; i < md->topic_cnt; ++i)
    if (md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR)
      known.insert(md->topics[i].topic);
  rd_kafka_metadata_destroy(md);
  std::vector<topic_spec> result;
  for (const auto& spec : topics)
    if (known.count(spec.name) == 0)
      result.push_back(spec);
  return result;
}

} // namespace

caf::error create_topics(const client_config& cfg,
                         const std::vector<topic_spec>& topics,
                         std::chrono::milliseconds timeout) {
  if (topics.empty())
    return {};
  // A short-lived client carries the admin request.
  auto conf = detail::make_conf(cfg, {{"client.id", "utsjekk-admin"}});
  if (!conf)
    return std::move(conf.error());
  auto rk = detail::make_handle(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!rk)
    return std::move(rk.error());
  // Check every spec before the cluster is asked anything.
  {
    new_topics checked;
    for (const auto& spec : topics)
      if (auto err = add_new_topic(checked, spec))
        return err;
  }
  // Ask only for what is missing: a cluster that has every topic (the
  // mock cluster, whose CreateTopics never answers, included) is not asked.
  auto missing = missing_topics(rk->get(), topics, timeout);
  if (missing.empty())
    return {};
  new_topics items;
  for (const auto& spec : missing)
    if (auto err = add_new_topic(items, spec))
      return err;
  // Bound both the request and the broker-side operation by `timeout`.
  std::array<char, 512> errstr{};
  std::unique_ptr<rd_kafka_AdminOptions_t,
                  decltype(&rd_kafka_AdminOptions_destroy)>
    options{rd_kafka_AdminOptions_new(rk->get(),
                                      RD_KAFKA_ADMIN_OP_CREATETOPICS),
            &rd_kafka_AdminOptions_destroy};
  auto ms = static_cast<int>(timeout.count());
  if (rd_kafka_AdminOptions_set_request_timeout(options.get(), ms,
                                                errstr.data(), errstr.size())
        != RD_KAFKA_RESP_ERR_NO_ERROR
      || rd_kafka_AdminOptions_set_operation_timeout(options.get(), ms,
                                                     errstr.data(),
                                                     errstr.size())
           != RD_KAFKA_RESP_ERR_NO_ERROR)
    return detail::make_kafka_error("create topics", errstr.data());
  // Send and wait for the result; the request timeout makes librdkafka
  // answer, the extra second only guards against a lost event.
  detail::queue_ptr queue{rd_kafka_queue_new(rk->get())};
  rd_kafka_CreateTopics(rk->get(), items.items.data(), items.items.size(),
                        options.get(), queue.get());
  std::unique_ptr<rd_kafka_event_t, decltype(&rd_kafka_event_destroy)> ev{
    rd_kafka_queue_poll(queue.get(), ms + 1000), &rd_kafka_event_destroy};
  if (ev == nullptr)
    return detail::make_kafka_error("create topics",
                                    RD_KAFKA_RESP_ERR__TIMED_OUT);
  return read_result(ev.get());
}

} // namespace utsjekk::kafka
