#pragma once

#include "messages/types.hpp"

#include <boost/json/value.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// Strict JSON for the wire formats: a parser that refuses what Boost.JSON
/// lets through (duplicate keys, a byte-order mark, trailing data) and typed
/// accessors whose errors name the field path, e.g.
/// "utbetalinger[2].beløp: expected a non-negative integer, got a string".
/// Boost.JSON's exceptions never leave this module.
namespace utsjekk::json {

/// Deepest nesting of arrays and objects parse() accepts. The input formats
/// nest four levels at most.
inline constexpr size_t max_depth = 32;

/// Largest amount accepted: 2^63 - 1 kroner.
inline constexpr uint64_t max_amount = 9'223'372'036'854'775'807ull;

/// Parses one JSON document. Fails with ec::malformed_json on empty input,
/// input longer than `max_size` bytes, a UTF-8 byte-order mark, invalid
/// UTF-8, a syntax error, truncated input, data after the value, a duplicate
/// key in any object, or nesting deeper than `max_depth`.
caf::expected<boost::json::value> parse(std::string_view text,
                                        size_t max_size);

/// True when `text` is well-formed UTF-8 (RFC 3629).
bool is_valid_utf8(std::string_view text);

/// A place in a parsed document: the value found there (or none) and the
/// path that names it in errors. The document must outlive the cursor and
/// stay unchanged while it is used. Stepping in costs no string: the path
/// is found in the document when an error asks for it.
class cursor {
public:
  /// The root of a document; its path is empty.
  explicit cursor(const boost::json::value& root);

  /// A value (nullptr when missing) at `path`.
  cursor(const boost::json::value* value, std::string path);

  /// The member `key` of this object; missing when this is not an object
  /// or has no such member.
  cursor operator[](std::string_view key) const;

  /// Element `i` of this array; missing when this is not an array or is
  /// shorter.
  cursor at(size_t i) const;

  /// True when the value is missing or JSON null.
  bool absent() const noexcept;

  /// True when the member exists, null included.
  bool present() const noexcept {
    return value_ != nullptr;
  }

  /// The value, or nullptr when missing.
  const boost::json::value* value() const noexcept {
    return value_;
  }

  /// The path, e.g. "utbetalinger[2].beløp"; "the document" at the root.
  std::string path() const;

private:
  /// The value, or nullptr when missing.
  const boost::json::value* value_ = nullptr;
  /// The last value on the way here that exists: `value_` when present,
  /// else the value whose member or element is missing (nullptr when none
  /// exists).
  const boost::json::value* anchor_ = nullptr;
  /// Where the path to `anchor_` is searched from: the root.
  const boost::json::value* root_ = nullptr;
  /// The path of `root_`, given to the constructor; usually empty.
  std::string prefix_;
  /// The path from `anchor_` on to a missing value, rendered.
  std::string tail_;
  /// True while the whole path so far renders empty.
  bool empty_path_ = true;
};

/// Returns an ec::invalid_field error "<path>: <what>".
caf::error invalid(const cursor& x, std::string_view what);

/// Describes the JSON type of `v` for messages: "a string", "an integer",
/// "null", "nothing" (missing), ...
std::string describe(const boost::json::value* v);

/// Quotes a value a sender gave, shortened to 40 bytes and stripped of
/// control characters, for use in messages. Never pass a personident.
std::string quote(std::string_view text);

// -- required and optional fields --------------------------------------------

/// Checks for an object: missing, null or another type is an error.
caf::error require_object(const cursor& x);

/// The elements of a required array.
caf::expected<std::vector<cursor>> get_array(const cursor& x);

/// A required string.
caf::expected<std::string> get_string(const cursor& x);

/// An optional string; null means absent.
caf::expected<std::optional<std::string>>
get_optional_string(const cursor& x);

/// A required boolean.
caf::expected<bool> get_bool(const cursor& x);

/// An optional boolean; missing or null yields `fallback`.
caf::expected<bool> get_bool(const cursor& x, bool fallback);

/// A required date: "YYYY-MM-DD" or [y, m, d].
caf::expected<date> get_date(const cursor& x);

/// An optional date; null means absent.
caf::expected<std::optional<date>> get_optional_date(const cursor& x);

/// A required local date-time "YYYY-MM-DDTHH:MM:SS[.fraction]" (a trailing
/// "Z" or offset is ignored, as the replaced systems do).
caf::expected<local_time> get_local_time(const cursor& x);

/// A required UUID in text form.
caf::expected<uuid> get_uuid(const cursor& x);

/// A required amount: a JSON integer in 0..2^63-1. Refuses fractions and
/// exponents (1000.0, 1e3), strings, negative numbers and numbers past
/// 2^63 - 1.
caf::expected<kroner> get_amount(const cursor& x);

/// An optional amount; null means absent.
caf::expected<std::optional<kroner>> get_optional_amount(const cursor& x);

/// Moves the value of `x` into `out`, or returns the error of `x`. Reads a
/// field in one line: `if (auto err = take(get_date(x["fom"]), fom))`.
template <class T, class U>
caf::error take(caf::expected<T> x, U& out) {
  if (!x)
    return std::move(x.error());
  out = std::move(*x);
  return caf::none;
}

} // namespace utsjekk::json
