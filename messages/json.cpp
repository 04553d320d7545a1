#include "messages/json.hpp"

#include "messages/error.hpp"
#include "messages/time.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <unordered_set>
#include <utility>

namespace utsjekk::json {

namespace {

caf::error malformed(std::string msg) {
  return caf::make_error(ec::malformed_json, std::move(msg));
}

/// Returns the offset of the first byte that is not part of well-formed
/// UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
/// U+10FFFF), or npos.
size_t first_invalid_utf8(std::string_view s) {
  static constexpr uint64_t high_bits = 0x8080808080808080ull;
  size_t i = 0;
  while (i < s.size()) {
    // Skip plain ASCII eight bytes at a time; most payloads are mostly it.
    uint64_t word = 0;
    if (s.size() - i >= sizeof word) {
      std::memcpy(&word, s.data() + i, sizeof word);
      if ((word & high_bits) == 0) {
        i += sizeof word;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(s[i]);
    // ASCII stands alone.
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The lead byte says how many continuation bytes follow.
    size_t n = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (s.size() - i <= n)
      return i;
    for (size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80)
        return i;
      cp = cp << 6 | (cc & 0x3F);
    }
    // Refuse overlong forms, surrogates and code points past U+10FFFF.
    static constexpr uint32_t min_for[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_for[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

/// The keys of every open object, in one buffer: an object's keys follow
/// the key it sits under in its parent, so closing an object drops exactly
/// the keys at the end. Keys are named by their position in `spans`.
class key_store {
public:
  /// Key `i`.
  std::string_view get(size_t i) const noexcept {
    auto [at, size] = spans_[i];
    return {chars_.data() + at, size};
  }

  /// Keys stored.
  size_t size() const noexcept {
    return spans_.size();
  }

  /// Appends part of the key being read.
  void append(std::string_view part) {
    chars_.append(part.data(), part.size());
  }

  /// Makes the key being read key number size().
  void commit() {
    auto at = open_end();
    spans_.emplace_back(at, chars_.size() - at);
  }

  /// Drops key `n` and every key after it, and any key being read.
  void truncate(size_t n) {
    spans_.resize(n);
    chars_.resize(open_end());
  }

  /// Forgets everything.
  void clear() noexcept {
    spans_.clear();
    chars_.clear();
  }

private:
  /// Where the next key starts: after the last committed one.
  size_t open_end() const noexcept {
    return spans_.empty() ? 0 : spans_.back().first + spans_.back().second;
  }

  std::string chars_;
  std::vector<std::pair<size_t, size_t>> spans_;
};

/// Hashes key numbers by their text, for objects with many keys.
struct key_hash {
  const key_store* keys;
  size_t operator()(size_t i) const noexcept {
    return std::hash<std::string_view>{}(keys->get(i));
  }
};

/// Compares key numbers by their text.
struct key_equal {
  const key_store* keys;
  bool operator()(size_t a, size_t b) const noexcept {
    return keys->get(a) == keys->get(b);
  }
};

using key_index = std::unordered_set<size_t, key_hash, key_equal>;

/// Objects with more keys than this get a hash index for the duplicate
/// check; smaller ones compare the new key with each earlier one, which
/// costs less than hashing for the few keys the wire formats have.
constexpr size_t scan_limit = 16;

/// One open array or object while parsing: where the parser is inside it,
/// and for objects the keys seen so far.
struct frame {
  bool is_object = false;
  /// Arrays: the element being read.
  size_t index = 0;
  /// Objects: the number of their first key in the key store, and of the
  /// key whose value is being read.
  size_t first_key = 0;
  size_t key = 0;
  /// Objects past `scan_limit` keys: every key of the object.
  std::unique_ptr<key_index> index_set;
};

/// What a parse needs besides the values: kept per thread between parses,
/// so that a parse of a small document allocates nothing for it.
struct scratch {
  std::vector<frame> frames;
  key_store keys;
};

/// A basic_parser handler that builds a boost::json::value like
/// boost::json::parser does, but fails on the first duplicate key.
class strict_handler {
public:
  static constexpr size_t max_array_size = static_cast<size_t>(-1);
  static constexpr size_t max_object_size = static_cast<size_t>(-1);
  static constexpr size_t max_string_size = static_cast<size_t>(-1);
  static constexpr size_t max_key_size = static_cast<size_t>(-1);

  /// Builds values with the default resource; `temp` is scratch space for
  /// the value stack, as boost::json::parse uses, to spare an allocation.
  strict_handler(scratch& work, unsigned char* temp, size_t size)
    : stack({}, temp, size), frames_(work.frames), keys_(work.keys) {
    // nop
  }

  /// The values built so far.
  boost::json::value_stack stack;

  /// Set on the first duplicate key: the message naming it.
  std::optional<std::string> duplicate;

  bool on_document_begin(boost::json::error_code&) {
    stack.reset();
    frames_.clear();
    keys_.clear();
    return true;
  }

  bool on_document_end(boost::json::error_code&) {
    return true;
  }

  bool on_object_begin(boost::json::error_code&) {
    auto& f = frames_.emplace_back();
    f.is_object = true;
    f.first_key = keys_.size();
    return true;
  }

  bool on_object_end(size_t n, boost::json::error_code&) {
    keys_.truncate(frames_.back().first_key);
    frames_.pop_back();
    stack.push_object(n);
    value_done();
    return true;
  }

  bool on_array_begin(boost::json::error_code&) {
    frames_.emplace_back();
    return true;
  }

  bool on_array_end(size_t n, boost::json::error_code&) {
    frames_.pop_back();
    stack.push_array(n);
    value_done();
    return true;
  }

  bool on_key_part(boost::json::string_view s, size_t,
                   boost::json::error_code&) {
    keys_.append({s.data(), s.size()});
    stack.push_chars(s);
    return true;
  }

  bool on_key(boost::json::string_view s, size_t,
              boost::json::error_code& ec) {
    // Complete the key and check it against the object's earlier keys.
    keys_.append({s.data(), s.size()});
    keys_.commit();
    if (!add_key()) {
      duplicate = "duplicate key " + quote(keys_.get(keys_.size() - 1))
                  + " in " + where() + "; every key may appear once per "
                  + "object";
      ec = boost::json::error::syntax;
      return false;
    }
    stack.push_key(s);
    return true;
  }

  bool on_string_part(boost::json::string_view s, size_t,
                      boost::json::error_code&) {
    stack.push_chars(s);
    return true;
  }

  bool on_string(boost::json::string_view s, size_t,
                 boost::json::error_code&) {
    stack.push_string(s);
    value_done();
    return true;
  }

  bool on_number_part(boost::json::string_view, boost::json::error_code&) {
    return true;
  }

  bool on_int64(int64_t i, boost::json::string_view,
                boost::json::error_code&) {
    stack.push_int64(i);
    value_done();
    return true;
  }

  bool on_uint64(uint64_t u, boost::json::string_view,
                 boost::json::error_code&) {
    stack.push_uint64(u);
    value_done();
    return true;
  }

  bool on_double(double d, boost::json::string_view,
                 boost::json::error_code&) {
    stack.push_double(d);
    value_done();
    return true;
  }

  bool on_bool(bool b, boost::json::error_code&) {
    stack.push_bool(b);
    value_done();
    return true;
  }

  bool on_null(boost::json::error_code&) {
    stack.push_null();
    value_done();
    return true;
  }

  bool on_comment_part(boost::json::string_view, boost::json::error_code&) {
    return true;
  }

  bool on_comment(boost::json::string_view, boost::json::error_code&) {
    return true;
  }

private:
  /// Adds the last key of the store to the innermost object, or returns
  /// false when the object has it already.
  bool add_key() {
    auto& top = frames_.back();
    auto added = keys_.size() - 1;
    // A large object asks its index.
    if (top.index_set) {
      if (!top.index_set->insert(added).second)
        return false;
      top.key = added;
      return true;
    }
    // A small one compares with each earlier key.
    auto key = keys_.get(added);
    for (auto i = top.first_key; i < added; ++i)
      if (keys_.get(i) == key)
        return false;
    top.key = added;
    // Past the scan limit, index every key of the object once.
    auto count = added + 1 - top.first_key;
    if (count > scan_limit) {
      top.index_set = std::make_unique<key_index>(
        count * 2, key_hash{&keys_}, key_equal{&keys_});
      for (auto i = top.first_key; i <= added; ++i)
        top.index_set->insert(i);
    }
    return true;
  }

  /// Moves an enclosing array on to its next element.
  void value_done() {
    if (!frames_.empty() && !frames_.back().is_object)
      ++frames_.back().index;
  }

  /// The path of the innermost open object, e.g. "utbetalinger[1]".
  std::string where() const {
    std::string result;
    for (size_t i = 0; i + 1 < frames_.size(); ++i) {
      if (frames_[i].is_object) {
        if (!result.empty())
          result += '.';
        result += keys_.get(frames_[i].key);
      } else {
        result += '[' + std::to_string(frames_[i].index) + ']';
      }
    }
    return result.empty() ? "the top-level object" : result;
  }

  std::vector<frame>& frames_;
  key_store& keys_;
};

/// Finds `target` in the tree under `from` by address and leaves the
/// values on the way in `way`, `from` first and `target` last. Runs only
/// when an error names a path, so a plain search is cheap enough.
bool find_way(const boost::json::value& from,
              const boost::json::value* target,
              std::vector<const boost::json::value*>& way) {
  way.push_back(&from);
  if (&from == target)
    return true;
  // Search the members or elements in turn.
  if (auto obj = from.if_object()) {
    for (const auto& member : *obj)
      if (find_way(member.value(), target, way))
        return true;
  } else if (auto arr = from.if_array()) {
    for (const auto& element : *arr)
      if (find_way(element, target, way))
        return true;
  }
  way.pop_back();
  return false;
}

/// Explains a Boost.JSON parse error at byte `at` to the sender.
std::string explain(const boost::json::error_code& err, size_t at) {
  using boost::json::error;
  auto pos = " at byte " + std::to_string(at);
  if (err == error::incomplete)
    return "truncated JSON: the payload ends before the value is complete";
  if (err == error::extra_data)
    return "trailing data after the JSON value" + pos;
  if (err == error::too_deep)
    return "JSON nested deeper than " + std::to_string(max_depth) + " levels"
           + pos;
  if (err == error::exponent_overflow)
    return "number with an exponent out of range" + pos;
  if (err == error::illegal_leading_surrogate
      || err == error::illegal_trailing_surrogate)
    return "invalid \\u surrogate escape in a string" + pos;
  return "invalid JSON" + pos + " (" + err.message() + ")";
}

/// "<what>, got <type>" for a value of the wrong type.
caf::error wrong_type(const cursor& x, std::string_view expected) {
  auto what = std::string{"expected "};
  what += expected;
  what += ", got ";
  what += describe(x.value());
  return invalid(x, what);
}

/// The error for a required field that is missing or null.
caf::error missing(const cursor& x) {
  if (x.present())
    return invalid(x, "required field is null");
  return invalid(x, "required field is missing");
}

} // namespace

bool is_valid_utf8(std::string_view text) {
  return first_invalid_utf8(text) == std::string_view::npos;
}

caf::expected<boost::json::value> parse(std::string_view text,
                                        size_t max_size) {
  // Refuse what needs no parser to refuse.
  if (text.size() > max_size)
    return malformed("payload is " + std::to_string(text.size())
                     + " bytes; the limit is " + std::to_string(max_size));
  if (text.starts_with("\xEF\xBB\xBF"))
    return malformed("payload starts with a UTF-8 byte-order mark; send "
                     "UTF-8 without one");
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return malformed("payload is empty; expected a JSON object");
  if (auto at = first_invalid_utf8(text); at != std::string_view::npos)
    return malformed("invalid UTF-8 at byte " + std::to_string(at));
  // Parse in one pass; Boost.JSON's exceptions stop here.
  try {
    boost::json::parse_options opts;
    opts.max_depth = max_depth;
    thread_local scratch work;
    unsigned char temp[4096];
    boost::json::basic_parser<strict_handler> parser{opts, work, temp,
                                                     sizeof temp};
    boost::json::error_code err;
    auto n = parser.write_some(false, text.data(), text.size(), err);
    if (parser.handler().duplicate)
      return malformed(std::move(*parser.handler().duplicate));
    if (err)
      return malformed(explain(err, n));
    if (n < text.size())
      return malformed(explain(boost::json::error::extra_data, n));
    return parser.handler().stack.release();
  } catch (const std::exception& e) {
    return malformed(std::string{"JSON parser failed: "} + e.what());
  }
}

// -- cursor ------------------------------------------------------------------

cursor::cursor(const boost::json::value& root)
  : value_(&root), anchor_(&root), root_(&root) {
  // nop
}

cursor::cursor(const boost::json::value* value, std::string path)
  : value_(value),
    anchor_(value),
    root_(value),
    prefix_(std::move(path)),
    empty_path_(prefix_.empty()) {
  // nop
}

cursor cursor::operator[](std::string_view key) const {
  auto result = *this;
  result.empty_path_ = empty_path_ && key.empty();
  // Step into the member when it exists.
  if (value_ != nullptr && value_->is_object()) {
    const auto& obj = value_->get_object();
    auto i = obj.find(boost::json::string_view{key.data(), key.size()});
    if (i != obj.end()) {
      result.value_ = &i->value();
      result.anchor_ = result.value_;
      return result;
    }
  }
  // Else remember the step past the last value that exists, as the path
  // always named it: "a.b", or "b" after an empty path.
  result.value_ = nullptr;
  if (!empty_path_)
    result.tail_ += '.';
  result.tail_ += key;
  return result;
}

cursor cursor::at(size_t i) const {
  auto result = *this;
  result.empty_path_ = false;
  // Step into the element when it exists.
  if (value_ != nullptr && value_->is_array()
      && value_->get_array().size() > i) {
    result.value_ = &value_->get_array()[i];
    result.anchor_ = result.value_;
    return result;
  }
  // Else remember the step past the last value that exists.
  result.value_ = nullptr;
  result.tail_ += '[';
  result.tail_ += std::to_string(i);
  result.tail_ += ']';
  return result;
}

bool cursor::absent() const noexcept {
  return value_ == nullptr || value_->is_null();
}

std::string cursor::path() const {
  // Find the way from the root to the anchor, then name each step as
  // operator[] and at() would have: "a.b", "a[2]", "b" at the start.
  std::vector<const boost::json::value*> way;
  if (root_ != nullptr && anchor_ != nullptr)
    find_way(*root_, anchor_, way);
  auto result = prefix_;
  for (size_t i = 0; i + 1 < way.size(); ++i) {
    if (auto obj = way[i]->if_object()) {
      for (const auto& member : *obj) {
        if (&member.value() != way[i + 1])
          continue;
        if (!result.empty())
          result += '.';
        result += std::string_view{member.key().data(), member.key().size()};
        break;
      }
    } else if (auto arr = way[i]->if_array()) {
      auto index = static_cast<size_t>(way[i + 1] - arr->data());
      result += '[';
      result += std::to_string(index);
      result += ']';
    }
  }
  result += tail_;
  return result.empty() ? std::string{"the document"} : result;
}

// -- messages ----------------------------------------------------------------

caf::error invalid(const cursor& x, std::string_view what) {
  auto msg = x.path();
  msg += ": ";
  msg += what;
  return caf::make_error(ec::invalid_field, std::move(msg));
}

std::string describe(const boost::json::value* v) {
  if (v == nullptr)
    return "nothing";
  switch (v->kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      return "an integer";
    case boost::json::kind::double_:
      return "a number with a fraction or exponent";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "an unknown value";
}

std::string quote(std::string_view text) {
  static constexpr size_t limit = 40;
  auto cut = text.size() > limit;
  auto n = cut ? limit : text.size();
  // Never cut inside a UTF-8 sequence.
  while (cut && n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
    --n;
  std::string result = "\"";
  for (auto c : text.substr(0, n))
    result += static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\'
                ? '?'
                : c;
  result += cut ? "…\"" : "\"";
  return result;
}

// -- accessors ---------------------------------------------------------------

caf::error require_object(const cursor& x) {
  if (x.absent())
    return missing(x);
  if (!x.value()->is_object())
    return wrong_type(x, "an object");
  return caf::none;
}

caf::expected<std::vector<cursor>> get_array(const cursor& x) {
  if (x.absent())
    return missing(x);
  if (!x.value()->is_array())
    return wrong_type(x, "an array");
  auto size = x.value()->get_array().size();
  std::vector<cursor> result;
  result.reserve(size);
  for (size_t i = 0; i < size; ++i)
    result.push_back(x.at(i));
  return result;
}

caf::expected<std::string> get_string(const cursor& x) {
  if (x.absent())
    return missing(x);
  if (!x.value()->is_string())
    return wrong_type(x, "a string");
  const auto& str = x.value()->get_string();
  // Control characters and noncharacters have no place in any field, and
  // XML 1.0 cannot carry them to OS.
  std::string_view text{str.data(), str.size()};
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    auto nonchar = c == 0xEF && i + 2 < text.size()
                   && static_cast<unsigned char>(text[i + 1]) == 0xBF
                   && (static_cast<unsigned char>(text[i + 2]) == 0xBE
                       || static_cast<unsigned char>(text[i + 2]) == 0xBF);
    if (c < 0x20 || c == 0x7F || nonchar)
      return invalid(x, "contains a control character or noncharacter at "
                          "byte "
                          + std::to_string(i));
  }
  return std::string{text};
}

caf::expected<std::optional<std::string>>
get_optional_string(const cursor& x) {
  if (x.absent())
    return std::optional<std::string>{};
  auto result = get_string(x);
  if (!result)
    return std::move(result.error());
  return std::optional<std::string>{std::move(*result)};
}

caf::expected<bool> get_bool(const cursor& x) {
  if (x.absent())
    return missing(x);
  if (!x.value()->is_bool())
    return wrong_type(x, "true or false");
  return x.value()->get_bool();
}

caf::expected<bool> get_bool(const cursor& x, bool fallback) {
  if (x.absent())
    return fallback;
  return get_bool(x);
}

caf::expected<date> get_date(const cursor& x) {
  if (x.absent())
    return missing(x);
  // The usual form: "YYYY-MM-DD".
  if (auto str = x.value()->if_string()) {
    auto text = std::string_view{str->data(), str->size()};
    if (auto d = parse_date(text))
      return *d;
    return invalid(x, "expected a date YYYY-MM-DD, got " + quote(text));
  }
  // The array form: [y, m, d].
  if (auto arr = x.value()->if_array()) {
    auto part = [&](size_t i) -> std::optional<int64_t> {
      if (auto p = (*arr)[i].if_int64())
        return *p;
      return std::nullopt;
    };
    if (arr->size() == 3 && part(0) && part(1) && part(2) && *part(0) >= 1
        && *part(0) <= 9999 && *part(1) >= 1 && *part(1) <= 12
        && *part(2) >= 1 && *part(2) <= 31) {
      auto d = date{std::chrono::year{static_cast<int>(*part(0))},
                    std::chrono::month{static_cast<unsigned>(*part(1))},
                    std::chrono::day{static_cast<unsigned>(*part(2))}};
      if (d.ok())
        return d;
    }
    return invalid(x, "expected a date [year, month, day] that exists");
  }
  return wrong_type(x, "a date \"YYYY-MM-DD\"");
}

caf::expected<std::optional<date>> get_optional_date(const cursor& x) {
  if (x.absent())
    return std::optional<date>{};
  auto result = get_date(x);
  if (!result)
    return std::move(result.error());
  return std::optional<date>{*result};
}

caf::expected<local_time> get_local_time(const cursor& x) {
  auto text = get_string(x);
  if (!text) {
    if (x.present() && !x.value()->is_null())
      return wrong_type(x, "a date-time \"YYYY-MM-DDTHH:MM:SS\"");
    return std::move(text.error());
  }
  if (auto t = parse_local_time(*text))
    return *t;
  return invalid(x, "expected a date-time YYYY-MM-DDTHH:MM:SS[.fraction], got "
                      + quote(*text));
}

caf::expected<uuid> get_uuid(const cursor& x) {
  auto text = get_string(x);
  if (!text) {
    if (x.present() && !x.value()->is_null())
      return wrong_type(x, "a UUID string");
    return std::move(text.error());
  }
  if (auto id = uuid::parse(*text))
    return *id;
  return invalid(x, "expected a UUID (8-4-4-4-12 hex digits), got "
                      + quote(*text));
}

caf::expected<kroner> get_amount(const cursor& x) {
  static constexpr std::string_view expected
    = "expected a non-negative integer";
  if (x.absent())
    return missing(x);
  const auto& v = *x.value();
  // Boost.JSON keeps integers up to 2^64 - 1 exact; larger ones and any
  // number with a fraction or exponent become doubles.
  if (auto p = v.if_int64()) {
    if (*p < 0)
      return invalid(x, std::string{expected} + ", got a negative number");
    return kroner{static_cast<uint64_t>(*p)};
  }
  if (auto p = v.if_uint64()) {
    if (*p > max_amount)
      return invalid(x, std::string{expected}
                          + ", got a number past 2^63 - 1");
    return kroner{*p};
  }
  if (auto p = v.if_double()) {
    if (*p < 0)
      return invalid(x, std::string{expected} + ", got a negative number");
    if (*p >= 9.2e18)
      return invalid(x, std::string{expected}
                          + ", got a number past 2^63 - 1");
    return invalid(x, std::string{expected}
                        + ", got a number with a fraction or exponent");
  }
  return wrong_type(x, expected.substr(9));
}

caf::expected<std::optional<kroner>> get_optional_amount(const cursor& x) {
  if (x.absent())
    return std::optional<kroner>{};
  auto result = get_amount(x);
  if (!result)
    return std::move(result.error());
  return std::optional<kroner>{*result};
}

} // namespace utsjekk::json
