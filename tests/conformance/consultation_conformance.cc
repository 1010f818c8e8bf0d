// The consultations store and service over the real stores, run against
// each backend: sqlite/ConsultationTest and postgres/ConsultationTest
// (PostgreSQL needs WAYMARK_TEST_PG_URL). See backend.h. Wired as
// src/app/runtime.cc wires it.
//
// Organisations: iom (ivo, a moderator), jed (ana, an editor; max, a
// moderator; mia, a member), ami (bea, an editor). root is a platform
// administrator.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "backend.h"
#include "crypto/crypto.h"
#include "domain/consultations/consultation_service.h"
#include "people.h"
#include "storage/consultations/consultation_stores.h"
#include "storage/copy.h"
#include "storage/exchange/exchange_stores.h"

namespace waymark::conformance {
namespace {

using accounts::Actor;
using accounts::Organisation;
using accounts::User;
using namespace consultations;  // NOLINT(google-build-using-namespace)
using Kind = Status::Kind;

class CapturingMailer : public exchange::Mailer {
 public:
  Status Send(const exchange::Email& e) override {
    std::lock_guard lock(mu_);
    sent_.push_back(e);
    return Status::Ok();
  }
  std::vector<exchange::Email> sent() {
    std::lock_guard lock(mu_);
    return sent_;
  }

 private:
  std::mutex mu_;
  std::vector<exchange::Email> sent_;
};

ConsultationInput Input2015() {
  ConsultationInput in;
  in.title = "Annual Consultations with civil society 2015";
  in.year = "2015";
  in.starts_on = "2015-09-18";
  in.time_zone = "Europe/Zurich";
  in.venue = "Geneva";
  in.organisers = {"IOM"};
  in.participants = {"Org jed", "Org ami"};
  in.status = "held";
  return in;
}

SessionInput SessionAt(const std::string& from, const std::string& to, const std::string& type = "plenary",
                       const std::string& title = "Opening") {
  SessionInput s;
  s.starts = "2015-09-18T" + from;
  s.ends = "2015-09-18T" + to;
  s.type = type;
  s.title = {{"en", title}, {"fr", title + " (fr)"}};
  s.moderator = Person{"A. Moderator", "Chair", "IOM"};
  s.speakers = {Person{"B. Speaker", "Director", "Org jed"}};
  s.conclusions = "Participants **agreed** on next steps.";
  return s;
}

// The library, as the consultations see it (documents.h): keeps the files
// in memory; published until withdrawn.
class FakeDocumentLibrary final : public DocumentLibrary {
 public:
  std::int64_t MaxBytes() const override { return 1000; }
  Result<ShelvedFile> Shelve(const Actor&, const std::string&, const std::string&, int,
                             const std::string& filename, const ByteSource& bytes) override {
    WM_ASSIGN_OR_RETURN(std::string all, ReadAll(bytes));
    bool pdf = all.rfind("%PDF-", 0) == 0;
    bool png = all.rfind("\x89PNG", 0) == 0;
    if (!pdf && !png) return Status::UnsupportedMediaType("not a PDF or an image");
    std::lock_guard lock(mu_);
    ShelvedFile f{next_++,
                  next_++,
                  filename,
                  pdf ? "application/pdf" : "image/png",
                  static_cast<std::int64_t>(all.size()),
                  ""};
    f.url = "/library/files/" + std::to_string(f.file_id);
    files_[f.item_id] = f;
    bytes_[f.item_id] = all;
    return f;
  }
  Result<ShelvedFile> Describe(Id item_id) override {
    std::lock_guard lock(mu_);
    auto it = files_.find(item_id);
    if (it == files_.end()) return Status::NotFound("no such item");
    return it->second;
  }
  Status Withdraw(const Actor&, Id item_id, const std::string&) override {
    std::lock_guard lock(mu_);
    if (files_.erase(item_id) == 0) return Status::NotFound("no such item");
    ++withdrawn_;
    return Status::Ok();
  }
  int withdrawn() {
    std::lock_guard lock(mu_);
    return withdrawn_;
  }
  std::string BytesOf(Id item_id) {
    std::lock_guard lock(mu_);
    return bytes_[item_id];
  }

