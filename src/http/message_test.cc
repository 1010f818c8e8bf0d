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

TEST(MessageTest, SetReplacesCaseInsensitively) {
  Response r = Response::Text(200, "x");
  r.Set("content-type", "text/csv");
  EXPECT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.Get("Content-Type"), "text/csv");
}

}  // namespace
}  // namespace waymark::http
