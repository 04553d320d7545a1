#include "os_gateway/simulator.hpp"

#include "messages/calendar.hpp"
#include "messages/time.hpp"

#include <algorithm>
#include <set>
#include <sstream>

namespace utsjekk::os {

namespace {

/// What OS answers, by rule. systemId, programId and sectionNavn are the
/// values OS puts in its kvitteringer (reference §4.1); B110008F and
/// BB50042I are codes OS is known to use, the other codes stand in for
/// OS' codes in the same pattern.
struct rule {
  const char* kode_melding;
  const char* alvorlighetsgrad;
  const char* beskr_melding;
};

constexpr rule technical_error = {"B000012F", "12", "Teknisk feil i OS"};
constexpr rule finnes_fra_for = {"B110008F", "08", "Oppdraget finnes fra før"};
constexpr rule finnes_ikke = {"B110006F", "08",
                              "OPPDRAGET/FAGSYSTEM-ID finnes ikke fra før"};
constexpr rule delytelse_finnes = {
    "B110014F", "08", "DELYTELSE-ID finnes i oppdragsbasen fra før"};
constexpr rule ref_ikke_funnet = {"B110012F", "08",
                                  "Referert vedtak/linje ikke funnet"};
constexpr rule endring_finnes_ikke = {
    "B110026F", "08", "DELYTELSE-ID/LINJE-ID ved endring finnes ikke"};
constexpr rule status_fom_mangler = {"B110027F", "08",
                                     "DATO-STATUS-FOM mangler ved opphør"};
constexpr rule mnd_tom = {"BB50042I", "04",
                          "Vedtak-tom er ikke siste i mnd ved månedssats"};

/// The mmel of `r`.
mmel make_mmel(const rule& r) {
  return mmel{"231-OPPD",      r.kode_melding, r.alvorlighetsgrad,
              r.beskr_melding, "K231BB10",     "CA10-INPUTKONTROLL"};
}

/// The mmel of an accepted oppdrag: OS sends only systemId and
/// alvorlighetsgrad then.
mmel accepted() {
  return mmel{"231-OPPD", "", "00", "", "", ""};
}

/// True for a line that adds a delytelse.
bool is_new(const oppdragslinje& l) {
  return l.kode_endring_linje == "NY";
}

/// True for a line that stops a chain.
bool is_opphor(const oppdragslinje& l) {
  return !is_new(l) && l.kode_status_linje == "OPPH";
}

/// True for a NY month-sats line whose tom is not its month's last day.
bool ends_mid_month(const oppdragslinje& l) {
  return is_new(l) && l.type_sats == "MND" &&
         l.dato_vedtak_tom != last_day_of_month(l.dato_vedtak_tom);
}

/// A draw in [0, 1) from the top 53 bits of one output. Spelled out instead
/// of std::uniform_real_distribution, whose results differ between standard
/// libraries, so that a seed means the same everywhere.
/// The generator, counting the outputs drawn from it, so that a change
/// can say how far the generator moved.
struct counted {
  std::mt19937_64& rng;
  uint64_t draws = 0;
  uint64_t operator()() {
    ++draws;
    return rng();
  }
};

double unit(counted& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

/// A latency in [lo, hi] from one output; hi below lo counts as lo.
std::chrono::milliseconds latency(counted& rng,
                                  std::chrono::milliseconds lo,
                                  std::chrono::milliseconds hi) {
  auto draw = rng();
  if (hi <= lo)
    return lo;
  // The modulo bias is below 2^-40 for any span of milliseconds in use.
  auto span = static_cast<uint64_t>((hi - lo).count()) + 1;
  return lo + std::chrono::milliseconds{static_cast<int64_t>(draw % span)};
}

/// True when `d` is a day a line of typeSats `type_sats` pays on.
bool pays_on(const std::string& type_sats, date d) {
  if (type_sats == "DAG")
    return !is_weekend(d);
  return true;
}

} // namespace

std::map<date, uint64_t> payable(const std::vector<ledger_line>& lines) {
  auto result = std::map<date, uint64_t>{};
  for (const auto& line : lines) {
    // The last day the line pays on, stop date applied.
    auto last = line.tom;
    if (line.opphort_fom)
      last = std::min(last, previous_day(*line.opphort_fom));
    if (last < line.fom || line.sats.value == 0)
      continue;
    // Day rates pay per day; every other typeSats once, on its fom.
    if (line.type_sats != "DAG" && line.type_sats != "DAG7") {
      result[line.fom] += line.sats.value;
      continue;
    }
    for (auto d = line.fom; d <= last; d = next_day(d))
      if (pays_on(line.type_sats, d))
        result[d] += line.sats.value;
  }
  return result;
}

simulator::simulator(simulator_profile profile)
    : profile_(profile), rng_(profile.seed) {}

simulator::simulator(simulator_profile profile,
                     const simulator_snapshot& saved)
    : profile_(profile), rng_(profile.seed) {
  // The generator goes on where it stopped, so a seed still means one
  // sequence of answers across restarts.
  auto in = std::istringstream{saved.rng};
  auto rng = std::mt19937_64{};
  if (!saved.rng.empty() && (in >> rng))
    rng_ = rng;
  for (const auto& [key, lines] : saved.bases) {
    auto& b = bases_[key];
    for (const auto& s : lines) {
      b.index.emplace(s.line.delytelse_id, b.lines.size());
      b.lines.push_back(s);
    }
  }
  sends_ = saved.sends;
  received_ = saved.received;
}

simulator_snapshot simulator::snapshot() const {
  auto result = simulator_snapshot{};
  for (const auto& [key, b] : bases_)
    result.bases.emplace(key, b.lines);
  result.sends = sends_;
  result.received = received_;
  auto out = std::ostringstream{};
  out << rng_;
  result.rng = out.str();
  return result;
}

answer simulator::receive(const oppdrag& x, local_time now) {
  auto out = answer{};
  // Count the send before anything can reject it.
  ++received_;
  out.change.received = received_;
  for (const auto& l : x.linjer)
    if (is_new(l))
      out.change.sends[l.delytelse_id] = ++sends_[l.delytelse_id];
  // Draw the same four numbers whatever the outcome.
  auto draw = counted{rng_};
  auto wait = latency(draw, profile_.latency_min, profile_.latency_max);
  auto technical = unit(draw) < profile_.rate_12;
  auto lost = unit(draw) < profile_.rate_lost;
  auto duplicate = unit(draw) < profile_.rate_duplicate;
  out.change.draws = draw.draws;
  // A closed OS takes the oppdrag from its queue at the next opening.
  if (profile_.opening_hours && !is_open(now))
    wait +=
        std::chrono::ceil<std::chrono::milliseconds>(next_opening(now) - now);
  // Decide the answer; only an accepted oppdrag touches the base.
  auto key = base_key{x.kode_fagomraade, x.fagsystem_id};
  auto i = bases_.find(key);
  auto result = std::optional<mmel>{};
  if (technical)
    result = make_mmel(technical_error);
  else
    result = reject(i == bases_.end() ? nullptr : &i->second, x);
  if (!result) {
    auto& b = bases_[key];
    apply(b, x);
    out.change.base = key;
    out.change.lines = b.lines;
    auto short_month =
        std::any_of(x.linjer.begin(), x.linjer.end(), ends_mid_month);
    result = short_month ? make_mmel(mnd_tom) : accepted();
  }
  // Echo the oppdrag with its mmel, unless the kvittering gets lost.
  out.delay = wait;
  auto echo = x;
  echo.mmel = std::move(*result);
  if (lost) {
    out.lost_kvittering = std::move(echo);
  } else {
    out.kvittering = std::move(echo);
    out.copies = duplicate ? 2 : 1;
  }
  return out;
}

void simulator::replay(const simulator_change& x) {
  // The counters and the generator, as receive() left them.
  received_ = x.received;
  for (const auto& [id, n] : x.sends)
    sends_[id] = n;
  rng_.discard(x.draws);
  if (!x.base)
    return;
  // The base the oppdrag was applied to, line by line.
  auto& b = bases_[*x.base];
  b.lines = x.lines;
  b.index.clear();
  for (size_t pos = 0; pos < b.lines.size(); ++pos)
    b.index.emplace(b.lines[pos].line.delytelse_id, pos);
}

std::optional<mmel> simulator::reject(const base* b, const oppdrag& x) {
  // The oppdrag as a whole against the base.
  if (x.kode_endring == "NY" && b != nullptr)
    return make_mmel(finnes_fra_for);
  if (x.kode_endring != "NY" && b == nullptr)
    return make_mmel(finnes_ikke);
  // Collect the ids of the base.
  auto known = std::set<std::string>{};
  if (b != nullptr)
    for (const auto& [id, pos] : b->index)
      known.insert(id);
  // A NY line must bring a new delytelseId, also within the oppdrag.
  auto ids = known;
  for (const auto& l : x.linjer)
    if (is_new(l) && !ids.insert(l.delytelse_id).second)
      return make_mmel(delytelse_finnes);
  // A NY line may refer to the base or to a line before it.
  ids = known;
  for (const auto& l : x.linjer) {
    if (!is_new(l))
      continue;
    if (l.ref_delytelse_id && !ids.contains(*l.ref_delytelse_id))
      return make_mmel(ref_ikke_funnet);
    ids.insert(l.delytelse_id);
  }
  // An ENDR line must name a line of the base or one before it.
  ids = known;
  for (const auto& l : x.linjer) {
    if (is_new(l))
      ids.insert(l.delytelse_id);
    else if (!ids.contains(l.delytelse_id))
      return make_mmel(endring_finnes_ikke);
  }
  // An opphør needs its date.
  for (const auto& l : x.linjer)
    if (is_opphor(l) && !l.dato_status_fom)
      return make_mmel(status_fom_mangler);
  return std::nullopt;
}

void simulator::apply(base& b, const oppdrag& x) {
  for (const auto& l : x.linjer) {
    // An opphør stops the whole chain of the line it names.
    if (is_opphor(l)) {
      auto chain = b.lines[b.index.at(l.delytelse_id)].chain;
      stop_chain(b, chain, *l.dato_status_fom);
      continue;
    }
    // Other ENDR lines change nothing here.
    if (!is_new(l))
      continue;
    // A chained NY line overrides its chain from its fom on.
    auto chain = l.delytelse_id;
    if (l.ref_delytelse_id) {
      chain = b.lines[b.index.at(*l.ref_delytelse_id)].chain;
      stop_chain(b, chain, l.dato_vedtak_fom);
    }
    // Store the line.
    auto line = ledger_line{
        l.delytelse_id, l.kode_klassifik, l.dato_vedtak_fom, l.dato_vedtak_tom,
        l.sats,         l.type_sats,      std::nullopt};
    b.index.emplace(l.delytelse_id, b.lines.size());
    b.lines.push_back(stored_line{std::move(line), std::move(chain)});
  }
}

void simulator::stop_chain(base& b, const std::string& chain, date from) {
  for (auto& s : b.lines) {
    if (s.chain != chain)
      continue;
    auto& stop = s.line.opphort_fom;
    if (!stop || from < *stop)
      stop = from;
  }
}

const std::map<std::string, int>& simulator::sends_per_delytelse() const {
  return sends_;
}

std::map<base_key, std::vector<ledger_line>> simulator::ledger() const {
  auto result = std::map<base_key, std::vector<ledger_line>>{};
  for (const auto& [key, b] : bases_) {
    auto& lines = result[key];
    for (const auto& s : b.lines) {
      // A line stopped from its fom on pays nothing and is not active.
      auto stop = s.line.opphort_fom;
      if (stop && *stop <= s.line.fom)
        continue;
      // Show a stop date only where it cuts the line short.
      auto line = s.line;
      if (stop && *stop > line.tom)
        line.opphort_fom = std::nullopt;
      lines.push_back(std::move(line));
    }
  }
  return result;
}

std::map<date, uint64_t> simulator::payable(const base_key& key) const {
  auto i = bases_.find(key);
  if (i == bases_.end())
    return {};
  // Stored lines keep stop dates outside [fom, tom]; payable() allows it.
  auto lines = std::vector<ledger_line>{};
  for (const auto& s : i->second.lines)
    lines.push_back(s.line);
  return utsjekk::os::payable(lines);
}

uint64_t simulator::received() const {
  return received_;
}

} // namespace utsjekk::os
