// The forecasts store and service over the real stores, run against each
// backend: sqlite/ForecastsTest and postgres/ForecastsTest (PostgreSQL
// needs WAYMARK_TEST_PG_URL). See backend.h. Scenarios here are a tiny
// network (a conflict zone, a town, a camp; 20 days) written in the test,
// so that runs finish in a moment even under the sanitizers; zips are made
// with libzip.
#include <gtest/gtest.h>
#include <zip.h>

#include <thread>

#include "backend.h"
#include "domain/forecasts/forecast_service.h"
#include "people.h"
#include "storage/copy.h"
#include "storage/forecasts/forecast_stores.h"

namespace waymark::conformance {
namespace {

using accounts::Actor;
using accounts::User;
using namespace forecasts;  // NOLINT(google-build-using-namespace)
using Kind = Status::Kind;

std::vector<ScenarioFile> TinyFiles() {
  return {
      {"input/sim_period.csv", "StartDate,2020-01-01\nLength,20\n"},
      {"input/locations.csv",
       "#name,region,country,latitude,longitude,location_type,conflict_date,population\n"
       "A,r,X,10.0,20.0,conflict_zone,0,5000\n"
       "B,r,X,10.5,20.5,town,0,1000\n"
       "C,r,Y,11.0,21.0,camp,0,10000\n"},
      {"input/routes.csv", "#name1,name2,distance\nA,B,100\nB,C,120\n"},
      {"validation/data_layout.csv", "total,refugees.csv\nC,c.csv\n"},
      {"validation/refugees.csv", "Date,Refugee_numbers\n2020-01-01,0\n2020-01-21,400\n"},
      {"validation/c.csv", "Date,Refugee_numbers\n2020-01-01,0\n2020-01-21,400\n"},
  };
}

std::string Zip(const std::vector<ScenarioFile>& files) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  zip_source_keep(src);
  for (const auto& f : files) {
    char* copy = static_cast<char*>(malloc(f.content.size() + 1));
    memcpy(copy, f.content.data(), f.content.size());
    zip_source_t* s = zip_source_buffer(z, copy, f.content.size(), 1);
    zip_file_add(z, f.path.c_str(), s, ZIP_FL_OVERWRITE);
  }
  zip_close(z);
  zip_source_open(src);
  zip_source_seek(src, 0, SEEK_END);
  zip_int64_t size = zip_source_tell(src);
  zip_source_seek(src, 0, SEEK_SET);
  std::string out(static_cast<size_t>(size), '\0');
  zip_source_read(src, out.data(), static_cast<zip_uint64_t>(size));
  zip_source_close(src);
  zip_source_free(src);
  zip_error_fini(&err);
  return out;
}

class ForecastsTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    people_ = std::make_unique<People>(db(), clock_);
    stores_ = std::make_unique<storage::ForecastStores>(db());
    people_->AddOrg("jed");
    ana_ = people_->AddUser("ana@example.org");
    bob_ = people_->AddUser("bob@example.org");  // in no organisation
    root_ = people_->AddUser("root@example.org", true);
    people_->Join(ana_, "jed", "member");
  }
  void TearDown() override {
    service_.reset();
    stores_.reset();
    people_.reset();
    BackendTest::TearDown();
  }
  ForecastService& Service(ForecastOptions o = {}) {
    service_ = std::make_unique<ForecastService>(stores_->store(), clock_, o);
    return *service_;
  }
  Actor As(const User& u) { return people_->As(u); }
  Scenario Tiny(ForecastService& s, const User& u, const std::string& title = "Tiny") {
    Scenario in;
    in.title = title;
    auto created = s.CreateFromFiles(As(u), in, TinyFiles());
    EXPECT_TRUE(IsOk(created));
    return created.ok() ? *created : Scenario{};
  }
  forecasts::Run WaitDone(ForecastService& s, Id run) {
    EXPECT_TRUE(s.WaitIdle(120000));
    auto r = stores_->store().GetRun(run);
    EXPECT_TRUE(IsOk(r));
    return r.ok() ? *r : forecasts::Run{};
  }

  std::unique_ptr<People> people_;
  std::unique_ptr<storage::ForecastStores> stores_;
  std::unique_ptr<ForecastService> service_;
  User ana_, bob_, root_;
};

