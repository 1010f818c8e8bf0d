// Regression tests for the accounts findings of the security probe (issue 8):
// sessions and tokens after a password change or reset (F2), the sign-in
// throttle under concurrency (F6), lock-outs by others and behind a proxy
// (F16), the Authorization scheme's case and the organisation API's
// conditional writes (F18), and If-Match numbers that overflow (F8).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "fixture.h"

namespace waymark::it {
namespace {

// GET /signin and POST it from `browser`, both with `headers` (an
// X-Forwarded-For, say); the POST's answer.
HttpResponse SignInWith(Browser& browser, const std::string& email, const std::string& password,
                        const HeaderList& headers) {
  HttpResponse form = browser.Get("/signin", headers);
  if (form.status != 200) return form;
  return browser.Submit("/signin", {{"email", email}, {"password", password}, {"next", "/"}}, headers);
}

HeaderList From(const std::string& client) { return {{"X-Forwarded-For", client}}; }

int MeStatus(HttpClient c, const std::string& session) {
  return c.Get("/api/v1/me", {{"Cookie", "wm_session=" + session}}).status;
}

// --- F2: sessions and tokens after a password change ---------------------------

class PasswordChangeSessionsTest : public ServerTest {};

TEST_P(PasswordChangeSessionsTest, ChangeEndsOtherSessionsRevokesTokensAndRotatesTheCurrentSession) {
  Person p = d().AddPerson();
  std::string token = d().CreateToken(p.email);
  Browser here = NewBrowser();
  SignedIn mine = SignIn(here, p.email, p.password, "/account/password");
  Browser elsewhere = NewBrowser();
  SignedIn other = SignIn(elsewhere, p.email, p.password);
  ASSERT_EQ(client().Get("/api/v1/me", Bearer(token)).status, 200);

  const std::string next = "a fresh passphrase for F2";
  HttpResponse changed =
      here.Submit("/account/password",
                  {{"current_password", p.password}, {"password", next}, {"password_confirm", next}});
  ASSERT_EQ(changed.status, 303) << changed.Describe();
  auto renewed = FindSetCookie(changed, "wm_session");
  ASSERT_TRUE(renewed.has_value()) << "the current browser gets a fresh session\n" << changed.Describe();
  EXPECT_NE(renewed->value, mine.session) << "the session id must change";

  EXPECT_EQ(MeStatus(client(), renewed->value), 200) << "the browser that changed it stays signed in";
  EXPECT_EQ(here.Get("/account").status, 200);
  EXPECT_EQ(MeStatus(client(), mine.session), 401) << "the old id of the current session still works";
  EXPECT_EQ(MeStatus(client(), other.session), 401) << "another session survived the password change";
  HttpResponse with_token = client().Get("/api/v1/me", Bearer(token));
  EXPECT_EQ(with_token.status, 401) << "an API token survived the password change\n" << with_token.Describe();
}

TEST_P(PasswordChangeSessionsTest, AdminResetEndsEverySessionAndRevokesEveryToken) {
  Person p = d().AddPerson();
  std::string token = d().CreateToken(p.email);
  HttpResponse me = client().Get("/api/v1/me", Bearer(token));
  ASSERT_EQ(me.status, 200) << me.Describe();
  std::string id = std::to_string(me.Json()["id"].get<long long>());
  Browser victim = NewBrowser();
  SignedIn session = SignIn(victim, p.email, p.password);

  Browser admin = NewBrowser();
  SignIn(admin, d().Admin().email, d().Admin().password, "/admin/users/" + id);
  HttpResponse reset = admin.Submit("/admin/users/" + id + "/password", {});
  ASSERT_EQ(reset.status, 200) << reset.Describe();
  std::string otp = ExtractElementText(reset.body, "one-time-password");
  ASSERT_GE(otp.size(), 10u) << reset.body;

  EXPECT_EQ(MeStatus(client(), session.session), 401) << "a session survived the admin reset";
  EXPECT_EQ(client().Get("/api/v1/me", Bearer(token)).status, 401) << "a token survived the admin reset";
  // The reset password works, and leads to the password page.
  Browser again = NewBrowser();
  HttpResponse in = AttemptSignIn(again, p.email, otp);
  ASSERT_EQ(in.status, 303) << in.Describe();
  EXPECT_EQ(in.Header("Location"), "/account/password");
}

TEST_P(PasswordChangeSessionsTest, ApiRefusesAnAccountThatMustChangeItsPasswordWith403) {
  std::string email = d().Unique("mustchange") + "@it.example";
  CliResult added = d().Cli({"user", "add", "--email", email, "--name", "Must Change"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  auto at = added.out.find("one-time password: ");
  ASSERT_NE(at, std::string::npos) << added.out;
  std::string otp = added.out.substr(at + 19);
  otp = otp.substr(0, otp.find('\n'));

  Browser b = NewBrowser();
  HttpResponse in = AttemptSignIn(b, email, otp);
  ASSERT_EQ(in.status, 303) << in.Describe();
  ASSERT_EQ(in.Header("Location"), "/account/password");
  HttpResponse api = b.Get("/api/v1/me");
  ASSERT_EQ(api.status, 403) << "the API ignored must_change_password\n" << api.Describe();
  EXPECT_EQ(api.Json()["error"]["code"], "password_change_required") << api.body;
  EXPECT_NE(api.Json()["error"]["message"].get<std::string>().find("/account/password"), std::string::npos);
  EXPECT_EQ(b.Get("/api/v1/organisations").status, 403) << "public endpoints too, as that account";
  // A token of such an account is refused alike (see docs: an admin reset revokes them anyway).
  std::string token = d().CreateToken(email);
  HttpResponse bearer = client().Get("/api/v1/me", Bearer(token));
  EXPECT_EQ(bearer.status, 403) << bearer.Describe();

  // Once the password is changed, the API answers.
  ASSERT_EQ(b.Get("/account/password").status, 200);
  const std::string next = "my own passphrase now";
  HttpResponse changed = b.Submit(
      "/account/password", {{"current_password", otp}, {"password", next}, {"password_confirm", next}});
  ASSERT_EQ(changed.status, 303) << changed.Describe();
  EXPECT_EQ(b.Get("/api/v1/me").status, 200);
}

WM_INSTANTIATE_BACKENDS(PasswordChangeSessionsTest);

// --- F6: the throttle under concurrent attempts -----------------------------------

class ConcurrentThrottleTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.config = {{"signin_max_failures_per_account", 5}, {"signin_max_failures_per_address", 1000}};
    return o;
  }
};

TEST_P(ConcurrentThrottleTest, ThirtySimultaneousWrongPasswordsReachThePasswordCheckAtMostFiveTimes) {
  Person p = d().AddPerson();
  constexpr int kAttempts = 30;
  std::vector<Browser> browsers;
  for (int i = 0; i < kAttempts; ++i) {
    browsers.push_back(NewBrowser());
    ASSERT_EQ(browsers.back().Get("/signin").status, 200);
  }
  // Every thread has its form; they all post at once.
  std::mutex m;
  std::condition_variable cv;
  int ready = 0;
  bool go = false;
  std::vector<int> statuses(kAttempts, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kAttempts; ++i) {
    threads.emplace_back([&, i] {
      {
        std::unique_lock lock(m);
        ++ready;
        cv.notify_all();
        cv.wait_for(lock, std::chrono::seconds(30), [&] { return go; });
      }
      try {
        statuses[i] = browsers[i]
                          .Submit("/signin", {{"email", p.email},
                                              {"password", "wrong password " + std::to_string(i)},
                                              {"next", "/"}})
                          .status;
      } catch (const std::exception&) {
        statuses[i] = -1;
      }
    });
  }
  {
    std::unique_lock lock(m);
    cv.wait_for(lock, std::chrono::seconds(30), [&] { return ready == kAttempts; });
    go = true;
    cv.notify_all();
  }
  for (auto& t : threads) t.join();

  int checked = 0, throttled = 0;
  for (int s : statuses) {
    if (s == 401) ++checked;    // the password was checked, and was wrong
    if (s == 429) ++throttled;  // refused before any check
  }
  EXPECT_EQ(checked + throttled, kAttempts) << "other answers among them";
  EXPECT_LE(checked, 5) << checked << " concurrent attempts got past a limit of 5";
  EXPECT_GE(checked, 1);
  // And the right password is refused now too, from this address.
  EXPECT_EQ(AttemptSignIn(browsers[0], p.email, p.password).status, 429);
}

WM_INSTANTIATE_BACKENDS(ConcurrentThrottleTest);

// --- F16: throttling per client address, behind a trusted proxy ---------------------

// The test client plays the proxy: it connects from 127.0.0.1, which the
// server trusts, and names the client in X-Forwarded-For.
class ProxiedThrottleTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.config = {{"trusted_proxies", {"127.0.0.1"}},
                {"signin_max_failures_per_account", 2},
                {"signin_max_failures_per_address", 4},
                {"signin_max_failures_per_account_all_addresses", 3}};
    return o;
  }
};

