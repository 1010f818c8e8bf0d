// The futures store and service over the real stores, run against each
// backend: sqlite/FuturesTest and postgres/FuturesTest (PostgreSQL needs
// WAYMARK_TEST_PG_URL). See backend.h. Wired as src/app/runtime.cc wires it,
// with the consultations service for action points.
//
// People: fay facilitates (no role anywhere), p0..p6 take part, mod is a
// moderator of org "iom", root a platform administrator.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "backend.h"
#include "crypto/crypto.h"
#include "domain/consultations/consultation_service.h"
#include "domain/futures/futures_service.h"
#include "people.h"
#include "storage/consultations/consultation_stores.h"
#include "storage/copy.h"
#include "storage/futures/futures_stores.h"

namespace waymark::conformance {
namespace {

using accounts::Actor;
using accounts::User;
using namespace futures;  // NOLINT(google-build-using-namespace)
using Kind = Status::Kind;

class FuturesTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    clock_.SetMs(1'700'000'000'000);
    people_ = std::make_unique<People>(db(), clock_);
    consultation_stores_ = std::make_unique<storage::ConsultationStores>(db());
    consultations_ = std::make_unique<consultations::ConsultationService>(
        people_->stores(), consultation_stores_->store(), clock_, random_, nullptr,
        consultations::ConsultationOptions{});
    futures_stores_ = std::make_unique<storage::FuturesStores>(db());
    service_ = std::make_unique<FuturesService>(people_->stores(), futures_stores_->store(), clock_,
                                                consultations_.get());
    people_->AddOrg("iom");
    fay_ = people_->AddUser("fay@example.org");
    mod_ = people_->AddUser("mod@example.org");
    root_ = people_->AddUser("root@example.org", true);
    people_->Join(mod_, "iom", "moderator");
    for (int i = 0; i < 7; ++i) p_.push_back(people_->AddUser("p" + std::to_string(i) + "@example.org"));
  }
  void TearDown() override {
    service_.reset();
    futures_stores_.reset();
    consultations_.reset();
    consultation_stores_.reset();
    people_.reset();
    BackendTest::TearDown();
  }

  Actor As(const User& u) { return people_->As(u); }

  Workshop Make(std::vector<std::string> groups = {"A", "B"}, const std::string& budget = "3") {
    WorkshopInput in;
    in.title = "Futures 2045";
    in.horizon_year = "2045";
    in.groups = std::move(groups);
    in.vote_budget = budget;
    auto w = service_->CreateWorkshop(As(fay_), in);
    EXPECT_TRUE(IsOk(w));
    return w.ok() ? *w : Workshop{};
  }
  Statement Add(const Workshop& w, const User& who, const std::string& group = "A",
                const std::string& kind = "predicted", const std::string& area = "technology") {
    auto s = service_->AddStatement(
        As(who), w.id, StatementInput{area, group, kind, "Text by " + who.email, "drivers", "signals"});
    EXPECT_TRUE(IsOk(s));
    return s.ok() ? *s : Statement{};
  }
  void Move(const Workshop& w, const std::string& to) {
    ASSERT_TRUE(IsOk(service_->SetPhase(As(fay_), w.id, to)));
  }
  // A consultation (by root) with one interactive session.
  consultations::Consultation Consultation() {
    consultations::ConsultationInput in;
    in.title = "Consultation 2015";
    in.year = "2015";
    in.starts_on = "2015-09-18";
    in.time_zone = "Europe/Zurich";
    in.venue = "Geneva";
    in.organisers = {"IOM"};
    in.status = "held";
    auto c = consultations_->CreateConsultation(Actor::Cli(), in);
    EXPECT_TRUE(IsOk(c));
    consultations::SessionInput s;
    s.starts = "2015-09-18T14:00";
    s.ends = "2015-09-18T15:30";
    s.type = "interactive";
    s.title = {{"en", "Migration futures"}};
    auto added = consultations_->AddSession(Actor::Cli(), c->id, s);
    EXPECT_TRUE(IsOk(added));
    auto again = consultations_->GetConsultation(c->id);
    EXPECT_TRUE(IsOk(again));
    return *again;
  }

  crypto::SodiumRandom random_;
  std::unique_ptr<People> people_;
  std::unique_ptr<storage::ConsultationStores> consultation_stores_;
  std::unique_ptr<consultations::ConsultationService> consultations_;
  std::unique_ptr<storage::FuturesStores> futures_stores_;
  std::unique_ptr<FuturesService> service_;
  User fay_, mod_, root_;
  std::vector<User> p_;
};

