#include "messages/jsonl.hpp"

#include "messages/error.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace utsjekk;

TEST_SUITE("messages/jsonl") {

TEST_CASE("each line is one object; blank lines are skipped") {
  auto parsed = jsonl::parse("{\"a\":\"x\"}\n\n  \t\r\n{\"a\":1}\r\n{}");
  REQUIRE_MESSAGE(parsed, render(parsed.error()));
  REQUIRE(parsed->size() == 3);
  CHECK(jsonl::string_at((*parsed)[0], "a") == "x");
  INFO("string_at is empty for a value of another type, or none");
  CHECK(jsonl::string_at((*parsed)[1], "a").empty());
  CHECK(jsonl::string_at((*parsed)[2], "a").empty());
  CHECK(jsonl::parse("")->empty());
}

TEST_CASE("a line that is no JSON object names its number") {
  std::string text = "{\"a\":1}\n\n";
  SUBCASE("an array") {
    text += "[1]\n";
  }
  SUBCASE("broken JSON") {
    text += "{\"a\":\n";
  }
  SUBCASE("two values on a line") {
    text += "{} {}";
  }
  auto parsed = jsonl::parse(text);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error() == ec::malformed_json);
  CHECK(error_message(parsed.error()) == "line 3: not a JSON object");
}

TEST_CASE("the example input reads, a record a line") {
  std::ifstream in{std::string{UTSJEKK_EXAMPLES_DIR} + "/basic.jsonl",
                   std::ios::binary};
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  auto text = out.str();
  auto lines = std::count(text.begin(), text.end(), '\n');
  REQUIRE(lines > 10);
  auto parsed = jsonl::parse(text);
  REQUIRE_MESSAGE(parsed, render(parsed.error()));
  CHECK(static_cast<long>(parsed->size()) == lines);
  for (const auto& record : *parsed)
    CHECK_FALSE(jsonl::string_at(record, "topic").empty());
}

}
