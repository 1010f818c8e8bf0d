// A small SQL access layer that both backends implement.
//
// Statements are written once, in PostgreSQL's placeholder style ($1, $2, ...),
// which SQLite also accepts as named parameters. Every statement is prepared
// and cached per connection; values are always bound, never spliced in.
//
// Thread safety: a Connection is used by one thread at a time (the pool hands
// it out); a Database (the pool) is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "core/status.h"

namespace waymark::sql {

enum class Dialect { kSqlite, kPostgres };

struct Null {};
// Binary data (BLOB on SQLite, BYTEA on PostgreSQL), bound and read as raw
// bytes that may hold NULs. Plain std::string values are text.
struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};
using Value = std::variant<Null, std::int64_t, double, std::string, Blob>;

inline Value Opt(const std::optional<std::string>& v) { return v ? Value(*v) : Value(Null{}); }

class Row {
 public:
  explicit Row(std::vector<Value> cols) : cols_(std::move(cols)) {}
  std::size_t size() const { return cols_.size(); }
  bool IsNull(std::size_t i) const { return std::holds_alternative<Null>(cols_.at(i)); }
  // True for a binary column (BLOB, BYTEA); Text() returns its raw bytes.
  bool IsBlob(std::size_t i) const { return std::holds_alternative<Blob>(cols_.at(i)); }
  const Value& Get(std::size_t i) const { return cols_.at(i); }
  // Integer column; text holding digits (PostgreSQL's wire format) is parsed.
  std::int64_t Int(std::size_t i) const;
  bool Bool(std::size_t i) const { return Int(i) != 0; }
  // Text column (or a binary column's bytes); NULL reads as "".
  std::string Text(std::size_t i) const;
  std::optional<std::string> OptText(std::size_t i) const;
  std::optional<std::int64_t> OptInt(std::size_t i) const;

 private:
  std::vector<Value> cols_;
};

using Params = std::vector<Value>;

class Connection {
 public:
  virtual ~Connection() = default;

  // Runs a statement and returns its rows (empty for statements without).
  virtual Result<std::vector<Row>> Query(std::string_view sql, const Params& params) = 0;
  // Runs a statement and returns the number of rows it changed.
  virtual Result<std::int64_t> Execute(std::string_view sql, const Params& params) = 0;
  // Runs several ';'-separated statements without parameters (migrations).
  virtual Status ExecuteScript(std::string_view sql) = 0;

  // Transactions. `write` asks for the write lock up front where the backend
  // has one (SQLite's BEGIN IMMEDIATE), so that two writers never deadlock.
  virtual Status Begin(bool write) = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // A cheap round trip that proves the server answers.
  virtual Status Ping() = 0;
  // False once the connection is known to be broken; the pool replaces it.
  virtual bool IsHealthy() const = 0;

  virtual Dialect dialect() const = 0;

  // Convenience: the first row, or NotFound.
  Result<Row> QueryOne(std::string_view sql, const Params& params);

  // The pool's count of committed writes (Database::CommittedWrites). Set by
  // the pool on each connection it opens; null counts nothing.
  void set_write_counter(std::atomic<std::uint64_t>* counter) { write_counter_ = counter; }

 protected:
  // Implementations report each statement that wrote: outside a transaction
  // it is committed already and counts now; inside one it counts when the
  // transaction commits (TransactionEnded), never before, so that a reader
  // who saw the count move also sees the write.
  void NoteWrite(bool in_transaction);
  void NoteTransactionEnded(bool committed);

 private:
  std::atomic<std::uint64_t>* write_counter_ = nullptr;
  bool wrote_in_transaction_ = false;
};

struct PoolStats {
  int size = 0;    // configured maximum
  int open = 0;    // connections currently open
  int in_use = 0;  // leased out now
  std::int64_t acquired_total = 0;
  std::int64_t waited_total = 0;    // acquisitions that had to wait
  std::int64_t timeouts_total = 0;  // acquisitions that gave up
};

// Opens one connection. Called by the pool when it needs another.
using ConnectionFactory = std::function<Result<std::unique_ptr<Connection>>()>;

class Database;

// A connection on loan from the pool; returned when destroyed.
// A lease may also be a loan of the connection that holds this thread's
// open unit of work (Database::InTransaction): then it joins that
// transaction and gives nothing back when destroyed.
class Lease {
 public:
  Lease(Database* db, std::unique_ptr<Connection> conn) : db_(db), conn_(std::move(conn)) {}
  Lease(Database* db, Connection* joined) : db_(db), joined_(joined) {}
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  Connection& operator*() { return joined_ ? *joined_ : *conn_; }
  Connection* operator->() { return joined_ ? joined_ : conn_.get(); }
  // True when this lease joined a unit of work's open transaction.
  bool joined() const { return joined_ != nullptr; }

 private:
  Database* db_;
  std::unique_ptr<Connection> conn_;
  Connection* joined_ = nullptr;
};

// A bounded pool of connections to one database.
class Database {
 public:
  Database(Dialect dialect, std::string description, ConnectionFactory factory, int size,
           std::chrono::milliseconds acquire_timeout);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Waits up to the acquire timeout for a free connection. Unavailable when
  // none frees up in time or a new connection cannot be opened.
  Result<Lease> Acquire();
  PoolStats Stats() const;

  // Runs `fn` in one write transaction. Every Acquire() made on this thread
  // while `fn` runs (by any store) joins that transaction, so several store
  // calls commit or roll back together. Commits when `fn` returns OK. Nested
  // calls join the outer unit.
  Status InTransaction(const std::function<Status()>& fn);
  // How many writes this pool's connections have committed (a statement
  // outside a transaction, or a transaction that wrote). It moves only after
  // the commit, so a cached answer read at the old count is known stale.
  std::uint64_t CommittedWrites() const;
  Dialect dialect() const { return dialect_; }
  // "sqlite:///path/to.db" with any password removed.
  const std::string& description() const { return description_; }

 private:
  friend class Lease;
  void Release(std::unique_ptr<Connection> conn);
  Connection* AmbientConnection() const;

  struct State;
  Dialect dialect_;
  std::string description_;
  ConnectionFactory factory_;
  int size_;
  std::chrono::milliseconds acquire_timeout_;
  std::unique_ptr<State> state_;
};

// Runs `fn` inside a transaction on a pooled connection: commits when it
// returns OK, rolls back otherwise.
template <typename T>
Result<T> Transact(Database& db, bool write, const std::function<Result<T>(Connection&)>& fn) {
  auto lease = db.Acquire();
  if (!lease.ok()) return lease.status();
  Connection& conn = **lease;
  if (lease->joined()) return fn(conn);  // part of a unit of work: it commits
  WM_RETURN_IF_ERROR(conn.Begin(write));
  Result<T> result = fn(conn);
  if (!result.ok()) {
    (void)conn.Rollback();
    return result;
  }
  Status commit = conn.Commit();
  if (!commit.ok()) {
    (void)conn.Rollback();
    return commit;
  }
  return result;
}

Status TransactStatus(Database& db, bool write, const std::function<Status(Connection&)>& fn);

// Runs `fn` on a pooled connection without a transaction (single reads).
template <typename T>
Result<T> WithConnection(Database& db, const std::function<Result<T>(Connection&)>& fn) {
  auto lease = db.Acquire();
  if (!lease.ok()) return lease.status();
  return fn(**lease);
}

}  // namespace waymark::sql
