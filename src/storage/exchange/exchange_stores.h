// The idea exchange's stores (threads and posts, working groups, follows,
// notifications, reports) over sql::Database. The SQL is shared by both
// backends; see sql/sql.h for the placeholder convention.
#pragma once

#include <memory>

#include "domain/exchange/stores.h"
#include "sql/sql.h"

namespace waymark::storage {

// Owns one instance of each store; all borrow `db`, which must outlive them.
class ExchangeStores {
 public:
  explicit ExchangeStores(sql::Database& db);
  ~ExchangeStores();
  ExchangeStores(const ExchangeStores&) = delete;
  ExchangeStores& operator=(const ExchangeStores&) = delete;

  exchange::ExchangeStores stores();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace waymark::storage
