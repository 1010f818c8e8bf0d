#include "backend.h"

#include <libpq-fe.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string_view>
#include <system_error>

#include "storage/migrations.h"

namespace waymark::conformance {
namespace {

constexpr char kPgUrlVariable[] = "WAYMARK_TEST_PG_URL";

std::string PgBaseUrl() {
  const char* url = std::getenv(kPgUrlVariable);
  return url == nullptr ? "" : url;
}

std::string RandomHex(std::size_t bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::random_device device;
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    unsigned b = device() & 0xffu;
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

// `url` with its database (the path) replaced by `dbname`; the query, if any,
// is kept: postgresql://u@h:1/base?x=y -> postgresql://u@h:1/dbname?x=y.
std::string WithDatabase(const std::string& url, const std::string& dbname) {
  std::size_t authority = url.find("://");
  authority = authority == std::string::npos ? 0 : authority + 3;
  std::size_t query = url.find('?', authority);
  std::size_t path = url.find('/', authority);
  if (path != std::string::npos && query != std::string::npos && path > query) path = std::string::npos;
  std::string head = url.substr(0, path != std::string::npos ? path : query);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + dbname + tail;
}

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};

// Runs one statement outside a transaction on a new connection to `url`.
Status PgAdmin(const std::string& url, const std::string& statement) {
  std::unique_ptr<PGconn, PgConnDeleter> conn(PQconnectdb(url.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return Status::Unavailable(std::string("cannot connect to ") + kPgUrlVariable + ": " +
                               PQerrorMessage(conn.get()));
  }
  std::unique_ptr<PGresult, PgResultDeleter> res(PQexec(conn.get(), statement.c_str()));
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
    return Status::Internal(statement + ": " + PQerrorMessage(conn.get()));
  }
  return Status::Ok();
}

}  // namespace

Backend BackendUnderTest() {
  const char* name = std::getenv("WAYMARK_TEST_BACKEND");
  return name != nullptr && std::string_view(name) == "postgres" ? Backend::kPostgres : Backend::kSqlite;
}

const char* BackendName(Backend backend) { return backend == Backend::kSqlite ? "sqlite" : "postgresql"; }

std::optional<std::string> SkipReason(Backend backend) {
  if (backend == Backend::kPostgres && PgBaseUrl().empty()) {
    return std::string(kPgUrlVariable) +
           " is not set; start a server with URL=$(scripts/pg-test-cluster start DIR) and set it to $URL";
  }
  return std::nullopt;
}

std::string Describe(const Status& status) {
  return std::string(KindName(status.kind())) + ": " + status.message();
}

TestDatabase::TestDatabase(Backend backend, std::string url, std::string cleanup)
    : backend_(backend), url_(std::move(url)), cleanup_(std::move(cleanup)) {}

TestDatabase::~TestDatabase() {
  db_.reset();  // close the pool's connections before removing the database
  if (cleanup_.empty()) return;
  if (backend_ == Backend::kSqlite) {
    std::error_code ec;
    std::filesystem::remove_all(cleanup_, ec);
  } else {
    Status s = PgAdmin(PgBaseUrl(), "DROP DATABASE IF EXISTS " + cleanup_ + " WITH (FORCE)");
    EXPECT_TRUE(s.ok()) << Describe(s);
  }
}

Result<std::unique_ptr<TestDatabase>> TestDatabase::Create(Backend backend, bool migrate,
                                                           const Clock& clock) {
  if (auto reason = SkipReason(backend)) return Status::Unavailable(*reason);
  std::unique_ptr<TestDatabase> out;
  if (backend == Backend::kSqlite) {
    std::error_code ec;
    std::string pattern = (std::filesystem::temp_directory_path(ec) / "wm_conf_XXXXXX").string();
    if (ec) return Status::Internal("no temporary directory: " + ec.message());
    if (mkdtemp(pattern.data()) == nullptr) return Status::Internal("mkdtemp failed for " + pattern);
    out.reset(new TestDatabase(backend, "sqlite://" + pattern + "/waymark.db", pattern));
  } else {
    // Unquoted identifiers fold to lower case; hex keeps the name legal.
    std::string name = "wm_conf_" + RandomHex(8);
    WM_RETURN_IF_ERROR(PgAdmin(PgBaseUrl(), "CREATE DATABASE " + name));
    out.reset(new TestDatabase(backend, WithDatabase(PgBaseUrl(), name), name));
  }
  WM_ASSIGN_OR_RETURN(out->db_, out->OpenAnother());
  if (migrate) {
    auto report = storage::Migrate(*out->db_, clock);
    if (!report.ok()) return report.status().WithContext("migrating " + out->url_);
  }
  return out;
}

Result<std::unique_ptr<sql::Database>> TestDatabase::OpenAnother(const storage::PoolOptions& options) const {
  return storage::OpenDatabase(url_, options);
}

void BackendTest::SetUp() {
  if (auto reason = SkipReason(BackendUnderTest())) GTEST_SKIP() << *reason;
  auto created = TestDatabase::Create(BackendUnderTest(), MigrateInSetUp(), clock_);
  ASSERT_TRUE(created.ok()) << "cannot create a " << BackendName(BackendUnderTest())
                            << " test database: " << Describe(created.status());
  test_db_ = std::move(created).value();
}

void BackendTest::TearDown() { test_db_.reset(); }

std::int64_t BackendTest::CountRows(const std::string& select_count, const sql::Params& params) {
  auto row = sql::WithConnection<sql::Row>(
      db(), [&](sql::Connection& c) { return c.QueryOne(select_count, params); });
  EXPECT_TRUE(row.ok()) << select_count << ": " << Describe(row.status());
  return row.ok() ? row->Int(0) : -1;
}

}  // namespace waymark::conformance
