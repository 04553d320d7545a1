#pragma once

#include "messages/types.hpp"

#include <caf/expected.hpp>

#include <string>
#include <string_view>

/// Oppdrag XML in the XSD's element order, namespace
/// http://www.trygdeetaten.no/skjema/oppdrag (reference §3.1, §3.2, §4.1).
namespace utsjekk {

inline constexpr std::string_view oppdrag_namespace
  = "http://www.trygdeetaten.no/skjema/oppdrag";

/// Writes `x` as an XML document with the `ns2:` prefixed root; writes
/// `mmel` first when present (a kvittering).
std::string to_xml(const oppdrag& x);

/// Writes a date as the XML does: with Europe/Oslo's offset at the start of
/// that day, "2025-06-02+02:00" in summer time, "2025-01-02+01:00" in
/// winter time.
std::string to_xml_date(date d);

/// Parses an oppdrag or kvittering, with a prefixed or a default
/// namespace, dates with or without an offset; alvorlighetsgrad is
/// trimmed. Elements the domain types do not hold are ignored. Errors are
/// ec::malformed_xml naming the element, e.g.
/// "oppdrag-110/oppdrags-linje-150[1]/sats: missing".
caf::expected<oppdrag> parse_oppdrag(std::string_view xml);

} // namespace utsjekk
