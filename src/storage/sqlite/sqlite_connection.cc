#include "storage/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace waymark::storage {
namespace {

// Whether a statement's effect is rows inserted, updated or deleted, so that
// the rows it changed say whether it wrote (a WITH in front of one of them is
// one too; a WITH ... SELECT is read-only and never asked about).
bool IsRowStatement(const char* sql) {
  std::string_view text = sql != nullptr ? sql : "";
  std::size_t at = text.find_first_not_of(" \t\r\n(");
  if (at == std::string_view::npos) return false;
  std::size_t end = at;
  while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end])) != 0) ++end;
  const std::string_view word = text.substr(at, end - at);
  auto is = [word](std::string_view keyword) {
    return word.size() == keyword.size() &&
           std::equal(word.begin(), word.end(), keyword.begin(),
                      [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; });
  };
  return is("INSERT") || is("UPDATE") || is("DELETE") || is("REPLACE") || is("WITH");
}

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

class SqliteConnection final : public sql::Connection {
 public:
  SqliteConnection(sqlite3* db, int busy_timeout_ms) : db_(db), busy_timeout_ms_(busy_timeout_ms) {}

  // sqlite3_busy_handler callback: 1 to try again, 0 to give up (SQLITE_BUSY).
  static int OnBusy(void* self, int attempts) {
    auto* conn = static_cast<SqliteConnection*>(self);
    if (attempts == 0) conn->busy_since_ = std::chrono::steady_clock::now();
    if (std::chrono::steady_clock::now() - conn->busy_since_ >=
        std::chrono::milliseconds(conn->busy_timeout_ms_)) {
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(attempts < 20 ? 200 : 1000));
    return 1;
  }
  ~SqliteConnection() override {
    cache_.clear();
    sqlite3_close_v2(db_);
  }

  Result<std::vector<sql::Row>> Query(std::string_view sql, const sql::Params& params) override {
    std::vector<sql::Row> rows;
    WM_RETURN_IF_ERROR(Run(sql, params, &rows));
    return rows;
  }

  Result<std::int64_t> Execute(std::string_view sql, const sql::Params& params) override {
    WM_RETURN_IF_ERROR(Run(sql, params, nullptr));
    return static_cast<std::int64_t>(sqlite3_changes(db_));
  }

  // Scripts (migrations, pragmas) are counted as writes: they are rare.
  Status ExecuteScript(std::string_view sql) override {
    Status s = Exec(sql);
    if (s.ok()) NoteWrite(!sqlite3_get_autocommit(db_));
    return s;
  }

  Status Exec(std::string_view sql) {
    std::string copy(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      return MapError(rc, msg);
    }
    return Status::Ok();
  }

