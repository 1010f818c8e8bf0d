#include "app/runtime.h"

#include "storage/migrations.h"
#include "storage/open.h"

namespace waymark::app {

Result<std::unique_ptr<Runtime>> Runtime::Open(const Config& config) {
  WM_RETURN_IF_ERROR(crypto::Init());
  std::unique_ptr<Runtime> rt(new Runtime(config));
  std::map<std::string, std::string> mo;
  for (const char* lang : {"fr", "es"}) {
    mo[lang] = config.locale_dir + "/" + lang + "/LC_MESSAGES/iso_3166-1.mo";
  }
  auto countries = i18n::Countries::Load(config.iso_codes_json, mo);
  if (!countries.ok()) return countries.status().WithContext("country names (install Debian's iso-codes)");
  rt->countries_ = std::move(countries).value();

  storage::PoolOptions pool;
  pool.size = config.db_pool_size;
  pool.acquire_timeout_ms = config.db_acquire_timeout_ms;
  auto db = storage::OpenDatabase(config.db, pool);
  if (!db.ok()) return db.status();
  rt->db_ = std::move(db).value();
  auto report = storage::Migrate(*rt->db_, rt->clock_);
  if (!report.ok()) return report.status().WithContext("migrating " + rt->db_->description());
  rt->migrations_applied_ = report->applied;

  rt->stores_ = std::make_unique<storage::AccountStores>(*rt->db_);
  crypto::PasswordPolicy policy;
  policy.memlimit_bytes = static_cast<std::size_t>(config.password_memlimit_mib) << 20;
  rt->account_service_ =
      std::make_unique<accounts::AccountService>(rt->stores_->stores(), rt->clock_, *rt->countries_, policy);
  accounts::AuthOptions auth;
  auth.session_ttl_ms = static_cast<TimestampMs>(config.session_ttl_hours) * 3600 * 1000;
  auth.max_failures_per_account = config.signin_max_failures_per_account;
  auth.max_failures_per_address = config.signin_max_failures_per_address;
  auth.failure_window_ms = static_cast<TimestampMs>(config.signin_window_minutes) * 60 * 1000;
  rt->auth_service_ =
      std::make_unique<accounts::AuthService>(rt->stores_->stores(), rt->clock_, rt->random_, auth);
  return rt;
}

}  // namespace waymark::app