TEST_F(ForecastsTest, MembersCreateAndThePublicSeesOnlyPublished) {
  ForecastService& s = Service();
  Scenario in;
  in.title = "Tiny";
  EXPECT_EQ(s.CreateFromFiles(As(bob_), in, TinyFiles()).status().kind(), Kind::kPermissionDenied);
  EXPECT_EQ(s.CreateFromFiles(Actor::Anonymous(""), in, TinyFiles()).status().kind(),
            Kind::kPermissionDenied);
  Scenario t = Tiny(s, ana_);
  EXPECT_EQ(t.owner_id, ana_.id);
  EXPECT_FALSE(t.published);
  EXPECT_EQ(s.Get(Actor::Anonymous(""), t.id).status().kind(), Kind::kNotFound);
  EXPECT_EQ(s.Get(As(bob_), t.id).status().kind(), Kind::kNotFound);
  EXPECT_TRUE(IsOk(s.Get(As(root_), t.id)));
  EXPECT_EQ(s.SetPublished(As(bob_), t.id, true).status().kind(), Kind::kNotFound);
  ASSERT_TRUE(IsOk(s.SetPublished(As(ana_), t.id, true)));
  EXPECT_TRUE(IsOk(s.Get(Actor::Anonymous(""), t.id)));
  auto list = s.List(Actor::Anonymous(""));
  ASSERT_TRUE(IsOk(list));
  EXPECT_EQ(list->size(), 1u);
  auto files = s.Files(As(ana_), t.id);
  ASSERT_TRUE(IsOk(files));
  EXPECT_EQ(files->size(), 6u);
  // The public may look but not run.
  EXPECT_EQ(s.StartRun(As(bob_), t.id, 1).status().kind(), Kind::kPermissionDenied);
}

TEST_F(ForecastsTest, AZipIsReadAndMalformedInputNamesFileLineAndColumn) {
  ForecastService& s = Service();
  Scenario in;
  in.title = "Zipped";
  auto files = TinyFiles();
  for (auto& f : files) f.path = "case/" + f.path;  // a folder inside the zip
  auto created = s.CreateFromZip(As(ana_), in, Zip(files));
  ASSERT_TRUE(IsOk(created));
  EXPECT_EQ(created->origin, "upload");
  // A bad population on line 3.
  files = TinyFiles();
  files[1].content =
      "#name,region,country,latitude,longitude,location_type,conflict_date,population\n"
      "A,r,X,10.0,20.0,conflict_zone,0,5000\nB,r,X,10.5,20.5,town,0,lots\nC,r,Y,11,21,camp,0,10000\n";
  auto bad = s.CreateFromZip(As(ana_), in, Zip(files));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().kind(), Kind::kValidation);
  EXPECT_NE(bad.status().fields().at("file").find("input/locations.csv:3:"), std::string::npos)
      << bad.status().message();
  // A path outside the folder, a missing file, not a zip.
  files = TinyFiles();
  files.push_back({"../evil.csv", "x"});
  EXPECT_NE(s.CreateFromZip(As(ana_), in, Zip(files)).status().message().find("outside"), std::string::npos);
  files = TinyFiles();
  files.erase(files.begin() + 3);  // data_layout.csv
  EXPECT_NE(s.CreateFromZip(As(ana_), in, Zip(files)).status().message().find("data_layout.csv"),
            std::string::npos);
  EXPECT_EQ(s.CreateFromZip(As(ana_), in, "PK no zip").status().kind(), Kind::kValidation);
  // A zip bomb: a small archive of a file larger than the limit.
  ForecastOptions small;
  small.zip.max_file_bytes = 1000;
  ForecastService& limited = Service(small);
  files = TinyFiles();
  files.push_back({"input/padding.csv", std::string(100000, '0')});
  auto bomb = limited.CreateFromZip(As(ana_), in, Zip(files));
  ASSERT_FALSE(bomb.ok());
  EXPECT_NE(bomb.status().message().find("padding.csv"), std::string::npos);
}

