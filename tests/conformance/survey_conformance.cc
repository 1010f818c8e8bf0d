// The survey store and service over the real stores, run against each
// backend: sqlite/SurveyTest and postgres/SurveyTest (PostgreSQL needs
// WAYMARK_TEST_PG_URL). See backend.h. Wired as src/app/runtime.cc wires it.
//
// Organisations: jed (ana, a member) and ami (bea, an editor); sam belongs to
// none; root is a platform administrator.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "backend.h"
#include "crypto/crypto.h"
#include "domain/accounts/account_service.h"
#include "domain/survey/survey_service.h"
#include "i18n/countries.h"
#include "storage/accounts/account_stores.h"
#include "storage/copy.h"
#include "storage/survey/survey_stores.h"

namespace waymark::conformance {
namespace {

using accounts::AccountService;
using accounts::Actor;
using accounts::Organisation;
using accounts::OrganisationInput;
using accounts::User;
using survey::AnswerInput;
using survey::Batch;
using survey::BatchInput;
using survey::BatchState;
using survey::ResultsFilter;
using survey::SurveyService;
using Kind = Status::Kind;

::testing::AssertionResult HasFieldCode(const Status& s, const std::string& field, const std::string& code) {
  if (s.kind() != Kind::kValidation)
    return ::testing::AssertionFailure() << "expected validation, got " << Describe(s);
  auto it = s.field_codes().find(field);
  if (it == s.field_codes().end())
    return ::testing::AssertionFailure() << "no error for " << field << ": " << Describe(s);
  if (it->second.code != code) return ::testing::AssertionFailure() << field << ": got " << it->second.code;
  return ::testing::AssertionSuccess();
}

AnswerInput Good(const std::string& origin = "NER", const std::string& env = "main") {
  AnswerInput in;
  in.consent = "yes";
  in.lang = "fr";
  in.origin = origin;
  in.destination = "LBY";
  in.year = "2021";
  in.month = "3";
  in.age_band = "18-29";
  in.gender = "woman";
  in.reasons = {"work"};
  in.env_reason = env;
  if (env == "main" || env == "one_of") {
    in.env_factors = {"drought", "crops"};
    in.env_how = "slow";
  }
  return in;
}

class SurveyTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(IsOk(crypto::Init()));
    auto countries = i18n::Countries::Load(i18n::kDefaultIsoCodesJsonPath, i18n::Countries::DefaultMoPaths());
    ASSERT_TRUE(IsOk(countries));
    countries_ = std::move(countries).value();
    account_stores_ = std::make_unique<storage::AccountStores>(db());
    stores_ = account_stores_->stores();
    accounts_ = std::make_unique<AccountService>(stores_, clock_, *countries_, crypto::PasswordPolicy{});
    survey_stores_ = std::make_unique<storage::SurveyStores>(db());
    survey::SurveyOptions options;
    options.min_cell = 5;
    options.max_answers_per_hour = 30;
    service_ = std::make_unique<SurveyService>(stores_, survey_stores_->store(), clock_, random_, *countries_,
                                               options);
    clock_.SetMs(1'700'000'000'000);  // November 2023
    jed_ = AddOrg("jed");
    ami_ = AddOrg("ami");
    ana_ = AddUser("ana@example.org");
    bea_ = AddUser("bea@example.org");
    sam_ = AddUser("sam@example.org");
    root_ = AddUser("root@example.org", true);
    EXPECT_TRUE(IsOk(accounts_->SetMembership(Actor::Cli(), ana_.id, "jed", "member")));
    EXPECT_TRUE(IsOk(accounts_->SetMembership(Actor::Cli(), bea_.id, "ami", "editor")));
  }
  void TearDown() override {
    service_.reset();
    survey_stores_.reset();
    accounts_.reset();
    account_stores_.reset();
    BackendTest::TearDown();
  }

