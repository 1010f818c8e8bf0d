#include "core/random.h"

#include <gtest/gtest.h>

#include <set>

namespace waymark {
namespace {

// Deterministic counter bytes: enough to check formatting, not randomness.
class CountingRandom : public Random {
 public:
  void Fill(unsigned char* out, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) out[i] = next_++;
  }

 private:
  unsigned char next_ = 0;
};

TEST(RandomTest, HexHasTwoCharsPerByte) {
  CountingRandom r;
  EXPECT_EQ(r.Hex(4), "00010203");
}

TEST(RandomTest, TokenIsUrlSafe) {
  CountingRandom r;
  std::string t = r.Token(32);
  EXPECT_EQ(t.size(), 43u);
  EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
}

TEST(RandomTest, PasswordAvoidsLookAlikes) {
  CountingRandom r;
  std::string p = r.Password(200);
  EXPECT_EQ(p.size(), 200u);
  EXPECT_EQ(p.find_first_of("01ilo"), std::string::npos);
}

}  // namespace
}  // namespace waymark
