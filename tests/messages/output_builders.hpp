#pragma once

#include "messages/diff.hpp"
#include "messages/time.hpp"
#include "messages/types.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

/// Hand-built domain values for the output suites (diff, plan, XML,
/// kvittering, status), independent of the input decoder.
namespace utsjekk::test {

/// A date from its text form; fails the test on a typo.
inline date d(std::string_view text) {
  auto result = parse_date(text);
  REQUIRE_MESSAGE(result, "bad date in test: ", std::string{text});
  return *result;
}

/// A local time from its text form.
inline local_time t(std::string_view text) {
  auto result = parse_local_time(text);
  REQUIRE_MESSAGE(result, "bad time in test: ", std::string{text});
  return *result;
}

/// A uid that is easy to recognise: 0xAA, zeros, then `n`.
inline uuid uid_of(uint8_t n) {
  uuid result;
  result.bytes[0] = 0xAA;
  result.bytes[15] = n;
  return result;
}

/// A periode id that is easy to recognise: 0xBB, zeros, then `n`.
inline uuid periode_id(uint8_t n) {
  uuid result;
  result.bytes[0] = 0xBB;
  result.bytes[15] = n;
  return result;
}

/// Hands out periode_id(1), periode_id(2), ... and counts the calls.
struct counting_ids {
  std::shared_ptr<int> calls = std::make_shared<int>(0);
  /// The generator to pass to diff() and make_plan().
  id_generator generator() const {
    return [calls = calls] {
      ++*calls;
      return periode_id(static_cast<uint8_t>(*calls));
    };
  }
};

/// A period with an optional vedtakssats.
inline periode p(std::string_view fom, std::string_view tom, uint64_t belop,
                 std::optional<uint64_t> vedtakssats = std::nullopt) {
  periode result;
  result.fom = d(fom);
  result.tom = d(tom);
  result.belop = kroner{belop};
  if (vedtakssats)
    result.vedtakssats = kroner{*vedtakssats};
  return result;
}

/// The fields of one fagsystem's utbetalinger that tests rarely vary.
struct sak_profile {
  fagsystem fs = fagsystem::dagpenger;
  std::string sak_id = "AZ6M2KLZfmOCyWnleGOMzg==";
  std::string personident = "10049437035";
  std::string stonad = "DAGPENGER";
  std::string klassekode = "DAGPENGER";
  std::string fagomrade = "DP";
  periodetype pt = periodetype::ukedag;
  std::string saksbehandler = "dagpenger";
  std::string beslutter = "dagpenger";
};

/// An utbetaling of `profile` as a message asks for it (action create).
inline utbetaling make_utbetaling(const sak_profile& profile, uuid uid,
                                  std::string behandling_id,
                                  std::vector<periode> perioder,
                                  std::string_view vedtak
                                  = "2026-06-20T14:03:00") {
  utbetaling u;
  u.fagsystem = profile.fs;
  u.uid = uid;
  u.action = action::create;
  u.sak_id = profile.sak_id;
  u.behandling_id = std::move(behandling_id);
  u.personident = profile.personident;
  u.vedtakstidspunkt = t(vedtak);
  u.stonad = profile.stonad;
  u.klassekode = profile.klassekode;
  u.fagomrade = profile.fagomrade;
  u.beslutter_id = profile.beslutter;
  u.saksbehandler_id = profile.saksbehandler;
  u.periodetype = profile.pt;
  u.perioder = std::move(perioder);
  return u;
}

/// An explicit opphør of `uid` as a message asks for it.
inline utbetaling make_opphor(const sak_profile& profile, uuid uid,
                              std::string behandling_id,
                              action kind = action::del) {
  auto u = make_utbetaling(profile, uid, std::move(behandling_id), {});
  u.action = kind;
  return u;
}

/// `u` as OS accepted it, its chain ending in `last_id`.
inline utbetaling accepted_version(utbetaling u, uuid last_id) {
  u.last_periode_id = last_id;
  if (!u.perioder.empty())
    u.siste_periode = u.perioder.back();
  return u;
}

/// A message of `profile` carrying `utbetalinger`.
inline decoded_message make_message(const sak_profile& profile,
                                    std::string key,
                                    std::string behandling_id,
                                    std::vector<utbetaling> utbetalinger,
                                    std::string_view vedtak
                                    = "2026-06-20T14:03:00") {
  decoded_message m;
  m.key = tx_id{std::move(key)};
  m.fagsystem = profile.fs;
  m.sak = sak_key{profile.sak_id, profile.fs};
  m.full_picture = profile.fs == fagsystem::dagpenger
                   || profile.fs == fagsystem::aap
                   || profile.fs == fagsystem::tiltakspenger;
  m.behandling_id = std::move(behandling_id);
  m.personident = profile.personident;
  m.vedtakstidspunkt = t(vedtak);
  m.saksbehandler = profile.saksbehandler;
  m.beslutter = profile.beslutter;
  m.utbetalinger = std::move(utbetalinger);
  return m;
}

} // namespace utsjekk::test
