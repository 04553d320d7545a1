#include "messages/status_json.hpp"

#include "messages/error.hpp"
#include "messages/time.hpp"

#include <boost/json.hpp>

#include <limits>
#include <utility>

namespace utsjekk {

namespace {

namespace json = boost::json;

// -- writing -----------------------------------------------------------------

/// An optional amount: the number, or null.
json::value nullable(const std::optional<kroner>& x) {
  if (x)
    return json::value(x->value);
  return json::value(nullptr);
}

json::value to_value(const status_linje& l) {
  json::object o;
  o["behandlingId"] = l.behandling_id;
  o["fom"] = to_string(l.fom);
  o["tom"] = to_string(l.tom);
  o["vedtakssats"] = nullable(l.vedtakssats);
  o["beløp"] = l.belop.value;
  o["klassekode"] = l.klassekode;
  return o;
}

json::value to_value(const status_detaljer& d) {
  json::array linjer;
  for (const auto& l : d.linjer)
    linjer.push_back(to_value(l));
  json::object o;
  o["ytelse"] = to_string(d.ytelse);
  o["linjer"] = std::move(linjer);
  return o;
}

json::value to_value(const api_error& e) {
  json::object o;
  o["statusCode"] = e.status_code;
  o["msg"] = e.msg;
  o["doc"] = e.doc;
  o["system"] = e.system;
  return o;
}

// -- reading -----------------------------------------------------------------

/// Reads members of JSON objects and keeps the first error, naming the
/// field by its path, so that callers read straight through.
class reader {
public:
  /// The first error met, if any.
  caf::error error;

  /// The member `key` of `o`, or nullptr when absent or null.
  const json::value* find(const json::object& o, std::string_view key) {
    auto i = o.find(key);
    if (i == o.end() || i->value().is_null())
      return nullptr;
    return &i->value();
  }

  /// The required member `key`; records an error when absent or null.
  const json::value* need(const json::object& o, const std::string& path,
                          std::string_view key) {
    auto result = find(o, key);
    if (!result)
      fail(path, key, "missing");
    return result;
  }

  /// `v` as an object.
  const json::object* object(const json::value* v, const std::string& path,
                             std::string_view key) {
    if (!v)
      return nullptr;
    if (!v->is_object())
      fail(path, key, "expected an object");
    return v->if_object();
  }

  /// The required string member `key`.
  std::string text(const json::object& o, const std::string& path,
                     std::string_view key) {
    auto v = need(o, path, key);
    if (!v)
      return {};
    if (!v->is_string()) {
      fail(path, key, "expected a string");
      return {};
    }
    return std::string{v->get_string()};
  }

  /// The required date member `key`.
  date required_date(const json::object& o, const std::string& path,
               std::string_view key) {
    auto raw = text(o, path, key);
    if (error)
      return {};
    auto result = parse_date(raw);
    if (!result)
      fail(path, key, "expected a date YYYY-MM-DD");
    return result.value_or(date{});
  }

  /// The optional integer member `key` in [lo, hi].
  std::optional<int64_t> integer(const json::object& o,
                                 const std::string& path,
                                 std::string_view key, int64_t lo,
                                 int64_t hi) {
    auto v = find(o, key);
    if (!v)
      return std::nullopt;
    if (v->is_int64() && v->get_int64() >= lo && v->get_int64() <= hi)
      return v->get_int64();
    if (v->is_uint64() && hi >= 0
        && v->get_uint64() <= static_cast<uint64_t>(hi))
      return static_cast<int64_t>(v->get_uint64());
    fail(path, key, "expected an integer in range");
    return std::nullopt;
  }

  /// The optional amount member `key`.
  std::optional<kroner> amount(const json::object& o, const std::string& path,
                               std::string_view key) {
    auto v = find(o, key);
    if (!v)
      return std::nullopt;
    if (v->is_uint64())
      return kroner{v->get_uint64()};
    if (v->is_int64() && v->get_int64() >= 0)
      return kroner{static_cast<uint64_t>(v->get_int64())};
    fail(path, key, "expected a non-negative integer");
    return std::nullopt;
  }

