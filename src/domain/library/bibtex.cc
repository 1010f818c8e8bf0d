// BibTeX reader and writer. The reader is a hand-written scanner over the
// whole text (no recursion, braces counted with a depth cap); LaTeX in values
// is turned into UTF-8 after the value has been read.
#include "domain/library/bibtex.h"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/slug.h"
#include "core/strings.h"
#include "domain/library/identifiers.h"

namespace waymark::library {

namespace {

using import_internal::TextLocator;

constexpr int kMaxBraceDepth = 64;

// Joins strings in one allocation (messages are built from several pieces).
template <typename... Parts>
std::string Concat(const Parts&... parts) {
  std::string out;
  (out.append(parts), ...);
  return out;
}

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
// Characters of field names, macro names and entry types ("journaltitle", "date-added", "bdsk-url-1").
bool IsNameChar(char c) {
  return IsAsciiLetter(c) || IsDigit(c) || c == '_' || c == '-' || c == ':' || c == '.' || c == '+' ||
         c == '/';
}

// ---------------------------------------------------------------------------------------------------------
// LaTeX to UTF-8.

// Precomposed letters for the accent commands: `bases[i]` with the accent is the i-th two-byte UTF-8
// sequence of `composed` (every letter here lies in U+00C0..U+017F, two bytes each).
struct AccentRow {
  char accent;
  std::string_view bases;
  std::string_view composed;
};
constexpr AccentRow kAccents[] = {
    {'\'', "aeiouycnszlrAEIOUYCNSZLR", "áéíóúýćńśźĺŕÁÉÍÓÚÝĆŃŚŹĹŔ"},
    {'`', "aeiouAEIOU", "àèìòùÀÈÌÒÙ"},
    {'^', "aeioucghjswyAEIOUCGHJSWY", "âêîôûĉĝĥĵŝŵŷÂÊÎÔÛĈĜĤĴŜŴŶ"},
    {'"', "aeiouyAEIOUY", "äëïöüÿÄËÏÖÜŸ"},
    {'~', "anoiuANOIU", "ãñõĩũÃÑÕĨŨ"},
    {'c', "cstgklnrCSTGKLNR", "çşţģķļņŗÇŞŢĢĶĻŅŖ"},
    {'v', "csznrdtelCSZNRDTEL", "čšžňřďťěľČŠŽŇŘĎŤĚĽ"},
    {'=', "aeiouAEIOU", "āēīōūĀĒĪŌŪ"},
    {'.', "zegcIZEGC", "żėġċİŻĖĠĊ"},
    {'u', "agueioAGUEIO", "ăğŭĕĭŏĂĞŬĔĬŎ"},
    {'H', "ouOU", "őűŐŰ"},
    {'r', "auAU", "åůÅŮ"},
    {'k', "aeiuAEIU", "ąęįųĄĘĮŲ"},
};
constexpr bool AccentTableIsConsistent() {
  for (const AccentRow& row : kAccents) {
    if (row.composed.size() != 2 * row.bases.size()) return false;
  }
  return true;
}
static_assert(AccentTableIsConsistent(), "each accented letter must be two bytes of UTF-8");

// The combining mark for an accent command, used when no precomposed letter exists ("\'w").
std::string_view CombiningMark(char accent) {
  switch (accent) {
    case '`': return "\xCC\x80";   // U+0300
    case '\'': return "\xCC\x81";  // U+0301
    case '^': return "\xCC\x82";   // U+0302
    case '~': return "\xCC\x83";   // U+0303
    case '=': return "\xCC\x84";   // U+0304
    case 'u': return "\xCC\x86";   // U+0306
    case '.': return "\xCC\x87";   // U+0307
    case '"': return "\xCC\x88";   // U+0308
    case 'r': return "\xCC\x8A";   // U+030A
    case 'H': return "\xCC\x8B";   // U+030B
    case 'v': return "\xCC\x8C";   // U+030C
    case 'd': return "\xCC\xA3";   // U+0323
    case 'c': return "\xCC\xA7";   // U+0327
    case 'k': return "\xCC\xA8";   // U+0328
    case 'b': return "\xCC\xB1";   // U+0331
    case 't': return "\xCD\xA1";   // U+0361
    default: return "";
  }
}

void AppendAccented(char accent, std::string_view base, std::string& out) {
  if (base.empty()) {
    // "\~{}" is the accent character itself.
    if (accent == '\'' || accent == '`' || accent == '^' || accent == '"' || accent == '~' || accent == '=' ||
        accent == '.') {
      out.push_back(accent);
    }
    return;
  }
  if (base.size() == 1) {
    for (const AccentRow& row : kAccents) {
      if (row.accent != accent) continue;
      std::size_t k = row.bases.find(base[0]);
      if (k != std::string_view::npos) {
        out.append(row.composed.substr(2 * k, 2));
        return;
      }
    }
  }
  out.append(base);
  out.append(CombiningMark(accent));
}

// Length of the UTF-8 sequence that starts with byte `c` (1 for ASCII and stray bytes).
std::size_t Utf8SeqLen(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0xC0 ? 1 : u < 0xE0 ? 2 : u < 0xF0 ? 3 : 4;
}

void SkipBlanks(std::string_view s, std::size_t& i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
}

// Reads the argument of an accent command at s[i]: a letter, "\i", "{x}", "{\i}" or "{}". Returns the
// base letter(s) and moves `i` past the argument.
std::string ReadAccentArgument(std::string_view s, std::size_t& i) {
  auto dotless = [&](std::size_t k) {
    return k + 1 < s.size() && s[k] == '\\' && (s[k + 1] == 'i' || s[k + 1] == 'j') &&
           (k + 2 >= s.size() || !IsAsciiLetter(s[k + 2]));
  };
  if (i < s.size() && s[i] == '{') {
    std::size_t k = i + 1;
    SkipBlanks(s, k);
    std::string base;
    if (dotless(k)) {
      base = std::string(1, s[k + 1]);
      k += 2;
    } else if (k < s.size() && s[k] != '}') {
      std::size_t len = std::min(Utf8SeqLen(s[k]), s.size() - k);
      base = std::string(s.substr(k, len));
      k += len;
    }
    SkipBlanks(s, k);
    // "{x}" is consumed whole; with more inside ("\'{ab}") the rest stays text and its brace is dropped
    // later.
    if (k < s.size() && s[k] == '}') ++k;
    i = k;
    return base;
  }
  if (dotless(i)) {
    i += 2;
    return std::string(1, s[i - 1]);
  }
  if (i < s.size() && s[i] != '}' && s[i] != '\\') {
    std::size_t len = std::min(Utf8SeqLen(s[i]), s.size() - i);
    std::string base(s.substr(i, len));
    i += len;
    return base;
  }
  return "";
}

// Control words that stand for text. Formatting commands (\emph, \textit, \url...) are not here: they are
// dropped and their argument is kept.
std::optional<std::string_view> WordSymbol(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kWords[] = {
      {"ss", "ß"},
      {"o", "ø"},
      {"O", "Ø"},
      {"ae", "æ"},
      {"AE", "Æ"},
      {"oe", "œ"},
      {"OE", "Œ"},
      {"aa", "å"},
      {"AA", "Å"},
      {"l", "ł"},
      {"L", "Ł"},
      {"i", "ı"},
      {"j", "ȷ"},
      {"dh", "ð"},
      {"DH", "Ð"},
      {"th", "þ"},
      {"TH", "Þ"},
      {"ng", "ŋ"},
      {"NG", "Ŋ"},
      {"textbackslash", "\\"},
      {"textasciitilde", "~"},
      {"textasciicircum", "^"},
      {"textbraceleft", "{"},
      {"textbraceright", "}"},
      {"textunderscore", "_"},
      {"textdollar", "$"},
      {"textendash", "–"},
      {"textemdash", "—"},
      {"textquoteleft", "‘"},
      {"textquoteright", "’"},
      {"textquotedblleft", "“"},
      {"textquotedblright", "”"},
      {"guillemotleft", "«"},
      {"guillemotright", "»"},
      {"textellipsis", "…"},
      {"ldots", "…"},
      {"dots", "…"},
      {"textregistered", "®"},
      {"copyright", "©"},
      {"textcopyright", "©"},
      {"texttrademark", "™"},
      {"texteuro", "€"},
      {"euro", "€"},
      {"pounds", "£"},
      {"textsterling", "£"},
      {"S", "§"},
      {"P", "¶"},
      {"textdegree", "°"},
      {"LaTeX", "LaTeX"},
      {"TeX", "TeX"},
      {"BibTeX", "BibTeX"},
      {"par", "\n\n"},
  };
  for (const auto& [word, text] : kWords) {
    if (word == name) return text;
  }
  return std::nullopt;
}

// Collapses white space as TeX does: a run becomes one space, a run holding a blank line becomes a
// paragraph break ("\n\n"); the ends are trimmed.
std::string CollapseSpace(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (!IsSpace(s[i])) {
      out.push_back(s[i++]);
      continue;
    }
    int newlines = 0;
    while (i < s.size() && IsSpace(s[i])) {
      if (s[i] == '\n') ++newlines;
      ++i;
    }
    if (out.empty() || i == s.size()) continue;
    // A paragraph break written as "\par" already sits in `out`; do not add to it.
    if (out.back() == '\n') continue;
    out += newlines >= 2 ? "\n\n" : " ";
  }
  while (!out.empty() && IsSpace(out.back())) out.pop_back();
  return out;
}

// Turns a BibTeX value (LaTeX markup, protective braces) into plain UTF-8 text.
std::string LatexToUtf8(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '{' || c == '}' || c == '$') {
      ++i;  // protective braces and math shifts carry no text
      continue;
    }
    if (c == '~') {
      out.push_back(' ');  // a no-break space: a plain space is what a reference needs
      ++i;
      continue;
    }
    if (c == '-') {
      std::size_t n = 0;
      while (i < s.size() && s[i] == '-') {
        ++n;
        ++i;
      }
      out += n == 1 ? "-" : n == 2 ? "–" : "—";
      continue;
    }
    if ((c == '`' || c == '\'') && i + 1 < s.size() && s[i + 1] == c) {
      out += c == '`' ? "“" : "”";
      i += 2;
      continue;
    }
    if (c != '\\') {
      out.push_back(c);
      ++i;
      continue;
    }
    // A command.
    if (i + 1 >= s.size()) {
      ++i;
      continue;
    }
    char d = s[i + 1];
    if (d == '\'' || d == '`' || d == '^' || d == '"' || d == '~' || d == '=' || d == '.') {
      i += 2;
      std::string base = ReadAccentArgument(s, i);
      AppendAccented(d, base, out);
      continue;
    }
    if (IsAsciiLetter(d)) {
      std::size_t j = i + 1;
      while (j < s.size() && IsAsciiLetter(s[j])) ++j;
      std::string_view name = s.substr(i + 1, j - i - 1);
      i = j;
      // A control word swallows the spaces after it, as in TeX.
      while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
      if (name.size() == 1 && std::string_view("cvuHrkdbt").find(name[0]) != std::string_view::npos) {
        std::string base = ReadAccentArgument(s, i);
        AppendAccented(name[0], base, out);
        continue;
      }
      if (auto text = WordSymbol(name)) out.append(*text);
      continue;
    }
    // Escaped characters and control symbols.
    i += 2;
    switch (d) {
      case '\\': out.push_back(' '); break;  // a line break
      case ' ':
      case ',':
      case ';':
      case ':':
      case '!': out.push_back(' '); break;
      case '-':
      case '/':
      case '@': break;  // hyphenation and spacing hints
      default: {
        // \& \% \$ \# \_ \{ \} and anything else: the character itself.
        std::size_t len = std::min(Utf8SeqLen(d), s.size() - (i - 1));
        out.append(s.substr(i - 1, len));
        i += len - 1;
      }
    }
  }
  return CollapseSpace(out);
}

