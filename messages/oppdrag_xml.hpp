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

/// Parses an oppdrag or kvittering, with a prefixed or a default
/// namespace; alvorlighetsgrad is trimmed.
caf::expected<oppdrag> parse_oppdrag(std::string_view xml);

} // namespace utsjekk
