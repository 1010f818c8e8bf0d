// The thesaurus's store (domain/thesaurus/stores.h) over sql::Database. The
// SQL is shared by both backends; see storage/migrations/0016_thesaurus.sql.
#pragma once

#include <memory>

#include "domain/thesaurus/stores.h"
#include "sql/sql.h"

namespace waymark::storage {

// Borrows `db`, which must outlive it. Thread-safe.
class ThesaurusStores {
 public:
  explicit ThesaurusStores(sql::Database& db);
  ~ThesaurusStores();
  ThesaurusStores(const ThesaurusStores&) = delete;
  ThesaurusStores& operator=(const ThesaurusStores&) = delete;

  thesaurus::ConceptStore& concepts();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace waymark::storage
