#pragma once

#include "messages/types.hpp"

#include <caf/expected.hpp>

#include <string>
#include <string_view>

/// StatusReply JSON on helved.status.v1 (reference §5), and the api_error
/// of every validation failure.
namespace utsjekk {

/// The documentation base the error's `doc` field points into.
inline constexpr std::string_view doc_base
  = "https://helved-docs.ansatt.dev.nav.no/async";

std::string to_json(const status_reply& x);

caf::expected<status_reply> parse_status(std::string_view json);

/// The FEILET status for an error from decode() or make_plan(): statusCode
/// per ec (400, 404, 409, 500), msg = the error's message, doc = the anchor
/// of the rule, system HELVED.
status_reply feilet_status(const caf::error& err);

} // namespace utsjekk
