#include "messages/error.hpp"

#include <caf/message.hpp>

namespace utsjekk {

const char* to_string(ec x) {
  switch (x) {
    case ec::none:
      return "none";
    case ec::malformed_json:
      return "malformed_json";
    case ec::invalid_field:
      return "invalid_field";
    case ec::mangler_perioder:
      return "mangler_perioder";
    case ec::engangs_over_arsskifte:
      return "engangs_over_arsskifte";
    case ec::duplikate_perioder:
      return "duplikate_perioder";
    case ec::ugyldig_periode:
      return "ugyldig_periode";
    case ec::for_lang_utbetaling:
      return "for_lang_utbetaling";
    case ec::ugyldig_belop:
      return "ugyldig_belop";
    case ec::ugyldig_sak_id:
      return "ugyldig_sak_id";
    case ec::ugyldig_behandling_id:
      return "ugyldig_behandling_id";
    case ec::immutable_field:
      return "immutable_field";
    case ec::unknown_utbetaling:
      return "unknown_utbetaling";
    case ec::conflicting_key:
      return "conflicting_key";
    case ec::mixed_dryrun:
      return "mixed_dryrun";
    case ec::os_rejected:
      return "os_rejected";
    case ec::os_technical:
      return "os_technical";
    case ec::malformed_xml:
      return "malformed_xml";
    case ec::transport_failed:
      return "transport_failed";
    case ec::kafka_failed:
      return "kafka_failed";
    case ec::invalid_config:
      return "invalid_config";
    case ec::crashed:
      return "crashed";
    case ec::timeout:
      return "timeout";
    case ec::shutting_down:
      return "shutting_down";
    case ec::not_found:
      return "not_found";
    case ec::wrong_state:
      return "wrong_state";
    case ec::io_failed:
      return "io_failed";
    case ec::kafka_retriable:
      return "kafka_retriable";
    case ec::kafka_aborted:
      return "kafka_aborted";
    case ec::kafka_fenced:
      return "kafka_fenced";
  }
  return "unknown";
}

std::string error_message(const caf::error& err) {
  const auto& ctx = err.context();
  if (ctx.size() == 1 && ctx.match_element<std::string>(0))
    return ctx.get_as<std::string>(0);
  std::string result;
  for (size_t i = 0; i < ctx.size(); ++i) {
    if (!ctx.match_element<std::string>(i))
      continue;
    if (!result.empty())
      result += ": ";
    result += ctx.get_as<std::string>(i);
  }
  return result;
}

std::string render(const caf::error& err) {
  if (!err)
    return "none";
  std::string result;
  if (err.category() == caf::atom("utsjekk"))
    result = to_string(static_cast<ec>(err.code()));
  else
    result = caf::to_string(err);
  auto msg = error_message(err);
  if (!msg.empty() && err.category() == caf::atom("utsjekk")) {
    result += ": ";
    result += msg;
  }
  return result;
}

} // namespace utsjekk