// For values that are not LaTeX text (url, doi): drop braces and the backslash of escaped characters.
std::string UnescapeVerbatim(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '{' || c == '}') continue;
    if (c == '\\' && i + 1 < s.size() &&
        std::string_view("%_&#$~").find(s[i + 1]) != std::string_view::npos) {
      continue;
    }
    out.push_back(c);
  }
  return std::string(TrimAscii(out));
}

// ---------------------------------------------------------------------------------------------------------
// Names.

// Splits `s` at depth-0 occurrences of `sep` (a character) or, when `sep` is 0, of the word "and" between
// white space.
std::vector<std::string_view> SplitTopLevel(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      ++i;
      continue;
    }
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (depth != 0) continue;
    if (sep != 0 && c == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    } else if (sep == 0 && IsSpace(c) && i + 4 < s.size() && (s[i + 1] == 'a' || s[i + 1] == 'A') &&
               (s[i + 2] == 'n' || s[i + 2] == 'N') && (s[i + 3] == 'd' || s[i + 3] == 'D') &&
               IsSpace(s[i + 4])) {
      parts.push_back(s.substr(start, i - start));
      start = i + 5;
      i += 4;
    }
  }
  parts.push_back(s.substr(start));
  return parts;
}

// Depth-0 words of `s`, split at white space.
std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  int depth = 0;
  std::size_t start = std::string_view::npos;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    bool end = i == s.size();
    char c = end ? ' ' : s[i];
    if (!end && c == '\\' && i + 1 < s.size()) {
      if (start == std::string_view::npos) start = i;
      ++i;
      continue;
    }
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if ((IsSpace(c) && depth <= 0) || end) {
      if (start != std::string_view::npos) words.push_back(s.substr(start, i - start));
      start = std::string_view::npos;
    } else if (start == std::string_view::npos) {
      start = i;
    }
  }
  return words;
}

