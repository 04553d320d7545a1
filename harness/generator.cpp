#include "harness/generator.hpp"

#include "messages/time.hpp"

#include <boost/json.hpp>

#include <random>

namespace utsjekk {

namespace {

namespace bj = boost::json;

/// One utbetaling of a generated sak: a meldekort (AAP), a meldeperiode
/// (DP, TP) or an explicit utbetaling (TS, historisk, valp).
struct item {
  std::string id;
  date fom;
  date tom;
  uint64_t belop = 0;
  uint64_t sats = 0;
  bool active = true;
};

/// The state of one generated sak.
struct sak_model {
  utsjekk::fagsystem fs = fagsystem::aap;
  std::string sak_id;
  std::string personident;
  int behandlinger = 0;
  std::vector<item> items;
  /// The last valid record, for redeliveries.
  std::optional<generated_record> last_valid;
  /// Records still to generate.
  size_t remaining = 0;
};

/// Weeks counted from a Monday, so that meldeperioder are Monday–Friday
/// pairs of weeks.
const date first_monday = std::chrono::year{2025} / std::chrono::January
                          / std::chrono::day{6};

date add_days(date d, int n) {
  return date{std::chrono::sys_days{d} + std::chrono::days{n}};
}

std::string random_uuid(std::mt19937_64& rng) {
  uuid x;
  for (size_t i = 0; i < 16; i += 8) {
    auto bits = rng();
    for (size_t j = 0; j < 8; ++j)
      x.bytes[i + j] = static_cast<uint8_t>(bits >> (8 * j));
  }
  x.bytes[6] = static_cast<uint8_t>((x.bytes[6] & 0x0F) | 0x40);
  x.bytes[8] = static_cast<uint8_t>((x.bytes[8] & 0x3F) | 0x80);
  return x.to_string();
}

std::string short_name(fagsystem fs) {
  switch (fs) {
    case fagsystem::aap:
      return "aap";
    case fagsystem::dagpenger:
      return "dp";
    case fagsystem::tiltakspenger:
      return "tp";
    case fagsystem::tilleggsstonader:
      return "ts";
    case fagsystem::historisk:
      return "hist";
    case fagsystem::valp:
      return "valp";
  }
  return "x";
}

/// Adds the next utbetaling of a sak: the next two weeks, or one day for
/// one-off payments.
void add_item(sak_model& sak, std::mt19937_64& rng) {
  auto k = static_cast<int>(sak.items.size());
  item x;
  x.fom = add_days(first_monday, 14 * k);
  auto one_off = sak.fs == fagsystem::tilleggsstonader
                 || sak.fs == fagsystem::historisk
                 || sak.fs == fagsystem::valp;
  x.tom = one_off ? x.fom : add_days(x.fom, 11);
  x.sats = 800 + rng() % 900;
  x.belop = 100 + rng() % x.sats;
  switch (sak.fs) {
    case fagsystem::dagpenger:
    case fagsystem::tiltakspenger:
      x.id = "mp-" + std::to_string(k + 1);
      break;
    default:
      x.id = random_uuid(rng);
  }
  sak.items.push_back(std::move(x));
}

/// The weekdays of [fom, tom].
std::vector<date> weekdays(date fom, date tom) {
  std::vector<date> result;
  for (auto d = fom; d <= tom; d = next_day(d))
    if (!is_weekend(d))
      result.push_back(d);
  return result;
}

/// The message text that states the sak as it is now. Full-picture
/// formats carry every active utbetaling; explicit ones carry `changed`.
std::string render(const sak_model& sak, const item* changed,
                   const std::string& behandling) {
  const std::string vedtak = "2025-06-30T10:15:30";
  auto active = [&](auto&& fn) {
    for (auto& x : sak.items)
      if (x.active)
        fn(x);
  };
  bj::object msg;
  switch (sak.fs) {
    case fagsystem::aap: {
      bj::array list;
      active([&](const item& x) {
        list.push_back({{"id", x.id},
                        {"fom", to_string(x.fom)},
                        {"tom", to_string(x.tom)},
                        {"sats", x.sats},
                        {"utbetaltBeløp", x.belop}});
      });
      msg = {{"sakId", sak.sak_id},       {"behandlingId", behandling},
             {"ident", sak.personident},  {"vedtakstidspunktet", vedtak},
             {"saksbehandler", "Z123456"}, {"beslutter", "Z654321"},
             {"utbetalinger", std::move(list)}};
      break;
    }
    case fagsystem::dagpenger: {
      bj::array list;
      active([&](const item& x) {
        for (auto d : weekdays(x.fom, x.tom))
          list.push_back({{"meldeperiode", x.id},
                          {"dato", to_string(d)},
                          {"sats", x.sats},
                          {"utbetaltBeløp", x.belop},
                          {"utbetalingstype", "Dagpenger"}});
      });
      msg = {{"sakId", sak.sak_id},
             {"behandlingId", behandling},
             {"ident", sak.personident},
             {"vedtakstidspunktet", vedtak},
             {"utbetalinger", std::move(list)}};
      break;
    }
    case fagsystem::tiltakspenger: {
      bj::array list;
      active([&](const item& x) {
        list.push_back({{"meldeperiode", x.id},
                        {"fom", to_string(x.fom)},
                        {"tom", to_string(x.tom)},
                        {"betalendeEnhet", "0220"},
                        {"barnetillegg", false},
                        {"beløp", x.belop},
                        {"stønad", "ARBEIDSTRENING"}});
      });
      msg = {{"sakId", sak.sak_id},
             {"behandlingId", behandling},
             {"personident", sak.personident},
             {"vedtakstidspunkt", vedtak},
             {"perioder", std::move(list)}};
      break;
    }
    case fagsystem::tilleggsstonader: {
      bj::array perioder;
      if (changed->active)
        perioder.push_back({{"fom", to_string(changed->fom)},
                            {"tom", to_string(changed->tom)},
                            {"beløp", changed->belop}});
      bj::array list;
      list.push_back({{"id", changed->id},
                      {"stønad", "DAGLIG_REISE_AAP"},
                      {"brukFagområdeTillst", false},
                      {"perioder", std::move(perioder)}});
      msg = {{"sakId", sak.sak_id},
             {"behandlingId", behandling},
             {"personident", sak.personident},
             {"vedtakstidspunkt", vedtak},
             {"periodetype", "EN_GANG"},
             {"saksbehandler", "Z123456"},
             {"beslutter", "Z654321"},
             {"utbetalinger", std::move(list)}};
      break;
    }
    case fagsystem::historisk: {
      bj::array perioder;
      if (changed->active)
        perioder.push_back({{"fom", to_string(changed->fom)},
                            {"tom", to_string(changed->tom)},
                            {"beløp", changed->belop}});
      msg = {{"id", changed->id},
             {"sakId", sak.sak_id},
             {"behandlingId", behandling},
             {"personident", sak.personident},
             {"stønad", "HØREAPPARAT_ANSKAFFELSE"},
             {"vedtakstidspunkt", vedtak},
             {"periodetype", "EN_GANG"},
             {"perioder", std::move(perioder)}};
      break;
    }
    case fagsystem::valp: {
      msg = {{"id", changed->id},
             {"sakId", sak.sak_id},
             {"behandlingId", behandling},
             {"personIdent", sak.personident},
             {"periode", {{"fom", to_string(changed->fom)},
                          {"tom", to_string(changed->tom)}}},
             {"belop", changed->active ? changed->belop : 0},
             {"tilskuddstype", "SKOLEPENGER"},
             {"tiltakskode", "HOYERE_UTDANNING"},
             {"saksbehandler", "Z123456"},
             {"beslutter", "Z654321"},
             {"besluttetTidspunkt", "2025-08-10T08:30:00Z"}};
      break;
    }
  }
  return bj::serialize(msg);
}

size_t active_count(const sak_model& sak) {
  return static_cast<size_t>(std::count_if(
    sak.items.begin(), sak.items.end(), [](auto& x) { return x.active; }));
}

/// Generates the next record of `sak`.
generated_record next_record(sak_model& sak, std::mt19937_64& rng,
                             const generator_options& opts, size_t& keys) {
  generated_record rec;
  rec.topic = std::string{default_input_topic(sak.fs)};
  rec.fagsystem = sak.fs;
  rec.sak_id = sak.sak_id;
  rec.key = opts.prefix + "-" + std::to_string(++keys);
  auto behandling = sak.sak_id + "-b" + std::to_string(++sak.behandlinger);
  auto draw = std::uniform_real_distribution<double>{0.0, 1.0}(rng);
  auto single = sak.fs == fagsystem::historisk || sak.fs == fagsystem::valp;
  // The first record creates the sak.
  if (sak.items.empty()) {
    add_item(sak, rng);
    rec.kind = generated_kind::create;
    rec.value = render(sak, &sak.items.back(), behandling);
    sak.last_valid = rec;
    return rec;
  }
  // An invalid message changes nothing.
  if (draw < opts.invalid_share) {
    auto valid = render(sak, &sak.items.back(), behandling);
    rec.kind = generated_kind::invalid;
    if (rng() % 2 == 0) {
      rec.value = valid.substr(0, valid.size() / 2);
    } else {
      auto pos = valid.find("\"sakId\":");
      rec.value = valid.substr(0, pos) + "\"sakId\":12,\"ignored\":"
                  + valid.substr(pos + 8);
    }
    return rec;
  }
  draw -= opts.invalid_share;
  // The previous valid record again, same key and content.
  if (draw < opts.redelivery_share && sak.last_valid) {
    rec = *sak.last_valid;
    rec.kind = generated_kind::redelivery;
    return rec;
  }
  draw -= opts.redelivery_share;
  // Opphør of one active utbetaling; full-picture formats keep at least one.
  auto actives = active_count(sak);
  auto full_picture = sak.fs == fagsystem::aap
                      || sak.fs == fagsystem::dagpenger
                      || sak.fs == fagsystem::tiltakspenger;
  if (draw < opts.opphor_share && actives > (full_picture ? 1u : 0u)) {
    std::vector<item*> candidates;
    for (auto& x : sak.items)
      if (x.active)
        candidates.push_back(&x);
    auto* x = candidates[rng() % candidates.size()];
    x->active = false;
    rec.kind = generated_kind::opphor;
    rec.value = render(sak, x, behandling);
    sak.last_valid = rec;
    return rec;
  }
  // A change: a new amount on one utbetaling, or a further period.
  rec.kind = generated_kind::change;
  if (single || rng() % 2 == 0 || actives == 0) {
    auto* x = &sak.items[rng() % sak.items.size()];
    x->active = true;
    auto next = x->belop % x->sats + 1;
    x->belop = next == x->belop ? next + 1 : next;
    rec.value = render(sak, x, behandling);
  } else {
    add_item(sak, rng);
    rec.value = render(sak, &sak.items.back(), behandling);
  }
  sak.last_valid = rec;
  return rec;
}

} // namespace

std::string_view to_string(generated_kind x) {
  switch (x) {
    case generated_kind::create:
      return "create";
    case generated_kind::change:
      return "change";
    case generated_kind::opphor:
      return "opphor";
    case generated_kind::redelivery:
      return "redelivery";
    case generated_kind::invalid:
      return "invalid";
  }
  return "unknown";
}

std::vector<generated_record> generate(const generator_options& opts) {
  std::mt19937_64 rng{opts.seed};
  std::vector<sak_model> saker(std::max<size_t>(opts.saker, 1));
  // Saker round robin over the fagsystemer, each with at least one record.
  for (size_t i = 0; i < saker.size(); ++i) {
    auto& sak = saker[i];
    sak.fs = opts.fagsystemer[i % opts.fagsystemer.size()];
    sak.sak_id = opts.prefix + "-" + short_name(sak.fs) + "-"
                 + std::to_string(i + 1);
    sak.personident = std::to_string(10000000000ull + rng() % 89999999999ull);
    sak.remaining = 1;
  }
  // The rest spread over the saker; with skew, the hottest tenth (the
  // first saker) takes that share of them.
  auto hot = std::max<size_t>(1, saker.size() / 10);
  auto uniform = opts.skew == 0.1 || hot == saker.size();
  std::uniform_real_distribution<double> unit{0.0, 1.0};
  for (size_t n = saker.size(); n < opts.messages; ++n) {
    if (uniform)
      ++saker[rng() % saker.size()].remaining;
    else if (unit(rng) < opts.skew)
      ++saker[rng() % hot].remaining;
    else
      ++saker[hot + rng() % (saker.size() - hot)].remaining;
  }
  // Interleave the saker, keeping each sak's order.
  std::vector<generated_record> result;
  result.reserve(opts.messages);
  std::vector<size_t> open(saker.size());
  for (size_t i = 0; i < open.size(); ++i)
    open[i] = i;
  size_t keys = 0;
  while (!open.empty()) {
    auto pick = rng() % open.size();
    auto& sak = saker[open[pick]];
    result.push_back(next_record(sak, rng, opts, keys));
    if (--sak.remaining == 0) {
      open[pick] = open.back();
      open.pop_back();
    }
  }
  return result;
}

std::string to_jsonl(const generated_record& x) {
  bj::object line{{"topic", x.topic},
                  {"key", x.key},
                  {"value", x.value},
                  {"kind", to_string(x.kind)}};
  return bj::serialize(line);
}

} // namespace utsjekk