 private:
  std::mutex mu_;
  Id next_ = 100;
  std::map<Id, ShelvedFile> files_;
  std::map<Id, std::string> bytes_;
  int withdrawn_ = 0;
};

class ConsultationTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    people_ = std::make_unique<People>(db(), clock_);
    consultation_stores_ = std::make_unique<storage::ConsultationStores>(db());
    exchange_stores_ = std::make_unique<storage::ExchangeStores>(db());
    ConsultationOptions options;
    options.public_url = "https://waymark.test";
    options.follows = exchange_stores_->stores().follows;
    options.documents = &library_;
    service_ = std::make_unique<ConsultationService>(people_->stores(), consultation_stores_->store(), clock_,
                                                     random_, &mailer_, options);
    clock_.SetMs(1'700'000'000'000);  // November 2023
    iom_ = people_->AddOrg("iom");
    jed_ = people_->AddOrg("jed");
    ami_ = people_->AddOrg("ami");
    ivo_ = people_->AddUser("ivo@example.org");
    ana_ = people_->AddUser("ana@example.org");
    max_ = people_->AddUser("max@example.org");
    mia_ = people_->AddUser("mia@example.org");
    bea_ = people_->AddUser("bea@example.org");
    root_ = people_->AddUser("root@example.org", true);
    people_->Join(ivo_, "iom", "moderator");
    people_->Join(ana_, "jed", "editor");
    people_->Join(max_, "jed", "moderator");
    people_->Join(mia_, "jed", "member");
    people_->Join(bea_, "ami", "editor");
  }
  void TearDown() override {
    service_.reset();
    exchange_stores_.reset();
    consultation_stores_.reset();
    people_.reset();
    BackendTest::TearDown();
  }

  Actor As(const User& u) { return people_->As(u); }
  Consultation Make(ConsultationInput in = Input2015()) {
    auto c = service_->CreateConsultation(Actor::Cli(), in);
    EXPECT_TRUE(IsOk(c));
    return c.ok() ? *c : Consultation{};
  }
  ActionPoint Point(const Consultation& c, const std::string& number, std::vector<OwnerInput> owners,
                    std::optional<Id> parent = std::nullopt, const std::string& weight = "",
                    std::vector<std::string> themes = {}) {
    PointInput in;
    in.number = number;
    in.text = {{"en", "Point " + number}, {"es", "Punto " + number}};
    in.owners = std::move(owners);
    in.parent_id = parent;
    in.weight = weight;
    in.themes = std::move(themes);
    in.target_date = "2016-09-30";
    auto p = service_->CreatePoint(Actor::Cli(), c.id, in);
    EXPECT_TRUE(IsOk(p));
    return p.ok() ? *p : ActionPoint{};
  }

  std::unique_ptr<People> people_;
  std::unique_ptr<storage::ConsultationStores> consultation_stores_;
  std::unique_ptr<storage::ExchangeStores> exchange_stores_;
  std::unique_ptr<ConsultationService> service_;
  crypto::SodiumRandom random_;
  CapturingMailer mailer_;
  FakeDocumentLibrary library_;
  Organisation iom_, jed_, ami_;
  User ivo_, ana_, max_, mia_, bea_, root_;
};

TEST_F(ConsultationTest, AnyoneSignedInFollowsAPoint) {
  Consultation c = Make();
  ActionPoint p = Point(c, "1", {{"iom", ""}});
  EXPECT_TRUE(HasKind(service_->FollowPoint(Actor::Anonymous(""), p.id, true), Kind::kUnauthenticated));
  EXPECT_TRUE(HasKind(service_->FollowPoint(As(mia_), p.id + 1000, true), Kind::kNotFound));
  auto before = service_->IsFollowingPoint(As(mia_), p.id);
  ASSERT_TRUE(IsOk(before));
  EXPECT_FALSE(*before);
  ASSERT_TRUE(IsOk(service_->FollowPoint(As(mia_), p.id, true)));
  ASSERT_TRUE(IsOk(service_->FollowPoint(As(mia_), p.id, true))) << "idempotent";
  ASSERT_TRUE(IsOk(service_->FollowPoint(As(bea_), p.id, true)));
  auto following = service_->IsFollowingPoint(As(mia_), p.id);
  ASSERT_TRUE(IsOk(following));
  EXPECT_TRUE(*following);
  auto anonymous = service_->IsFollowingPoint(Actor::Anonymous(""), p.id);
  ASSERT_TRUE(IsOk(anonymous));
  EXPECT_FALSE(*anonymous);
  auto followers = service_->PointFollowers(p.id);
  ASSERT_TRUE(IsOk(followers));
  EXPECT_EQ(std::set<Id>(followers->begin(), followers->end()), (std::set<Id>{mia_.id, bea_.id}));
  ASSERT_TRUE(IsOk(service_->FollowPoint(As(mia_), p.id, false)));
  followers = service_->PointFollowers(p.id);
  ASSERT_TRUE(IsOk(followers));
  EXPECT_EQ(*followers, (std::vector<Id>{bea_.id}));
  EXPECT_EQ(
      CountRows("SELECT COUNT(*) FROM audit_log WHERE action='follow.add' AND entity_type='action_point'"),
      2);
  EXPECT_EQ(
      CountRows("SELECT COUNT(*) FROM audit_log WHERE action='follow.remove' AND entity_type='action_point'"),
      1);
}

