// The e-mail digest end to end: a reply notifies a follower, and
// `waymark digest send` delivers their daily digest to a real SMTP server
// (aiosmtpd on loopback), once.
#include "fixture.h"
#include "support/smtp_sink.h"

namespace waymark::it {
namespace {

using nlohmann::json;

SmtpSink& Sink() {
  static SmtpSink sink;  // one per test process, stopped at exit
  return sink;
}

class DigestTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.config = {{"smtp_host", "127.0.0.1"},
                {"smtp_port", Sink().port()},
                {"smtp_starttls", "none"},
                {"smtp_from", "Waymark <noreply@waymark.test>"},
                {"base_url", "https://waymark.test"}};
    return o;
  }
};

TEST_P(DigestTest, FollowerGetsOneDailyDigestInTheirLanguage) {
  Person follower = d().AddPerson({.label = "follower", .locale = "fr"});
  Person poster = d().AddPerson({.label = "poster"});

  // The follower starts an idea (and so follows it) and asks for a daily digest.
  HttpResponse thread = client().SendJson(
      "POST", "/api/v1/threads",
      {{"kind", "idea"}, {"title", "Jardins partagés"}, {"body", "Qui a essayé ?"}, {"lang", "fr"}},
      Bearer(d().CreateToken(follower.email)));
  ASSERT_EQ(thread.status, 201) << thread.Describe();
  long long thread_id = thread.Json()["id"].get<long long>();
  Browser browser = NewBrowser();
  SignedIn in = SignIn(browser, follower.email, follower.password, "/notifications");
  HttpResponse pref = browser.PostForm("/notifications/digest", {{"csrf", in.csrf}, {"frequency", "daily"}});
  ASSERT_LT(pref.status, 400) << pref.Describe();

  // Someone else replies: a notification for the follower.
  HttpResponse reply =
      client().SendJson("POST", "/api/v1/threads/" + std::to_string(thread_id) + "/posts",
                        {{"body", "Nous, à Quito."}, {"lang", "fr"}}, Bearer(d().CreateToken(poster.email)));
  ASSERT_EQ(reply.status, 201) << reply.Describe();

  std::size_t before = Sink().Messages().size();
  CliResult sent = d().Cli({"digest", "send", "--config", d().config_file()});
  ASSERT_EQ(sent.exit_code, 0) << sent.Describe();
  EXPECT_NE(sent.out.find("sent 1 digests"), std::string::npos) << sent.out;

  std::vector<std::string> mail = Sink().Messages(before + 1);
  ASSERT_EQ(mail.size(), before + 1);
  std::string message;
  for (const auto& m : mail) {
    if (m.find(follower.email) != std::string::npos) message = m;
  }
  ASSERT_FALSE(message.empty()) << "no digest addressed to " << follower.email;
  EXPECT_NE(message.find("Subject: Waymark : 1 nouvelles notifications"), std::string::npos) << message;
  EXPECT_NE(message.find("https://waymark.test/threads/" + std::to_string(thread_id)), std::string::npos)
      << message;

  // Nothing new: nothing sent again.
  CliResult again = d().Cli({"digest", "send", "--config", d().config_file()});
  ASSERT_EQ(again.exit_code, 0) << again.Describe();
  EXPECT_NE(again.out.find("sent 0 digests"), std::string::npos) << again.out;
}

TEST_P(DigestTest, DigestSendWithoutSmtpIsAUsageError) {
  CliResult r = d().Cli({"digest", "send"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();  // a configuration (usage) error
  EXPECT_NE(r.err.find("smtp_host"), std::string::npos) << r.err;
}

WM_INSTANTIATE_BACKENDS(DigestTest);

}  // namespace
}  // namespace waymark::it
