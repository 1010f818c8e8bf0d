// Several stateless `waymark serve` processes over one PostgreSQL database,
// and PostgreSQL restarting under a running server. Needs a live server:
// WAYMARK_TEST_PG_URL (scripts/test sets it); skipped otherwise.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "support/backend.h"
#include "support/browser.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace waymark::it {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kPassword[] = "a long enough passphrase";

// A Flee scenario of three places, as a zip: `days` long, with `arrivals`
// people reaching the camp by the end (more: a longer run).
std::string ForecastZip(int days, int arrivals, const std::string& end_date) {
  std::string observed =
      "Date,Refugee_numbers\n2020-01-01,0\n" + end_date + "," + std::to_string(arrivals) + "\n";
  std::vector<std::pair<std::string, std::string>> files = {
      {"case/sim_period.csv", "StartDate,2020-01-01\nLength," + std::to_string(days) + "\n"},
      {"case/locations.csv",
       "#name,region,country,latitude,longitude,location_type,conflict_date,population\n"
       "A,r,X,10.0,20.0,conflict_zone,0,500000\nB,r,X,10.5,20.5,town,0,1000\nC,r,Y,11.0,21.0,camp,0,"
       "1000000\n"},
      {"case/routes.csv", "#name1,name2,distance\nA,B,100\nB,C,120\n"},
      {"case/data_layout.csv", "total,refugees.csv\nC,c.csv\n"},
      {"case/refugees.csv", observed},
      {"case/c.csv", observed}};
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  zip_source_keep(src);
  for (const auto& [name, text] : files) {
    char* copy = static_cast<char*>(malloc(text.size() + 1));
    memcpy(copy, text.data(), text.size());
    zip_file_add(z, name.c_str(), zip_source_buffer(z, copy, text.size(), 1), ZIP_FL_OVERWRITE);
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

class MultiInstanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresBaseUrl()) GTEST_SKIP() << "WAYMARK_TEST_PG_URL is not set";
    dir_ = std::make_unique<TempDir>();
    db_ = TestDatabase::Create(Backend::kPostgres, dir_->path());
  }

  std::unique_ptr<ServerProcess> Start(const std::string& name, const std::string& config = "") {
    ServerProcess::Options o;
    o.db_url = db_->url();
    o.stderr_file = (dir_->path() / (name + ".stderr")).string();
    o.config_file = config;
    return ServerProcess::Start(o);
  }

  // An administrator (ana@example.org) and the organisation "kilimo";
  // `auth` gets her API token's header.
  void KilimoAdmin(HeaderList& auth) {
    AddPerson("ana@example.org", /*admin=*/true);
    CliResult org =
        RunCli({"org", "add", "--db", db_->url(), "--slug", "kilimo", "--name", "Kilimo", "--kind", "cso"});
    ASSERT_EQ(org.exit_code, 0) << org.Describe();
    CliResult tok = RunCli({"token", "create", "--db", db_->url(), "--email", "ana@example.org"});
    ASSERT_EQ(tok.exit_code, 0) << tok.Describe();
    auth = {{"Authorization", "Bearer " + tok.out.substr(0, tok.out.find('\n'))}};
  }

  void AddPerson(const std::string& email, bool admin = false) {
    std::vector<std::string> args = {"user", "add",    "--db",     db_->url(),        "--email",
                                     email,  "--name", "Ana Lima", "--password-stdin"};
    if (admin) args.push_back("--admin");
    CliResult r = RunCli(args, std::string(kPassword) + "\n");
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<TestDatabase> db_;
};