TEST_F(FuturesTest, CreateDefaultsAndValidation) {
  Workshop w = Make({});
  EXPECT_EQ(w.slug, "futures-2045");
  EXPECT_EQ(w.areas.size(), 5u);
  EXPECT_EQ(w.areas.front(), "conflict_security");
  EXPECT_EQ(w.groups, std::vector<std::string>{"A"});
  EXPECT_EQ(w.phase, Phase::kStatements);
  EXPECT_EQ(w.facilitator_id, fay_.id);
  // The same title again gets a slug of its own.
  EXPECT_EQ(Make().slug, "futures-2045-2");

  WorkshopInput bad;
  bad.horizon_year = "soon";
  bad.vote_budget = "0";
  auto r = service_->CreateWorkshop(As(fay_), bad);
  EXPECT_TRUE(HasFieldCode(r.status(), "title", "required"));
  EXPECT_TRUE(HasFieldCode(r.status(), "horizon_year", "number_invalid"));
  EXPECT_TRUE(HasFieldCode(r.status(), "vote_budget", "number_invalid"));
  EXPECT_TRUE(HasKind(service_->CreateWorkshop(Actor::Anonymous("r"), bad), Kind::kUnauthenticated));

  // Only organisers of consultations link a workshop to one.
  auto c = Consultation();
  WorkshopInput linked;
  linked.title = "Linked";
  linked.horizon_year = "2050";
  linked.consultation = "2015";
  EXPECT_TRUE(
      HasFieldCode(service_->CreateWorkshop(As(fay_), linked).status(), "consultation", "fu_permission"));
  linked.session_id = "999999";
  EXPECT_TRUE(
      HasFieldCode(service_->CreateWorkshop(As(root_), linked).status(), "session_id", "fu_session_unknown"));
  linked.session_id = std::to_string(c.sessions.at(0).id);
  auto ok = service_->CreateWorkshop(As(root_), linked);
  ASSERT_TRUE(IsOk(ok));
  EXPECT_EQ(ok->consultation_id, c.id);
  EXPECT_EQ(ok->session_id, c.sessions.at(0).id);
}

TEST_F(FuturesTest, StatementsNameTheirBadFieldsAndNeedTheirPhase) {
  Workshop w = Make();
  Statement s = Add(w, p_[0], "B", "preferred", "governance");
  EXPECT_EQ(s.group, "B");
  EXPECT_EQ(s.kind, futures::Kind::kPreferred);
  EXPECT_EQ(s.author_id, p_[0].id);
  auto bad = service_->AddStatement(As(p_[0]), w.id, StatementInput{"weather", "Z", "hoped", "", "", ""});
  EXPECT_TRUE(HasFieldCode(bad.status(), "area", "fu_area_unknown"));
  EXPECT_TRUE(HasFieldCode(bad.status(), "group", "fu_group_unknown"));
  EXPECT_TRUE(HasFieldCode(bad.status(), "kind", "kind_unknown"));
  EXPECT_TRUE(HasFieldCode(bad.status(), "text", "required"));
  Move(w, "rating");
  auto late =
      service_->AddStatement(As(p_[0]), w.id, StatementInput{"technology", "A", "predicted", "x", "", ""});
  EXPECT_TRUE(HasFieldCode(late.status(), "phase", "fu_phase_closed"));
  auto listed = service_->ListStatements(w.id);
  ASSERT_TRUE(IsOk(listed));
  EXPECT_EQ(listed->size(), 1u);
}

TEST_F(FuturesTest, PhasesMoveOneStepAndOnlyForFacilitators) {
  Workshop w = Make();
  EXPECT_TRUE(
      HasFieldCode(service_->SetPhase(As(fay_), w.id, "voting").status(), "phase", "fu_phase_transition"));
  EXPECT_TRUE(
      HasFieldCode(service_->SetPhase(As(fay_), w.id, "later").status(), "phase", "fu_phase_unknown"));
  EXPECT_TRUE(HasKind(service_->SetPhase(As(p_[0]), w.id, "rating"), Kind::kPermissionDenied));
  // Moderators and administrators facilitate too.
  EXPECT_TRUE(IsOk(service_->SetPhase(As(mod_), w.id, "rating")));
  EXPECT_TRUE(IsOk(service_->SetPhase(As(root_), w.id, "voting")));
  auto closed = service_->SetPhase(As(fay_), w.id, "closed");
  ASSERT_TRUE(IsOk(closed));
  EXPECT_EQ(closed->phase, Phase::kClosed);
  EXPECT_TRUE(HasFieldCode(service_->SetPhase(As(fay_), w.id, "statements").status(), "phase",
                           "fu_phase_transition"));
  // Settings only while statements are being written.
  WorkshopInput in;
  in.title = "Renamed";
  in.horizon_year = "2050";
  EXPECT_TRUE(
      HasFieldCode(service_->UpdateWorkshop(As(fay_), w.id, in).status(), "phase", "fu_phase_closed"));
}