// True when `s` is one braced group: "{World Bank}" (but not "{A} {B}").
bool IsWholeBraced(std::string_view s) {
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') return false;
  int depth = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;
      continue;
    }
    if (s[i] == '{') ++depth;
    if (s[i] == '}' && --depth == 0 && i + 1 != s.size()) return false;
  }
  return true;
}

// BibTeX's "von" test: a word that starts with a lowercase letter at brace depth 0.
bool IsLowercaseWord(std::string_view w) { return !w.empty() && w[0] >= 'a' && w[0] <= 'z'; }

std::string JoinWords(const std::vector<std::string_view>& words, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t k = from; k < to; ++k) {
    if (!out.empty()) out.push_back(' ');
    out.append(words[k]);
  }
  return out;
}

std::vector<Name> ParseNames(std::string_view raw) {
  std::vector<Name> names;
  for (std::string_view one : SplitTopLevel(raw, 0)) {
    one = TrimAscii(one);
    if (one.empty()) continue;
    Name name;
    std::vector<std::string_view> parts = SplitTopLevel(one, ',');
    for (auto& p : parts) p = TrimAscii(p);
    if (parts.size() == 1) {
      if (IsWholeBraced(one)) {
        name.literal = LatexToUtf8(one);
      } else {
        std::vector<std::string_view> words = Words(one);
        std::size_t last = words.size() - 1;
        std::size_t von = last;
        for (std::size_t k = 0; k < last; ++k) {
          if (IsLowercaseWord(words[k])) {
            von = k;
            break;
          }
        }
        name.given = LatexToUtf8(JoinWords(words, 0, von));
        name.family = LatexToUtf8(JoinWords(words, von, words.size()));
      }
    } else if (parts.size() == 2) {
      name.family = LatexToUtf8(parts[0]);
      name.given = LatexToUtf8(parts[1]);
    } else {
      // "von Last, Jr, First": Name has no suffix, so "Jr" stays with the family name.
      name.family = LatexToUtf8(std::string(parts[0]) + " " + std::string(parts[1]));
      std::string given;
      for (std::size_t k = 2; k < parts.size(); ++k) {
        if (!given.empty()) given += ", ";
        given.append(parts[k]);
      }
      name.given = LatexToUtf8(given);
    }
    // "and others" is BibTeX's et-al marker; CSL has none, the styles add "et al." themselves.
    if (name.literal.empty() && name.given.empty() && ToLowerAscii(name.family) == "others") continue;
    if (name.literal.empty() && name.given.empty() && name.family.empty()) continue;
    names.push_back(std::move(name));
  }
  return names;
}

// ---------------------------------------------------------------------------------------------------------
// Fields to a Reference.

std::string CslType(std::string_view bibtex_type) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"article", "article-journal"},
      {"book", "book"},
      {"inbook", "chapter"},
      {"incollection", "chapter"},
      {"techreport", "report"},
      {"report", "report"},
      {"inproceedings", "paper-conference"},
      {"conference", "paper-conference"},
      {"phdthesis", "thesis"},
      {"mastersthesis", "thesis"},
      {"thesis", "thesis"},
      {"online", "webpage"},
      {"electronic", "webpage"},
      {"www", "webpage"},
      {"dataset", "dataset"},
  };
  for (const auto& [bib, csl] : kTypes) {
    if (bib == bibtex_type) return std::string(csl);
  }
  return "document";  // misc, unpublished, manual and types we do not know
}

// Month from "3", "03", "mar", "March", "Sept." (the month macros expand to English names); 0 if none.
int ParseMonth(std::string_view s) {
  s = TrimAscii(s);
  if (s.empty()) return 0;
  if (IsDigit(s[0])) {
    int m = 0;
    for (char c : s) {
      if (!IsDigit(c) || m > 12) return 0;
      m = m * 10 + (c - '0');
    }
    return m >= 1 && m <= 12 ? m : 0;
  }
  std::string lower = ToLowerAscii(s);
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  static constexpr std::string_view kMonths[] = {"january",   "february", "march",    "april",
                                                 "may",       "june",     "july",     "august",
                                                 "september", "october",  "november", "december"};
  for (int m = 0; m < 12; ++m) {
    std::string_view full = kMonths[m];
    if (lower.size() >= 3 && full.substr(0, std::min(full.size(), lower.size())) == lower) return m + 1;
  }
  return 0;
}

// A number of 1 or 2 digits within [1, max]; 0 otherwise.
int ParseSmall(std::string_view s, int max) {
  s = TrimAscii(s);
  if (s.empty() || s.size() > 2) return 0;
  int v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return 0;
    v = v * 10 + (c - '0');
  }
  return v >= 1 && v <= max ? v : 0;
}