  Organisation AddOrg(const std::string& slug) {
    OrganisationInput in;
    in.slug = slug;
    in.name = "Org " + slug;
    in.kind = "cso";
    auto created = accounts_->CreateOrganisation(Actor::Cli(), in);
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : Organisation{};
  }
  User AddUser(const std::string& email, bool admin = false) {
    accounts::NewUser nu;
    nu.email = email;
    nu.name = email;
    nu.password_hash = "x";
    nu.is_admin = admin;
    auto u = stores_.users->Create(nu);
    EXPECT_TRUE(IsOk(u));
    return u.ok() ? *u : User{};
  }
  Actor As(const User& u) {
    auto fresh = stores_.users->FindById(u.id);
    EXPECT_TRUE(IsOk(fresh));
    return Actor::ForUser(fresh.ok() ? *fresh : u, "req");
  }
  Batch Open(const User& u, const std::string& org, const std::string& label = "Agadez") {
    auto b = service_->OpenBatch(As(u), BatchInput{org, label, "NER", "fr"});
    EXPECT_TRUE(IsOk(b));
    return b.ok() ? *b : Batch{};
  }
  void Answer(const Batch& b, int n, const std::string& origin = "NER", const std::string& env = "main") {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(IsOk(service_->Submit(Actor::Anonymous("r"), b.token, Good(origin, env), "")));
    }
  }
  survey::Results Results(ResultsFilter f = {}) {
    auto r = service_->ComputeResults(std::move(f));
    EXPECT_TRUE(IsOk(r));
    return r.ok() ? *r : survey::Results{};
  }
  static const survey::Table& Table(const survey::Results& r, const std::string& name) {
    for (const auto& t : r.tables) {
      if (t.name == name) return t;
    }
    throw std::runtime_error("no table " + name);
  }
  static const survey::Cell& CellOf(const survey::Table& t, const std::string& key) {
    for (const auto& c : t.cells) {
      if (c.key == key) return c;
    }
    throw std::runtime_error("no cell " + key);
  }

  std::unique_ptr<i18n::Countries> countries_;
  std::unique_ptr<storage::AccountStores> account_stores_;
  accounts::Stores stores_{};
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<storage::SurveyStores> survey_stores_;
  std::unique_ptr<SurveyService> service_;
  crypto::SodiumRandom random_;
  Organisation jed_, ami_;
  User ana_, bea_, sam_, root_;
};

TEST_F(SurveyTest, MembersOpenBatchesWithAPrivateTokenAndOthersCannot) {
  Batch b = Open(ana_, "jed");
  EXPECT_EQ(b.token.size(), 48u);
  EXPECT_EQ(b.org_slug, "jed");
  EXPECT_EQ(b.state, BatchState::kOpen);
  EXPECT_TRUE(
      HasKind(service_->OpenBatch(As(sam_), BatchInput{"jed", "x", "NER", "en"}), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->OpenBatch(Actor::Anonymous("r"), BatchInput{"jed", "x", "NER", "en"}),
                      Kind::kUnauthenticated));
  auto bad = service_->OpenBatch(As(ana_), BatchInput{"nope", "", "ZZZ", "de"});
  EXPECT_TRUE(HasFieldCode(bad.status(), "organisation", "org_unknown"));
  EXPECT_TRUE(HasFieldCode(bad.status(), "label", "required"));
  EXPECT_TRUE(HasFieldCode(bad.status(), "country", "country_unknown"));
  EXPECT_TRUE(HasFieldCode(bad.status(), "lang", "locale_unknown"));
  EXPECT_TRUE(HasKind(service_->GetBatch(As(bea_), b.id), Kind::kPermissionDenied));
  EXPECT_TRUE(IsOk(service_->GetBatch(As(root_), b.id)));
  auto mine = service_->ListBatches(As(ana_));
  ASSERT_TRUE(IsOk(mine));
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].id, b.id);
  EXPECT_TRUE(service_->ListBatches(As(sam_))->empty());
}

TEST_F(SurveyTest, WithoutConsentNothingIsStoredAndNothingElseIsChecked) {
  Batch b = Open(ana_, "jed");
  AnswerInput in;  // everything empty
  in.consent = "no";
  auto r = service_->Submit(Actor::Anonymous("r"), b.token, in, "");
  EXPECT_TRUE(HasFieldCode(r.status(), "consent", "sv_consent"));
  EXPECT_EQ(r.status().field_codes().size(), 1u);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM survey_answers"), 0);
}

