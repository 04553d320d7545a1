#include "messages/uid.hpp"

#include <string>

namespace utsjekk {

namespace {

/// Calls `f` with each UTF-16 code unit of `utf8`.
template <class F>
void for_each_utf16(std::string_view utf8, F f) {
  size_t i = 0;
  while (i < utf8.size()) {
    auto c = static_cast<unsigned char>(utf8[i]);
    // Decode one code point; the caller guarantees valid UTF-8.
    uint32_t cp = c;
    size_t n = 0;
    if (c >= 0xF0) {
      cp = c & 0x07;
      n = 3;
    } else if (c >= 0xE0) {
      cp = c & 0x0F;
      n = 2;
    } else if (c >= 0xC0) {
      cp = c & 0x1F;
      n = 1;
    }
    for (size_t k = 1; k <= n && i + k < utf8.size(); ++k)
      cp = cp << 6 | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    i += n + 1;
    // Code points past the BMP become a surrogate pair.
    if (cp >= 0x10000) {
      cp -= 0x10000;
      f(static_cast<uint16_t>(0xD800 + (cp >> 10)));
      f(static_cast<uint16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      f(static_cast<uint16_t>(cp));
    }
  }
}

constexpr std::array<uint32_t, 64> sha256_k = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
  0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

constexpr uint32_t rotr(uint32_t x, int n) {
  return x >> n | x << (32 - n);
}

/// Runs the compression function over one 64-byte block.
void sha256_block(std::array<uint32_t, 8>& h, const uint8_t* block) {
  // Expand the block into the message schedule.
  std::array<uint32_t, 64> w{};
  for (size_t t = 0; t < 16; ++t)
    w[t] = uint32_t{block[4 * t]} << 24 | uint32_t{block[4 * t + 1]} << 16
           | uint32_t{block[4 * t + 2]} << 8 | uint32_t{block[4 * t + 3]};
  for (size_t t = 16; t < 64; ++t) {
    auto s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    auto s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  // Mix 64 rounds into the working variables.
  auto [a, b, c, d, e, f, g, hh] = h;
  for (size_t t = 0; t < 64; ++t) {
    auto s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    auto ch = (e & f) ^ (~e & g);
    auto t1 = hh + s1 + ch + sha256_k[t] + w[t];
    auto s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    auto maj = (a & b) ^ (a & c) ^ (b & c);
    auto t2 = s0 + maj;
    hh = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  // Add the result into the hash state.
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

} // namespace

int32_t java_string_hash(std::string_view utf8) {
  uint32_t h = 0;
  for_each_utf16(utf8, [&h](uint16_t unit) { h = 31 * h + unit; });
  return static_cast<int32_t>(h);
}

size_t utf16_length(std::string_view utf8) {
  size_t n = 0;
  for_each_utf16(utf8, [&n](uint16_t) { ++n; });
  return n;
}

std::array<uint8_t, 32> sha256(std::span<const uint8_t> data) {
  std::array<uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                               0xa54ff53a, 0x510e527f, 0x9b05688c,
                               0x1f83d9ab, 0x5be0cd19};
  // Hash every whole block of the input.
  size_t whole = data.size() / 64 * 64;
  for (size_t i = 0; i < whole; i += 64)
    sha256_block(h, data.data() + i);
  // Pad the rest: 0x80, zeros, and the bit length big-endian.
  std::array<uint8_t, 128> tail{};
  size_t rest = data.size() - whole;
  for (size_t i = 0; i < rest; ++i)
    tail[i] = data[whole + i];
  tail[rest] = 0x80;
  size_t tail_size = rest + 9 <= 64 ? 64 : 128;
  uint64_t bits = static_cast<uint64_t>(data.size()) * 8;
  for (size_t i = 0; i < 8; ++i)
    tail[tail_size - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
  for (size_t i = 0; i < tail_size; i += 64)
    sha256_block(h, tail.data() + i);
  // Write the state big-endian.
  std::array<uint8_t, 32> result{};
  for (size_t i = 0; i < 8; ++i)
    for (size_t k = 0; k < 4; ++k)
      result[4 * i + k] = static_cast<uint8_t>(h[i] >> (24 - 8 * k));
  return result;
}

uuid derived_uid(fagsystem fs, std::string_view sak_id,
                 std::string_view meldeperiode, std::string_view klassekode) {
  // Hash the concatenation the way Java does.
  std::string text{to_string(fs)};
  text += sak_id;
  text += meldeperiode;
  text += klassekode;
  auto wide = static_cast<int64_t>(java_string_hash(text));
  // Sign-extend to eight bytes, big-endian, and digest them.
  std::array<uint8_t, 8> bytes{};
  for (size_t i = 0; i < 8; ++i)
    bytes[i] = static_cast<uint8_t>(static_cast<uint64_t>(wide)
                                    >> (56 - 8 * i));
  auto digest = sha256(bytes);
  // The first 16 bytes are the UUID as they stand.
  uuid result;
  for (size_t i = 0; i < 16; ++i)
    result.bytes[i] = digest[i];
  return result;
}

} // namespace utsjekk
