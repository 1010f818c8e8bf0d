// The command line: exit codes, error lines, and that what it does is what
// the server then serves. Each test has a fresh database and no server
// unless it starts one.
#include <sstream>

#include "fixture.h"

namespace waymark::it {
namespace {

int LineCount(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

class CliTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    WM_SKIP_UNLESS_BACKEND_AVAILABLE(GetParam());
    DeploymentOptions o;
    o.start_server = false;
    d_ = Deployment::Create(GetParam(), o);
  }
  void TearDown() override {
    if (HasFailure()) PrintServerLogOnFailure(d_.get());
  }
  Deployment& d() { return *d_; }

  std::unique_ptr<Deployment> d_;
};

TEST_P(CliTest, VersionExits0) {
  CliResult r = RunCli({"version"});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.out.rfind("waymark ", 0), 0u) << r.Describe();
  EXPECT_EQ(LineCount(r.out), 1) << r.Describe();
  EXPECT_EQ(r.err, "");
}

TEST_P(CliTest, UnknownDatabaseSchemeExits2WithOneLine) {
  for (const char* cmd : {"migrate", "serve"}) {
    CliResult r = RunCli({cmd, "--db", "mysql://root@127.0.0.1/waymark"}, "", std::chrono::seconds(20));
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.Describe();
    EXPECT_EQ(LineCount(r.err), 1) << cmd << ": " << r.Describe();
    EXPECT_EQ(r.err.rfind("waymark: database URL 'mysql://root@127.0.0.1/waymark' has unknown scheme", 0), 0u)
        << cmd << ": " << r.Describe();
    EXPECT_EQ(r.out, "");
  }
}

TEST_P(CliTest, UnknownFlagExits2WithOneLine) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"version", "--bogus"},
        std::vector<std::string>{"migrate", "--frobnicate", "1"}, std::vector<std::string>{"teleport"}}) {
    CliResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.Describe();
    EXPECT_EQ(LineCount(r.err), 1) << r.Describe();
    EXPECT_EQ(r.err.rfind("waymark: ", 0), 0u) << r.Describe();
  }
}

