#include "web/request_headers.h"

#include <gtest/gtest.h>

namespace waymark::web {
namespace {

TEST(IfMatchTest, AbsentOrStarMeansNoCondition) {
  for (std::string_view h : {"", "*", "  "}) {
    auto v = ParseIfMatchVersion(h);
    ASSERT_TRUE(v.ok()) << h;
    EXPECT_FALSE(v->has_value()) << h;
  }
}

TEST(IfMatchTest, QuotedWholeNumbersAreVersions) {
  EXPECT_EQ(ParseIfMatchVersion("\"3\"").value(), std::optional<std::int64_t>(3));
  EXPECT_EQ(ParseIfMatchVersion(" W/\"42\" ").value(), std::optional<std::int64_t>(42));
  EXPECT_EQ(ParseIfMatchVersion("\"999999999999999999\"").value(),
            std::optional<std::int64_t>(999999999999999999LL));
}

TEST(IfMatchTest, AnythingElseIsRefusedNamingTheHeader) {
  for (std::string_view h : {"3", "\"\"", "\"3", "\"-3\"", "\"3a\"", "\"1\", \"2\"", "W/", "\""}) {
    auto v = ParseIfMatchVersion(h);
    ASSERT_FALSE(v.ok()) << h;
    EXPECT_EQ(v.status().kind(), Status::Kind::kInvalidArgument) << h;
    EXPECT_NE(v.status().message().find("If-Match"), std::string::npos) << h;
  }
}

// Regression (probe F8): 20 digits answered 500 through std::stoll's out_of_range.
TEST(IfMatchTest, NumbersTooLargeForAVersionAreRefusedNotOverflowed) {
  for (std::string_view h :
       {"\"99999999999999999999\"", "\"9223372036854775808\"", "\"1000000000000000000\""}) {
    auto v = ParseIfMatchVersion(h);
    ASSERT_FALSE(v.ok()) << h;
    EXPECT_EQ(v.status().kind(), Status::Kind::kInvalidArgument) << h;
  }
}

TEST(ClientAddressTest, UntrustedPeersAreTheClientWhateverTheyForward) {
  EXPECT_EQ(ClientAddress("192.0.2.7", "203.0.113.9", {}), "192.0.2.7");
  EXPECT_EQ(ClientAddress("192.0.2.7", "203.0.113.9", {"127.0.0.1"}), "192.0.2.7");
}

TEST(ClientAddressTest, TrustedProxyForwardsTheClient) {
  const std::vector<std::string> proxies = {"127.0.0.1", "10.0.0.2"};
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.9", proxies), "203.0.113.9");
  EXPECT_EQ(ClientAddress("127.0.0.1", "2001:db8::1", proxies), "2001:db8::1");
  // A forged entry to the left of the real client is never reached.
  EXPECT_EQ(ClientAddress("127.0.0.1", "198.51.100.1, 203.0.113.9", proxies), "203.0.113.9");
  // Through two trusted proxies.
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.9, 10.0.0.2", proxies), "203.0.113.9");
  // Without the header the proxy itself is all we know.
  EXPECT_EQ(ClientAddress("127.0.0.1", "", proxies), "127.0.0.1");
}

TEST(ClientAddressTest, GarbageEndsTheWalkAtTheLastTrustedHop) {
  const std::vector<std::string> proxies = {"127.0.0.1", "10.0.0.2"};
  EXPECT_EQ(ClientAddress("127.0.0.1", "not-an-address", proxies), "127.0.0.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.9:443, 10.0.0.2", proxies), "10.0.0.2");
  EXPECT_EQ(ClientAddress("127.0.0.1", "unknown, 203.0.113.9", proxies), "203.0.113.9");
}

TEST(ClientAddressTest, IpAddressesAreRecognised) {
  EXPECT_TRUE(LooksLikeIpAddress("127.0.0.1"));
  EXPECT_TRUE(LooksLikeIpAddress("::1"));
  EXPECT_FALSE(LooksLikeIpAddress(""));
  EXPECT_FALSE(LooksLikeIpAddress("localhost"));
  EXPECT_FALSE(LooksLikeIpAddress("[::1]"));
  EXPECT_FALSE(LooksLikeIpAddress("1.2.3.4 "));
}

}  // namespace
}  // namespace waymark::web
