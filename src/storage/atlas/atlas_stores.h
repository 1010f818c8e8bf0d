// The Atlas's stores (domain/atlas/stores.h) over sql::Database. The SQL is
// shared by both backends; see storage/migrations/0007_atlas.sql for the
// tables. A row holds the columns the store filters and orders by, and the
// rest as JSON in `body`.
#pragma once

#include <memory>

#include "domain/atlas/stores.h"
#include "sql/sql.h"

namespace waymark::storage {

// Owns one instance of each store; all borrow `db`, which must outlive
// them. Thread-safe.
class AtlasStores {
 public:
  explicit AtlasStores(sql::Database& db);
  ~AtlasStores();
  AtlasStores(const AtlasStores&) = delete;
  AtlasStores& operator=(const AtlasStores&) = delete;

  atlas::Stores stores();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace waymark::storage
