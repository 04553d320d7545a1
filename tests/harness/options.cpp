#include "harness/options.hpp"

#include "messages/error.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace utsjekk;
using namespace utsjekk::bench;

TEST_CASE("a whole number must fit and lie in its range") {
  SUBCASE("in range") {
    CHECK(parse_count("--n", "0") == 0u);
    CHECK(parse_count("--n", "18446744073709551615") ==
          18446744073709551615ull);
    CHECK(parse_count("--n", "5", 5, 5) == 5u);
  }
  SUBCASE("beyond 64 bits, negative, blank or with trailing text") {
    for (auto text : {"18446744073709551616", "-1", "", " 1", "1s", "1e3"}) {
      INFO("text: '", text, "'");
      auto x = parse_count("--n", text, 1, 9);
      REQUIRE_FALSE(x);
      CHECK(error_message(x.error()) ==
            "--n takes a whole number in [1, 9], got '" + std::string{text} +
                "'");
    }
  }
}

TEST_CASE("a number must be finite and lie in its range") {
  CHECK(parse_number("--x", "0.25", 0, 1) == 0.25);
  for (auto text : {"nan", "inf", "1.5", "-0.1", "1e400", "x"}) {
    INFO("text: '", text, "'");
    auto x = parse_number("--x", text, 0, 1);
    REQUIRE_FALSE(x);
    CHECK(error_message(x.error()) ==
          "--x takes a number in [0, 1], got '" + std::string{text} + "'");
  }
}

TEST_CASE("the parser reads flags, values and help, and refuses the rest") {
  uint64_t n = 0;
  double x = 0;
  std::string name;
  bool quiet = false;
  option_parser options;
  options.count("--n", n, 1, 10).number("--x", x, 0, 1).text("--name", name)
      .flag("--quiet", quiet);
  SUBCASE("every kind of option") {
    auto help = options.parse({"--n", "7", "--quiet", "--x", "0.5",
                               "--name", "a b"});
    REQUIRE(help);
    CHECK_FALSE(*help);
    CHECK(n == 7);
    CHECK(x == 0.5);
    CHECK(name == "a b");
    CHECK(quiet);
    CHECK(options.given("--x"));
  }
  SUBCASE("help wins over a bad option") {
    auto help = options.parse({"--bogus", "--help"});
    REQUIRE(help);
    CHECK(*help);
  }
  SUBCASE("unknown, missing value, out of range") {
    auto unknown = options.parse({"--bogus"});
    REQUIRE_FALSE(unknown);
    CHECK(error_message(unknown.error()) == "unknown option --bogus");
    auto missing = options.parse({"--n"});
    REQUIRE_FALSE(missing);
    CHECK(error_message(missing.error()) == "--n needs a value");
    auto range = options.parse({"--n", "11"});
    REQUIRE_FALSE(range);
    CHECK(error_message(range.error()) ==
          "--n takes a whole number in [1, 10], got '11'");
  }
}
