// The signed-in page cache (WebApp::Run, Audience::kOnePerson) seen from
// outside: a person asking again for a page nothing has changed since gets
// it from memory, with their own session's anti-forgery token; nobody else
// ever gets it; a write, or a change to the account, shows at once; and an
// answer its handler marked as not to be given twice is rendered each time.
// Kept pages live for ten minutes here, so only those things make them stale.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "fixture.h"

namespace waymark::it {
namespace {

class SignedInCacheTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.config["page_cache_max_age_ms"] = 600000;
    return o;
  }
  // waymark_signed_in_page_cache_<name>_total now.
  long long Counter(const char* name) {
    std::string body = client().Get("/metrics").body;
    std::smatch m;
    std::regex re(std::string("\nwaymark_signed_in_page_cache_") + name + "_total (\\d+)");
    return std::regex_search(body, m, re) ? std::stoll(m[1].str()) : -1LL;
  }
  struct Reader {
    Person person;
    Browser browser;
    std::string csrf;
  };
  // Publishes a campaign titled `title` through the API (a write of this
  // server, which every kept page must see at once).
  void Publish(const std::string& title) {
    if (editor_token_.empty()) {
      editor_org_ = d().Unique("sic-org");
      d().EnsureOrganisation(editor_org_);
      editor_token_ = d().CreateToken(WithRole(editor_org_, "editor").email);
    }
    HttpClient c = client();
    HttpResponse r =
        c.SendJson("POST", "/api/v1/campaigns", {{"title", {{"en", title}}}, {"organisation", editor_org_}},
                   Bearer(editor_token_));
    ASSERT_EQ(r.status, 201) << r.Describe();
    std::string base = "/api/v1/campaigns/" + std::to_string(r.Json()["id"].get<long long>());
    ASSERT_EQ(c.Request("POST", base + "/submit", Bearer(editor_token_)).status, 200);
    HttpResponse p = c.Request("POST", base + "/publish", Bearer(d().AdminToken()));
    ASSERT_EQ(p.status, 200) << p.Describe();
  }
  std::string editor_org_;
  std::string editor_token_;

  // Labels differ before Unique's counter, so no name is the start of another.
  Reader SignedInReader(const std::string& label) {
    PersonSpec spec;
    spec.label = label;
    Person p = d().AddPerson(spec);
    Reader r{p, NewBrowser(), ""};
    r.csrf = SignIn(r.browser, p.email, p.password).csrf;
    return r;
  }
};

TEST_P(SignedInCacheTest, EachPersonGetsTheirOwnKeptPageWithTheirSessionsToken) {
  Reader a = SignedInReader("cacheax");
  Reader b = SignedInReader("cachebx");
  ASSERT_NE(a.person.name, b.person.name);
  long long hits = Counter("hits");
  ASSERT_GE(hits, 0) << "/metrics reports the signed-in cache";
  for (int round = 0; round < 3; ++round) {
    for (Reader* r : {&a, &b}) {
      const Reader& other = r == &a ? b : a;
      // The account page shows the person's name; every page has their token.
      HttpResponse page = r->browser.Get("/account?signedin=1");
      ASSERT_EQ(page.status, 200) << page.Describe();
      EXPECT_NE(page.body.find(r->person.name), std::string::npos) << "round " << round;
      EXPECT_EQ(page.body.find(other.person.name), std::string::npos)
          << "another person's page, round " << round;
      EXPECT_EQ(ExtractCsrf(page.body), r->csrf) << "the session's own token, round " << round;
      EXPECT_EQ(page.Header("Cache-Control"), "private, no-store");
      EXPECT_FALSE(FindSetCookie(page, "wm_csrf"));
    }
  }
  // Rendered once each; the four answers after those came from memory.
  EXPECT_GE(Counter("hits") - hits, 4);
  // An anonymous reader of the same address is sent to sign in.
  HttpResponse anon = client().Get("/account?signedin=1");
  EXPECT_EQ(anon.status, 303);
  EXPECT_EQ(anon.body.find(a.person.name), std::string::npos);
  EXPECT_EQ(anon.body.find(b.person.name), std::string::npos);
}

// One person's page is compressed when their request takes gzip (a browser's
// does), and kept so; the same page asked for without gzip comes plain.
TEST_P(SignedInCacheTest, TheKeptPageIsCompressedForThoseWhoAcceptGzip) {
  Reader a = SignedInReader("cachegz");
  const HeaderList gzip = {{"Accept-Encoding", "gzip, deflate, br"}};
  long long hits = -1;
  std::size_t compressed = 0;
  for (int i = 0; i < 3; ++i) {
    HttpResponse gz = a.browser.Get("/campaigns?gz=1", gzip);
    ASSERT_EQ(gz.status, 200) << gz.Describe();
    EXPECT_EQ(gz.Header("Content-Encoding"), "gzip") << i;
    EXPECT_NE(gz.Header("Vary").find("Accept-Encoding"), std::string::npos) << i;
    if (i == 0) {
      compressed = gz.body.size();
      hits = Counter("hits");
    }
  }
  EXPECT_EQ(Counter("hits") - hits, 2) << "the compressed page was kept";
  HttpResponse plain = a.browser.Get("/campaigns?gz=1");
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.Header("Content-Encoding"), "");
  EXPECT_GT(plain.body.size(), compressed);
  EXPECT_EQ(ExtractCsrf(plain.body), a.csrf);
}

