#include "domain/evidence/hxl.h"

#include <algorithm>
#include <set>

#include "core/strings.h"
#include "domain/evidence/cells.h"

namespace waymark::evidence::hxl {

namespace {

bool IsTagChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// A figure: a tag, the exact attributes it must carry, and the kind it makes.
struct FigurePattern {
  const char* tag;
  std::vector<std::string> attributes;  // sorted
  const char* kind;
};

const std::vector<FigurePattern>& Figures() {
  static const std::vector<FigurePattern> kFigures = {
      {"#affected", {"idps"}, "idps"},
      {"#population", {"idps"}, "idps"},
      {"#affected", {"displaced"}, "new_displacements"},
      {"#affected", {"displaced", "new"}, "new_displacements"},
      {"#affected", {"refugees"}, "refugees"},
      {"#population", {"refugees"}, "refugees"},
      {"#affected", {"killed"}, "killed"},
      {"#affected", {"returnees"}, "returnees"},
      {"#population", {"returnees"}, "returnees"},
      {"#affected", {}, "affected"},
  };
  return kFigures;
}

// Attributes that say nothing about what is counted ("+ind": individuals,
// "+total"), so "#affected+idps+ind" is still the IDPs figure. Any other
// extra attribute (+f, +children, +hh, ...) makes the column a part of a
// figure or a count of something else, and it is not used.
bool IsNeutralAttribute(const std::string& a) { return a == "ind" || a == "total"; }

std::string FigureKindOf(const Tag& t) {
  std::vector<std::string> significant;
  for (const std::string& a : t.attributes) {
    if (!IsNeutralAttribute(a)) significant.push_back(a);
  }
  for (const FigurePattern& p : Figures()) {
    if (t.name == p.tag && significant == p.attributes) return p.kind;
  }
  return "";
}

bool IsFigureTag(const std::string& name) { return name == "#affected" || name == "#population"; }

// Fills field/kind/area_rank/why_ignored of `c` from its tag.
void Classify(Column& c) {
  const Tag& t = c.tag;
  if (!t.tagged()) {
    c.why_ignored = "untagged";
    return;
  }
  const std::string& n = t.name;
  if (IsFigureTag(n)) {
    c.kind = FigureKindOf(t);
    if (c.kind.empty()) {
      c.why_ignored = "not a figure Waymark stores (a part of a figure, or not people)";
    } else {
      c.field = Field::kFigure;
    }
    return;
  }
  if (n == "#country") {
    if (t.Has("code")) {
      c.field = Field::kCountry;
    } else if (t.Has("name") || t.attributes.empty()) {
      c.field = Field::kCountryName;
    }
  } else if (n == "#loc" && t.Has("name")) {
    c.field = Field::kArea;
    c.area_rank = 9;
  } else if (n.size() == 5 && n.compare(0, 4, "#adm") == 0 && n[4] >= '1' && n[4] <= '5' && t.Has("name")) {
    c.field = Field::kArea;
    c.area_rank = n[4] - '0';
  } else if (n == "#date") {
    if (t.Has("year")) {
      c.field = Field::kYear;
    } else if (t.Has("start")) {
      c.field = Field::kDateStart;
    } else if (t.Has("end")) {
      c.field = Field::kDateEnd;
    } else if (t.attributes.empty()) {
      c.field = Field::kDate;
    }
  } else if (n == "#meta" && t.Has("source")) {
    c.field = Field::kSource;
  } else if (n == "#geo" && t.Has("lat")) {
    c.field = Field::kLatitude;
  } else if (n == "#geo" && t.Has("lon")) {
    c.field = Field::kLongitude;
  } else if ((n == "#crisis" || n == "#event") && t.Has("type")) {
    c.field = Field::kCauseText;
  } else if (n == "#event" && t.Has("name")) {
    c.field = Field::kEventName;
  } else if (n == "#event" && t.Has("id")) {
    c.field = Field::kEventId;
  }
  if (c.field == Field::kNone) c.why_ignored = "tag not mapped";
}

std::string Cell(const std::vector<std::string>& cells, int index) {
  if (index < 0 || static_cast<std::size_t>(index) >= cells.size()) return "";
  return cells::Trim(cells[static_cast<std::size_t>(index)]);
}

// The column's name in a RowProblem: its text header, else its tag.
std::string FieldName(const Column& c) { return c.text.empty() ? c.tag.ToString() : c.text; }

// "2013", or the year of a date written in a year column ("2013-12-13").
std::optional<int> ParseYear(const std::string& text) {
  cells::CountCell c = cells::ParseCount(text);
  std::optional<std::int64_t> year = c.value;
  if (!c.error.empty() || !c.note.empty() || !c.value) {
    cells::DateCell d = cells::ParseDate(text);
    if (!d.error.empty() || !d.date.known()) return std::nullopt;
    year = d.date.year;
  }
  if (*year < 1800 || *year > 2200) return std::nullopt;
  return static_cast<int>(*year);
}

std::string UpperAscii(std::string s) {
  for (char& ch : s) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return s;
}

}  // namespace

bool Tag::Has(std::string_view attribute) const {
  return std::find(attributes.begin(), attributes.end(), attribute) != attributes.end();
}

std::string Tag::ToString() const {
  std::string s = name;
  for (const std::string& a : attributes) s += "+" + a;
  return s;
}

std::optional<Tag> ParseTag(std::string_view cell) {
  const std::string text = cells::Trim(cell);
  if (text.empty()) return Tag{};
  if (text[0] != '#') return std::nullopt;
  std::size_t i = 1;
  while (i < text.size() && IsTagChar(text[i])) ++i;
  if (i == 1) return std::nullopt;
  Tag t;
  t.name = ToLowerAscii(text.substr(0, i));
  std::set<std::string> attributes;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i == text.size()) break;
    if (text[i] != '+') return std::nullopt;
    const std::size_t start = ++i;
    while (i < text.size() && IsTagChar(text[i])) ++i;
    if (i == start) return std::nullopt;
    attributes.insert(ToLowerAscii(text.substr(start, i - start)));
  }
  t.attributes.assign(attributes.begin(), attributes.end());
  return t;
}