TEST_P(CliTest, UnknownConfigSettingExits2NamingIt) {
  std::string config = d().dir().Write("bad.json", R"({"max_body_bytes": 4096, "colour_scheme": "dark"})");
  CliResult r = RunCli({"serve", "--listen", "127.0.0.1:0", "--db", d().db_url(), "--config", config}, "",
                       std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_NE(r.err.find("colour_scheme"), std::string::npos) << r.Describe();
  EXPECT_EQ(LineCount(r.err), 1) << r.Describe();
}

TEST_P(CliTest, UserAddThenSignInWithThatPassword) {
  CliResult added =
      d().Cli({"user", "add", "--email", "Ana@Example.org", "--name", "Ana", "--password-stdin"},
              "a-long-enough-password\n");
  ASSERT_EQ(added.exit_code, 0) << added.Describe();
  EXPECT_EQ(added.out.find("one-time password"), std::string::npos) << added.Describe();

  CliResult again =
      d().Cli({"user", "add", "--email", "ana@example.org", "--name", "Ana 2", "--password-stdin"},
              "another-long-password\n");
  EXPECT_EQ(again.exit_code, 1) << again.Describe();
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.Describe();
  CliResult short_pw =
      d().Cli({"user", "add", "--email", "bo@example.org", "--name", "Bo", "--password-stdin"}, "short\n");
  EXPECT_NE(short_pw.exit_code, 0) << short_pw.Describe();
  EXPECT_NE(short_pw.err.find("password"), std::string::npos) << short_pw.Describe();

  d().StartServer();
  Browser b(d().client());
  SignedIn s = SignIn(b, "ana@example.org", "a-long-enough-password");
  EXPECT_EQ(s.response.Header("Location"), "/");
  EXPECT_EQ(b.Get("/api/v1/me").Json()["name"], "Ana");
  Browser wrong(d().client());
  EXPECT_EQ(AttemptSignIn(wrong, "ana@example.org", "another-long-password").status, 401);
  EXPECT_EQ(AttemptSignIn(wrong, "bo@example.org", "short").status, 401);
}

TEST_P(CliTest, TokenCreateThenUseIt) {
  d().AddOrganisation("jcwi", "Joint Council for the Welfare of Immigrants", "cso");
  CliResult added = d().Cli({"user", "add", "--email", "ed@example.org", "--name", "Ed", "--org", "jcwi",
                             "--role", "editor", "--password-stdin"},
                            "a-long-enough-password\n");
  ASSERT_EQ(added.exit_code, 0) << added.Describe();
  CliResult t = d().Cli({"token", "create", "--email", "ed@example.org", "--name", "ci"});
  ASSERT_EQ(t.exit_code, 0) << t.Describe();
  std::string token = t.out.substr(0, t.out.find('\n'));
  ASSERT_EQ(token.rfind("wm_", 0), 0u) << t.Describe();
  EXPECT_EQ(LineCount(t.out), 1);

  CliResult nobody = d().Cli({"token", "create", "--email", "nobody@example.org"});
  EXPECT_NE(nobody.exit_code, 0) << nobody.Describe();
  EXPECT_NE(nobody.err.find("nobody@example.org"), std::string::npos) << nobody.Describe();

  d().StartServer();
  HttpClient c = d().client();
  HttpResponse me = c.Get("/api/v1/me", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(me.status, 200) << me.Describe();
  EXPECT_EQ(me.Json()["email"], "ed@example.org");
  EXPECT_EQ(me.Json()["memberships"][0]["role"], "editor");
  HttpResponse org = c.Get("/api/v1/organisations/jcwi", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(org.status, 200) << org.Describe();
  HttpResponse patch = c.SendJson("PATCH", "/api/v1/organisations/jcwi", {{"acronym", "JCWI"}},
                                  {{"Authorization", "Bearer " + token}, {"If-Match", org.Header("ETag")}});
  EXPECT_EQ(patch.status, 200) << patch.Describe();
}

TEST_P(CliTest, OrgAddWithBadCountryFailsNamingIt) {
  CliResult r =
      d().Cli({"org", "add", "--slug", "badland", "--name", "Bad Land", "--kind", "cso", "--country", "XYZ"});
  EXPECT_NE(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.err.find("XYZ"), std::string::npos) << r.Describe();
  EXPECT_EQ(LineCount(r.err), 1) << r.Describe();
  CliResult kind = d().Cli({"org", "add", "--slug", "badkind", "--name", "Bad Kind", "--kind", "guild"});
  EXPECT_NE(kind.exit_code, 0) << kind.Describe();
  EXPECT_NE(kind.err.find("guild"), std::string::npos) << kind.Describe();

  CliResult good = d().Cli(
      {"org", "add", "--slug", "goodland", "--name", "Good Land", "--kind", "cso", "--country", "GBR"});
  ASSERT_EQ(good.exit_code, 0) << good.Describe();
  d().StartServer();
  HttpClient c = d().client();
  EXPECT_EQ(c.Get("/api/v1/organisations/badland").status, 404);
  HttpResponse g = c.Get("/api/v1/organisations/goodland");
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(g.Json()["country"], "GBR");
}

TEST_P(CliTest, MigrateTwiceIsIdempotent) {
  CliResult first = d().Cli({"migrate"});
  ASSERT_EQ(first.exit_code, 0) << first.Describe();
  EXPECT_EQ(first.out.rfind("applied ", 0), 0u) << first.Describe();
  EXPECT_EQ(first.out.find("applied 0 "), std::string::npos) << "the first run applies the migrations\n"
                                                             << first.Describe();
  CliResult second = d().Cli({"migrate"});
  ASSERT_EQ(second.exit_code, 0) << second.Describe();
  EXPECT_EQ(second.out.rfind("applied 0 migrations", 0), 0u) << second.Describe();
  std::string versions = d().db().QueryValue("SELECT count(*) FROM schema_migrations");
  EXPECT_EQ(versions, std::to_string(std::stoi(first.out.substr(8)))) << first.out;
  d().StartServer();
  EXPECT_EQ(d().client().Get("/healthz").status, 200);
}

TEST_P(CliTest, EditedMigrationIsRefusedByMigrateAndServe) {
  ASSERT_EQ(d().Cli({"migrate"}).exit_code, 0);
  d().db().Execute("UPDATE schema_migrations SET checksum = '" + std::string(64, 'e') +
                   "' WHERE version = 1");

  CliResult migrate = d().Cli({"migrate"});
  EXPECT_EQ(migrate.exit_code, 1) << migrate.Describe();
  EXPECT_NE(migrate.err.find("edited"), std::string::npos) << migrate.Describe();
  EXPECT_EQ(LineCount(migrate.err), 1) << migrate.Describe();

  // serve refuses to start; were it to start, it would run until the timeout.
  CliResult serve =
      RunCli({"serve", "--listen", "127.0.0.1:0", "--db", d().db_url()}, "", std::chrono::seconds(20));
  EXPECT_FALSE(serve.timed_out) << "serve started on an edited schema\n" << serve.Describe();
  EXPECT_EQ(serve.exit_code, 1) << serve.Describe();
  EXPECT_NE(serve.err.find("edited"), std::string::npos) << serve.Describe();
  EXPECT_EQ(serve.out.find("listening"), std::string::npos) << serve.Describe();
}

WM_INSTANTIATE_BACKENDS(CliTest);

}  // namespace
}  // namespace waymark::it

namespace waymark::it {
namespace {

// `waymark backup` copies a live SQLite database (the server keeps running)
// with the online backup API; it refuses to overwrite and refuses PostgreSQL.
TEST(BackupTest, CopiesALiveSqliteDatabaseAndRefusesToOverwrite) {
  DeploymentOptions o;
  auto d = Deployment::Create(Backend::kSqlite, o);
  d->AddOrganisation("jcwi", "Joint Council for the Welfare of Immigrants");
  std::string to = d->dir().File("backup.db");
  CliResult r = RunCli({"backup", "--db", d->db_url(), "--to", to});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  // The copy is a working database: a server on it serves the organisation.
  ServerProcess::Options so;
  so.db_url = "sqlite://" + to;
  so.stderr_file = d->dir().File("backup.stderr");
  auto server = ServerProcess::Start(so);
  EXPECT_EQ(HttpClient(server->port()).Get("/api/v1/organisations/jcwi").status, 200);
  EXPECT_EQ(server->Terminate(), 0);

  CliResult again = RunCli({"backup", "--db", d->db_url(), "--to", to});
  EXPECT_EQ(again.exit_code, 2) << again.Describe();
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.Describe();
  CliResult pg =
      RunCli({"backup", "--db", "postgresql://postgres@127.0.0.1:1/x", "--to", d->dir().File("x.db")});
  EXPECT_EQ(pg.exit_code, 2) << pg.Describe();
  EXPECT_NE(pg.err.find("pg_dump"), std::string::npos) << pg.Describe();
}

}  // namespace
}  // namespace waymark::it
