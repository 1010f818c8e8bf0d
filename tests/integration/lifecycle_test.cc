// The server process's life: demo data at start-up, graceful shutdown on
// SIGTERM with requests in flight, and durability across kill -9. Each test
// has a deployment of its own.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "fixture.h"

namespace waymark::it {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class LifecycleTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { WM_SKIP_UNLESS_BACKEND_AVAILABLE(GetParam()); }
  void TearDown() override {
    if (HasFailure()) PrintServerLogOnFailure(d_.get());
  }
  Deployment& Make(DeploymentOptions options = {}) {
    d_ = Deployment::Create(GetParam(), std::move(options));
    return *d_;
  }

  std::unique_ptr<Deployment> d_;
};

TEST_P(LifecycleTest, DemoPrintsTheAdminsOneTimePasswordAndIsIdempotent) {
  DeploymentOptions o;
  o.demo = true;
  Deployment& d = Make(o);
  ServerProcess& s = d.server();
  EXPECT_EQ(s.demo_admin_email(), "admin@demo.waymark.example");
  ASSERT_EQ(s.demo_admin_password().size(), 16u) << "one-time password '" << s.demo_admin_password() << "'";
  HttpClient c = d.client();
  HttpResponse list = c.Get("/api/v1/organisations?per_page=100");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.Json()["total"], 34);
  EXPECT_EQ(c.Get("/api/v1/organisations/jcwi").status, 200);

  // The one-time password works once, and only to choose a new one.
  Browser b(c);
  HttpResponse r = AttemptSignIn(b, s.demo_admin_email(), s.demo_admin_password(), "/admin");
  ASSERT_EQ(r.status, 303) << r.Describe();
  EXPECT_EQ(r.Header("Location"), "/account/password");
  EXPECT_EQ(b.Get("/admin").Header("Location"), "/account/password");
  ASSERT_EQ(b.Get("/account/password").status, 200);
  HttpResponse changed = b.Submit("/account/password", {{"current_password", s.demo_admin_password()},
                                                        {"password", "the-admins-own-password"},
                                                        {"password_confirm", "the-admins-own-password"}});
  ASSERT_EQ(changed.status, 303) << changed.Describe();
  EXPECT_EQ(b.Get("/admin").status, 200);

  // Again with --demo on the same database: nothing added, the password kept.
  EXPECT_EQ(d.StopServer(), 0);
  d.StartServer();
  EXPECT_EQ(d.server().demo_admin_email(), "admin@demo.waymark.example");
  EXPECT_EQ(d.server().demo_admin_password(), "") << "a new one-time password was printed";
  HttpClient c2 = d.client();
  EXPECT_EQ(c2.Get("/api/v1/organisations").Json()["total"], 34);
  Browser b2(c2);
  EXPECT_EQ(AttemptSignIn(b2, "admin@demo.waymark.example", "the-admins-own-password").status, 303);
}

TEST_P(LifecycleTest, SigtermFinishesRequestsInFlightAndExits0) {
  Deployment& d = Make();
  Person p = d.AddPerson();
  HttpClient c = d.client();
  HttpResponse form = c.Get("/signin");
  std::string csrf = ExtractCsrf(form.body);
  ASSERT_FALSE(csrf.empty());
  std::string body =
      FormEncode({{"csrf", csrf}, {"email", p.email}, {"password", p.password}, {"next", "/"}});
  std::string request =
      "POST /signin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Cookie: wm_csrf=" +
      csrf + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;

  // Several sign-ins at once: each spends 100+ ms in Argon2, longer together.
  constexpr int kRequests = 4;
  std::vector<std::unique_ptr<RawConnection>> conns;
  for (int i = 0; i < kRequests; ++i) {
    conns.push_back(std::make_unique<RawConnection>(d.server().port()));
    ASSERT_TRUE(conns.back()->Send(request));
  }
  std::this_thread::sleep_for(milliseconds(80));
  int pending = 0;
  for (auto& conn : conns) pending += conn->Readable() ? 0 : 1;
  ASSERT_GT(pending, 0) << "every sign-in was answered before SIGTERM; nothing was in flight";
  d.server().Signal(SIGTERM);

  // New connections are refused while the old ones finish.
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    refused = !CanConnect(d.server().port());
    if (!refused) std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(refused) << "still accepting connections 1 s after SIGTERM";

  for (int i = 0; i < kRequests; ++i) {
    RawConnection::ReadResult got = conns[i]->ReadUntilClose(milliseconds(20000));
    auto r = ParseResponse(got.data);
    ASSERT_TRUE(r.has_value()) << "request " << i << " got no complete response: [" << got.data << "]";
    EXPECT_EQ(r->status, 303) << r->Describe();
    EXPECT_TRUE(FindSetCookie(*r, "wm_session").has_value()) << r->Describe();
    EXPECT_EQ(r->body.size(), std::stoul(r->Header("Content-Length")));
    EXPECT_TRUE(got.closed) << "the connection stayed open during shutdown";
  }
  int code = d.server().Wait(std::chrono::seconds(20));
  EXPECT_EQ(code, 0) << DescribeExit(code);
  EXPECT_NE(d.server().Stderr().find("graceful shutdown complete"), std::string::npos) << d.server().Stderr();
  // The sessions it handed out were stored.
  EXPECT_EQ(d.db().QueryValue("SELECT count(*) FROM sessions"), std::to_string(kRequests));
}

