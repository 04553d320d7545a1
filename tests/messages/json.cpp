#include "messages/json.hpp"

#include "messages/error.hpp"
#include "messages/time.hpp"

#include "decode_examples.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace utsjekk;
using namespace std::chrono;
using test::code_of;

namespace {

constexpr size_t limit = 1024 * 1024;

/// The error of parsing `text`, or none.
caf::error parse_error(std::string_view text, size_t max = limit) {
  auto result = json::parse(text, max);
  if (result)
    return caf::none;
  return result.error();
}

} // namespace

TEST_SUITE("messages/json") {

TEST_CASE("well-formed documents parse and keep their values") {
  auto doc = json::parse(R"( {"a": [1, 2.5, "x", true, null], "b": {}} )",
                         limit);
  REQUIRE(doc);
  const auto& arr = doc->at("a").as_array();
  CHECK(arr.size() == 5);
  CHECK(arr[0].as_int64() == 1);
  CHECK(arr[2].as_string() == "x");
  CHECK(doc->at("b").as_object().empty());
}

TEST_CASE("the parser refuses what Boost.JSON would let through") {
  SUBCASE("empty input") {
    auto err = parse_error("");
    CHECK(code_of(err) == ec::malformed_json);
    CHECK(error_message(err).find("empty") != std::string::npos);
    CHECK(code_of(parse_error(" \r\n\t")) == ec::malformed_json);
  }
  SUBCASE("a byte-order mark") {
    auto err = parse_error("\xEF\xBB\xBF{}");
    CHECK(code_of(err) == ec::malformed_json);
    CHECK(error_message(err).find("byte-order mark") != std::string::npos);
  }
  SUBCASE("invalid UTF-8 inside and outside strings") {
    for (auto bad : {"{\"a\": \"\xC3\x28\"}", "{\"a\": \"\xC0\xAF\"}",
                     "{\"a\": \"\xED\xA0\x80\"}",
                     "{\"a\": \"\xF4\x90\x80\x80\"}", "{\"a\": \"\xE2\x82\"}",
                     "{\"a\": 1}\xFF"}) {
      INFO(bad);
      auto err = parse_error(bad);
      CHECK(code_of(err) == ec::malformed_json);
      CHECK(error_message(err).find("UTF-8") != std::string::npos);
    }
    CHECK_FALSE(parse_error("{\"beløp\": \"€ 😀\"}"));
  }
  SUBCASE("truncated input") {
    for (auto bad : {"{", "{\"a\": ", "{\"a\": [1, 2", "{\"a\": \"xy",
                     "{\"a\": tru"}) {
      INFO(bad);
      auto err = parse_error(bad);
      CHECK(code_of(err) == ec::malformed_json);
      CHECK(error_message(err).find("truncated") != std::string::npos);
    }
  }
  SUBCASE("trailing data after the value") {
    CHECK_FALSE(parse_error("{\"a\": 1}  \n"));
    for (auto bad : {"{\"a\": 1} x", "{\"a\": 1}{}", "{} 1", "[] ]"}) {
      INFO(bad);
      auto err = parse_error(bad);
      CHECK(code_of(err) == ec::malformed_json);
      CHECK(error_message(err).find("trailing") != std::string::npos);
    }
  }
  SUBCASE("syntax errors") {
    for (auto bad : {"{a: 1}", "{\"a\": 1,}", "{'a': 1}", "{\"a\": 01}",
                     "{\"a\": NaN}", "// c\n{}"}) {
      INFO(bad);
      CHECK(code_of(parse_error(bad)) == ec::malformed_json);
    }
  }
  SUBCASE("duplicate keys at any depth") {
    auto top = parse_error(R"({"sakId": "a", "sakId": "b"})");
    CHECK(code_of(top) == ec::malformed_json);
    CHECK(error_message(top).find("\"sakId\"") != std::string::npos);
    CHECK(error_message(top).find("top-level") != std::string::npos);
    auto nested = parse_error(R"({"utbetalinger": [{"beløp": 1},
      {"fom": 1, "beløp": 2, "beløp": 3}]})");
    CHECK(code_of(nested) == ec::malformed_json);
    CHECK(error_message(nested).find("utbetalinger[1]") != std::string::npos);
    auto deep = parse_error(R"({"a": {"b": [[{"c": 1, "c": 1}]]}})");
    CHECK(error_message(deep).find("a.b[0][0]") != std::string::npos);
    INFO("keys that differ only in their escapes are the same key");
    CHECK(code_of(parse_error(R"({"b\u00f8": 1, "bø": 2})"))
          == ec::malformed_json);
    INFO("the same key in different objects is fine");
    CHECK_FALSE(
      parse_error(R"({"a": {"k": 1}, "b": {"k": 1}, "k": [{"k": 1}]})"));
  }
  SUBCASE("nesting deeper than the bound") {
    auto nest = [](size_t n) {
      return std::string(n, '[') + std::string(n, ']');
    };
    CHECK_FALSE(parse_error(nest(json::max_depth)));
    auto err = parse_error(nest(json::max_depth + 1));
    CHECK(code_of(err) == ec::malformed_json);
    CHECK(error_message(err).find("deeper") != std::string::npos);
  }
  SUBCASE("payloads over the size limit") {
    auto text = std::string{"{\"a\": \""} + std::string(100, 'x') + "\"}";
    CHECK_FALSE(parse_error(text, text.size()));
    auto err = parse_error(text, text.size() - 1);
    CHECK(code_of(err) == ec::malformed_json);
    CHECK(error_message(err).find("limit") != std::string::npos);
  }
}

