#include "app/runtime.h"

#include <set>

#include "app/pdf_extractor.h"

#include "search/xapian_index.h"
#include "storage/migrations.h"
#include "storage/open.h"

namespace waymark::app {
namespace {

// What the Atlas asks of the library and the evidence module: whether the
// items and saved queries a case study cites exist (the Atlas does not
// depend on those modules).
class AtlasReferences final : public atlas::References {
 public:
  AtlasReferences(library::LibraryService& library, evidence::EvidenceService& evidence)
      : library_(library), evidence_(evidence) {}
  Result<bool> LibraryItemPublished(atlas::Id id) override {
    auto item = library_.Get(accounts::Actor::Anonymous(""), id);
    if (item.ok()) return item->lifecycle == library::Lifecycle::kPublished;
    if (item.status().IsNotFound()) return false;
    return item.status();
  }
  Result<bool> SavedQueryExists(atlas::Id id) override {
    auto q = evidence_.GetQuery(id);
    if (q.ok()) return true;
    if (q.status().IsNotFound()) return false;
    return q.status();
  }

 private:
  library::LibraryService& library_;
  evidence::EvidenceService& evidence_;
};

// Where the consultations keep their documents: published items of the
// library, in the name of the organisation that stands for the IOM (the
// consultations module does not depend on the library).
class ConsultationDocumentLibrary final : public consultations::DocumentLibrary {
 public:
  ConsultationDocumentLibrary(library::LibraryService& library, std::string org_slug)
      : library_(library), org_slug_(std::move(org_slug)) {}

  std::int64_t MaxBytes() const override { return library_.options().max_file_bytes; }

  Result<consultations::ShelvedFile> Shelve(const accounts::Actor& actor, const std::string& title,
                                            const std::string& language, int year,
                                            const std::string& filename, const ByteSource& bytes) override {
    library::ItemInput in;
    in.organisation = org_slug_;
    in.type = "report";
    in.texts = std::map<std::string, library::LocalText>{{language, library::LocalText{title, ""}}};
    in.date = std::to_string(year);
    in.doc_language = language;
    auto item = library_.Create(actor, in);
    if (!item.ok()) {
      if (item.status().fields().contains("organisation"))
        return Status::Unavailable("the library has no organisation '" + org_slug_ +
                                   "' to hold the consultations' documents");
      return item.status();
    }
    auto shelved = [&]() -> Result<library::ItemFile> {
      WM_ASSIGN_OR_RETURN(library::ItemFile f, library_.AddFile(actor, item->id, filename, bytes));
      WM_RETURN_IF_ERROR(library_.Submit(actor, item->id).status());
      WM_RETURN_IF_ERROR(library_.Publish(actor, item->id).status());
      return f;
    }();
    if (!shelved.ok()) {
      (void)library_.Archive(actor, item->id, "the consultation document could not be added");
      return shelved.status();
    }
    return Shelved(item->id, *shelved);
  }

  Result<consultations::ShelvedFile> Describe(consultations::Id item_id) override {
    WM_ASSIGN_OR_RETURN(library::Item item, library_.Get(accounts::Actor::Anonymous(""), item_id));
    if (item.files.empty()) return Status::NotFound("the library item has no file");
    return Shelved(item.id, item.files.front());
  }

  Status Withdraw(const accounts::Actor& actor, consultations::Id item_id,
                  const std::string& reason) override {
    return library_.Archive(actor, item_id, reason).status();
  }

 private:
  static consultations::ShelvedFile Shelved(consultations::Id item_id, const library::ItemFile& f) {
    return {item_id, f.id, f.filename, f.media_type, f.size, "/library/files/" + std::to_string(f.id)};
  }

  library::LibraryService& library_;
  std::string org_slug_;
};

}  // namespace

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
  auth.max_failures_per_account_all_addresses = config.signin_max_failures_per_account_all_addresses;
  auth.failure_window_ms = static_cast<TimestampMs>(config.signin_window_minutes) * 60 * 1000;
  rt->auth_service_ =
      std::make_unique<accounts::AuthService>(rt->stores_->stores(), rt->clock_, rt->random_, auth);