TEST_F(ConsultationTest, OrganisersCreateConsultationsWithRevisionsAndAudit) {
  EXPECT_TRUE(HasKind(service_->CreateConsultation(As(ana_), Input2015()), Kind::kPermissionDenied));
  Consultation c = Make();
  EXPECT_EQ(c.slug, "2015");
  EXPECT_EQ(c.year, 2015);
  EXPECT_EQ(c.ends_on, "2015-09-18");
  EXPECT_EQ(c.status, ConsultationStatus::kHeld);
  EXPECT_EQ(c.participants.size(), 2u);
  EXPECT_EQ(c.languages, (std::vector<std::string>{"en", "fr", "es"}));
  auto found = service_->FindConsultation("2015");
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->id, c.id);
  EXPECT_TRUE(IsOk(service_->FindConsultation(std::to_string(c.id))));
  EXPECT_TRUE(HasKind(service_->CreateConsultation(Actor::Cli(), Input2015()), Kind::kConflict));

  ConsultationInput edit = Input2015();
  edit.status = "report_published";
  auto stale = service_->UpdateConsultation(As(root_), c.id, c.version + 1, edit);
  EXPECT_TRUE(HasKind(stale, Kind::kConflict));
  auto updated = service_->UpdateConsultation(As(root_), c.id, c.version, edit);
  ASSERT_TRUE(IsOk(updated));
  EXPECT_EQ(updated->status, ConsultationStatus::kReportPublished);
  auto revs = service_->ListRevisions("consultation", c.id);
  ASSERT_TRUE(IsOk(revs));
  ASSERT_EQ(revs->size(), 2u);
  EXPECT_EQ(revs->front().action, "edit");
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'consultation.%'"), 2);
}

TEST_F(ConsultationTest, BadConsultationFieldsAreEachNamed) {
  ConsultationInput in = Input2015();
  in.title = "";
  in.year = "15";
  in.starts_on = "2015-13-01";
  in.time_zone = "../x";
  in.venue = "";
  in.status = "finished";
  in.capacity = "-3";
  in.languages = {"de"};
  auto r = service_->CreateConsultation(Actor::Cli(), in);
  EXPECT_TRUE(HasFieldCode(r.status(), "title", "required"));
  EXPECT_TRUE(HasFieldCode(r.status(), "year", "year_invalid"));
  EXPECT_TRUE(HasFieldCode(r.status(), "starts_on", "date_invalid"));
  EXPECT_TRUE(HasFieldCode(r.status(), "time_zone", "zone_invalid"));
  EXPECT_TRUE(HasFieldCode(r.status(), "venue", "required"));
  EXPECT_TRUE(HasFieldCode(r.status(), "status", "status_unknown"));
  EXPECT_TRUE(HasFieldCode(r.status(), "capacity", "number_invalid"));
  EXPECT_TRUE(HasFieldCode(r.status(), "languages", "locale_unknown"));
  in = Input2015();
  in.ends_on = "2015-09-17";
  EXPECT_TRUE(
      HasFieldCode(service_->CreateConsultation(Actor::Cli(), in).status(), "ends_on", "end_before_start"));
}

TEST_F(ConsultationTest, SessionsMayNotOverlapNorEndBeforeTheyStart) {
  Consultation c = Make();
  ASSERT_TRUE(IsOk(service_->AddSession(Actor::Cli(), c.id, SessionAt("09:15", "10:30"))));
  EXPECT_TRUE(
      HasKind(service_->AddSession(As(ana_), c.id, SessionAt("11:00", "12:00")), Kind::kPermissionDenied));
  EXPECT_TRUE(HasFieldCode(service_->AddSession(Actor::Cli(), c.id, SessionAt("10:00", "11:00")).status(),
                           "starts", "session_overlap"));
  EXPECT_TRUE(HasFieldCode(service_->AddSession(Actor::Cli(), c.id, SessionAt("12:00", "11:00")).status(),
                           "ends", "end_before_start"));
  SessionInput outside = SessionAt("09:00", "10:00");
  outside.starts = "2015-09-19T09:00";
  outside.ends = "2015-09-19T10:00";
  EXPECT_TRUE(
      HasFieldCode(service_->AddSession(Actor::Cli(), c.id, outside).status(), "starts", "outside_dates"));
  SessionInput bad = SessionAt("13:00", "14:00", "keynote");
  bad.online_url = "javascript:alert(1)";
  bad.title = {{"de", "Hallo"}};
  auto r = service_->AddSession(Actor::Cli(), c.id, bad);
  EXPECT_TRUE(HasFieldCode(r.status(), "type", "type_unknown"));
  EXPECT_TRUE(HasFieldCode(r.status(), "online_url", "url_invalid"));
  EXPECT_TRUE(HasFieldCode(r.status(), "title", "locale_unknown"));
  // Two breakouts run side by side; a plenary next to them does not.
  ASSERT_TRUE(
      IsOk(service_->AddSession(Actor::Cli(), c.id, SessionAt("11:00", "12:30", "breakout", "Group A"))));
  ASSERT_TRUE(
      IsOk(service_->AddSession(Actor::Cli(), c.id, SessionAt("11:00", "12:30", "breakout", "Group B"))));
  EXPECT_TRUE(HasFieldCode(service_->AddSession(Actor::Cli(), c.id, SessionAt("12:00", "13:00")).status(),
                           "starts", "session_overlap"));
  auto agenda = service_->GetConsultation(c.id);
  ASSERT_TRUE(IsOk(agenda));
  ASSERT_EQ(agenda->sessions.size(), 3u);
  EXPECT_EQ(agenda->sessions[0].starts, "2015-09-18T09:15");
  ASSERT_TRUE(agenda->sessions[0].moderator.has_value());
  EXPECT_EQ(agenda->sessions[0].moderator->organisation, "IOM");
  EXPECT_EQ(agenda->sessions[0].speakers.at(0).name, "B. Speaker");
  EXPECT_EQ(Pick(agenda->sessions[0].title, "fr"), "Opening (fr)");
  // Moving a session onto another is refused; moving it to free time is not.
  Id first = agenda->sessions[0].id;
  EXPECT_TRUE(
      HasFieldCode(service_->UpdateSession(Actor::Cli(), c.id, first, SessionAt("11:30", "12:00")).status(),
                   "starts", "session_overlap"));
  EXPECT_TRUE(IsOk(service_->UpdateSession(Actor::Cli(), c.id, first, SessionAt("09:00", "10:45"))));
  EXPECT_TRUE(IsOk(service_->DeleteSession(Actor::Cli(), c.id, first)));
  EXPECT_TRUE(HasKind(service_->DeleteSession(Actor::Cli(), c.id, first), Kind::kNotFound));
}