TEST_CASE("amounts are integers in 0..2^63-1 and nothing else") {
  auto amount = [](std::string_view value) {
    auto text = std::string{R"({"utbetalinger": [{}, {}, {"beløp": )"}
                + std::string{value} + "}]}";
    auto doc = json::parse(text, limit);
    REQUIRE(doc);
    json::cursor root{*doc};
    return json::get_amount(root["utbetalinger"].at(2)["beløp"]);
  };
  SUBCASE("accepted") {
    CHECK(amount("0")->value == 0);
    CHECK(amount("1000")->value == 1000);
    CHECK(amount("9223372036854775807")->value == json::max_amount);
  }
  SUBCASE("refused, each with a message naming the field") {
    struct bad_case {
      const char* value;
      const char* says;
    };
    for (auto [value, says] : {
           bad_case{"1000.0", "fraction or exponent"},
           bad_case{"1e3", "fraction or exponent"},
           bad_case{"10.5", "fraction or exponent"},
           bad_case{"\"1000\"", "got a string"},
           bad_case{"-1", "negative"},
           bad_case{"-0.5", "negative"},
           bad_case{"9223372036854775808", "past 2^63 - 1"},
           bad_case{"18446744073709551615", "past 2^63 - 1"},
           bad_case{"18446744073709551616", "past 2^63 - 1"},
           bad_case{"1e300", "past 2^63 - 1"},
           bad_case{"null", "required field is null"},
           bad_case{"true", "got a boolean"},
           bad_case{"[1]", "got an array"},
         }) {
      INFO(value);
      auto result = amount(value);
      REQUIRE_FALSE(result);
      CHECK(code_of(result.error()) == ec::invalid_field);
      auto msg = error_message(result.error());
      CHECK(msg.starts_with("utbetalinger[2].beløp: "));
      CHECK(msg.find(says) != std::string::npos);
    }
  }
  SUBCASE("the message a consumer team reads") {
    auto result = amount("\"1000\"");
    REQUIRE_FALSE(result);
    CHECK(error_message(result.error())
          == "utbetalinger[2].beløp: expected a non-negative integer, got a "
             "string");
  }
  SUBCASE("optional amounts") {
    auto doc = json::parse(R"({"a": null, "b": 7})", limit);
    REQUIRE(doc);
    json::cursor root{*doc};
    CHECK(*json::get_optional_amount(root["a"]) == std::nullopt);
    CHECK(*json::get_optional_amount(root["missing"]) == std::nullopt);
    CHECK(json::get_optional_amount(root["b"])->value().value == 7);
  }
}