  rt->campaign_stores_ = std::make_unique<storage::CampaignStores>(*rt->db_, rt->clock_);
  rt->exchange_stores_ = std::make_unique<storage::ExchangeStores>(*rt->db_);
  campaigns::CampaignOptions co;
  co.max_media_bytes = static_cast<std::int64_t>(config.media_max_bytes);
  storage::CampaignStores& cs = *rt->campaign_stores_;
  rt->campaign_service_ =
      std::make_unique<campaigns::CampaignService>(rt->stores_->stores(), cs.campaigns(), cs.themes(),
                                                   cs.media(), cs.feed(), rt->clock_, *rt->countries_, co);
  exchange::ExchangeOptions eo;
  eo.report_threshold = config.report_threshold;
  rt->exchange_service_ =
      std::make_unique<exchange::ExchangeService>(rt->stores_->stores(), rt->exchange_stores_->stores(),
                                                  *rt->campaign_service_, cs.feed(), rt->clock_, eo);
  rt->campaign_service_->SetObserver(rt->exchange_service_.get());
  rt->campaign_documents_ = std::make_unique<campaigns::CampaignDocuments>(*rt->campaign_service_);
  rt->post_documents_ = std::make_unique<exchange::PostDocuments>(*rt->exchange_service_,
                                                                  *rt->exchange_stores_->stores().threads);
  rt->documents_.Add(rt->campaign_documents_.get());
  rt->documents_.Add(rt->post_documents_.get());

  rt->evidence_store_ = std::make_unique<storage::SqlEvidenceStore>(*rt->db_);
  evidence::EvidenceOptions evo;
  evo.min_cell = config.evidence_min_cell;
  rt->evidence_service_ = std::make_unique<evidence::EvidenceService>(rt->stores_->stores(),
                                                                      *rt->evidence_store_, rt->clock_, evo);

  rt->practice_stores_ = std::make_unique<storage::PracticeStores>(*rt->db_, rt->clock_);
  practices::PracticeOptions po;
  po.min_fill_ms = config.practices_min_fill_ms;
  po.max_open_per_hour = config.practices_max_open_per_hour;
  po.max_file_bytes = static_cast<std::int64_t>(config.media_max_bytes);
  rt->practice_service_ =
      std::make_unique<practices::PracticeService>(rt->stores_->stores(), rt->practice_stores_->stores(),
                                                   cs.feed(), rt->clock_, rt->random_, *rt->countries_, po);
  WM_RETURN_IF_ERROR(rt->practice_service_->SeedVocabularies().WithContext("practice vocabularies"));
  rt->practice_documents_ = std::make_unique<practices::PracticeDocuments>(*rt->practice_service_);
  rt->documents_.Add(rt->practice_documents_.get());

  rt->library_stores_ = std::make_unique<storage::LibraryStores>(*rt->db_);
  library::LibraryOptions lo;
  lo.max_file_bytes = static_cast<std::int64_t>(config.media_max_bytes);
  rt->library_service_ =
      std::make_unique<library::LibraryService>(rt->stores_->stores(), rt->library_stores_->stores(),
                                                cs.feed(), rt->clock_, rt->random_, *rt->countries_, lo);
  WM_RETURN_IF_ERROR(rt->library_service_->SeedVocabularies().WithContext("library vocabularies"));
  rt->library_documents_ = std::make_unique<library::LibraryDocuments>(*rt->library_service_);
  rt->documents_.Add(rt->library_documents_.get());
  rt->pdf_extractor_ = MakePdfExtractor();

