// Signing in and out through the real forms: cookies, session rotation,
// wrong passwords, throttling, and the anti-forgery checks on forms.
#include <cctype>
#include <cstdlib>

#include "fixture.h"

namespace waymark::it {
namespace {

class AuthTest : public ServerTest {};

TEST_P(AuthTest, SignInSetsAHardenedSessionCookieAndRedirectsToNext) {
  Person p = d().AddPerson();
  Browser b = NewBrowser();
  HttpResponse form = b.Get("/signin?next=%2Forganisations");
  ASSERT_EQ(form.status, 200);
  auto csrf_cookie = FindSetCookie(form, "wm_csrf");
  ASSERT_TRUE(csrf_cookie.has_value()) << form.Describe();
  EXPECT_TRUE(csrf_cookie->Has("HttpOnly"));
  EXPECT_EQ(ExtractCsrf(form.body), csrf_cookie->value) << "the form field and the cookie must match";
  EXPECT_EQ(ExtractInputValue(form.body, "next"), "/organisations");

  HttpResponse r =
      b.Submit("/signin", {{"email", p.email}, {"password", p.password}, {"next", "/organisations"}});
  ASSERT_EQ(r.status, 303) << r.Describe();
  EXPECT_EQ(r.Header("Location"), "/organisations");
  auto cookie = FindSetCookie(r, "wm_session");
  ASSERT_TRUE(cookie.has_value()) << r.Describe();
  EXPECT_GE(cookie->value.size(), 32u);
  std::string path, samesite, max_age;
  EXPECT_TRUE(cookie->Has("HttpOnly")) << r.Header("Set-Cookie");
  EXPECT_TRUE(cookie->Has("SameSite", &samesite));
  EXPECT_EQ(samesite, "Lax");
  EXPECT_TRUE(cookie->Has("Path", &path));
  EXPECT_EQ(path, "/");
  EXPECT_TRUE(cookie->Has("Max-Age", &max_age));
  EXPECT_GT(std::atol(max_age.c_str()), 0);
  EXPECT_FALSE(cookie->Has("Secure")) << "secure_cookies is off by default";

  HttpResponse me = b.Get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.Describe();
  EXPECT_EQ(me.Json()["email"], p.email);
  EXPECT_EQ(me.Header("Cache-Control"), "private, no-store");
  HttpResponse account = b.Get("/account");
  EXPECT_EQ(account.status, 200);
  EXPECT_NE(account.body.find(p.email), std::string::npos);
  EXPECT_NE(account.Header("Cache-Control").find("no-store"), std::string::npos) << account.Describe();
}

TEST_P(AuthTest, OffSiteNextIsIgnored) {
  Person p = d().AddPerson();
  Browser b = NewBrowser();
  HttpResponse r = AttemptSignIn(b, p.email, p.password, "//evil.example/phish");
  ASSERT_EQ(r.status, 303) << r.Describe();
  EXPECT_EQ(r.Header("Location"), "/");
}

TEST_P(AuthTest, SessionIdRotatesOnSignInAndTheOldCookieStopsWorking) {
  Person p = d().AddPerson();
  Browser b = NewBrowser();
  SignedIn first = SignIn(b, p.email, p.password);

  // Signing in again from the same browser (its form carries the session's token).
  HttpResponse again =
      b.Submit("/signin", {{"email", p.email}, {"password", p.password}, {"next", "/account"}});
  ASSERT_EQ(again.status, 303) << again.Describe();
  auto cookie = FindSetCookie(again, "wm_session");
  ASSERT_TRUE(cookie.has_value()) << again.Describe();
  EXPECT_NE(cookie->value, first.session) << "the session id must change on sign-in";

  HttpClient c = client();
  HttpResponse old_me = c.Get("/api/v1/me", {{"Cookie", "wm_session=" + first.session}});
  EXPECT_EQ(old_me.status, 401) << "the old session still works:\n" << old_me.Describe();
  HttpResponse new_me = c.Get("/api/v1/me", {{"Cookie", "wm_session=" + cookie->value}});
  EXPECT_EQ(new_me.status, 200) << new_me.Describe();

  // A page with the stale cookie is anonymous and tells the browser to forget it.
  HttpResponse page = c.Get("/account", {{"Cookie", "wm_session=" + first.session}});
  EXPECT_EQ(page.status, 303);
  EXPECT_EQ(page.Header("Location").rfind("/signin?next=", 0), 0u) << page.Describe();
  auto cleared = FindSetCookie(page, "wm_session");
  ASSERT_TRUE(cleared.has_value()) << page.Describe();
  EXPECT_EQ(cleared->value, "");
}

TEST_P(AuthTest, SignOutEndsTheSessionOnTheServer) {
  Person p = d().AddPerson();
  Browser b = NewBrowser();
  SignedIn s = SignIn(b, p.email, p.password);
  HttpResponse out = b.Submit("/signout", {});
  ASSERT_EQ(out.status, 303) << out.Describe();
  EXPECT_EQ(out.Header("Location"), "/?msg=flash_signed_out");
  auto cleared = FindSetCookie(out, "wm_session");
  ASSERT_TRUE(cleared.has_value());
  std::string max_age;
  EXPECT_TRUE(cleared->Has("Max-Age", &max_age) && max_age == "0") << out.Header("Set-Cookie");
  // Replaying the old cookie does not bring the session back.
  EXPECT_EQ(client().Get("/api/v1/me", {{"Cookie", "wm_session=" + s.session}}).status, 401);
}

TEST_P(AuthTest, WrongPasswordIs401AndTheFormKeepsTheEmail) {
  Person p = d().AddPerson();
  Browser b = NewBrowser();
  HttpResponse r = AttemptSignIn(b, p.email, "not-the-password-at-all", "/organisations");
  ASSERT_EQ(r.status, 401) << r.Describe();
  EXPECT_EQ(r.Header("Content-Type").rfind("text/html", 0), 0u);
  EXPECT_EQ(ExtractInputValue(r.body, "email"), p.email);
  EXPECT_EQ(ExtractInputValue(r.body, "next"), "/organisations");
  EXPECT_NE(r.body.find("id=\"form-error\""), std::string::npos) << r.body;
  EXPECT_FALSE(FindSetCookie(r, "wm_session").has_value()) << r.Describe();
  EXPECT_EQ(r.body.find(p.password), std::string::npos);

  // An unknown e-mail gets the same answer.
  HttpResponse unknown = AttemptSignIn(b, "nobody-" + d().Unique("x") + "@it.example", "whatever-password");
  EXPECT_EQ(unknown.status, 401) << unknown.Describe();
}

TEST_P(AuthTest, FormsWithoutTheRightCsrfTokenAre403) {
  Person p = d().AddPerson();
  Browser b = NewBrowser();
  ASSERT_EQ(b.Get("/signin").status, 200);
  ASSERT_FALSE(b.csrf().empty());
  FormFields creds = {{"email", p.email}, {"password", p.password}};

  HttpResponse missing = b.PostForm("/signin", creds);
  EXPECT_EQ(missing.status, 403) << missing.Describe();
  EXPECT_FALSE(FindSetCookie(missing, "wm_session").has_value());

  FormFields wrong = creds;
  wrong.insert(wrong.begin(), {"csrf", std::string(43, 'A')});
  HttpResponse bad = b.PostForm("/signin", wrong);
  EXPECT_EQ(bad.status, 403) << bad.Describe();
  EXPECT_EQ(bad.Header("Content-Type").rfind("text/html", 0), 0u);

  // The field alone, without the matching cookie, is not enough.
  FormFields with_field = creds;
  with_field.insert(with_field.begin(), {"csrf", b.csrf()});
  HttpResponse no_cookie = client().PostForm("/signin", with_field);
  EXPECT_EQ(no_cookie.status, 403) << no_cookie.Describe();

  // Signed in, forms need the session's token, not the anonymous one.
  std::string anonymous_token = b.csrf();
  SignedIn s = SignIn(b, p.email, p.password);
  ASSERT_NE(s.csrf, anonymous_token);
  HttpResponse stale = b.PostForm("/account/tokens", {{"csrf", anonymous_token}, {"name", "x"}});
  EXPECT_EQ(stale.status, 403) << stale.Describe();
  HttpResponse ok = b.PostForm("/account/tokens", {{"csrf", s.csrf}, {"name", "x"}});
  EXPECT_EQ(ok.status, 201) << ok.Describe();
}

TEST_P(AuthTest, FormsMustBeUrlEncodedOrMultipart) {
  Browser b = NewBrowser();
  ASSERT_EQ(b.Get("/signin").status, 200);
  std::string body = FormEncode({{"csrf", b.csrf()}, {"email", "a@b.example"}, {"password", "x"}});
  HttpResponse json = b.Request("POST", "/signin", {{"Content-Type", "application/json"}}, body);
  EXPECT_EQ(json.status, 415) << json.Describe();
  // Multipart (for uploads) is taken, but must be well formed.
  HttpResponse multipart =
      b.Request("POST", "/signin", {{"Content-Type", "multipart/form-data; boundary=xyz"}}, body);
  EXPECT_EQ(multipart.status, 400) << multipart.Describe();
  HttpResponse none = b.Request("POST", "/signin", {}, body);
  EXPECT_EQ(none.status, 415) << none.Describe();
  // With parameters the type is still the form type.
  HttpResponse charset = b.Request(
      "POST", "/signin", {{"Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"}}, body);
  EXPECT_EQ(charset.status, 401) << charset.Describe();
}

TEST_P(AuthTest, SessionCookieOnTheApiNeedsTheCsrfHeaderForChanges) {
  Person editor = Editor("jcwi");
  Browser b = NewBrowser();
  SignedIn s = SignIn(b, editor.email, editor.password);
  nlohmann::json patch = {{"description", "changed over a session"}};
  HttpResponse without =
      b.Request("PATCH", "/api/v1/organisations/jcwi", {{"Content-Type", "application/json"}}, patch.dump());
  EXPECT_EQ(without.status, 403) << without.Describe();
  HttpResponse wrong =
      b.Request("PATCH", "/api/v1/organisations/jcwi",
                {{"Content-Type", "application/json"}, {"X-CSRF-Token", "nope"}}, patch.dump());
  EXPECT_EQ(wrong.status, 403) << wrong.Describe();
  HttpResponse with = b.Request("PATCH", "/api/v1/organisations/jcwi",
                                IfMatchNow("/api/v1/organisations/jcwi",
                                           {{"Content-Type", "application/json"}, {"X-CSRF-Token", s.csrf}}),
                                patch.dump());
  EXPECT_EQ(with.status, 200) << with.Describe();
}

TEST_P(AuthTest, OneTimePasswordForcesAPasswordChange) {
  std::string email = d().Unique("otp") + "@it.example";
  CliResult added = d().Cli({"user", "add", "--email", email, "--name", "One Time"});
  ASSERT_EQ(added.exit_code, 0) << added.Describe();
  auto pos = added.out.find("one-time password: ");
  ASSERT_NE(pos, std::string::npos) << added.Describe();
  std::string otp = added.out.substr(pos + 19);
  otp = otp.substr(0, otp.find_first_of(" \n"));

  Browser b = NewBrowser();
  HttpResponse r = AttemptSignIn(b, email, otp, "/organisations");
  ASSERT_EQ(r.status, 303) << r.Describe();
  EXPECT_EQ(r.Header("Location"), "/account/password");
  HttpResponse home = b.Get("/");
  EXPECT_EQ(home.status, 303);
  EXPECT_EQ(home.Header("Location"), "/account/password");
  ASSERT_EQ(b.Get("/account/password").status, 200);

  HttpResponse mismatch = b.Submit("/account/password", {{"current_password", otp},
                                                         {"password", "a-brand-new-password"},
                                                         {"password_confirm", "something-else-entirely"}});
  EXPECT_EQ(mismatch.status, 422) << mismatch.Describe();
  HttpResponse changed = b.Submit("/account/password", {{"current_password", otp},
                                                        {"password", "a-brand-new-password"},
                                                        {"password_confirm", "a-brand-new-password"}});
  ASSERT_EQ(changed.status, 303) << changed.Describe();
  EXPECT_EQ(b.Get("/").status, 200);
  Browser other = NewBrowser();
  EXPECT_EQ(AttemptSignIn(other, email, otp).status, 401);
  EXPECT_EQ(AttemptSignIn(other, email, "a-brand-new-password").status, 303);
}

WM_INSTANTIATE_BACKENDS(AuthTest);

// Behind a TLS-terminating proxy: cookies are marked Secure and HSTS is sent.
class SecureCookiesTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.config = {{"secure_cookies", true}, {"session_ttl_hours", 2}};
    return o;
  }
};