TEST_F(ConsultationTest, OwnersEditorsPostProgressAndModeratorsChangeStatus) {
  Consultation c = Make();
  ActionPoint p = Point(c, "1", {{"organisation", "jed"}, {"iom", ""}});
  ASSERT_EQ(p.owners.size(), 2u);
  EXPECT_EQ(p.owners[0].name, "Org jed");
  EXPECT_FALSE(service_->MayPostProgress(As(mia_), p));
  EXPECT_FALSE(service_->MayPostProgress(As(bea_), p));
  EXPECT_TRUE(service_->MayPostProgress(As(ana_), p));
  EXPECT_TRUE(service_->MayPostProgress(As(ivo_), p));

  ProgressInput up{"Drafted the guidance.", {"https://example.org/guidance"}, "40"};
  EXPECT_TRUE(HasKind(service_->PostProgress(As(mia_), p.id, up), Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->PostProgress(Actor::Anonymous("r"), p.id, up), Kind::kUnauthenticated));
  auto bad = service_->PostProgress(As(ana_), p.id, ProgressInput{"", {"ftp://x"}, "140"});
  EXPECT_TRUE(HasFieldCode(bad.status(), "text", "required"));
  EXPECT_TRUE(HasFieldCode(bad.status(), "links", "url_invalid"));
  EXPECT_TRUE(HasFieldCode(bad.status(), "progress", "number_invalid"));
  auto posted = service_->PostProgress(As(ana_), p.id, up);
  ASSERT_TRUE(IsOk(posted));
  EXPECT_EQ(posted->author_name, "ana@example.org");
  auto after = service_->GetPoint(p.id);
  ASSERT_TRUE(IsOk(after));
  EXPECT_EQ(after->progress, 40);
  ASSERT_TRUE(after->latest.has_value());
  EXPECT_EQ(after->latest->links.at(0), "https://example.org/guidance");

  // Editors do not change status; moderators of an owner do.
  EXPECT_TRUE(HasKind(service_->SetStatus(As(ana_), p.id, "in_progress", 0, ""), Kind::kPermissionDenied));
  EXPECT_TRUE(HasFieldCode(service_->SetStatus(As(max_), p.id, "finished", 0, "").status(), "status",
                           "status_unknown"));
  EXPECT_TRUE(HasFieldCode(service_->SetStatus(As(max_), p.id, "carried_over", 0, "").status(), "status",
                           "status_transition"));
  EXPECT_TRUE(HasKind(service_->SetStatus(As(max_), p.id, "in_progress", 1, ""), Kind::kConflict));
  auto moved = service_->SetStatus(As(max_), p.id, "done", after->version, "agreed at the 2016 meeting");
  ASSERT_TRUE(IsOk(moved));
  EXPECT_EQ(moved->status, PointStatus::kDone);
  EXPECT_EQ(moved->progress, 100);
  EXPECT_TRUE(HasFieldCode(service_->SetStatus(As(ivo_), p.id, "dropped", 0, "").status(), "status",
                           "status_transition"));
  auto revs = service_->ListRevisions("action_point", p.id);
  ASSERT_TRUE(IsOk(revs));
  ASSERT_EQ(revs->size(), 3u);  // create, progress, status
  EXPECT_EQ(revs->front().action, "status");
  EXPECT_EQ(revs->front().note, "done: agreed at the 2016 meeting");
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log WHERE action='action_point.status'"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log WHERE action='action_point.progress'"), 1);
  // "All CSOs": editors of any organisation but IOM.
  ActionPoint all = Point(c, "2", {{"all_csos", ""}});
  EXPECT_TRUE(service_->MayPostProgress(As(bea_), all));
  EXPECT_FALSE(service_->MayPostProgress(As(ivo_), all));
}

