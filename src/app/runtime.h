// Runtime: the wired-up application state shared by `serve` and the other
// subcommands: the database pool, the stores, the services, and the
// injected clock and randomness.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "app/config.h"
#include "core/clock.h"
#include "crypto/crypto.h"
#include "domain/accounts/account_service.h"
#include "domain/accounts/auth_service.h"
#include "domain/atlas/atlas_service.h"
#include "domain/campaigns/campaign_service.h"
#include "domain/consultations/consultation_service.h"
#include "domain/evidence/evidence_service.h"
#include "domain/exchange/exchange_service.h"
#include "domain/forecasts/forecast_service.h"
#include "domain/futures/futures_service.h"
#include "domain/library/library_service.h"
#include "domain/practices/practice_service.h"
#include "domain/search/search.h"
#include "domain/survey/survey_service.h"
#include "domain/thesaurus/thesaurus_service.h"
#include "i18n/countries.h"
#include "mail/smtp_mailer.h"
#include "sql/sql.h"
#include "storage/accounts/account_stores.h"
#include "storage/atlas/atlas_stores.h"
#include "storage/campaigns/campaign_stores.h"
#include "storage/consultations/consultation_stores.h"
#include "storage/evidence/evidence_stores.h"
#include "storage/exchange/exchange_stores.h"
#include "storage/forecasts/forecast_stores.h"
#include "storage/futures/futures_stores.h"
#include "storage/library/library_stores.h"
#include "storage/practices/practice_stores.h"
#include "storage/survey/survey_stores.h"
#include "storage/thesaurus/thesaurus_stores.h"

namespace waymark::app {

// The SMTP settings of `config` (smtp_*).
mail::SmtpOptions SmtpOptionsFrom(const Config& config);

class Runtime {
 public:
  // Opens the database named by config.db, applies pending migrations and
  // builds the services. Errors name what failed (URL, connection,
  // migration, country data).
  static Result<std::unique_ptr<Runtime>> Open(const Config& config);

  // Opens the search index (config.search_dir; each instance needs its
  // own), rebuilds it from the database when it is new, and applies the
  // changes it has not seen. Only `serve` and `reindex` open it: the index
  // takes a write lock.
  Status OpenSearch(const std::function<void(std::int64_t, std::int64_t)>& progress = {});
  // Rebuilds the opened index from the database.
  Status RebuildSearch(const std::function<void(std::int64_t, std::int64_t)>& progress);
  search::Indexer* indexer() { return indexer_.get(); }
  search::Index* index() { return index_.get(); }
  // Gives the opened index the thesaurus's approved concepts as synonyms,
  // when they changed since it last did (`force`: whatever the store's
  // stamp says). The thesaurus calls it after each change this process
  // makes; serve's catch-up loop, for other instances' changes. Thread-safe.
  Status RefreshThesaurus(bool force);
  // How many times the index took in a new thesaurus: cached search pages
  // are stale once it moves (serve's content generation).
  std::uint64_t thesaurus_swaps() const { return thesaurus_swaps_.load(std::memory_order_acquire); }

  const Config& config() const { return config_; }
  sql::Database& db() { return *db_; }
  accounts::AccountService& accounts() { return *account_service_; }
  accounts::AuthService& auth() { return *auth_service_; }
  accounts::Stores account_stores() { return stores_->stores(); }
  campaigns::CampaignService& campaigns() { return *campaign_service_; }
  exchange::ExchangeService& exchange() { return *exchange_service_; }
  storage::ExchangeStores& exchange_stores() { return *exchange_stores_; }
  evidence::EvidenceService& evidence() { return *evidence_service_; }
  practices::PracticeService& practices() { return *practice_service_; }
  library::LibraryService& library() { return *library_service_; }
  survey::SurveyService& survey() { return *survey_service_; }
  consultations::ConsultationService& consultations() { return *consultation_service_; }
  consultations::ConsultationStore& consultation_store() { return consultation_stores_->store(); }
  futures::FuturesService& futures() { return *futures_service_; }
  // Scenarios and runs; its job runner starts with StartForecasts().
  forecasts::ForecastService& forecasts() { return *forecast_service_; }
  // Marks interrupted the runs whose heartbeat is older than the lease (a
  // crashed process's) and starts the runner (serve only). Returns how many
  // were interrupted.
  Result<int> StartForecasts() { return forecast_service_->Start(); }
  consultations::DocumentLibrary& consultation_documents() { return *consultation_documents_; }
  // Extracts the text of PDFs (wm_pdf); shared, thread-safe.
  library::TextExtractor& pdf_extractor() { return *pdf_extractor_; }
  atlas::AtlasService& atlas() { return *atlas_service_; }
  thesaurus::ThesaurusService& thesaurus() { return *thesaurus_service_; }
  // Outgoing mail (config.smtp_*), or nullptr when smtp_host is empty.
  mail::SmtpMailer* mailer() { return mailer_.get(); }
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
  std::unique_ptr<storage::CampaignStores> campaign_stores_;
  std::unique_ptr<storage::ExchangeStores> exchange_stores_;
  std::unique_ptr<campaigns::CampaignService> campaign_service_;
  std::unique_ptr<exchange::ExchangeService> exchange_service_;
  std::unique_ptr<storage::SqlEvidenceStore> evidence_store_;
  std::unique_ptr<evidence::EvidenceService> evidence_service_;
  std::unique_ptr<storage::PracticeStores> practice_stores_;
  std::unique_ptr<practices::PracticeService> practice_service_;
  std::unique_ptr<practices::PracticeDocuments> practice_documents_;
  std::unique_ptr<storage::LibraryStores> library_stores_;
  std::unique_ptr<library::LibraryService> library_service_;
  std::unique_ptr<library::LibraryDocuments> library_documents_;
  std::unique_ptr<library::TextExtractor> pdf_extractor_;
  std::unique_ptr<storage::AtlasStores> atlas_stores_;
  std::unique_ptr<atlas::References> atlas_references_;
  std::unique_ptr<atlas::AtlasService> atlas_service_;
  std::unique_ptr<storage::SurveyStores> survey_stores_;
  std::unique_ptr<survey::SurveyService> survey_service_;
  std::unique_ptr<storage::ConsultationStores> consultation_stores_;
  std::unique_ptr<consultations::DocumentLibrary> consultation_documents_;
  std::unique_ptr<consultations::ConsultationService> consultation_service_;
  std::unique_ptr<storage::FuturesStores> futures_stores_;
  std::unique_ptr<futures::FuturesService> futures_service_;
  std::unique_ptr<storage::ForecastStores> forecast_stores_;
  std::unique_ptr<forecasts::ForecastService> forecast_service_;
  std::unique_ptr<storage::ThesaurusStores> thesaurus_stores_;
  std::unique_ptr<thesaurus::ThesaurusService> thesaurus_service_;
  std::mutex thesaurus_mu_;      // one refresh at a time, so the newest snapshot is the one kept
  std::string thesaurus_stamp_;  // of the snapshot the index has; guarded by thesaurus_mu_
  std::atomic<std::uint64_t> thesaurus_swaps_{0};
  std::unique_ptr<mail::SmtpMailer> mailer_;
  std::unique_ptr<campaigns::CampaignDocuments> campaign_documents_;
  std::unique_ptr<exchange::PostDocuments> post_documents_;
  search::CompositeSource documents_;
  std::unique_ptr<search::Index> index_;
  std::unique_ptr<search::Indexer> indexer_;
  int migrations_applied_ = 0;
};

}  // namespace waymark::app
