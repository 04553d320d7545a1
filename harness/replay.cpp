#include "harness/replay.hpp"

#include "harness/invariants.hpp"
#include "kafka/kafka.hpp"
#include "messages/decode.hpp"
#include "messages/error.hpp"
#include "messages/jsonl.hpp"
#include "messages/oppdrag_xml.hpp"
#include "messages/status_json.hpp"
#include "messages/time.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>

namespace utsjekk {

namespace {

using jsonl::string_at;

/// One record of the input file.
struct input_record {
  std::string topic;
  std::string key;
  std::string value;
  /// The sak it belongs to, when it decodes; invalid records belong to
  /// none and go at once.
  std::optional<std::string> sak;
};

caf::error fail(std::string what) {
  return caf::make_error(ec::invalid_config, std::move(what));
}

/// Reads a JSON-lines file into objects.
caf::expected<std::vector<boost::json::object>>
read_jsonl(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return fail("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto result = jsonl::parse(text.str());
  if (!result)
    return fail(path + ": " + error_message(result.error()));
  return result;
}

caf::expected<std::vector<input_record>>
read_input(const std::string& path) {
  auto lines = read_jsonl(path);
  if (!lines)
    return lines.error();
  std::vector<input_record> result;
  for (auto& obj : *lines) {
    input_record rec{string_at(obj, "topic"), string_at(obj, "key"),
                     string_at(obj, "value"), std::nullopt};
    if (rec.topic.empty())
      return fail(path + ": a record without topic");
    // The sak decides the order; the fagsystem comes from the topic.
    if (auto fs = fagsystem_of_topic(rec.topic)) {
      if (auto msg = decode(*fs, tx_id{rec.key}, rec.value))
        rec.sak = msg->sak.sak_id + "/" + std::string{to_string(*fs)};
    }
    result.push_back(std::move(rec));
  }
  return result;
}

/// Everything the consumer thread hands over.
struct inbox {
  std::mutex mtx;
  std::condition_variable cv;
  std::deque<kafka::record> records;
  bool assigned = false;
};

/// Files an audit record under its key: oppdrag, or kvittering when it
/// carries mmel.
void absorb_audit(replay_outcome& outcome, const kafka::record& rec) {
  auto is_kvittering = rec.value.find("<mmel>") != std::string::npos;
  (is_kvittering ? outcome.kvitteringer : outcome.oppdrag)
    .push_back(rec.value);
  if (is_kvittering)
    return;
  for (auto& [name, value] : rec.headers)
    if (name == "uids")
      outcome.uids.push_back(value);
}

/// Compares one expected line with one oppdragslinje: every field the
/// expectation names must match.
bool line_matches(const boost::json::object& want, const oppdragslinje& got) {
  auto str = [&](std::string_view k, const std::string& v) {
    auto i = want.find(k);
    return i == want.end() || (i->value().is_string()
                               && i->value().as_string() == v);
  };
  auto opt_str = [&](std::string_view k,
                     const std::optional<std::string>& v) {
    auto i = want.find(k);
    if (i == want.end())
      return true;
    return v && i->value().is_string() && i->value().as_string() == *v;
  };
  auto num = [&](std::string_view k, std::optional<uint64_t> v) {
    auto i = want.find(k);
    if (i == want.end())
      return true;
    return v && i->value().is_int64()
           && static_cast<uint64_t>(i->value().as_int64()) == *v;
  };
  auto date_eq = [&](std::string_view k, std::optional<date> v) {
    auto i = want.find(k);
    if (i == want.end())
      return true;
    return v && i->value().is_string()
           && i->value().as_string() == to_string(*v);
  };
  std::optional<uint64_t> vedtakssats;
  if (got.vedtakssats)
    vedtakssats = got.vedtakssats->value;
  auto ref = want.find("ref");
  auto ref_ok = ref == want.end() || !ref->value().is_bool()
                || ref->value().as_bool() == got.ref_delytelse_id.has_value();
  return str("kodeEndringLinje", got.kode_endring_linje)
         && opt_str("kodeStatusLinje", got.kode_status_linje)
         && date_eq("datoStatusFom", got.dato_status_fom)
         && str("kodeKlassifik", got.kode_klassifik)
         && date_eq("fom", got.dato_vedtak_fom)
         && date_eq("tom", got.dato_vedtak_tom)
         && num("sats", got.sats.value) && str("typeSats", got.type_sats)
         && num("vedtakssats", vedtakssats) && ref_ok;
}

/// Checks one key's outcome against its expectation; appends failures.
void check(const boost::json::object& want, const std::string& key,
           const replay_outcome* got, std::vector<std::string>& failures) {
  auto fail_with = [&](std::string what) {
    failures.push_back(key + ": " + what);
  };
  if (got == nullptr || got->statuses.empty()) {
    fail_with("no status at all");
    return;
  }
  // The terminal status and its code.
  auto last = got->statuses.back();
  auto status = string_at(want, "status");
  if (to_string(last.status) != status)
    fail_with("status " + std::string{to_string(last.status)}
              + ", expected " + status);
  if (auto code = want.find("statusCode");
      code != want.end() && code->value().is_int64()) {
    auto have = last.error ? last.error->status_code : 0;
    if (have != code->value().as_int64())
      fail_with("statusCode " + std::to_string(have) + ", expected "
                + std::to_string(code->value().as_int64()));
  }
  // The oppdrag sent to OS.
  auto op = want.find("oppdrag");
  if (op == want.end())
    return;
  if (op->value().is_null()) {
    if (!got->oppdrag.empty())
      fail_with("an oppdrag was sent, expected none");
    return;
  }
  if (got->oppdrag.empty()) {
    fail_with("no oppdrag on the audit topic");
    return;
  }
  auto sent = parse_oppdrag(got->oppdrag.front());
  if (!sent) {
    fail_with("unreadable oppdrag: " + render(sent.error()));
    return;
  }
  auto& exp = op->value().as_object();
  auto field = [&](std::string_view name, const std::string& have) {
    auto i = exp.find(name);
    if (i != exp.end() && i->value().is_string()
        && i->value().as_string() != have)
      fail_with(std::string{name} + " " + have + ", expected "
                + std::string{i->value().as_string()});
  };
  field("kodeEndring", sent->kode_endring);
  field("kodeFagomraade", sent->kode_fagomraade);
  field("utbetFrekvens", sent->utbet_frekvens);
  if (auto uids = exp.find("uids");
      uids != exp.end() && uids->value().is_array()) {
    std::set<std::string> have;
    for (auto& csv : got->uids) {
      size_t pos = 0;
      while (pos <= csv.size()) {
        auto end = csv.find(',', pos);
        if (end == std::string::npos)
          end = csv.size();
        if (end > pos)
          have.insert(csv.substr(pos, end - pos));
        pos = end + 1;
      }
    }
    for (auto& u : uids->value().as_array())
      if (u.is_string() && have.count(std::string{u.as_string()}) == 0)
        fail_with("uid " + std::string{u.as_string()} + " not carried");
  }
  auto lines = exp.find("linjer");
  if (lines == exp.end() || !lines->value().is_array())
    return;
  auto& wanted = lines->value().as_array();
  if (wanted.size() != sent->linjer.size())
    fail_with(std::to_string(sent->linjer.size()) + " lines, expected "
              + std::to_string(wanted.size()));
  // Each expected line matches a distinct sent line, in any order.
  std::vector<bool> used(sent->linjer.size(), false);
  for (size_t w = 0; w < wanted.size(); ++w) {
    if (!wanted[w].is_object())
      continue;
    auto found = false;
    for (size_t g = 0; g < sent->linjer.size() && !found; ++g) {
      if (!used[g] && line_matches(wanted[w].as_object(), sent->linjer[g])) {
        used[g] = true;
        found = true;
      }
    }
    if (!found)
      fail_with("expected line " + std::to_string(w + 1) + " "
                + boost::json::serialize(wanted[w]) + " not sent");
  }
}

} // namespace

caf::expected<replay_report> replay(const replay_options& opts,
                                    std::ostream& out) {
  using clock = std::chrono::steady_clock;
  auto started = clock::now();
  auto deadline = started + opts.timeout;
  auto records = read_input(opts.input);
  if (!records)
    return records.error();
  std::vector<boost::json::object> expected;
  if (!opts.expect.empty()) {
    auto lines = read_jsonl(opts.expect);
    if (!lines)
      return lines.error();
    expected = std::move(*lines);
  }
  kafka::client_config cfg{opts.bootstrap, {}};
  // Read statuses and audit records from now on.
  auto box = std::make_shared<inbox>();
  auto since_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count()
                  - 1000;
  kafka::consumer_handlers handlers;
  handlers.on_assigned = [box](const auto&) {
    std::lock_guard<std::mutex> guard{box->mtx};
    box->assigned = true;
    box->cv.notify_all();
  };
  handlers.on_revoked = [](const auto&) {};
  handlers.on_records = [box](std::vector<kafka::record> batch) {
    std::lock_guard<std::mutex> guard{box->mtx};
    for (auto& rec : batch)
      box->records.push_back(std::move(rec));
    box->cv.notify_all();
  };
  handlers.on_error = [](const caf::error&) {};
  std::random_device rd;
  auto group = "utsjekk-replay-" + std::to_string(rd()) + std::to_string(rd());
  auto consumer = kafka::consumer::make(
    cfg, group, {opts.status_topic, opts.oppdrag_topic}, std::move(handlers));
  if (!consumer)
    return consumer.error();
  if (auto err = (*consumer)->start())
    return err;
  {
    std::unique_lock<std::mutex> guard{box->mtx};
    if (!box->cv.wait_until(guard, deadline, [&] { return box->assigned; }))
      return caf::make_error(ec::timeout, "the status topic was not assigned");
  }
  auto producer = kafka::producer::make(cfg, [](uint64_t, caf::error) {});
  if (!producer)
    return producer.error();
  replay_report report;
  // Per sak the records in input order; a sak is blocked while its front
  // record waits for a terminal status.
  std::map<std::string, size_t> terminal_count;
  std::map<std::string, size_t> produced_per_key;
  struct waiting_for {
    std::string key;
    size_t count;
  };
  std::map<std::string, waiting_for> blocked;
  std::vector<bool> sent(records->size(), false);
  size_t outstanding = 0;
  auto produce_ready = [&]() -> caf::error {
    std::set<std::string> seen_saker;
    for (size_t i = 0; i < records->size(); ++i) {
      auto& rec = (*records)[i];
      auto sak = rec.sak.value_or("");
      // Only the first unsent record of a sak may go.
      if (sent[i]) {
        continue;
      }
      if (!sak.empty()) {
        if (seen_saker.count(sak) > 0 || blocked.count(sak) > 0) {
          seen_saker.insert(sak);
          continue;
        }
        seen_saker.insert(sak);
      }
      if (auto err = (*producer)->produce(rec.topic, rec.key, rec.value, {},
                                          i))
        return err;
      sent[i] = true;
      ++report.produced;
      ++outstanding;
      auto n = ++produced_per_key[rec.key];
      if (!sak.empty())
        blocked[sak] = waiting_for{rec.key, n};
    }
    return caf::none;
  };
  if (auto err = produce_ready())
    return err;
  while (outstanding > 0) {
    std::deque<kafka::record> batch;
    {
      std::unique_lock<std::mutex> guard{box->mtx};
      // Wake now and then to see whether the run was cancelled.
      auto until = std::min(deadline,
                            clock::now() + std::chrono::milliseconds{200});
      box->cv.wait_until(guard, until,
                         [&] { return !box->records.empty(); });
      if (opts.cancel && opts.cancel->load())
        return caf::make_error(ec::shutting_down,
                               std::to_string(outstanding)
                                 + " records without terminal status when "
                                   "the run was stopped");
      if (box->records.empty() && clock::now() >= deadline)
        return caf::make_error(ec::timeout,
                               std::to_string(outstanding)
                                 + " records without terminal status");
      batch.swap(box->records);
    }
    for (auto& rec : batch) {
      if (!rec.key || rec.timestamp_ms < since_ms)
        continue;
      auto& outcome = report.outcomes[*rec.key];
      if (rec.tp.topic == opts.oppdrag_topic) {
        absorb_audit(outcome, rec);
        continue;
      }
      auto status = parse_status(rec.value);
      if (!status) {
        report.failures.push_back(*rec.key + ": unreadable status: "
                                  + render(status.error()));
        continue;
      }
      outcome.statuses.push_back(*status);
      if (!is_terminal(status->status))
        continue;
      auto n = ++terminal_count[*rec.key];
      if (n <= produced_per_key[*rec.key] && outstanding > 0) {
        --outstanding;
        ++report.terminal;
      }
      out << "  " << *rec.key << "  " << to_string(status->status);
      if (status->error)
        out << " " << status->error->status_code << " "
            << status->error->msg;
      else if (status->detaljer) {
        auto lines = status->detaljer->linjer.size();
        out << " (" << lines << (lines == 1 ? " linje" : " linjer") << ")";
      } else if (status->status == status_kind::ok)
        out << " (nothing to change, no oppdrag)";
      if (n > 1)
        out << " [the same key again: answered from its earlier outcome]";
      out << std::endl;
      // Unblock the sak whose front record this was.
      for (auto i = blocked.begin(); i != blocked.end(); ++i) {
        if (i->second.key == *rec.key && i->second.count <= n) {
          blocked.erase(i);
          break;
        }
      }
    }
    if (auto err = produce_ready())
      return err;
  }
  // The audit trail travels on its own topic: wait until every oppdrag
  // that reached OS and every kvittering of an accepted one is seen.
  auto audit_complete = [&] {
    for (auto& [key, outcome] : report.outcomes) {
      auto sent_to_os = std::any_of(
        outcome.statuses.begin(), outcome.statuses.end(),
        [](auto& x) { return x.status == status_kind::hos_oppdrag; });
      auto accepted = !outcome.statuses.empty()
                      && outcome.statuses.back().status == status_kind::ok;
      if (sent_to_os
          && (outcome.oppdrag.empty()
              || (accepted && outcome.kvitteringer.empty())))
        return false;
    }
    return true;
  };
  auto audit_deadline = std::min(deadline, clock::now()
                                             + std::chrono::seconds{10});
  while (!audit_complete()) {
    std::deque<kafka::record> batch;
    {
      std::unique_lock<std::mutex> guard{box->mtx};
      if (!box->cv.wait_until(guard, audit_deadline,
                              [&] { return !box->records.empty(); }))
        break;
      batch.swap(box->records);
    }
    for (auto& rec : batch)
      if (rec.key && rec.timestamp_ms >= since_ms
          && rec.tp.topic == opts.oppdrag_topic)
        absorb_audit(report.outcomes[*rec.key], rec);
  }
  (*consumer)->stop();
  for (auto& [key, outcome] : report.outcomes)
    if (auto broken = status_order_violation(outcome.statuses))
      report.failures.push_back(key + ": " + *broken);
  for (auto& want : expected) {
    auto key = string_at(want, "key");
    auto i = report.outcomes.find(key);
    check(want, key, i == report.outcomes.end() ? nullptr : &i->second,
          report.failures);
  }
  report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
    clock::now() - started);
  return report;
}

} // namespace utsjekk
