#include "http/json_body.h"

#include <gtest/gtest.h>

#include <string>

namespace waymark::http {
namespace {

using nlohmann::json;

std::string ErrorOf(std::string_view text, const JsonLimits& limits = {}) {
  auto r = ParseJson(text, limits);
  return r.ok() ? std::string("(parsed)") : r.status().message();
}

TEST(JsonBodyTest, ParsesOrdinaryDocuments) {
  auto r = ParseJson(R"({"name":"a","figures":[{"value":1.5},{"value":2}],"ok":true,"none":null})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)["name"], "a");
  EXPECT_EQ((*r)["figures"][1]["value"], 2);
  EXPECT_EQ((*r)["ok"], true);
  EXPECT_TRUE((*r)["none"].is_null());
  EXPECT_EQ(*ParseJson("[]"), json::array());
  EXPECT_EQ(*ParseJson(" 7 "), 7);
  EXPECT_EQ(*ParseJson(R"([[1,[2]],{"a":[3]}])"), json::parse(R"([[1,[2]],{"a":[3]}])"));
}

TEST(JsonBodyTest, SyntaxErrorsSayWhere) {
  auto r = ParseJson("{\n  \"a\": 1,\n  \"b\": }");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(r.status().message().find("line 3, column 8"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("syntax error"), std::string::npos) << r.status().message();
  EXPECT_NE(ErrorOf("{\"a\":1} x").find("syntax error"), std::string::npos);
  EXPECT_NE(ErrorOf("").find("syntax error"), std::string::npos);
}

TEST(JsonBodyTest, NestingIsBounded) {
  // Issue 8, F1: an 8 MiB "[[[..." body had no depth limit.
  JsonLimits limits;
  limits.max_depth = 4;
  EXPECT_TRUE(ParseJson("[[[[1]]]]", limits).ok());
  auto r = ParseJson(R"({"a":[{"b":[1]}]})", limits);
  EXPECT_TRUE(r.ok()) << r.status().message();
  std::string e = ErrorOf(R"({"a":[{"b":[[1]]}]})", limits);
  EXPECT_NE(e.find("deeper than 4"), std::string::npos) << e;
  EXPECT_NE(e.find("'a[0].b[0]'"), std::string::npos) << e;
  EXPECT_NE(e.find("line 1, column"), std::string::npos) << e;

  std::string deep(1u << 20, '[');
  auto big = ParseJson(deep, JsonLimits{.max_bytes = 2u << 20});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(big.status().message().find("deeper than 64"), std::string::npos) << big.status().message();
}

TEST(JsonBodyTest, SizeAndValueCountAreBounded) {
  auto r = ParseJson(std::string(2000, ' ') + "1", JsonLimits{.max_bytes = 1000});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kPayloadTooLarge);
  EXPECT_NE(r.status().message().find("1000 bytes"), std::string::npos) << r.status().message();

  auto many = ParseJson("[0,0,0,0,0,0]", JsonLimits{.max_values = 6});
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.status().kind(), Status::Kind::kPayloadTooLarge);
  EXPECT_NE(many.status().message().find("more than 6 values"), std::string::npos);
  EXPECT_TRUE(ParseJson("[0,0,0,0,0]", JsonLimits{.max_values = 6}).ok());
}

TEST(JsonBodyTest, NumberOutOfRangeNamesTheField) {
  // Issue 8, F8: 1e999999 threw out_of_range and became a 500.
  auto r = ParseJson(R"({"name":"x","figures":[{"value":1},{"value":1e999999}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(r.status().message().find("'figures[1].value'"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("out of range"), std::string::npos) << r.status().message();
  EXPECT_NE(ErrorOf("-1e400").find("the document"), std::string::npos);
  EXPECT_NE(ErrorOf("[1, 2e999]").find("'[1]'"), std::string::npos) << ErrorOf("[1, 2e999]");
  // A 20-digit integer is a (finite) double, not an error here.
  EXPECT_TRUE(ParseJson("[99999999999999999999]").ok());
}

TEST(JsonBodyTest, DuplicateMemberNamesAreRefused) {
  // Issue 8, F12: the last of two equal names silently won.
  auto r = ParseJson("{\"a\": {\"name\": 1,\n \"name\": 2}}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kInvalidArgument);
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("duplicate member name 'name'"), std::string::npos) << m;
  EXPECT_NE(m.find("in 'a'"), std::string::npos) << m;
  EXPECT_NE(m.find("line 2"), std::string::npos) << m;
  EXPECT_NE(ErrorOf(R"({"x":1,"x":1})").find("in the document"), std::string::npos);
  // The same name in different objects is fine.
  EXPECT_TRUE(ParseJson(R"([{"x":1},{"x":2}])").ok());
  EXPECT_TRUE(ParseJson(R"({"x":{"x":1}})").ok());
}

TEST(JsonBodyTest, InvalidUtf8IsASyntaxError) {
  auto r = ParseJson("{\"a\":\"\xff\"}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kInvalidArgument);
}

}  // namespace
}  // namespace waymark::http
