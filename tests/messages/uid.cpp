#include "messages/uid.hpp"

#include "decode_examples.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace utsjekk;

namespace {

/// Hex of a digest.
std::string hex(const std::array<uint8_t, 32>& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string result;
  for (auto b : bytes) {
    result += digits[b >> 4];
    result += digits[b & 0x0F];
  }
  return result;
}

std::string sha256_hex(std::string_view text) {
  std::vector<uint8_t> bytes(text.begin(), text.end());
  return hex(sha256(bytes));
}

/// The uids basic.expected.jsonl lists for `key`.
std::vector<std::string> expected_uids(std::string_view key) {
  for (const auto& x : test::read_jsonl("basic.expected.jsonl")) {
    if (x.at("key").as_string() != key)
      continue;
    std::vector<std::string> result;
    for (const auto& uid : x.at("oppdrag").at("uids").as_array())
      result.emplace_back(uid.as_string());
    return result;
  }
  return {};
}

} // namespace

TEST_SUITE("messages/uid") {

TEST_CASE("Java String.hashCode over UTF-16 code units") {
  CHECK(java_string_hash("") == 0);
  CHECK(java_string_hash("a") == 97);
  CHECK(java_string_hash("hello") == 99162322);
  INFO("the sum wraps at 32 bits");
  CHECK(java_string_hash("polygenelubricants") == INT32_MIN);
  INFO("Norwegian letters are one code unit, emoji a surrogate pair");
  CHECK(java_string_hash("ø") == 0xF8);
  CHECK(java_string_hash("😀") == 0xD83D * 31 + 0xDE00);
  CHECK(utf16_length("bø") == 2);
  CHECK(utf16_length("😀") == 2);
  CHECK(utf16_length("DPSAK0001") == 9);
}

TEST_CASE("SHA-256 matches the FIPS 180-4 test vectors") {
  CHECK(sha256_hex("")
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc")
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  INFO("56 bytes: the padding needs a second block");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  INFO("one million times 'a': many blocks");
  CHECK(sha256_hex(std::string(1'000'000, 'a'))
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("Dagpenger uids match the system being replaced") {
  auto expected = expected_uids("dp-0001");
  REQUIRE(expected.size() == 2);
  auto ordinary = derived_uid(fagsystem::dagpenger, "DPSAK0001", "132788269",
                              "DAGPENGER");
  auto ferie = derived_uid(fagsystem::dagpenger, "DPSAK0001", "132788269",
                           "DAGPENGERFERIE");
  CHECK(ordinary != ferie);
  INFO("the listed uids are DAGPENGER's and DAGPENGERFERIE's, in that order");
  CHECK(ordinary.to_string() == expected[0]);
  CHECK(ferie.to_string() == expected[1]);
}

TEST_CASE("derived uids depend on every part of their input") {
  auto base = derived_uid(fagsystem::tiltakspenger, "202409271001",
                          "2025-06-02/2025-06-15", "TPTPATT");
  CHECK(base == derived_uid(fagsystem::tiltakspenger, "202409271001",
                            "2025-06-02/2025-06-15", "TPTPATT"));
  CHECK(base != derived_uid(fagsystem::dagpenger, "202409271001",
                            "2025-06-02/2025-06-15", "TPTPATT"));
  CHECK(base != derived_uid(fagsystem::tiltakspenger, "202409271002",
                            "2025-06-02/2025-06-15", "TPTPATT"));
  CHECK(base != derived_uid(fagsystem::tiltakspenger, "202409271001",
                            "2025-06-16/2025-06-29", "TPTPATT"));
  CHECK(base != derived_uid(fagsystem::tiltakspenger, "202409271001",
                            "2025-06-02/2025-06-15", "TPBTATTILT"));
}

}
