#include "actors/state_loader.hpp"

#include "actors/logging.hpp"
#include "messages/error.hpp"
#include "messages/utbetaling_json.hpp"

#include <chrono>

#include <malloc.h>

namespace utsjekk {

caf::expected<loaded_state> load_state(const kafka::client_config& cfg,
                                       const state_topics& topics) {
  using clock = std::chrono::steady_clock;
  auto started = clock::now();
  loaded_state result;
  auto unreadable = [&](const kafka::record& rec, const caf::error& err) {
    ++result.unreadable;
    UTSJEKK_LOG(error, "state-loader")
      << "state loader skipped an unreadable record topic=" << rec.tp.topic
      << " partition=" << rec.tp.partition << " offset=" << rec.offset
      << " error=" << render(err);
  };
  // Accepted utbetalinger by uid; a tombstone removes one.
  auto err = kafka::read_to_end(
    cfg, topics.utbetalinger, [&](kafka::record&& rec) {
      if (!rec.key)
        return;
      auto uid = uuid::parse(*rec.key);
      if (!uid)
        return unreadable(rec, caf::make_error(ec::invalid_field,
                                               "key is not a uid"));
      if (rec.value.empty()) {
        result.utbetalinger.erase(*uid);
        return;
      }
      auto x = parse_utbetaling(rec.value);
      if (!x)
        return unreadable(rec, x.error());
      result.utbetalinger.insert_or_assign(*uid, std::move(*x));
    });
  if (err)
    return err;
  // The active uids of each sak.
  err = kafka::read_to_end(cfg, topics.saker, [&](kafka::record&& rec) {
    if (!rec.key)
      return;
    auto key = parse_sak_key(*rec.key);
    if (!key)
      return unreadable(rec, key.error());
    if (rec.value.empty()) {
      result.saker.erase(*key);
      return;
    }
    auto uids = parse_uids(rec.value);
    if (!uids)
      return unreadable(rec, uids.error());
    result.saker.insert_or_assign(std::move(*key), std::move(*uids));
  });
  if (err)
    return err;
  // The latest journal record per key; a finished transaction is kept
  // compact at once, whether its record is compact or from before.
  err = kafka::read_to_end(cfg, topics.journal, [&](kafka::record&& rec) {
    if (!rec.key)
      return;
    if (rec.value.empty()) {
      result.journal.erase(tx_id{*rec.key});
      result.finished.erase(tx_id{*rec.key});
      return;
    }
    auto x = parse_tx_record(rec.value);
    if (!x)
      return unreadable(rec, x.error());
    file_journal_record(result.journal, result.finished, std::move(*x));
  });
  if (err)
    return err;
  // Parsing left the heap far larger than what is kept (whole journal
  // steps, consumer buffers): hand the free pages back to the system.
  malloc_trim(0);
  UTSJEKK_LOG(info, "state-loader")
    << "state loader read the state utbetalinger="
    << result.utbetalinger.size() << " saker=" << result.saker.size()
    << " journal=" << result.journal.size() + result.finished.size()
    << " unfinished=" << result.journal.size()
    << " unreadable=" << result.unreadable
    << " ms=" << std::chrono::duration_cast<std::chrono::milliseconds>(
                   clock::now() - started)
                   .count();
  return result;
}

} // namespace utsjekk
