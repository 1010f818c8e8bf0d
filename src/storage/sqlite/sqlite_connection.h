// SQLite implementation of sql::Connection.
//
// Each connection runs in WAL mode with foreign keys on, a busy timeout, and
// synchronous=FULL so that a committed transaction survives a crash of the
// process or the machine. Prepared statements are cached by their SQL text.
#pragma once

#include <memory>
#include <string>

#include "sql/sql.h"

namespace waymark::storage {

struct SqliteOptions {
  std::string path;            // file path; created if absent
  int busy_timeout_ms = 5000;  // how long a writer waits for the lock
};

Result<std::unique_ptr<sql::Connection>> OpenSqlite(const SqliteOptions& options);

// Copies the live database at `from` into a new file `to` with SQLite's
// online backup API; readers and writers may go on meanwhile.
Status BackupSqlite(const std::string& from, const std::string& to);

}  // namespace waymark::storage