  rt->atlas_stores_ = std::make_unique<storage::AtlasStores>(*rt->db_);
  rt->atlas_references_ = std::make_unique<AtlasReferences>(*rt->library_service_, *rt->evidence_service_);
  rt->atlas_service_ =
      std::make_unique<atlas::AtlasService>(rt->stores_->stores(), rt->atlas_stores_->stores(), rt->clock_,
                                            *rt->countries_, rt->atlas_references_.get());
  rt->survey_stores_ = std::make_unique<storage::SurveyStores>(*rt->db_);
  survey::SurveyOptions so;
  so.min_cell = config.evidence_min_cell;
  rt->survey_service_ = std::make_unique<survey::SurveyService>(
      rt->stores_->stores(), rt->survey_stores_->store(), rt->clock_, rt->random_, *rt->countries_, so);

  if (!config.smtp_host.empty())
    rt->mailer_ = std::make_unique<mail::SmtpMailer>(SmtpOptionsFrom(config), rt->clock_, rt->random_);
  // After the mailer: registrations are confirmed by e-mail when there is one.
  rt->consultation_stores_ = std::make_unique<storage::ConsultationStores>(*rt->db_);
  consultations::ConsultationOptions cno;
  cno.public_url = config.base_url;
  // A status change is news for the point's own followers and for the
  // followers of what it links to (a campaign, a thread, a working group):
  // in-app and in their digests. Points are followed in the exchange's
  // follows (kind "action_point").
  exchange::ExchangeStores ex = rt->exchange_stores_->stores();
  cno.follows = ex.follows;
  rt->consultation_documents_ =
      std::make_unique<ConsultationDocumentLibrary>(*rt->library_service_, cno.iom_slug);
  cno.documents = rt->consultation_documents_.get();
  cno.on_status_change = [exchange = rt->exchange_service_.get(), ex, &clock = rt->clock_](
                             const accounts::Actor& actor, const consultations::ActionPoint& p,
                             consultations::PointStatus) {
    std::string title = std::to_string(p.consultation_year) + "/" + p.number + ": " +
                        consultations::Pick(p.text, "en") + " (" +
                        std::string(consultations::ToString(p.status)) + ")";
    std::set<consultations::Id> told;  // through what the point links to
    for (const auto& l : p.links) {
      std::string kind = l.kind == consultations::LinkKind::kCampaign       ? "campaign"
                         : l.kind == consultations::LinkKind::kThread       ? "thread"
                         : l.kind == consultations::LinkKind::kWorkingGroup ? "group"
                                                                            : "";
      if (kind.empty()) continue;
      (void)exchange->Notify(actor, "action_point.status", {kind, l.target_id}, title);
      if (auto f = ex.follows->Followers({kind, l.target_id}); f.ok()) told.insert(f->begin(), f->end());
    }
    // The point's own followers, once each, never the actor.
    exchange::Target point{consultations::kPointFollowKind, p.id};
    auto followers = ex.follows->Followers(point);
    if (!followers.ok()) return;
    for (consultations::Id user_id : *followers) {
      if ((actor.user && actor.user->id == user_id) || told.contains(user_id)) continue;
      exchange::Notification n;
      n.user_id = user_id;
      n.event = "action_point.status";
      n.target = point;
      n.title = title;
      n.actor_name = actor.user ? actor.user->name : actor.label;
      n.created_at = clock.NowMs();
      (void)ex.notifications->Add(n);
    }
  };
  rt->consultation_service_ = std::make_unique<consultations::ConsultationService>(
      rt->stores_->stores(), rt->consultation_stores_->store(), rt->clock_, rt->random_, rt->mailer_.get(),
      cno);
  rt->futures_stores_ = std::make_unique<storage::FuturesStores>(*rt->db_);
  rt->futures_service_ = std::make_unique<futures::FuturesService>(
      rt->stores_->stores(), rt->futures_stores_->store(), rt->clock_, rt->consultation_service_.get());
  rt->forecast_stores_ = std::make_unique<storage::ForecastStores>(*rt->db_);
  forecasts::ForecastOptions fo;
  fo.workers = config.forecast_workers;
  fo.threads_per_run = config.forecast_threads_per_run;
  fo.max_active_per_user = config.forecast_max_active_per_user;
  fo.max_seeds = config.forecast_max_seeds;
  fo.max_agent_days = config.forecast_max_agent_days;
  fo.lease_ms = 1000LL * config.forecast_lease_seconds;
  fo.zip.max_archive_bytes = static_cast<long long>(config.max_body_bytes);
  rt->forecast_service_ =
      std::make_unique<forecasts::ForecastService>(rt->forecast_stores_->store(), rt->clock_, fo);
  rt->thesaurus_stores_ = std::make_unique<storage::ThesaurusStores>(*rt->db_);
  rt->thesaurus_service_ = std::make_unique<thesaurus::ThesaurusService>(
      rt->stores_->stores(), rt->thesaurus_stores_->concepts(), rt->clock_);
  // The index takes in a change before the request that made it answers. A
  // failed refresh is retried by the next catch-up (the stamp is unchanged).
  rt->thesaurus_service_->SetOnChange([runtime = rt.get()] { (void)runtime->RefreshThesaurus(true); });
  return rt;
}

