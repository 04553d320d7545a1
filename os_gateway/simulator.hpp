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

/// One active line in OS' ledger.
struct ledger_line {
  std::string delytelse_id;
  std::string kode_klassifik;
  date fom;
  date tom;
  kroner sats;
  std::string type_sats;
  /// Set when an opphør line stopped this line from that date on.
  std::optional<date> opphort_fom;
  friend bool operator==(const ledger_line&, const ledger_line&) = default;
};

/// What the simulator answers to one oppdrag.
struct answer {
  /// The kvittering: the oppdrag echoed with mmel; nullopt when lost.
  std::optional<oppdrag> kvittering;
  /// When to deliver it, counted from the send.
  std::chrono::milliseconds delay{0};
  /// 1, or 2 when the kvittering is duplicated.
  int copies = 1;
};

/// Key of one oppdrag base in OS.
struct base_key {
  std::string fagomraade;
  std::string fagsystem_id;
  friend auto operator<=>(const base_key&, const base_key&) = default;
};

class simulator {
public:
  explicit simulator(simulator_profile profile);

  /// Processes one oppdrag as OS would at local time `now` and returns the
  /// answer. Rules: 08 "Oppdraget finnes fra før" for NY on an existing
  /// base; 08 "OPPDRAGET/FAGSYSTEM-ID finnes ikke fra før" for ENDR on a
  /// missing base; 08 "DELYTELSE-ID finnes i oppdragsbasen fra før" for a
  /// NY line whose delytelseId exists; 08 "Referert vedtak/linje ikke
  /// funnet" for an unknown refDelytelseId; 08 "DELYTELSE-ID/LINJE-ID ved
  /// endring finnes ikke" for an ENDR line on an unknown id; 04 "Vedtak-tom
  /// er ikke siste i mnd ved månedssats" for a MND line whose tom is not a
  /// month's last day; 12 by the profile's rate (nothing is applied); else
  /// 00 and the lines are applied. A rejected oppdrag changes nothing.
  answer receive(const oppdrag& x, local_time now);

  /// Every send counted per delytelseId (NY lines), rejected ones too.
  const std::map<std::string, int>& sends_per_delytelse() const;

  /// The active lines per base, as OS would pay them.
  std::map<base_key, std::vector<ledger_line>> ledger() const;

  /// What OS pays per day for one base: the sum over active lines of their
  /// sats on each day they cover (opphør applied). For the ledger
  /// invariant (I2).
  std::map<date, uint64_t> payable(const base_key& key) const;

  /// Number of oppdrag received.
  uint64_t received() const;

private:
  struct base {
    std::vector<ledger_line> lines;
  };
  simulator_profile profile_;
  std::mt19937_64 rng_;
  std::map<base_key, base> bases_;
  std::map<std::string, int> sends_;
  uint64_t received_ = 0;
};

} // namespace utsjekk::os