TEST_F(ConsultationTest, BadPointFieldsAreEachNamed) {
  Consultation c = Make();
  PointInput in;
  in.number = "1 ";
  in.owners = {{"government", ""}};
  in.target_date = "soon";
  in.weight = "0";
  in.milestones = {Milestone{"2016", "x", false}};
  in.session_id = 999;
  auto r = service_->CreatePoint(Actor::Cli(), c.id, in);
  EXPECT_TRUE(HasFieldCode(r.status(), "text", "required"));
  EXPECT_TRUE(HasFieldCode(r.status(), "owners", "owner_unknown"));
  EXPECT_TRUE(HasFieldCode(r.status(), "target_date", "date_invalid"));
  EXPECT_TRUE(HasFieldCode(r.status(), "weight", "number_invalid"));
  EXPECT_TRUE(HasFieldCode(r.status(), "milestones", "date_invalid"));
  EXPECT_TRUE(HasFieldCode(r.status(), "session", "session_unknown"));
  in = PointInput{};
  in.number = "1";
  in.text = {{"en", "x"}};
  in.owners = {{"organisation", "nobody"}};
  EXPECT_TRUE(HasFieldCode(service_->CreatePoint(Actor::Cli(), c.id, in).status(), "owners", "org_unknown"));
  Point(c, "1", {{"iom", ""}});
  in.owners = {{"iom", ""}};
  EXPECT_TRUE(HasKind(service_->CreatePoint(Actor::Cli(), c.id, in), Kind::kConflict));
}

TEST_F(ConsultationTest, SubPointsAddUpWeightedToTheParent) {
  Consultation c = Make();
  ActionPoint parent = Point(c, "3", {{"organisation", "jed"}});
  ActionPoint a = Point(c, "3.1", {{"organisation", "jed"}}, parent.id, "3");
  ActionPoint b = Point(c, "3.2", {{"organisation", "jed"}}, parent.id, "1");
  EXPECT_TRUE(HasFieldCode(
      service_
          ->CreatePoint(Actor::Cli(), c.id,
                        PointInput{"3.1.1", a.id, {{"en", "x"}}, {}, {{"iom", ""}}, "", "", {}, {}, {}})
          .status(),
      "parent", "parent_invalid"));
  ASSERT_TRUE(IsOk(service_->SetStatus(As(max_), a.id, "done", 0, "")));
  ASSERT_TRUE(IsOk(service_->PostProgress(As(ana_), b.id, ProgressInput{"Half way", {}, "40"})));
  PointFilter f;
  f.consultation_id = c.id;
  auto t = service_->Track(f);
  ASSERT_TRUE(IsOk(t));
  ASSERT_EQ(t->points.size(), 3u);
  EXPECT_EQ(t->points[0].number, "3");
  EXPECT_EQ(t->points[0].progress, 85);  // (3*100 + 1*40) / 4
  EXPECT_EQ(t->summary.total, 1);        // sub-points are not counted in the summary
  auto subs = service_->SubPoints(parent.id);
  ASSERT_TRUE(IsOk(subs));
  EXPECT_EQ(subs->size(), 2u);
}

TEST_F(ConsultationTest, CarryOverGoesOnlyForwardAndKeepsHistory) {
  Consultation c2015 = Make();
  ConsultationInput in = Input2015();
  in.title = "Annual Consultations 2016";
  in.year = "2016";
  in.starts_on = "2016-06-14";
  in.ends_on = "2016-06-15";
  Consultation c2016 = Make(in);
  ActionPoint p = Point(c2016, "4", {{"iom", ""}});
  EXPECT_TRUE(HasFieldCode(service_->CarryOver(Actor::Cli(), p.id, c2015.id, "").status(), "consultation",
                           "carry_over_older"));
  EXPECT_TRUE(HasFieldCode(service_->CarryOver(Actor::Cli(), p.id, c2016.id, "").status(), "consultation",
                           "carry_over_older"));
  EXPECT_TRUE(HasKind(service_->CarryOver(As(ivo_), p.id, c2016.id, ""), Kind::kPermissionDenied));

  ActionPoint old = Point(c2015, "5", {{"iom", ""}});
  ASSERT_TRUE(IsOk(service_->PostProgress(As(ivo_), old.id, ProgressInput{"Started", {}, "20"})));
  auto next = service_->CarryOver(Actor::Cli(), old.id, c2016.id, "2");
  ASSERT_TRUE(IsOk(next));
  EXPECT_EQ(next->consultation_id, c2016.id);
  EXPECT_EQ(next->number, "2");
  EXPECT_EQ(next->carried_from, old.id);
  EXPECT_EQ(next->progress, 20);
  auto was = service_->GetPoint(old.id);
  ASSERT_TRUE(IsOk(was));
  EXPECT_EQ(was->status, PointStatus::kCarriedOver);
  EXPECT_EQ(was->carried_to, next->id);
  auto history = service_->ListUpdates(old.id);
  ASSERT_TRUE(IsOk(history));
  EXPECT_EQ(history->size(), 1u);
  EXPECT_TRUE(HasFieldCode(service_->CarryOver(Actor::Cli(), old.id, c2016.id, "9").status(), "status",
                           "status_transition"));
  EXPECT_TRUE(HasFieldCode(service_->PostProgress(As(ivo_), old.id, ProgressInput{"More", {}, ""}).status(),
                           "text", "point_closed"));
}