TEST_P(LifecycleTest, IdleServerStopsOnSigtermAndSigint) {
  Deployment& d = Make();
  ASSERT_EQ(d.client().Get("/healthz").status, 200);
  Clock::time_point t = Clock::now();
  EXPECT_EQ(d.StopServer(), 0);
  EXPECT_LT(Clock::now() - t, std::chrono::seconds(5)) << "an idle server should stop at once";
  d.StartServer();
  d.server().Signal(SIGINT);
  EXPECT_EQ(d.server().Wait(std::chrono::seconds(20)), 0);
}

TEST_P(LifecycleTest, AcknowledgedWritesSurviveKill9) {
  Deployment& d = Make();
  std::string token = d.AdminToken();
  HttpClient c = d.client();
  std::vector<std::string> acknowledged;
  constexpr int kWrites = 20;
  for (int i = 0; i < kWrites; ++i) {
    std::string slug = "durable-" + std::to_string(i);
    HttpResponse r = c.SendJson("POST", "/api/v1/organisations",
                                {{"slug", slug}, {"name", "Durable " + std::to_string(i)}, {"kind", "cso"}},
                                {{"Authorization", "Bearer " + token}});
    ASSERT_EQ(r.status, 201) << r.Describe();
    acknowledged.push_back(slug);
  }
  d.KillServer();  // straight after the last acknowledgement
  EXPECT_EQ(d.server().Wait(milliseconds(0)), 128 + SIGKILL);

  d.StartServer();
  HttpClient c2 = d.client();
  for (const auto& slug : acknowledged) {
    HttpResponse r = c2.Get("/api/v1/organisations/" + slug);
    EXPECT_EQ(r.status, 200) << slug << " was acknowledged but is gone\n" << r.Describe();
  }
  EXPECT_EQ(c2.Get("/api/v1/organisations").Json()["total"], kWrites);
  EXPECT_EQ(c2.Get("/healthz").status, 200);
}

TEST_P(LifecycleTest, AcknowledgedWritesSurviveKill9DuringConcurrentWrites) {
  Deployment& d = Make();
  std::string token = d.AdminToken();
  int port = d.server().port();
  std::mutex mu;
  std::vector<std::string> acknowledged;  // GUARDED_BY(mu)
  std::atomic<bool> stop{false};
  auto writer = [&](int id) {
    HttpClient c(port, std::chrono::seconds(10));
    for (int i = 0; i < 200 && !stop.load(); ++i) {
      std::string slug = "w" + std::to_string(id) + "-" + std::to_string(i);
      try {
        HttpResponse r = c.SendJson("POST", "/api/v1/organisations",
                                    {{"slug", slug}, {"name", "Writer " + slug}, {"kind", "cso"}},
                                    {{"Authorization", "Bearer " + token}});
        if (r.status != 201) return;
      } catch (const std::exception&) {
        return;  // the server is gone
      }
      std::lock_guard lock(mu);
      acknowledged.push_back(slug);
    }
  };
  std::thread w1(writer, 1), w2(writer, 2);
  // Kill once some writes are acknowledged, with more on the way.
  for (int i = 0; i < 1000; ++i) {
    {
      std::lock_guard lock(mu);
      if (acknowledged.size() >= 15) break;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
  d.KillServer();
  stop = true;
  w1.join();
  w2.join();
  ASSERT_GE(acknowledged.size(), 15u) << "the writers did not get going";

  d.StartServer();
  HttpClient c = d.client();
  for (const auto& slug : acknowledged) {
    HttpResponse r = c.Get("/api/v1/organisations/" + slug);
    EXPECT_EQ(r.status, 200) << slug << " was acknowledged but is gone\n" << r.Describe();
  }
  EXPECT_GE(c.Get("/api/v1/organisations").Json()["total"].get<std::size_t>(), acknowledged.size());
}

WM_INSTANTIATE_BACKENDS(LifecycleTest);

}  // namespace
}  // namespace waymark::it
