#include "web/page_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace waymark::web {
namespace {

std::shared_ptr<PageCache::Entry> Page(std::uint64_t generation, TimestampMs at, std::string body) {
  auto e = std::make_shared<PageCache::Entry>();
  e->generation = generation;
  e->stored_at = at;
  e->response = http::Response::Html(200, std::move(body));
  return e;
}

TEST(PageCacheTest, AnEntryServesItsGenerationUntilItIsTooOld) {
  PageCache cache({.max_bytes = 1u << 20, .max_age_ms = 1000});
  cache.Store("k", Page(7, 10'000, "seven"));
  auto hit = cache.Find("k", 7, 10'500);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->response.body, "seven");
  EXPECT_FALSE(cache.Find("k", 8, 10'500)) << "a write moved the generation";
  EXPECT_FALSE(cache.Find("k", 7, 11'000)) << "older than max_age";
  EXPECT_FALSE(cache.Find("k", 7, 9'000)) << "a clock that went back";
  EXPECT_FALSE(cache.Find("other", 7, 10'500));
  PageCache::Stats s = cache.stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 4u);
}

TEST(PageCacheTest, AnOlderRenderingNeverReplacesANewerOne) {
  PageCache cache({.max_bytes = 1u << 20, .max_age_ms = 1000});
  cache.Store("k", Page(9, 100, "nine"));
  cache.Store("k", Page(8, 200, "eight"));  // began before the write, finished after
  EXPECT_EQ(cache.Find("k", 9, 300)->response.body, "nine");
  cache.Store("k", Page(10, 300, "ten"));
  EXPECT_EQ(cache.Find("k", 10, 300)->response.body, "ten");
}

TEST(PageCacheTest, OneCallerRendersAnOldPageAgainWhileTheOthersGetTheOldOne) {
  PageCache cache({.max_bytes = 1u << 20, .max_age_ms = 1000});
  cache.Store("k", Page(7, 10'000, "old"));
  bool first = false;
  EXPECT_FALSE(cache.FindStale("k", 7, 11'200, &first)) << "the first to find it old renders it";
  EXPECT_TRUE(first);
  bool second = false;
  auto stale = cache.FindStale("k", 7, 11'300, &second);
  ASSERT_TRUE(stale) << "the others are given the old page meanwhile";
  EXPECT_EQ(stale->response.body, "old");
  EXPECT_FALSE(second);
  EXPECT_TRUE(cache.FindStale("k", 7, 11'300, nullptr)) << "also without asking to claim";
  EXPECT_FALSE(cache.FindStale("k", 8, 11'300, nullptr)) << "never across a write";
  EXPECT_FALSE(cache.FindStale("k", 7, 10'000 + 1000 + PageCache::kStaleForMs, nullptr)) << "nor for long";

  cache.Store("k", Page(7, 11'400, "new"));  // the claim ends with the rendering
  EXPECT_EQ(cache.Find("k", 7, 11'500)->response.body, "new");
  bool again = false;
  EXPECT_FALSE(cache.FindStale("k", 7, 12'500, &again));
  EXPECT_TRUE(again) << "the next time it is old, someone renders it again";
  cache.Unclaim("k");  // that rendering failed
  bool after = false;
  EXPECT_FALSE(cache.FindStale("k", 7, 12'600, &after));
  EXPECT_TRUE(after) << "an abandoned claim does not leave the page old for good";
  bool none = false;
  EXPECT_FALSE(cache.FindStale("missing", 7, 12'600, &none));
  EXPECT_FALSE(none) << "nothing to serve meanwhile: every caller renders";
}

TEST(PageCacheTest, StaysWithinItsBudget) {
  PageCache cache({.max_bytes = 16 * 1024, .max_age_ms = 1000});  // 1 KiB per shard
  cache.Store("huge", Page(1, 0, std::string(4096, 'x')));
  EXPECT_FALSE(cache.Find("huge", 1, 0)) << "larger than a shard's share: not kept";
  for (int i = 0; i < 1000; ++i) cache.Store("k" + std::to_string(i), Page(1, 0, std::string(200, 'y')));
  EXPECT_LE(cache.stats().bytes, 16u * 1024);
  PageCache off({.max_bytes = 0, .max_age_ms = 1000});
  EXPECT_FALSE(off.enabled());
  off.Store("k", Page(1, 0, "x"));
  EXPECT_FALSE(off.Find("k", 1, 0));
}

TEST(PageCacheTest, ManyThreadsFindAndStoreAtOnce) {
  PageCache cache({.max_bytes = 64 * 1024, .max_age_ms = 1000});
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string key = "k" + std::to_string(i % 50);
        auto gen = static_cast<std::uint64_t>(i / 100);
        if (auto e = cache.Find(key, gen, i)) {
          EXPECT_EQ(e->generation, gen);
        } else {
          cache.Store(key, Page(gen, i, std::string(100 + t, 'z')));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(cache.stats().bytes, 64u * 1024);
}

}  // namespace
}  // namespace waymark::web