bool IsHashtagRow(const std::vector<std::string>& cells) {
  bool any = false;
  for (const std::string& c : cells) {
    const std::string text = cells::Trim(c);
    if (text.empty()) continue;
    if (text[0] != '#') return false;
    auto tag = ParseTag(text);
    if (!tag) return false;
    any = true;
  }
  return any;
}

std::string Column::Label() const {
  if (!tag.tagged()) return (text.empty() ? "column " + std::to_string(index + 1) : text) + " (untagged)";
  if (text.empty()) return tag.ToString();
  return text + " (" + tag.ToString() + ")";
}

bool Mapping::has_figure() const { return Find(Field::kFigure) != nullptr; }

const Column* Mapping::Find(Field f) const {
  for (const Column& c : columns) {
    if (c.field == f) return &c;
  }
  return nullptr;
}

const std::vector<std::string>& FigurePatterns() {
  static const std::vector<std::string> kPatterns = [] {
    std::vector<std::string> out;
    for (const FigurePattern& p : Figures()) {
      Tag t{p.tag, p.attributes};
      out.push_back(t.ToString());
    }
    return out;
  }();
  return kPatterns;
}

Mapping MapColumns(const std::vector<std::string>& text_header, const std::vector<std::string>& hashtags) {
  Mapping m;
  std::vector<std::pair<std::string, int>> seen;  // figure kind or field -> first column
  // Text header cells beyond the hashtag row are untagged columns.
  const std::size_t width = std::max(text_header.size(), hashtags.size());
  for (std::size_t i = 0; i < width; ++i) {
    Column c;
    c.index = static_cast<int>(i);
    if (i < text_header.size()) c.text = cells::Trim(text_header[i]);
    // A cell of a hashtag row that does not parse is kept as an untagged
    // column (IsHashtagRow refuses such rows; MapColumns takes any row).
    if (i < hashtags.size()) c.tag = ParseTag(hashtags[i]).value_or(Tag{});
    Classify(c);
    // One column per figure kind and per single-valued field, so that a row
    // never yields one figure twice; areas are ranked instead.
    if (c.field != Field::kNone && c.field != Field::kArea) {
      const std::string key = c.field == Field::kFigure ? c.kind : std::to_string(static_cast<int>(c.field));
      auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& p) { return p.first == key; });
      if (it != seen.end()) {
        c.field = Field::kNone;
        c.kind.clear();
        c.why_ignored = "duplicate of column " + std::to_string(it->second + 1);
      } else {
        seen.emplace_back(key, c.index);
      }
    }
    (c.field == Field::kNone ? m.ignored : m.used).push_back(c.Label());
    m.columns.push_back(std::move(c));
  }
  return m;
}