  Status Begin(bool write) override { return Exec(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"); }
  Status Commit() override {
    Status s = Exec("COMMIT");
    // A failed COMMIT leaves the transaction open (SQLITE_BUSY): not ended yet.
    if (s.ok() || sqlite3_get_autocommit(db_)) NoteTransactionEnded(s.ok());
    return s;
  }
  Status Rollback() override {
    if (sqlite3_get_autocommit(db_)) return Status::Ok();  // nothing open
    Status s = Exec("ROLLBACK");
    NoteTransactionEnded(false);
    return s;
  }
  Status Ping() override {
    auto r = Query("SELECT 1", {});
    return r.ok() ? Status::Ok() : r.status();
  }
  bool IsHealthy() const override { return true; }
  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }

 private:
  Status MapError(int rc, const std::string& msg) const {
    int primary = rc & 0xff;
    if (primary == SQLITE_CONSTRAINT) {
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::Conflict(msg);
      }
      return Status::InvalidArgument(msg);
    }
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
      return Status::Unavailable("database is busy: " + msg);
    }
    if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_READONLY) {
      return Status::Unavailable("database cannot be written: " + msg);
    }
    return Status::Internal("sqlite: " + msg);
  }

  // A prepared statement and, for each parameter $n, its bind index (0 when
  // the statement does not use it), looked up once at preparation: binding
  // by name scans the statement's parameter names every time.
  struct Prepared {
    StmtPtr stmt;
    std::vector<int> index_of;  // [n - 1] -> bind index of $n
  };

  Result<Prepared*> Prepare(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) {
      sqlite3_reset(it->second.stmt.get());
      sqlite3_clear_bindings(it->second.stmt.get());
      return &it->second;
    }
    std::string key(sql);
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT,
                                &raw, nullptr);
    if (rc != SQLITE_OK) return MapError(rc, sqlite3_errmsg(db_));
    Prepared p{StmtPtr(raw), {}};
    const int count = sqlite3_bind_parameter_count(raw);
    for (int idx = 1; idx <= count; ++idx) {
      const char* name = sqlite3_bind_parameter_name(raw, idx);
      if (name == nullptr || name[0] != '$') continue;
      int n = std::atoi(name + 1);
      if (n <= 0) continue;
      if (p.index_of.size() < static_cast<std::size_t>(n)) p.index_of.resize(static_cast<std::size_t>(n), 0);
      p.index_of[static_cast<std::size_t>(n - 1)] = idx;
    }
    return &cache_.emplace(std::move(key), std::move(p)).first->second;
  }

  Status Run(std::string_view sql, const sql::Params& params, std::vector<sql::Row>* rows) {
    WM_ASSIGN_OR_RETURN(Prepared * prepared, Prepare(sql));
    sqlite3_stmt* stmt = prepared->stmt.get();
    // Parameters are written $1..$n; each is bound at the index its name has
    // in this statement, so order of first appearance in the text does not matter.
    for (std::size_t i = 0; i < params.size(); ++i) {
      int idx = i < prepared->index_of.size() ? prepared->index_of[i] : 0;
      if (idx == 0) continue;  // parameter not used by this statement
      const sql::Value& v = params[i];
      int rc = SQLITE_OK;
      if (std::holds_alternative<sql::Null>(v)) {
        rc = sqlite3_bind_null(stmt, idx);
      } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, idx, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, idx, *d);
      } else if (const auto* b = std::get_if<sql::Blob>(&v)) {
        rc = sqlite3_bind_blob64(stmt, idx, b->bytes.data(), static_cast<sqlite3_uint64>(b->bytes.size()),
                                 SQLITE_TRANSIENT);
      } else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return MapError(rc, sqlite3_errmsg(db_));
    }
    const sqlite3_int64 changes_before = sqlite3_total_changes64(db_);
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        Status s = MapError(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_));
        sqlite3_reset(stmt);
        return s;
      }
      if (rows == nullptr) continue;
      int n = sqlite3_column_count(stmt);
      std::vector<sql::Value> cols;
      cols.reserve(static_cast<std::size_t>(n));
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL: cols.emplace_back(sql::Null{}); break;
          case SQLITE_INTEGER:
            cols.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          case SQLITE_FLOAT: cols.emplace_back(sqlite3_column_double(stmt, c)); break;
          case SQLITE_BLOB: {
            const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, c));
            auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt, c));
            cols.emplace_back(sql::Blob{data ? std::string(data, size) : std::string()});
            break;
          }
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            cols.emplace_back(
                std::string(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
          }
        }
      }
      rows->emplace_back(std::move(cols));
    }
    // A write is what changed a row (triggers included). An UPDATE or
    // DELETE that matched nothing is not one: a forecast worker's claim that
    // finds no queued run, every few seconds, made every kept page stale.
    // Other statements that are not read-only (DDL) count as they are.
    if (!sqlite3_stmt_readonly(stmt) &&
        (sqlite3_total_changes64(db_) != changes_before || !IsRowStatement(sqlite3_sql(stmt)))) {
      NoteWrite(!sqlite3_get_autocommit(db_));
    }
    sqlite3_reset(stmt);
    return Status::Ok();
  }

  sqlite3* db_;
  int busy_timeout_ms_;
  std::chrono::steady_clock::time_point busy_since_;
  std::unordered_map<std::string, Prepared> cache_;
};

}  // namespace

Result<std::unique_ptr<sql::Connection>> OpenSqlite(const SqliteOptions& options) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(options.path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::Unavailable("cannot open " + options.path + ": " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  auto conn = std::make_unique<SqliteConnection>(db, options.busy_timeout_ms);
  // SQLite's own busy timeout sleeps up to 100 ms between tries, which gives
  // writers queued behind each other long, unfair waits; retry every
  // millisecond instead, up to the same limit.
  sqlite3_busy_handler(db, &SqliteConnection::OnBusy, conn.get());
  Status s = conn->ExecuteScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  if (!s.ok()) return s.WithContext("cannot configure " + options.path);
  return std::unique_ptr<sql::Connection>(std::move(conn));
}

Status BackupSqlite(const std::string& from, const std::string& to) {
  sqlite3* src = nullptr;
  sqlite3* dst = nullptr;
  auto cleanup = [&] {
    sqlite3_close_v2(src);
    sqlite3_close_v2(dst);
  };
  if (sqlite3_open_v2(from.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    Status s = Status::InvalidArgument("cannot open " + from + ": " + sqlite3_errmsg(src));
    cleanup();
    return s;
  }
  if (sqlite3_open_v2(to.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    Status s = Status::InvalidArgument("cannot create " + to + ": " + sqlite3_errmsg(dst));
    cleanup();
    return s;
  }
  sqlite3_busy_timeout(src, 5000);
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (b == nullptr) {
    Status s = Status::Internal(std::string("backup failed: ") + sqlite3_errmsg(dst));
    cleanup();
    return s;
  }
  int rc;
  do {
    rc = sqlite3_backup_step(b, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  Status s = rc == SQLITE_DONE ? Status::Ok()
                               : Status::Internal(std::string("backup failed: ") + sqlite3_errmsg(dst));
  cleanup();
  return s;
}

}  // namespace waymark::storage
