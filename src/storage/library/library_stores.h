// The library module's stores (domain/library/stores.h) over sql::Database.
// The SQL is shared by both backends; see storage/migrations/0006_library.sql
// for the tables. An item is one row: the columns the store filters and
// orders by, the rest as JSON in `body`, and its reference as CSL-JSON in
// `csl`.
#pragma once

#include <memory>

#include "domain/library/stores.h"
#include "sql/sql.h"

namespace waymark::storage {

// Owns one instance of each store; all borrow `db`, which must outlive
// them. Thread-safe.
class LibraryStores {
 public:
  explicit LibraryStores(sql::Database& db);
  ~LibraryStores();
  LibraryStores(const LibraryStores&) = delete;
  LibraryStores& operator=(const LibraryStores&) = delete;

  library::ItemStore& items();
  library::TermStore& terms();
  library::Stores stores();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace waymark::storage
