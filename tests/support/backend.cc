#include "backend.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>

namespace waymark::it {
namespace {

std::string RandomHex(int n) {
  static const char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string out;
  for (int i = 0; i < n; ++i) out += kHex[rd() % 16];
  return out;
}

// A libpq connection that closes itself.
struct PgConn {
  explicit PgConn(const std::string& url) {
    const char* keys[] = {"dbname", "connect_timeout", nullptr};
    const char* values[] = {url.c_str(), "10", nullptr};
    conn = PQconnectdbParams(keys, values, 1);
    if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
      std::string err = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
      if (conn != nullptr) PQfinish(conn);
      throw std::runtime_error("cannot connect to PostgreSQL at " + url + ": " + err);
    }
  }
  ~PgConn() { PQfinish(conn); }
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // Runs `sql`; the first value of the first row ("" when none).
  std::string Run(const std::string& sql) {
    PGresult* res = PQexec(conn, sql.c_str());
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      std::string err = PQresultErrorMessage(res);
      PQclear(res);
      throw std::runtime_error("PostgreSQL: " + sql + ": " + err);
    }
    std::string out;
    if (st == PGRES_TUPLES_OK && PQntuples(res) > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0)) {
      out = PQgetvalue(res, 0, 0);
    }
    PQclear(res);
    return out;
  }

  PGconn* conn = nullptr;
};

// A SQLite handle that closes itself.
struct SqliteConn {
  explicit SqliteConn(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      std::string err = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      throw std::runtime_error("cannot open SQLite database " + path + ": " + err);
    }
    sqlite3_busy_timeout(db, 10000);
  }
  ~SqliteConn() { sqlite3_close(db); }
  SqliteConn(const SqliteConn&) = delete;
  SqliteConn& operator=(const SqliteConn&) = delete;

  std::string Run(const std::string& sql) {
    std::string first;
    bool have = false;
    auto cb = [](void* out, int n, char** values, char**) -> int {
      auto* p = static_cast<std::pair<std::string*, bool*>*>(out);
      if (!*p->second && n > 0) {
        *p->first = values[0] != nullptr ? values[0] : "";
        *p->second = true;
      }
      return 0;
    };
    std::pair<std::string*, bool*> state{&first, &have};
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), cb, &state, &err) != SQLITE_OK) {
      std::string msg = err != nullptr ? err : "unknown error";
      sqlite3_free(err);
      throw std::runtime_error("SQLite: " + sql + ": " + msg);
    }
    return first;
  }

  sqlite3* db = nullptr;
};

}  // namespace

std::string_view BackendName(Backend backend) { return backend == Backend::kSqlite ? "sqlite" : "postgres"; }

void PrintTo(Backend backend, std::ostream* os) { *os << BackendName(backend); }

std::optional<std::string> PostgresBaseUrl() {
  const char* url = std::getenv("WAYMARK_TEST_PG_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

std::string SqliteUrl(const std::filesystem::path& dir) {
  static std::atomic<int> counter{0};
  std::filesystem::path file;
  do {
    file = dir / ("wm-" + std::to_string(++counter) + ".db");
  } while (std::filesystem::exists(file));
  return "sqlite://" + std::filesystem::absolute(file).string();
}

std::string WithDatabaseName(const std::string& url, const std::string& database) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) throw std::runtime_error("not a PostgreSQL URL: " + url);
  auto query = url.find('?', scheme + 3);
  auto slash = url.find('/', scheme + 3);
  std::size_t end = query == std::string::npos ? url.size() : query;
  if (slash == std::string::npos || slash > end) return url.substr(0, end) + "/" + database + url.substr(end);
  return url.substr(0, slash + 1) + database + url.substr(end);
}

std::unique_ptr<TestDatabase> TestDatabase::Create(Backend backend, const std::filesystem::path& dir) {
  std::unique_ptr<TestDatabase> db(new TestDatabase());
  db->backend_ = backend;
  if (backend == Backend::kSqlite) {
    db->url_ = SqliteUrl(dir);
    db->sqlite_path_ = db->url_.substr(std::string("sqlite://").size());
    return db;
  }
  auto base = PostgresBaseUrl();
  if (!base) throw std::runtime_error("WAYMARK_TEST_PG_URL is not set");
  std::string name = "wm_it_" + std::to_string(::getpid()) + "_" + RandomHex(10);
  PgConn conn(*base);
  conn.Run("CREATE DATABASE " + name);
  db->pg_base_url_ = *base;
  db->pg_name_ = name;
  db->url_ = WithDatabaseName(*base, name);
  return db;
}

TestDatabase::~TestDatabase() {
  if (pg_name_.empty()) return;
  try {
    PgConn conn(pg_base_url_);
    conn.Run("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
  } catch (...) {
    // A leftover wm_it_* database is harmless; the cluster is thrown away.
  }
}

void TestDatabase::Execute(const std::string& sql) const { (void)QueryValue(sql); }

std::string TestDatabase::QueryValue(const std::string& sql) const {
  if (backend_ == Backend::kSqlite) {
    SqliteConn conn(sqlite_path_);
    return conn.Run(sql);
  }
  PgConn conn(url_);
  return conn.Run(sql);
}

}  // namespace waymark::it
