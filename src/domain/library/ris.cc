// RIS reader and writer: a line-by-line state machine (outside a record /
// inside one), so every line is looked at once.
#include "domain/library/ris.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/strings.h"
#include "domain/library/bibtex.h"
#include "domain/library/identifiers.h"

namespace waymark::library {

namespace {

using import_internal::TextLocator;

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct TagLine {
  std::string tag;
  std::string value;
  std::size_t value_column = 0;  // byte index of the value in the line
};

// "AU  - Smith, John" -> {AU, "Smith, John"}; nullopt for a line that is not a tag line.
std::optional<TagLine> ParseTagLine(std::string_view line) {
  if (line.size() < 5 || !IsUpper(line[0]) || !(IsUpper(line[1]) || IsDigit(line[1]))) return std::nullopt;
  // Exactly two spaces: with one, a wrapped abstract line such as "US - Mexico border" would read as a tag.
  if (line[2] != ' ' || line[3] != ' ' || line.size() < 5 || line[4] != '-') return std::nullopt;
  std::size_t k = 5;
  // A space follows the hyphen, except on a value-less line ("ER  -").
  if (k < line.size() && line[k] != ' ') return std::nullopt;
  TagLine t;
  t.tag = std::string(line.substr(0, 2));
  std::size_t v = k;
  while (v < line.size() && line[v] == ' ') ++v;
  t.value_column = v;
  t.value = std::string(TrimAscii(line.substr(std::min(v, line.size()))));
  return t;
}

struct Tag {
  std::string tag;
  std::string value;
  std::size_t offset = 0;  // of the value, for problems
};

struct Record {
  std::size_t offset = 0;  // of the TY line
  std::string type;
  std::size_t type_offset = 0;
  std::vector<Tag> tags;
  std::size_t bad_utf8 = std::string_view::npos;
};

std::string CslType(std::string_view ris) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"JOUR", "article-journal"},
      {"JFULL", "article-journal"},
      {"EJOUR", "article-journal"},
      {"BOOK", "book"},
      {"EBOOK", "book"},
      {"EDBOOK", "book"},
      {"CHAP", "chapter"},
      {"ECHAP", "chapter"},
      {"RPRT", "report"},
      {"CONF", "paper-conference"},
      {"CPAPER", "paper-conference"},
      {"THES", "thesis"},
      {"ELEC", "webpage"},
      {"WEB", "webpage"},
      {"DATA", "dataset"},
      {"MAP", "map"},
      {"VIDEO", "motion_picture"},
      {"MPCT", "motion_picture"},
  };
  for (const auto& [tag, csl] : kTypes) {
    if (tag == ris) return std::string(csl);
  }
  return "document";
}

std::string_view RisType(std::string_view csl) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"article-journal", "JOUR"},
      {"book", "BOOK"},
      {"chapter", "CHAP"},
      {"report", "RPRT"},
      {"paper-conference", "CPAPER"},
      {"thesis", "THES"},
      {"webpage", "ELEC"},
      {"dataset", "DATA"},
      {"map", "MAP"},
      {"motion_picture", "VIDEO"},
  };
  for (const auto& [c, ris] : kTypes) {
    if (c == csl) return ris;
  }
  return "GEN";
}

// "Smith, John" -> family and given; "Smith, John, Jr." keeps "Jr." with the family name (Name has no
// suffix); a name without a comma is an organisation or a name we cannot split.
std::optional<Name> ParseRisName(std::string_view value) {
  value = TrimAscii(value);
  if (value.empty()) return std::nullopt;
  Name n;
  std::size_t comma = value.find(',');
  if (comma == std::string_view::npos) {
    n.literal = std::string(value);
    return n;
  }
  n.family = std::string(TrimAscii(value.substr(0, comma)));
  std::string_view rest = value.substr(comma + 1);
  std::size_t second = rest.find(',');
  n.given = std::string(TrimAscii(rest.substr(0, second)));
  if (second != std::string_view::npos) {
    std::string_view suffix = TrimAscii(rest.substr(second + 1));
    if (!suffix.empty()) n.family += " " + std::string(suffix);
  }
  if (n.family.empty() && n.given.empty()) return std::nullopt;
  return n;
}