TEST_F(ConsultationTest, TheTrackerFiltersAndSummarises) {
  Consultation c = Make();
  ActionPoint a = Point(c, "1", {{"iom", ""}}, std::nullopt, "", {"labour"});
  ActionPoint b = Point(c, "2", {{"organisation", "jed"}}, std::nullopt, "", {"climate", "labour"});
  ActionPoint d = Point(c, "3", {{"all_csos", ""}});
  ASSERT_TRUE(IsOk(service_->SetStatus(As(max_), b.id, "in_progress", 0, "")));
  ASSERT_TRUE(IsOk(service_->SetStatus(Actor::Cli(), d.id, "done", 0, "")));
  auto all = service_->Track({});
  ASSERT_TRUE(IsOk(all));
  EXPECT_EQ(all->summary.since_year, 2015);
  EXPECT_EQ(all->summary.total, 3);
  EXPECT_EQ(all->summary.by_status[PointStatus::kDone], 1);
  EXPECT_EQ(all->summary.by_status[PointStatus::kInProgress], 1);
  EXPECT_EQ(all->summary.overdue, 2);  // target 2016-09-30, today November 2023
  EXPECT_TRUE(IsOverdue(all->points[0], all->today));

  PointFilter f;
  f.owner_org = jed_.id;
  auto by_org = service_->Track(f);
  ASSERT_TRUE(IsOk(by_org));
  ASSERT_EQ(by_org->points.size(), 1u);
  EXPECT_EQ(by_org->points[0].id, b.id);
  f = {};
  f.owner_kind = OwnerKind::kAllCsos;
  EXPECT_EQ(service_->Track(f)->points.size(), 1u);
  f = {};
  f.theme = "labour";
  EXPECT_EQ(service_->Track(f)->points.size(), 2u);
  f = {};
  f.status = PointStatus::kOpen;
  EXPECT_EQ(service_->Track(f)->points.at(0).id, a.id);
  f = {};
  f.year = 2016;
  EXPECT_TRUE(service_->Track(f)->points.empty());

  ASSERT_TRUE(IsOk(service_->PostProgress(As(ivo_), a.id, ProgressInput{"Work began", {}, ""})));
  clock_.AdvanceMs(1000);
  ASSERT_TRUE(IsOk(service_->PostProgress(As(ana_), b.id, ProgressInput{"Report out", {}, ""})));
  auto recent = service_->RecentUpdates(10);
  ASSERT_TRUE(IsOk(recent));
  ASSERT_EQ(recent->size(), 2u);
  EXPECT_EQ(recent->front().point_id, b.id);
}

TEST_F(ConsultationTest, RegistrationPastCapacityGoesOnTheWaitingList) {
  ConsultationInput in = Input2015();
  in.title = "Consultation 2027";
  in.year = "2027";
  in.starts_on = "2027-06-10";
  in.status = "planned";
  in.capacity = "2";
  Consultation c = Make(in);
  auto a =
      service_->Register(Actor::Anonymous("r"), c.id, RegistrationInput{"Ann", "ann@example.org", "Org jed"});
  auto b = service_->Register(Actor::Anonymous("r"), c.id, RegistrationInput{"Ben", "ben@example.org", ""});
  auto w = service_->Register(Actor::Anonymous("r"), c.id, RegistrationInput{"Wes", "wes@example.org", ""});
  ASSERT_TRUE(IsOk(a));
  ASSERT_TRUE(IsOk(b));
  ASSERT_TRUE(IsOk(w));
  EXPECT_EQ(a->state, RegistrationState::kConfirmed);
  EXPECT_EQ(w->state, RegistrationState::kWaitlisted);
  EXPECT_TRUE(HasFieldCode(
      service_->Register(Actor::Anonymous("r"), c.id, RegistrationInput{"Ann", "ANN@example.org", ""})
          .status(),
      "email", "already_registered"));
  auto bad = service_->Register(Actor::Anonymous("r"), c.id, RegistrationInput{"", "nope", ""});
  EXPECT_TRUE(HasFieldCode(bad.status(), "name", "required"));
  EXPECT_TRUE(HasFieldCode(bad.status(), "email", "email_invalid"));
  ASSERT_EQ(mailer_.sent().size(), 3u);
  EXPECT_NE(mailer_.sent()[2].subject.find("waiting list"), std::string::npos);
  EXPECT_NE(mailer_.sent()[0].text.find("https://waymark.test/registrations/" + a->token), std::string::npos);

  auto cancelled = service_->CancelRegistration(a->token);
  ASSERT_TRUE(IsOk(cancelled));
  EXPECT_EQ(cancelled->state, RegistrationState::kCancelled);
  EXPECT_TRUE(HasKind(service_->CancelRegistration(a->token), Kind::kConflict));
  EXPECT_TRUE(HasKind(service_->CancelRegistration("zz"), Kind::kNotFound));
  ASSERT_EQ(mailer_.sent().size(), 4u);  // Wes is told a place freed up
  EXPECT_EQ(mailer_.sent()[3].to, "wes@example.org");
  EXPECT_TRUE(HasKind(service_->ListRegistrations(As(ana_), c.id), Kind::kPermissionDenied));
  auto list = service_->ListRegistrations(As(root_), c.id);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ(list->at(2).state, RegistrationState::kConfirmed);
  // Registering again after cancelling is allowed.
  EXPECT_TRUE(
      IsOk(service_->Register(Actor::Anonymous("r"), c.id, RegistrationInput{"Ann", "ann@example.org", ""})));

  Consultation held = Make();
  EXPECT_TRUE(
      HasKind(service_->Register(Actor::Anonymous("r"), held.id, RegistrationInput{"X", "x@example.org", ""}),
              Kind::kConflict));
}