TEST_F(FuturesTest, SettingsEditTheAreasAndGroups) {
  Workshop w = Make();
  WorkshopInput in;
  in.title = "Renamed";
  in.horizon_year = "2060";
  in.areas = {"Climate", "Cities", "Climate"};
  in.groups = {"North", "South"};
  in.vote_budget = "7";
  EXPECT_TRUE(HasKind(service_->UpdateWorkshop(As(p_[1]), w.id, in), Kind::kPermissionDenied));
  auto out = service_->UpdateWorkshop(As(fay_), w.id, in);
  ASSERT_TRUE(IsOk(out));
  EXPECT_EQ(out->areas, (std::vector<std::string>{"Climate", "Cities"}));
  EXPECT_EQ(out->groups, (std::vector<std::string>{"North", "South"}));
  EXPECT_EQ(out->vote_budget, 7);
  EXPECT_GT(out->version, w.version);
  in.areas = {""};
  EXPECT_TRUE(HasFieldCode(service_->UpdateWorkshop(As(fay_), w.id, in).status(), "areas", "required"));
}

TEST_F(FuturesTest, RatingsUpsertAndStayWithinOneToFive) {
  Workshop w = Make();
  Statement s = Add(w, p_[0]);
  EXPECT_TRUE(
      HasFieldCode(service_->Rate(As(p_[1]), w.id, s.id, "4", "4").status(), "phase", "fu_phase_closed"));
  Move(w, "rating");
  auto bad = service_->Rate(As(p_[1]), w.id, s.id, "0", "six");
  EXPECT_TRUE(HasFieldCode(bad.status(), "likelihood", "fu_rating_range"));
  EXPECT_TRUE(HasFieldCode(bad.status(), "desirability", "fu_rating_range"));
  EXPECT_TRUE(HasFieldCode(service_->Rate(As(p_[1]), w.id, s.id, "6", "3").status(), "likelihood",
                           "fu_rating_range"));
  ASSERT_TRUE(IsOk(service_->Rate(As(p_[1]), w.id, s.id, "2", "3")));
  ASSERT_TRUE(IsOk(service_->Rate(As(p_[1]), w.id, s.id, "5", "1")));  // changed, not added
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM futures_ratings"), 1);
  auto mine = service_->MyRatings(As(p_[1]), w.id);
  ASSERT_TRUE(IsOk(mine));
  EXPECT_EQ(mine->at(s.id).likelihood, 5);
  EXPECT_EQ(mine->at(s.id).desirability, 1);
  // A statement of another workshop is not found through this one.
  Workshop other = Make();
  EXPECT_TRUE(HasKind(service_->Rate(As(p_[1]), other.id, s.id, "3", "3"), Kind::kNotFound));
  Move(w, "voting");
  EXPECT_TRUE(
      HasFieldCode(service_->Rate(As(p_[1]), w.id, s.id, "3", "3").status(), "phase", "fu_phase_closed"));
}

TEST_F(FuturesTest, VotesStayWithinTheBudget) {
  Workshop w = Make({"A"}, "3");
  Statement a = Add(w, p_[0]);
  Statement b = Add(w, p_[1]);
  EXPECT_TRUE(HasFieldCode(service_->AddVote(As(p_[2]), w.id, a.id).status(), "phase", "fu_phase_closed"));
  Move(w, "rating");
  Move(w, "voting");
  EXPECT_EQ(*service_->AddVote(As(p_[2]), w.id, a.id), 1);
  EXPECT_EQ(*service_->AddVote(As(p_[2]), w.id, a.id), 2);
  EXPECT_EQ(*service_->AddVote(As(p_[2]), w.id, b.id), 3);
  EXPECT_TRUE(HasFieldCode(service_->AddVote(As(p_[2]), w.id, b.id).status(), "votes", "fu_over_budget"));
  // Taking one back frees a vote.
  EXPECT_EQ(*service_->RemoveVote(As(p_[2]), w.id, a.id), 2);
  EXPECT_EQ(*service_->AddVote(As(p_[2]), w.id, b.id), 3);
  EXPECT_TRUE(HasKind(service_->RemoveVote(As(p_[3]), w.id, a.id), Kind::kNotFound));
  auto mine = service_->MyVotes(As(p_[2]), w.id);
  ASSERT_TRUE(IsOk(mine));
  EXPECT_EQ(mine->at(a.id), 1);
  EXPECT_EQ(mine->at(b.id), 2);
}

