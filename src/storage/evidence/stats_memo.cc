#include "storage/evidence/stats_memo.h"

#include <utility>

namespace waymark::storage {

std::size_t StatsMemo::Cost(const std::string& key, const evidence::StatsTable& table) {
  // The map node and list node with their key copies, then each row: the
  // vectors' headers, each key string's header and text, each value.
  std::size_t bytes = 2 * key.size() + 128 + sizeof(evidence::StatsTable);
  for (const auto& row : table.rows) {
    bytes += sizeof(evidence::StatsRow) + row.values.size() * sizeof(std::int64_t);
    for (const auto& k : row.keys) bytes += sizeof(std::string) + k.size();
  }
  return bytes;
}

std::shared_ptr<const evidence::StatsTable> StatsMemo::Find(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.age);
  return it->second.table;
}

void StatsMemo::Store(const std::string& key, const evidence::StatsTable& table) {
  std::size_t cost = Cost(key, table);
  if (cost > max_bytes_) return;
  auto kept = std::make_shared<const evidence::StatsTable>(table);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = entries_.find(key); it != entries_.end()) {
    // Another thread computed it meanwhile: the same answer (same key).
    lru_.splice(lru_.begin(), lru_, it->second.age);
    return;
  }
  while (bytes_ + cost > max_bytes_ && !lru_.empty()) {
    auto old = entries_.find(lru_.back());
    bytes_ -= old->second.bytes;
    entries_.erase(old);
    lru_.pop_back();
  }
  lru_.push_front(key);
  entries_.emplace(key, Entry{std::move(kept), cost, lru_.begin()});
  bytes_ += cost;
}

std::size_t StatsMemo::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

std::size_t StatsMemo::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace waymark::storage
