// The futures module's store (domain/futures/stores.h) over sql::Database.
// The SQL is shared by both backends; see
// storage/migrations/0011_futures.sql for the tables.
#pragma once

#include <memory>

#include "domain/futures/stores.h"
#include "sql/sql.h"

namespace waymark::storage {

// Borrows `db`, which must outlive it. Thread-safe.
class FuturesStores {
 public:
  explicit FuturesStores(sql::Database& db);
  ~FuturesStores();
  FuturesStores(const FuturesStores&) = delete;
  FuturesStores& operator=(const FuturesStores&) = delete;

  futures::FuturesStore& store();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace waymark::storage