TEST_F(ConsultationTest, ConcurrentRegistrationsNeverExceedCapacity) {
  ConsultationInput in = Input2015();
  in.year = "2027";
  in.starts_on = "2027-06-10";
  in.status = "planned";
  in.capacity = "5";
  Consultation c = Make(in);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < 4; ++i) {
        std::string email = "p" + std::to_string(t) + "-" + std::to_string(i) + "@example.org";
        auto r = service_->Register(Actor::Anonymous("r"), c.id, RegistrationInput{"P", email, ""});
        if (!r.ok()) ADD_FAILURE() << Describe(r.status());
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM consultation_registrations WHERE state='confirmed'"), 5);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM consultation_registrations WHERE state='waitlisted'"), 11);
}

TEST_F(ConsultationTest, WaymarkCopyCarriesTheConsultationTables) {
  Consultation c = Make();
  ASSERT_TRUE(IsOk(service_->AddSession(Actor::Cli(), c.id, SessionAt("09:15", "10:30"))));
  ActionPoint p = Point(c, "1", {{"iom", ""}});
  ASSERT_TRUE(IsOk(service_->PostProgress(As(ivo_), p.id, ProgressInput{"Started", {}, "10"})));
  auto target = TestDatabase::Create(backend(), true, clock_);
  ASSERT_TRUE(IsOk(target));
  ASSERT_TRUE(IsOk(storage::CopyDatabase(db(), (*target)->db(), false, 100, {})));
  storage::ConsultationStores copied((*target)->db());
  auto got = copied.store().FindConsultationBySlug("2015");
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->sessions.size(), 1u);
  auto point = copied.store().GetPoint(p.id);
  ASSERT_TRUE(IsOk(point));
  EXPECT_EQ(point->progress, 10);
  EXPECT_EQ(point->latest->text, "Started");
}

DocumentInput Doc(const std::string& title, const std::string& kind, const std::string& language,
                  const ByteSource* bytes) {
  return DocumentInput{title, kind, language, "report.pdf", bytes};
}

TEST_F(ConsultationTest, OrganisersAddDocumentsThatLinkToTheLibrary) {
  Consultation c = Make();
  StringByteSource pdf("%PDF-1.4 report");
  StringByteSource agenda("%PDF-1.4 agenda");
  EXPECT_TRUE(HasKind(service_->AddDocument(As(ivo_), c.id, Doc("Report", "report", "en", &pdf)),
                      Kind::kPermissionDenied));
  EXPECT_TRUE(HasKind(service_->AddDocument(Actor::Cli(), c.id + 999, Doc("Report", "report", "en", &pdf)),
                      Kind::kNotFound));
  auto a = service_->AddDocument(As(root_), c.id, Doc(" Report 2015 ", "report", "en", &pdf));
  ASSERT_TRUE(IsOk(a));
  EXPECT_EQ(a->document.title, "Report 2015");
  EXPECT_EQ(a->document.kind, DocumentKind::kReport);
  EXPECT_EQ(a->document.position, 1);
  ASSERT_TRUE(a->file.has_value());
  EXPECT_EQ(a->file->media_type, "application/pdf");
  EXPECT_EQ(library_.BytesOf(a->document.library_item_id), "%PDF-1.4 report");
  auto b = service_->AddDocument(Actor::Cli(), c.id, Doc("Ordre du jour", "agenda", "fr", &agenda));
  ASSERT_TRUE(IsOk(b));
  EXPECT_EQ(b->document.position, 2);

  auto list = service_->ListDocuments(c.id);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].document, a->document);
  EXPECT_EQ((*list)[1].document.language, "fr");
  EXPECT_EQ((*list)[1].file->size, 15);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log WHERE action='consultation.document_add'"), 2);

  // Removing: organisers only, within its consultation; the item is withdrawn.
  EXPECT_TRUE(HasKind(service_->RemoveDocument(As(ivo_), c.id, a->document.id), Kind::kPermissionDenied));
  ConsultationInput later = Input2015();
  later.year = "2016";
  later.starts_on = "2016-09-18";
  Consultation other = Make(later);
  EXPECT_TRUE(HasKind(service_->RemoveDocument(Actor::Cli(), other.id, a->document.id), Kind::kNotFound));
  ASSERT_TRUE(IsOk(service_->RemoveDocument(As(root_), c.id, a->document.id)));
  EXPECT_EQ(library_.withdrawn(), 1);
  EXPECT_TRUE(HasKind(service_->RemoveDocument(As(root_), c.id, a->document.id), Kind::kNotFound));
  list = service_->ListDocuments(c.id);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().document.id, b->document.id);
  // Added after a removal, it goes last.
  auto d = service_->AddDocument(Actor::Cli(), c.id, Doc("Report", "report", "en", &pdf));
  ASSERT_TRUE(IsOk(d));
  EXPECT_EQ(d->document.position, 3);
}

