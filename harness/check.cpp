#include "harness/check.hpp"

#include "harness/invariants.hpp"
#include "kafka/read_to_end.hpp"
#include "messages/error.hpp"
#include "messages/oppdrag_xml.hpp"
#include "messages/status_json.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <set>

namespace utsjekk {

namespace {

/// What the input says about one key.
struct expected_key {
  /// The generator's kind of the key's first record, when known.
  std::string kind;
  size_t records = 0;
};

caf::expected<std::map<std::string, expected_key>>
read_keys(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    return caf::make_error(ec::invalid_config, "cannot read " + path);
  std::map<std::string, expected_key> result;
  std::string line;
  while (std::getline(in, line)) {
    boost::json::error_code err;
    auto v = boost::json::parse(line, err);
    if (err || !v.is_object())
      continue;
    auto& obj = v.as_object();
    auto key = obj.if_contains("key");
    if (key == nullptr || !key->is_string())
      continue;
    auto& x = result[std::string{key->as_string()}];
    if (auto kind = obj.if_contains("kind");
        kind != nullptr && kind->is_string() && x.kind.empty())
      x.kind = std::string{kind->as_string()};
    ++x.records;
  }
  return result;
}

} // namespace

caf::expected<check_report> check_run(const check_options& opts) {
  auto keys = read_keys(opts.input);
  if (!keys)
    return keys.error();
  kafka::client_config cfg{opts.bootstrap, {}};
  check_report report;
  // Statuses per key, in partition order (one key, one partition).
  std::map<std::string, std::vector<status_reply>> statuses;
  auto err = kafka::read_to_end(
    cfg, opts.status_topic, [&](kafka::record&& rec) {
      if (!rec.key)
        return;
      auto s = parse_status(rec.value);
      if (!s) {
        report.failures.push_back(*rec.key + ": unreadable status");
        return;
      }
      statuses[*rec.key].push_back(std::move(*s));
    });
  if (err)
    return err;
  // Oppdrag per key, and every XML each NY delytelseId was sent in.
  std::map<std::string, std::set<std::string>> oppdrag_by_key;
  std::map<std::string, std::set<std::string>> xml_by_delytelse;
  err = kafka::read_to_end(
    cfg, opts.oppdrag_topic, [&](kafka::record&& rec) {
      if (!rec.key)
        return;
      if (rec.value.find("<mmel>") != std::string::npos) {
        ++report.kvitteringer;
        return;
      }
      ++report.oppdrag;
      oppdrag_by_key[*rec.key].insert(rec.value);
      auto parsed = parse_oppdrag(rec.value);
      if (!parsed) {
        report.failures.push_back(*rec.key + ": unreadable oppdrag");
        return;
      }
      for (auto& line : parsed->linjer)
        if (line.kode_endring_linje == "NY")
          xml_by_delytelse[line.delytelse_id].insert(rec.value);
    });
  if (err)
    return err;
  for (auto& [key, want] : *keys) {
    ++report.keys;
    auto fail = [&, k = key](std::string what) {
      report.failures.push_back(k + ": " + std::move(what));
    };
    auto i = statuses.find(key);
    // I1: a terminal status for every key.
    if (i == statuses.end()
        || std::none_of(i->second.begin(), i->second.end(),
                        [](auto& s) { return is_terminal(s.status); })) {
      fail("no terminal status");
      continue;
    }
    auto& list = i->second;
    // I7: never backwards; after a terminal status only terminal ones.
    if (auto broken = status_order_violation(list))
      fail(*broken);
    // I6: every terminal status of a key says the same.
    const status_reply* first = nullptr;
    for (auto& s : list) {
      if (!is_terminal(s.status))
        continue;
      if (first == nullptr) {
        first = &s;
        continue;
      }
      if (s.status != first->status
          || (s.error ? s.error->status_code : 0)
               != (first->error ? first->error->status_code : 0))
        fail("two terminal statuses differ");
    }
    first->status == status_kind::ok ? ++report.ok : ++report.feilet;
    // I8: invalid input FEILET 400, valid input OK.
    if (want.kind == "invalid") {
      if (first->status != status_kind::feilet || !first->error
          || first->error->status_code != 400)
        fail("invalid input did not end FEILET 400");
    } else if (!want.kind.empty() && opts.expect_all_ok
               && first->status != status_kind::ok) {
      fail("valid input ended " + std::string{to_string(first->status)}
           + (first->error ? " " + std::to_string(first->error->status_code)
                               + " " + first->error->msg
                           : std::string{}));
    }
    // I2: resends of a key are the identical oppdrag.
    if (auto o = oppdrag_by_key.find(key);
        o != oppdrag_by_key.end() && o->second.size() > 1) {
      // Several fagområder (TS) send several oppdrag; each delytelseId
      // must still be in one XML only, checked below.
      std::set<std::string> fagomrader;
      for (auto& xml : o->second)
        if (auto parsed = parse_oppdrag(xml))
          fagomrader.insert(parsed->kode_fagomraade);
      if (fagomrader.size() < o->second.size())
        fail(std::to_string(o->second.size())
             + " different oppdrag sent under one key");
    }
  }
  // I2: a NY line's delytelseId in two different oppdrag could pay twice.
  for (auto& [id, xmls] : xml_by_delytelse)
    if (xmls.size() > 1)
      report.failures.push_back("delytelseId " + id + " sent in "
                                + std::to_string(xmls.size())
                                + " different oppdrag");
  return report;
}

} // namespace utsjekk
