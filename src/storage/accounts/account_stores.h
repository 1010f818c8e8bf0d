// The accounts module's stores over sql::Database. The SQL is shared by both
// backends; see sql/sql.h for the placeholder convention.
#pragma once

#include <memory>

#include "domain/accounts/stores.h"
#include "sql/sql.h"

namespace waymark::storage {

// Owns one instance of each store; all borrow `db`, which must outlive them.
class AccountStores {
 public:
  explicit AccountStores(sql::Database& db);
  ~AccountStores();
  accounts::Stores stores();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace waymark::storage
