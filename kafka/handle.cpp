#include "kafka/handle.hpp"

#include "messages/error.hpp"

#include <array>

namespace utsjekk::kafka::detail {

caf::error make_kafka_error(const std::string& what, rd_kafka_resp_err_t err) {
  return caf::make_error(ec::kafka_failed,
                         what + ": " + rd_kafka_err2str(err));
}

caf::error make_kafka_error(const std::string& what,
                            const std::string& text) {
  return caf::make_error(ec::kafka_failed, what + ": " + text);
}

caf::expected<conf_ptr> make_conf(const client_config& cfg,
                                  const property_map& defaults) {
  // Apply the defaults first and the caller's properties last.
  conf_ptr conf{rd_kafka_conf_new()};
  auto props = defaults;
  if (!cfg.brokers.empty())
    props["bootstrap.servers"] = cfg.brokers;
  for (const auto& [key, value] : cfg.properties)
    props[key] = value;
  // Set each property; librdkafka names the offending one in its text.
  std::array<char, 512> errstr{};
  for (const auto& [key, value] : props) {
    auto res = rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(),
                                 errstr.data(), errstr.size());
    if (res != RD_KAFKA_CONF_OK)
      return make_kafka_error("property " + key, errstr.data());
  }
  return conf;
}

caf::expected<handle_ptr> make_handle(rd_kafka_type_t type, conf_ptr conf) {
  // rd_kafka_new() owns the configuration only when it succeeds.
  std::array<char, 512> errstr{};
  auto* rk = rd_kafka_new(type, conf.get(), errstr.data(), errstr.size());
  if (rk == nullptr)
    return make_kafka_error("create client", errstr.data());
  static_cast<void>(conf.release());
  return handle_ptr{rk};
}

partition_list_ptr
make_partition_list(const std::vector<topic_partition>& tps, int64_t offset) {
  partition_list_ptr list{
    rd_kafka_topic_partition_list_new(static_cast<int>(tps.size()))};
  for (const auto& tp : tps) {
    auto* elem = rd_kafka_topic_partition_list_add(list.get(),
                                                   tp.topic.c_str(),
                                                   tp.partition);
    elem->offset = offset;
  }
  return list;
}

std::vector<topic_partition>
to_topic_partitions(const rd_kafka_topic_partition_list_t* list) {
  std::vector<topic_partition> result;
  if (list == nullptr)
    return result;
  result.reserve(static_cast<size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i)
    result.push_back({list->elems[i].topic, list->elems[i].partition});
  return result;
}

caf::error first_partition_error(const std::string& what,
                                 const rd_kafka_topic_partition_list_t* list) {
  for (int i = 0; i < list->cnt; ++i) {
    const auto& elem = list->elems[i];
    if (elem.err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return make_kafka_error(what + " " + elem.topic + "/"
                                + std::to_string(elem.partition),
                              elem.err);
  }
  return {};
}

} // namespace utsjekk::kafka::detail
