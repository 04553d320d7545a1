#include "os_gateway/expected_ledger.hpp"

#include "messages/diff.hpp"
#include "messages/time.hpp"

#include <set>

namespace utsjekk::os {

namespace {

/// Renders a base for messages.
std::string name_of(const base_key& key) {
  return key.fagomraade + "/" + key.fagsystem_id;
}

} // namespace

payable_map expected_payable(const std::vector<outcome_of>& messages) {
  // The utbetalinger OS should pay, per sak, by uid.
  std::map<sak_key, std::map<uuid, utbetaling>> saker;
  for (const auto& x : messages) {
    if (!x.accepted)
      continue;
    auto& state = saker[x.msg.sak];
    std::set<uuid> named;
    for (const auto& u : x.msg.utbetalinger) {
      named.insert(u.uid);
      if (is_active(u))
        state.insert_or_assign(u.uid, u);
      else
        state.erase(u.uid);
    }
    // A full picture opphører what it leaves out.
    if (x.msg.full_picture)
      std::erase_if(state, [&](const auto& kv) {
        return named.count(kv.first) == 0;
      });
  }
  // Each period pays like the line it becomes.
  ledger_map lines;
  for (const auto& [sak, state] : saker)
    for (const auto& [uid, u] : state)
      for (const auto& p : u.perioder)
        lines[base_key{u.fagomrade, u.sak_id}].push_back(
          ledger_line{uid.to_string(), u.klassekode, p.fom, p.tom, p.belop,
                      std::string{type_sats(u.periodetype)}, std::nullopt});
  return payable_of(lines);
}

payable_map payable_of(const ledger_map& ledger) {
  payable_map result;
  for (const auto& [key, lines] : ledger)
    if (auto days = payable(lines); !days.empty())
      result.emplace(key, std::move(days));
  return result;
}

std::vector<std::string> compare(const payable_map& want,
                                 const payable_map& have) {
  std::vector<std::string> result;
  static const std::map<date, uint64_t> nothing;
  std::set<base_key> keys;
  for (const auto& [key, days] : want)
    keys.insert(key);
  for (const auto& [key, days] : have)
    keys.insert(key);
  for (const auto& key : keys) {
    auto w = want.find(key);
    auto h = have.find(key);
    const auto& wd = w == want.end() ? nothing : w->second;
    const auto& hd = h == have.end() ? nothing : h->second;
    // Every day either side pays.
    std::set<date> days;
    for (const auto& [d, n] : wd)
      days.insert(d);
    for (const auto& [d, n] : hd)
      days.insert(d);
    for (const auto& d : days) {
      auto wi = wd.find(d);
      auto hi = hd.find(d);
      auto wn = wi == wd.end() ? 0 : wi->second;
      auto hn = hi == hd.end() ? 0 : hi->second;
      if (wn != hn)
        result.push_back(name_of(key) + " " + to_string(d) + ": OS pays "
                         + std::to_string(hn) + ", expected "
                         + std::to_string(wn));
    }
  }
  return result;
}

} // namespace utsjekk::os
