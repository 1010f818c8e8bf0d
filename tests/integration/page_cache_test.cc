// The page cache (web/page_cache.h) seen from outside: anonymous pages and
// API lists are answered from memory, yet every visitor gets their own
// anti-forgery token, a write is visible to the very next anonymous request
// (on both backends), and signed-in or uncacheable answers are never shared.

#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;

class PageCacheTest : public ServerTest {
 protected:
  struct Editor {
    std::string token;
    std::string org;
  };
  Editor NewEditor() {
    std::string org = d().Unique("pc-org");
    d().EnsureOrganisation(org);
    Person p = WithRole(org, "editor");
    return {d().CreateToken(p.email), org};
  }
  // Creates, submits and publishes a campaign titled `title`.
  long long Publish(const Editor& e, const std::string& title) {
    HttpClient c = client();
    HttpResponse r = c.SendJson("POST", "/api/v1/campaigns",
                                {{"title", {{"en", title}}}, {"organisation", e.org}}, Bearer(e.token));
    EXPECT_EQ(r.status, 201) << r.Describe();
    if (r.status != 201) return 0;
    long long id = r.Json()["id"];
    std::string base = "/api/v1/campaigns/" + std::to_string(id);
    EXPECT_EQ(c.Request("POST", base + "/submit", Bearer(e.token)).status, 200);
    HttpResponse p = c.Request("POST", base + "/publish", Bearer(d().AdminToken()));
    EXPECT_EQ(p.status, 200) << p.Describe();
    return id;
  }
  static std::string FormToken(const std::string& html) {
    std::smatch m;
    static const std::regex kToken(R"re(name="csrf" value="([^"]+)")re");
    return std::regex_search(html, m, kToken) ? m[1].str() : "";
  }
};

TEST_P(PageCacheTest, EachAnonymousVisitorGetsTheirOwnTokenFromAKeptPage) {
  HttpClient c = client();
  HttpResponse first = c.Get("/campaigns");
  ASSERT_EQ(first.status, 200) << first.Describe();
  HttpResponse second = c.Get("/campaigns");
  ASSERT_EQ(second.status, 200);
  std::string t1 = FormToken(first.body);
  std::string t2 = FormToken(second.body);
  ASSERT_FALSE(t1.empty()) << "the page carries a form with the visitor's token";
  EXPECT_NE(t1, t2) << "two new visitors share a token";
  auto cookie1 = FindSetCookie(first, "wm_csrf");
  auto cookie2 = FindSetCookie(second, "wm_csrf");
  ASSERT_TRUE(cookie1 && cookie2);
  EXPECT_EQ(cookie1->value, t1);
  EXPECT_EQ(cookie2->value, t2);
  // A returning visitor sees their own token and is not sent a new cookie.
  std::string mine(43, 'k');
  HttpResponse back = c.Get("/campaigns", {{"Cookie", "wm_csrf=" + mine}});
  ASSERT_EQ(back.status, 200);
  EXPECT_EQ(FormToken(back.body), mine);
  EXPECT_FALSE(FindSetCookie(back, "wm_csrf"));
  // Apart from the token, the kept page is the same page.
  std::string as_mine = first.body;
  for (std::size_t at = as_mine.find(t1); at != std::string::npos; at = as_mine.find(t1, at + mine.size())) {
    as_mine.replace(at, t1.size(), mine);
  }
  EXPECT_EQ(as_mine, back.body);
}

// The whole gzip stream inflated as a browser would (checksum and length
// checked), or "error: ..." when it is not valid gzip.
std::string Gunzip(const std::string& gz) {
  z_stream z{};
  if (inflateInit2(&z, 16 + 15) != Z_OK) return "error: init";
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[4096];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  const bool whole = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  return whole ? out : "error: " + std::to_string(rc);
}

// A kept page is compressed once; each visitor who accepts gzip gets it
// with their own token spliced in, and the same page as the plain one.
TEST_P(PageCacheTest, VisitorsWhoAcceptGzipGetTheSamePageCompressedWithTheirOwnToken) {
  HttpClient c = client();
  const std::string mine(43, 'g');
  const HeaderList plain_mine = {{"Cookie", "wm_csrf=" + mine}};
  const HeaderList gzip_mine = {{"Cookie", "wm_csrf=" + mine}, {"Accept-Encoding", "gzip, deflate, br"}};
  for (const char* url : {"/campaigns", "/organisations", "/api/v1/openapi.json"}) {
    SCOPED_TRACE(url);
    for (int round = 0; round < 2; ++round) {  // rendered, then from the cache
      HttpResponse plain = c.Get(url, plain_mine);
      HttpResponse gz = c.Get(url, gzip_mine);
      ASSERT_EQ(plain.status, 200) << plain.Describe();
      ASSERT_EQ(gz.status, 200) << gz.Describe();
      EXPECT_EQ(plain.Header("content-encoding"), "");
      ASSERT_EQ(gz.Header("content-encoding"), "gzip");
      EXPECT_NE(gz.Header("vary").find("Accept-Encoding"), std::string::npos) << gz.Header("vary");
      EXPECT_NE(plain.Header("vary").find("Accept-Encoding"), std::string::npos) << plain.Header("vary");
      EXPECT_LT(gz.body.size(), plain.body.size() / 2);
      EXPECT_EQ(Gunzip(gz.body), plain.body);
    }
  }
  // A new visitor: the token in the compressed page is the one in their cookie.
  HttpResponse fresh = c.Get("/campaigns", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(fresh.Header("content-encoding"), "gzip");
  auto cookie = FindSetCookie(fresh, "wm_csrf");
  ASSERT_TRUE(cookie);
  EXPECT_EQ(FormToken(Gunzip(fresh.body)), cookie->value);
  EXPECT_NE(cookie->value, mine);
  // Refused by weight, or not offered: the plain page.
  for (const char* refusal : {"gzip;q=0", "identity", "br"}) {
    HttpResponse r = c.Get("/campaigns", {{"Cookie", "wm_csrf=" + mine}, {"Accept-Encoding", refusal}});
    EXPECT_EQ(r.Header("content-encoding"), "") << refusal;
    EXPECT_EQ(FormToken(r.body), mine) << refusal;
  }
}

// The compressed stylesheet is a representation of its own: its own ETag,
// revalidated with a 304 like the plain one.
TEST_P(PageCacheTest, TheCompressedStylesheetHasItsOwnETagAndRevalidates) {
  HttpClient c = client();
  HttpResponse plain = c.Get("/static/waymark.css");
  HttpResponse gz = c.Get("/static/waymark.css", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(plain.status, 200);
  ASSERT_EQ(gz.status, 200);
  ASSERT_EQ(gz.Header("content-encoding"), "gzip");
  EXPECT_EQ(Gunzip(gz.body), plain.body);
  std::string etag = plain.Header("etag");
  std::string gz_etag = gz.Header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_NE(etag, gz_etag);
  HttpResponse again =
      c.Get("/static/waymark.css", {{"Accept-Encoding", "gzip"}, {"If-None-Match", gz_etag}});
  EXPECT_EQ(again.status, 304) << again.Describe();
  EXPECT_EQ(again.Header("etag"), gz_etag);
  EXPECT_EQ(c.Get("/static/waymark.css", {{"If-None-Match", etag}}).status, 304);
  // The compressed copy's tag does not validate the plain one.
  EXPECT_EQ(c.Get("/static/waymark.css", {{"If-None-Match", gz_etag}}).status, 200);
}

// Reading is not writing: on either backend, a read (its snapshot set-up
// included) leaves the content generation alone, so a repeated anonymous
// read is answered from the cache.
TEST_P(PageCacheTest, ARepeatedAnonymousReadIsAnsweredFromTheCache) {
  HttpClient c = client();
  auto hits = [&c] {
    std::string body = c.Get("/metrics").body;
    static const std::regex kHits(R"(\nwaymark_page_cache_hits_total (\d+))");
    std::smatch m;
    return std::regex_search(body, m, kHits) ? std::stoll(m[1].str()) : -1LL;
  };
  long long before = hits();
  ASSERT_GE(before, 0) << "/metrics reports the page cache";
  // The first read may follow a write of another test; the next ones hit.
  for (int i = 0; i < 6; ++i) ASSERT_EQ(c.Get("/api/v1/campaigns?per_page=3&cachecheck=1").status, 200);
  EXPECT_GE(hits() - before, 4);
}

TEST_P(PageCacheTest, AWriteIsSeenByTheNextAnonymousRequest) {
  Editor e = NewEditor();
  HttpClient c = client();
  for (int round = 0; round < 3; ++round) {
    // Fill the cache with the list page, the JSON list and a search.
    ASSERT_EQ(c.Get("/campaigns").status, 200);
    ASSERT_EQ(c.Get("/api/v1/campaigns?per_page=100").status, 200);
    ASSERT_EQ(c.Get("/campaigns?q=pagecache").status, 200);
    std::string title = "Pagecache round " + std::to_string(round) + " " + d().Unique("t");
    long long id = Publish(e, title);
    ASSERT_GT(id, 0);
    EXPECT_NE(c.Get("/campaigns").body.find(title), std::string::npos) << "round " << round;
    EXPECT_NE(c.Get("/api/v1/campaigns?per_page=100").body.find(title), std::string::npos) << round;
    EXPECT_NE(c.Get("/campaigns?q=pagecache").body.find(title), std::string::npos) << round;
    EXPECT_EQ(c.Get("/campaigns/" + std::to_string(id)).status, 200);
  }
}

TEST_P(PageCacheTest, SignedInAnswersAreNeverSharedWithAnonymousVisitors) {
  Editor e = NewEditor();
  HttpClient c = client();
  HttpResponse mine = c.Get("/api/v1/campaigns?per_page=5", Bearer(e.token));
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.Header("Cache-Control"), "private, no-store");
  HttpResponse anon = c.Get("/api/v1/campaigns?per_page=5");
  ASSERT_EQ(anon.status, 200);
  EXPECT_NE(anon.Header("Cache-Control"), "private, no-store");
  // The health probe always asks the database now.
  EXPECT_EQ(c.Get("/healthz").Header("Cache-Control"), "no-store");
}

TEST_P(PageCacheTest, ReadsRacingWritesNeverShowAnOlderListAfterAWriteReturns) {
  Editor e = NewEditor();
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      HttpClient c = client();
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      for (int i = 0; i < 2000 && !stop.load() && std::chrono::steady_clock::now() < deadline; ++i) {
        HttpResponse r = c.Get(i % 2 ? "/campaigns" : "/api/v1/campaigns?per_page=100");
        if (r.status != 200) ADD_FAILURE() << r.Describe();
        reads.fetch_add(1);
      }
    });
  }
  HttpClient c = client();
  for (int i = 0; i < 6; ++i) {
    std::string title = "Racing " + d().Unique("r");
    ASSERT_GT(Publish(e, title), 0);
    EXPECT_NE(c.Get("/api/v1/campaigns?per_page=100").body.find(title), std::string::npos) << title;
    EXPECT_NE(c.Get("/campaigns").body.find(title), std::string::npos) << title;
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(reads.load(), 0);
}

WM_INSTANTIATE_BACKENDS(PageCacheTest);

// A deployment whose kept pages live for minutes, so that only a write can
// make them stale.
class PageCacheQuietTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.config["page_cache_max_age_ms"] = 600000;
    return o;
  }
};

