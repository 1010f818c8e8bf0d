// Random: the only source of randomness for domain code (tokens, ids,
// passwords). The production implementation is crypto::SodiumRandom.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace waymark {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` with `n` unpredictable bytes.
  virtual void Fill(unsigned char* out, std::size_t n) = 0;

  // `bytes` random bytes as lowercase hex (2*bytes characters).
  std::string Hex(std::size_t bytes);
  // A URL-safe token of `bytes` random bytes (base64url, no padding).
  std::string Token(std::size_t bytes);
  // A password easy to read aloud: groups of lowercase letters and digits
  // without look-alikes (no 0/o, 1/l/i).
  std::string Password(std::size_t length);
};

}  // namespace waymark
