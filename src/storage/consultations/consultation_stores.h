// The consultations module's store (domain/consultations/stores.h) over
// sql::Database. The SQL is shared by both backends; see
// storage/migrations/0010_consultations.sql for the tables.
#pragma once

#include <memory>

#include "domain/consultations/stores.h"
#include "sql/sql.h"

namespace waymark::storage {

// Borrows `db`, which must outlive it. Thread-safe.
class ConsultationStores {
 public:
  explicit ConsultationStores(sql::Database& db);
  ~ConsultationStores();
  ConsultationStores(const ConsultationStores&) = delete;
  ConsultationStores& operator=(const ConsultationStores&) = delete;

  consultations::ConsultationStore& store();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace waymark::storage
