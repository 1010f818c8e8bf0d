#include "core/status.h"

#include <gtest/gtest.h>

namespace waymark {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  WM_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_STREQ(KindName(s.kind()), "ok");
}

TEST(StatusTest, ValidationCarriesFields) {
  Status s = Status::Validation({{"email", "is required"}});
  EXPECT_EQ(s.kind(), Status::Kind::kValidation);
  EXPECT_EQ(s.fields().at("email"), "is required");
  EXPECT_STREQ(KindName(s.kind()), "validation_failed");
}

TEST(StatusTest, TooManyRequestsCarriesRetryAfter) {
  Status s = Status::TooManyRequests("slow down", 42);
  EXPECT_EQ(s.retry_after_seconds(), 42);
}

TEST(ResultTest, PropagatesTheSpecificError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "odd");
}

TEST(StatusTest, WithContextPrefixes) {
  EXPECT_EQ(Status::NotFound("x").WithContext("org").message(), "org: x");
}

}  // namespace
}  // namespace waymark
