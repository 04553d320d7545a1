#pragma once

#include "messages/types.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

/// An OS (Oppdragssystemet) in memory that answers oppdrag the way OS does
/// (DESIGN.md §5). Pure: no threads, no I/O, no clock reads; the caller
/// passes the time and schedules the answers.
namespace utsjekk::os {

/// How the simulated OS behaves.
struct simulator_profile {
  /// Kvittering latency, drawn uniformly from [min, max].
  std::chrono::milliseconds latency_min{0};
  std::chrono::milliseconds latency_max{0};
  /// Probability of answering 12 (technical error) instead of processing.
  double rate_12 = 0.0;
  /// Probability that an oppdrag is processed but its kvittering lost.
  double rate_lost = 0.0;
  /// Probability that a kvittering is delivered twice.
  double rate_duplicate = 0.0;
  /// When true, kvitteringer are held until OS opens (06–21 on working
  /// days) and OS processes nothing while closed.
  bool opening_hours = false;
  /// Seed of the random draws.
  uint64_t seed = 1;
};

/// One active line in OS' ledger: a line not stopped from its fom on.
struct ledger_line {
  std::string delytelse_id;
  std::string kode_klassifik;
  date fom;
  date tom;
  kroner sats;
  std::string type_sats;
  /// Set when an opphør line, or a newer line on the same chain, stopped
  /// this line from that date on, and the date falls inside [fom, tom].
  std::optional<date> opphort_fom;
  friend bool operator==(const ledger_line&, const ledger_line&) = default;
};

/// Key of one oppdrag base in OS.
struct base_key {
  std::string fagomraade;
  std::string fagsystem_id;
  friend auto operator<=>(const base_key&, const base_key&) = default;
};

/// What OS pays per day for `lines`, the active lines of one base as
/// `simulator::ledger()` shows them: the sum over lines of their sats on
/// each day they pay (opphør applied). typeSats DAG pays Monday to Friday,
/// DAG7 every day; MND, ENG and any other typeSats pay the sats once, on
/// the line's fom, unless the line is stopped from its fom. Days that pay
/// nothing are absent.
std::map<date, uint64_t> payable(const std::vector<ledger_line>& lines);

/// Everything a simulator keeps between calls, to save it and to restore
/// it after a restart of its process.
struct simulator_snapshot {
  /// One line as OS stores it.
  struct stored {
    /// The line; `opphort_fom` holds the earliest stop date, even when it
    /// lies outside [fom, tom].
    ledger_line line;
    /// delytelseId of the first line of the chain this line belongs to.
    std::string chain;
    friend bool operator==(const stored&, const stored&) = default;
  };
  /// Every line OS ever accepted per base, in the order it accepted them.
  std::map<base_key, std::vector<stored>> bases;
  /// Sends per delytelseId.
  std::map<std::string, int> sends;
  /// Oppdrag received.
  uint64_t received = 0;
  /// The random generator's state in its standard text form.
  std::string rng;
  friend bool operator==(const simulator_snapshot&,
                         const simulator_snapshot&) = default;
};

/// What one `simulator::receive()` changed: enough to bring a simulator
/// restored from the snapshot before the call to the state after it.
struct simulator_change {
  /// Oppdrag received after the call.
  uint64_t received = 0;
  /// Outputs the call drew from the random generator.
  uint64_t draws = 0;
  /// The send counts after the call of the delytelseIds it counted.
  std::map<std::string, int> sends;
  /// The base the oppdrag was applied to with all its lines after the
  /// call; nullopt when no base changed (a rejection).
  std::optional<base_key> base;
  std::vector<simulator_snapshot::stored> lines;
  friend bool operator==(const simulator_change&,
                         const simulator_change&) = default;
};

/// What the simulator answers to one oppdrag.
struct answer {
  /// The kvittering: the oppdrag echoed with mmel; nullopt when lost.
  std::optional<oppdrag> kvittering;
  /// When to deliver it, counted from the send.
  std::chrono::milliseconds delay{0};
  /// 1, or 2 when the kvittering is duplicated.
  int copies = 1;
  /// The kvittering OS made but lost, when `kvittering` is empty: what a
  /// process that must answer a redelivered oppdrag the same way keeps.
  std::optional<oppdrag> lost_kvittering;
  /// What the call changed, to log it and replay it on a snapshot.
  simulator_change change;
};

/// The simulated OS. It keeps one oppdrag base per (kodeFagomraade,
/// fagsystemId) and applies OS' chain rule (reference §3.3): lines are
/// chained by refDelytelseId (a line without ref starts a chain); a NY line
/// on a chain stops every earlier line of that chain from its fom on; an
/// ENDR line with kodeStatusLinje OPPH and datoStatusFom D on delytelseId X
/// stops X's whole chain from D on.
class simulator {
public:
  explicit simulator(simulator_profile profile);