mail::SmtpOptions SmtpOptionsFrom(const Config& config) {
  mail::SmtpOptions o;
  o.host = config.smtp_host;
  o.port = config.smtp_port;
  o.from = config.smtp_from;
  o.username = config.smtp_username;
  o.password = config.smtp_password;
  o.starttls = mail::ParseStartTls(config.smtp_starttls).value_or(mail::StartTls::kRequired);
  return o;
}

Status Runtime::OpenSearch(const std::function<void(std::int64_t, std::int64_t)>& progress) {
  std::string dir = SearchDirFor(config_);
  auto index = search::OpenXapianIndex(dir);
  if (!index.ok()) return index.status().WithContext("search index " + dir);
  index_ = std::move(index).value();
  indexer_ = std::make_unique<search::Indexer>(*index_, campaign_stores_->feed(), documents_);
  WM_RETURN_IF_ERROR(RefreshThesaurus(true).WithContext("thesaurus"));
  campaign_service_->SetIndex(index_.get());
  exchange_service_->SetIndex(index_.get());
  practice_service_->SetIndex(index_.get());
  library_service_->SetIndex(index_.get());
  // A new (or wiped) index is rebuilt from the database; otherwise it
  // catches up with the changes made while it was closed.
  WM_ASSIGN_OR_RETURN(std::int64_t applied, index_->AppliedSeq());
  if (applied == 0) {
    WM_ASSIGN_OR_RETURN(std::int64_t docs, index_->DocumentCount());
    if (docs == 0) WM_RETURN_IF_ERROR(indexer_->Rebuild(progress));
  }
  auto caught = indexer_->CatchUp();
  if (!caught.ok()) return caught.status().WithContext("search index catch-up");
  return Status::Ok();
}

Status Runtime::RefreshThesaurus(bool force) {
  if (!index_) return Status::Ok();  // no index in this command: nothing to give it
  std::lock_guard lock(thesaurus_mu_);
  WM_ASSIGN_OR_RETURN(std::string stamp, thesaurus_service_->Stamp());
  if (!force && stamp == thesaurus_stamp_) return Status::Ok();
  WM_ASSIGN_OR_RETURN(std::shared_ptr<const search::Thesaurus> snapshot, thesaurus_service_->Snapshot());
  index_->SetThesaurus(std::move(snapshot));
  thesaurus_stamp_ = std::move(stamp);
  thesaurus_swaps_.fetch_add(1, std::memory_order_release);
  return Status::Ok();
}

Status Runtime::RebuildSearch(const std::function<void(std::int64_t, std::int64_t)>& progress) {
  if (!indexer_) return Status::Internal("search index not open");
  WM_RETURN_IF_ERROR(indexer_->Rebuild(progress));
  return indexer_->CatchUp().status();
}

}  // namespace waymark::app
