#include "core/random.h"

#include <vector>

namespace waymark {

std::string Random::Hex(std::size_t bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::vector<unsigned char> buf(bytes);
  Fill(buf.data(), buf.size());
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char b : buf) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

std::string Random::Token(std::size_t bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::vector<unsigned char> buf(bytes);
  Fill(buf.data(), buf.size());
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : buf) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

std::string Random::Password(std::size_t length) {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";  // 31 symbols
  constexpr unsigned kSize = sizeof(kAlphabet) - 1;
  std::string out;
  while (out.size() < length) {
    unsigned char b = 0;
    Fill(&b, 1);
    // Rejection sampling keeps every symbol equally likely.
    if (b >= 256 - (256 % kSize)) continue;
    out.push_back(kAlphabet[b % kSize]);
  }
  return out;
}

}  // namespace waymark
