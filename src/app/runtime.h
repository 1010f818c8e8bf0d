// Runtime: the wired-up application state shared by `serve` and the other
// subcommands: the database pool, the stores, the services, and the
// injected clock and randomness.
#pragma once

#include <memory>

#include "app/config.h"
#include "core/clock.h"
#include "crypto/crypto.h"
#include "domain/accounts/account_service.h"
#include "domain/accounts/auth_service.h"
#include "i18n/countries.h"
#include "sql/sql.h"
#include "storage/account_stores.h"

namespace waymark::app {

class Runtime {
 public:
  // Opens the database named by config.db, applies pending migrations and
  // builds the services. Errors name what failed (URL, connection,
  // migration, country data).
  static Result<std::unique_ptr<Runtime>> Open(const Config& config);

  const Config& config() const { return config_; }
  sql::Database& db() { return *db_; }
  accounts::AccountService& accounts() { return *account_service_; }
  accounts::AuthService& auth() { return *auth_service_; }
  const i18n::Countries& countries() const { return *countries_; }
  Random& random() { return random_; }
  const Clock& clock() const { return clock_; }
  int migrations_applied() const { return migrations_applied_; }

 private:
  explicit Runtime(Config config) : config_(std::move(config)) {}

  Config config_;
  SystemClock clock_;
  crypto::SodiumRandom random_;
  std::unique_ptr<i18n::Countries> countries_;
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<storage::AccountStores> stores_;
  std::unique_ptr<accounts::AccountService> account_service_;
  std::unique_ptr<accounts::AuthService> auth_service_;
  int migrations_applied_ = 0;
};

}  // namespace waymark::app
