// The forecasts module's store (domain/forecasts/stores.h) over
// sql::Database. The SQL is shared by both backends; see
// storage/migrations/0012_forecasts.sql for the tables.
#pragma once

#include <memory>

#include "domain/forecasts/stores.h"
#include "sql/sql.h"

namespace waymark::storage {

// Borrows `db`, which must outlive it. Thread-safe.
class ForecastStores {
 public:
  explicit ForecastStores(sql::Database& db);
  ~ForecastStores();
  ForecastStores(const ForecastStores&) = delete;
  ForecastStores& operator=(const ForecastStores&) = delete;

  forecasts::ForecastStore& store();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace waymark::storage