bool IsFourDigits(std::string_view s) {
  return s.size() == 4 && IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3]);
}

// biblatex dates: "YYYY", "YYYY-MM", "YYYY-MM-DD"; of a range ("2019/2020") the start.
std::optional<PartialDate> ParseIsoDate(std::string_view s) {
  s = TrimAscii(s);
  std::size_t slash = s.find('/');
  if (slash != std::string_view::npos) s = s.substr(0, slash);
  std::vector<std::string_view> parts = Split(s, '-');
  if (parts.empty() || parts.size() > 3 || !IsFourDigits(parts[0])) return std::nullopt;
  PartialDate d;
  d.year = std::stoi(std::string(parts[0]));
  if (parts.size() >= 2) {
    if (parts[1].size() != 2 || (d.month = ParseSmall(parts[1], 12)) == 0) return std::nullopt;
  }
  if (parts.size() == 3) {
    if (parts[2].size() != 2 || (d.day = ParseSmall(parts[2], 31)) == 0) return std::nullopt;
  }
  return d;
}

// ---------------------------------------------------------------------------------------------------------
// The scanner.

struct RawField {
  std::string value;       // LaTeX, braces kept
  std::size_t offset = 0;  // where the field name starts
};

// A syntax error: where, what, and where reading resumes.
struct SyntaxError {
  std::size_t offset = 0;
  std::string message;
  std::size_t resume = std::string_view::npos;  // npos: at the next line that starts with '@'
};

class BibtexReader {
 public:
  explicit BibtexReader(std::string_view text)
      : s_(text), locator_(text), bad_utf8_(import_internal::InvalidUtf8Offsets(text)) {}

  ImportResult Run() {
    while (!stopped_) {
      std::size_t at = NextAt(pos_);
      if (at == std::string_view::npos) break;
      pos_ = at + 1;
      ReadItem(at);
    }
    return std::move(result_);
  }

 private:
  // The next '@' that may start an entry: the first thing on its line, or after the end of an entry on the
  // same line. Other '@'s are text outside entries (an e-mail address in a comment).
  std::size_t NextAt(std::size_t from) const {
    for (std::size_t at = s_.find('@', from); at != std::string_view::npos; at = s_.find('@', at + 1)) {
      std::size_t k = at;
      while (k > 0 && (s_[k - 1] == ' ' || s_[k - 1] == '\t')) --k;
      if (k == 0 || s_[k - 1] == '\n' || s_[k - 1] == '\r' || s_[k - 1] == '}' || s_[k - 1] == ')') return at;
    }
    return std::string_view::npos;
  }

  // The start of the next line that starts with '@', after `from`.
  std::size_t NextLineAt(std::size_t from) const {
    for (std::size_t nl = s_.find('\n', from); nl != std::string_view::npos; nl = s_.find('\n', nl + 1)) {
      std::size_t k = nl + 1;
      while (k < s_.size() && (s_[k] == ' ' || s_[k] == '\t')) ++k;
      if (k < s_.size() && s_[k] == '@') return k;
    }
    return s_.size();
  }

  // True when the line after the newline at `nl` starts an entry ("@book{" or "@book ("): an unterminated
  // value is cut there.
  bool EntryStartsAfter(std::size_t nl) const {
    std::size_t k = nl + 1;
    while (k < s_.size() && (s_[k] == ' ' || s_[k] == '\t')) ++k;
    return LooksLikeEntry(k);
  }

  // True when `k` is the first thing on its line and "@type{" or "@type (" starts there.
  bool AtEntryStart(std::size_t k) const {
    std::size_t b = k;
    while (b > 0 && (s_[b - 1] == ' ' || s_[b - 1] == '\t')) --b;
    return (b == 0 || s_[b - 1] == '\n') && LooksLikeEntry(k);
  }