int Number(std::string_view s, int max) {
  s = TrimAscii(s);
  if (s.empty() || s.size() > 2) return 0;
  int v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return 0;
    v = v * 10 + (c - '0');
  }
  return v >= 1 && v <= max ? v : 0;
}

// "2019", "2019/03/05/", "2019///Spring", "2019-03-05": nullopt when the year is not four digits. A month or
// day that is not a number is left unknown.
std::optional<PartialDate> ParseRisDate(std::string_view s) {
  s = TrimAscii(s);
  char sep = s.find('/') != std::string_view::npos ? '/' : '-';
  std::vector<std::string_view> parts = Split(s, sep);
  if (parts.empty()) return std::nullopt;
  std::string_view y = TrimAscii(parts[0]);
  if (y.size() != 4 || !IsDigit(y[0]) || !IsDigit(y[1]) || !IsDigit(y[2]) || !IsDigit(y[3]))
    return std::nullopt;
  PartialDate d;
  d.year = (y[0] - '0') * 1000 + (y[1] - '0') * 100 + (y[2] - '0') * 10 + (y[3] - '0');
  if (parts.size() >= 2) d.month = Number(parts[1], 12);
  if (parts.size() >= 3 && d.month != 0) d.day = Number(parts[2], 31);
  return d;
}

class RisReader {
 public:
  explicit RisReader(std::string_view text)
      : s_(text), locator_(text), bad_utf8_(import_internal::InvalidUtf8Offsets(text)) {}

