// Opening a database by URL.
//
//   sqlite:///absolute/path.db   sqlite:relative/path.db
//   postgresql://user@host:port/dbname   (see storage/postgres)
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "sql/sql.h"

namespace waymark::storage {

struct DatabaseUrl {
  sql::Dialect dialect = sql::Dialect::kSqlite;
  std::string sqlite_path;        // for SQLite
  std::string postgres_conninfo;  // for PostgreSQL, as libpq takes it
  std::string redacted;           // safe to print
};

// InvalidArgument naming what is wrong with the URL.
Result<DatabaseUrl> ParseDatabaseUrl(const std::string& url);

struct PoolOptions {
  int size = 4;
  int acquire_timeout_ms = 5000;
};

// Opens a pool for `url` and checks that one connection can be made.
Result<std::unique_ptr<sql::Database>> OpenDatabase(const std::string& url, const PoolOptions& options);

}  // namespace waymark::storage
