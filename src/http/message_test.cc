#include "http/message.h"

#include <gtest/gtest.h>

namespace waymark::http {
namespace {

TEST(MessageTest, QueryAndCookies) {
  Request r;
  r.query = "lang=fr&q=migraci%C3%B3n+route";
  r.headers = {{"cookie", "a=1; wm_session=abc; lang=es"},
               {"content-type", "Application/JSON; charset=utf-8"}};
  EXPECT_EQ(r.QueryParam("lang").value(), "fr");
  EXPECT_EQ(r.QueryParam("q").value(), "migración route");
  EXPECT_FALSE(r.QueryParam("missing").has_value());
  EXPECT_EQ(r.Cookie("wm_session"), "abc");
  EXPECT_EQ(r.Cookie("lang"), "es");
  EXPECT_EQ(r.ContentType(), "application/json");
}

TEST(MessageTest, UrlEncodedErrorsNameTheKey) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string error;
  EXPECT_FALSE(ParseUrlEncoded("email=a%ZZ", out, error));
  EXPECT_NE(error.find("email"), std::string::npos);
}

TEST(MessageTest, UrlEncodedPairCountIsBounded) {
  // Issue 8, F1: "a&a&a..." in a large body became millions of pairs.
  std::string many;
  for (std::size_t i = 0; i < kMaxUrlEncodedPairs + 1; ++i) many += "a&";
  std::vector<std::pair<std::string, std::string>> out;
  std::string error;
  EXPECT_FALSE(ParseUrlEncoded(many, out, error));
  EXPECT_NE(error.find(std::to_string(kMaxUrlEncodedPairs)), std::string::npos) << error;
  EXPECT_LE(out.size(), kMaxUrlEncodedPairs);

  // Exactly at the limit, and empty parts between them, are fine.
  std::string at_limit;
  for (std::size_t i = 0; i < kMaxUrlEncodedPairs; ++i) at_limit += "a=1&&";
  EXPECT_TRUE(ParseUrlEncoded(at_limit, out, error)) << error;
  EXPECT_EQ(out.size(), kMaxUrlEncodedPairs);
  EXPECT_TRUE(ParseUrlEncoded("x=1&y", out, error, 2));
  EXPECT_FALSE(ParseUrlEncoded("x=1&y&z", out, error, 2));
}

TEST(MessageTest, CheckQueryNamesTheBadParameter) {
  // Issue 8, F17: ?q=%zz and invalid UTF-8 were read as "absent" by some routes.
  EXPECT_EQ(CheckQuery(""), "");
  EXPECT_EQ(CheckQuery("q=migraci%C3%B3n&page=2&flag"), "");
  std::string e = CheckQuery("page=1&q=%zz");
  EXPECT_NE(e.find("'q'"), std::string::npos) << e;
  e = CheckQuery("page=1&q=%FF%FE");
  EXPECT_NE(e.find("'q'"), std::string::npos) << e;
  EXPECT_NE(e.find("UTF-8"), std::string::npos) << e;
  e = CheckQuery("q=\xC3\x28");  // raw bytes, not escaped
  EXPECT_NE(e.find("'q'"), std::string::npos) << e;
  EXPECT_NE(CheckQuery("%FF=1"), "");
  EXPECT_NE(CheckQuery("a%0A=1"), "");
  EXPECT_NE(CheckQuery("q=%4"), "");
}

TEST(MessageTest, HeaderValuesWithLineBreaksAreUnsafe) {
  EXPECT_TRUE(IsSafeHeaderValue("/campaigns/1?msg=flash_media_removed#media"));
  EXPECT_TRUE(IsSafeHeaderValue(""));
  EXPECT_FALSE(IsSafeHeaderValue("/campaigns/1\r\nSet-Cookie: x=1"));
  EXPECT_FALSE(IsSafeHeaderValue("a\nb"));
  EXPECT_FALSE(IsSafeHeaderValue(std::string("a\0b", 3)));
  EXPECT_TRUE(IsHeaderName("X-Request-Id"));
  EXPECT_FALSE(IsHeaderName("X Bad"));
  EXPECT_FALSE(IsHeaderName(""));
  EXPECT_FALSE(IsHeaderName("A:b"));
}

TEST(MessageTest, SetReplacesCaseInsensitively) {
  Response r = Response::Text(200, "x");
  r.Set("content-type", "text/csv");
  EXPECT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.Get("Content-Type"), "text/csv");
}

}  // namespace
}  // namespace waymark::http
