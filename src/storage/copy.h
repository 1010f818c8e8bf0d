// Copying a whole deployment between databases (SQLite <-> PostgreSQL).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "sql/sql.h"

namespace waymark::storage {

// Every table that holds data, parents before children. A test checks that
// it names every table the migrations create.
const std::vector<std::string>& CopiedTables();

struct CopyReport {
  struct Table {
    std::string name;
    std::int64_t rows = 0;
  };
  std::vector<Table> tables;
};

// Called after each batch: table, rows copied so far, rows in the table.
using CopyProgress = std::function<void(const std::string&, std::int64_t, std::int64_t)>;

// Copies every row of CopiedTables() from `from` to `to`, keeping ids, in
// batches of `batch_rows`, inside one write transaction on the target (all
// or nothing), reading a consistent snapshot of the source. Both databases
// must be migrated to the same version. The target must be empty unless
// `replace` is set, in which case its rows are deleted first. Verifies that
// the row counts match at the end.
Result<CopyReport> CopyDatabase(sql::Database& from, sql::Database& to, bool replace, int batch_rows,
                                const CopyProgress& progress);

}  // namespace waymark::storage
