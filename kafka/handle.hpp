#pragma once

#include "kafka/kafka.hpp"

#include <librdkafka/rdkafka.h>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

/// Internal to kafka/: owning handles for librdkafka objects and the one
/// place where librdkafka's errors become caf::error.
namespace utsjekk::kafka::detail {

/// Makes `ec::kafka_failed` with "<what>: <rd_kafka_err2str(err)>".
caf::error make_kafka_error(const std::string& what, rd_kafka_resp_err_t err);

/// Makes `ec::kafka_failed` with "<what>: <text>", for librdkafka's error
/// strings (configuration, client creation).
caf::error make_kafka_error(const std::string& what, const std::string& text);

/// Destroys a configuration that was not handed to rd_kafka_new().
struct conf_deleter {
  void operator()(rd_kafka_conf_t* x) const {
    rd_kafka_conf_destroy(x);
  }
};

/// A configuration owned until rd_kafka_new() takes it.
using conf_ptr = std::unique_ptr<rd_kafka_conf_t, conf_deleter>;

/// Destroys a client handle.
struct handle_deleter {
  void operator()(rd_kafka_t* x) const {
    rd_kafka_destroy(x);
  }
};

/// An owned client handle.
using handle_ptr = std::unique_ptr<rd_kafka_t, handle_deleter>;

/// Destroys a queue handle.
struct queue_deleter {
  void operator()(rd_kafka_queue_t* x) const {
    rd_kafka_queue_destroy(x);
  }
};

/// An owned queue handle.
using queue_ptr = std::unique_ptr<rd_kafka_queue_t, queue_deleter>;

/// Destroys a partition list.
struct partition_list_deleter {
  void operator()(rd_kafka_topic_partition_list_t* x) const {
    rd_kafka_topic_partition_list_destroy(x);
  }
};

/// An owned partition list.
using partition_list_ptr
  = std::unique_ptr<rd_kafka_topic_partition_list_t, partition_list_deleter>;

/// Destroys the headers of a record that librdkafka did not take.
struct headers_deleter {
  void operator()(rd_kafka_headers_t* x) const {
    rd_kafka_headers_destroy(x);
  }
};

/// Headers owned until librdkafka takes them with their record.
using headers_ptr = std::unique_ptr<rd_kafka_headers_t, headers_deleter>;

/// Copies `hdrs` into headers that librdkafka can take with a record.
headers_ptr copy_headers(const headers& hdrs);

/// Enqueues a copy of one record on the producer `rk`: a missing `key` is
/// a null key, not an empty one; `opaque` comes back in its delivery
/// report. On success librdkafka owns `hdrs` and it is released; on an
/// error the caller still owns it and may try again.
rd_kafka_resp_err_t enqueue(rd_kafka_t* rk, const std::string& topic,
                            const std::optional<std::string>& key,
                            const std::string& value, headers_ptr& hdrs,
                            void* opaque = nullptr);

/// Properties as librdkafka names them.
using property_map = std::map<std::string, std::string>;

/// Builds a configuration from `defaults`, then bootstrap.servers from
/// `cfg.brokers` (when set), then `cfg.properties`, so that the caller's
/// properties win.
caf::expected<conf_ptr> make_conf(const client_config& cfg,
                                  const property_map& defaults);

/// Creates a client of `type`; takes `conf` on success.
caf::expected<handle_ptr> make_handle(rd_kafka_type_t type, conf_ptr conf);

/// Makes a partition list holding `tps`, each with `offset`.
partition_list_ptr
make_partition_list(const std::vector<topic_partition>& tps,
                    int64_t offset = RD_KAFKA_OFFSET_INVALID);

/// Reads the topic-partitions of `list`.
std::vector<topic_partition>
to_topic_partitions(const rd_kafka_topic_partition_list_t* list);

/// Returns the first per-partition error in `list` as an error naming the
/// partition and `what`, or a default-constructed error.
caf::error first_partition_error(const std::string& what,
                                 const rd_kafka_topic_partition_list_t* list);

} // namespace utsjekk::kafka::detail

namespace utsjekk::kafka {

/// Owns librdkafka's group metadata of a consumer.
struct group_metadata::impl {
  /// The wrapped object.
  std::unique_ptr<rd_kafka_consumer_group_metadata_t,
                  decltype(&rd_kafka_consumer_group_metadata_destroy)>
    ptr{nullptr, &rd_kafka_consumer_group_metadata_destroy};
};

} // namespace utsjekk::kafka
