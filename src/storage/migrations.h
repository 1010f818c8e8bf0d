// Versioned schema migrations, embedded in the binary.
//
// One ordered list serves every backend: each file in storage/migrations is
// written in the SQL both backends share, with {{id}} standing for the
// backend's auto-increment primary key and {{blob}} for its binary type
// (BLOB, BYTEA). Applied migrations are recorded in
// schema_migrations with the SHA-256 of their text; a migration edited after
// it was applied stops the server at start, unless its recorded text is one
// listed as superseded (see SupersededText).
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "sql/sql.h"

namespace waymark::storage {

// An earlier text of a migration that a released binary applied before the
// text was (wrongly) edited in place, and the later migrations whose changes
// that earlier text already made. A database that recorded it is brought in
// line without running anything: its checksum is updated and `includes` are
// recorded as applied.
struct SupersededText {
  std::string checksum;
  std::vector<int> includes;
};

struct Migration {
  int version = 0;
  std::string name;      // "accounts"
  std::string text;      // as written, with placeholders
  std::string checksum;  // SHA-256 of text
  std::vector<SupersededText> superseded;
};

// The embedded migrations, ordered by version.
const std::vector<Migration>& AllMigrations();

// `text` with placeholders replaced for `dialect`.
std::string ExpandForDialect(const std::string& text, sql::Dialect dialect);

struct MigrationReport {
  int applied = 0;  // applied by this call
  int current_version = 0;
};

// Applies pending migrations in order, all in one write transaction that also
// serialises concurrent callers (SQLite's write lock, PostgreSQL's advisory
// lock), so two servers starting at once apply each migration once.
Result<MigrationReport> Migrate(sql::Database& db, const Clock& clock);
// Same, with an explicit list (tests use edited lists).
Result<MigrationReport> Migrate(sql::Database& db, const Clock& clock,
                                const std::vector<Migration>& migrations);

}  // namespace waymark::storage
