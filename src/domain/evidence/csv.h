// A streaming RFC 4180 reader: one record at a time, in constant memory
// (bounded by the longest record), with quoted fields that hold commas,
// doubled quotes and newlines. A UTF-8 byte-order mark at the start of the
// file is skipped; CRLF and LF both end a record; a last record without a
// newline is read. Each record says the physical line it starts on and
// keeps its text as it was in the file, for the quarantine.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "core/status.h"

namespace waymark::evidence {

struct CsvRecord {
  std::int64_t line = 0;            // 1-based physical line of the record's first character
  std::vector<std::string> fields;  // unquoted
  std::string raw;                  // the record's bytes, without the final line ending
};

class CsvReader {
 public:
  // Refuses records longer than max_record_bytes (a missing closing quote
  // would otherwise swallow the file).
  explicit CsvReader(std::istream& in, std::size_t max_record_bytes = 1 << 20);

  // Reads the next record into `out`. Returns false at the end of the input;
  // an unreadable record (a quote inside an unquoted field is accepted as
  // text; an unterminated quote at the end of the file, a record over the
  // limit, bytes that are not UTF-8) is an InvalidArgument naming line and
  // column, after which the reader can go on with the next record.
  Result<bool> Next(CsvRecord& out);

  // Bytes consumed so far (for a progress bar).
  std::int64_t bytes_read() const { return bytes_read_; }

 private:
  std::istream& in_;
  std::size_t max_record_bytes_;
  std::int64_t line_ = 1;
  std::int64_t bytes_read_ = 0;
  bool started_ = false;
};

// Splits one CSV record's text (no line ending needed) into fields.
Result<std::vector<std::string>> SplitCsvLine(const std::string& text);

}  // namespace waymark::evidence