TEST_P(ProxiedThrottleTest, WrongPasswordsFromOneClientDoNotLockTheOwnerOutFromAnother) {
  Person p = d().AddPerson();
  Browser attacker = NewBrowser();
  for (int i = 0; i < 2; ++i) {
    HttpResponse r = SignInWith(attacker, p.email, "wrong " + std::to_string(i), From("203.0.113.10"));
    ASSERT_EQ(r.status, 401) << r.Describe();
  }
  // The attacker's address is locked out of this account, right password or not...
  HttpResponse locked = SignInWith(attacker, p.email, p.password, From("203.0.113.10"));
  EXPECT_EQ(locked.status, 429) << locked.Describe();
  // ...the owner, elsewhere, is not.
  Browser owner = NewBrowser();
  HttpResponse in = SignInWith(owner, p.email, p.password, From("198.51.100.20"));
  EXPECT_EQ(in.status, 303) << "five wrong passwords from anyone lock the owner out\n" << in.Describe();
}

TEST_P(ProxiedThrottleTest, ManyFailuresFromOneClientDoNotBlockEveryoneBehindTheProxy) {
  Person p = d().AddPerson();
  Browser attacker = NewBrowser();
  for (int i = 0; i < 4; ++i) {
    std::string ghost = d().Unique("ghost") + "@it.example";
    HttpResponse r = SignInWith(attacker, ghost, "guess", From("203.0.113.11"));
    ASSERT_EQ(r.status, 401) << r.Describe();
  }
  HttpResponse blocked = SignInWith(attacker, p.email, p.password, From("203.0.113.11"));
  EXPECT_EQ(blocked.status, 429) << "the per-address limit holds for the failing client\n"
                                 << blocked.Describe();
  Browser someone = NewBrowser();
  HttpResponse in = SignInWith(someone, p.email, p.password, From("198.51.100.21"));
  EXPECT_EQ(in.status, 303) << "one client's failures blocked another behind the proxy\n" << in.Describe();
}