TEST_F(FuturesTest, ConcurrentVotesCannotExceedTheBudget) {
  Workshop w = Make({"A"}, "5");
  Statement a = Add(w, p_[0]);
  Statement b = Add(w, p_[1]);
  Move(w, "rating");
  Move(w, "voting");
  Actor voter = As(p_[2]);
  std::atomic<bool> go{false};
  std::atomic<int> accepted{0};
  std::atomic<int> over{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < 4; ++i) {
        auto r = service_->AddVote(voter, w.id, (t + i) % 2 == 0 ? a.id : b.id);
        if (r.ok()) {
          ++accepted;
        } else if (HasFieldCode(r.status(), "votes", "fu_over_budget")) {
          ++over;
        } else {
          ADD_FAILURE() << Describe(r.status());
        }
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 5);
  EXPECT_EQ(over.load(), 11);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM futures_votes WHERE user_id=$1", {p_[2].id}), 5);
}

TEST_F(FuturesTest, ConcurrentRatingsOfOnePersonLeaveOneRating) {
  Workshop w = Make({"A"});
  Statement a = Add(w, p_[0]);
  Move(w, "rating");
  Actor rater = As(p_[1]);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < 3; ++i) {
        auto r = service_->Rate(rater, w.id, a.id, std::to_string(1 + (t + i) % 5), "3");
        if (!r.ok()) ADD_FAILURE() << Describe(r.status());
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM futures_ratings"), 1);
}

TEST_F(FuturesTest, SmallGroupsAreHiddenInResults) {
  Workshop w = Make({"A", "B"}, "2");
  Statement a = Add(w, p_[0], "A");
  Statement b = Add(w, p_[1], "B", "preferred");
  Move(w, "rating");
  // Five people rate group A's statement, four group B's.
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(IsOk(service_->Rate(As(p_[i]), w.id, a.id, "4", std::to_string(1 + i))));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(IsOk(service_->Rate(As(p_[i]), w.id, b.id, "2", "2")));
  Move(w, "voting");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(IsOk(service_->AddVote(As(p_[i]), w.id, a.id)));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(IsOk(service_->AddVote(As(p_[i]), w.id, b.id)));
  auto r = service_->ComputeResults(w.id);
  ASSERT_TRUE(IsOk(r));
  const auto& area = r->areas.at(1);  // technology
  ASSERT_EQ(area.area, "technology");
  ASSERT_EQ(area.predicted.size(), 1u);
  ASSERT_EQ(area.preferred.size(), 1u);
  const StatementResult& ra = area.predicted[0];
  EXPECT_TRUE(ra.ratings_shown);
  EXPECT_EQ(ra.raters, 5);
  EXPECT_DOUBLE_EQ(ra.likelihood, 4.0);
  EXPECT_DOUBLE_EQ(ra.desirability, 3.0);
  EXPECT_NEAR(ra.desirability_sd, 1.5811, 1e-3);
  EXPECT_TRUE(ra.votes_shown);
  EXPECT_EQ(ra.votes, 5);
  const StatementResult& rb = area.preferred[0];
  EXPECT_FALSE(rb.ratings_shown);
  EXPECT_FALSE(rb.votes_shown);
  EXPECT_EQ(rb.raters, 0);
  EXPECT_EQ(rb.votes, 0);
  EXPECT_EQ(rb.likelihood, 0.0);
  ASSERT_EQ(r->act_now.size(), 1u);
  EXPECT_EQ(r->act_now[0].statement.id, a.id);
  ASSERT_EQ(r->plotted.size(), 1u);
  EXPECT_TRUE(r->raters_shown);
  EXPECT_EQ(r->raters, 5);
  ASSERT_EQ(r->groups.size(), 2u);
  EXPECT_TRUE(r->groups[0].raters_shown);
  EXPECT_FALSE(r->groups[1].raters_shown);
  EXPECT_EQ(r->groups[1].raters, 0);
}