  /// Records an error about `key` under `path` unless one is recorded.
  void fail(const std::string& path, std::string_view key,
            const std::string& what) {
    if (error)
      return;
    auto where = path.empty() ? std::string{key}
                              : path + "." + std::string{key};
    error = caf::make_error(ec::invalid_field, where + ": " + what);
  }
};

status_linje read_linje(reader& r, const json::object& o,
                        const std::string& path) {
  status_linje l;
  l.behandling_id = r.text(o, path, "behandlingId");
  l.fom = r.required_date(o, path, "fom");
  l.tom = r.required_date(o, path, "tom");
  l.vedtakssats = r.amount(o, path, "vedtakssats");
  auto belop = r.amount(o, path, "beløp");
  if (!belop)
    r.fail(path, "beløp", "missing");
  l.belop = belop.value_or(kroner{});
  l.klassekode = r.text(o, path, "klassekode");
  return l;
}

status_detaljer read_detaljer(reader& r, const json::object& o) {
  const std::string path = "detaljer";
  status_detaljer d;
  auto ytelse = r.text(o, path, "ytelse");
  if (auto fs = parse_fagsystem(ytelse))
    d.ytelse = *fs;
  else
    r.fail(path, "ytelse", "unknown fagsystem '" + ytelse + "'");
  auto linjer = r.need(o, path, "linjer");
  if (!linjer)
    return d;
  if (!linjer->is_array()) {
    r.fail(path, "linjer", "expected an array");
    return d;
  }
  for (size_t i = 0; i < linjer->get_array().size(); ++i) {
    auto sub = path + ".linjer[" + std::to_string(i) + "]";
    auto o = r.object(&linjer->get_array()[i], path,
                      "linjer[" + std::to_string(i) + "]");
    if (o)
      d.linjer.push_back(read_linje(r, *o, sub));
  }
  return d;
}

api_error read_error(reader& r, const json::object& o) {
  const std::string path = "error";
  api_error e;
  auto code = r.integer(o, path, "statusCode", 100, 599);
  if (!code)
    r.fail(path, "statusCode", "missing");
  e.status_code = static_cast<int>(code.value_or(500));
  e.msg = r.text(o, path, "msg");
  // doc may be null for errors without a page.
  if (auto doc = r.find(o, "doc"); doc && doc->is_string())
    e.doc = std::string{doc->get_string()};
  e.system = r.text(o, path, "system");
  return e;
}

// -- errors ------------------------------------------------------------------

/// The HTTP-like status code of an error from this project.
int status_code_of(ec code) {
  switch (code) {
    case ec::malformed_json:
    case ec::invalid_field:
    case ec::mangler_perioder:
    case ec::engangs_over_arsskifte:
    case ec::duplikate_perioder:
    case ec::ugyldig_periode:
    case ec::for_lang_utbetaling:
    case ec::ugyldig_belop:
    case ec::ugyldig_sak_id:
    case ec::ugyldig_behandling_id:
    case ec::immutable_field:
    case ec::os_rejected:
      return 400;
    case ec::unknown_utbetaling:
      return 404;
    case ec::conflicting_key:
      return 409;
    default:
      return 500;
  }
}

} // namespace

std::string to_json(const status_reply& x) {
  json::object o;
  o["status"] = to_string(x.status);
  o["detaljer"] = x.detaljer ? to_value(*x.detaljer) : json::value(nullptr);
  o["error"] = x.error ? to_value(*x.error) : json::value(nullptr);
  o["simulering"] = x.simulering;
  return json::serialize(o);
}

caf::expected<status_reply> parse_status(std::string_view text) {
  // Well-formed JSON first; Boost.JSON reports through the error code.
  boost::system::error_code parse_error;
  auto doc = json::parse(json::string_view{text.data(), text.size()},
                         parse_error);
  if (parse_error)
    return caf::make_error(ec::malformed_json,
                           "status: " + parse_error.message());
  if (!doc.is_object())
    return caf::make_error(ec::invalid_field, "status: expected an object");
  // Then the fields.
  const auto& o = doc.get_object();
  reader r;
  status_reply result;
  auto status = r.text(o, "", "status");
  if (auto kind = parse_status_kind(status))
    result.status = *kind;
  else if (!r.error)
    r.fail("", "status", "unknown status '" + status + "'");
  if (auto d = r.object(r.find(o, "detaljer"), "", "detaljer"))
    result.detaljer = read_detaljer(r, *d);
  if (auto e = r.object(r.find(o, "error"), "", "error"))
    result.error = read_error(r, *e);
  if (auto sim = r.find(o, "simulering")) {
    if (sim->is_bool())
      result.simulering = sim->get_bool();
    else
      r.fail("", "simulering", "expected a boolean");
  }
  if (r.error)
    return std::move(r.error);
  return result;
}

status_reply feilet_status(const caf::error& err) {
  status_reply result;
  result.status = status_kind::feilet;
  api_error e;
  e.system = "HELVED";
  // Errors from outside the project have no rule to point to.
  if (err.category() != caf::atom("utsjekk")) {
    e.status_code = 500;
    e.msg = render(err);
    e.doc = std::string{doc_base};
    result.error = std::move(e);
    return result;
  }
  auto code = static_cast<ec>(err.code());
  e.status_code = status_code_of(code);
  e.msg = error_message(err);
  if (e.msg.empty())
    e.msg = to_string(code);
  e.doc = std::string{doc_base} + "#" + to_string(code);
  result.error = std::move(e);
  return result;
}

} // namespace utsjekk
