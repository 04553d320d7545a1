#include "messages/types.hpp"

namespace utsjekk {

namespace {

constexpr char b64_alphabet[]
  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int b64_value(char c) {
  for (int i = 0; i < 64; ++i)
    if (b64_alphabet[i] == c)
      return i;
  return -1;
}

} // namespace

// -- uuid --------------------------------------------------------------------

std::string uuid::to_string() const {
  static constexpr char hex[] = "0123456789abcdef";
  std::string result;
  result.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      result += '-';
    result += hex[bytes[i] >> 4];
    result += hex[bytes[i] & 0x0F];
  }
  return result;
}

std::optional<uuid> uuid::parse(std::string_view text) {
  if (text.size() != 36)
    return std::nullopt;
  uuid result;
  size_t byte = 0;
  for (size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-')
        return std::nullopt;
      ++i;
      continue;
    }
    auto hi = hex_value(text[i]);
    auto lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    result.bytes[byte++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return result;
}

std::string uuid::to_base64() const {
  std::string result;
  result.reserve(24);
  size_t i = 0;
  // 16 bytes: five full groups of three, then one byte and "==".
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
    result += b64_alphabet[(n >> 18) & 63];
    result += b64_alphabet[(n >> 12) & 63];
    result += b64_alphabet[(n >> 6) & 63];
    result += b64_alphabet[n & 63];
  }
  uint32_t n = bytes[i] << 16;
  result += b64_alphabet[(n >> 18) & 63];
  result += b64_alphabet[(n >> 12) & 63];
  result += "==";
  return result;
}

std::optional<uuid> uuid::from_base64(std::string_view text) {
  if (text.size() != 24 || text.substr(22) != "==")
    return std::nullopt;
  uuid result;
  size_t out = 0;
  for (size_t i = 0; i < 20; i += 4) {
    uint32_t n = 0;
    for (size_t j = 0; j < 4; ++j) {
      auto v = b64_value(text[i + j]);
      if (v < 0)
        return std::nullopt;
      n = n << 6 | static_cast<uint32_t>(v);
    }
    result.bytes[out++] = static_cast<uint8_t>(n >> 16);
    result.bytes[out++] = static_cast<uint8_t>(n >> 8);
    result.bytes[out++] = static_cast<uint8_t>(n);
  }
  auto a = b64_value(text[20]);
  auto b = b64_value(text[21]);
  // The last byte uses 8 of the 12 bits; the other 4 must be zero.
  if (a < 0 || b < 0 || (b & 0x0F) != 0)
    return std::nullopt;
  result.bytes[out] = static_cast<uint8_t>(a << 2 | b >> 4);
  return result;
}

// -- enums -------------------------------------------------------------------

std::string_view to_string(fagsystem x) {
  switch (x) {
    case fagsystem::aap:
      return "AAP";
    case fagsystem::dagpenger:
      return "DAGPENGER";
    case fagsystem::tiltakspenger:
      return "TILTAKSPENGER";
    case fagsystem::tilleggsstonader:
      return "TILLEGGSSTØNADER";
    case fagsystem::historisk:
      return "HISTORISK";
    case fagsystem::valp:
      return "VALP";
  }
  return "ukjent";
}

std::optional<fagsystem> parse_fagsystem(std::string_view text) {
  for (auto x : all_fagsystemer)
    if (to_string(x) == text)
      return x;
  return std::nullopt;
}

std::string_view default_input_topic(fagsystem x) {
  switch (x) {
    case fagsystem::aap:
      return "aap.utbetaling.v1";
    case fagsystem::dagpenger:
      return "teamdagpenger.utbetaling.v1";
    case fagsystem::tiltakspenger:
      return "helved.utbetalinger-tp.v1";
    case fagsystem::tilleggsstonader:
      return "tilleggsstonader.utbetaling.v1";
    case fagsystem::historisk:
      return "historisk.utbetaling.v1";
    case fagsystem::valp:
      return "team-mulighetsrommet.tilskudd.utbetaling-v1";
  }
  return "";
}

std::optional<fagsystem> fagsystem_of_topic(std::string_view topic) {
  for (auto x : all_fagsystemer)
    if (default_input_topic(x) == topic)
      return x;
  return std::nullopt;
}

std::string_view to_string(periodetype x) {
  switch (x) {
    case periodetype::dag:
      return "DAG";
    case periodetype::ukedag:
      return "UKEDAG";
    case periodetype::mnd:
      return "MND";
    case periodetype::en_gang:
      return "EN_GANG";
  }
  return "";
}

std::optional<periodetype> parse_periodetype(std::string_view text) {
  for (auto x : {periodetype::dag, periodetype::ukedag, periodetype::mnd,
                 periodetype::en_gang})
    if (to_string(x) == text)
      return x;
  return std::nullopt;
}

std::string_view type_sats(periodetype x) {
  switch (x) {
    case periodetype::dag:
      return "DAG7";
    case periodetype::ukedag:
      return "DAG";
    case periodetype::mnd:
      return "MND";
    case periodetype::en_gang:
      return "ENG";
  }
  return "";
}

std::string_view to_string(action x) {
  switch (x) {
    case action::create:
      return "CREATE";
    case action::update:
      return "UPDATE";
    case action::del:
      return "DELETE";
    case action::fake_delete:
      return "FAKE_DELETE";
  }
  return "";
}

std::optional<action> parse_action(std::string_view text) {
  for (auto x : {action::create, action::update, action::del,
                 action::fake_delete})
    if (to_string(x) == text)
      return x;
  return std::nullopt;
}

std::string_view to_string(status_kind x) {
  switch (x) {
    case status_kind::mottatt:
      return "MOTTATT";
    case status_kind::hos_oppdrag:
      return "HOS_OPPDRAG";
    case status_kind::ok:
      return "OK";
    case status_kind::feilet:
      return "FEILET";
  }
  return "";
}

std::optional<status_kind> parse_status_kind(std::string_view text) {
  for (auto x : {status_kind::mottatt, status_kind::hos_oppdrag,
                 status_kind::ok, status_kind::feilet})
    if (to_string(x) == text)
      return x;
  return std::nullopt;
}

} // namespace utsjekk