  bool LooksLikeEntry(std::size_t k) const {
    if (k >= s_.size() || s_[k] != '@') return false;
    ++k;
    std::size_t type_start = k;
    while (k < s_.size() && IsAsciiLetter(s_[k])) ++k;
    if (k == type_start) return false;
    while (k < s_.size() && IsSpace(s_[k])) ++k;
    return k < s_.size() && (s_[k] == '{' || s_[k] == '(');
  }

  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }

  std::string ReadName() {
    std::size_t start = pos_;
    while (pos_ < s_.size() && IsNameChar(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  std::string Describe(std::size_t offset) const {
    if (offset >= s_.size()) return "the end of the input";
    char c = s_[offset];
    auto u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r') return "the end of the line";
    if (u < 0x20 || u >= 0x7f) return "an unexpected character";
    return std::string("'") + c + "'";
  }

  void Report(std::size_t offset, std::string message) {
    if (stopped_) return;
    if (result_.problems.size() + 1 >= kMaxImportProblems) {
      // A file that is not BibTeX/RIS at all would otherwise yield a problem per line.
      result_.problems.push_back(
          locator_.Problem(offset, import_internal::TooManyProblems(locator_.Line(offset))));
      stopped_ = true;
      return;
    }
    result_.problems.push_back(locator_.Problem(offset, std::move(message)));
  }

  void Recover(const SyntaxError& e) {
    Report(e.offset, e.message);
    pos_ = e.resume != std::string_view::npos ? e.resume : NextLineAt(e.offset);
  }

  // Reads a braced value at pos_ ('{'); leaves pos_ after the closing brace. `what` names the value for
  // messages ("field 'title'").
  std::optional<SyntaxError> ReadBraced(const std::string& what, std::size_t opened_at, std::string& out) {
    int depth = 1;
    std::size_t start = pos_ + 1;
    for (std::size_t i = start; i < s_.size(); ++i) {
      char c = s_[i];
      if (c == '\\' && i + 1 < s_.size() && s_[i + 1] != '\n') {
        ++i;  // \{ and \} are text, not structure
        continue;
      }
      if (c == '{' && ++depth > kMaxBraceDepth) {
        return SyntaxError{
            i, "braces nested deeper than " + std::to_string(kMaxBraceDepth) + " levels in " + what};
      }
      if (c == '}' && --depth == 0) {
        out.append(s_.substr(start, i - start));
        pos_ = i + 1;
        return std::nullopt;
      }
      if (c == '\n' && EntryStartsAfter(i)) {
        return SyntaxError{opened_at, Unclosed(what, "brace", opened_at), NextLineAt(i)};
      }
    }
    return SyntaxError{opened_at, Unclosed(what, "brace", opened_at), s_.size()};
  }

  std::optional<SyntaxError> ReadQuoted(const std::string& what, std::size_t opened_at, std::string& out) {
    int depth = 0;
    std::size_t start = pos_ + 1;
    for (std::size_t i = start; i < s_.size(); ++i) {
      char c = s_[i];
      if (c == '\\' && i + 1 < s_.size() && s_[i + 1] != '\n') {
        ++i;  // "M\"uller" is an accent, not the end of the value
        continue;
      }
      if (c == '{' && ++depth > kMaxBraceDepth) {
        return SyntaxError{
            i, "braces nested deeper than " + std::to_string(kMaxBraceDepth) + " levels in " + what};
      }
      if (c == '}' && --depth < 0) return SyntaxError{i, "unbalanced '}' in " + what};
      if (c == '"' && depth == 0) {
        out.append(s_.substr(start, i - start));
        pos_ = i + 1;
        return std::nullopt;
      }
      if (c == '\n' && EntryStartsAfter(i)) {
        return SyntaxError{opened_at, Unclosed(what, "quote", opened_at), NextLineAt(i)};
      }
    }
    return SyntaxError{opened_at, Unclosed(what, "quote", opened_at), s_.size()};
  }

  std::string Unclosed(const std::string& what, const char* mark, std::size_t opened_at) const {
    return std::string("missing closing ") + mark + " for " + what + " opened at line " +
           std::to_string(locator_.Line(opened_at));
  }

  // Reads a value: parts joined by '#'. Undefined macros are collected in `undefined` (the entry is then
  // skipped, but reading goes on to its end).
  std::optional<SyntaxError> ReadValue(const std::string& what, std::string& out, std::string& undefined) {
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size()) return SyntaxError{pos_, "missing value for " + what, s_.size()};
      char c = s_[pos_];
      std::size_t part_at = pos_;
      if (c == '{') {
        if (auto e = ReadBraced(what, part_at, out)) return e;
      } else if (c == '"') {
        if (auto e = ReadQuoted(what, part_at, out)) return e;
      } else if (IsDigit(c)) {
        while (pos_ < s_.size() && IsDigit(s_[pos_])) out.push_back(s_[pos_++]);
      } else if (IsAsciiLetter(c) || c == '_') {
        std::string name = ToLowerAscii(ReadName());
        auto it = macros_.find(name);
        if (it != macros_.end()) {
          out += it->second;
        } else if (int m = MonthMacro(name); m > 0) {
          static constexpr std::string_view kNames[] = {"January",   "February", "March",    "April",
                                                        "May",       "June",     "July",     "August",
                                                        "September", "October",  "November", "December"};
          out.append(kNames[m - 1]);
        } else if (undefined.empty()) {
          undefined = name;
        }
      } else {
        return SyntaxError{pos_, "missing value for " + what + " (found " + Describe(pos_) + ")"};
      }
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == '#') {
        ++pos_;
        continue;
      }
      return std::nullopt;
    }
  }

  static int MonthMacro(std::string_view name) {
    static constexpr std::string_view kMacros[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"};
    for (int m = 0; m < 12; ++m) {
      if (kMacros[m] == name) return m + 1;
    }
    return 0;
  }

  // Skips a balanced group ('{' or '(' at pos_) for @comment and @preamble.
  std::optional<SyntaxError> SkipGroup(const std::string& what, std::size_t at) {
    char open = s_[pos_];
    if (open == '{') {
      std::string ignored;
      return ReadBraced(what, at, ignored);
    }
    int depth = 0;  // braces inside the parentheses
    for (std::size_t i = pos_ + 1; i < s_.size(); ++i) {
      char c = s_[i];
      if (c == '\\' && i + 1 < s_.size()) {
        ++i;
        continue;
      }
      if (c == '{' && ++depth > kMaxBraceDepth) {
        return SyntaxError{
            i, "braces nested deeper than " + std::to_string(kMaxBraceDepth) + " levels in " + what};
      }
      if (c == '}') --depth;
      if (c == ')' && depth <= 0) {
        pos_ = i + 1;
        return std::nullopt;
      }
      if (c == '\n' && EntryStartsAfter(i)) {
        return SyntaxError{at, Unclosed(what, "parenthesis", at), NextLineAt(i)};
      }
    }
    return SyntaxError{at, Unclosed(what, "parenthesis", at), s_.size()};
  }

  void ReadItem(std::size_t at) {
    SkipSpace();
    std::size_t type_at = pos_;
    while (pos_ < s_.size() && IsAsciiLetter(s_[pos_])) ++pos_;
    std::string type = ToLowerAscii(s_.substr(type_at, pos_ - type_at));
    if (type.empty()) return;  // a lone '@' in text outside entries
    SkipSpace();
    if (pos_ >= s_.size() || (s_[pos_] != '{' && s_[pos_] != '(')) {
      if (type == "comment") return;  // classic BibTeX: "@comment" alone comments out nothing more
      Recover(
          SyntaxError{pos_, "missing '{' or '(' after @" + type + " (found " + Describe(pos_) + ")", pos_});
      return;
    }
    if (type == "comment" || type == "preamble") {
      if (auto e = SkipGroup("@" + type, at)) Recover(*e);
      return;
    }
    if (type == "string") {
      ReadString(at);
      return;
    }
    ReadEntry(at, type);
  }

  void ReadString(std::size_t at) {
    char close = s_[pos_] == '{' ? '}' : ')';
    ++pos_;
    SkipSpace();
    std::size_t name_at = pos_;
    std::string name = ToLowerAscii(ReadName());
    if (name.empty()) {
      Recover(SyntaxError{name_at, "@string has no macro name (found " + Describe(name_at) + ")"});
      return;
    }
    SkipSpace();
    if (pos_ >= s_.size() || s_[pos_] != '=') {
      Recover(SyntaxError{pos_, "missing '=' after @string macro '" + name + "'"});
      return;
    }
    ++pos_;
    std::string value;
    std::string undefined;
    if (auto e = ReadValue("@string macro '" + name + "'", value, undefined)) {
      Recover(*e);
      return;
    }
    SkipSpace();
    if (pos_ >= s_.size() || s_[pos_] != close) {
      Recover(SyntaxError{pos_,
                          std::string("missing '") + close + "' at the end of @string macro '" + name + "'"});
      return;
    }
    ++pos_;
    if (std::size_t bad = import_internal::FirstIn(bad_utf8_, at, pos_); bad != std::string_view::npos) {
      Report(bad, "@string macro '" + name + "' has bytes that are not valid UTF-8");
      return;
    }
    if (!undefined.empty()) {
      Report(at, "@string macro '" + name + "' uses undefined macro '" + undefined + "'");
      return;
    }
    macros_[name] = std::move(value);
  }

  void ReadEntry(std::size_t at, const std::string& type) {
    char close = s_[pos_] == '{' ? '}' : ')';
    ++pos_;
    SkipSpace();
    std::size_t key_at = pos_;
    while (pos_ < s_.size() && !IsSpace(s_[pos_]) && s_[pos_] != ',' && s_[pos_] != close &&
           s_[pos_] != '{' && s_[pos_] != '}' && s_[pos_] != '=' && s_[pos_] != '"') {
      ++pos_;
    }
    std::string key(s_.substr(key_at, pos_ - key_at));
    SkipSpace();
    if (key.empty() || (pos_ < s_.size() && s_[pos_] == '=')) {
      Recover(
          SyntaxError{key_at, "@" + type + " entry has no key (it must come first, followed by a comma)"});
      return;
    }
    std::string entry = "entry '" + key + "'";
    std::map<std::string, RawField> fields;
    std::string undefined;
    std::size_t undefined_at = 0;
    if (pos_ < s_.size() && s_[pos_] == ',') {
      ++pos_;
    } else if (pos_ >= s_.size() || s_[pos_] != close) {
      Recover(SyntaxError{pos_, "missing ',' after the key of " + entry + " (found " + Describe(pos_) + ")"});
      return;
    }
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size()) {
        Recover(SyntaxError{at,
                            std::string("missing closing '") + close + "' for " + entry + " opened at line " +
                                std::to_string(locator_.Line(at)),
                            s_.size()});
        return;
      }
      if (s_[pos_] == close) {
        ++pos_;
        break;
      }
      if (AtEntryStart(pos_)) {
        Recover(SyntaxError{at,
                            std::string("missing closing '") + close + "' for " + entry + " opened at line " +
                                std::to_string(locator_.Line(at)),
                            pos_});
        return;
      }
      std::size_t field_at = pos_;
      std::string field = ToLowerAscii(ReadName());
      if (field.empty()) {
        Recover(SyntaxError{pos_, "expected a field name in " + entry + " (found " + Describe(pos_) + ")"});
        return;
      }
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '=') {
        Recover(SyntaxError{pos_, Concat("missing '=' after field '", field, "' in ", entry)});
        return;
      }
      ++pos_;
      std::string value;
      std::string field_undefined;
      if (auto e = ReadValue("field '" + field + "'", value, field_undefined)) {
        Recover(*e);
        return;
      }
      if (!field_undefined.empty() && undefined.empty()) {
        undefined = Concat("undefined @string macro '", field_undefined, "' in field '", field, "'");
        undefined_at = field_at;
      }
      // The first value of a repeated field wins, as in BibTeX.
      fields.emplace(field, RawField{std::move(value), field_at});
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
      } else if (AtEntryStart(pos_)) {
        Recover(SyntaxError{at,
                            std::string("missing closing '") + close + "' for " + entry + " opened at line " +
                                std::to_string(locator_.Line(at)),
                            pos_});
        return;
      } else if (pos_ < s_.size() && s_[pos_] != close) {
        Recover(SyntaxError{pos_, Concat("missing ',' after field '", field, "' in ", entry)});
        return;
      }
    }
    if (std::size_t bad = import_internal::FirstIn(bad_utf8_, at, pos_); bad != std::string_view::npos) {
      Report(bad, entry + " has bytes that are not valid UTF-8 (is the file in another encoding?)");
      return;
    }
    if (!undefined.empty()) {
      Report(undefined_at, undefined + " of " + entry);
      return;
    }
    BuildReference(at, type, key, fields);
  }

  void BuildReference(std::size_t at, const std::string& type, const std::string& key,
                      const std::map<std::string, RawField>& fields) {
    std::string entry = "entry '" + key + "'";
    auto raw = [&](const char* name) -> const RawField* {
      auto it = fields.find(name);
      return it == fields.end() ? nullptr : &it->second;
    };
    auto text = [&](const char* name) -> std::string {
      const RawField* f = raw(name);
      return f ? LatexToUtf8(f->value) : std::string();
    };
    auto first_text = [&](std::initializer_list<const char*> names) -> std::string {
      for (const char* n : names) {
        std::string t = text(n);
        if (!t.empty()) return t;
      }
      return "";
    };

    Reference ref;
    ref.type = CslType(type);
    ref.citation_key = key;
    ref.title = text("title");
    if (ref.title.empty()) {
      Report(at, entry + " has no title");
      return;
    }
    if (const RawField* date = raw("date")) {
      auto d = ParseIsoDate(UnescapeVerbatim(date->value));
      if (!d) {
        Report(date->offset, "date of " + entry + " must be YYYY, YYYY-MM or YYYY-MM-DD");
        return;
      }
      ref.issued = *d;
    } else if (const RawField* year = raw("year")) {
      std::string y = LatexToUtf8(year->value);
      if (!IsFourDigits(y)) {
        Report(year->offset, "year of " + entry + " must be a number of 4 digits (found '" + y + "')");
        return;
      }
      ref.issued.year = std::stoi(y);
      ref.issued.month = ParseMonth(text("month"));
      if (ref.issued.month != 0) ref.issued.day = ParseSmall(text("day"), 31);
    }
    ref.abstract = text("abstract");
    if (const RawField* f = raw("author")) ref.authors = ParseNames(f->value);
    if (const RawField* f = raw("editor")) ref.editors = ParseNames(f->value);
    if (ref.type == "chapter" || ref.type == "paper-conference") {
      ref.container_title = first_text({"booktitle", "journal", "journaltitle", "series"});
    } else {
      ref.container_title = first_text({"journal", "journaltitle", "booktitle", "series"});
    }
    ref.publisher = first_text({"publisher", "institution", "organization", "school"});
    ref.publisher_place = first_text({"address", "location"});
    ref.volume = text("volume");
    ref.issue = text("number");
    ref.page = import_internal::NormalizePages(text("pages"));
    ref.edition = text("edition");
    if (const RawField* f = raw("doi")) {
      if (auto doi = NormalizeDoi(UnescapeVerbatim(f->value)); doi.ok()) ref.doi = *doi;
    }
    if (const RawField* f = raw("isbn")) {
      std::string all = UnescapeVerbatim(f->value);
      for (std::string_view one : SplitTopLevel(all, ',')) {
        bool found = false;
        for (std::string_view piece : Split(one, ';')) {
          if (auto isbn = NormalizeIsbn(piece); isbn.ok()) {
            ref.isbn = *isbn;
            found = true;
            break;
          }
        }
        if (found) break;
      }
    }
    if (const RawField* f = raw("url")) {
      if (auto url = NormalizeUrl(UnescapeVerbatim(f->value)); url.ok()) ref.url = *url;
    }
    if (ref.url.empty()) {
      // @misc entries often carry the link as howpublished = {\url{...}}.
      if (const RawField* f = raw("howpublished")) {
        std::string_view v = f->value;
        std::size_t u = v.find("\\url{");
        if (u != std::string_view::npos) {
          std::size_t end = v.find('}', u + 5);
          if (end != std::string_view::npos) {
            if (auto url = NormalizeUrl(UnescapeVerbatim(v.substr(u + 5, end - u - 5))); url.ok())
              ref.url = *url;
          }
        }
      }
    }
    ref.language = NormalizeLanguage(first_text({"langid", "language"}));
    if (const RawField* f = raw("keywords")) {
      std::string all = LatexToUtf8(f->value);
      std::set<std::string, std::less<>> seen;
      for (std::string_view piece : Split(all, ',')) {
        for (std::string_view k : Split(piece, ';')) import_internal::AddKeyword(ref.keywords, seen, k);
      }
    }
    ref.note = text("note");
    result_.entries.push_back(ImportEntry{locator_.Line(at), std::move(ref)});
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  TextLocator locator_;
  std::vector<std::size_t> bad_utf8_;
  std::map<std::string, std::string> macros_;
  ImportResult result_;
  bool stopped_ = false;  // too many problems
};

