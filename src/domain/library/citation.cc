// Citation styles. Each style is one function that assembles the entry from
// pieces (plain or italic text) in the order its CSL style lays it out;
// Render() then applies the punctuation rules CSL processors apply (no doubled
// periods, periods and commas inside closing quotes in US English) and
// produces the plain text and the HTML.
#include "domain/library/citation.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/strings.h"

namespace waymark::library {

namespace {

// ---------------------------------------------------------------------------------------------------------
// Locale terms.

using Months = std::array<std::string_view, 12>;

struct Terms {
  std::string_view lang;
  std::string_view and_word;
  std::string_view et_al;
  std::string_view no_date;
  std::string_view date_unknown;                             // Vancouver, in brackets
  std::string_view ed, eds;                                  // Chicago labels: "Brown, Anne, ed."
  std::string_view ed_apa, eds_apa;                          // "(Ed.)", "(Eds.)"
  std::string_view ed_cite_them_right, eds_cite_them_right;  // Harvard: "(ed.)", "(eds)"
  std::string_view editor, editors;                          // MLA and Vancouver labels: "editor", "editors"
  std::string_view edited_by;                                // "edited by"
  std::string_view in;                                       // "in"
  std::string_view page, pages;                              // "p.", "pp."
  std::string_view available_at;                             // Harvard
  std::string_view available_from;                           // Vancouver
  std::string_view data_set, map, video, thesis, report, internet;
  std::string_view report_no;                // "Report No."
  std::string_view volume_short;             // "vol."
  std::string_view issue_short;              // "no."
  std::string_view edition_short;            // "ed."
  std::string_view edition_cite_them_right;  // "edn."
  std::string_view open_quote, close_quote;
  std::string_view open_quote_uk, close_quote_uk;  // Harvard (Cite Them Right is British)
  bool punctuation_in_quote;                       // American usage: “Title.”
  Months months;
  Months months_mla;        // abbreviated with periods
  Months months_vancouver;  // abbreviated without periods
};

constexpr Terms kEnglish = {
    "en",
    "and",
    "et al.",
    "n.d.",
    "date unknown",
    "ed.",
    "eds.",
    "Ed.",
    "Eds.",
    "ed.",
    "eds",
    "editor",
    "editors",
    "edited by",
    "in",
    "p.",
    "pp.",
    "Available at",
    "Available from",
    "Data set",
    "Map",
    "Video",
    "Thesis",
    "Report",
    "Internet",
    "Report No.",
    "vol.",
    "no.",
    "ed.",
    "edn.",
    "“",
    "”",
    "‘",
    "’",
    true,
    {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"},
    {"Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."},
    {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
};

constexpr Terms kFrench = {
    "fr",
    "et",
    "et al.",
    "s.d.",
    "date inconnue",
    "éd.",
    "éds.",
    "Éd.",
    "Éds.",
    "éd.",
    "éds",
    "éditeur",
    "éditeurs",
    "sous la direction de",
    "dans",
    "p.",
    "p.",
    "Disponible à l'adresse",
    "Disponible sur",
    "Jeu de données",
    "Carte",
    "Vidéo",
    "Thèse",
    "Rapport",
    "Internet",
    "Rapport no",
    "vol.",
    "no",
    "éd.",
    "éd.",
    "«\u00a0",
    "\u00a0»",
    "«\u00a0",
    "\u00a0»",
    false,
    {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
     "novembre", "décembre"},
    {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juill.", "août", "sept.", "oct.", "nov.", "déc."},
    {"janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc"},
};

constexpr Terms kSpanish = {
    "es",
    "y",
    "et al.",
    "s.f.",
    "fecha desconocida",
    "ed.",
    "eds.",
    "Ed.",
    "Eds.",
    "ed.",
    "eds.",
    "editor",
    "editores",
    "editado por",
    "en",
    "p.",
    "pp.",
    "Disponible en",
    "Disponible en",
    "Conjunto de datos",
    "Mapa",
    "Video",
    "Tesis",
    "Informe",
    "Internet",
    "Informe n.º",
    "vol.",
    "n.º",
    "ed.",
    "ed.",
    "«",
    "»",
    "«",
    "»",
    false,
    {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
     "noviembre", "diciembre"},
    {"ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sep.", "oct.", "nov.", "dic."},
    {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"},
};

const Terms& TermsFor(std::string_view lang) {
  std::string code = ToLowerAscii(TrimAscii(lang).substr(0, 2));
  if (code == "fr") return kFrench;
  if (code == "es") return kSpanish;
  return kEnglish;
}

// ---------------------------------------------------------------------------------------------------------
// Pieces of an entry.

struct Piece {
  std::string text;
  bool italic = false;
};
using Seg = std::vector<Piece>;

Seg T(std::string_view s) { return s.empty() ? Seg{} : Seg{Piece{std::string(s), false}}; }
Seg I(std::string_view s) { return s.empty() ? Seg{} : Seg{Piece{std::string(s), true}}; }

bool Empty(const Seg& s) {
  return std::all_of(s.begin(), s.end(), [](const Piece& p) { return p.text.empty(); });
}

Seg Cat(std::initializer_list<Seg> parts) {
  Seg out;
  for (const Seg& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// The non-empty parts with `delim` between them (a CSL group).
Seg Join(std::initializer_list<Seg> parts, std::string_view delim) {
  Seg out;
  for (const Seg& p : parts) {
    if (Empty(p)) continue;
    if (!out.empty()) out.push_back(Piece{std::string(delim), false});
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

// `s` between `prefix` and `suffix`, or nothing when `s` is empty.
Seg Wrap(std::string_view prefix, const Seg& s, std::string_view suffix) {
  if (Empty(s)) return {};
  return Cat({T(prefix), s, T(suffix)});
}

std::string JoinText(const std::vector<std::string>& items, std::string_view delim) {
  std::string out;
  for (const std::string& s : items) {
    if (s.empty()) continue;
    if (!out.empty()) out.append(delim);
    out += s;
  }
  return out;
}

void AppendHtmlEscaped(std::string& out, char c) {
  switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out.push_back(c);
  }
}

bool IsTerminal(char c) { return c == '.' || c == '?' || c == '!'; }

// Joins the pieces, applying CSL's punctuation rules at the seams between pieces: a period after a period,
// question or exclamation mark is dropped; with `in_quote` (American English) a period or comma after a
// closing quote moves inside it; runs of spaces collapse.
CitationParts Render(const Seg& seg, const Terms& t) {
  struct Byte {
    char c;
    bool italic;
    std::size_t piece;
  };
  std::vector<Byte> out;
  std::string_view close = t.close_quote;
  auto ends_with_close_quote = [&](std::size_t piece) {
    if (close.empty() || out.size() < close.size()) return false;
    for (std::size_t k = 0; k < close.size(); ++k) {
      const Byte& b = out[out.size() - close.size() + k];
      if (b.c != close[k] || b.piece == piece) return false;
    }
    return true;
  };
  for (std::size_t p = 0; p < seg.size(); ++p) {
    for (char c : seg[p].text) {
      Byte b{c, seg[p].italic, p};
      if ((c == '.' || c == ',') && !out.empty() && out.back().piece != p) {
        if (c == '.' && IsTerminal(out.back().c)) continue;
        if (t.punctuation_in_quote && ends_with_close_quote(p)) {
          std::size_t at = out.size() - close.size();
          if (at > 0 && IsTerminal(out[at - 1].c)) continue;
          b.italic = out[at].italic;
          b.piece = out[at].piece;
          out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), b);
          continue;
        }
      }
      if (c == ' ' && (out.empty() || out.back().c == ' ')) continue;
      out.push_back(b);
    }
  }
  while (!out.empty() && out.back().c == ' ') out.pop_back();
  CitationParts parts;
  bool italic = false;
  for (const Byte& b : out) {
    if (b.italic != italic) {
      parts.html += b.italic ? "<i>" : "</i>";
      italic = b.italic;
    }
    parts.text.push_back(b.c);
    AppendHtmlEscaped(parts.html, b.c);
  }
  if (italic) parts.html += "</i>";
  return parts;
}

// ---------------------------------------------------------------------------------------------------------
// Text helpers.

std::size_t Utf8SeqLen(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0xC0 ? 1 : u < 0xE0 ? 2 : u < 0xF0 ? 3 : 4;
}

// Uppercases one character: ASCII and the Latin-1 letters (à -> À); others are returned as they are.
std::string UpperChar(std::string_view ch) {
  std::string out(ch);
  if (out.size() == 1 && out[0] >= 'a' && out[0] <= 'z') {
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  } else if (out.size() == 2 && static_cast<unsigned char>(out[0]) == 0xC3) {
    auto second = static_cast<unsigned char>(out[1]);
    if (second >= 0xA0 && second <= 0xBE && second != 0xB7) out[1] = static_cast<char>(second - 0x20);
  }
  return out;
}

std::string CapitalizeFirst(std::string_view s) {
  if (s.empty()) return "";
  std::size_t len = std::min(Utf8SeqLen(s[0]), s.size());
  return UpperChar(s.substr(0, len)) + std::string(s.substr(len));
}

bool HasUpperAscii(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Title case for English titles (Chicago, MLA): lowercase words are capitalised, except articles,
// conjunctions and prepositions that are neither first, last nor after a colon. Words with a capital letter
// ("iPhone", "UNHCR") are left as written, as CSL does.
std::string TitleCase(std::string_view title) {
  static constexpr std::string_view kMinor[] = {
      "a",      "an",      "the",     "and",        "but",    "or",      "nor",    "for",    "so",
      "yet",    "as",      "at",      "by",         "from",   "in",      "into",   "of",     "off",
      "on",     "onto",    "out",     "over",       "per",    "to",      "up",     "upon",   "via",
      "vs.",    "with",    "within",  "without",    "than",   "till",    "until",  "toward", "towards",
      "versus", "between", "among",   "through",    "during", "against", "across", "after",  "before",
      "behind", "below",   "beneath", "beside",     "beyond", "despite", "except", "inside", "like",
      "near",   "since",   "under",   "underneath", "amid"};
  std::vector<std::string_view> words = Split(title, ' ');
  std::string out;
  bool after_colon = true;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string_view w = words[i];
    if (i > 0) out.push_back(' ');
    bool first_or_last = after_colon || i + 1 == words.size();
    bool minor = std::find(std::begin(kMinor), std::end(kMinor), w) != std::end(kMinor);
    if (!w.empty() && !HasUpperAscii(w) && (first_or_last || !minor)) {
      // Each part of a hyphenated compound: "Self-Reliance".
      std::vector<std::string_view> parts = Split(w, '-');
      for (std::size_t k = 0; k < parts.size(); ++k) {
        if (k > 0) out.push_back('-');
        out += CapitalizeFirst(parts[k]);
      }
    } else {
      out.append(w);
    }
    after_colon = !w.empty() && (w.back() == ':' || w.back() == '?' || w.back() == '!');
  }
  return out;
}

bool IsEnglish(const Reference& r, const Terms& t) {
  if (r.language.empty()) return t.lang == "en";
  return StartsWith(ToLowerAscii(r.language), "en");
}

std::string Quoted(std::string_view s, std::string_view open, std::string_view close) {
  if (s.empty()) return "";
  return std::string(open) + std::string(s) + std::string(close);
}

// ---------------------------------------------------------------------------------------------------------
// Names.

// Initials of a given name: with ". " -> "J. R.", with "." -> "J.R.", with "" -> "JR". A hyphenated name
// keeps its hyphen when `keep_hyphen` ("J.-P.").
std::string Initials(std::string_view given, std::string_view with, bool keep_hyphen) {
  std::string_view mark = with.substr(0, with.find(' '));
  bool spaced = with.find(' ') != std::string_view::npos;
  std::string out;
  std::size_t i = 0;
  bool first = true;
  auto is_sep = [](char c) { return c == ' ' || c == '.' || c == '-'; };
  while (i < given.size()) {
    bool hyphen = false;
    for (; i < given.size() && is_sep(given[i]); ++i) {
      if (given[i] == '-') hyphen = true;
    }
    if (i >= given.size()) break;
    std::size_t len = std::min(Utf8SeqLen(given[i]), given.size() - i);
    std::string letter = UpperChar(given.substr(i, len));
    while (i < given.size() && !is_sep(given[i])) ++i;
    if (!first) {
      if (hyphen && keep_hyphen) {
        out.push_back('-');
      } else if (spaced) {
        out.push_back(' ');
      }
    }
    out += letter;
    out.append(mark);
    first = false;
  }
  return out;
}

enum class Order { kFamilyFirst, kGivenFirst };

// One name: an organisation as written; a person "Family, Given" or "Given Family", with the given name
// as written or as initials (`initials` is then the separator passed to Initials).
std::string FormatName(const Name& n, Order order, std::optional<std::string_view> initials,
                       std::string_view sort_separator = ", ", bool keep_hyphen = true) {
  if (n.IsOrganisation()) return n.literal;
  std::string given = initials ? Initials(n.given, *initials, keep_hyphen) : n.given;
  if (n.family.empty()) return given;
  if (given.empty()) return n.family;
  return order == Order::kFamilyFirst ? n.family + std::string(sort_separator) + given
                                      : given + " " + n.family;
}

std::vector<std::string> FormatNames(const std::vector<Name>& names, Order order,
                                     std::optional<std::string_view> initials,
                                     std::string_view sort_separator = ", ", bool keep_hyphen = true) {
  std::vector<std::string> items;
  items.reserve(names.size());
  for (const Name& n : names) items.push_back(FormatName(n, order, initials, sort_separator, keep_hyphen));
  return items;
}

// "A", "A and B" (or "A, and B" when `comma_for_two`), "A, B, and C" (or "A, B and C" without `serial`).
std::string ListWithAnd(const std::vector<std::string>& items, std::string_view conj, bool comma_for_two,
                        bool serial) {
  if (items.empty()) return "";
  if (items.size() == 1) return items[0];
  std::string out;
  for (std::size_t i = 0; i + 1 < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  bool comma = items.size() == 2 ? comma_for_two : serial;
  out += comma ? ", " : " ";
  out += conj;
  out += " ";
  out += items.back();
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Dates, pages, editions.

std::string Year(const Reference& r, const Terms& t) {
  return r.issued.year != 0 ? std::to_string(r.issued.year) : std::string(t.no_date);
}

bool ValidMonth(const PartialDate& d) { return d.month >= 1 && d.month <= 12; }

enum class PageFormat { kExpanded, kMinimal, kMinimalTwo, kChicago };

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The second number of a range cut as `format` says ("123-128": minimal "123-8", minimal-two "123-28").
std::string ShortenRangeEnd(const std::string& a, const std::string& b, PageFormat format) {
  if (format == PageFormat::kExpanded || a.size() != b.size() || b < a) return b;
  std::size_t common = 0;
  while (common < a.size() && a[common] == b[common]) ++common;
  std::size_t changed = a.size() - common;
  std::size_t keep = changed;
  if (format == PageFormat::kMinimal) keep = std::max<std::size_t>(changed, 1);
  if (format == PageFormat::kMinimalTwo) keep = std::max<std::size_t>(changed, 2);
  if (format == PageFormat::kChicago) {
    // Chicago Manual of Style 9.64: under 100 and at multiples of 100 in full; 101-109 (and so on) only the
    // changed part; otherwise at least two digits, all four when three of four digits change.
    long first = std::stol(a);
    if (first < 100 || first % 100 == 0) return b;
    if (first % 100 < 10) {
      keep = std::max<std::size_t>(changed, 1);
    } else if (a.size() == 4 && changed >= 3) {
      return b;
    } else {
      keep = std::max<std::size_t>(changed, 2);
    }
  }
  keep = std::min(keep, b.size());
  return b.substr(b.size() - keep);
}

// "12-34" with `dash` and the range end cut per `format`; lists ("1-5, 9") keep their commas.
std::string FormatPages(std::string_view page, PageFormat format, std::string_view dash) {
  std::string out;
  for (std::string_view range : Split(page, ',')) {
    range = TrimAscii(range);
    if (range.empty()) continue;
    if (!out.empty()) out += ", ";
    std::size_t hyphen = range.find('-');
    if (hyphen == std::string_view::npos) {
      out.append(range);
      continue;
    }
    std::string a(TrimAscii(range.substr(0, hyphen)));
    std::string b(TrimAscii(range.substr(hyphen + 1)));
    if (AllDigits(a) && AllDigits(b) && a.size() <= 9 && b.size() <= 9) b = ShortenRangeEnd(a, b, format);
    out += a;
    out.append(dash);
    out += b;
  }
  return out;
}

bool PluralPages(std::string_view page) { return page.find_first_of("-,&") != std::string_view::npos; }

std::string PagesWithLabel(const Reference& r, const Terms& t, PageFormat format, std::string_view dash) {
  if (r.page.empty()) return "";
  return std::string(PluralPages(r.page) ? t.pages : t.page) + " " + FormatPages(r.page, format, dash);
}

// 2 from "2", "2nd", "2e", "2.ª"; nullopt for "Revised" or "2nd revised".
std::optional<int> EditionNumber(std::string_view e) {
  e = TrimAscii(e);
  std::size_t i = 0;
  int n = 0;
  while (i < e.size() && e[i] >= '0' && e[i] <= '9' && n < 10000) n = n * 10 + (e[i++] - '0');
  if (i == 0 || n == 0) return std::nullopt;
  std::string suffix = ToLowerAscii(e.substr(i));
  static constexpr std::string_view kSuffixes[] = {"",  "st", "nd", "rd", "th", "e", "re", "er", "ème", "eme",
                                                   ".", ".ª", ".º", "ª",  "º",  "a", "o",  ".a", ".o"};
  if (std::find(std::begin(kSuffixes), std::end(kSuffixes), suffix) == std::end(kSuffixes))
    return std::nullopt;
  return n;
}

std::string Ordinal(int n, const Terms& t) {
  std::string s = std::to_string(n);
  if (t.lang == "fr") return s + (n == 1 ? "re" : "e");  // "édition" is feminine
  if (t.lang == "es") return s + ".ª";
  int tens = n % 100;
  if (tens >= 11 && tens <= 13) return s + "th";
  switch (n % 10) {
    case 1: return s + "st";
    case 2: return s + "nd";
    case 3: return s + "rd";
    default: return s + "th";
  }
}

// "2nd ed." for a numeric edition, otherwise the edition as written.
std::string Edition(const Reference& r, const Terms& t, std::string_view term) {
  if (r.edition.empty()) return "";
  if (auto n = EditionNumber(r.edition)) return Ordinal(*n, t) + " " + std::string(term);
  return r.edition;
}

// ---------------------------------------------------------------------------------------------------------
// What the styles ask about a reference.

bool IsPeriodical(const Reference& r) {
  return r.type == "article-journal" || (r.type == "article" && !r.container_title.empty());
}
bool IsInBook(const Reference& r) { return r.type == "chapter" || r.type == "paper-conference"; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return ToLowerAscii(TrimAscii(a)) == ToLowerAscii(TrimAscii(b));
}

// The sole author is an organisation that also published the work.
bool AuthorIsPublisher(const Reference& r) {
  return r.authors.size() == 1 && r.authors[0].IsOrganisation() && !r.publisher.empty() &&
         EqualsIgnoreCase(r.authors[0].literal, r.publisher);
}

std::string Link(const Reference& r) { return r.doi.empty() ? r.url : "https://doi.org/" + r.doi; }

std::string PlacePublisher(const Reference& r) {
  if (r.publisher_place.empty()) return r.publisher;
  if (r.publisher.empty()) return r.publisher_place;
  return r.publisher_place + ": " + r.publisher;
}

// ---------------------------------------------------------------------------------------------------------
// APA 7th edition (apa.csl).

std::string ApaAuthors(const std::vector<Name>& names) {
  std::vector<std::string> items = FormatNames(names, Order::kFamilyFirst, ". ");
  if (items.size() >= 21) {
    // 21 or more: the first 19, an ellipsis, the last.
    std::vector<std::string> first(items.begin(), items.begin() + 19);
    return JoinText(first, ", ") + ", . . . " + items.back();
  }
  return ListWithAnd(items, "&", true, true);
}

std::string ApaEditorsInBook(const std::vector<Name>& names) {
  std::vector<std::string> items = FormatNames(names, Order::kGivenFirst, ". ");
  return ListWithAnd(items, "&", false, true);
}

Seg Apa(const Reference& r, const Terms& t) {
  const bool periodical = IsPeriodical(r);
  const bool in_book = IsInBook(r);
  std::vector<std::string> paren;
  if (!periodical && !in_book) {
    paren.push_back(Edition(r, t, t.edition_short));
    if (!r.volume.empty()) paren.push_back(CapitalizeFirst(t.volume_short) + " " + r.volume);
    if (r.type == "report" && !r.issue.empty()) paren.push_back(std::string(t.report_no) + " " + r.issue);
  }
  const bool thesis_published = r.type == "thesis" && (!r.doi.empty() || !r.url.empty());
  std::string bracket;
  if (r.type == "dataset") bracket = t.data_set;
  if (r.type == "map") bracket = t.map;
  if (r.type == "motion_picture") bracket = t.video;
  if (r.type == "thesis")
    bracket = JoinText({std::string(t.thesis), thesis_published ? r.publisher : ""}, ", ");
  Seg title = Cat({periodical || in_book ? T(r.title) : I(r.title), Wrap(" (", T(JoinText(paren, ", ")), ")"),
                   Wrap(" [", T(bracket), "]")});

  Seg author;
  if (!r.authors.empty()) {
    author = T(ApaAuthors(r.authors));
  } else if (!r.editors.empty() && !in_book) {
    author =
        T(ApaAuthors(r.editors) + " (" + std::string(r.editors.size() == 1 ? t.ed_apa : t.eds_apa) + ")");
  }

  std::string date = Year(r, t);
  if (r.type == "webpage" && r.issued.year != 0 && ValidMonth(r.issued)) {
    std::string month(t.months[r.issued.month - 1]);
    std::string day = r.issued.day != 0 ? std::to_string(r.issued.day) : "";
    if (t.lang == "en") {
      date += ", " + month + (day.empty() ? "" : " " + day);
    } else {
      date += ", " + (day.empty() ? "" : day + (t.lang == "es" ? " de " : " ")) + month;
    }
  }

  Seg source;
  if (periodical) {
    Seg volume = Cat({I(r.volume), Wrap("(", T(r.issue), ")")});
    source = Join({I(r.container_title), volume, T(FormatPages(r.page, PageFormat::kExpanded, "–"))}, ", ");
  } else if (in_book) {
    std::vector<std::string> inner = {
        Edition(r, t, t.edition_short),
        r.volume.empty() ? "" : CapitalizeFirst(t.volume_short) + " " + r.volume,
        PagesWithLabel(r, t, PageFormat::kExpanded, "–")};
    Seg editors;
    if (!r.editors.empty()) {
      editors = T(ApaEditorsInBook(r.editors) + " (" +
                  std::string(r.editors.size() == 1 ? t.ed_apa : t.eds_apa) + "),");
    }
    Seg book = Join({editors, I(r.container_title), Wrap("(", T(JoinText(inner, ", ")), ")")}, " ");
    source = Join({Wrap(CapitalizeFirst(t.in) + " ", book, ""), T(r.publisher)}, ". ");
  } else if (r.type == "webpage") {
    // The site's name, unless the author already says it.
    bool same = r.authors.size() == 1 &&
                EqualsIgnoreCase(FormatName(r.authors[0], Order::kFamilyFirst, ". "), r.container_title);
    source = T(same ? "" : r.container_title);
    if (Empty(source) && !AuthorIsPublisher(r)) source = T(r.publisher);
  } else if (!thesis_published && !AuthorIsPublisher(r)) {
    source = T(r.publisher);
  }

  Seg dated = T("(" + date + ").");
  Seg link = T(Link(r));
  if (Empty(author)) return Join({Wrap("", title, "."), dated, Wrap("", source, "."), link}, " ");
  return Join({Cat({author, T(".")}), dated, Wrap("", title, "."), Wrap("", source, "."), link}, " ");
}

// ---------------------------------------------------------------------------------------------------------
// Chicago author-date, 17th edition (chicago-author-date.csl).

std::string ChicagoNames(const std::vector<Name>& names, const Terms& t) {
  std::vector<std::string> items;
  items.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    items.push_back(FormatName(names[i], i == 0 ? Order::kFamilyFirst : Order::kGivenFirst, std::nullopt));
  }
  if (items.size() >= 11) {
    // 11 or more: the first seven and "et al.".
    items.resize(7);
    return JoinText(items, ", ") + ", " + std::string(t.et_al);
  }
  return ListWithAnd(items, t.and_word, true, true);
}

std::string GivenFirstNames(const std::vector<Name>& names, const Terms& t) {
  std::vector<std::string> items = FormatNames(names, Order::kGivenFirst, std::nullopt);
  return ListWithAnd(items, t.and_word, false, true);
}

// "March 5, 2019" / "5 mars 2019" / "5 de marzo de 2019", to the known precision.
std::string LongDate(const PartialDate& d, const Terms& t) {
  std::string year = std::to_string(d.year);
  if (!ValidMonth(d)) return year;
  std::string month(t.months[d.month - 1]);
  std::string day = d.day != 0 ? std::to_string(d.day) : "";
  if (t.lang == "en") return month + (day.empty() ? "" : " " + day + ",") + " " + year;
  if (t.lang == "es") return (day.empty() ? "" : day + " de ") + month + " de " + year;
  return (day.empty() ? "" : day + " ") + month + " " + year;
}

Seg Chicago(const Reference& r, const Terms& t) {
  const bool periodical = IsPeriodical(r);
  const bool in_book = IsInBook(r);
  const bool english = IsEnglish(r, t);
  auto title_case = [&](const std::string& s) { return english ? TitleCase(s) : s; };
  // Books, reports and films are italic; articles, chapters, web pages and other parts are quoted.
  const bool italic_title = r.type == "book" || r.type == "report" || r.type == "motion_picture";
  Seg title =
      italic_title ? I(title_case(r.title)) : T(Quoted(title_case(r.title), t.open_quote, t.close_quote));

  Seg contributors;
  bool editors_named = false;
  if (!r.authors.empty()) {
    contributors = T(ChicagoNames(r.authors, t));
  } else if (!r.editors.empty() && !in_book) {
    contributors = T(ChicagoNames(r.editors, t) + ", " + std::string(r.editors.size() == 1 ? t.ed : t.eds));
    editors_named = true;
  }
  Seg date = T(Year(r, t));
  Seg out = Empty(contributors) ? Join({title, date}, ". ") : Join({contributors, date, title}, ". ");

  if (r.type == "report" && !r.issue.empty())
    out = Join({out, T(std::string(t.report) + " " + r.issue)}, ". ");
  if (!in_book && !editors_named && !r.editors.empty() && !r.authors.empty()) {
    out = Join({out, T(CapitalizeFirst(t.edited_by) + " " + GivenFirstNames(r.editors, t))}, ". ");
  }
  Seg container;
  if (in_book) {
    container = Wrap(CapitalizeFirst(t.in) + " ", I(title_case(r.container_title)), "");
  } else if (r.type == "webpage") {
    container = T(r.container_title);
  } else {
    container = I(title_case(r.container_title));
  }
  out = Join({out, container}, ". ");
  if (in_book) {
    if (!r.editors.empty())
      out = Cat({out, T(", " + std::string(t.edited_by) + " " + GivenFirstNames(r.editors, t))});
    out = Cat({out, Wrap(", ", T(Edition(r, t, t.edition_short)), "")});
    if (!r.page.empty()) {
      std::string where =
          (r.volume.empty() ? "" : r.volume + ":") + FormatPages(r.page, PageFormat::kChicago, "–");
      out = Cat({out, T(", " + where)});
    } else if (!r.volume.empty()) {
      out = Cat({out, T(". " + CapitalizeFirst(t.volume_short) + " " + r.volume)});
    }
  } else if (periodical) {
    if (!r.volume.empty()) {
      out = Cat({out, T(" " + r.volume), Wrap(" (", T(r.issue), ")")});
    } else if (!r.issue.empty()) {
      out = Cat({out, T(", " + std::string(t.issue_short) + " " + r.issue)});
    }
    std::string pages = FormatPages(r.page, PageFormat::kChicago, "–");
    if (!pages.empty()) out = Cat({out, T((r.volume.empty() && r.issue.empty() ? ", " : ": ") + pages)});
  } else {
    out = Join({out, T(Edition(r, t, t.edition_short))}, ". ");
    out = Join({out, T(r.volume.empty() ? "" : CapitalizeFirst(t.volume_short) + " " + r.volume)}, ". ");
  }
  if (!periodical) {
    std::string publisher = PlacePublisher(r);
    if (r.type == "thesis") publisher = JoinText({std::string(t.thesis), publisher}, ", ");
    out = Join({out, T(publisher)}, ". ");
  }
  if (r.type == "webpage" && ValidMonth(r.issued) && r.issued.year != 0)
    out = Join({out, T(LongDate(r.issued, t))}, ". ");
  out = Join({out, T(Link(r))}, ". ");
  return Cat({out, T(".")});
}

// ---------------------------------------------------------------------------------------------------------
// MLA 9th edition (modern-language-association.csl).

std::string MlaNames(const std::vector<Name>& names, const Terms& t) {
  if (names.empty()) return "";
  std::string first = FormatName(names[0], Order::kFamilyFirst, std::nullopt);
  if (names.size() >= 3) return first + ", " + std::string(t.et_al);
  if (names.size() == 1) return first;
  return first + ", " + std::string(t.and_word) + " " +
         FormatName(names[1], Order::kGivenFirst, std::nullopt);
}

// Contributors named after the title ("edited by Anne Brown and Bob Green"; three or more: "Anne Brown et
// al.").
std::string MlaOtherNames(const std::vector<Name>& names, const Terms& t) {
  if (names.size() >= 3)
    return FormatName(names[0], Order::kGivenFirst, std::nullopt) + " " + std::string(t.et_al);
  return GivenFirstNames(names, t);
}

std::string MlaDate(const Reference& r, const Terms& t) {
  const PartialDate& d = r.issued;
  if (d.year == 0) return "";
  std::string year = std::to_string(d.year);
  if (r.type == "book" || IsInBook(r) || r.type == "motion_picture" || !ValidMonth(d)) return year;
  std::string month(t.months_mla[d.month - 1]);
  if (IsPeriodical(r) || d.day == 0) return month + " " + year;
  return std::to_string(d.day) + " " + month + " " + year;
}

Seg Mla(const Reference& r, const Terms& t) {
  const bool periodical = IsPeriodical(r);
  const bool english = IsEnglish(r, t);
  auto title_case = [&](const std::string& s) { return english ? TitleCase(s) : s; };
  Seg title = r.container_title.empty() ? I(title_case(r.title))
                                        : T(Quoted(title_case(r.title), t.open_quote, t.close_quote));
  Seg author;
  bool editors_named = false;
  // MLA 9 (2.1.3): a work by an organisation that is also its publisher begins with the title.
  if (!r.authors.empty() && !AuthorIsPublisher(r)) {
    author = T(MlaNames(r.authors, t));
  } else if (r.authors.empty() && !r.editors.empty() && !IsInBook(r)) {
    author = T(MlaNames(r.editors, t) + ", " + std::string(r.editors.size() == 1 ? t.editor : t.editors));
    editors_named = true;
  }
  std::string others;
  if (!r.editors.empty() && !editors_named) {
    std::string edited_by(t.edited_by);
    others = (r.container_title.empty() ? CapitalizeFirst(edited_by) : edited_by) + " " +
             MlaOtherNames(r.editors, t);
  }
  std::vector<std::string> number = {r.volume.empty() ? "" : std::string(t.volume_short) + " " + r.volume,
                                     r.issue.empty() ? "" : std::string(t.issue_short) + " " + r.issue};
  std::string edition = Edition(r, t, t.edition_short);
  std::string numbers = JoinText(number, ", ");
  // "vol." and "no." open a sentence when nothing comes before them in the container.
  if (r.container_title.empty() && others.empty() && edition.empty()) numbers = CapitalizeFirst(numbers);
  Seg container = Join(
      {I(title_case(r.container_title)), T(others), T(edition), T(numbers), T(periodical ? "" : r.publisher),
       T(MlaDate(r, t)), T(PagesWithLabel(r, t, PageFormat::kMinimalTwo, "–")), T(Link(r))},
      ", ");
  return Cat({Join({author, title, container}, ". "), T(".")});
}

// ---------------------------------------------------------------------------------------------------------
// Harvard, Cite Them Right (harvard-cite-them-right.csl).

Seg HarvardNames(const std::vector<Name>& names, const Terms& t) {
  std::vector<std::string> items = FormatNames(names, Order::kFamilyFirst, ".");
  if (items.size() >= 4) return Cat({T(items[0] + " "), I(t.et_al)});  // four or more: the first, "et al."
  return T(ListWithAnd(items, t.and_word, false, false));
}

Seg Harvard(const Reference& r, const Terms& t) {
  const bool periodical = IsPeriodical(r);
  const bool in_book = IsInBook(r);
  const bool italic_title = r.type == "book" || r.type == "report" || r.type == "motion_picture" ||
                            r.type == "thesis" || r.type == "webpage";
  std::string edition = Edition(r, t, t.edition_cite_them_right);
  Seg title = italic_title ? Join({I(r.title), T(edition)}, ". ")
                           : T(Quoted(r.title, t.open_quote_uk, t.close_quote_uk));
  Seg author;
  if (!r.authors.empty()) {
    author = HarvardNames(r.authors, t);
  } else if (!r.editors.empty() && !in_book) {
    author = Cat(
        {HarvardNames(r.editors, t),
         T(" (" + std::string(r.editors.size() == 1 ? t.ed_cite_them_right : t.eds_cite_them_right) + ")")});
  }
  Seg year = T("(" + Year(r, t) + ")");
  Seg container;
  if (in_book) {
    std::vector<std::string> eds = FormatNames(r.editors, Order::kGivenFirst, ".");
    std::string editors =
        eds.empty() ? ""
                    : ListWithAnd(eds, t.and_word, false, false) + " (" +
                          std::string(eds.size() == 1 ? t.ed_cite_them_right : t.eds_cite_them_right) + ")";
    container = Join({T(t.in), T(editors), Join({I(r.container_title), T(edition)}, ". ")}, " ");
  } else {
    container = I(r.container_title);
  }
  Seg head = Empty(author) ? Join({title, year, container}, " ")
                           : Join({author, year, Join({title, container}, ", ")}, " ");
  Seg secondary;
  if (!in_book && !r.editors.empty() && !r.authors.empty()) {
    std::vector<std::string> eds = FormatNames(r.editors, Order::kGivenFirst, ".");
    secondary = T(CapitalizeFirst(t.edited_by) + " " + ListWithAnd(eds, t.and_word, false, false));
  }
  Seg publisher;
  if (r.type == "report") {
    publisher =
        Join({T(r.issue.empty() ? "" : std::string(t.report) + " " + r.issue), T(PlacePublisher(r))}, ". ");
  } else if (r.type == "thesis") {
    publisher = T(r.publisher);
  } else if (!periodical) {
    publisher = T(PlacePublisher(r));
  }
  Seg out = Join({head, secondary, publisher}, ". ");
  std::string volume = periodical ? r.volume + (r.issue.empty() ? "" : "(" + r.issue + ")") : "";
  std::string pages = periodical || in_book || r.type == "book" || r.type == "report" || r.type == "article"
                          ? PagesWithLabel(r, t, PageFormat::kExpanded, "–")
                          : "";
  out = Cat({out, Wrap(", ", T(JoinText({volume, pages}, ", ")), "")});
  std::string link = Link(r);
  if (!link.empty()) out = Cat({out, T(". " + std::string(t.available_at) + ": " + link)});
  return Cat({out, T(".")});
}

// ---------------------------------------------------------------------------------------------------------
// Vancouver (vancouver.csl; ICMJE / NLM Citing Medicine).

std::string VancouverNames(const std::vector<Name>& names, const Terms& t) {
  std::vector<std::string> items = FormatNames(names, Order::kFamilyFirst, "", " ", false);
  if (items.size() >= 7) {
    // Seven or more: the first six and "et al.".
    items.resize(6);
    items.emplace_back(t.et_al);
  }
  return JoinText(items, ", ");
}

Seg Vancouver(const Reference& r, const Terms& t) {
  const bool periodical = IsPeriodical(r);
  const bool in_book = IsInBook(r);
  const bool online = !r.url.empty();
  std::string internet = " [" + std::string(t.internet) + "]";
  std::string edition = Edition(r, t, t.edition_short);

  Seg author;
  if (!r.authors.empty()) {
    author = T(VancouverNames(r.authors, t));
  } else if (!r.editors.empty() && !in_book) {
    author =
        T(VancouverNames(r.editors, t) + ", " + std::string(r.editors.size() == 1 ? t.editor : t.editors));
  }
  Seg title = T(r.title);
  if (!periodical && !in_book) {
    if (online) title = Cat({title, T(internet)});
    if (r.type == "thesis") title = Cat({title, T(" [" + std::string(t.thesis) + "]")});
    title = Join({title, T(edition)}, ". ");
  }
  Seg head = Cat({Join({author, title}, ". "), T(". ")});

  Seg container;
  if (periodical || in_book) {
    Seg name = Cat({T(r.container_title), T(online && !r.container_title.empty() ? internet : "")});
    container = Wrap("", name, ".");
    if (in_book) container = Join({container, T(edition.empty() ? "" : edition)}, " ");
    if (in_book) {
      Seg editors = r.editors.empty() ? Seg{}
                                      : T(VancouverNames(r.editors, t) + ", " +
                                          std::string(r.editors.size() == 1 ? t.editor : t.editors) + ".");
      container = Join({T(CapitalizeFirst(t.in) + ":"), Join({editors, container}, " ")}, " ");
    }
  } else {
    // Other types: the volume and the series (or site) they belong to.
    std::string volume = r.volume.empty() ? "" : CapitalizeFirst(t.volume_short) + " " + r.volume;
    container = Wrap("", T(JoinText({volume, r.container_title}, ", ")), ".");
  }
  Seg publisher;
  if (!periodical) {
    std::string place =
        r.type == "thesis" && !r.publisher_place.empty() ? "[" + r.publisher_place + "]" : r.publisher_place;
    std::string pp = JoinText({place, r.publisher}, ": ");
    publisher = T(pp.empty() ? "" : pp + ";");
  }
  std::string date;
  if (r.issued.year == 0) {
    date = "[" + std::string(t.date_unknown) + "]";
  } else {
    date = std::to_string(r.issued.year);
    bool with_month = periodical || r.type == "report";
    if (with_month && ValidMonth(r.issued)) {
      date += " " + std::string(t.months_vancouver[r.issued.month - 1]);
      if (periodical && r.issued.day != 0) date += " " + std::to_string(r.issued.day);
    }
  }
  Seg when;
  if (periodical) {
    std::string location = r.volume + (r.issue.empty() ? "" : "(" + r.issue + ")");
    std::string pages = FormatPages(r.page, PageFormat::kMinimal, "-");
    if (!pages.empty()) location += ":" + pages;
    when = T(location.empty() ? date : date + ";" + location);
  } else {
    std::string pages =
        r.page.empty() ? ""
                       : " " + std::string(t.page) + " " + FormatPages(r.page, PageFormat::kMinimal, "-");
    when = T(date + "." + pages);
  }
  Seg body = Cat({Join({container, publisher, when}, " "), T(". ")});
  Seg report =
      r.type == "report" && !r.issue.empty() ? T(std::string(t.report_no) + ": " + r.issue + ". ") : Seg{};
  Seg access = online ? T(std::string(t.available_from) + ": " + r.url) : Seg{};
  // Citing Medicine closes with the DOI.
  Seg doi = r.doi.empty() ? Seg{} : T("doi:" + r.doi);
  return Cat({head, body, report, Join({access, doi}, " ")});
}

}  // namespace

std::string_view ToString(CitationStyle style) {
  switch (style) {
    case CitationStyle::kApa: return "apa";
    case CitationStyle::kChicago: return "chicago";
    case CitationStyle::kMla: return "mla";
    case CitationStyle::kHarvard: return "harvard";
    case CitationStyle::kVancouver: return "vancouver";
  }
  return "apa";
}

std::optional<CitationStyle> ParseCitationStyle(std::string_view s) {
  std::string lower = ToLowerAscii(TrimAscii(s));
  for (CitationStyle style : kCitationStyles) {
    if (ToString(style) == lower) return style;
  }
  return std::nullopt;
}

std::string_view StyleName(CitationStyle style) {
  switch (style) {
    case CitationStyle::kApa: return "APA (7th edition)";
    case CitationStyle::kChicago: return "Chicago (author-date, 17th edition)";
    case CitationStyle::kMla: return "MLA (9th edition)";
    case CitationStyle::kHarvard: return "Harvard (Cite Them Right, 12th edition)";
    case CitationStyle::kVancouver: return "Vancouver (ICMJE/NLM)";
  }
  return "APA (7th edition)";
}

CitationParts FormatCitation(const Reference& ref, CitationStyle style, std::string_view lang) {
  const Terms& t = TermsFor(lang);
  switch (style) {
    case CitationStyle::kApa: return Render(Apa(ref, t), t);
    case CitationStyle::kChicago: return Render(Chicago(ref, t), t);
    case CitationStyle::kMla: return Render(Mla(ref, t), t);
    case CitationStyle::kHarvard: return Render(Harvard(ref, t), t);
    case CitationStyle::kVancouver: return Render(Vancouver(ref, t), t);
  }
  return Render(Apa(ref, t), t);
}

}  // namespace waymark::library
