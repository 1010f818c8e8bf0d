#include "storage/open.h"

#include "core/strings.h"
#include "storage/postgres/postgres_connection.h"
#include "storage/sqlite/sqlite_connection.h"

namespace waymark::storage {

Result<DatabaseUrl> ParseDatabaseUrl(const std::string& url) {
  DatabaseUrl out;
  if (url.empty())
    return Status::InvalidArgument("database URL is empty; use sqlite:path.db or postgresql://...");
  if (StartsWith(url, "sqlite:")) {
    std::string rest = url.substr(7);
    if (StartsWith(rest, "//")) {
      // sqlite:///abs/path -> /abs/path ; sqlite://host/path is not a thing.
      if (!StartsWith(rest, "///")) {
        return Status::InvalidArgument("database URL '" + url +
                                       "': use sqlite:///absolute/path.db or sqlite:relative/path.db");
      }
      rest = rest.substr(2);
    }
    if (rest.empty() || rest.back() == '/') {
      return Status::InvalidArgument("database URL '" + url + "' names no file");
    }
    if (rest.find('?') != std::string::npos) {
      return Status::InvalidArgument("database URL '" + url + "': SQLite URLs take no options");
    }
    out.dialect = sql::Dialect::kSqlite;
    out.sqlite_path = rest;
    out.redacted = url;
    return out;
  }
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
    out.dialect = sql::Dialect::kPostgres;
    out.postgres_conninfo = url;
    // Hide a password: postgresql://user:secret@host -> postgresql://user:***@host
    std::string red = url;
    auto scheme_end = red.find("://") + 3;
    auto at = red.find('@', scheme_end);
    auto colon = red.find(':', scheme_end);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      red.replace(colon + 1, at - colon - 1, "***");
    }
    out.redacted = red;
    return out;
  }
  auto colon = url.find(':');
  std::string scheme = colon == std::string::npos ? url : url.substr(0, colon);
  return Status::InvalidArgument("database URL '" + url + "' has unknown scheme '" + scheme +
                                 "'; use sqlite:path.db or postgresql://...");
}

Result<std::unique_ptr<sql::Database>> OpenDatabase(const std::string& url, const PoolOptions& options) {
  WM_ASSIGN_OR_RETURN(DatabaseUrl parsed, ParseDatabaseUrl(url));
  std::unique_ptr<sql::Database> db;
  if (parsed.dialect == sql::Dialect::kSqlite) {
    SqliteOptions so;
    so.path = parsed.sqlite_path;
    db = std::make_unique<sql::Database>(
        sql::Dialect::kSqlite, parsed.redacted, [so] { return OpenSqlite(so); }, options.size,
        std::chrono::milliseconds(options.acquire_timeout_ms));
  } else {
    PostgresOptions po;
    po.conninfo = parsed.postgres_conninfo;
    db = std::make_unique<sql::Database>(
        sql::Dialect::kPostgres, parsed.redacted, [po] { return OpenPostgres(po); }, options.size,
        std::chrono::milliseconds(options.acquire_timeout_ms));
  }
  // Fail early with a clear message if the first connection cannot be made.
  auto lease = db->Acquire();
  if (!lease.ok()) return lease.status();
  WM_RETURN_IF_ERROR((*lease)->Ping());
  return db;
}

}  // namespace waymark::storage
