#include "forecast/csv.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/strings.h"

namespace waymark::forecast {

Status InputError(const std::string& file, int line, int column, const std::string& message) {
  return Status::InvalidArgument(file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                                 message);
}

Result<std::vector<CsvRow>> ParseCsv(std::string_view text, const std::string& name) {
  std::vector<CsvRow> rows;
  size_t i = 0;
  int line = 1;
  size_t line_start = 0;
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF) {
    i = 3;  // a UTF-8 byte order mark
    line_start = 3;
  }
  while (i < text.size()) {
    CsvRow row;
    row.line = line;
    bool line_done = false;
    if (text[i] == '\n' || text[i] == '\r') {
      // An empty line: a row without fields.
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++i;
      row.end_column = 1;
      rows.push_back(std::move(row));
      ++line;
      line_start = i;
      continue;
    }
    while (!line_done) {
      CsvField field;
      field.column = static_cast<int>(i - line_start) + 1;
      bool quoted = false;
      const int field_line = line;
      while (i < text.size()) {
        char c = text[i];
        if (quoted) {
          if (c == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field.text.push_back('"');
              i += 2;
              continue;
            }
            quoted = false;
            ++i;
            continue;
          }
          if (c == '\n') {
            ++line;
            line_start = i + 1;
          }
          field.text.push_back(c);
          ++i;
          continue;
        }
        if (c == '"' && field.text.empty()) {
          quoted = true;
          field.text.clear();
          ++i;
          continue;
        }
        if (c == ',' || c == '\n' || c == '\r') break;
        field.text.push_back(c);
        ++i;
      }
      if (quoted) return InputError(name, field_line, field.column, "unterminated quoted field");
      row.fields.push_back(std::move(field));
      if (i >= text.size()) {
        row.end_column = static_cast<int>(i - line_start) + 1;
        line_done = true;
      } else if (text[i] == ',') {
        ++i;
        if (i >= text.size()) {
          row.fields.push_back(CsvField{"", static_cast<int>(i - line_start) + 1});
          row.end_column = static_cast<int>(i - line_start) + 1;
          line_done = true;
        }
      } else {
        row.end_column = static_cast<int>(i - line_start) + 1;
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        line_start = i;
        line_done = true;
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<CsvRow>> ReadCsvFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open the file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return ParseCsv(buf.str(), path);
}

bool ParseInt(std::string_view s, long long& out) {
  s = TrimAscii(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseDouble(std::string_view s, double& out) {
  s = TrimAscii(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

namespace {

// Howard Hinnant's days_from_civil.
int DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

bool ParseIsoDate(std::string_view s, int& days) {
  s = TrimAscii(s);
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  long long y = 0;
  long long m = 0;
  long long d = 0;
  if (!ParseInt(s.substr(0, 4), y) || !ParseInt(s.substr(5, 2), m) || !ParseInt(s.substr(8, 2), d))
    return false;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return false;
  days = DaysFromCivil(static_cast<int>(y), static_cast<int>(m), static_cast<int>(d));
  return true;
}

std::string FormatIsoDate(int days) {
  int z = days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = yoe + era * 400;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp + (mp < 10 ? 3 : -9);
  if (m <= 2) ++y;
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

}  // namespace waymark::forecast
