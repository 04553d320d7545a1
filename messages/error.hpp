#pragma once

#include <caf/error.hpp>
#include <caf/make_message.hpp>

#include <cstdint>
#include <string>

namespace utsjekk {

/// The project's error codes. Every fallible function returns
/// `caf::expected<T>` or `caf::error` with one of these and a context
/// message naming the field or the cause.
enum class ec : uint8_t {
  /// Not an error.
  none = 0,
  /// The payload is not JSON: truncated, trailing garbage, a byte-order
  /// mark, invalid UTF-8, a duplicate key.
  malformed_json,
  /// A field is missing, has the wrong type or is out of range.
  invalid_field,
  /// An utbetaling has no periods (MANGLER_PERIODER).
  mangler_perioder,
  /// A one-off period spans two calendar years (ENGANGS_OVER_ÅRSSKIFTE).
  engangs_over_arsskifte,
  /// Two periods share a fom or a tom (DUPLIKATE_PERIODER).
  duplikate_perioder,
  /// A period ends before it starts (UGYLDIG_PERIODE).
  ugyldig_periode,
  /// A day-rate utbetaling spans more than 1100 days
  /// (FOR_LANG_UTBETALING).
  for_lang_utbetaling,
  /// A zero amount where one is not allowed (UGYLDIG_BELØP).
  ugyldig_belop,
  /// sakId is empty or longer than 30 characters (UGYLDIG_SAK_ID).
  ugyldig_sak_id,
  /// behandlingId is empty or longer than 30 (UGYLDIG_BEHANDLING_ID).
  ugyldig_behandling_id,
  /// A message changes sakId, personident, stønad or periodetype of an
  /// existing utbetaling (IMMUTABLE_FIELD_*).
  immutable_field,
  /// A message deletes an utbetaling that does not exist (404).
  unknown_utbetaling,
  /// The same key arrived again with different content (409).
  conflicting_key,
  /// dryrun and non-dryrun mixed in one message (500).
  mixed_dryrun,
  /// OS answered 08: a functional rejection.
  os_rejected,
  /// OS answered 12 until retries ran out, or an unknown code.
  os_technical,
  /// A kvittering or oppdrag XML document could not be parsed.
  malformed_xml,
  /// The transport to OS failed.
  transport_failed,
  /// A Kafka operation failed.
  kafka_failed,
  /// A configuration value is invalid.
  invalid_config,
  /// An oppdrag actor died more often than its restart budget allows.
  crashed,
  /// An operation did not finish in time.
  timeout,
  /// The service is shutting down.
  shutting_down,
  /// An operator action names a transaction or sak that is not there.
  not_found,
  /// An operator action does not fit the target's state, e.g. a resend of
  /// a transaction that has not reached OS.
  wrong_state,
  /// A file could not be read or written.
  io_failed,
  /// A Kafka transaction failed but may be tried again as it is (a
  /// retriable commit).
  kafka_retriable,
  /// A Kafka transaction failed and was aborted; its records are not
  /// visible and may be written again in a new transaction.
  kafka_aborted,
  /// The transactional producer is fenced by a newer instance with the
  /// same transactional.id, or failed fatally: it must not be used again.
  kafka_fenced,
};

/// Returns the stable name of `x`, e.g. "ugyldig_periode".
const char* to_string(ec x);

/// Renders any error produced in this project as one line.
std::string render(const caf::error& err);

/// Returns the context message of `err` (the text after the code), or an
/// empty string.
std::string error_message(const caf::error& err);

} // namespace utsjekk

CAF_ERROR_CODE_ENUM(utsjekk::ec, "utsjekk")
