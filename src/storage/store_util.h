// Helpers the SQL stores share (internal to storage/).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "core/status.h"
#include "sql/sql.h"

namespace waymark::storage::internal {

// Runs `fn` in a read transaction that sees one snapshot (REPEATABLE READ on
// PostgreSQL), or inside this thread's unit of work when there is one. `fn`
// is told which: `own` is false inside a unit of work, whose writes are not
// committed yet and may still be rolled back.
template <typename T>
Result<T> ReadSnapshot(sql::Database& db, const std::function<Result<T>(sql::Connection&, bool own)>& fn) {
  auto lease = db.Acquire();
  if (!lease.ok()) return lease.status();
  sql::Connection& conn = **lease;
  if (lease->joined()) return fn(conn, false);
  WM_RETURN_IF_ERROR(conn.Begin(false));
  if (conn.dialect() == sql::Dialect::kPostgres) {
    Status s = conn.ExecuteScript("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    if (!s.ok()) {
      (void)conn.Rollback();
      return s;
    }
  }
  Result<T> result = fn(conn, true);
  // Nothing was written: ending the transaction either way is the same.
  Status end = result.ok() ? conn.Commit() : conn.Rollback();
  if (!end.ok()) {
    (void)conn.Rollback();
    if (result.ok()) return end;
  }
  return result;
}

template <typename T>
Result<T> ReadSnapshot(sql::Database& db, const std::function<Result<T>(sql::Connection&)>& fn) {
  return ReadSnapshot<T>(db, std::function<Result<T>(sql::Connection&, bool)>(
                                 [&fn](sql::Connection& c, bool) { return fn(c); }));
}

// Every row of a result mapped by `from_row` (OrgFromRow, ...), in order.
template <typename FromRow>
auto MapRows(const std::vector<sql::Row>& rows, FromRow from_row) {
  std::vector<std::invoke_result_t<FromRow, const sql::Row&>> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(from_row(r));
  return out;
}

// Statements with an IN list are written for a few fixed list lengths, so
// that each connection prepares a handful of statements, not one per length.
inline constexpr std::size_t kInBuckets[] = {1, 4, 16, 64, 256};

// `ids` without duplicates, cut into batches whose sizes are bucket sizes
// (the last batch padded by repeating its last id, which IN ignores).
inline std::vector<std::vector<std::int64_t>> InBatches(const std::vector<std::int64_t>& ids) {
  std::vector<std::int64_t> unique;
  std::set<std::int64_t> seen;
  for (std::int64_t id : ids) {
    if (seen.insert(id).second) unique.push_back(id);
  }
  std::vector<std::vector<std::int64_t>> out;
  constexpr std::size_t kMax = kInBuckets[std::size(kInBuckets) - 1];
  for (std::size_t i = 0; i < unique.size(); i += kMax) {
    std::vector<std::int64_t> batch(
        unique.begin() + static_cast<std::ptrdiff_t>(i),
        unique.begin() + static_cast<std::ptrdiff_t>(std::min(unique.size(), i + kMax)));
    std::size_t size = kMax;
    for (std::size_t b : kInBuckets) {
      if (b >= batch.size()) {
        size = b;
        break;
      }
    }
    while (batch.size() < size) batch.push_back(batch.back());
    out.push_back(std::move(batch));
  }
  return out;
}

// "$first, $first+1, ..." for `n` placeholders.
inline std::string Placeholders(std::size_t first, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    out += "$" + std::to_string(first + i);
  }
  return out;
}

inline sql::Params IdParams(const std::vector<std::int64_t>& ids) {
  sql::Params out;
  out.reserve(ids.size());
  for (std::int64_t id : ids) out.emplace_back(id);
  return out;
}

inline sql::Value OptId(const std::optional<std::int64_t>& v) {
  return v ? sql::Value(*v) : sql::Value(sql::Null{});
}
// 0 (nobody, e.g. the operator) is stored as NULL.
inline sql::Value IdOrNull(std::int64_t id) { return id != 0 ? sql::Value(id) : sql::Value(sql::Null{}); }
inline sql::Value Bool(bool b) { return static_cast<std::int64_t>(b ? 1 : 0); }

// A NotFound from QueryOne, reworded.
inline Status NotFoundAs(const Status& s, const std::string& message) {
  return s.IsNotFound() ? Status::NotFound(message) : s;
}

// A foreign key violation (a referenced row is missing), as either backend
// reports it: SQLite "FOREIGN KEY constraint failed", PostgreSQL "... violates
// foreign key constraint ...".
inline bool IsForeignKeyViolation(const Status& s) {
  if (s.kind() != Status::Kind::kInvalidArgument) return false;
  const std::string& m = s.message();
  return m.find("FOREIGN KEY") != std::string::npos || m.find("foreign key") != std::string::npos;
}

}  // namespace waymark::storage::internal
