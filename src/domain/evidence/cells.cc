#include "domain/evidence/cells.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace waymark::evidence::cells {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kNbsp = "\xC2\xA0";

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// Parses all of `s` as a non-negative integer of at most 18 digits.
std::optional<std::int64_t> Digits(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// "1,022" / "1 022" / "12": digits in groups of three after the first.
std::optional<std::string> UngroupThousands(std::string_view s, char sep) {
  std::string out;
  std::size_t first = s.find(sep);
  if (first == std::string_view::npos) return std::string(s);
  if (first == 0 || first > 3) return std::nullopt;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t next = s.find(sep, i);
    std::string_view group = s.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i);
    if (i > 0 && group.size() != 3) return std::nullopt;
    out.append(group);
    if (next == std::string_view::npos) break;
    i = next + 1;
  }
  return out;
}

bool DaysOk(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + ((m == 2 && leap) ? 1 : 0);
  return d <= max;
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

std::string Trim(std::string_view s) {
  for (bool changed = true; changed && !s.empty();) {
    changed = false;
    if (IsAsciiSpace(s.front())) {
      s.remove_prefix(1), changed = true;
    } else if (s.substr(0, 3) == kBom) {
      s.remove_prefix(3), changed = true;
    } else if (s.substr(0, 2) == kNbsp) {
      s.remove_prefix(2), changed = true;
    }
    if (s.empty()) break;
    if (IsAsciiSpace(s.back())) {
      s.remove_suffix(1), changed = true;
    } else if (s.size() >= 3 && s.substr(s.size() - 3) == kBom) {
      s.remove_suffix(3), changed = true;
    } else if (s.size() >= 2 && s.substr(s.size() - 2) == kNbsp) {
      s.remove_suffix(2), changed = true;
    }
  }
  return std::string(s);
}

CountCell ParseCount(std::string_view cell) {
  CountCell r;
  const std::string t = Trim(cell);
  if (t.empty() || t == "-" || t == "\xE2\x80\x93" || t == "\xE2\x80\x94" || EqualsIgnoreCase(t, "n/a") ||
      t == "..") {
    return r;
  }
  std::string_view s = t;
  bool negative = false;
  if (s.front() == '-' || s.front() == '+') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  auto fail = [&] {
    r.value.reset();
    r.error = "not a count: " + t;
    return r;
  };
  if (s.empty()) return fail();
  // A decimal point: the integer part, and a fraction that is rounded.
  std::string_view int_part = s, frac_part;
  if (std::size_t dot = s.find('.'); dot != std::string_view::npos) {
    int_part = s.substr(0, dot);
    frac_part = s.substr(dot + 1);
    if (frac_part.empty() && int_part.empty()) return fail();
    for (char c : frac_part) {
      if (!IsDigit(c)) return fail();
    }
  }
  // (A plain string, not an optional one: g++ 12 at -O2 warns falsely on
  // optional<string> moved around like this.)
  std::string plain;
  if (auto commas = UngroupThousands(int_part, ','); commas && commas->find(' ') == std::string::npos) {
    plain = *commas;
  } else if (auto spaces = UngroupThousands(int_part, ' '); spaces) {
    plain = *spaces;
  } else {
    return fail();
  }
  std::optional<std::int64_t> whole = plain.empty() ? std::optional<std::int64_t>(0) : Digits(plain);
  if (!whole) return fail();
  std::int64_t v = *whole;
  bool fraction = false;
  for (char c : frac_part) fraction = fraction || c != '0';
  if (fraction) {
    // Counts published with a fraction are spreadsheet artefacts
    // ("8.0399999"): the nearest whole number, said in a note.
    double f = std::stod("0." + std::string(frac_part));
    if (f >= 0.5) ++v;
    r.note = "rounded " + t + " to " + (negative ? "-" : "") + std::to_string(v);
  }
  if (negative && v != 0) {
    r.value = -v;
    r.error = "negative count " + t;
    return r;
  }
  r.value = v;
  return r;
}

std::optional<double> ParseDouble(std::string_view cell) {
  const std::string t = Trim(cell);
  if (t.empty()) return std::nullopt;
  std::string_view s = t;
  if (s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

LatLonCell ParseLatLon(std::string_view cell) {
  LatLonCell r;
  const std::string t = Trim(cell);
  if (t.empty()) return r;
  std::size_t sep = t.find_first_of(",;");
  if (sep == std::string::npos) sep = t.find(' ');
  std::optional<double> lat, lon;
  if (sep != std::string::npos) {
    lat = ParseDouble(std::string_view(t).substr(0, sep));
    lon = ParseDouble(std::string_view(t).substr(sep + 1));
  }
  if (!lat || !lon) {
    r.error = "not coordinates: " + t;
    return r;
  }
  if (*lat < -90 || *lat > 90 || *lon < -180 || *lon > 180) {
    r.error = "coordinates out of range: " + t;
    return r;
  }
  r.latitude = lat;
  r.longitude = lon;
  return r;
}

std::string DecodeHtmlEntities(std::string_view s) {
  static constexpr struct {
    std::string_view name;
    std::string_view text;
  } kNamed[] = {
      {"amp", "&"},
      {"lt", "<"},
      {"gt", ">"},
      {"quot", "\""},
      {"apos", "'"},
      {"nbsp", " "},
      {"ndash", "\xE2\x80\x93"},
      {"mdash", "\xE2\x80\x94"},
      {"rsquo", "\xE2\x80\x99"},
      {"lsquo", "\xE2\x80\x98"},
      {"rdquo", "\xE2\x80\x9D"},
      {"ldquo", "\xE2\x80\x9C"},
  };
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '&') {
      out.push_back(s[i++]);
      continue;
    }
    std::size_t semi = s.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12) {
      out.push_back(s[i++]);
      continue;
    }
    std::string_view ref = s.substr(i + 1, semi - i - 1);
    bool done = false;
    if (ref.size() >= 2 && ref[0] == '#') {
      std::uint32_t cp = 0;
      bool hex = ref[1] == 'x' || ref[1] == 'X';
      std::string_view digits = ref.substr(hex ? 2 : 1);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (!digits.empty() && ec == std::errc() && p == digits.data() + digits.size() && cp > 0 &&
          cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) {
        AppendUtf8(out, cp == 0xA0 ? 0x20 : cp);
        done = true;
      }
    } else {
      for (const auto& n : kNamed) {
        if (ref == n.name) {
          out.append(n.text);
          done = true;
          break;
        }
      }
    }
    if (done) {
      i = semi + 1;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

std::string HtmlToText(std::string_view s) {
  std::string no_tags;
  no_tags.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    // A '<' starts a tag only when a letter, '/' or '!' follows, so that
    // "< 5 km" stays text.
    if (s[i] == '<' && i + 1 < s.size() &&
        (s[i + 1] == '/' || s[i + 1] == '!' || (Lower(s[i + 1]) >= 'a' && Lower(s[i + 1]) <= 'z'))) {
      std::size_t end = s.find('>', i);
      if (end != std::string_view::npos) {
        no_tags.push_back(' ');  // tags separate words ("a<br>b" -> "a b")
        i = end + 1;
        continue;
      }
    }
    no_tags.push_back(s[i++]);
  }
  std::string decoded = DecodeHtmlEntities(no_tags);
  std::string out;
  out.reserve(decoded.size());
  bool space = false;
  for (char c : decoded) {
    if (IsAsciiSpace(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return Trim(out);
}

bool LooksLikeHtml(std::string_view s) {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] == '<' && (s[i + 1] == '/' || Lower(s[i + 1]) == 'p' || Lower(s[i + 1]) == 'b' ||
                        Lower(s[i + 1]) == 'a' || Lower(s[i + 1]) == 'd' || Lower(s[i + 1]) == 's')) {
      std::size_t end = s.find('>', i);
      if (end != std::string_view::npos) return true;
    }
    if (s[i] == '&') {
      std::size_t semi = s.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 12 && semi > i + 1) {
        std::string_view ref = s.substr(i, semi - i + 1);
        if (DecodeHtmlEntities(ref) != ref) return true;
      }
    }
  }
  return false;
}

int MonthFromName(std::string_view name) {
  static constexpr std::string_view kMonths[] = {"january",   "february", "march",    "april",
                                                 "may",       "june",     "july",     "august",
                                                 "september", "october",  "november", "december"};
  const std::string t = Trim(name);
  if (t.size() < 3) return 0;
  for (int m = 0; m < 12; ++m) {
    if (EqualsIgnoreCase(t, kMonths[m]) || EqualsIgnoreCase(t, kMonths[m].substr(0, 3))) return m + 1;
  }
  if (EqualsIgnoreCase(t, "sept")) return 9;
  return 0;
}

DateCell ParseDate(std::string_view cell) {
  DateCell r;
  const std::string t = Trim(cell);
  if (t.empty()) return r;
  if (t == "0") {
    // Seen in MMP (2020.MMP01343): a placeholder, not a date.
    r.note = "no date: 0";
    return r;
  }
  auto bad = [&] {
    r.date = PartialDate{};
    r.error = "not a date: " + t;
    return r;
  };
  auto set = [&](int y, int m, int d) {
    if (d != 0) {
      if (!DaysOk(y, m, d)) return bad();
      r.date = PartialDate{y, m, d, DatePrecision::kDay};
    } else if (m != 0) {
      if (y < 1 || y > 9999 || m < 1 || m > 12) return bad();
      r.date = PartialDate{y, m, 0, DatePrecision::kMonth};
    } else {
      if (y < 1 || y > 9999) return bad();
      r.date = PartialDate{y, 0, 0, DatePrecision::kYear};
    }
    return r;
  };
  std::string_view s = t;
  // ISO: YYYY, YYYY-MM, YYYY-MM-DD[(T| )...]
  if (s.size() >= 4 && IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3])) {
    auto y = Digits(s.substr(0, 4));
    if (s.size() == 4) return set(static_cast<int>(*y), 0, 0);
    if (s.size() >= 7 && s[4] == '-') {
      auto m = Digits(s.substr(5, 2));
      if (!m) return bad();
      if (s.size() == 7) return set(static_cast<int>(*y), static_cast<int>(*m), 0);
      if (s.size() >= 10 && s[7] == '-' && (s.size() == 10 || s[10] == 'T' || s[10] == ' ')) {
        auto d = Digits(s.substr(8, 2));
        if (!d) return bad();
        return set(static_cast<int>(*y), static_cast<int>(*m), static_cast<int>(*d));
      }
    }
    return bad();
  }
  // "Thu, 01/01/2026 - 12:00": drop a weekday before a comma and a time after " - ".
  if (std::size_t slash = s.find('/'); slash != std::string_view::npos) {
    if (std::size_t comma = s.find(','); comma != std::string_view::npos && comma < slash) {
      s = s.substr(comma + 1);
    }
    if (std::size_t dash = s.find(" - "); dash != std::string_view::npos) s = s.substr(0, dash);
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    std::size_t a = s.find('/');
    std::size_t b = s.find('/', a + 1);
    if (b == std::string_view::npos) return bad();
    auto m = Digits(s.substr(0, a));
    auto d = Digits(s.substr(a + 1, b - a - 1));
    auto y = Digits(s.substr(b + 1));
    if (!m || !d || !y || s.substr(b + 1).size() != 4) return bad();
    return set(static_cast<int>(*y), static_cast<int>(*m), static_cast<int>(*d));
  }
  // "January 05, 2020" / "Jan 5, 2020" / "January 2020".
  std::size_t sp = s.find(' ');
  if (sp == std::string_view::npos) return bad();
  int month = MonthFromName(s.substr(0, sp));
  if (month == 0) return bad();
  std::string_view rest = s.substr(sp + 1);
  std::size_t comma = rest.find(',');
  if (comma == std::string_view::npos) {
    auto y = Digits(Trim(rest));
    if (!y) return bad();
    return set(static_cast<int>(*y), month, 0);
  }
  auto d = Digits(Trim(rest.substr(0, comma)));
  auto y = Digits(Trim(rest.substr(comma + 1)));
  if (!d || !y) return bad();
  return set(static_cast<int>(*y), month, static_cast<int>(*d));
}

std::vector<std::string> SplitList(std::string_view cell, char sep) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= cell.size()) {
    std::size_t next = cell.find(sep, i);
    if (next == std::string_view::npos) next = cell.size();
    std::string item = Trim(cell.substr(i, next - i));
    if (!item.empty()) out.push_back(std::move(item));
    i = next + 1;
  }
  return out;
}

}  // namespace waymark::evidence::cells