// ---------------------------------------------------------------------------------------------------------
// Writing.

std::string_view BibtexType(std::string_view csl_type) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"article-journal", "article"},
      {"book", "book"},
      {"chapter", "incollection"},
      {"report", "techreport"},
      {"paper-conference", "inproceedings"},
      {"thesis", "thesis"},
      {"webpage", "online"},
      {"dataset", "dataset"},
  };
  for (const auto& [csl, bib] : kTypes) {
    if (csl == csl_type) return bib;
  }
  return "misc";
}

// Escapes text for a braced BibTeX value so that LatexToUtf8 gives it back.
std::string EscapeText(std::string_view s) {
  std::string out;
  std::string_view trimmed = TrimAscii(s);
  for (std::size_t i = 0; i < trimmed.size(); ++i) {
    char c = trimmed[i];
    char next = i + 1 < trimmed.size() ? trimmed[i + 1] : '\0';
    switch (c) {
      case '\\': out += "\\textbackslash{}"; break;
      case '~': out += "\\textasciitilde{}"; break;
      case '{':
      case '}':
      case '&':
      case '%':
      case '$':
      case '#':
      case '_':
        out.push_back('\\');
        out.push_back(c);
        break;
      case '-':
      case '`':
      case '\'':
        out.push_back(c);
        if (next == c) out += "{}";  // "--" and "``" would become a dash and a quote mark
        break;
      case '\n':
      case '\r':
      case '\t':
      case ' ': {
        std::size_t j = i;
        int newlines = 0;
        while (j < trimmed.size() && IsSpace(trimmed[j])) {
          if (trimmed[j] == '\n') ++newlines;
          ++j;
        }
        out += newlines >= 2 ? "\n\n" : " ";
        // A line that starts with '@' could be read as the start of an entry.
        if (newlines > 0 && j < trimmed.size() && trimmed[j] == '@') out += "{}";
        i = j - 1;
        break;
      }
      default: out.push_back(c);
    }
  }
  return out;
}