TEST_CASE("required and optional fields") {
  auto doc = json::parse(
    R"({"s": "x", "n": null, "b": true, "i": 5, "o": {"k": "v"}, "extra": 1})",
    limit);
  REQUIRE(doc);
  json::cursor root{*doc};
  SUBCASE("strings") {
    CHECK(*json::get_string(root["s"]) == "x");
    auto missing = json::get_string(root["nope"]);
    REQUIRE_FALSE(missing);
    CHECK(error_message(missing.error()) == "nope: required field is missing");
    auto null = json::get_string(root["n"]);
    REQUIRE_FALSE(null);
    CHECK(error_message(null.error()) == "n: required field is null");
    auto number = json::get_string(root["i"]);
    REQUIRE_FALSE(number);
    CHECK(error_message(number.error())
          == "i: expected a string, got an integer");
    CHECK(*json::get_optional_string(root["n"]) == std::nullopt);
    CHECK(*json::get_optional_string(root["nope"]) == std::nullopt);
    CHECK(json::get_optional_string(root["s"])->value() == "x");
    CHECK_FALSE(json::get_optional_string(root["i"]));
  }
  SUBCASE("booleans") {
    CHECK(*json::get_bool(root["b"]) == true);
    CHECK(*json::get_bool(root["nope"], true) == true);
    CHECK(*json::get_bool(root["n"], false) == false);
    CHECK_FALSE(json::get_bool(root["nope"]));
    auto wrong = json::get_bool(root["s"], false);
    REQUIRE_FALSE(wrong);
    CHECK(code_of(wrong.error()) == ec::invalid_field);
  }
  SUBCASE("objects and arrays") {
    CHECK_FALSE(json::require_object(root["o"]));
    CHECK(*json::get_string(root["o"]["k"]) == "v");
    CHECK(error_message(json::require_object(root["s"]))
          == "s: expected an object, got a string");
    CHECK(error_message(json::require_object(json::cursor{doc->at("i")}))
          == "the document: expected an object, got an integer");
    auto arr = json::get_array(root["o"]);
    REQUIRE_FALSE(arr);
    CHECK(error_message(arr.error()) == "o: expected an array, got an object");
  }
}

TEST_CASE("dates, times and UUIDs are strict") {
  auto doc = json::parse(R"({
    "d": "2025-06-02", "a": [2025, 6, 2], "bad": "2025-6-2",
    "feb": [2023, 2, 29], "short": [2025, 6], "num": 20250602,
    "t": "2026-07-14T10:07:38.614673", "tz": "2025-08-10T08:30:00Z",
    "tbad": "2025-08-10 08:30:00",
    "u": "5b0a3c1e-8f2d-4a55-9c1e-2f6a7d9e0b11", "ubad": "5b0a3c1e8f2d"})",
                         limit);
  REQUIRE(doc);
  json::cursor root{*doc};
  SUBCASE("dates as text or [y, m, d]") {
    CHECK(*json::get_date(root["d"]) == 2025y / June / 2d);
    CHECK(*json::get_date(root["a"]) == 2025y / June / 2d);
    auto bad = json::get_date(root["bad"]);
    REQUIRE_FALSE(bad);
    CHECK(error_message(bad.error())
          == "bad: expected a date YYYY-MM-DD, got \"2025-6-2\"");
    CHECK_FALSE(json::get_date(root["feb"]));
    CHECK_FALSE(json::get_date(root["short"]));
    CHECK_FALSE(json::get_date(root["num"]));
    CHECK(*json::get_optional_date(root["nope"]) == std::nullopt);
  }
  SUBCASE("local date-times") {
    CHECK(to_string(*json::get_local_time(root["t"]))
          == "2026-07-14T10:07:38.614673");
    CHECK(to_string(*json::get_local_time(root["tz"]))
          == "2025-08-10T08:30:00");
    auto bad = json::get_local_time(root["tbad"]);
    REQUIRE_FALSE(bad);
    CHECK(code_of(bad.error()) == ec::invalid_field);
    CHECK(error_message(bad.error()).starts_with("tbad: expected a date-time"));
    CHECK_FALSE(json::get_local_time(root["num"]));
  }
  SUBCASE("UUIDs") {
    CHECK(json::get_uuid(root["u"])->to_string()
          == "5b0a3c1e-8f2d-4a55-9c1e-2f6a7d9e0b11");
    auto bad = json::get_uuid(root["ubad"]);
    REQUIRE_FALSE(bad);
    CHECK(error_message(bad.error()).starts_with("ubad: expected a UUID"));
  }
}

TEST_CASE("quoted values are short and plain") {
  CHECK(json::quote("abc") == "\"abc\"");
  CHECK(json::quote("a\"b\nc") == "\"a?b?c\"");
  auto long_text = std::string(39, 'x') + "øøø";
  auto quoted = json::quote(long_text);
  CHECK(quoted == "\"" + std::string(39, 'x') + "…\"");
}

}