TEST_F(SurveyTest, BadFieldsAreEachNamed) {
  Batch b = Open(ana_, "jed");
  AnswerInput in = Good();
  in.origin = "XXX";
  in.destination = "";
  in.year = "1900";
  in.month = "13";
  in.age_band = "25";
  in.gender = "robot";
  in.reasons = {"bored"};
  in.env_factors = {"volcano"};
  in.env_how = "";
  auto r = service_->Submit(Actor::Anonymous("r"), b.token, in, "");
  EXPECT_TRUE(HasFieldCode(r.status(), "origin", "country_unknown"));
  EXPECT_TRUE(HasFieldCode(r.status(), "destination", "required"));
  EXPECT_TRUE(HasFieldCode(r.status(), "year", "sv_year_range"));
  EXPECT_TRUE(HasFieldCode(r.status(), "month", "sv_month_range"));
  EXPECT_TRUE(HasFieldCode(r.status(), "age_band", "sv_choice"));
  EXPECT_TRUE(HasFieldCode(r.status(), "gender", "sv_choice"));
  EXPECT_TRUE(HasFieldCode(r.status(), "reasons", "sv_choice"));
  EXPECT_TRUE(HasFieldCode(r.status(), "env_factors", "sv_choice"));
  EXPECT_TRUE(HasFieldCode(r.status(), "env_how", "required"));
  AnswerInput no = Good("NER", "no");
  no.env_factors = {"floods"};
  EXPECT_TRUE(HasFieldCode(service_->Submit(Actor::Anonymous("r"), b.token, no, "").status(), "env_factors",
                           "sv_env_not_reason"));
  AnswerInput future = Good();
  future.year = "2024";  // the clock says 2023
  EXPECT_TRUE(HasFieldCode(service_->Submit(Actor::Anonymous("r"), b.token, future, "").status(), "year",
                           "sv_year_range"));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM survey_answers"), 0);
}

TEST_F(SurveyTest, AnAnswerKeepsCodesOnlyAndTheBatchsContext) {
  Batch b = Open(ana_, "jed");
  AnswerInput in = Good();
  in.reasons = {"work", "family"};  // environment added: it was the main reason
  auto a = service_->Submit(Actor::Anonymous("r"), b.token, in, "addr-hash");
  ASSERT_TRUE(IsOk(a));
  EXPECT_EQ(a->org_id, jed_.id);
  EXPECT_EQ(a->interview_country, "NER");
  EXPECT_EQ(a->reasons, (std::vector<std::string>{"environment", "family", "work"}));
  auto rows = survey_stores_->store().ListAnswers({});
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].env_factors, (std::vector<std::string>{"crops", "drought"}));
  EXPECT_EQ((*rows)[0].month_left, 3);
  EXPECT_EQ((*rows)[0].lang, "fr");
  auto batch = service_->GetBatch(As(ana_), b.id);
  EXPECT_EQ(batch->answers, 1);
}

TEST_F(SurveyTest, ClosedBatchesRefuseAnswersAndUnknownLinksAreNotFound) {
  Batch b = Open(ana_, "jed");
  EXPECT_TRUE(HasKind(service_->CloseBatch(As(bea_), b.id), Kind::kPermissionDenied));
  ASSERT_TRUE(IsOk(service_->CloseBatch(As(ana_), b.id)));
  EXPECT_TRUE(HasKind(service_->Submit(Actor::Anonymous("r"), b.token, Good(), ""), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->CloseBatch(As(ana_), b.id), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->BatchForLink(std::string(48, 'a')), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->BatchForLink("short"), Kind::kNotFound));
}

TEST_F(SurveyTest, TheHourlyLimitIsPerAddressAndBatch) {
  Batch b = Open(ana_, "jed");
  for (int i = 0; i < 30; ++i)
    ASSERT_TRUE(IsOk(service_->Submit(Actor::Anonymous("r"), b.token, Good(), "a1")));
  EXPECT_TRUE(
      HasKind(service_->Submit(Actor::Anonymous("r"), b.token, Good(), "a1"), Kind::kTooManyRequests));
  EXPECT_TRUE(IsOk(service_->Submit(Actor::Anonymous("r"), b.token, Good(), "a2")));
  clock_.AdvanceMs(3600 * 1000 + 1);
  EXPECT_TRUE(IsOk(service_->Submit(Actor::Anonymous("r"), b.token, Good(), "a1")));
}