TEST_F(ConsultationTest, BadDocumentFieldsAreEachNamed) {
  Consultation c = Make();
  StringByteSource text("just some text, not a PDF");
  StringByteSource png("\x89PNG\r\n\x1a\n....");
  StringByteSource empty("");
  std::string big_bytes = "%PDF-" + std::string(2000, 'x');
  StringByteSource big(big_bytes);
  auto bad = service_->AddDocument(Actor::Cli(), c.id, Doc(" ", "minutes", "de", &empty));
  ASSERT_TRUE(HasKind(bad, Kind::kValidation));
  EXPECT_EQ(bad.status().fields().size(), 4u);
  for (const char* f : {"title", "kind", "language", "file"})
    EXPECT_TRUE(bad.status().fields().contains(f)) << f;
  EXPECT_TRUE(HasKind(service_->AddDocument(Actor::Cli(), c.id, Doc("R", "report", "en", nullptr)),
                      Kind::kValidation));
  EXPECT_TRUE(
      HasKind(service_->AddDocument(Actor::Cli(), c.id, Doc(std::string(201, 'a'), "report", "en", &text)),
              Kind::kValidation));
  // A report or an agenda must be a PDF; another document may be an image.
  auto not_pdf = service_->AddDocument(Actor::Cli(), c.id, Doc("R", "agenda", "en", &png));
  ASSERT_TRUE(HasKind(not_pdf, Kind::kValidation));
  EXPECT_EQ(not_pdf.status().field_codes().at("file").code, "cn_not_pdf");
  EXPECT_TRUE(IsOk(service_->AddDocument(Actor::Cli(), c.id, Doc("Photo", "other", "es", &png))));
  // What the library refuses is named too.
  auto text_other = service_->AddDocument(Actor::Cli(), c.id, Doc("Notes", "other", "en", &text));
  ASSERT_TRUE(HasKind(text_other, Kind::kValidation));
  EXPECT_EQ(text_other.status().field_codes().at("file").code, "cn_file_type");
  auto too_big = service_->AddDocument(Actor::Cli(), c.id, Doc("Big", "report", "en", &big));
  ASSERT_TRUE(HasKind(too_big, Kind::kValidation));
  EXPECT_EQ(too_big.status().field_codes().at("file").code, "cn_file_too_large");
  auto list = service_->ListDocuments(c.id);
  ASSERT_TRUE(IsOk(list));
  EXPECT_EQ(list->size(), 1u);
}

TEST_F(ConsultationTest, ConcurrentUploadsTakeDistinctPositions) {
  Consultation c = Make();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      std::string bytes = "%PDF-1.4 " + std::to_string(i);
      StringByteSource pdf(bytes);
      if (service_->AddDocument(Actor::Cli(), c.id, Doc("Doc " + std::to_string(i), "other", "en", &pdf))
              .ok())
        ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 6);
  auto list = service_->ListDocuments(c.id);
  ASSERT_TRUE(IsOk(list));
  std::set<int> positions;
  for (const auto& v : *list) positions.insert(v.document.position);
  EXPECT_EQ(positions, (std::set<int>{1, 2, 3, 4, 5, 6}));
}

TEST_F(ConsultationTest, WaymarkCopyCarriesTheDocumentLinks) {
  Consultation c = Make();
  StringByteSource pdf("%PDF-1.4 report");
  auto a = service_->AddDocument(Actor::Cli(), c.id, Doc("Report", "report", "en", &pdf));
  ASSERT_TRUE(IsOk(a));
  auto target = TestDatabase::Create(backend(), true, clock_);
  ASSERT_TRUE(IsOk(target));
  ASSERT_TRUE(IsOk(storage::CopyDatabase(db(), (*target)->db(), false, 100, {})));
  storage::ConsultationStores copied((*target)->db());
  auto docs = copied.store().ListDocuments(c.id);
  ASSERT_TRUE(IsOk(docs));
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ(docs->front(), a->document);
}

}  // namespace
}  // namespace waymark::conformance
