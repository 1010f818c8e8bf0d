// Cryptography through libsodium: randomness, password hashing (Argon2id) and
// token digests. Call crypto::Init() once before anything else here.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/status.h"

namespace waymark::crypto {

// Initialises libsodium. Returns an error if the library cannot start.
Status Init();

class SodiumRandom final : public Random {
 public:
  void Fill(unsigned char* out, std::size_t n) override;
};

struct PasswordPolicy {
  // Argon2id memory cost. The floor for stored passwords is 64 MiB.
  std::size_t memlimit_bytes = 64u << 20;
  // Argon2id passes.
  unsigned long long opslimit = 2;
};

// Returns an encoded Argon2id hash ("$argon2id$v=19$m=65536,...").
Result<std::string> HashPassword(std::string_view password, const PasswordPolicy& policy);
// True when `password` matches `encoded`. A malformed hash never matches.
bool VerifyPassword(std::string_view password, const std::string& encoded);
// True when `encoded` was made with weaker parameters than `policy`.
bool PasswordNeedsRehash(const std::string& encoded, const PasswordPolicy& policy);

// SHA-256 of `data` as lowercase hex. Used to store API tokens and session
// ids so that a leaked database does not leak live credentials.
std::string Sha256Hex(std::string_view data);

// SHA-256 over data given in pieces (a file read as it streams).
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  // Lowercase hex of everything given; call once.
  std::string FinalHex();

 private:
  alignas(16) unsigned char state_[128];  // crypto_hash_sha256_state (checked in crypto.cc)
};

// Constant-time equality for secrets of any length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace waymark::crypto
