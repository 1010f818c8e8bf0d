#include <gtest/gtest.h>

#include "web/app.h"

namespace waymark::web {
namespace {

TEST(SafeNextTest, KeepsLocalPaths) {
  EXPECT_EQ(SafeNext("/campaigns/12?tab=media#top"), "/campaigns/12?tab=media#top");
  EXPECT_EQ(SafeNext("/search?q=a%20b&lang=fr"), "/search?q=a%20b&lang=fr");
}

TEST(SafeNextTest, RefusesOtherSitesAndControlCharacters) {
  for (const char* bad : {"", "campaigns", "//evil.example", "/\\evil.example", "https://evil.example",
                          "/a\r\nSet-Cookie: x=1", "/a\nb", "/a\tb", "/a\\b"}) {
    EXPECT_EQ(SafeNext(bad), "/") << bad;
  }
  EXPECT_EQ(SafeNext(std::string("/a\0b", 4)), "/");
  EXPECT_EQ(SafeNext("/" + std::string(2000, 'a')), "/");
}

TEST(SafeNextTest, EncodesBytesOutsideSafeAscii) {
  // Issue 8, F14: raw non-ASCII bytes of `next` went into Location.
  EXPECT_EQ(SafeNext("/caf\xC3\xA9"), "/caf%C3%A9");
  EXPECT_EQ(SafeNext("/a b\"<>`{}|^"), "/a%20b%22%3C%3E%60%7B%7D%7C%5E");
  EXPECT_EQ(SafeNext("/\xff"), "/%FF");
  EXPECT_EQ(SafeNext("/100%"), "/100%25");
  EXPECT_EQ(SafeNext("/%zz"), "/%25zz");
  for (char c : SafeNext("/\xe2\x80\xa8x\x80")) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
}

TEST(FieldIdTest, FacetOrFieldThenValue) {
  EXPECT_EQ(FieldId("theme", "inclusion"), "f-theme-inclusion");
  EXPECT_EQ(FieldId("title", "fr"), "f-title-fr");
}

}  // namespace
}  // namespace waymark::web