// A value that contains a depth-0 comma or the word "and" is braced so that name splitting leaves it whole.
std::string ProtectNamePart(const std::string& part) {
  std::string escaped = EscapeText(part);
  bool needs = escaped.find(',') != std::string::npos;
  for (std::string_view w : Words(escaped)) {
    if (ToLowerAscii(w) == "and") needs = true;
  }
  return needs ? "{" + escaped + "}" : escaped;
}

std::string WriteNames(const std::vector<Name>& names) {
  std::string out;
  for (const Name& n : names) {
    if (!out.empty()) out += " and ";
    if (n.IsOrganisation()) {
      out += "{" + EscapeText(n.literal) + "}";
    } else if (n.given.empty()) {
      std::string family = ProtectNamePart(n.family);
      // "Garcia Marquez" alone would read as given "Garcia", and "{A, B}" as an organisation; a trailing
      // comma (an empty given name) keeps either a family name.
      bool plain_word = Words(family).size() == 1 && family.front() != '{';
      out += plain_word ? family : family + ",";
    } else {
      out += (n.family.empty() ? std::string("{}") : ProtectNamePart(n.family)) + ", " +
             ProtectNamePart(n.given);
    }
  }
  return out;
}

// Characters a BibTeX key cannot hold.
std::string SanitizeKey(std::string_view key) {
  std::string out;
  for (char c : key) {
    bool bad = IsSpace(c) || c == ',' || c == '{' || c == '}' || c == '(' || c == ')' || c == '"' ||
               c == '#' || c == '%' || c == '\'' || c == '=' || c == '\\' || c == '~';
    out.push_back(bad ? '-' : c);
  }
  return out;
}

