// Periods: reading, merging and the validation rules of reference §2.11.

#include "messages/decode_internal.hpp"

#include "messages/error.hpp"
#include "messages/time.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace utsjekk::decoding {

namespace {

/// The first Monday to Friday after `d`.
date next_weekday(date d) {
  auto result = next_day(d);
  while (is_weekend(result))
    result = next_day(result);
  return result;
}

/// True if a period starting on `fom` continues one ending on `tom`.
bool continues(date tom, date fom, merge_rule rule) {
  if (fom == next_day(tom))
    return true;
  return rule == merge_rule::weekdays && fom == next_weekday(tom);
}

/// Sorts by fom, keeping the order of periods that start the same day.
void sort_by_fom(std::vector<periode>& xs) {
  std::stable_sort(xs.begin(), xs.end(),
                   [](const periode& a, const periode& b) {
                     return a.fom < b.fom;
                   });
}

/// The first date that occurs twice in `xs`, if any.
std::optional<date> first_repeat(std::vector<date> xs) {
  std::sort(xs.begin(), xs.end());
  auto i = std::adjacent_find(xs.begin(), xs.end());
  if (i == xs.end())
    return std::nullopt;
  return *i;
}

caf::error fail(ec code, std::string_view label, const std::string& what) {
  auto msg = std::string{label};
  msg += ": ";
  msg += what;
  return caf::make_error(code, std::move(msg));
}

} // namespace

caf::error read_span(const json::cursor& x, date& fom, date& tom) {
  if (auto err = json::take(json::get_date(x["fom"]), fom))
    return err;
  if (auto err = json::take(json::get_date(x["tom"]), tom))
    return err;
  if (tom < fom)
    return fail(ec::ugyldig_periode, x.path(),
                "tom " + to_string(tom) + " is before fom " + to_string(fom));
  return caf::none;
}

caf::expected<periode> read_periode(const json::cursor& x, bool with_enhet) {
  periode result;
  if (auto err = json::require_object(x))
    return err;
  if (auto err = read_span(x, result.fom, result.tom))
    return err;
  if (auto err = json::take(json::get_amount(x["beløp"]), result.belop))
    return err;
  if (!with_enhet)
    return result;
  if (auto err = json::take(json::get_optional_string(x["betalendeEnhet"]),
                            result.betalende_enhet))
    return err;
  return result;
}

std::vector<periode> merge(std::vector<periode> in, merge_rule rule,
                           enhet_rule enhet) {
  // Sort by fom; one-off periods stay as they are.
  sort_by_fom(in);
  if (rule == merge_rule::none || in.empty())
    return in;
  // Group by beløp and vedtakssats, in order of first appearance.
  using key = std::tuple<uint64_t, bool, uint64_t>;
  std::map<key, size_t> index;
  std::vector<std::vector<periode>> groups;
  for (auto& p : in) {
    auto k = key{p.belop.value, p.vedtakssats.has_value(),
                 p.vedtakssats.value_or(kroner{}).value};
    auto [i, added] = index.emplace(k, groups.size());
    if (added)
      groups.emplace_back();
    groups[i->second].push_back(std::move(p));
  }
  // Merge each period of a group into its predecessor when it continues it.
  std::vector<periode> result;
  for (auto& group : groups) {
    auto current = group.front();
    for (size_t i = 1; i < group.size(); ++i) {
      auto& next = group[i];
      if (!continues(current.tom, next.fom, rule)) {
        result.push_back(std::move(current));
        current = std::move(next);
        continue;
      }
      current.tom = next.tom;
      if (enhet == enhet_rule::last)
        current.betalende_enhet = std::move(next.betalende_enhet);
    }
    result.push_back(std::move(current));
  }
  sort_by_fom(result);
  return result;
}

merge_rule merge_rule_for(periodetype x) {
  switch (x) {
    case periodetype::en_gang:
      return merge_rule::none;
    case periodetype::mnd:
      return merge_rule::days;
    case periodetype::dag:
    case periodetype::ukedag:
      return merge_rule::weekdays;
  }
  return merge_rule::none;
}

caf::error validate_perioder(const utbetaling& u, std::string_view label) {
  const auto& ps = u.perioder;
  // An utbetaling that pays needs something to pay.
  if (ps.empty())
    return fail(ec::mangler_perioder, label,
                "no periods; an utbetaling needs at least one period (send "
                "an empty list only to stop a whole utbetaling)");
  // Find the span it covers.
  auto first = std::min_element(ps.begin(), ps.end(),
                                [](const periode& a, const periode& b) {
                                  return a.fom < b.fom;
                                })->fom;
  auto last = std::max_element(ps.begin(), ps.end(),
                               [](const periode& a, const periode& b) {
                                 return a.tom < b.tom;
                               })->tom;
  // A one-off payment stays within one calendar year.
  if (u.periodetype == periodetype::en_gang && first.year() != last.year())
    return fail(ec::engangs_over_arsskifte, label,
                "EN_GANG periods from " + to_string(first) + " to "
                  + to_string(last)
                  + " cross a year end; split them at 31 December");
  // No two periods start or end on the same day.
  std::vector<date> foms;
  std::vector<date> toms;
  for (const auto& p : ps) {
    foms.push_back(p.fom);
    toms.push_back(p.tom);
  }
  if (auto d = first_repeat(foms))
    return fail(ec::duplikate_perioder, label,
                "two periods start on " + to_string(*d));
  if (auto d = first_repeat(toms))
    return fail(ec::duplikate_perioder, label,
                "two periods end on " + to_string(*d));
  // Every period ends on or after its start.
  for (const auto& p : ps)
    if (p.tom < p.fom)
      return fail(ec::ugyldig_periode, label,
                  "tom " + to_string(p.tom) + " is before fom "
                    + to_string(p.fom));
  // Day rates cover at most 1100 days.
  auto span = days_between(first, last) + 1;
  auto daily = u.periodetype == periodetype::dag
               || u.periodetype == periodetype::ukedag;
  if (daily && span > max_day_span)
    return fail(ec::for_lang_utbetaling, label,
                "periods from " + to_string(first) + " to " + to_string(last)
                  + " span " + std::to_string(span) + " days; "
                  + std::string{to_string(u.periodetype)}
                  + " allows at most " + std::to_string(max_day_span));
  // Nothing is paid with zero.
  for (const auto& p : ps)
    if (p.belop.value == 0)
      return fail(ec::ugyldig_belop, label,
                  "the period from " + to_string(p.fom) + " to "
                    + to_string(p.tom)
                    + " has beløp 0; leave out periods without payment");
  return caf::none;
}

} // namespace utsjekk::decoding
