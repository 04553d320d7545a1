#include "harness/check.hpp"

#include "harness/invariants.hpp"
#include "kafka/read_to_end.hpp"
#include "messages/error.hpp"
#include "messages/oppdrag_xml.hpp"
#include "messages/status_json.hpp"

#include <boost/json.hpp>

#include <algorithm>
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
  run_records run;
  for (auto& [key, want] : *keys)
    run.kinds[key] = want.kind;
  // Statuses per key, in partition order (one key, one partition).
  auto err = kafka::read_to_end(
    cfg, opts.status_topic, [&](kafka::record&& rec) {
      if (!rec.key)
        return;
      auto s = parse_status(rec.value);
      if (!s) {
        report.failures.push_back(*rec.key + ": unreadable status");
        return;
      }
      run.statuses[*rec.key].push_back(std::move(*s));
    });
  if (err)
    return err;
  // Oppdrag per key; kvitteringer only counted.
  err = kafka::read_to_end(
    cfg, opts.oppdrag_topic, [&](kafka::record&& rec) {
      if (!rec.key)
        return;
      if (rec.value.find("<mmel>") != std::string::npos) {
        ++report.kvitteringer;
        return;
      }
      ++report.oppdrag;
      run.oppdrag[*rec.key].push_back(std::move(rec.value));
    });
  if (err)
    return err;
  check_records(run, opts.expect_all_ok, report);
  return report;
}

void check_records(const run_records& run, bool expect_all_ok,
                   check_report& report) {
  // Every XML each NY delytelseId was sent in, over all keys.
  std::map<std::string, std::set<std::string>> xml_by_delytelse;
  for (auto& [key, xmls] : run.oppdrag) {
    for (auto& xml : xmls) {
      auto parsed = parse_oppdrag(xml);
      if (!parsed) {
        report.failures.push_back(key + ": unreadable oppdrag");
        continue;
      }
      for (auto& line : parsed->linjer)
        if (line.kode_endring_linje == "NY")
          xml_by_delytelse[line.delytelse_id].insert(xml);
    }
  }
  for (auto& [key, kind] : run.kinds) {
    ++report.keys;
    auto fail = [&, k = key](std::string what) {
      report.failures.push_back(k + ": " + std::move(what));
    };
    auto i = run.statuses.find(key);
    // I1: a terminal status for every key.
    if (i == run.statuses.end()
        || std::none_of(i->second.begin(), i->second.end(),
                        [](auto& s) { return is_terminal(s.status); })) {
      ++report.lost;
      fail("no terminal status");
      continue;
    }
    auto& list = i->second;
    // I7: never backwards; after a terminal status only terminal ones.
    if (auto broken = status_order_violation(list))
      fail(*broken);
    // I6: every terminal status of a key says the same.
    const status_reply* first = nullptr;
    auto differ = false;
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
        differ = true;
    }
    if (differ) {
      ++report.duplicated;
      fail("two terminal statuses differ");
    }
    first->status == status_kind::ok ? ++report.ok : ++report.feilet;
    // I8: invalid input FEILET 400, valid input OK.
    if (kind == "invalid") {
      if (first->status != status_kind::feilet || !first->error
          || first->error->status_code != 400)
        fail("invalid input did not end FEILET 400");
    } else if (!kind.empty() && expect_all_ok
               && first->status != status_kind::ok) {
      fail("valid input ended " + std::string{to_string(first->status)}
           + (first->error ? " " + std::to_string(first->error->status_code)
                               + " " + first->error->msg
                           : std::string{}));
    }
    // I2: resends of a key are the identical oppdrag.
    auto o = run.oppdrag.find(key);
    if (o == run.oppdrag.end())
      continue;
    std::set<std::string> distinct{o->second.begin(), o->second.end()};
    if (distinct.size() < 2)
      continue;
    // Several fagområder (TS) send several oppdrag; each delytelseId
    // must still be in one XML only, checked below.
    std::set<std::string> fagomrader;
    for (auto& xml : distinct)
      if (auto parsed = parse_oppdrag(xml))
        fagomrader.insert(parsed->kode_fagomraade);
    if (fagomrader.size() < distinct.size()) {
      ++report.duplicated;
      fail(std::to_string(distinct.size())
           + " different oppdrag sent under one key");
    }
  }
  // I2: a NY line's delytelseId in two different oppdrag could pay twice.
  for (auto& [id, xmls] : xml_by_delytelse) {
    if (xmls.size() < 2)
      continue;
    ++report.duplicated;
    report.failures.push_back("delytelseId " + id + " sent in "
                              + std::to_string(xmls.size())
                              + " different oppdrag");
  }
}

} // namespace utsjekk
