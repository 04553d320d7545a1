#pragma once

#include "kafka/kafka.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

/// The Kafka transport to OS (DESIGN.md §5): oppdrag XML goes to
/// helved.oppdrag.v1 keyed by the tx-id, with headers `fagsystem` and
/// `uids`; OS, or an MQ bridge standing in for it, answers on the same
/// topic with the same XML and `<mmel>` first, keyed by the same tx-id.
/// Sending is one produce (the caller's producer); this file holds the
/// receiving half. No actors.
namespace utsjekk::os {

/// True when `xml` has an `mmel` element, with or without a namespace
/// prefix: a kvittering, not an oppdrag. Reads element names only,
/// outside comments and CDATA.
bool is_kvittering(std::string_view xml);

/// Where the kvitteringer come from.
struct kvittering_reader_config {
  kafka::client_config kafka;
  /// The topic both oppdrag and kvitteringer travel on.
  std::string topic = "helved.oppdrag.v1";
  /// The reader's own consumer group: it reads every partition and goes on
  /// after a restart from what it handed on before.
  std::string group_id = "utsjekk-kvitteringer";
};

/// Reads the oppdrag topic in its own group and hands on the XML of every
/// record that carries `<mmel>` (a kvittering), in offset order per
/// partition; oppdrag on the topic are skipped. The handler runs on the
/// consumer's poll thread and must only hand the text on. An offset is
/// stored once its record was handed on.
class kvittering_reader {
public:
  /// Called with each kvittering's XML.
  using handler = std::function<void(std::string)>;

  ~kvittering_reader();
  kvittering_reader(const kvittering_reader&) = delete;
  kvittering_reader& operator=(const kvittering_reader&) = delete;

  /// Creates the consumer; nothing is read before start().
  static caf::expected<std::unique_ptr<kvittering_reader>>
  make(const kvittering_reader_config& cfg, handler on_kvittering,
       std::function<void(const caf::error&)> on_error = {});

  /// Joins the group and starts reading.
  caf::error start();

  /// Stops reading and commits what was handed on. Idempotent.
  void stop();

  /// Kvitteringer handed on so far.
  uint64_t handed_on() const;

  /// Partitions assigned so far (a test waits for its first assignment).
  uint64_t assignments() const;

private:
  kvittering_reader() = default;
  std::unique_ptr<kafka::consumer> consumer_;
  handler on_kvittering_;
  std::atomic<uint64_t> handed_on_{0};
  std::atomic<uint64_t> assignments_{0};
};

} // namespace utsjekk::os
