#include "actors/reader.hpp"

#include "actors/logging.hpp"
#include "messages/decode.hpp"
#include "messages/error.hpp"
#include "messages/json.hpp"
#include "messages/status_json.hpp"
#include "messages/uid.hpp"

#include <caf/stateful_actor.hpp>

namespace utsjekk {

void reader_state::process(const kafka::record& rec) {
  auto offset = rec.offset;
  ++consumed;
  // A record without a key cannot be answered by key; name its position.
  tx_id key{rec.key ? *rec.key
                    : rec.tp.topic + ":" + std::to_string(rec.tp.partition)
                        + ":" + std::to_string(offset)};
  if (!rec.key)
    UTSJEKK_LOG(warning, "reader")
      << "reader got a record without key tp=" << kafka::to_string(tp)
      << " offset=" << offset;
  // Its status settles it by key, and may take its offset along.
  if (control.opened)
    control.opened(offset, key.value);
  // A key that is not UTF-8 cannot be journaled or matched: answer it
  // under its own bytes, like any invalid record.
  if (!json::is_valid_utf8(key.value)) {
    ++invalid;
    UTSJEKK_LOG(info, "reader")
      << "reader rejected a record whose key is not UTF-8 tp="
      << kafka::to_string(tp) << " offset=" << offset;
    reject(std::move(key), offset,
           feilet_status(caf::make_error(
             ec::invalid_field, std::string{"the record key is not valid "
                                            "UTF-8"})));
    return;
  }
  auto msg = decode(fagsystem, key, rec.value);
  if (!msg) {
    ++invalid;
    UTSJEKK_LOG(info, "reader")
      << "reader rejected invalid record tx=" << key.value
      << " tp=" << kafka::to_string(tp) << " offset=" << offset
      << " error=" << render(msg.error());
    reject(std::move(key), offset, feilet_status(msg.error()));
    return;
  }
  self
    ->request(supervisor, caf::infinite, atom::submit::value, std::move(*msg),
              hash_of(rec.value))
    .then([this, offset](const tx_outcome&) { finish(offset); },
          [this, offset, key](const caf::error& err) {
            // The supervisor is gone: the record is redelivered after a
            // restart, so its offset must not move past it.
            UTSJEKK_LOG(error, "reader")
              << "reader lost its supervisor tx=" << key.value
              << " offset=" << offset << " error=" << render(err);
            self->quit(err);
          });
}

void reader_state::reject(tx_id key, int64_t offset, status_reply status) {
  self
    ->request(publisher, caf::infinite, atom::publish::value, key, fagsystem,
              status)
    .then([this, offset](bool) { finish(offset); },
          [this, key, offset, status](const caf::error& err) {
            UTSJEKK_LOG(warning, "reader")
              << "reader could not publish FEILET tx=" << key.value
              << " error=" << render(err);
            reject(key, offset, status);
          });
}

void reader_state::finish(int64_t offset) {
  ++finished;
  in_flight[offset] = true;
  // Advance over the finished prefix only.
  auto next = stored;
  while (!in_flight.empty() && in_flight.begin()->second) {
    next = in_flight.begin()->first + 1;
    in_flight.erase(in_flight.begin());
  }
  if (next != stored && !revoked) {
    stored = next;
    control.store_offset(next);
  }
  if (control.released)
    control.released(1);
}

reader_actor::behavior_type
reader(reader_actor::stateful_pointer<reader_state> self,
       kafka::topic_partition tp, fagsystem fs, supervisor_actor supervisor,
       status_publisher_actor publisher, partition_control control) {
  auto& st = self->state;
  st.self = self;
  st.tp = std::move(tp);
  st.fagsystem = fs;
  st.supervisor = std::move(supervisor);
  st.publisher = std::move(publisher);
  st.control = std::move(control);
  UTSJEKK_LOG(info, "reader")
    << "reader started tp=" << kafka::to_string(st.tp)
    << " fagsystem=" << to_string(fs);
  return {
    [self](atom::records, const std::vector<kafka::record>& batch) {
      auto& st = self->state;
      if (st.revoked)
        return;
      size_t fresh = 0;
      for (auto& rec : batch) {
        // A record seen before (a fetch after resume) is not handed on twice.
        if (rec.offset < st.stored || st.in_flight.count(rec.offset) > 0)
          continue;
        st.in_flight.emplace(rec.offset, false);
        ++fresh;
        st.process(rec);
      }
      if (st.control.on_read && !batch.empty())
        st.control.on_read(fresh, batch.back().offset + 1);
      // Records read before leave at once.
      if (fresh < batch.size() && st.control.released)
        st.control.released(batch.size() - fresh);
    },
    [self](atom::revoked) {
      auto& st = self->state;
      st.revoked = true;
      UTSJEKK_LOG(info, "reader")
        << "reader stops on revoke tp=" << kafka::to_string(st.tp)
        << " unfinished=" << st.in_flight.size();
      // Transactions in flight go on; their offsets are not stored here.
      self->quit();
    },
  };
}

} // namespace utsjekk

namespace utsjekk {

content_hash hash_of(std::string_view payload) {
  static constexpr char hex[] = "0123456789abcdef";
  auto digest = sha256(std::span<const uint8_t>{
    reinterpret_cast<const uint8_t*>(payload.data()), payload.size()});
  content_hash result;
  result.hex.reserve(64);
  for (auto byte : digest) {
    result.hex += hex[byte >> 4];
    result.hex += hex[byte & 0x0F];
  }
  return result;
}

} // namespace utsjekk
