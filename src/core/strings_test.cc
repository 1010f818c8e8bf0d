#include "core/strings.h"

#include <gtest/gtest.h>

namespace waymark {
namespace {

TEST(StringsTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("migración"));
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_FALSE(IsValidUtf8("\xC3"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
  EXPECT_EQ(Utf8Length("migración"), 9u);
}

TEST(StringsTest, PercentDecode) {
  std::string out;
  ASSERT_TRUE(PercentDecode("a%20b+c", out, true));
  EXPECT_EQ(out, "a b c");
  ASSERT_TRUE(PercentDecode("a+b", out, false));
  EXPECT_EQ(out, "a+b");
  EXPECT_FALSE(PercentDecode("bad%2", out, true));
  EXPECT_FALSE(PercentDecode("bad%", out, true));
  EXPECT_FALSE(PercentDecode("bad%zz", out, true));
}

TEST(StringsTest, SplitTrimLower) {
  auto parts = Split("a,b,,c", ',');
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[2], "");
  EXPECT_EQ(TrimAscii("  x y \n"), "x y");
  EXPECT_EQ(ToLowerAscii("Ana@Example.ORG"), "ana@example.org");
}

}  // namespace
}  // namespace waymark
