#include "os_gateway/kafka_transport.hpp"

namespace utsjekk::os {

namespace {

/// True for the characters that end an XML element name.
bool ends_name(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>'
         || c == '/';
}

} // namespace

bool is_kvittering(std::string_view xml) {
  for (auto pos = xml.find('<'); pos != std::string_view::npos;
       pos = xml.find('<', pos + 1)) {
    // Comments and CDATA hide what they hold.
    auto rest = xml.substr(pos);
    if (rest.starts_with("<!--") || rest.starts_with("<![CDATA[")) {
      auto close = xml.find(rest[2] == '-' ? "-->" : "]]>", pos);
      if (close == std::string_view::npos)
        return false;
      pos = close;
      continue;
    }
    // Declarations and end tags name no new element.
    auto start = pos + 1;
    if (start >= xml.size() || xml[start] == '?' || xml[start] == '!'
        || xml[start] == '/')
      continue;
    auto end = start;
    while (end < xml.size() && !ends_name(xml[end]))
      ++end;
    auto name = xml.substr(start, end - start);
    // The prefix, if any, does not matter.
    if (auto colon = name.rfind(':'); colon != std::string_view::npos)
      name.remove_prefix(colon + 1);
    if (name == "mmel")
      return true;
  }
  return false;
}

kvittering_reader::~kvittering_reader() {
  stop();
}

caf::expected<std::unique_ptr<kvittering_reader>>
kvittering_reader::make(const kvittering_reader_config& cfg,
                        handler on_kvittering,
                        std::function<void(const caf::error&)> on_error) {
  std::unique_ptr<kvittering_reader> result{new kvittering_reader};
  result->on_kvittering_ = std::move(on_kvittering);
  // The handlers reach the reader through a pointer that outlives the
  // poll thread: stop() joins it before the reader goes.
  auto* self = result.get();
  kafka::consumer_handlers handlers;
  handlers.on_assigned = [self](const auto& tps) {
    self->assignments_ += tps.size();
  };
  handlers.on_revoked = [](const auto&) {};
  handlers.on_records = [self](std::vector<kafka::record> batch) {
    for (auto& rec : batch) {
      // Oppdrag on their way to OS share the topic: skip them.
      if (!is_kvittering(rec.value))
        continue;
      ++self->handed_on_;
      self->on_kvittering_(std::move(rec.value));
    }
    // Everything up to the batch's end is handed on.
    if (!batch.empty())
      static_cast<void>(self->consumer_->store_offset(
        batch.back().tp, batch.back().offset + 1));
  };
  handlers.on_error = std::move(on_error);
  if (!handlers.on_error)
    handlers.on_error = [](const caf::error&) {};
  auto consumer = kafka::consumer::make(cfg.kafka, cfg.group_id, {cfg.topic},
                                        std::move(handlers));
  if (!consumer)
    return std::move(consumer.error());
  result->consumer_ = std::move(*consumer);
  return result;
}

caf::error kvittering_reader::start() {
  return consumer_->start();
}

void kvittering_reader::stop() {
  if (consumer_)
    consumer_->stop();
}

uint64_t kvittering_reader::handed_on() const {
  return handed_on_.load();
}

uint64_t kvittering_reader::assignments() const {
  return assignments_.load();
}

} // namespace utsjekk::os
