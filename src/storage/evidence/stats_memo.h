// StatsMemo: answers of evidence stats queries, kept under a key that holds
// the query and the versions of the datasets it read
// (evidence_stats_versions), so an entry is never stale: a write moves the
// version and later lookups use another key. Old keys are never asked for
// again and age out: the least recently used entries go first when the
// entries' bytes pass the budget.
//
// Thread-safe: one mutex around the map; entries are shared immutable.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "domain/evidence/stores.h"

namespace waymark::storage {

class StatsMemo {
 public:
  explicit StatsMemo(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  bool enabled() const { return max_bytes_ > 0; }
  // The table kept under `key`, or null.
  std::shared_ptr<const evidence::StatsTable> Find(const std::string& key);
  // Keeps `table` under `key`; a table larger than the whole budget is not kept.
  void Store(const std::string& key, const evidence::StatsTable& table);
  std::size_t bytes() const;
  std::size_t size() const;

  // About what an entry costs in memory: its key, rows, keys and values.
  static std::size_t Cost(const std::string& key, const evidence::StatsTable& table);

 private:
  struct Entry {
    std::shared_ptr<const evidence::StatsTable> table;
    std::size_t bytes = 0;
    std::list<std::string>::iterator age;  // its place in lru_
  };
  const std::size_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // under mu_
  std::list<std::string> lru_;                      // keys, most recently used first; under mu_
  std::size_t bytes_ = 0;                           // under mu_
};

}  // namespace waymark::storage