TEST_F(MultiInstanceTest, TwoServersStartedAtOnceMigrateOnceAndShareEverything) {
  // Both start at the same moment on an empty database: the advisory lock
  // lets one apply the migrations and the other find them applied.
  auto fa = std::async(std::launch::async, [&] { return Start("a"); });
  auto fb = std::async(std::launch::async, [&] { return Start("b"); });
  std::unique_ptr<ServerProcess> a = fa.get();
  std::unique_ptr<ServerProcess> b = fb.get();
  EXPECT_EQ(db_->QueryValue("SELECT COUNT(*) FROM schema_migrations"),
            db_->QueryValue("SELECT MAX(version) FROM schema_migrations"));
  EXPECT_NE(a->Stderr().find("migrations applied"), std::string::npos);
  EXPECT_NE(b->Stderr().find("migrations applied"), std::string::npos);

  AddPerson("ana@example.org", /*admin=*/true);

  // A session made through A is valid on B, with the same anti-forgery token.
  Browser on_a(a->port());
  SignedIn signed_in = SignIn(on_a, "ana@example.org", kPassword);
  Browser on_b(b->port());
  on_b.jar() = on_a.jar();
  HttpResponse account = on_b.Get("/account");
  ASSERT_EQ(account.status, 200) << account.Describe();
  EXPECT_NE(account.body.find("Ana Lima"), std::string::npos);
  EXPECT_EQ(ExtractCsrf(account.body), signed_in.csrf);
  HttpResponse lang =
      on_b.PostForm("/language", {{"csrf", signed_in.csrf}, {"lang", "fr"}, {"next", "/account"}});
  EXPECT_EQ(lang.status, 303) << lang.Describe();
  // The locale written through B shows on A.
  EXPECT_EQ(HtmlLang(on_a.Get("/account").body), "fr");

  // A write through A is visible through B.
  HttpResponse created =
      on_a.Request("POST", "/api/v1/organisations",
                   {{"Content-Type", "application/json"}, {"X-CSRF-Token", signed_in.csrf}},
                   R"({"slug":"mx-one","name":"Movement against Xenophobia","kind":"cso","country":"GRC"})");
  ASSERT_EQ(created.status, 201) << created.Describe();
  HttpResponse seen = HttpClient(b->port()).Get("/api/v1/organisations/mx-one");
  ASSERT_EQ(seen.status, 200) << seen.Describe();
  EXPECT_EQ(seen.Json()["name"], "Movement against Xenophobia");

  // Signing out through B ends the session on A too.
  HttpResponse out = on_b.Submit("/signout", {});
  EXPECT_EQ(out.status, 303) << out.Describe();
  Browser stale(a->port());
  stale.jar().Set("wm_session", signed_in.session);
  EXPECT_EQ(stale.Get("/account").status, 303);

  EXPECT_EQ(a->Terminate(), 0);
  EXPECT_EQ(b->Terminate(), 0);
}

