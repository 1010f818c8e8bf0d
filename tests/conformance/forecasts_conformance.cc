// The forecasts store and service over the real stores, run against each
// backend: sqlite/ForecastsTest and postgres/ForecastsTest (PostgreSQL
// needs WAYMARK_TEST_PG_URL). See backend.h. Scenarios here are a tiny
// network (a conflict zone, a town, a camp; 20 days) written in the test,
// so that runs finish in a moment even under the sanitizers; zips are made
// with libzip.
#include <gtest/gtest.h>
#include <zip.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
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

// The tiny network over 1000 days with many more people: a run that lasts
// long enough to be cancelled while it runs.
std::vector<ScenarioFile> LongFiles() {
  auto files = TinyFiles();
  files[0].content = "StartDate,2020-01-01\nLength,1000\n";
  files[1].content =
      "#name,region,country,latitude,longitude,location_type,conflict_date,population\n"
      "A,r,X,10.0,20.0,conflict_zone,0,500000\n"
      "B,r,X,10.5,20.5,town,0,1000\n"
      "C,r,Y,11.0,21.0,camp,0,1000000\n";
  files[4].content = "Date,Refugee_numbers\n2020-01-01,0\n2022-09-27,200000\n";
  files[5].content = files[4].content;
  return files;
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
    other_.reset();
    other_stores_.reset();
    service_.reset();
    stores_.reset();
    people_.reset();
    BackendTest::TearDown();
  }
  ForecastService& Service(ForecastOptions o = {}) {
    service_ = std::make_unique<ForecastService>(stores_->store(), clock_, o);
    return *service_;
  }
  // A second instance on the same database: its own stores and runner.
  ForecastService& Other(ForecastOptions o = {}) {
    other_stores_ = std::make_unique<storage::ForecastStores>(db());
    other_ = std::make_unique<ForecastService>(other_stores_->store(), clock_, o);
    return *other_;
  }
  static ForecastOptions Quick() {
    ForecastOptions o;
    o.heartbeat_ms = 20;
    o.poll_ms = 20;
    return o;
  }
  // Waits (real time) until the run is in a finished state.
  forecasts::Run WaitFinished(Id run) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    for (;;) {
      auto r = stores_->store().GetRun(run);
      EXPECT_TRUE(IsOk(r));
      if (!r.ok() || Finished(r->state) || std::chrono::steady_clock::now() > deadline)
        return r.ok() ? *r : forecasts::Run{};
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
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
  std::unique_ptr<storage::ForecastStores> other_stores_;
  std::unique_ptr<ForecastService> other_;
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

TEST_F(ForecastsTest, ConcurrentClaimsTakeEachQueuedRunOnce) {
  ForecastService& s = Service();  // not started
  Scenario t = Tiny(s, ana_);
  constexpr int kRuns = 12;
  for (int i = 0; i < kRuns; ++i) ASSERT_TRUE(IsOk(s.StartRun(As(root_), t.id, 1)));
  // Four claimers on their own connections at once.
  std::vector<std::unique_ptr<storage::ForecastStores>> stores;
  for (int i = 0; i < 4; ++i) stores.push_back(std::make_unique<storage::ForecastStores>(db()));
  std::mutex mu;
  std::map<Id, int> claimed;
  std::vector<std::thread> threads;
  for (auto& st : stores) {
    threads.emplace_back([&, store = &st->store()] {
      for (;;) {
        auto r = store->ClaimNext(clock_.NowMs());
        if (!r.ok()) {
          ADD_FAILURE() << r.status().message();
          return;
        }
        if (!r->has_value()) return;
        EXPECT_EQ((*r)->state, RunState::kRunning);
        std::lock_guard<std::mutex> lock(mu);
        ++claimed[(*r)->id];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kRuns));
  for (const auto& [id, n] : claimed) EXPECT_EQ(n, 1) << "run " << id;
  auto none = stores_->store().ClaimNext(clock_.NowMs());
  ASSERT_TRUE(IsOk(none));
  EXPECT_FALSE(none->has_value());
}

TEST_F(ForecastsTest, TwoInstancesRunEachRunExactlyOnce) {
  ForecastOptions o = Quick();
  o.workers = 2;
  ForecastService& a = Service(o);
  ForecastService& b = Other(o);
  Scenario t = Tiny(a, ana_);
  constexpr int kRuns = 8;
  std::vector<Id> ids;
  for (int i = 0; i < kRuns; ++i) {
    // Queued through either instance; administrators have no limit.
    auto r = (i % 2 ? b : a).StartRun(As(root_), t.id, 1);
    ASSERT_TRUE(IsOk(r));
    ids.push_back(r->id);
  }
  auto fa = std::async(std::launch::async, [&] { return a.Start(); });
  auto fb = std::async(std::launch::async, [&] { return b.Start(); });
  ASSERT_TRUE(IsOk(fa.get()));
  ASSERT_TRUE(IsOk(fb.get()));
  for (Id id : ids) EXPECT_EQ(WaitFinished(id).state, RunState::kDone) << "run " << id;
  EXPECT_TRUE(a.WaitIdle(120000));
  EXPECT_TRUE(b.WaitIdle(120000));
  EXPECT_EQ(a.executed() + b.executed(), kRuns);
  // A run queued on one instance is found by the other's poll when the
  // first has stopped.
  a.Stop();
  auto late = a.StartRun(As(root_), t.id, 1);
  ASSERT_TRUE(IsOk(late));
  EXPECT_EQ(WaitFinished(late->id).state, RunState::kDone);
  EXPECT_EQ(a.executed() + b.executed(), kRuns + 1);
}

TEST_F(ForecastsTest, OnlyARunWithAStaleHeartbeatIsInterrupted) {
  ForecastOptions o;
  o.lease_ms = 60000;
  ForecastService& s = Service(o);
  Scenario t = Tiny(s, ana_);
  ForecastStore& store = stores_->store();
  auto queued = s.StartRun(As(ana_), t.id, 1);
  ASSERT_TRUE(IsOk(queued));
  // Another instance claims it and is alive: its heartbeat is fresh.
  auto claimed = store.ClaimNext(clock_.NowMs());
  ASSERT_TRUE(IsOk(claimed));
  ASSERT_TRUE(claimed->has_value());
  EXPECT_EQ((*claimed)->heartbeat_at, clock_.NowMs());
  clock_.AdvanceMs(50000);
  ASSERT_TRUE(IsOk(store.Heartbeat(queued->id, 0.5, clock_.NowMs())));
  clock_.AdvanceMs(50000);  // 100 s after the claim, 50 s after the heartbeat
  ForecastService& restarted = Service(o);
  auto none = restarted.Start();
  ASSERT_TRUE(IsOk(none));
  EXPECT_EQ(*none, 0);
  auto still = store.GetRun(queued->id);
  EXPECT_EQ(still->state, RunState::kRunning);
  EXPECT_EQ(still->progress, 0.5);
  // Then that instance dies: after the lease, any instance interrupts it.
  clock_.AdvanceMs(10001);
  ForecastService& again = Service(o);
  auto one = again.Start();
  ASSERT_TRUE(IsOk(one));
  EXPECT_EQ(*one, 1);
  EXPECT_EQ(store.GetRun(queued->id)->state, RunState::kInterrupted);
  // Should it come back, its heartbeat tells it to stop.
  auto go_on = store.Heartbeat(queued->id, 0.6, clock_.NowMs());
  ASSERT_TRUE(IsOk(go_on));
  EXPECT_FALSE(*go_on);
}

TEST_F(ForecastsTest, ACancelReachesTheInstanceRunningTheRun) {
  ForecastService& a = Service(Quick());
  ForecastService& b = Other(Quick());  // not started: it only serves requests
  ForecastStore& store = stores_->store();
  Scenario t = Tiny(a, ana_);
  // Queued: cancelled at once by the conditional update.
  auto q = a.StartRun(As(ana_), t.id, 1);
  ASSERT_TRUE(IsOk(q));
  auto cq = b.Cancel(As(ana_), q->id);
  ASSERT_TRUE(IsOk(cq));
  EXPECT_EQ(cq->state, RunState::kCancelled);
  // Running in an instance that is not there: the request waits on the run.
  auto p = a.StartRun(As(ana_), t.id, 1);
  ASSERT_TRUE(IsOk(p));
  ASSERT_TRUE(IsOk(store.ClaimNext(clock_.NowMs())));
  auto cp = b.Cancel(As(ana_), p->id);
  ASSERT_TRUE(IsOk(cp));
  EXPECT_EQ(cp->state, RunState::kRunning);
  EXPECT_TRUE(cp->cancel_requested);
  auto go_on = store.Heartbeat(p->id, 0.1, clock_.NowMs());
  ASSERT_TRUE(IsOk(go_on));
  EXPECT_FALSE(*go_on);
  ASSERT_TRUE(IsOk(store.Transition(p->id, RunState::kRunning, RunState::kCancelled, clock_.NowMs(), "")));
  EXPECT_EQ(b.Cancel(As(ana_), p->id).status().kind(), Kind::kConflict);
  // Running in A for real: B's cancel stops it at A's next heartbeat.
  Scenario in;
  in.title = "Long";
  auto long_one = a.CreateFromFiles(As(ana_), in, LongFiles());
  ASSERT_TRUE(IsOk(long_one));
  ASSERT_TRUE(IsOk(a.Start()));
  auto run = a.StartRun(As(ana_), long_one->id, 1);
  ASSERT_TRUE(IsOk(run));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (store.GetRun(run->id)->state == RunState::kQueued && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(store.GetRun(run->id)->state, RunState::kRunning);
  auto cancelled = b.Cancel(As(ana_), run->id);
  ASSERT_TRUE(IsOk(cancelled));
  forecasts::Run end = WaitFinished(run->id);
  EXPECT_EQ(end.state, RunState::kCancelled) << end.error;
  EXPECT_TRUE(a.WaitIdle(60000));
}

TEST_F(ForecastsTest, ThePerPersonLimitHoldsAcrossInstances) {
  ForecastOptions o;
  o.max_active_per_user = 3;
  ForecastService& a = Service(o);  // neither started: the runs stay queued
  ForecastService& b = Other(o);
  Scenario t = Tiny(a, ana_);
  std::atomic<int> ok{0}, limited{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = (i % 2 ? b : a).StartRun(As(ana_), t.id, 1);
      if (r.ok())
        ++ok;
      else if (r.status().kind() == Kind::kTooManyRequests)
        ++limited;
      else
        ADD_FAILURE() << r.status().message();
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 3);
  EXPECT_EQ(limited.load(), 5);
  EXPECT_EQ(*stores_->store().CountActiveRuns(ana_.id), 3);
}

}  // namespace
}  // namespace waymark::conformance
