#pragma once

#include "os_gateway/simulator.hpp"

#include <caf/error.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// The pure core of the standalone OS (`utsjekk-os`): what it answers to one
/// record of the oppdrag topic, with the simulator and a memory of the
/// answers it gave, so that a redelivered oppdrag gets the same kvittering
/// again and changes nothing. No threads, no I/O, no clock reads.
namespace utsjekk::os {

namespace defaults {

/// Answers remembered for redeliveries and resends; the oldest is
/// forgotten first.
inline constexpr size_t max_answered = 20'000;

} // namespace defaults

/// The identity of an oppdrag: SHA-256 of its XML bytes, in lower-case hex.
/// utsjekk sends the identical bytes on every attempt.
std::string oppdrag_hash(std::string_view xml);

/// One answer given, remembered by the oppdrag it answered.
struct answered_oppdrag {
  /// oppdrag_hash() of the oppdrag.
  std::string oppdrag;
  /// The mmel of its kvittering, also when that was lost on its way: the
  /// kvittering is the oppdrag echoed with it.
  utsjekk::mmel mmel;
  friend bool operator==(const answered_oppdrag&,
                         const answered_oppdrag&) = default;
};

/// What the standalone OS keeps across its restarts.
struct responder_state {
  simulator_snapshot sim;
  /// Answers given, oldest first.
  std::vector<answered_oppdrag> answered;
  friend bool operator==(const responder_state&,
                         const responder_state&) = default;
};

/// What answering one oppdrag changed in a responder: one entry of the
/// change log that goes on from a saved `responder_state`.
struct responder_change {
  simulator_change sim;
  /// The answer remembered; nullopt for a 12.
  std::optional<answered_oppdrag> answered;
  friend bool operator==(const responder_change&,
                         const responder_change&) = default;
};

/// What to do with one record of the oppdrag topic.
struct response {
  enum class kind : uint8_t {
    /// A kvittering (ours or another OS'): nothing to do.
    skip,
    /// Produce `kvittering` `copies` times after `delay`.
    answer,
    /// OS processed the oppdrag but its kvittering is lost.
    lost,
    /// The XML does not read as an oppdrag; `error` says why.
    unreadable,
  };
  kind what = kind::skip;
  std::string kvittering;
  std::chrono::milliseconds delay{0};
  int copies = 1;
  /// The state changed: save it before the kvittering leaves.
  bool changed = false;
  /// What changed, when `changed`.
  std::optional<responder_change> change;
  /// True when this repeats an earlier answer.
  bool repeated = false;
  caf::error error;
};

/// Answers oppdrag with a simulator and remembers each answer but a 12 (a
/// 12 changes nothing, and the retry that follows must be processed anew).
class responder {
public:
  explicit responder(simulator_profile profile,
                     size_t max_answered = defaults::max_answered);

  /// Goes on from `saved`.
  responder(simulator_profile profile, const responder_state& saved,
            size_t max_answered = defaults::max_answered);

  /// Answers one record's XML at local time `now`. An oppdrag answered
  /// before gets its earlier kvittering again, held until OS opens when
  /// the profile keeps opening hours, without touching the base.
  response on_record(std::string_view xml, local_time now);

  /// Applies `x`, which an earlier on_record() returned on a responder in
  /// the state this one is in: the replay of a change log.
  void replay(const responder_change& x);

  /// Everything to save.
  responder_state state() const;

  /// The simulated OS, for its ledger.
  const simulator& sim() const;

private:
  /// Remembers `m` as the answer to `hash`.
  void remember(const std::string& hash, const utsjekk::mmel& m);
  simulator_profile profile_;
  simulator sim_;
  size_t max_answered_;
  /// The mmel answered per oppdrag hash.
  std::map<std::string, utsjekk::mmel> answered_;
  /// The hashes in `answered_`, oldest first.
  std::deque<std::string> order_;
};

} // namespace utsjekk::os