  /// A simulator that goes on from `saved`, with `profile`'s faults. A
  /// generator state that does not read starts from the profile's seed.
  simulator(simulator_profile profile, const simulator_snapshot& saved);

  /// Everything this simulator keeps, to restore it later.
  simulator_snapshot snapshot() const;

  /// Processes one oppdrag as OS would at local time `now` and returns the
  /// answer. Rules in the order they are checked; the first that matches
  /// answers, and a rejection changes nothing:
  /// - 12 "Teknisk feil i OS" by the profile's rate;
  /// - 08 "Oppdraget finnes fra før" for NY on an existing base;
  /// - 08 "OPPDRAGET/FAGSYSTEM-ID finnes ikke fra før" for ENDR on a
  ///   missing base;
  /// - 08 "DELYTELSE-ID finnes i oppdragsbasen fra før" for a NY line whose
  ///   delytelseId exists in the base or earlier in the oppdrag;
  /// - 08 "Referert vedtak/linje ikke funnet" for a NY line whose
  ///   refDelytelseId is neither in the base nor earlier in the oppdrag;
  /// - 08 "DELYTELSE-ID/LINJE-ID ved endring finnes ikke" for an ENDR line
  ///   on an unknown delytelseId;
  /// - 08 "DATO-STATUS-FOM mangler ved opphør" for an OPPH line without
  ///   datoStatusFom (a guard of this simulator, text not taken from OS);
  /// - otherwise the lines are applied, and the answer is 04 "Vedtak-tom er
  ///   ikke siste i mnd ved månedssats" when a NY line with typeSats MND
  ///   ends before its month's last day, else 00.
  /// ENDR lines without OPPH only need to name a known line; they change
  /// nothing.
  ///
  /// With `opening_hours` on and OS closed at `now`, OS processes the
  /// oppdrag at `next_opening(now)`: the delay reaches to that opening plus
  /// the drawn latency. The base changes at once, in the order oppdrag are
  /// received, which is the order OS would process its queue at opening;
  /// only `ledger()` and `payable()` can see the difference before then.
  ///
  /// Each call draws four numbers from the seeded generator (latency, 12,
  /// lost, duplicate), whatever the outcome, so a seed and a sequence of
  /// calls give the same answers. A lost kvittering (the oppdrag processed
  /// and applied, `kvittering` empty) takes precedence over a duplicate.
  answer receive(const oppdrag& x, local_time now);

  /// Applies what an earlier receive() changed (`answer::change`) to this
  /// simulator, which must hold the state from before that call: the
  /// replay of a change log on a snapshot.
  void replay(const simulator_change& x);

  /// Every send counted per delytelseId (NY lines), rejected ones too.
  const std::map<std::string, int>& sends_per_delytelse() const;

  /// The active lines per base, as OS would pay them.
  std::map<base_key, std::vector<ledger_line>> ledger() const;

  /// What OS pays per day for one base: `payable()` of its lines (chain
  /// rule and opphør applied). For the ledger invariant (I2).
  std::map<date, uint64_t> payable(const base_key& key) const;

  /// Number of oppdrag received.
  uint64_t received() const;

private:
  /// One line as OS stores it.
  using stored_line = simulator_snapshot::stored;
  /// One oppdrag base: every line OS ever accepted on it.
  struct base {
    std::vector<stored_line> lines;
    /// Position in `lines` per delytelseId.
    std::map<std::string, size_t> index;
  };
  /// The 08 rejection of `x` against `b` (null when the base is missing),
  /// or nullopt when OS accepts it.
  static std::optional<utsjekk::mmel> reject(const base* b, const oppdrag& x);
  /// Applies the lines of an accepted `x` to `b`.
  static void apply(base& b, const oppdrag& x);
  /// Stops every line of `chain` in `b` from `from` on.
  static void stop_chain(base& b, const std::string& chain, date from);
  simulator_profile profile_;
  std::mt19937_64 rng_;
  std::map<base_key, base> bases_;
  std::map<std::string, int> sends_;
  uint64_t received_ = 0;
};

} // namespace utsjekk::os
