#pragma once

#include <array>
#include <chrono>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Domain types shared by every part of utsjekk. Pure data: no I/O, no
/// actors, no clock reads. Field names follow reference §2.10 and §3.
namespace utsjekk {

// -- calendar ----------------------------------------------------------------

/// A calendar date (fom, tom, dato).
using date = std::chrono::year_month_day;

/// A wall-clock time without zone, as the benefit systems send it
/// (vedtakstidspunkt), with microsecond precision.
using local_time = std::chrono::local_time<std::chrono::microseconds>;

// -- strong scalar types -----------------------------------------------------

/// An amount in whole Norwegian kroner. Never negative.
struct kroner {
  uint64_t value = 0;
  friend auto operator<=>(const kroner&, const kroner&) = default;
};

/// A 128-bit UUID: utbetaling ids (uid) and periode ids (delytelseId).
struct uuid {
  std::array<uint8_t, 16> bytes{};
  friend auto operator<=>(const uuid&, const uuid&) = default;
  /// Canonical lower-case text form, 8-4-4-4-12.
  std::string to_string() const;
  /// Standard base64 of the 16 bytes, 24 characters with "==" (the form
  /// of delytelseId in Oppdrag XML).
  std::string to_base64() const;
  /// Parses the text form; returns nullopt on anything else.
  static std::optional<uuid> parse(std::string_view text);
  /// Parses the base64 form; returns nullopt on anything else.
  static std::optional<uuid> from_base64(std::string_view text);
};

/// The Kafka record key a benefit system chose for one message: the
/// transaction id every status is keyed by.
struct tx_id {
  std::string value;
  friend auto operator<=>(const tx_id&, const tx_id&) = default;
};

// -- enums -------------------------------------------------------------------

/// The benefit systems utsjekk serves (reference §2.1).
enum class fagsystem : uint8_t {
  aap,
  dagpenger,
  tiltakspenger,
  tilleggsstonader,
  historisk,
  valp,
};

/// All fagsystemer, in a fixed order.
inline constexpr std::array<fagsystem, 6> all_fagsystemer = {
  fagsystem::aap,           fagsystem::dagpenger, fagsystem::tiltakspenger,
  fagsystem::tilleggsstonader, fagsystem::historisk, fagsystem::valp,
};

/// The enum name on the wire: "AAP", "DAGPENGER", "TILTAKSPENGER",
/// "TILLEGGSSTØNADER", "HISTORISK", "VALP".
std::string_view to_string(fagsystem x);

/// Parses the enum name; nullopt for anything else.
std::optional<fagsystem> parse_fagsystem(std::string_view text);

/// The input topic each fagsystem publishes on (reference §1.2).
std::string_view default_input_topic(fagsystem x);

/// The fagsystem whose default input topic is `topic`.
std::optional<fagsystem> fagsystem_of_topic(std::string_view topic);

/// How a period's sats is meant (reference §2.2).
enum class periodetype : uint8_t {
  /// Every day, Monday to Sunday: typeSats DAG7.
  dag,
  /// Working days: typeSats DAG.
  ukedag,
  /// A month: typeSats MND.
  mnd,
  /// Once: typeSats ENG.
  en_gang,
};

/// "DAG", "UKEDAG", "MND", "EN_GANG".
std::string_view to_string(periodetype x);
std::optional<periodetype> parse_periodetype(std::string_view text);
/// The Oppdrag typeSats: "DAG7", "DAG", "MND", "ENG".
std::string_view type_sats(periodetype x);

/// What a message does to one utbetaling (reference §2.2).
enum class action : uint8_t { create, update, del, fake_delete };

/// "CREATE", "UPDATE", "DELETE", "FAKE_DELETE".
std::string_view to_string(action x);
std::optional<action> parse_action(std::string_view text);

// -- utbetaling --------------------------------------------------------------

/// One period of an utbetaling.
struct periode {
  date fom;
  date tom;
  kroner belop;
  std::optional<std::string> betalende_enhet;
  std::optional<kroner> vedtakssats;
  friend bool operator==(const periode&, const periode&) = default;
};

/// An AAP avvent (hold) on every utbetaling of a message.
struct avvent {
  date fom;
  date tom;
  std::optional<date> overfores;
  /// "AVVENT_AVREGNING" or "AVVENT_REFUSJONSKRAV", if given.
  std::optional<std::string> arsak;
  bool feilregistrering = false;
  friend bool operator==(const avvent&, const avvent&) = default;
};

/// Key of a sak: its id and fagsystem. All TS fagområder share one key with
/// fagsystem TILLEGGSSTØNADER.
struct sak_key {
  std::string sak_id;
  utsjekk::fagsystem fagsystem = fagsystem::aap;
  friend auto operator<=>(const sak_key&, const sak_key&) = default;
};

/// One utbetaling, the unit of state (reference §2.10). The same type holds
/// what a message asks for and what OS accepted.
struct utbetaling {
  bool dryrun = false;
  std::string original_key;
  utsjekk::fagsystem fagsystem = fagsystem::aap;
  uuid uid;
  utsjekk::action action = action::create;
  bool forste_utbetaling_pa_sak = false;
  std::string sak_id;
  std::string behandling_id;
  /// The delytelseId of the last line OS accepted for this utbetaling;
  /// meaningless before the first oppdrag.
  uuid last_periode_id;
  std::optional<periode> siste_periode;
  std::string personident;
  local_time vedtakstidspunkt{};
  /// The stønad's enum name, e.g. "DAGPENGER", "AAP_UNDER_ARBEIDSAVKLARING",
  /// "DAGLIG_REISE_AAP".
  std::string stonad;
  /// kodeKlassifik, derived from fagsystem and stønad (reference §2.2).
  std::string klassekode;
  /// kodeFagomraade, derived from fagsystem and stønad (reference §2.1),
  /// e.g. "DP", "TILLSTDR", "TILLST".
  std::string fagomrade;
  std::string beslutter_id;
  std::string saksbehandler_id;
  utsjekk::periodetype periodetype = periodetype::ukedag;
  std::optional<utsjekk::avvent> avvent;
  /// Sorted by fom.
  std::vector<periode> perioder;
  friend bool operator==(const utbetaling&, const utbetaling&) = default;
};

/// A valid input message, split into utbetalinger (reference §2.3–2.8).
struct decoded_message {
  tx_id key;
  utsjekk::fagsystem fagsystem = fagsystem::aap;
  sak_key sak;
  bool dryrun = false;
  /// DP, AAP and TP send the whole sak every time: an active uid missing
  /// from the message is opphørt. TS, historisk and valp only opphør
  /// explicitly.
  bool full_picture = false;
  std::string behandling_id;
  std::string personident;
  local_time vedtakstidspunkt{};
  std::string saksbehandler;
  std::string beslutter;
  /// Utbetalinger with periods (action create) and explicit opphør (action
  /// del/fake_delete, no periods).
  std::vector<utbetaling> utbetalinger;
};

// -- accepted state ----------------------------------------------------------

/// What OS accepted for one sak: every utbetaling with its last accepted
/// version, opphørte ones included (action del) so that a re-introduction
/// chains from them and kodeEndring stays ENDR.
struct sak_state {
  /// A saker entry exists: OS accepted an oppdrag on this sak before.
  bool exists = false;
  std::map<uuid, utbetaling> utbetalinger;
};

// -- Oppdrag (reference §3.1, §3.2, §4.1) --------------------------------

/// The block OS puts first in a kvittering.
struct mmel {
  std::string system_id;
  std::string kode_melding;
  /// "00", "04", "08" or "12", trimmed.
  std::string alvorlighetsgrad;
  std::string beskr_melding;
  std::string program_id;
  std::string section_navn;
  friend bool operator==(const mmel&, const mmel&) = default;
};

/// oppdrags-enhet-120.
struct oppdrags_enhet {
  /// "BOS" or "BEH".
  std::string type_enhet;
  std::string enhet;
  date dato_enhet_fom;
  friend bool operator==(const oppdrags_enhet&,
                         const oppdrags_enhet&) = default;
};

/// avvent-118 (AAP only).
struct avvent118 {
  date dato_avvent_fom;
  date dato_avvent_tom;
  std::optional<date> dato_overfores;
  /// "AVAV" or "AVRK".
  std::optional<std::string> kode_arsak;
  /// "J" or "N".
  std::string feilreg = "N";
  friend bool operator==(const avvent118&, const avvent118&) = default;
};

/// oppdrags-linje-150.
struct oppdragslinje {
  /// "NY" or "ENDR".
  std::string kode_endring_linje;
  /// "OPPH" on opphør lines.
  std::optional<std::string> kode_status_linje;
  std::optional<date> dato_status_fom;
  /// The vedtakstidspunkt's date, "YYYY-MM-DD".
  std::string vedtak_id;
  /// base64 of the periode id (24 characters) or an old-format id.
  std::string delytelse_id;
  std::string kode_klassifik;
  date dato_klassifik_fom;
  date dato_vedtak_fom;
  date dato_vedtak_tom;
  kroner sats;
  std::string fradrag_tillegg = "T";
  std::string type_sats;
  std::string bruk_kjoreplan = "N";
  std::string saksbeh_id;
  std::string utbetales_til_id;
  std::string henvisning;
  std::optional<std::string> ref_fagsystem_id;
  std::optional<std::string> ref_delytelse_id;
  std::optional<kroner> vedtakssats;
  std::string attestant_id;
  friend bool operator==(const oppdragslinje&, const oppdragslinje&) = default;
};

/// One Oppdrag (oppdrag-110 and its lines), optionally with the mmel of a
/// kvittering.
struct oppdrag {
  std::optional<utsjekk::mmel> mmel;
  std::string kode_aksjon = "1";
  /// "NY" or "ENDR".
  std::string kode_endring;
  std::string kode_fagomraade;
  std::string fagsystem_id;
  std::string utbet_frekvens = "MND";
  std::string oppdrag_gjelder_id;
  date dato_oppdrag_gjelder_fom;
  std::string saksbeh_id;
  /// avstemming-115.
  std::string kode_komponent;
  std::string nokkel_avstemming;
  std::string tidspkt_melding;
  std::optional<avvent118> avvent;
  std::vector<oppdrags_enhet> enheter;
  std::vector<oppdragslinje> linjer;
  friend bool operator==(const oppdrag&, const oppdrag&) = default;
};

// -- statuses (reference §5) -------------------------------------------------

enum class status_kind : uint8_t { mottatt, hos_oppdrag, ok, feilet };

/// "MOTTATT", "HOS_OPPDRAG", "OK", "FEILET".
std::string_view to_string(status_kind x);
std::optional<status_kind> parse_status_kind(std::string_view text);

/// True for OK and FEILET.
inline bool is_terminal(status_kind x) {
  return x == status_kind::ok || x == status_kind::feilet;
}

/// One line of a status' detaljer.
struct status_linje {
  std::string behandling_id;
  date fom;
  date tom;
  std::optional<kroner> vedtakssats;
  kroner belop;
  std::string klassekode;
  friend bool operator==(const status_linje&, const status_linje&) = default;
};

struct status_detaljer {
  utsjekk::fagsystem ytelse = fagsystem::aap;
  std::vector<status_linje> linjer;
  friend bool operator==(const status_detaljer&, const status_detaljer&) =
    default;
};

/// The error of a FEILET status (ApiError).
struct api_error {
  int status_code = 500;
  std::string msg;
  std::string doc;
  /// "HELVED" or "OSUR".
  std::string system = "HELVED";
  friend bool operator==(const api_error&, const api_error&) = default;
};

/// A status as published on helved.status.v1 (StatusReply).
struct status_reply {
  status_kind status = status_kind::mottatt;
  std::optional<status_detaljer> detaljer;
  std::optional<api_error> error;
  bool simulering = false;
  friend bool operator==(const status_reply&, const status_reply&) = default;
};

} // namespace utsjekk