// A statement that changes no row is not a write. The forecast workers try
// to claim a queued run every few seconds; that UPDATE matched nothing, yet
// was counted, so every kept page was rendered again every second or two
// (the p99 of /evidence was 45 ms for it). Nothing written: kept pages stay.
TEST_P(PageCacheQuietTest, AnUpdateThatChangesNoRowLeavesKeptPagesAlone) {
  HttpClient c = client();
  auto counter = [&c](const char* name) {
    std::string body = c.Get("/metrics").body;
    std::smatch m;
    std::regex re(std::string("\nwaymark_page_cache_") + name + "_total (\\d+)");
    return std::regex_search(body, m, re) ? std::stoll(m[1].str()) : -1LL;
  };
  const std::string url = "/api/v1/campaigns?per_page=2&quiet=1";
  ASSERT_EQ(c.Get(url).status, 200);
  ASSERT_EQ(c.Get(url).status, 200);  // kept now
  long long misses = counter("misses");
  // Longer than the forecast workers' poll (3 s): each tried a claim.
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(c.Get(url).status, 200);
  // The /metrics reads themselves are misses (they are never kept): one.
  EXPECT_EQ(counter("misses") - misses, 1) << "a kept page was rendered again with nothing written";
  // A real write still makes it stale at once.
  std::string org = d().Unique("quiet-org");
  d().EnsureOrganisation(org);
  Person p = WithRole(org, "editor");
  std::string token = d().CreateToken(p.email);
  HttpResponse made = c.SendJson("POST", "/api/v1/campaigns",
                                 {{"title", {{"en", "Quiet"}}}, {"organisation", org}}, Bearer(token));
  ASSERT_EQ(made.status, 201) << made.Describe();
  misses = counter("misses");
  ASSERT_EQ(c.Get(url).status, 200);
  EXPECT_EQ(counter("misses") - misses, 2) << "the write made the kept page stale";
}

WM_INSTANTIATE_BACKENDS(PageCacheQuietTest);

}  // namespace
}  // namespace waymark::it