TEST_P(SignedInCacheTest, AWriteAndAChangeToTheAccountShowAtOnce) {
  Reader a = SignedInReader("cachewx");
  ASSERT_EQ(a.browser.Get("/campaigns?w=1").status, 200);
  ASSERT_EQ(a.browser.Get("/campaigns?w=1").status, 200);  // kept now
  // A write by someone else: the next read renders again and shows it.
  std::string title = "Signed-in cache " + d().Unique("t");
  Publish(title);
  HttpResponse after = a.browser.Get("/campaigns?w=1");
  ASSERT_EQ(after.status, 200);
  EXPECT_NE(after.body.find(title), std::string::npos) << "the new campaign is listed";
  // The person's own account changes (their language): their pages follow.
  HttpResponse set = a.browser.Submit("/language", {{"lang", "fr"}, {"next", "/campaigns?w=1"}});
  ASSERT_EQ(set.status, 303) << set.Describe();
  HttpResponse fr = a.browser.Get("/campaigns?w=1");
  ASSERT_EQ(fr.status, 200);
  EXPECT_EQ(HtmlLang(fr.body), "fr");
}

TEST_P(SignedInCacheTest, SigningOutEndsTheKeptPages) {
  Reader a = SignedInReader("cacheout");
  const std::string session = a.browser.session();
  ASSERT_EQ(a.browser.Get("/account").status, 200);
  ASSERT_EQ(a.browser.Get("/account").status, 200);  // kept now
  HttpResponse out = a.browser.Submit("/signout", {});
  ASSERT_EQ(out.status, 303) << out.Describe();
  // The old cookie sent again, by whoever kept it: no account page.
  HttpResponse again = client().Get("/account", {{"Cookie", "wm_session=" + session}});
  EXPECT_EQ(again.status, 303) << again.Describe();
  EXPECT_EQ(again.body.find(a.person.email), std::string::npos);
}

// A form that carries the time it was shown says "no-store" itself: it is
// rendered for every request, never given twice.
TEST_P(SignedInCacheTest, AnAnswerItsHandlerMarksNoStoreIsRenderedEachTime) {
  Reader a = SignedInReader("cacheform");
  ASSERT_EQ(a.browser.Get("/practices/new").status, 200);
  long long hits = Counter("hits");
  for (int i = 0; i < 3; ++i) {
    HttpResponse form = a.browser.Get("/practices/new");
    ASSERT_EQ(form.status, 200) << form.Describe();
    EXPECT_EQ(form.Header("Cache-Control"), "no-store");
  }
  EXPECT_EQ(Counter("hits") - hits, 0);
}

// Many people reading the same pages at once, while one of them writes:
// nobody ever gets another's page (their name, their token), and a write
// that returned is seen.
TEST_P(SignedInCacheTest, ManyPeopleAtOnceNeverGetAnothersPage) {
  constexpr int kPeople = 4;
  std::vector<Reader> readers;
  readers.reserve(kPeople);
  for (int i = 0; i < kPeople; ++i)
    readers.push_back(SignedInReader(std::string("many") + char('a' + i) + "x"));
  Reader writer = SignedInReader("manywx");
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kPeople; ++i) {
    threads.emplace_back([&, i] {
      Reader& me = readers[static_cast<std::size_t>(i)];
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      for (int n = 0; n < 300 && !stop.load() && std::chrono::steady_clock::now() < deadline; ++n) {
        const bool account = n % 2 == 0;
        HttpResponse r = me.browser.Get(account ? "/account?many=1" : "/campaigns");
        if (r.status != 200) {
          ADD_FAILURE() << r.Describe();
          continue;
        }
        for (int j = 0; account && j < kPeople; ++j) {
          const Person& p = readers[static_cast<std::size_t>(j)].person;
          bool found = r.body.find(p.name) != std::string::npos;
          if (found != (j == i)) ADD_FAILURE() << "reader " << i << " and " << p.name << ": " << found;
        }
        if (ExtractCsrf(r.body) != me.csrf) ADD_FAILURE() << "reader " << i << " got another token";
        reads.fetch_add(1);
      }
    });
  }
  for (int i = 0; i < 4; ++i) {
    std::string title = "Many at once " + d().Unique("t");
    Publish(title);
    HttpResponse r = writer.browser.Get("/campaigns");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.body.find(title), std::string::npos) << title;
  }
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_GT(reads.load(), 0);
}

WM_INSTANTIATE_BACKENDS(SignedInCacheTest);

}  // namespace
}  // namespace waymark::it