TEST_F(MultiInstanceTest, SignInThrottlingCountsAcrossInstances) {
  std::string config = (dir_->path() / "config.json").string();
  {
    FILE* f = std::fopen(config.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(R"({"signin_max_failures_per_account": 2})", f);
    std::fclose(f);
  }
  auto a = Start("a", config);
  auto b = Start("b", config);
  AddPerson("bo@example.org");
  Browser on_a(a->port());
  EXPECT_EQ(AttemptSignIn(on_a, "bo@example.org", "wrong password 1").status, 401);
  Browser on_b(b->port());
  EXPECT_EQ(AttemptSignIn(on_b, "bo@example.org", "wrong password 2").status, 401);
  // The third attempt, even with the right password, is refused on either.
  HttpResponse refused = AttemptSignIn(on_a, "bo@example.org", kPassword);
  EXPECT_EQ(refused.status, 429) << refused.Describe();
  EXPECT_FALSE(refused.Header("Retry-After").empty());
}

// Restarts a PostgreSQL of its own (the shared one serves other tests).
TEST_F(MultiInstanceTest, PostgresRestartGives503ThenRecoversWithoutDying) {
  const char* script = WAYMARK_PG_CLUSTER_SCRIPT;
  std::string cluster = "/tmp/wm-restart-" + std::to_string(getpid());
  auto run = [&](const std::string& cmd) {
    std::string line = std::string(script) + " " + cmd + " " + cluster + " 2>>" + cluster + ".log";
    FILE* p = popen(line.c_str(), "r");
    std::string out;
    char buf[256];
    while (p && std::fgets(buf, sizeof buf, p)) out += buf;
    int rc = p ? pclose(p) : -1;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return std::make_pair(rc, out);
  };
  auto [rc, url] = run("start");
  ASSERT_EQ(rc, 0) << "could not start a PostgreSQL cluster: " << url;
  struct Cleanup {
    std::function<void()> fn;
    ~Cleanup() { fn(); }
  } cleanup{[&] { run("stop"); }};

  ServerProcess::Options o;
  o.db_url = url;
  o.stderr_file = (dir_->path() / "restart.stderr").string();
  auto server = ServerProcess::Start(o);
  HttpClient client(server->port(), seconds(10));
  ASSERT_EQ(client.Get("/healthz").status, 200);
  ASSERT_EQ(client.Get("/api/v1/organisations").status, 200);

  std::atomic<bool> restarted{false};
  std::thread restarter([&] {
    auto r = run("restart");
    EXPECT_EQ(r.first, 0) << r.second;
    restarted = true;
  });
  // Bounded: at most 2000 requests or 30 s, whichever comes first.
  int ok = 0, unavailable = 0, ok_after_restart = 0;
  auto deadline = std::chrono::steady_clock::now() + seconds(30);
  for (int i = 0; i < 2000 && std::chrono::steady_clock::now() < deadline && ok_after_restart < 5; ++i) {
    HttpResponse r = client.Get(i % 2 ? "/healthz" : "/api/v1/organisations");
    if (r.status == 200) {
      ++ok;
      if (restarted) ++ok_after_restart;
    } else {
      ASSERT_EQ(r.status, 503) << "during the restart: " << r.Describe();
      EXPECT_FALSE(r.Header("Retry-After").empty());
      ++unavailable;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
  restarter.join();
  // The pooled connections died with the old server process: at least the
  // first request after the restart notices and answers 503.
  EXPECT_GE(unavailable, 1);
  EXPECT_EQ(ok_after_restart, 5) << "the server did not recover after PostgreSQL came back";
  EXPECT_TRUE(server->running());
  EXPECT_EQ(server->Terminate(), 0);
}

// `waymark copy` moves a whole deployment SQLite -> PostgreSQL -> SQLite, and
// the copy works: people can sign in on the new backend with their passwords.
TEST_F(MultiInstanceTest, CopyMovesADeploymentBetweenBackendsAndBack) {
  std::string sqlite = "sqlite://" + (dir_->path() / "source.db").string();
  ASSERT_EQ(RunCli({"org", "add", "--db", sqlite, "--slug", "jcwi", "--name",
                    "Joint Council for the Welfare of Immigrants", "--kind", "cso", "--country", "GBR"})
                .exit_code,
            0);
  CliResult added = RunCli({"user", "add", "--db", sqlite, "--email", "cy@example.org", "--name", "Cy Dube",
                            "--org", "jcwi", "--role", "editor", "--password-stdin"},
                           std::string(kPassword) + "\n");
  ASSERT_EQ(added.exit_code, 0) << added.Describe();
  CliResult token = RunCli({"token", "create", "--db", sqlite, "--email", "cy@example.org"});
  ASSERT_EQ(token.exit_code, 0) << token.Describe();

  CliResult to_pg = RunCli({"copy", "--from", sqlite, "--to", db_->url()});
  ASSERT_EQ(to_pg.exit_code, 0) << to_pg.Describe();
  EXPECT_NE(to_pg.out.find("row counts verified"), std::string::npos) << to_pg.Describe();
  // A second copy into the now non-empty target is refused, naming the way out.
  CliResult again = RunCli({"copy", "--from", sqlite, "--to", db_->url()});
  EXPECT_EQ(again.exit_code, 2) << again.Describe();
  EXPECT_NE(again.err.find("--replace"), std::string::npos) << again.Describe();

  auto server = Start("copied");
  Browser browser(server->port());
  SignedIn signed_in = SignIn(browser, "cy@example.org", kPassword);
  // Editor of jcwi on the new backend too; the API token still works; new
  // rows get fresh ids after the copied ones.
  std::string bearer = token.out.substr(0, token.out.find('\n'));
  HttpResponse me = HttpClient(server->port()).Get("/api/v1/me", {{"Authorization", "Bearer " + bearer}});
  ASSERT_EQ(me.status, 200) << me.Describe();
  EXPECT_EQ(me.Json()["memberships"][0]["organisation"], "jcwi");
  HttpResponse org = browser.Get("/api/v1/organisations/jcwi");
  ASSERT_EQ(org.status, 200) << org.Describe();
  HttpResponse patched = browser.Request("PATCH", "/api/v1/organisations/jcwi",
                                         {{"Content-Type", "application/json"},
                                          {"X-CSRF-Token", signed_in.csrf},
                                          {"If-Match", org.Header("ETag")}},
                                         R"({"acronym":"JCWI"})");
  EXPECT_EQ(patched.status, 200) << patched.Describe();
  EXPECT_EQ(server->Terminate(), 0);
  EXPECT_EQ(RunCli({"org", "add", "--db", db_->url(), "--slug", "drc", "--name", "Danish Refugee Council",
                    "--kind", "cso"})
                .exit_code,
            0);

  std::string back = "sqlite://" + (dir_->path() / "back.db").string();
  CliResult to_sqlite = RunCli({"copy", "--from", db_->url(), "--to", back});
  ASSERT_EQ(to_sqlite.exit_code, 0) << to_sqlite.Describe();
  ServerProcess::Options o;
  o.db_url = back;
  o.stderr_file = (dir_->path() / "back.stderr").string();
  auto on_sqlite = ServerProcess::Start(o);
  HttpResponse orgs = HttpClient(on_sqlite->port()).Get("/api/v1/organisations");
  ASSERT_EQ(orgs.status, 200) << orgs.Describe();
  EXPECT_EQ(orgs.Json()["total"], 2);
  HttpResponse jcwi = HttpClient(on_sqlite->port()).Get("/api/v1/organisations/jcwi");
  EXPECT_EQ(jcwi.Json()["acronym"], "JCWI");
  Browser again_browser(on_sqlite->port());
  EXPECT_EQ(SignIn(again_browser, "cy@example.org", kPassword).response.status, 303);
}

TEST_F(MultiInstanceTest, CampaignPublishedOnOneInstanceIsFoundOnTheOther) {
  // Each instance keeps its own search index; B takes in A's changes from
  // the change feed within its poll interval.
  TempDir conf;
  std::string config = conf.Write("config.json", R"({"search_poll_ms": 200})");
  std::unique_ptr<ServerProcess> a = Start("a", config);
  std::unique_ptr<ServerProcess> b = Start("b", config);
  HeaderList auth;
  ASSERT_NO_FATAL_FAILURE(KilimoAdmin(auth));

  HttpClient ca(a->port());
  nlohmann::json body = {{"organisation", "kilimo"},
                         {"title", {{"es", "Huertos compartidos de acogida"}}},
                         {"summary", {{"es", "Vecinos y recién llegados cultivan juntos."}}},
                         {"countries", {"ECU"}}};
  HttpResponse created = ca.SendJson("POST", "/api/v1/campaigns", body, auth);
  ASSERT_EQ(created.status, 201) << created.Describe();
  std::string id = std::to_string(created.Json().value("id", 0LL));
  ASSERT_EQ(ca.SendJson("POST", "/api/v1/campaigns/" + id + "/submit", nlohmann::json::object(), auth).status,
            200);
  ASSERT_EQ(
      ca.SendJson("POST", "/api/v1/campaigns/" + id + "/publish", nlohmann::json::object(), auth).status,
      200);
  EXPECT_EQ(ca.Get("/api/v1/campaigns?q=huerto").Json().value("total", -1), 1);

  HttpClient cb(b->port());
  long long found = -1;
  auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    found = cb.Get("/api/v1/campaigns?q=huertos").Json().value("total", -1LL);
    if (found == 1) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(found, 1) << "instance B never saw the campaign published on A";
}

TEST_F(MultiInstanceTest, ConceptApprovedOnOneInstanceExpandsSearchesOnTheOther) {
  // Each instance gives its own index the thesaurus; B notices A's approval
  // by the store's stamp at its next catch-up (issue 15).
  TempDir conf;
  std::string config = conf.Write("config.json", R"({"search_poll_ms": 200})");
  std::unique_ptr<ServerProcess> a = Start("a", config);
  std::unique_ptr<ServerProcess> b = Start("b", config);
  HeaderList auth;
  ASSERT_NO_FATAL_FAILURE(KilimoAdmin(auth));

  HttpClient ca(a->port());
  HttpClient cb(b->port());
  nlohmann::json body = {{"organisation", "kilimo"}, {"title", {{"es", "Los zqhuertox del barrio"}}}};
  HttpResponse created = ca.SendJson("POST", "/api/v1/campaigns", body, auth);
  ASSERT_EQ(created.status, 201) << created.Describe();
  std::string id = std::to_string(created.Json().value("id", 0LL));
  ASSERT_EQ(ca.Request("POST", "/api/v1/campaigns/" + id + "/submit", auth).status, 200);
  ASSERT_EQ(ca.Request("POST", "/api/v1/campaigns/" + id + "/publish", auth).status, 200);
  auto total = [](HttpClient& c, const std::string& q) {
    return c.Get("/api/v1/campaigns?q=" + q).Json().value("total", -1LL);
  };
  auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (std::chrono::steady_clock::now() < deadline && total(cb, "zqhuertox") != 1)
    std::this_thread::sleep_for(milliseconds(100));
  ASSERT_EQ(total(cb, "zqhuertox"), 1) << "instance B never indexed the campaign";
  EXPECT_EQ(total(cb, "zqplotx"), 0);

  nlohmann::json concept_body = {{"terms", {{"en", {"zqplotx"}}, {"es", {"zqhuertox"}}}}};
  HttpResponse proposed = ca.SendJson("POST", "/api/v1/thesaurus", concept_body, auth);
  ASSERT_EQ(proposed.status, 201) << proposed.Describe();
  std::string concept_id = std::to_string(proposed.Json().value("id", 0LL));
  ASSERT_EQ(ca.Request("POST", "/api/v1/thesaurus/" + concept_id + "/approve", auth).status, 200);
  EXPECT_EQ(total(ca, "zqplotx"), 1) << "A expands at once";
  long long found = -1;
  deadline = std::chrono::steady_clock::now() + seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    found = total(cb, "zqplotx");
    if (found == 1) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(found, 1) << "instance B never took in the concept approved on A";
}

// Forecast runs with two instances: a second instance starting leaves the
// first one's running run alone (its heartbeat is fresh), a cancel made
// through one instance stops the run on the other, and a run queued through
// either is run once, by one of them.
TEST_F(MultiInstanceTest, ForecastRunsSurviveASecondInstanceAndCancelAcrossInstances) {
  TempDir conf;
  std::string config = conf.Write("config.json", R"({"forecast_demo_dir": "/nonexistent"})");
  std::unique_ptr<ServerProcess> a = Start("a", config);
  AddPerson("ana@example.org", /*admin=*/true);
  CliResult tok = RunCli({"token", "create", "--db", db_->url(), "--email", "ana@example.org"});
  ASSERT_EQ(tok.exit_code, 0) << tok.Describe();
  HeaderList auth = {{"Authorization", "Bearer " + tok.out.substr(0, tok.out.find('\n'))}};
  HeaderList upload = auth;
  upload.emplace_back("Content-Type", "application/zip");
  HttpClient ca(a->port(), seconds(30));
  auto scenario = [&](const std::string& title, const std::string& zip) {
    HttpResponse r = ca.Request("POST", "/api/v1/forecasts/scenarios?title=" + title, upload, zip);
    EXPECT_EQ(r.status, 201) << r.Describe();
    return r.Json().value("id", 0LL);
  };
  // About 9e8 agent-days: tens of seconds even in a release build, so that it
  // is still running when B starts and the cancel arrives.
  long long long_id = scenario("long", ForecastZip(3000, 600000, "2028-03-17"));
  long long tiny_id = scenario("tiny", ForecastZip(20, 400, "2020-01-21"));
  ASSERT_GT(long_id, 0);
  ASSERT_GT(tiny_id, 0);
  auto start_run = [&](HttpClient& c, long long id) {
    HttpResponse r = c.SendJson("POST", "/api/v1/forecasts/scenarios/" + std::to_string(id) + "/runs",
                                {{"seeds", 1}}, auth);
    EXPECT_EQ(r.status, 202) << r.Describe();
    return r.Json().value("id", 0LL);
  };
  auto state = [&](HttpClient& c, long long run) {
    return c.Get("/api/v1/forecasts/runs/" + std::to_string(run), auth).Json().value("state", std::string());
  };
  auto wait_until = [&](HttpClient& c, long long run, const std::function<bool(const std::string&)>& done) {
    std::string s;
    auto deadline = std::chrono::steady_clock::now() + seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      s = state(c, run);
      if (done(s)) break;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return s;
  };

  long long run = start_run(ca, long_id);
  ASSERT_GT(run, 0);
  ASSERT_EQ(wait_until(ca, run, [](const std::string& s) { return s != "queued"; }), "running");
  // B starts while A runs it: B's start-up sweep leaves a live run alone.
  std::unique_ptr<ServerProcess> b = Start("b", config);
  HttpClient cb(b->port(), seconds(30));
  EXPECT_EQ(state(cb, run), "running");
  // Cancelled through B, stopped by A at its next heartbeat.
  HttpResponse cancel = cb.Request("POST", "/api/v1/forecasts/runs/" + std::to_string(run) + "/cancel", auth);
  ASSERT_EQ(cancel.status, 200) << cancel.Describe();
  EXPECT_EQ(wait_until(ca, run, [](const std::string& s) { return s != "running"; }), "cancelled")
      << ca.Get("/api/v1/forecasts/runs/" + std::to_string(run), auth).body;

  // Runs queued through either are each run to the end.
  long long one = start_run(cb, tiny_id);
  long long two = start_run(ca, tiny_id);
  auto finished = [](const std::string& s) { return s != "queued" && s != "running"; };
  EXPECT_EQ(wait_until(cb, one, finished), "done");
  EXPECT_EQ(wait_until(cb, two, finished), "done");
  EXPECT_EQ(a->Terminate(), 0);
  EXPECT_EQ(b->Terminate(), 0);
}

}  // namespace
}  // namespace waymark::it
