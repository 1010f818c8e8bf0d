// Test support for the storage conformance suites: a fresh, migrated database
// per test on the backend the executable was built for, and assertions on
// Status kinds.
//
// Each suite is one executable that runs against the backend named by
// WAYMARK_TEST_BACKEND (sqlite, the default, or postgres): SQLite gets a new
// file in a fresh temporary directory per test; PostgreSQL reads the server
// from WAYMARK_TEST_PG_URL, e.g. postgresql://postgres@127.0.0.1:PORT/waymark_test
// (scripts/pg-test-cluster start DIR prints one), creates a database
// wm_conf_<random hex> on it for each test and drops it afterwards; every test
// is skipped when that variable is unset. CTest runs each suite once per
// backend (tests/conformance/CMakeLists.txt).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "sql/sql.h"
#include "storage/open.h"

namespace waymark::conformance {

enum class Backend { kSqlite, kPostgres };

// The backend named by WAYMARK_TEST_BACKEND.
Backend BackendUnderTest();
const char* BackendName(Backend backend);

// Why tests on `backend` cannot run here (WAYMARK_TEST_PG_URL unset), or
// nullopt when they can.
std::optional<std::string> SkipReason(Backend backend);

// A database that exists for one test: created empty by Create, removed by the
// destructor (the SQLite directory, or DROP DATABASE ... WITH (FORCE)).
class TestDatabase {
 public:
  // Creates the database and opens a pool on it; runs storage::Migrate when
  // `migrate` is true. Fails (never skips) when the server cannot be reached.
  static Result<std::unique_ptr<TestDatabase>> Create(Backend backend, bool migrate, const Clock& clock);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Backend backend() const { return backend_; }
  // A URL storage::OpenDatabase takes: sqlite:///tmp/.../waymark.db or
  // postgresql://.../wm_conf_<hex>.
  const std::string& url() const { return url_; }
  // The pool opened by Create.
  sql::Database& db() { return *db_; }
  // Another, independent pool on the same database.
  Result<std::unique_ptr<sql::Database>> OpenAnother(const storage::PoolOptions& options = {}) const;

 private:
  TestDatabase(Backend backend, std::string url, std::string cleanup);

  Backend backend_;
  std::string url_;
  // SQLite: the temporary directory; PostgreSQL: the database name.
  std::string cleanup_;
  std::unique_ptr<sql::Database> db_;
};

// "not_found: no such person"
std::string Describe(const Status& status);

inline const Status& StatusOf(const Status& status) { return status; }
template <typename T>
const Status& StatusOf(const Result<T>& result) {
  return result.status();
}

// EXPECT_TRUE(IsOk(result)) prints the error when there is one.
template <typename T>
::testing::AssertionResult IsOk(const T& status_or_result) {
  const Status& s = StatusOf(status_or_result);
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << Describe(s);
}

// EXPECT_TRUE(HasKind(result, Status::Kind::kNotFound)) prints what came instead.
template <typename T>
::testing::AssertionResult HasKind(const T& status_or_result, Status::Kind kind) {
  const Status& s = StatusOf(status_or_result);
  if (s.kind() == kind) return ::testing::AssertionSuccess() << Describe(s);
  return ::testing::AssertionFailure() << "expected " << KindName(kind) << ", got " << Describe(s);
}

// A fixture that gives every test a fresh database on BackendUnderTest(),
// migrated unless the subclass says otherwise, and a FakeClock. Skips when the
// backend is not available.
class BackendTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Subclasses that test migrations themselves return false.
  virtual bool MigrateInSetUp() const { return true; }

  Backend backend() const { return test_db_->backend(); }
  sql::Database& db() { return test_db_->db(); }
  TestDatabase& test_db() { return *test_db_; }
  // A count of the rows `select_count` (a "SELECT COUNT(*) ..." statement)
  // returns, or -1 (with a test failure) if it fails.
  std::int64_t CountRows(const std::string& select_count, const sql::Params& params = {});

  FakeClock clock_;

 private:
  std::unique_ptr<TestDatabase> test_db_;
};

}  // namespace waymark::conformance