// ASCII letters and digits of `s`, lowercase ("García" -> "garcia").
std::string FoldForKey(std::string_view s) {
  std::string slug = Slugify(s, 64, "");
  std::string out;
  for (char c : slug) {
    if (c != '-') out.push_back(c);
  }
  return out;
}

std::string FirstSignificantWord(std::string_view title) {
  static const std::set<std::string, std::less<>> kStop = {
      "a",   "an", "the", "of",  "on", "in", "and", "for", "to",  "with", "from", "at", "by", "le", "la",
      "les", "l",  "de",  "des", "du", "un", "une", "el",  "los", "las",  "del",  "y",  "et", "en", "d"};
  std::string slug = Slugify(title, 200, "");
  for (std::string_view w : Split(slug, '-')) {
    if (!w.empty() && kStop.find(w) == kStop.end()) return std::string(w);
  }
  return "";
}

std::string KeyBase(const Reference& r) {
  const std::vector<Name>& names = r.authors.empty() ? r.editors : r.authors;
  std::string who;
  if (!names.empty()) {
    const Name& n = names.front();
    if (n.IsOrganisation()) {
      std::vector<std::string_view> words = Split(TrimAscii(n.literal), ' ');
      who = FoldForKey(words.empty() ? n.literal : words.front());
    } else {
      who = FoldForKey(n.family.empty() ? n.given : n.family);
    }
  }
  std::string base = who;
  if (r.issued.year != 0) base += std::to_string(r.issued.year);
  base += FirstSignificantWord(r.title);
  return base.empty() ? "ref" : base;
}

// "a".."z", "aa".."az", ...
std::string LetterSuffix(std::size_t n) {
  std::string s;
  ++n;
  while (n > 0) {
    --n;
    s.insert(s.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  }
  return s;
}

// URLs and DOIs are written verbatim; the few characters that would upset brace matching are
// percent-encoded, which leaves the link the same.
std::string EscapeVerbatim(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '{') {
      out += "%7B";
    } else if (c == '}') {
      out += "%7D";
    } else if (c == '\\') {
      out += "%5C";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void AddField(std::string& out, std::string_view name, const std::string& value) {
  if (value.empty()) return;
  out += "  ";
  out += name;
  out += " = {";
  out += value;
  out += "},\n";
}

}  // namespace

ImportResult ParseBibtex(std::string_view text) {
  if (text.size() > kMaxImportBytes) {
    ImportResult result;
    result.problems.push_back(
        ImportProblem{1, 1, "the input is larger than 20 MB; split it into smaller files"});
    return result;
  }
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  return BibtexReader(text).Run();
}

std::vector<std::string> CitationKeys(const std::vector<Reference>& refs) {
  std::vector<std::string> keys(refs.size());
  std::set<std::string> taken;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (!refs[i].citation_key.empty()) {
      keys[i] = SanitizeKey(refs[i].citation_key);
      taken.insert(keys[i]);
    }
  }
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (!keys[i].empty()) continue;
    std::string base = KeyBase(refs[i]);
    std::string key = base;
    for (std::size_t n = 0; taken.count(key) > 0; ++n) key = base + LetterSuffix(n);
    taken.insert(key);
    keys[i] = key;
  }
  return keys;
}

std::string WriteBibtex(const std::vector<Reference>& refs) {
  static constexpr std::string_view kMonthMacros[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};
  std::vector<std::string> keys = CitationKeys(refs);
  std::string out;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const Reference& r = refs[i];
    std::string_view type = BibtexType(r.type);
    if (!out.empty()) out += "\n";
    out += "@";
    out += type;
    out += "{" + keys[i] + ",\n";
    AddField(out, "author", WriteNames(r.authors));
    AddField(out, "editor", WriteNames(r.editors));
    AddField(out, "title", EscapeText(r.title));
    std::string_view container_field = r.type == "article-journal"                             ? "journal"
                                       : (r.type == "chapter" || r.type == "paper-conference") ? "booktitle"
                                                                                               : "series";
    AddField(out, container_field, EscapeText(r.container_title));
    if (std::string year = import_internal::FourDigitYear(r.issued.year); !year.empty()) {
      AddField(out, "year", year);
      if (r.issued.month >= 1 && r.issued.month <= 12) {
        out += "  month = ";
        out += kMonthMacros[r.issued.month - 1];
        out += ",\n";
        if (r.issued.day != 0) AddField(out, "day", std::to_string(r.issued.day));
      }
    }
    AddField(out, "volume", EscapeText(r.volume));
    AddField(out, "number", EscapeText(r.issue));
    std::string pages = EscapeText(r.page);
    std::string dashed;
    for (std::size_t k = 0; k < pages.size(); ++k) {
      // A single hyphen between page numbers is written as BibTeX's en dash; "-{}-" (an escaped
      // literal double hyphen) is left alone.
      bool range = pages[k] == '-' && (k + 1 >= pages.size() || pages[k + 1] != '{') &&
                   (k == 0 || pages[k - 1] != '}');
      dashed += range ? "--" : std::string(1, pages[k]);
    }
    AddField(out, "pages", dashed);
    AddField(out, "edition", EscapeText(r.edition));
    std::string_view publisher_field = r.type == "report"   ? "institution"
                                       : r.type == "thesis" ? "school"
                                                            : "publisher";
    AddField(out, publisher_field, EscapeText(r.publisher));
    AddField(out, "address", EscapeText(r.publisher_place));
    AddField(out, "isbn", r.isbn);
    AddField(out, "doi", EscapeVerbatim(r.doi));
    AddField(out, "url", EscapeVerbatim(r.url));
    AddField(out, "language", EscapeText(r.language));
    std::string keywords;
    for (const std::string& k : r.keywords) {
      if (!keywords.empty()) keywords += ", ";
      keywords += EscapeText(k);
    }
    AddField(out, "keywords", keywords);
    AddField(out, "abstract", EscapeText(r.abstract));
    AddField(out, "note", EscapeText(r.note));
    out += "}\n";
  }
  return out;
}

}  // namespace waymark::library
