// PostgreSQL implementation of sql::Connection, on libpq.
//
// Each distinct SQL text is prepared once per connection (server-side, named
// "wm_<n>") and then run with PQexecPrepared; parameters travel as text and
// results come back as text (NULL as sql::Null), except sql::Blob parameters
// (sent in binary) and bytea columns (read back as sql::Blob). Sessions use
// client_encoding=UTF8 and TimeZone=UTC; application_name defaults to
// "waymark" unless the conninfo names one.
//
// Errors map by SQLSTATE: unique violation -> Conflict; other integrity
// violations and data exceptions (classes 23, 22) -> InvalidArgument;
// serialization failure, deadlock, lock/statement timeouts and exhausted
// resources -> Unavailable; a lost connection (class 08, 57P01..57P03, or
// libpq reporting the link down) -> Unavailable and IsHealthy() turns false
// for good so that the pool drops the connection; anything else -> Internal
// with the server's message.
//
// Unlike SQLite, a failed statement inside a transaction aborts the whole
// transaction on PostgreSQL: later statements fail until Rollback, and Commit
// of such a transaction returns an error (after rolling it back).
#pragma once

#include <memory>
#include <string>

#include "sql/sql.h"

namespace waymark::storage {

struct PostgresOptions {
  std::string conninfo;       // "postgresql://user@host:port/db?..." or "key=value ..." as libpq takes it
  int connect_timeout_s = 5;  // used unless the conninfo sets connect_timeout itself
};

// Unavailable, with a message that names the server but not any password,
// when the conninfo cannot be parsed or the server cannot be reached.
Result<std::unique_ptr<sql::Connection>> OpenPostgres(const PostgresOptions& options);

}  // namespace waymark::storage
