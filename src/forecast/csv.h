// The CSV dialect of Flee's input files (Python's csv module with its
// defaults): comma-separated, double-quote quoting, "" inside quotes for a
// quote. Each field remembers the character column it started at, so that
// readers can name file:line:column in their errors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace waymark::forecast {

struct CsvField {
  std::string text;  // unquoted
  int column = 1;    // 1-based character column where the field starts
};

struct CsvRow {
  int line = 0;  // 1-based line number in the file
  std::vector<CsvField> fields;
  int end_column = 1;  // the column just past the line's last character (for a missing field)
};

// Reads the file's rows (empty lines included, as rows without fields).
// NotFound when the file cannot be opened; InvalidArgument ("path:line:col:
// ...") for an unterminated quote.
Result<std::vector<CsvRow>> ReadCsvFile(const std::string& path);

// Parses CSV text (the same rules) for tests and for files already in memory.
Result<std::vector<CsvRow>> ParseCsv(std::string_view text, const std::string& name);

// "path:line:column: message" as an InvalidArgument Status.
Status InputError(const std::string& file, int line, int column, const std::string& message);

// Python's int(): optional surrounding whitespace, optional sign, digits.
bool ParseInt(std::string_view s, long long& out);
// Python's float() for ordinary decimal numbers (whitespace allowed around).
bool ParseDouble(std::string_view s, double& out);
// "YYYY-MM-DD" to days since 1970-01-01.
bool ParseIsoDate(std::string_view s, int& days);
// Days since 1970-01-01 to "YYYY-MM-DD".
std::string FormatIsoDate(int days);

}  // namespace waymark::forecast