std::string NoFigureMessage(const Mapping& m) {
  std::string seen;
  for (const Column& c : m.columns) {
    if (!c.tag.tagged()) continue;
    if (!seen.empty()) seen += ", ";
    seen += c.tag.ToString();
  }
  std::string need;
  for (const std::string& p : FigurePatterns()) {
    if (!need.empty()) need += ", ";
    need += p;
  }
  return "HXL table without any figure column: tags seen: " + (seen.empty() ? std::string("none") : seen) +
         "; a figure needs one of: " + need;
}

ParsedRow<Displacement> ConvertRow(const Mapping& m, const std::vector<std::string>& cells, std::int64_t line,
                                   const RowOptions& opts) {
  ParsedRow<Displacement> row;
  row.line = line;
  auto problem = [&](const Column* c, std::string reason) {
    row.problems.push_back(
        RowProblem{line, c ? c->index + 1 : 0, c ? FieldName(*c) : std::string(), std::move(reason)});
  };
  auto note = [&](const Column& c, std::string reason) {
    row.notes.push_back(RowProblem{line, c.index + 1, FieldName(c), std::move(reason)});
  };

  // Figures first: a row without any is not an error, whatever else it lacks.
  std::vector<std::pair<std::string, std::int64_t>> figures;
  for (const Column& c : m.columns) {
    if (c.field != Field::kFigure) continue;
    cells::CountCell count = cells::ParseCount(Cell(cells, c.index));
    if (!count.error.empty()) {
      problem(&c, count.error);
      continue;
    }
    if (!count.note.empty()) note(c, count.note);
    if (count.value) figures.emplace_back(c.kind, *count.value);
  }
  if (figures.empty() && row.problems.empty()) return row;

  Displacement d;
  d.dataset = opts.dataset;
  d.cause = opts.default_cause;
  const Column* area = nullptr;
  std::string area_text;
  std::string key;
  bool has_code_column = m.Find(Field::kCountry) != nullptr;
  auto add_key = [&](const std::string& v) {
    if (!key.empty()) key += "|";
    key += v;
  };
  auto date = [&](const Column& c, const std::string& text) -> PartialDate {
    cells::DateCell dc = cells::ParseDate(text);
    if (!dc.error.empty()) problem(&c, dc.error);
    if (!dc.note.empty()) note(c, dc.note);
    return dc.date;
  };
  std::optional<double> lat, lon;
  const Column* lat_col = nullptr;
  for (const Column& c : m.columns) {
    if (c.field == Field::kNone || c.field == Field::kFigure) continue;
    const std::string v = Cell(cells, c.index);
    switch (c.field) {
      case Field::kCountry:
        d.country = UpperAscii(v);
        add_key(v);
        break;
      case Field::kCountryName:
        d.country_name = v;
        if (!has_code_column) add_key(v);
        break;
      case Field::kArea:
        if (!v.empty() && (!area || c.area_rank > area->area_rank)) {
          area = &c;
          area_text = v;
        }
        add_key(v);
        break;
      case Field::kYear:
        if (!v.empty()) {
          auto y = ParseYear(v);
          if (y) {
            d.year = *y;
          } else {
            problem(&c, "not a year: " + v);
          }
        }
        add_key(v);
        break;
      case Field::kDate:
        d.period_start = d.period_end = date(c, v);
        add_key(v);
        break;
      case Field::kDateStart:
        d.period_start = date(c, v);
        add_key(v);
        break;
      case Field::kDateEnd:
        d.period_end = date(c, v);
        add_key(v);
        break;
      case Field::kSource: d.source = v; break;
      case Field::kLatitude:
        lat_col = &c;
        if (!v.empty()) {
          lat = cells::ParseDouble(v);
          if (!lat || *lat < -90 || *lat > 90) {
            note(c, "not a latitude, dropped: " + v);
            lat.reset();
          }
        }
        add_key(v);
        break;
      case Field::kLongitude:
        if (!v.empty()) {
          lon = cells::ParseDouble(v);
          if (!lon || *lon < -180 || *lon > 180) {
            note(c, "not a longitude, dropped: " + v);
            lon.reset();
          }
        }
        add_key(v);
        break;
      case Field::kCauseText: {
        const std::string lower = ToLowerAscii(v);
        if (lower.find("conflict") != std::string::npos) {
          d.cause = DisplacementCause::kConflict;
        } else if (lower.find("disaster") != std::string::npos) {
          d.cause = DisplacementCause::kDisaster;
        }
        break;
      }
      case Field::kEventName:
        d.event_name = v;
        add_key(v);
        break;
      case Field::kEventId: break;  // read below: it replaces the built key
      case Field::kNone:
      case Field::kFigure: break;
    }
  }
  // A latitude without a longitude (or the reverse) is no position.
  if (lat.has_value() != lon.has_value()) {
    if (lat_col) note(*lat_col, "a latitude or longitude alone is no position: dropped");
    lat.reset();
    lon.reset();
  }
  d.latitude = lat;
  d.longitude = lon;
  d.area = area_text;
  if (d.year == 0) {
    if (d.period_start.known()) {
      d.year = d.period_start.year;
    } else if (d.period_end.known()) {
      d.year = d.period_end.year;
    }
  }
  if (d.country.empty() && d.country_name.empty()) {
    const Column* c = m.Find(Field::kCountry);
    if (!c) c = m.Find(Field::kCountryName);
    problem(c,
            c ? "no country: the country cell is blank" : "no country: the file has no #country+code column");
  }
  if (d.year == 0) {
    const Column* c = m.Find(Field::kYear);
    if (!c) c = m.Find(Field::kDateStart);
    if (!c) c = m.Find(Field::kDate);
    if (!c) c = m.Find(Field::kDateEnd);
    problem(c, c ? "no year: the year and date cells are blank" : "no year: the file has no #date column");
  }
  if (row.rejected()) return row;

  if (const Column* id = m.Find(Field::kEventId); id && !Cell(cells, id->index).empty()) {
    key = Cell(cells, id->index);
  }
  for (auto& [kind, value] : figures) {
    Displacement r = d;
    r.kind = kind;
    r.value = value;
    r.source_id = key;
    r.source_id.append("|").append(kind);
    row.records.push_back(std::move(r));
  }
  return row;
}

std::string DatasetForFile(std::string_view filename) {
  std::string_view base = filename;
  if (auto slash = base.find_last_of("/\\"); slash != std::string_view::npos) base.remove_prefix(slash + 1);
  std::string name = ToLowerAscii(base);
  for (std::string_view suffix : {std::string_view(".hxl.csv"), std::string_view(".csv")}) {
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      name.resize(name.size() - suffix.size());
      break;
    }
  }
  for (char& ch : name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) ch = '-';
  }
  if (name.empty()) name = "file";
  return "hxl-" + name;
}

}  // namespace waymark::evidence::hxl
