// Choosing the interface language: ?lang=, the wm_lang cookie, POST
// /language, the signed-in person's setting, Accept-Language.
#include "fixture.h"

namespace waymark::it {
namespace {

class LanguageTest : public ServerTest {};

TEST_P(LanguageTest, QueryLangSetsSpanishAndRemembersIt) {
  Browser b = NewBrowser();
  HttpResponse r = b.Get("/?lang=es");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(HtmlLang(r.body), "es");
  EXPECT_EQ(r.Header("Content-Language"), "es");
  auto cookie = FindSetCookie(r, "wm_lang");
  ASSERT_TRUE(cookie.has_value()) << r.Describe();
  EXPECT_EQ(cookie->value, "es");
  // The cookie keeps Spanish on later pages, over Accept-Language.
  HttpResponse later = b.Get("/organisations", {{"Accept-Language", "fr"}});
  EXPECT_EQ(HtmlLang(later.body), "es");
  EXPECT_NE(r.Header("Vary").find("Accept-Language"), std::string::npos) << r.Describe();
  // An unknown language is ignored.
  EXPECT_EQ(HtmlLang(client().Get("/?lang=xx").body), "en");
}

TEST_P(LanguageTest, AcceptLanguagePicksTheBestSupportedLanguage) {
  HttpClient c = client();
  EXPECT_EQ(HtmlLang(c.Get("/", {{"Accept-Language", "fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5"}}).body), "fr");
  EXPECT_EQ(HtmlLang(c.Get("/", {{"Accept-Language", "de-DE, es;q=0.7, en;q=0.3"}}).body), "es");
  EXPECT_EQ(HtmlLang(c.Get("/", {{"Accept-Language", "de, ja"}}).body), "en");
  EXPECT_EQ(HtmlLang(c.Get("/").body), "en");
  HttpResponse fr = c.Get("/signin", {{"Accept-Language", "fr"}});
  EXPECT_EQ(fr.Header("Content-Language"), "fr");
  EXPECT_NE(fr.body.find("Connexion"), std::string::npos);
}

TEST_P(LanguageTest, PostLanguageSetsTheCookieAndReturnsToThePage) {
  Browser b = NewBrowser();
  ASSERT_EQ(b.Get("/organisations").status, 200);
  HttpResponse r = b.Submit("/language", {{"lang", "fr"}, {"next", "/organisations?lang=es&page=1"}});
  ASSERT_EQ(r.status, 303) << r.Describe();
  EXPECT_EQ(r.Header("Location"), "/organisations?page=1");
  auto cookie = FindSetCookie(r, "wm_lang");
  ASSERT_TRUE(cookie.has_value()) << r.Describe();
  EXPECT_EQ(cookie->value, "fr");
  EXPECT_TRUE(cookie->Has("Path"));
  EXPECT_EQ(HtmlLang(b.Get("/organisations?page=1").body), "fr");

  HttpResponse bad = b.Submit("/language", {{"lang", "klingon"}, {"next", "/"}});
  EXPECT_EQ(bad.status, 400) << bad.Describe();
  HttpResponse offsite = b.Submit("/language", {{"lang", "es"}, {"next", "https://evil.example/"}});
  EXPECT_EQ(offsite.Header("Location"), "/") << offsite.Describe();
  HttpResponse no_csrf = b.PostForm("/language", {{"lang", "es"}, {"next", "/"}});
  EXPECT_EQ(no_csrf.status, 403);
}

TEST_P(LanguageTest, PostLanguageSetsTheSignedInPersonsLocale) {
  Person p = d().AddPerson();
  Browser b = NewBrowser();
  SignIn(b, p.email, p.password, "/account");
  HttpResponse r = b.Submit("/language", {{"lang", "es"}, {"next", "/account"}});
  ASSERT_EQ(r.status, 303) << r.Describe();
  HttpResponse me = b.Get("/api/v1/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.Json()["locale"], "es");

  // The setting follows the person to another browser, and wins over ?lang= and Accept-Language.
  Browser other = NewBrowser();
  SignIn(other, p.email, p.password, "/account");
  HttpResponse page = other.Get("/account?lang=fr", {{"Accept-Language", "fr"}});
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(HtmlLang(page.body), "es");
  EXPECT_NE(page.body.find("Español"), std::string::npos);
}

TEST_P(LanguageTest, PersonsLocaleFromTheCliIsUsed) {
  PersonSpec spec;
  spec.locale = "fr";
  Person p = d().AddPerson(spec);
  Browser b = NewBrowser();
  SignedIn s = SignIn(b, p.email, p.password, "/account");
  EXPECT_EQ(HtmlLang(s.landing.body), "fr");
  EXPECT_EQ(s.landing.Header("Content-Language"), "fr");
}

WM_INSTANTIATE_BACKENDS(LanguageTest);

}  // namespace
}  // namespace waymark::it
