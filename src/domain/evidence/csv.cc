#include "domain/evidence/csv.h"

#include <cstdio>
#include <sstream>
#include <string_view>

namespace waymark::evidence {

namespace {

// The offset of the first byte of `s` that is not part of a well-formed
// UTF-8 sequence (no overlong forms, no surrogates, nothing above U+10FFFF),
// or npos when all of it is UTF-8.
std::size_t FirstInvalidUtf8(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    int len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;  // no UTF-16 surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + static_cast<std::size_t>(len) > n) return i;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b1 < lo || b1 > hi) return i;
    for (int k = 2; k < len; ++k) {
      const auto bk = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if (bk < 0x80 || bk > 0xBF) return i;
    }
    i += static_cast<std::size_t>(len);
  }
  return std::string_view::npos;
}

std::string Where(std::int64_t line, std::size_t column) {
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": ";
}

}  // namespace

CsvReader::CsvReader(std::istream& in, std::size_t max_record_bytes)
    : in_(in), max_record_bytes_(max_record_bytes) {}

Result<bool> CsvReader::Next(CsvRecord& out) {
  std::streambuf* sb = in_.rdbuf();
  using Traits = std::char_traits<char>;
  const int kEof = Traits::eof();

  // Bytes read while looking for a byte-order mark that turned out not to
  // be one; they belong to the first record.
  std::string pending;
  std::size_t pending_pos = 0;
  if (!started_) {
    started_ = true;
    static constexpr unsigned char kBom[3] = {0xEF, 0xBB, 0xBF};
    int k = 0;
    while (k < 3 && sb != nullptr) {
      int c = sb->sgetc();
      if (c == kEof || static_cast<unsigned char>(Traits::to_char_type(c)) != kBom[k]) break;
      pending.push_back(Traits::to_char_type(sb->sbumpc()));
      ++k;
    }
    bytes_read_ += static_cast<std::int64_t>(pending.size());
    if (k == 3) pending.clear();  // a BOM: skipped
  }
  auto get = [&]() -> int {
    if (pending_pos < pending.size()) return Traits::to_int_type(pending[pending_pos++]);
    if (sb == nullptr) return kEof;
    int c = sb->sbumpc();
    if (c != kEof) ++bytes_read_;
    return c;
  };
  auto peek = [&]() -> int {
    if (pending_pos < pending.size()) return Traits::to_int_type(pending[pending_pos]);
    if (sb == nullptr) return kEof;
    return sb->sgetc();
  };

  out.fields.clear();
  out.raw.clear();
  out.line = line_;
  std::string field;
  std::vector<std::size_t> field_starts{0};  // offsets in raw, for error columns
  bool in_quotes = false;
  bool at_field_start = true;
  bool any = false;  // a byte of this record was read
  bool overflow = false;
  std::int64_t quote_line = 0;

  auto append = [&](char ch, bool to_field) {
    if (overflow) return;
    if (out.raw.size() >= max_record_bytes_) {
      overflow = true;
      return;
    }
    out.raw.push_back(ch);
    if (to_field) field.push_back(ch);
  };
  auto end_field = [&]() {
    out.fields.push_back(std::move(field));
    field.clear();
    at_field_start = true;
  };

  for (;;) {
    int c = get();
    if (c == kEof) {
      if (in_quotes) {
        in_.setstate(std::ios::eofbit);
        return Status::InvalidArgument(Where(quote_line, out.fields.size() + 1) +
                                       "quoted field not closed before the end of the file");
      }
      if (!any) return false;
      end_field();
      break;
    }
    const char ch = Traits::to_char_type(c);
    if (in_quotes) {
      if (ch == '"') {
        if (peek() == Traits::to_int_type('"')) {
          get();
          append('"', false);
          append('"', true);
          continue;
        }
        in_quotes = false;
        append('"', false);
        continue;
      }
      if (ch == '\n') ++line_;
      append(ch, true);
      continue;
    }
    bool newline = false;
    if (ch == '\n') {
      newline = true;
    } else if (ch == '\r' && peek() == Traits::to_int_type('\n')) {
      get();
      newline = true;
    }
    if (newline) {
      ++line_;
      // An empty line between records (or at the end) is not a record.
      if (!any) {
        out.line = line_;
        continue;
      }
      end_field();
      break;
    }
    any = true;
    if (ch == ',') {
      append(',', false);
      end_field();
      field_starts.push_back(out.raw.size());
      continue;
    }
    if (ch == '"' && at_field_start) {
      in_quotes = true;
      at_field_start = false;
      quote_line = line_;
      append('"', false);
      continue;
    }
    // A quote inside an unquoted field, or text after a closing quote, is
    // taken as text: publishers' files do this and the meaning is clear.
    at_field_start = false;
    append(ch, true);
  }

  if (overflow) {
    return Status::InvalidArgument(Where(out.line, out.fields.size()) + "record longer than " +
                                   std::to_string(max_record_bytes_) + " bytes");
  }
  const std::size_t bad = FirstInvalidUtf8(out.raw);
  if (bad != std::string_view::npos) {
    std::int64_t line = out.line;
    for (std::size_t i = 0; i < bad; ++i) {
      if (out.raw[i] == '\n') ++line;
    }
    std::size_t column = 0;
    while (column < field_starts.size() && field_starts[column] <= bad) ++column;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(out.raw[bad]));
    return Status::InvalidArgument(Where(line, column) + "not UTF-8 (byte " + hex + ")");
  }
  return true;
}

Result<std::vector<std::string>> SplitCsvLine(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in, text.size() + 1);
  CsvRecord rec;
  WM_ASSIGN_OR_RETURN(bool got, reader.Next(rec));
  if (!got) return std::vector<std::string>{""};
  CsvRecord extra;
  WM_ASSIGN_OR_RETURN(bool more, reader.Next(extra));
  if (more) return Status::InvalidArgument("line 2, column 1: more than one record");
  return std::move(rec.fields);
}

}  // namespace waymark::evidence
