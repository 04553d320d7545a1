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

headers_ptr copy_headers(const headers& hdrs) {
  headers_ptr result{rd_kafka_headers_new(hdrs.size())};
  for (const auto& [name, value] : hdrs)
    rd_kafka_header_add(result.get(), name.data(),
                        static_cast<ssize_t>(name.size()), value.data(),
                        static_cast<ssize_t>(value.size()));
  return result;
}

rd_kafka_resp_err_t enqueue(rd_kafka_t* rk, const std::string& topic,
                            const std::optional<std::string>& key,
                            const std::string& value, headers_ptr& hdrs,
                            void* opaque) {
  // librdkafka copies key and value (F_COPY) and keeps the headers only
  // when it takes the record.
  const void* key_data = key ? key->data() : nullptr;
  size_t key_size = key ? key->size() : 0;
  auto err = rd_kafka_producev(
    rk, RD_KAFKA_V_TOPIC(topic.c_str()),
    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
    RD_KAFKA_V_KEY(key_data, key_size),
    RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
    RD_KAFKA_V_HEADERS(hdrs.get()), RD_KAFKA_V_OPAQUE(opaque),
    RD_KAFKA_V_END);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
    static_cast<void>(hdrs.release());
  return err;
}

} // namespace utsjekk::kafka::detail