TEST_F(SurveyTest, ResultsSuppressSmallCellsAtTheConfiguredMinimum) {
  Batch b = Open(ana_, "jed");
  Answer(b, 3);
  auto few = Results();
  EXPECT_TRUE(few.total_suppressed);
  EXPECT_TRUE(few.tables.empty());
  Answer(b, 7, "MLI", "no");
  Answer(b, 1, "SEN", "one_of");
  auto r = Results();
  EXPECT_EQ(r.total, 11);
  const auto& origin = Table(r, "origin");
  EXPECT_TRUE(CellOf(origin, "NER").suppressed);
  EXPECT_TRUE(CellOf(origin, "SEN").suppressed);
  EXPECT_FALSE(CellOf(origin, "MLI").suppressed);
  EXPECT_EQ(CellOf(origin, "MLI").count, 7);
  // Filters: by origin, year and organisation.
  EXPECT_EQ(Results({"MLI", std::nullopt, "", std::nullopt}).total, 7);
  EXPECT_TRUE(Results({"NER", std::nullopt, "", std::nullopt}).total_suppressed);
  EXPECT_EQ(Results({"", 2021, "jed", std::nullopt}).total, 11);
  EXPECT_EQ(Results({"", 2020, "", std::nullopt}).total, 0);
  EXPECT_TRUE(HasFieldCode(service_->ComputeResults({"", std::nullopt, "nope", std::nullopt}).status(),
                           "organisation", "org_unknown"));
  EXPECT_TRUE(HasFieldCode(service_->ComputeResults({"QQQ", std::nullopt, "", std::nullopt}).status(),
                           "origin", "country_unknown"));
}

TEST_F(SurveyTest, WithdrawingDeletesTheAnswersAuditsAndTheAggregatesFollow) {
  Batch keep = Open(ana_, "jed", "kept");
  Batch drop = Open(ana_, "jed", "dropped");
  Answer(keep, 6);
  Answer(drop, 9);
  EXPECT_EQ(Results().total, 15);
  EXPECT_TRUE(HasKind(service_->WithdrawBatch(As(bea_), drop.id, "not theirs"), Kind::kPermissionDenied));
  EXPECT_TRUE(HasFieldCode(service_->WithdrawBatch(As(ana_), drop.id, "  ").status(), "reason", "required"));
  auto w = service_->WithdrawBatch(As(ana_), drop.id, "entered twice");
  ASSERT_TRUE(IsOk(w));
  EXPECT_EQ(w->state, BatchState::kWithdrawn);
  EXPECT_EQ(w->withdrawn_answers, 9);
  EXPECT_EQ(w->answers, 0);
  EXPECT_EQ(Results().total, 6);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM survey_answers WHERE batch_id = $1", {drop.id}), 0);
  EXPECT_TRUE(HasKind(service_->BatchForLink(drop.token), Kind::kNotFound));
  EXPECT_TRUE(HasKind(service_->WithdrawBatch(As(ana_), drop.id, "again"), Kind::kConflict));
  EXPECT_EQ(
      CountRows("SELECT COUNT(*) FROM audit_log WHERE action = 'survey_batch.withdraw' AND entity_id = $1",
                {std::to_string(drop.id)}),
      1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log WHERE action = 'survey_answer.add'"), 15);
  EXPECT_TRUE(IsOk(service_->WithdrawBatch(As(root_), keep.id, "administrator")));
  EXPECT_EQ(Results().total, 0);
}

TEST_F(SurveyTest, AnswersRacingAWithdrawalAreEitherDeletedOrRefused) {
  Batch b = Open(ana_, "jed");
  std::atomic<int> stored{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&] {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < 15; ++i) {
        auto r = service_->Submit(Actor::Anonymous("r"), b.token, Good(), "");
        if (r.ok()) {
          ++stored;
        } else if (!HasKind(r, Kind::kConflict) && !HasKind(r, Kind::kNotFound)) {
          ADD_FAILURE() << Describe(r.status());
        }
      }
    });
  }
  go = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto w = service_->WithdrawBatch(As(ana_), b.id, "race");
  for (auto& t : writers) t.join();
  ASSERT_TRUE(IsOk(w));
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM survey_answers"), 0);
  EXPECT_LE(w->withdrawn_answers, stored.load());
  EXPECT_EQ(Results().total, 0);
}

TEST_F(SurveyTest, WaymarkCopyCarriesTheSurveyTables) {
  Batch b = Open(ana_, "jed");
  Answer(b, 2);
  auto target = TestDatabase::Create(backend(), true, clock_);
  ASSERT_TRUE(IsOk(target));
  auto report = storage::CopyDatabase(db(), (*target)->db(), false, 100, {});
  ASSERT_TRUE(IsOk(report));
  storage::SurveyStores copied((*target)->db());
  auto answers = copied.store().ListAnswers({});
  ASSERT_TRUE(IsOk(answers));
  EXPECT_EQ(answers->size(), 2u);
  auto batch = copied.store().FindBatchByToken(b.token);
  ASSERT_TRUE(IsOk(batch));
  EXPECT_EQ(batch->answers, 2);
}

}  // namespace
}  // namespace waymark::conformance