  ImportResult Run() {
    std::optional<Record> record;
    bool stray_reported = false;
    std::size_t pos = 0;
    while (pos < s_.size() && !stopped_) {
      std::size_t nl = s_.find('\n', pos);
      std::size_t end = nl == std::string_view::npos ? s_.size() : nl;
      std::string_view line = s_.substr(pos, end - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      std::size_t offset = pos;
      pos = nl == std::string_view::npos ? s_.size() : nl + 1;

      std::optional<TagLine> tag = ParseTagLine(line);
      if (tag && tag->tag == "TY") {
        if (record) {
          Report(record->offset, "record starting at line " + std::to_string(locator_.Line(record->offset)) +
                                     " has no ER (end of record) before the next TY at line " +
                                     std::to_string(locator_.Line(offset)));
        }
        record = Record{};
        record->offset = offset;
        record->type = tag->value;
        record->type_offset = offset + tag->value_column;
        stray_reported = false;
        NoteBadUtf8(*record, offset, end);
        continue;
      }
      if (!record) {
        // Text between records is ignored; a tag there means a record lost its TY.
        if (tag && !stray_reported) {
          Report(offset, "'" + tag->tag + "' outside a record (no TY before it)");
          stray_reported = true;
        }
        continue;
      }
      NoteBadUtf8(*record, offset, end);
      if (tag && tag->tag == "ER") {
        Finish(*record);
        record.reset();
        continue;
      }
      if (tag) {
        record->tags.push_back(Tag{tag->tag, tag->value, offset + tag->value_column});
        continue;
      }
      std::string_view more = TrimAscii(line);
      if (more.empty() || record->tags.empty()) continue;
      // A wrapped value: the line continues the previous tag.
      std::string& value = record->tags.back().value;
      if (!value.empty()) value.push_back(' ');
      value.append(more);
    }
    if (record && !stopped_) {
      Report(record->offset, "record starting at line " + std::to_string(locator_.Line(record->offset)) +
                                 " has no ER (end of record) before the end of the input");
    }
    return std::move(result_);
  }

 private:
  void NoteBadUtf8(Record& r, std::size_t from, std::size_t to) const {
    if (r.bad_utf8 != std::string_view::npos) return;
    r.bad_utf8 = import_internal::FirstIn(bad_utf8_, from, to);
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

  static const Tag* First(const Record& r, std::initializer_list<std::string_view> tags) {
    for (std::string_view want : tags) {
      for (const Tag& t : r.tags) {
        if (t.tag == want && !t.value.empty()) return &t;
      }
    }
    return nullptr;
  }

  static std::string FirstValue(const Record& r, std::initializer_list<std::string_view> tags) {
    const Tag* t = First(r, tags);
    return t ? t->value : std::string();
  }

  void Finish(const Record& r) {
    std::int64_t line = locator_.Line(r.offset);
    std::string record = "record at line " + std::to_string(line);
    if (r.bad_utf8 != std::string_view::npos) {
      Report(r.bad_utf8, record + " has bytes that are not valid UTF-8 (is the file in another encoding?)");
      return;
    }
    if (r.type.empty()) {
      Report(r.type_offset, record + " has an empty type (TY)");
      return;
    }
    Reference ref;
    std::string ris_type(TrimAscii(r.type));
    for (char& c : ris_type) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    ref.type = CslType(ris_type);
    ref.title = FirstValue(r, {"TI", "T1"});
    bool bt_is_title = false;
    if (ref.title.empty() && ref.type == "book") {
      ref.title = FirstValue(r, {"BT"});
      bt_is_title = true;
    }
    if (ref.title.empty()) {
      Report(r.offset, record + " has no title (TI or T1)");
      return;
    }
    if (const Tag* py = First(r, {"PY", "Y1"})) {
      auto d = ParseRisDate(py->value);
      if (!d) {
        Report(py->offset, "year of " + record + " must be a number of 4 digits (found '" + py->value + "')");
        return;
      }
      ref.issued = *d;
    }
    if (const Tag* da = First(r, {"DA"})) {
      auto d = ParseRisDate(da->value);
      // DA is the fuller date; it wins when it agrees with PY on the year (or there is no PY).
      if (d && (ref.issued.year == 0 || ref.issued.year == d->year) && d->month >= ref.issued.month)
        ref.issued = *d;
    }
    std::set<std::string, std::less<>> seen_keywords;
    for (const Tag& t : r.tags) {
      if (t.tag == "AU" || t.tag == "A1") {
        if (auto n = ParseRisName(t.value)) ref.authors.push_back(std::move(*n));
      } else if (t.tag == "A2" || t.tag == "ED") {
        if (auto n = ParseRisName(t.value)) ref.editors.push_back(std::move(*n));
      } else if (t.tag == "KW") {
        import_internal::AddKeyword(ref.keywords, seen_keywords, t.value);
      } else if (t.tag == "N1" && !t.value.empty()) {
        if (!ref.note.empty()) ref.note += "\n";
        ref.note += t.value;
      } else if (t.tag == "SN" && ref.isbn.empty()) {
        // SN holds an ISBN or an ISSN; only an ISBN has a place in a Reference.
        if (auto isbn = NormalizeIsbn(t.value); isbn.ok()) {
          ref.isbn = *isbn;
        } else {
          for (std::string_view token : Split(t.value, ' ')) {
            for (std::string_view piece : Split(token, ';')) {
              if (auto one = NormalizeIsbn(piece); one.ok() && ref.isbn.empty()) ref.isbn = *one;
            }
          }
        }
      } else if (t.tag == "DO" && ref.doi.empty()) {
        if (auto doi = NormalizeDoi(t.value); doi.ok()) ref.doi = *doi;
      } else if (t.tag == "UR" && ref.url.empty()) {
        if (auto url = NormalizeUrl(t.value); url.ok()) ref.url = *url;
      }
    }
    ref.container_title =
        bt_is_title ? FirstValue(r, {"T2", "JF", "JO", "JA"}) : FirstValue(r, {"T2", "JF", "JO", "BT", "JA"});
    ref.abstract = FirstValue(r, {"AB", "N2"});
    std::string sp = FirstValue(r, {"SP"});
    std::string ep = FirstValue(r, {"EP"});
    if (!sp.empty() && !ep.empty() && sp.find('-') == std::string::npos) {
      ref.page = import_internal::NormalizePages(sp + "-" + ep);
    } else {
      ref.page = import_internal::NormalizePages(sp.empty() ? ep : sp);
    }
    ref.volume = FirstValue(r, {"VL"});
    ref.issue = FirstValue(r, {"IS"});
    ref.publisher = FirstValue(r, {"PB"});
    ref.publisher_place = FirstValue(r, {"CY"});
    ref.edition = FirstValue(r, {"ET"});
    ref.language = NormalizeLanguage(FirstValue(r, {"LA"}));
    ref.citation_key = FirstValue(r, {"ID"});
    result_.entries.push_back(ImportEntry{line, std::move(ref)});
  }

  std::string_view s_;
  TextLocator locator_;
  std::vector<std::size_t> bad_utf8_;
  ImportResult result_;
  bool stopped_ = false;  // too many problems
};

// One line of a value: line breaks and tabs become spaces.
std::string OneLine(std::string_view s) {
  std::string out(TrimAscii(s));
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

void AddTag(std::string& out, std::string_view tag, std::string_view value) {
  std::string v = OneLine(value);
  if (v.empty()) return;
  out += tag;
  out += "  - ";
  out += v;
  out += "\r\n";
}

std::string TwoDigits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

std::string RisName(const Name& n) {
  if (n.IsOrganisation()) return n.literal;
  // The comma marks a person even when there is no given name.
  return n.family + ", " + n.given;
}

}  // namespace

ImportResult ParseRis(std::string_view text) {
  if (text.size() > kMaxImportBytes) {
    ImportResult result;
    result.problems.push_back(
        ImportProblem{1, 1, "the input is larger than 20 MB; split it into smaller files"});
    return result;
  }
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  return RisReader(text).Run();
}

std::string WriteRis(const std::vector<Reference>& refs) {
  std::vector<std::string> keys = CitationKeys(refs);
  std::string out;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const Reference& r = refs[i];
    AddTag(out, "TY", RisType(r.type));
    AddTag(out, "ID", keys[i]);
    for (const Name& n : r.authors) AddTag(out, "AU", RisName(n));
    // Book editors of a chapter are secondary authors (A2); editors of a whole work are ED.
    bool in_book = r.type == "chapter" || r.type == "paper-conference";
    for (const Name& n : r.editors) AddTag(out, in_book ? "A2" : "ED", RisName(n));
    AddTag(out, "TI", r.title);
    AddTag(out, "T2", r.container_title);
    if (std::string year = import_internal::FourDigitYear(r.issued.year); !year.empty()) {
      AddTag(out, "PY", year);
      if (r.issued.month != 0) {
        std::string da = year + "/" + TwoDigits(r.issued.month);
        if (r.issued.day != 0) da += "/" + TwoDigits(r.issued.day);
        AddTag(out, "DA", da);
      }
    }
    std::size_t dash = r.page.find('-');
    if (dash == std::string::npos) {
      AddTag(out, "SP", r.page);
    } else {
      AddTag(out, "SP", std::string_view(r.page).substr(0, dash));
      AddTag(out, "EP", std::string_view(r.page).substr(dash + 1));
    }
    AddTag(out, "VL", r.volume);
    AddTag(out, "IS", r.issue);
    AddTag(out, "ET", r.edition);
    AddTag(out, "PB", r.publisher);
    AddTag(out, "CY", r.publisher_place);
    AddTag(out, "SN", r.isbn);
    AddTag(out, "DO", r.doi);
    AddTag(out, "UR", r.url);
    AddTag(out, "LA", r.language);
    for (const std::string& k : r.keywords) AddTag(out, "KW", k);
    AddTag(out, "AB", r.abstract);
    AddTag(out, "N1", r.note);
    out += "ER  - \r\n";
    if (i + 1 < refs.size()) out += "\r\n";
  }
  return out;
}

}  // namespace waymark::library
