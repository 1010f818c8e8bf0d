// The databases the integration tests run against: a fresh SQLite file, or a
// fresh PostgreSQL database created on the server WAYMARK_TEST_PG_URL points at.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace waymark::it {

enum class Backend { kSqlite, kPostgres };

std::string_view BackendName(Backend backend);  // "sqlite", "postgres"
// For GoogleTest's messages.
void PrintTo(Backend backend, std::ostream* os);

// $WAYMARK_TEST_PG_URL when set and not empty (e.g. the line
// `scripts/pg-test-cluster start DIR` prints).
std::optional<std::string> PostgresBaseUrl();

// sqlite:///DIR/wm-N.db for a file that does not exist yet.
std::string SqliteUrl(const std::filesystem::path& dir);

// `url` with its database name replaced by `database`.
std::string WithDatabaseName(const std::string& url, const std::string& database);

// One fresh database for one test (or one fixture). For PostgreSQL it is
// `CREATE DATABASE wm_it_<random>` on the base server, dropped (WITH (FORCE))
// when the object goes.
class TestDatabase {
 public:
  // Throws std::runtime_error when the database cannot be made (for
  // PostgreSQL also when WAYMARK_TEST_PG_URL is unset; check first).
  static std::unique_ptr<TestDatabase> Create(Backend backend, const std::filesystem::path& dir);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Backend backend() const { return backend_; }
  // The URL to give waymark's --db.
  const std::string& url() const { return url_; }

  // Runs SQL statements directly (sqlite3 C API or libpq), bypassing waymark.
  // Throws std::runtime_error on failure.
  void Execute(const std::string& sql) const;
  // The first column of the first row of a query, as text ("" for NULL or no row).
  std::string QueryValue(const std::string& sql) const;

 private:
  TestDatabase() = default;

  Backend backend_ = Backend::kSqlite;
  std::string url_;
  std::string sqlite_path_;
  std::string pg_base_url_;
  std::string pg_name_;
};

}  // namespace waymark::it