TEST_P(ProxiedThrottleTest, AccountWideLimitRefusesOnlyAddressesThatFailedForTheAccount) {
  Person p = d().AddPerson();
  Browser a = NewBrowser();
  Browser b = NewBrowser();
  ASSERT_EQ(SignInWith(a, p.email, "wrong 1", From("203.0.113.12")).status, 401);
  ASSERT_EQ(SignInWith(a, p.email, "wrong 2", From("203.0.113.12")).status, 401);
  ASSERT_EQ(SignInWith(b, p.email, "wrong 3", From("203.0.113.13")).status, 401);
  // Three failures for the account from all addresses: an address that
  // failed for it is refused, though under its own limit of two...
  HttpResponse refused = SignInWith(b, p.email, "wrong 4", From("203.0.113.13"));
  EXPECT_EQ(refused.status, 429) << refused.Describe();
  // ...and one that did not still gets its password checked.
  Browser owner = NewBrowser();
  HttpResponse in = SignInWith(owner, p.email, p.password, From("198.51.100.22"));
  EXPECT_EQ(in.status, 303) << in.Describe();
}

WM_INSTANTIATE_BACKENDS(ProxiedThrottleTest);

// Without trusted_proxies, X-Forwarded-For is the client's word only: it
// cannot step around the limits.
class UntrustedForwardedForTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.config = {{"signin_max_failures_per_account", 2}, {"signin_max_failures_per_address", 1000}};
    return o;
  }
};