TEST_P(SecureCookiesTest, CookiesAreSecureAndHstsIsSent) {
  Person p = d().AddPerson();
  Browser b = NewBrowser();
  HttpResponse form = b.Get("/signin");
  auto csrf = FindSetCookie(form, "wm_csrf");
  ASSERT_TRUE(csrf.has_value()) << form.Describe();
  EXPECT_TRUE(csrf->Has("Secure")) << form.Header("Set-Cookie");
  EXPECT_NE(form.Header("Strict-Transport-Security").find("max-age="), std::string::npos) << form.Describe();
  SignedIn s = SignIn(b, p.email, p.password);
  auto session = FindSetCookie(s.response, "wm_session");
  ASSERT_TRUE(session.has_value());
  EXPECT_TRUE(session->Has("Secure")) << s.response.Header("Set-Cookie");
  std::string max_age;
  EXPECT_TRUE(session->Has("Max-Age", &max_age));
  EXPECT_EQ(max_age, "7200") << "session_ttl_hours=2";
}

WM_INSTANTIATE_BACKENDS(SecureCookiesTest);

// A server that locks an account after 3 failures (and an address after 10).
class ThrottleTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.config = {{"signin_max_failures_per_account", 3}, {"signin_max_failures_per_address", 10}};
    return o;
  }
};

