#include "web/page_cache.h"

#include <functional>

namespace waymark::web {
namespace {

std::size_t SizeOf(const std::string& key, const PageCache::Entry& e) {
  std::size_t n = key.size() + e.response.body.size() + (e.gzip ? e.gzip->compressed_bytes() : 0);
  for (const auto& [k, v] : e.response.headers) n += k.size() + v.size();
  return n;
}

}  // namespace

PageCache::PageCache(Options options) : options_(options) {}

PageCache::Shard& PageCache::ShardFor(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

std::shared_ptr<const PageCache::Entry> PageCache::Find(const std::string& key, std::uint64_t generation,
                                                        TimestampMs now, bool count_miss) {
  Shard& shard = ShardFor(key);
  std::shared_ptr<const Entry> found;
  {
    std::lock_guard lock(shard.mu);
    auto it = shard.entries.find(key);
    if (it != shard.entries.end()) found = it->second;
  }
  if (found && found->generation == generation && now - found->stored_at < options_.max_age_ms &&
      now >= found->stored_at) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    return found;
  }
  if (count_miss) misses_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

std::shared_ptr<const PageCache::Entry> PageCache::FindStale(const std::string& key, std::uint64_t generation,
                                                             TimestampMs now, bool* claimed) {
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mu);
  auto it = shard.entries.find(key);
  if (it == shard.entries.end()) return nullptr;
  const Entry& e = *it->second;
  if (e.generation != generation || now < e.stored_at ||
      now - e.stored_at >= options_.max_age_ms + kStaleForMs)
    return nullptr;
  if (shard.rendering.count(key) > 0) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    return it->second;
  }
  if (claimed != nullptr) {
    shard.rendering.insert(key);
    *claimed = true;
  }
  return nullptr;
}

void PageCache::Unclaim(const std::string& key) {
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mu);
  shard.rendering.erase(key);
}

void PageCache::Store(const std::string& key, std::shared_ptr<const Entry> entry) {
  if (!enabled() || !entry) return;
  const std::size_t size = SizeOf(key, *entry);
  const std::size_t budget = options_.max_bytes / kShards;
  if (size > budget) return;
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mu);
  auto it = shard.entries.find(key);
  if (it != shard.entries.end()) {
    // Never replace a newer rendering with one made at an older generation.
    if (it->second->generation > entry->generation) return;
    shard.bytes -= SizeOf(key, *it->second);
    shard.entries.erase(it);
  }
  if (shard.bytes + size > budget) {
    // Bounded and simple: a full shard starts again (its pages are rendered
    // again on their next request).
    shard.entries.clear();
    shard.bytes = 0;
  }
  shard.rendering.erase(key);
  shard.bytes += size;
  shard.entries.emplace(key, std::move(entry));
  stores_.fetch_add(1, std::memory_order_relaxed);
}

PageCache::Stats PageCache::stats() const {
  Stats s;
  s.hits = hits_.load(std::memory_order_relaxed);
  s.misses = misses_.load(std::memory_order_relaxed);
  s.stores = stores_.load(std::memory_order_relaxed);
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    s.bytes += shard.bytes;
  }
  return s;
}

}  // namespace waymark::web
