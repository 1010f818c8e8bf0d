// What an import of BibTeX or RIS text yields: the entries that were read
// and the problems that made others be skipped. Shared by bibtex.h and ris.h.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/strings.h"
#include "domain/library/reference.h"

namespace waymark::library {

// One entry read from the input; `line` is where it starts (1-based).
struct ImportEntry {
  std::int64_t line = 0;
  Reference ref;
};

// Why an entry (or a stray piece of input) was skipped, in plain English, at a 1-based line and column
// (columns count characters, not bytes).
struct ImportProblem {
  std::int64_t line = 0;
  std::int64_t column = 0;
  std::string message;
  bool operator==(const ImportProblem&) const = default;
};

// Every entry of the input is either in `entries` or named in `problems`; a problem always means that
// something was skipped (fields that are merely odd, such as an unknown month, are dropped without one).
struct ImportResult {
  std::vector<ImportEntry> entries;
  std::vector<ImportProblem> problems;
};

// At most this many problems are reported; the last one says that reading stopped there (and so names every
// entry after it).
inline constexpr std::size_t kMaxImportProblems = 1000;

// Inputs larger than this are refused whole, with one problem: the parsers are linear, but an upload of
// this size is not a bibliography.
inline constexpr std::size_t kMaxImportBytes = std::size_t{20} * 1024 * 1024;

// Helpers the BibTeX and RIS readers share; not for other callers.
namespace import_internal {

// Maps byte offsets of a text to 1-based lines and columns.
class TextLocator {
 public:
  explicit TextLocator(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
  }
  std::int64_t Line(std::size_t offset) const {
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    return static_cast<std::int64_t>(it - starts_.begin());
  }
  // Counts code points from the start of the line; a stray byte counts as one.
  std::int64_t Column(std::size_t offset) const {
    std::size_t start = starts_[static_cast<std::size_t>(Line(offset) - 1)];
    std::int64_t column = 1;
    for (std::size_t i = start; i < offset && i < text_.size(); ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    return column;
  }
  ImportProblem Problem(std::size_t offset, std::string message) const {
    return ImportProblem{Line(offset), Column(offset), std::move(message)};
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

// Offsets of the bytes where an invalid UTF-8 sequence starts (overlong forms and surrogates included), in
// increasing order.
inline std::vector<std::size_t> InvalidUtf8Offsets(std::string_view s) {
  std::vector<std::size_t> bad;
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    std::uint32_t cp = len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
    bool ok = len != 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    ok = ok && !((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
                 cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF));
    if (!ok) {
      bad.push_back(i);
      ++i;
      continue;
    }
    i += len;
  }
  return bad;
}

// The first of `bad` (sorted offsets) inside [from, to), or npos.
inline std::size_t FirstIn(const std::vector<std::size_t>& bad, std::size_t from, std::size_t to) {
  auto it = std::lower_bound(bad.begin(), bad.end(), from);
  if (it == bad.end() || *it >= to) return std::string_view::npos;
  return *it;
}

inline std::string TooManyProblems(std::int64_t line) {
  return "too many problems (" + std::to_string(kMaxImportProblems) +
         "); reading stopped here, and nothing from line " + std::to_string(line) + " on was imported";
}

// The year as the four digits BibTeX and RIS want ("0020" for 20); "" outside 1..9999, which neither can
// carry.
inline std::string FourDigitYear(int year) {
  if (year < 1 || year > 9999) return "";
  std::string digits = std::to_string(year);
  return std::string(4 - digits.size(), '0') + digits;
}

// Appends keyword `k` (trimmed) unless it is blank or already in `seen`; a set keeps long lists linear.
inline void AddKeyword(std::vector<std::string>& keywords, std::set<std::string, std::less<>>& seen,
                       std::string_view k) {
  k = TrimAscii(k);
  if (k.empty() || !seen.emplace(k).second) return;
  keywords.emplace_back(k);
}

// A page range with its dash normalised: "12--34", "12 – 34" and "12—34" become "12-34".
inline std::string NormalizePages(std::string_view pages) {
  std::string out;
  std::size_t i = 0;
  auto dash_at = [&](std::size_t k) -> std::size_t {  // length of a dash at k, 0 when none
    if (pages[k] == '-') return 1;
    // U+2010..U+2015 (hyphens and dashes) and U+2212 (minus) are E2 80 90..95 and E2 88 92 in UTF-8.
    if (k + 2 < pages.size() && static_cast<unsigned char>(pages[k]) == 0xE2) {
      auto b1 = static_cast<unsigned char>(pages[k + 1]);
      auto b2 = static_cast<unsigned char>(pages[k + 2]);
      if ((b1 == 0x80 && b2 >= 0x90 && b2 <= 0x95) || (b1 == 0x88 && b2 == 0x92)) return 3;
    }
    return 0;
  };
  while (i < pages.size()) {
    std::size_t j = i;
    while (j < pages.size() && pages[j] == ' ') ++j;
    std::size_t dashes = 0;
    while (j < pages.size()) {
      std::size_t len = dash_at(j);
      if (len == 0) break;
      j += len;
      ++dashes;
    }
    if (dashes > 0) {
      while (j < pages.size() && pages[j] == ' ') ++j;
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out.push_back('-');
      i = j;
      continue;
    }
    out.push_back(pages[i]);
    ++i;
  }
  return std::string(TrimAscii(out));
}

}  // namespace import_internal

}  // namespace waymark::library