TEST_P(ThrottleTest, RepeatedWrongPasswordsLockTheAccountWith429) {
  Person p = d().AddPerson();
  Person other = d().AddPerson();
  Browser b = NewBrowser();
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = AttemptSignIn(b, p.email, "wrong-password-" + std::to_string(i));
    ASSERT_EQ(r.status, 401) << "attempt " << i + 1 << "\n" << r.Describe();
  }
  // Locked: even the right password is refused for now.
  HttpResponse locked = AttemptSignIn(b, p.email, p.password);
  ASSERT_EQ(locked.status, 429) << locked.Describe();
  std::string retry = locked.Header("Retry-After");
  ASSERT_FALSE(retry.empty()) << locked.Describe();
  ASSERT_EQ(retry.find_first_not_of("0123456789"), std::string::npos) << retry;
  EXPECT_GE(std::stol(retry), 1);
  EXPECT_LE(std::stol(retry), 15 * 60);
  EXPECT_FALSE(FindSetCookie(locked, "wm_session").has_value());
  EXPECT_EQ(ExtractInputValue(locked.body, "email"), p.email);
  // The e-mail is matched case-insensitively.
  std::string upper = p.email;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(AttemptSignIn(b, upper, p.password).status, 429);

  // Another account from the same address is not locked.
  EXPECT_EQ(AttemptSignIn(b, other.email, other.password).status, 303);
}

WM_INSTANTIATE_BACKENDS(ThrottleTest);

// The same limits on a server of its own: failures from 127.0.0.1 add up across tests.
class AddressThrottleTest : public ThrottleTest {};

TEST_P(AddressThrottleTest, TooManyFailuresFromOneAddressLockEveryAccountFromIt) {
  Browser b = NewBrowser();
  Person p = d().AddPerson();
  // 10 failures spread over unknown accounts (2 each, under the per-account limit).
  for (int i = 0; i < 5; ++i) {
    std::string email = d().Unique("ghost") + "@it.example";
    for (int j = 0; j < 2; ++j) {
      HttpResponse r = AttemptSignIn(b, email, "wrong-password");
      ASSERT_EQ(r.status, 401) << r.Describe();
    }
  }
  HttpResponse r = AttemptSignIn(b, p.email, p.password);
  EXPECT_EQ(r.status, 429) << r.Describe();
  EXPECT_FALSE(r.Header("Retry-After").empty());
}

WM_INSTANTIATE_BACKENDS(AddressThrottleTest);

}  // namespace
}  // namespace waymark::it