TEST_P(UntrustedForwardedForTest, ForgedForwardedForDoesNotEscapeTheThrottle) {
  Person p = d().AddPerson();
  Browser b = NewBrowser();
  ASSERT_EQ(SignInWith(b, p.email, "wrong 1", From("203.0.113.30")).status, 401);
  ASSERT_EQ(SignInWith(b, p.email, "wrong 2", From("203.0.113.31")).status, 401);
  HttpResponse r = SignInWith(b, p.email, "wrong 3", From("203.0.113.32"));
  EXPECT_EQ(r.status, 429) << r.Describe();
}

WM_INSTANTIATE_BACKENDS(UntrustedForwardedForTest);

// --- F18 and F8: the Authorization scheme, conditional organisation writes ---------

class ApiConditionsTest : public ServerTest {};

TEST_P(ApiConditionsTest, BearerSchemeIsCaseInsensitive) {
  const std::string& token = d().AdminToken();
  for (const char* scheme : {"Bearer ", "bearer ", "BEARER ", "bEaReR "}) {
    HttpResponse r = client().Get("/api/v1/me", {{"Authorization", scheme + token}});
    EXPECT_EQ(r.status, 200) << scheme << "\n" << r.Describe();
  }
  HttpResponse basic = client().Get("/api/v1/me", {{"Authorization", "Basic " + token}});
  EXPECT_EQ(basic.status, 401) << basic.Describe();
  HttpResponse bare = client().Get("/api/v1/me", {{"Authorization", "bearer"}});
  EXPECT_EQ(bare.status, 401) << bare.Describe();
}

TEST_P(ApiConditionsTest, OrganisationPatchNeedsIfMatchAndGetSendsTheETag) {
  std::string slug = d().Unique("conditional");
  d().AddOrganisation(slug, "Conditional");
  std::string url = "/api/v1/organisations/" + slug;
  HeaderList admin = Bearer(d().AdminToken());

  HttpResponse got = client().Get(url);
  ASSERT_EQ(got.status, 200) << got.Describe();
  std::string etag = got.Header("ETag");
  ASSERT_EQ(etag, "\"" + std::to_string(got.Json()["version"].get<long long>()) + "\"") << got.Describe();

  HttpResponse blind = client().SendJson("PATCH", url, {{"description", "no If-Match"}}, admin);
  ASSERT_EQ(blind.status, 428) << blind.Describe();
  EXPECT_EQ(blind.Json()["error"]["code"], "precondition_required");

  HeaderList with = admin;
  with.emplace_back("If-Match", etag);
  HttpResponse ok = client().SendJson("PATCH", url, {{"description", "first"}}, with);
  ASSERT_EQ(ok.status, 200) << ok.Describe();
  std::string next = ok.Header("ETag");
  EXPECT_NE(next, etag);
  EXPECT_EQ(client().Get(url).Header("ETag"), next);

  // The old ETag is stale now: 412, and nothing changes.
  HttpResponse stale = client().SendJson("PATCH", url, {{"description", "second"}}, with);
  ASSERT_EQ(stale.status, 412) << stale.Describe();
  EXPECT_EQ(stale.Json()["error"]["code"], "precondition_failed");
  EXPECT_EQ(client().Get(url).Json()["description"], "first");
}

TEST_P(ApiConditionsTest, OverflowingIfMatchIs400NamingTheHeader) {
  std::string slug = d().Unique("overflow");
  d().AddOrganisation(slug, "Overflow");
  for (const char* value : {"\"99999999999999999999\"", "\"9223372036854775808\"", "12", "\"x\""}) {
    HeaderList h = Bearer(d().AdminToken());
    h.emplace_back("If-Match", value);
    HttpResponse r = client().SendJson("PATCH", "/api/v1/organisations/" + slug, {{"description", "x"}}, h);
    ASSERT_EQ(r.status, 400) << value << "\n" << r.Describe();
    EXPECT_NE(r.Json()["error"]["message"].get<std::string>().find("If-Match"), std::string::npos) << r.body;
  }
}

WM_INSTANTIATE_BACKENDS(ApiConditionsTest);

}  // namespace
}  // namespace waymark::it
