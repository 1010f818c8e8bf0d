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

TEST(StringsTest, ControlCharactersAndSanitizing) {
  EXPECT_TRUE(HasControlCharacters(std::string("a\0b", 3), true));
  EXPECT_TRUE(HasControlCharacters("a\nb", false));
  EXPECT_FALSE(HasControlCharacters("a\nb\tc", true));
  EXPECT_EQ(SanitizeUtf8("\xC3\xA9t\xC3", 100), "\xC3\xA9t?");
  EXPECT_EQ(SanitizeUtf8("\xC3\xA9\xC3\xA9", 3), "\xC3\xA9");  // never half a character
  EXPECT_EQ(SanitizeUtf8(std::string("a\0b", 3), 10), "a?b");
}

TEST(StringsTest, BidiControlsAreFoundMarksAreNot) {
  EXPECT_TRUE(HasBidiControls("abc\u202Eexe.txt"));  // right-to-left override
  EXPECT_TRUE(HasBidiControls("\u202A"));            // first embedding
  EXPECT_TRUE(HasBidiControls("x\u2066y\u2069"));    // isolates
  EXPECT_TRUE(HasBidiControls("\u2068"));
  EXPECT_FALSE(HasBidiControls("\u200F\u200E\u061C"));                  // marks
  EXPECT_FALSE(HasBidiControls("\u2029\u202F\u2065\u206A migración"));  // neighbours
  EXPECT_FALSE(HasBidiControls("\xE2\x80"));                            // cut short
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
