// PageCache: the answers to anonymous GET requests, kept until anything they
// may show could have changed.
//
// An entry is valid while the content generation it was rendered at is
// still current and it is younger than `max_age`. The generation is a
// number that moves after every committed database write of this process
// and every change the search index takes in (see WebApp::Options); the age
// bounds how long a write made elsewhere (another instance, a CLI command on
// the same database) can go unseen. The caller reads the generation before
// rendering, so an answer rendered while a write commits is stored under the
// older generation and is never served after it.
//
// Thread-safe: entries live in shards, each behind its own mutex, and are
// shared immutable; a lookup copies the answer out.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/clock.h"
#include "http/gzip.h"
#include "http/message.h"

namespace waymark::web {

class PageCache {
 public:
  struct Options {
    std::size_t max_bytes = 16u << 20;  // all entries' bodies together; 0 turns the cache off
    TimestampMs max_age_ms = 1000;
  };
  struct Entry {
    std::uint64_t generation = 0;
    TimestampMs stored_at = 0;
    http::Response response;
    bool has_token = false;  // the body holds the anti-forgery placeholder
    // The body compressed once, with holes where the placeholder was
    // (http/gzip.h), for visitors who accept gzip; null when the body is
    // small or of a type that does not compress.
    std::shared_ptr<const http::GzipBody> gzip;
  };
  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t stores = 0;
    std::size_t bytes = 0;
  };

  explicit PageCache(Options options);

  bool enabled() const { return options_.max_bytes > 0; }
  // The entry for `key` rendered at `generation`, or null (counted a miss
  // unless `count_miss` is false: a first look whose miss is looked up again).
  std::shared_ptr<const Entry> Find(const std::string& key, std::uint64_t generation, TimestampMs now,
                                    bool count_miss = true);
  // While one caller renders a page again after it grew older than max_age
  // (nothing was written: same generation), the others are given the old
  // one rather than all rendering it at once; that kept the p99 of a busy
  // list page at a cached page's (issue 15). Returns that old entry when
  // another caller is already rendering `key`. Otherwise returns null, and
  // when `claimed` is given and an old entry exists, claims the rendering
  // (*claimed = true): the caller must then Store or Unclaim. An entry is
  // served this way only up to kStaleForMs past max_age.
  std::shared_ptr<const Entry> FindStale(const std::string& key, std::uint64_t generation, TimestampMs now,
                                         bool* claimed);
  void Unclaim(const std::string& key);
  static constexpr TimestampMs kStaleForMs = 5000;

  // Keeps `entry` (replacing an older one for `key`). An entry larger than a
  // shard's share of max_bytes is not kept; a full shard is emptied first.
  void Store(const std::string& key, std::shared_ptr<const Entry> entry);
  Stats stats() const;

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, std::shared_ptr<const Entry>> entries;  // GUARDED_BY(mu)
    std::size_t bytes = 0;                                                  // GUARDED_BY(mu)
    std::unordered_set<std::string> rendering;  // GUARDED_BY(mu): claimed by FindStale
  };
  Shard& ShardFor(const std::string& key);

  Options options_;
  std::array<Shard, kShards> shards_;
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
  std::atomic<std::uint64_t> stores_{0};
};

}  // namespace waymark::web