TEST_SUITE("messages/json") {

TEST_CASE("strings with control characters or noncharacters are refused") {
  for (auto text : {R"({"s": "A\rB"})", R"({"s": "NUL\u0000X"})",
                    R"({"s": "\u0001"})", R"({"s": "\u000b"})",
                    R"({"s": "DEL\u007f"})", R"({"s": "\ufffe"})",
                    R"({"s": "tab\there"})"}) {
    auto doc = json::parse(text, 1024);
    REQUIRE(doc);
    json::cursor root{*doc};
    auto s = json::get_string(root["s"]);
    INFO(text);
    REQUIRE_FALSE(s);
    CHECK(error_message(s.error()).find("s: contains a control") == 0);
  }
  auto doc = json::parse(R"({"s": "Ærlig talt, søknad 17"})", 1024);
  REQUIRE(doc);
  CHECK(json::get_string(json::cursor{*doc}["s"]));
}

}

namespace {

/// An object of `n` keys "k0".."k<n-1>" with integer values; `extra` is
/// appended inside the braces as it is.
std::string wide_object(size_t n, std::string_view extra = {}) {
  std::string text = "{";
  for (size_t i = 0; i < n; ++i)
    text += (i == 0 ? "\"k" : ", \"k") + std::to_string(i)
            + "\": " + std::to_string(i);
  text += extra;
  text += '}';
  return text;
}

} // namespace