TEST_F(ForecastsTest, ARunStoresItsResults) {
  ForecastService& s = Service();
  ASSERT_TRUE(IsOk(s.Start()));
  Scenario t = Tiny(s, ana_);
  auto run = s.StartRun(As(ana_), t.id, 2);
  ASSERT_TRUE(IsOk(run));
  EXPECT_EQ(run->state, RunState::kQueued);
  forecasts::Run done = WaitDone(s, run->id);
  ASSERT_EQ(done.state, RunState::kDone) << done.error;
  EXPECT_EQ(done.progress, 1.0);
  ASSERT_TRUE(done.summary.has_value());
  EXPECT_EQ(done.summary->camps, std::vector<std::string>{"C"});
  EXPECT_EQ(done.summary->route_flows.size(), 2u);
  EXPECT_EQ(done.summary->final_counts.size(), 3u);
  EXPECT_GT(done.summary->agent_days, 0);
  auto days = s.Days(As(ana_), run->id);
  ASSERT_TRUE(IsOk(days));
  ASSERT_EQ(days->size(), 20u);
  EXPECT_EQ((*days)[19].observed.size(), 1u);
  EXPECT_EQ((*days)[10].observed[0], 200.0);
  EXPECT_GE((*days)[19].simulated[0], 0.0);
  EXPECT_GE((*days)[5].error, 0.0);
  // Someone else cannot read an unpublished scenario's run.
  EXPECT_EQ(s.GetRun(As(bob_), run->id).status().kind(), Kind::kNotFound);
  // Cancelling a finished run is a conflict.
  EXPECT_EQ(s.Cancel(As(ana_), run->id).status().kind(), Kind::kConflict);
}

TEST_F(ForecastsTest, LimitsNameTheField) {
  ForecastOptions o;
  o.max_seeds = 3;
  o.max_active_per_user = 2;
  ForecastService& s = Service(o);  // not started: runs stay queued
  Scenario t = Tiny(s, ana_);
  auto many = s.StartRun(As(ana_), t.id, 4);
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.status().fields().count("seeds"), 1u);
  EXPECT_EQ(s.StartRun(As(ana_), t.id, 0).status().fields().count("seeds"), 1u);
  ASSERT_TRUE(IsOk(s.StartRun(As(ana_), t.id, 1)));
  ASSERT_TRUE(IsOk(s.StartRun(As(ana_), t.id, 1)));
  EXPECT_EQ(s.StartRun(As(ana_), t.id, 1).status().kind(), Kind::kTooManyRequests);
  ForecastOptions tiny;
  tiny.max_agent_days = 100;
  ForecastService& s2 = Service(tiny);
  auto big = s2.StartRun(As(root_), t.id, 1);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().fields().count("size"), 1u);
}

