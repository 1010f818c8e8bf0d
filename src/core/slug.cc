// Slugs from titles and calendar dates: pure helpers every module uses.
#include "core/slug.h"

#include <cstdint>

namespace waymark {

namespace {

// ASCII for U+00C0..U+017F (Latin-1 Supplement letters and Latin
// Extended-A), lowercase; "" for the two symbols (x and the division sign).
constexpr const char* kFold[] = {
    "a", "a", "a",  "a",  "a", "a", "ae", "c",  "e",  "e", "e", "e", "i",  "i",  "i", "i", "d", "n",
    "o", "o", "o",  "o",  "o", "",  "o",  "u",  "u",  "u", "u", "y", "th", "ss", "a", "a", "a", "a",
    "a", "a", "ae", "c",  "e", "e", "e",  "e",  "i",  "i", "i", "i", "d",  "n",  "o", "o", "o", "o",
    "o", "",  "o",  "u",  "u", "u", "u",  "y",  "th", "y", "a", "a", "a",  "a",  "a", "a", "c", "c",
    "c", "c", "c",  "c",  "c", "c", "d",  "d",  "d",  "d", "e", "e", "e",  "e",  "e", "e", "e", "e",
    "e", "e", "g",  "g",  "g", "g", "g",  "g",  "g",  "g", "h", "h", "h",  "h",  "i", "i", "i", "i",
    "i", "i", "i",  "i",  "i", "i", "ij", "ij", "j",  "j", "k", "k", "k",  "l",  "l", "l", "l", "l",
    "l", "l", "l",  "l",  "l", "n", "n",  "n",  "n",  "n", "n", "n", "n",  "n",  "o", "o", "o", "o",
    "o", "o", "oe", "oe", "r", "r", "r",  "r",  "r",  "r", "s", "s", "s",  "s",  "s", "s", "s", "s",
    "t", "t", "t",  "t",  "t", "t", "u",  "u",  "u",  "u", "u", "u", "u",  "u",  "u", "u", "u", "u",
    "w", "w", "y",  "y",  "y", "z", "z",  "z",  "z",  "z", "z", "s",
};
constexpr std::uint32_t kFoldFirst = 0xC0;
constexpr std::uint32_t kFoldEnd = kFoldFirst + sizeof(kFold) / sizeof(kFold[0]);

// Decodes one UTF-8 sequence at s[i]; returns its length (1 for a stray byte,
// which then decodes as U+FFFD).
std::size_t Decode(std::string_view s, std::size_t i, std::uint32_t& cp) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t len = c < 0x80             ? 1
                    : (c & 0xE0) == 0xC0 ? 2
                    : (c & 0xF0) == 0xE0 ? 3
                    : (c & 0xF8) == 0xF0 ? 4
                                         : 0;
  if (len == 0 || i + len > s.size()) {
    cp = 0xFFFD;
    return 1;
  }
  if (len == 1) {
    cp = c;
    return 1;
  }
  cp = c & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      cp = 0xFFFD;
      return 1;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  return len;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string Slugify(std::string_view title, std::size_t max_len, std::string_view fallback) {
  std::string out;
  bool pending_dash = false;
  auto append = [&](std::string_view piece) {
    for (char ch : piece) {
      if (out.size() >= max_len) return;
      if (pending_dash && !out.empty()) {
        if (out.size() + 1 >= max_len) return;
        out.push_back('-');
      }
      pending_dash = false;
      out.push_back(ch);
    }
  };
  for (std::size_t i = 0; i < title.size() && out.size() < max_len;) {
    std::uint32_t cp = 0;
    i += Decode(title, i, cp);
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
      append(std::string(1, static_cast<char>(cp)));
    } else if (cp >= 'A' && cp <= 'Z') {
      append(std::string(1, static_cast<char>(cp - 'A' + 'a')));
    } else if (cp >= kFoldFirst && cp < kFoldEnd && *kFold[cp - kFoldFirst] != '\0') {
      append(kFold[cp - kFoldFirst]);
    } else {
      pending_dash = true;
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty()) return std::string(fallback);
  return out;
}

bool IsCalendarDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(d[i])) return false;
  }
  int year = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
  int month = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max_day;
}

}  // namespace waymark
