// Absolute links in publicly cached responses (the Atom feed, the CSV
// export) come from the configured base_url, never from the request's Host
// or X-Forwarded-Proto: a cache in front of the site would otherwise keep a
// feed whose links point wherever one visitor's headers said (issue 8,
// finding 15).
#include <chrono>
#include <string>

#include "fixture.h"

namespace waymark::it {
namespace {

class PublicLinksTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.demo = true;
    o.config = {{"base_url", "https://waymark.example.org/"}};  // the trailing slash is dropped
    return o;
  }

  // GET `target` with forged Host and X-Forwarded-Proto headers; the raw response.
  std::string GetWithForgedHost(const std::string& target) {
    RawConnection c(server().port());
    EXPECT_TRUE(c.Send("GET " + target +
                       " HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Proto: gopher\r\n"
                       "X-Forwarded-Host: evil.example\r\nConnection: close\r\n\r\n"));
    return c.ReadUntilClose(std::chrono::seconds(20)).data;
  }
};

TEST_P(PublicLinksTest, AtomLinksComeFromBaseUrl) {
  std::string r = GetWithForgedHost("/campaigns.atom");
  ASSERT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r.substr(0, 300);
  EXPECT_EQ(r.find("evil.example"), std::string::npos) << r;
  EXPECT_EQ(r.find("gopher"), std::string::npos) << r;
  EXPECT_NE(r.find("href=\"https://waymark.example.org/campaigns.atom\""), std::string::npos) << r;
  EXPECT_NE(r.find("href=\"https://waymark.example.org/campaigns/"), std::string::npos) << r;
  EXPECT_EQ(r.find("waymark.example.org//"), std::string::npos) << r;
}

TEST_P(PublicLinksTest, CsvLinksComeFromBaseUrl) {
  std::string r = GetWithForgedHost("/api/v1/campaigns.csv");
  ASSERT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r.substr(0, 300);
  EXPECT_EQ(r.find("evil.example"), std::string::npos) << r;
  EXPECT_NE(r.find(",https://waymark.example.org/campaigns/"), std::string::npos) << r;
}

TEST_P(PublicLinksTest, ServeRefusesABaseUrlThatIsNotAnAddress) {
  for (const char* bad :
       {"waymark.example.org", "https://", "https://x.org/\"><script>", "ftp://x.org", "https://x .org"}) {
    std::string file = d().dir().Write("bad-base.json", nlohmann::json{{"base_url", bad}}.dump());
    CliResult r = RunCli({"serve", "--config", file, "--db", d().db_url(), "--listen", "127.0.0.1:0"}, "",
                         std::chrono::seconds(20));
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.Describe();
    EXPECT_NE(r.err.find("'base_url' must be"), std::string::npos) << bad << ": " << r.Describe();
  }
}

WM_INSTANTIATE_BACKENDS(PublicLinksTest);

}  // namespace
}  // namespace waymark::it