TEST_F(ForecastsTest, StateTransitionsCancelAndInterruption) {
  ForecastService& s = Service();  // not started
  Scenario t = Tiny(s, ana_);
  auto a = s.StartRun(As(ana_), t.id, 1);
  auto b = s.StartRun(As(ana_), t.id, 1);
  ASSERT_TRUE(IsOk(a));
  ASSERT_TRUE(IsOk(b));
  auto cancelled = s.Cancel(As(ana_), a->id);
  ASSERT_TRUE(IsOk(cancelled));
  EXPECT_EQ(cancelled->state, RunState::kCancelled);
  EXPECT_EQ(s.Cancel(As(ana_), a->id).status().kind(), Kind::kConflict);
  EXPECT_EQ(s.Cancel(As(bob_), b->id).status().kind(), Kind::kNotFound);
  ForecastStore& store = stores_->store();
  EXPECT_EQ(store.Transition(a->id, RunState::kQueued, RunState::kRunning, 1, "").kind(), Kind::kConflict);
  // b "runs" in a process that dies.
  ASSERT_TRUE(IsOk(store.Transition(b->id, RunState::kQueued, RunState::kRunning, 1, "")));
  auto c = s.StartRun(As(root_), t.id, 1);  // queued: a new process picks it up
  ASSERT_TRUE(IsOk(c));
  ForecastService& restarted = Service();
  auto interrupted = restarted.Start();
  ASSERT_TRUE(IsOk(interrupted));
  EXPECT_EQ(*interrupted, 1);
  EXPECT_EQ(store.GetRun(b->id)->state, RunState::kInterrupted);
  EXPECT_EQ(WaitDone(restarted, c->id).state, RunState::kDone);
  auto active = store.CountActiveRuns(ana_.id);
  ASSERT_TRUE(IsOk(active));
  EXPECT_EQ(*active, 0);
}

TEST_F(ForecastsTest, WhatIfCopiesCarryTheirChanges) {
  ForecastService& s = Service();
  ASSERT_TRUE(IsOk(s.Start()));
  Scenario t = Tiny(s, ana_);
  auto bad = s.Copy(As(ana_), t.id, "", {{ChangeKind::kCloseLocation, "Nowhere", "", 3, 0}}, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().fields().count("changes"), 1u);
  auto bad_setting = s.Copy(As(ana_), t.id, "", {}, {{"no_such_setting", "1"}});
  EXPECT_EQ(bad_setting.status().fields().count("settings"), 1u);
  auto copy = s.Copy(As(ana_), t.id, "Closed", {{ChangeKind::kCloseLink, "B", "C", 0, 0}}, {});
  ASSERT_TRUE(IsOk(copy));
  EXPECT_EQ(copy->parent_id, t.id);
  EXPECT_EQ(copy->origin, "copy");
  ASSERT_EQ(copy->changes.size(), 1u);
  auto loaded = s.Load(As(ana_), copy->id);
  ASSERT_TRUE(IsOk(loaded));
  EXPECT_TRUE(loaded->settings.fix_link_closure);
  auto run = s.StartRun(As(ana_), copy->id, 1);
  ASSERT_TRUE(IsOk(run));
  forecasts::Run done = WaitDone(s, run->id);
  ASSERT_EQ(done.state, RunState::kDone) << done.error;
  // The link to the camp was closed from day 0: nobody arrives.
  auto days = s.Days(As(ana_), run->id);
  ASSERT_TRUE(IsOk(days));
  EXPECT_EQ(days->back().simulated[0], 0.0);
}

TEST_F(ForecastsTest, WaymarkCopyCarriesTheForecastTables) {
  ForecastService& s = Service();
  ASSERT_TRUE(IsOk(s.Start()));
  Scenario t = Tiny(s, ana_);
  auto run = s.StartRun(As(ana_), t.id, 1);
  ASSERT_TRUE(IsOk(run));
  ASSERT_EQ(WaitDone(s, run->id).state, RunState::kDone);
  service_.reset();
  auto target = TestDatabase::Create(backend(), true, clock_);
  ASSERT_TRUE(IsOk(target));
  ASSERT_TRUE(IsOk(storage::CopyDatabase(db(), (*target)->db(), false, 100, {})));
  storage::ForecastStores copied((*target)->db());
  auto files = copied.store().ScenarioFiles(t.id);
  ASSERT_TRUE(IsOk(files));
  EXPECT_EQ(files->size(), 6u);
  auto days = copied.store().RunDays(run->id);
  ASSERT_TRUE(IsOk(days));
  EXPECT_EQ(days->size(), 20u);
  EXPECT_EQ(copied.store().GetRun(run->id)->state, RunState::kDone);
}

}  // namespace
}  // namespace waymark::conformance