TEST_SUITE("messages/json") {

TEST_CASE("duplicate keys are found in objects of any size") {
  SUBCASE("objects of many distinct keys parse") {
    for (size_t n : {1, 15, 16, 17, 18, 40, 300}) {
      INFO("keys: " << n);
      auto doc = json::parse(wide_object(n), limit);
      REQUIRE(doc);
      CHECK(doc->as_object().size() == n);
      CHECK(doc->at("k" + std::to_string(n - 1)).as_int64()
            == static_cast<int64_t>(n - 1));
    }
  }
  SUBCASE("a repeat of the first, a middle or the last key") {
    for (size_t n : {2, 15, 16, 17, 18, 40, 300}) {
      for (auto repeated : {size_t{0}, n / 2, n - 1}) {
        auto key = "k" + std::to_string(repeated);
        INFO("keys: " << n << ", repeated: " << key);
        auto err = parse_error(wide_object(n, ", \"" + key + "\": 0"));
        CHECK(code_of(err) == ec::malformed_json);
        CHECK(error_message(err)
              == "duplicate key \"" + key
                   + "\" in the top-level object; every key may appear "
                     "once per object");
      }
    }
  }
  SUBCASE("a repeat long after the scan of small objects ends") {
    auto text = wide_object(100, ", \"x\": 1, \"k3\": 2");
    auto err = parse_error(text);
    CHECK(error_message(err).find("\"k3\"") != std::string::npos);
  }
  SUBCASE("a repeat written with an escape in a large object") {
    auto err = parse_error(wide_object(30, R"(, "\u006b7": 1)"));
    CHECK(code_of(err) == ec::malformed_json);
    CHECK(error_message(err).find("\"k7\"") != std::string::npos);
  }
  SUBCASE("keys that only share a prefix or a length are distinct") {
    CHECK_FALSE(parse_error(R"({"a": 1, "ab": 2, "b": 3, "ba": 4, "": 5})"));
    CHECK_FALSE(parse_error(wide_object(
      40, R"(, "k1x": 1, "k10x": 2, "K1": 3, "k": 4, "": 5)")));
  }
}

TEST_CASE("keys of closed objects do not count in their parent") {
  SUBCASE("inner keys equal to outer keys before and after") {
    CHECK_FALSE(parse_error(
      R"({"a": 1, "o": {"a": 1, "b": {"a": 1}, "c": [{"a": 1}]}, "b": 2,
          "c": 3})"));
  }
  SUBCASE("an outer duplicate after a large inner object") {
    auto err = parse_error(R"({"a": 1, "o": )" + wide_object(50)
                           + R"(, "k1": 2, "a": 3})");
    CHECK(code_of(err) == ec::malformed_json);
    CHECK(error_message(err)
          == "duplicate key \"a\" in the top-level object; every key may "
             "appear once per object");
  }
  SUBCASE("a large outer object keeps its index past inner objects") {
    auto inner = std::string{R"(, "o": {"k5": {"k5": 1}}, "z": [{"z": 1}])"};
    CHECK_FALSE(parse_error(wide_object(20, inner)));
    auto err = parse_error(wide_object(20, inner + R"(, "z": 1)"));
    CHECK(error_message(err).find("\"z\" in the top-level")
          != std::string::npos);
  }
}

TEST_CASE("a duplicate deep in arrays and objects names its object") {
  struct deep_case {
    std::string text;
    std::string where;
  };
  auto many = wide_object(20, R"(, "k19": 1)");
  for (const auto& [text, where] : {
         deep_case{R"({"a": [1, {"b": [[], [0, {"c": 1, "c": 2}]]}]})",
                   "a[1].b[1][1]"},
         deep_case{R"({"a": {"b": {"c": {"d": {"e": 1, "e": 1}}}}})",
                   "a.b.c.d"},
         deep_case{R"([{"x": 1}, [{"y": {"y": 1, "y": 2}}]])", "[1][0].y"},
         deep_case{R"({"a": [)" + wide_object(3) + ", " + many + "]}",
                   "a[1]"},
         deep_case{R"({"": {"": 1, "": 2}})", "the top-level object"},
       }) {
    INFO(text);
    auto err = parse_error(text);
    REQUIRE(code_of(err) == ec::malformed_json);
    CHECK(error_message(err).find(" in " + where + "; every key")
          != std::string::npos);
  }
}

TEST_CASE("cursor paths name deep members exactly") {
  auto doc = json::parse(R"({"utbetalinger": [{"perioder": [{}, {"fom": 1,
    "beløp": "x", "o": {"k": []}}]}], "": {"": {"n": true}}, "s": "t"})",
                         limit);
  REQUIRE(doc);
  json::cursor root{*doc};
  auto periode = root["utbetalinger"].at(0)["perioder"].at(1);
  SUBCASE("present members") {
    CHECK(periode["beløp"].path() == "utbetalinger[0].perioder[1].beløp");
    CHECK(error_message(json::get_amount(periode["beløp"]).error())
          == "utbetalinger[0].perioder[1].beløp: expected a non-negative "
             "integer, got a string");
    CHECK(periode["o"]["k"].path() == "utbetalinger[0].perioder[1].o.k");
    CHECK(root["s"].path() == "s");
    CHECK(root.path() == "the document");
  }
  SUBCASE("missing members and their missing children") {
    CHECK(periode["tom"].path() == "utbetalinger[0].perioder[1].tom");
    CHECK(periode["o"]["k"].at(3)["x"].path()
          == "utbetalinger[0].perioder[1].o.k[3].x");
    CHECK(root["nope"]["deeper"].at(2).path() == "nope.deeper[2]");
    CHECK(root["utbetalinger"].at(5)["fom"].path() == "utbetalinger[5].fom");
    CHECK(root["s"]["t"].path() == "s.t");
    CHECK(root.at(0).path() == "[0]");
    CHECK(error_message(json::get_date(periode["tom"]).error())
          == "utbetalinger[0].perioder[1].tom: required field is missing");
  }
  SUBCASE("empty keys keep the path empty, as they always did") {
    CHECK(root[""].path() == "the document");
    CHECK(root[""][""]["n"].path() == "n");
    CHECK(root[""]["x"].path() == "x");
    CHECK(root[""].at(1).path() == "[1]");
  }
  SUBCASE("elements of get_array and a cursor kept after its parent") {
    auto items = json::get_array(root["utbetalinger"].at(0)["perioder"]);
    REQUIRE(items);
    REQUIRE(items->size() == 2);
    auto fom = (*items)[1]["fom"];
    items->clear();
    CHECK(fom.path() == "utbetalinger[0].perioder[1].fom");
    CHECK(json::get_amount(fom)->value == 1);
  }
  SUBCASE("a cursor given a path") {
    json::cursor given{&doc->at("s"), "meldinger[4]"};
    CHECK(given.path() == "meldinger[4]");
    CHECK(given["x"].at(1).path() == "meldinger[4].x[1]");
    json::cursor none{nullptr, "a"};
    CHECK(none["b"].path() == "a.b");
    CHECK(json::cursor{nullptr, ""}["b"].path() == "b");
  }
}

}
