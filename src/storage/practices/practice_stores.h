// The practices module's stores (domain/practices/stores.h) over
// sql::Database. The SQL is shared by both backends; see sql/sql.h for the
// placeholder convention and storage/migrations/0005_practices.sql for the
// tables. A practice is one row: the columns the store filters and orders by,
// and the rest as JSON in `body` (revision snapshots use the same encoding).
#pragma once

#include <memory>

#include "core/clock.h"
#include "domain/practices/stores.h"
#include "sql/sql.h"

namespace waymark::storage {

// Owns one instance of each store; all borrow `db` (and `clock`), which must
// outlive them. The clock stamps files given no created_at; without one, the
// system clock is used. Thread-safe.
class PracticeStores {
 public:
  explicit PracticeStores(sql::Database& db);
  PracticeStores(sql::Database& db, const Clock& clock);
  ~PracticeStores();
  PracticeStores(const PracticeStores&) = delete;
  PracticeStores& operator=(const PracticeStores&) = delete;

  practices::PracticeStore& practices();
  practices::TermStore& terms();
  // Both, borrowed from this object.
  practices::Stores stores();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace waymark::storage
