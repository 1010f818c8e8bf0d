#include "app/config.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdio>
#include <fstream>

namespace waymark::app {
namespace {

std::string WriteTemp(const std::string& text) {
  char name[] = "/tmp/waymark-config-XXXXXX";
  int fd = mkstemp(name);
  close(fd);
  std::ofstream(name) << text;
  return name;
}

TEST(ConfigTest, ReadsKnownKeys) {
  std::string path = WriteTemp(R"({"db":"sqlite:x.db","db_pool_size":3,"secure_cookies":true})");
  Config c;
  ASSERT_TRUE(LoadConfigFile(path, c).ok());
  EXPECT_EQ(c.db, "sqlite:x.db");
  EXPECT_EQ(c.db_pool_size, 3);
  EXPECT_TRUE(c.secure_cookies);
  std::remove(path.c_str());
}

TEST(ConfigTest, UnknownKeyIsNamed) {
  std::string path = WriteTemp(R"({"dbb":"x"})");
  Config c;
  Status s = LoadConfigFile(path, c);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(s.message().find("unknown setting 'dbb'"), std::string::npos);
  std::remove(path.c_str());
}

TEST(ConfigTest, WrongTypeAndRangeAreNamed) {
  std::string path = WriteTemp(R"({"password_memlimit_mib":32})");
  Config c;
  Status s = LoadConfigFile(path, c);
  EXPECT_NE(s.message().find("'password_memlimit_mib' must be between 64"), std::string::npos);
  std::remove(path.c_str());
}

TEST(ConfigTest, TrustedProxiesAreIpAddresses) {
  std::string path = WriteTemp(R"({"trusted_proxies":["127.0.0.1","::1"]})");
  Config c;
  ASSERT_TRUE(LoadConfigFile(path, c).ok());
  EXPECT_EQ(c.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  std::remove(path.c_str());
  for (const char* bad : {R"({"trusted_proxies":"127.0.0.1"})", R"({"trusted_proxies":["localhost"]})",
                          R"({"trusted_proxies":[1]})"}) {
    path = WriteTemp(bad);
    Status s = LoadConfigFile(path, c);
    EXPECT_EQ(s.kind(), Status::Kind::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("'trusted_proxies' must be a list of IP addresses"), std::string::npos) << bad;
    std::remove(path.c_str());
  }
}

TEST(ConfigTest, ParseListen) {
  EXPECT_EQ(ParseListen("127.0.0.1:0")->port, 0);
  EXPECT_EQ(ParseListen("[::1]:8080")->host, "[::1]");
  EXPECT_FALSE(ParseListen("8080").ok());
  EXPECT_FALSE(ParseListen("127.0.0.1:99999").ok());
  EXPECT_FALSE(ParseListen("127.0.0.1:http").ok());
}

}  // namespace
}  // namespace waymark::app