TEST_F(FuturesTest, ActNowBecomesAnActionPointOnce) {
  auto c = Consultation();
  WorkshopInput in;
  in.title = "Linked";
  in.horizon_year = "2045";
  in.consultation = c.slug;
  in.session_id = std::to_string(c.sessions.at(0).id);
  auto made = service_->CreateWorkshop(As(root_), in);
  ASSERT_TRUE(IsOk(made));
  Workshop w = *made;
  Statement s = Add(w, p_[0], "A");
  // Settings without a consultation keep the link, even from a facilitator who is no organiser.
  WorkshopInput edit;
  edit.title = "Linked, renamed";
  edit.horizon_year = "2050";
  auto kept = service_->UpdateWorkshop(As(mod_), w.id, edit);
  ASSERT_TRUE(IsOk(kept));
  EXPECT_EQ(kept->consultation_id, c.id);
  EXPECT_EQ(kept->session_id, c.sessions.at(0).id);
  edit.consultation = "none";
  EXPECT_TRUE(
      HasFieldCode(service_->UpdateWorkshop(As(mod_), w.id, edit).status(), "consultation", "fu_permission"));
  // Before it is closed: the phase is named.
  EXPECT_TRUE(
      HasFieldCode(service_->MakeActionPoint(As(root_), w.id, s.id).status(), "phase", "fu_phase_closed"));
  for (const char* ph : {"rating", "voting", "closed"})
    ASSERT_TRUE(IsOk(service_->SetPhase(As(root_), w.id, ph)));
  EXPECT_TRUE(HasKind(service_->MakeActionPoint(As(p_[0]), w.id, s.id), Kind::kPermissionDenied));
  // A moderator facilitates, though not an organiser of consultations.
  auto out = service_->MakeActionPoint(As(mod_), w.id, s.id);
  ASSERT_TRUE(IsOk(out));
  ASSERT_TRUE(out->point_id.has_value());
  auto point = consultations_->GetPoint(*out->point_id);
  ASSERT_TRUE(IsOk(point));
  EXPECT_EQ(point->consultation_id, c.id);
  EXPECT_EQ(point->session_id, c.sessions.at(0).id);
  EXPECT_EQ(consultations::Pick(point->text, "en"), s.text);
  EXPECT_EQ(point->number, "f" + std::to_string(s.id));
  EXPECT_TRUE(HasKind(service_->MakeActionPoint(As(root_), w.id, s.id), Kind::kConflict));
  auto again = service_->ListStatements(w.id);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(again->at(0).point_id, out->point_id);

  // A workshop without a consultation names the field.
  Workshop plain = Make();
  Statement t = Add(plain, p_[0]);
  for (const char* ph : {"rating", "voting", "closed"}) Move(plain, ph);
  EXPECT_TRUE(HasFieldCode(service_->MakeActionPoint(As(fay_), plain.id, t.id).status(), "consultation",
                           "fu_consultation_missing"));
}

TEST_F(FuturesTest, EveryWriteBumpsTheChangeCounter) {
  Workshop w = Make({"A"});
  std::int64_t v0 = w.version;
  Statement s = Add(w, p_[0]);
  auto v1 = service_->GetWorkshop(w.id)->version;
  EXPECT_GT(v1, v0);
  Move(w, "rating");
  ASSERT_TRUE(IsOk(service_->Rate(As(p_[1]), w.id, s.id, "3", "3")));
  auto v2 = service_->GetWorkshop(w.id)->version;
  EXPECT_GT(v2, v1 + 1);
  // A refused write changes nothing.
  EXPECT_FALSE(service_->Rate(As(p_[1]), w.id, s.id, "9", "3").ok());
  EXPECT_FALSE(
      service_->AddStatement(As(p_[1]), w.id, StatementInput{"technology", "A", "predicted", "x", "", ""})
          .ok());
  EXPECT_EQ(service_->GetWorkshop(w.id)->version, v2);
}

TEST_F(FuturesTest, WaymarkCopyCarriesTheFuturesTables) {
  Workshop w = Make({"A"});
  Statement s = Add(w, p_[0]);
  Move(w, "rating");
  ASSERT_TRUE(IsOk(service_->Rate(As(p_[1]), w.id, s.id, "3", "4")));
  Move(w, "voting");
  ASSERT_TRUE(IsOk(service_->AddVote(As(p_[1]), w.id, s.id)));
  auto target = TestDatabase::Create(backend(), true, clock_);
  ASSERT_TRUE(IsOk(target));
  ASSERT_TRUE(IsOk(storage::CopyDatabase(db(), (*target)->db(), false, 100, {})));
  storage::FuturesStores copied((*target)->db());
  auto got = copied.store().FindWorkshopBySlug(w.slug);
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(got->phase, Phase::kVoting);
  auto st = copied.store().ListStatements(got->id);
  ASSERT_TRUE(IsOk(st));
  ASSERT_EQ(st->size(), 1u);
  EXPECT_EQ(st->at(0).text, s.text);
  EXPECT_EQ(copied.store().ListRatings(got->id)->size(), 1u);
  EXPECT_EQ(copied.store().ListVotes(got->id)->size(), 1u);
}

}  // namespace
}  // namespace waymark::conformance
