#include "messages/kvittering.hpp"

#include "messages/status_json.hpp"

#include <string_view>

namespace utsjekk {

namespace {

/// OS' 08 text for an oppdrag it already has (NY twice, or a resend).
constexpr std::string_view finnes_fra_for = "Oppdraget finnes fra før";

/// OS' 08 text for a line id it already has (an ENDR oppdrag resent).
constexpr std::string_view delytelse_finnes
  = "DELYTELSE-ID finnes i oppdragsbasen fra før";

/// OS' 08 text for an oppdrag on a sak it does not know.
constexpr std::string_view finnes_ikke
  = "OPPDRAGET/FAGSYSTEM-ID finnes ikke fra før";

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

/// An error from OS with its own text.
api_error os_error(int status_code, std::string msg, std::string doc) {
  return api_error{status_code, std::move(msg), std::move(doc), "OSUR"};
}

} // namespace

kvittering_outcome classify(const mmel& m, bool was_resend) {
  const auto& grad = m.alvorlighetsgrad;
  if (grad == "00" || grad == "04")
    return kvittering_outcome::accepted;
  if (grad == "12")
    return kvittering_outcome::retry;
  // An 08 on a resend that says OS has it proves the first send landed.
  if (grad == "08" && was_resend
      && (contains(m.beskr_melding, finnes_fra_for)
          || contains(m.beskr_melding, delytelse_finnes)))
    return kvittering_outcome::accepted;
  return kvittering_outcome::rejected;
}

status_reply status_for(const mmel& m, std::optional<status_detaljer> d) {
  status_reply result;
  result.detaljer = std::move(d);
  const auto& grad = m.alvorlighetsgrad;
  const auto doc = std::string{doc_base};
  if (grad == "00") {
    result.status = status_kind::ok;
  } else if (grad == "04") {
    result.status = status_kind::ok;
    result.error = os_error(200, m.beskr_melding, doc);
  } else if (grad == "08") {
    result.status = status_kind::feilet;
    if (contains(m.beskr_melding, finnes_ikke))
      result.error = os_error(404, m.beskr_melding,
                              doc + "#utbetaling_finnes_ikke");
    else if (contains(m.beskr_melding, finnes_fra_for))
      result.error = os_error(409, m.beskr_melding,
                              doc + "#utbetaling_finnes_allerede");
    else
      result.error = os_error(400, m.beskr_melding, doc);
  } else if (grad == "12") {
    result.status = status_kind::feilet;
    result.error = os_error(500, m.beskr_melding, doc);
  } else {
    result.status = status_kind::feilet;
    // Not a code OS uses: the error is ours to explain.
    result.error = api_error{500, "impossible", doc, "HELVED"};
  }
  return result;
}

std::string match_key(const oppdrag& x) {
  // Neither fagområde nor base64 ids contain '|'; ids are joined by ','.
  auto result = x.kode_fagomraade + "|" + x.fagsystem_id + "|";
  for (size_t i = 0; i < x.linjer.size(); ++i) {
    if (i > 0)
      result += ',';
    result += x.linjer[i].delytelse_id;
  }
  return result;
}

} // namespace utsjekk
