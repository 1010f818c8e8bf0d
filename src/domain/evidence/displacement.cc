// Displacement files: IDMC's GIDD tables, UNHCR's population table and any
// HXL-tagged CSV (parse.h). Columns are found by name (or by hashtag), never
// by position; each accepted row yields one record per figure it holds.
//
// Decisions on the publishers' quirks (docs/evidence.md lists them):
//   - A blank cell is no figure; 0 is a figure, except an IDMC unrounded 0
//     whose rounded cell is blank: IDMC publishes no headline for it, so it
//     is no figure (no record, a note). This holds for every IDMC raw/rounded
//     pair (conflict and disaster, flow and stock), where it is the only way
//     a rounded cell is blank while the raw one is not.
//   - UNHCR's "-" (not applicable) is no figure, and neither is its 0: the
//     table has a row for every (year, origin, asylum) pair with a cell for
//     each of seven population types, three quarters of them 0 (215,250 of
//     292,502). A 0 adds nothing to any sum and the dataset is published as
//     aggregates only, so storing them would quadruple the table for no
//     answer it could change. A row whose cells are all 0 or "-" has no
//     figure (a note says so).
//   - IDMC's own codes (AB9, XKX) are kept, with a blank name as it is.
//   - Names are trimmed ("Unknown " -> "Unknown").
//   - The UNHCR metadata lines before the header are not rows; the
//     "Usage licence" line is reported as a note on the first data row.
//   - A hashtag row right under a known header (HDX republications of IDMC
//     tables carry one) is not a data row and is skipped.
//   - A row with fewer cells than the header, or non-blank cells beyond it,
//     is rejected: its columns cannot be trusted.
#include <algorithm>
#include <istream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/strings.h"
#include "domain/evidence/cells.h"
#include "domain/evidence/csv.h"
#include "domain/evidence/hxl.h"
#include "domain/evidence/parse.h"

namespace waymark::evidence {

namespace {

// A header is looked for in the first rows only: an unknown file is refused
// without reading it all. UNHCR's header is on line 15.
constexpr int kHeaderScanLimit = 64;

using Cells = std::vector<std::string>;

std::string Norm(std::string_view s) { return ToLowerAscii(cells::Trim(s)); }

enum class Format { kEvents, kConflict, kCountryYear, kFigures, kUnhcr, kHxl };

struct Spec {
  Format format;
  const char* name;
  const char* dataset;
  // The columns without which the format cannot be read (also its
  // signature for "auto"), then those it reads when they are present.
  std::vector<std::string> required;
  std::vector<std::string> optional;
};

// IDMC country-year (2023 edition): figure columns, as (rounded, raw) pairs.
struct CountryYearFigure {
  const char* rounded;
  const char* raw;
  DisplacementCause cause;
  const char* cause_name;
  const char* kind;
};
const CountryYearFigure kCountryYearFigures[] = {
    {"Conflict Stock Displacement", "Conflict Stock Displacement (Raw)", DisplacementCause::kConflict,
     "conflict", "idps"},
    {"Conflict Internal Displacements", "Conflict Internal Displacements (Raw)", DisplacementCause::kConflict,
     "conflict", "new_displacements"},
    {"Disaster Internal Displacements", "Disaster Internal Displacements (Raw)", DisplacementCause::kDisaster,
     "disaster", "new_displacements"},
    {"Disaster Stock Displacement", "Disaster Stock Displacement (Raw)", DisplacementCause::kDisaster,
     "disaster", "idps"},
};

struct UnhcrFigure {
  const char* column;
  const char* kind;
};
const UnhcrFigure kUnhcrFigures[] = {
    {"Refugees under UNHCR's mandate", "refugees"},
    {"Asylum-seekers", "asylum_seekers"},
    {"IDPs of concern to UNHCR", "idps"},
    {"Other people in need of international protection", "other_in_need"},
    {"Stateless persons", "stateless"},
    {"Host Community", "host_community"},
    {"Others of concern", "others_of_concern"},
};

// In the order "auto" tries them: the conflict table's columns are a subset
// of the events table's, so events come first.
const std::vector<Spec>& Specs() {
  static const std::vector<Spec> kSpecs = [] {
    std::vector<Spec> s;
    s.push_back({Format::kFigures,
                 "idmc-figures",
                 "idmc-figures-2023",
                 {"ID", "ISO3", "Year", "Figure cause", "Figure category", "Total figures"},
                 {"Country",
                  "Hazard category",
                  "Hazard sub category",
                  "Hazard type",
                  "Hazard sub type",
                  "Start date",
                  "Start date accuracy",
                  "End date",
                  "End date accuracy",
                  "Stock date",
                  "Stock date accuracy",
                  "Publishers",
                  "Sources",
                  "Event name",
                  "Event start date",
                  "Event start date accuracy",
                  "Event end date",
                  "Event end date accuracy",
                  "Event codes (Code:Type)",
                  "Locations coordinates",
                  "Locations name"}});
    s.push_back(
        {Format::kEvents,
         "idmc-events",
         "idmc-gidd",
         {"iso3", "year", "event_name", "start_date", "new_displacement"},
         {"country_name", "start_date_accuracy", "end_date", "end_date_accuracy", "hazard_category_name",
          "hazard_sub_category_name", "hazard_type_name", "hazard_subtype_name", "new_displacement_rounded",
          "total_displacement", "total_displacement_rounded", "event_codes"}});
    Spec cy{Format::kCountryYear, "idmc-country-year", "idmc-gidd-2023-edition", {"ISO3", "Year"}, {"Name"}};
    for (const auto& f : kCountryYearFigures) {
      cy.required.push_back(f.rounded);
      cy.required.push_back(f.raw);
    }
    s.push_back(std::move(cy));
    Spec un{Format::kUnhcr,
            "unhcr-population",
            "unhcr-population",
            {"Year", "Country of origin (ISO)", "Country of asylum (ISO)", "Refugees under UNHCR's mandate"},
            {"Country of origin", "Country of asylum"}};
    for (const auto& f : kUnhcrFigures) {
      if (std::string(f.column) != "Refugees under UNHCR's mandate") un.optional.push_back(f.column);
    }
    s.push_back(std::move(un));
    s.push_back({Format::kConflict,
                 "idmc-conflict",
                 "idmc-gidd",
                 {"iso3", "year", "new_displacement", "total_displacement"},
                 {"country_name", "new_displacement_rounded", "total_displacement_rounded"}});
    return s;
  }();
  return kSpecs;
}

const Spec* SpecByName(const std::string& name) {
  for (const Spec& s : Specs()) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

// Header names (normalised) -> 0-based column; the first of two equal names wins.
class Columns {
 public:
  Columns() = default;
  explicit Columns(const Cells& header) {
    for (std::size_t i = 0; i < header.size(); ++i) index_.emplace(Norm(header[i]), static_cast<int>(i));
  }
  int Find(std::string_view name) const {
    auto it = index_.find(Norm(name));
    return it == index_.end() ? -1 : it->second;
  }

 private:
  std::unordered_map<std::string, int> index_;
};

std::vector<std::string> Missing(const Spec& spec, const Columns& cols) {
  std::vector<std::string> out;
  for (const std::string& r : spec.required) {
    if (cols.Find(r) < 0) out.push_back(r);
  }
  return out;
}

std::string JoinNames(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += ", ";
    out += "\"" + s + "\"";
  }
  return out;
}

// What a parse is reading: its format and how its columns map.
struct Layout {
  const Spec* spec = nullptr;  // nullptr for HXL
  Cells header;                // the text header (HXL: the hashtag row)
  Columns columns;
  hxl::Mapping hxl;
  std::string dataset;
  std::string licence;  // UNHCR's "Usage licence" metadata line, when seen
  DisplacementCause hxl_cause = DisplacementCause::kOther;
};

FileShape ShapeOf(const Layout& l) {
  FileShape shape;
  shape.format = l.spec ? l.spec->name : "hxl";
  shape.dataset = l.dataset;
  shape.header = l.header;
  if (!l.spec) {
    shape.columns_used = l.hxl.used;
    shape.columns_ignored = l.hxl.ignored;
    return shape;
  }
  std::vector<bool> used(l.header.size(), false);
  for (const auto* list : {&l.spec->required, &l.spec->optional}) {
    for (const std::string& name : *list) {
      const int i = l.columns.Find(name);
      if (i >= 0) used[static_cast<std::size_t>(i)] = true;
    }
  }
  for (std::size_t i = 0; i < l.header.size(); ++i) {
    std::string name = cells::Trim(l.header[i]);
    if (name.empty()) name = "column " + std::to_string(i + 1);
    (used[i] ? shape.columns_used : shape.columns_ignored).push_back(std::move(name));
  }
  return shape;
}

// ---------------------------------------------------------------- one row

// The cells of one row, read by column name, collecting problems and notes.
class Row {
 public:
  Row(const Layout& layout, const Cells& cells, ParsedRow<Displacement>& out)
      : layout_(layout), cells_(cells), out_(out) {}

  int Index(std::string_view name) const { return layout_.columns.Find(name); }
  bool Has(std::string_view name) const { return Index(name) >= 0; }

  std::string Text(std::string_view name) const {
    const int i = Index(name);
    if (i < 0 || static_cast<std::size_t>(i) >= cells_.size()) return "";
    return cells::Trim(cells_[static_cast<std::size_t>(i)]);
  }

  void Problem(std::string_view name, std::string reason) {
    out_.problems.push_back(RowProblem{out_.line, Index(name) + 1, std::string(name), std::move(reason)});
  }
  void Note(std::string_view name, std::string reason) {
    out_.notes.push_back(
        RowProblem{out_.line, name.empty() ? 0 : Index(name) + 1, std::string(name), std::move(reason)});
  }

  std::optional<std::int64_t> Count(std::string_view name) {
    cells::CountCell c = cells::ParseCount(Text(name));
    if (!c.error.empty()) {
      Problem(name, c.error);
      return std::nullopt;
    }
    if (!c.note.empty()) Note(name, c.note);
    return c.value;
  }

  // A required year: blank or not a plausible year rejects the row.
  int Year(std::string_view name) {
    const std::string t = Text(name);
    cells::CountCell c = cells::ParseCount(t);
    if (t.empty()) {
      Problem(name, "no year");
    } else if (!c.error.empty() || !c.note.empty() || !c.value || *c.value < 1800 || *c.value > 2200) {
      Problem(name, "not a year: " + t);
    } else {
      return static_cast<int>(*c.value);
    }
    return 0;
  }

  // A date with IDMC's accuracy column ("Day", "Week", "Month", "Year"):
  // 2008-01-01 with "Month" is 2008-01. Blank accuracy keeps the date as written.
  PartialDate Date(std::string_view name, std::string_view accuracy_name = {}) {
    cells::DateCell d = cells::ParseDate(Text(name));
    if (!d.error.empty()) {
      Problem(name, d.error);
      return {};
    }
    if (!d.note.empty()) Note(name, d.note);
    PartialDate p = d.date;
    if (!p.known() || accuracy_name.empty()) return p;
    const std::string acc = Norm(Text(accuracy_name));
    if (acc.empty()) return p;
    if (acc == "day") {
      if (p.precision == DatePrecision::kDay) return p;
    } else if (acc == "week") {
      if (p.precision == DatePrecision::kDay) p.precision = DatePrecision::kWeek;
      return p;
    } else if (acc == "month") {
      p.day = 0;
      if (p.month != 0) p.precision = DatePrecision::kMonth;
      return p;
    } else if (acc == "year") {
      p.day = 0;
      p.month = 0;
      p.precision = DatePrecision::kYear;
      return p;
    } else {
      Note(accuracy_name,
           "unknown date accuracy \"" + Text(accuracy_name) + "\": the date is kept as written");
    }
    return p;
  }

  // One IDMC figure from its unrounded and rounded columns (either may be
  // absent from the file).
  void AddIdmcFigure(const Displacement& base, const std::string& key, const char* kind, std::string_view raw,
                     std::string_view rounded) {
    std::optional<std::int64_t> value = Has(raw) ? Count(raw) : std::nullopt;
    std::optional<std::int64_t> round = Has(rounded) ? Count(rounded) : std::nullopt;
    if (!value && !round) return;
    if (value && *value == 0 && !round && Has(rounded)) {
      Note(raw,
           std::string(kind) + ": unrounded 0 with a blank rounded value is no figure (IDMC publishes none)");
      return;
    }
    Add(base, key, kind, value, round);
  }

  void Add(const Displacement& base, const std::string& key, const std::string& kind,
           std::optional<std::int64_t> value, std::optional<std::int64_t> rounded = std::nullopt) {
    Displacement d = base;
    d.kind = kind;
    d.value = value;
    d.rounded = rounded;
    d.source_id = key + "|" + kind;
    out_.records.push_back(std::move(d));
  }

  ParsedRow<Displacement>& out() { return out_; }

 private:
  const Layout& layout_;
  const Cells& cells_;
  ParsedRow<Displacement>& out_;
};

// "['FL-2015-000176-BDI', 'FL-2015-000177-BDI']" (a Python list literal), "[]".
std::vector<std::string> PythonListOfStrings(Row& r, std::string_view column) {
  std::string text = r.Text(column);
  std::vector<std::string> out;
  if (text.empty()) return out;
  if (text.front() != '[' || text.back() != ']') {
    r.Note(column, "not a list, read as comma-separated codes: " + text);
    return cells::SplitList(text);
  }
  std::string item;
  char quote = 0;
  auto finish = [&]() {
    std::string t = cells::Trim(item);
    if (!t.empty()) out.push_back(std::move(t));
    item.clear();
  };
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == '\\' && i + 2 < text.size()) {
        item.push_back(text[++i]);
      } else if (c == quote) {
        quote = 0;
      } else {
        item.push_back(c);
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == ',') {
      finish();
    } else {
      item.push_back(c);
    }
  }
  finish();
  return out;
}

void ParseEvents(Row& r) {
  Displacement d;
  d.dataset = "idmc-gidd";
  d.cause = DisplacementCause::kDisaster;
  d.country = r.Text("iso3");
  d.country_name = r.Text("country_name");
  d.year = r.Year("year");
  d.event_name = r.Text("event_name");
  d.event_start = r.Date("start_date", "start_date_accuracy");
  d.event_end = r.Date("end_date", "end_date_accuracy");
  d.hazard_category = r.Text("hazard_category_name");
  d.hazard_sub_category = r.Text("hazard_sub_category_name");
  d.hazard_type = r.Text("hazard_type_name");
  // The sub-type has a numeric code only (its name column is always blank):
  // names, not codes, are stored, so it stays empty until IDMC fills it.
  d.hazard_sub_type = r.Text("hazard_subtype_name");
  d.event_codes = PythonListOfStrings(r, "event_codes");
  if (d.country.empty()) r.Problem("iso3", "no country code");
  if (d.event_name.empty()) r.Problem("event_name", "no event name");
  if (r.Text("start_date").empty()) r.Problem("start_date", "no start date");
  // Dimensions as written (not as parsed), so the key never depends on how
  // a date is read: "PHL|2008|Philippines: Storm - 01/01/2008|2008-01-01".
  const std::string key = d.country + "|" + r.Text("year") + "|" + d.event_name + "|" + r.Text("start_date");
  r.AddIdmcFigure(d, key, "new_displacements", "new_displacement", "new_displacement_rounded");
  r.AddIdmcFigure(d, key, "idps", "total_displacement", "total_displacement_rounded");
}

void ParseConflict(Row& r) {
  Displacement d;
  d.dataset = "idmc-gidd";
  d.cause = DisplacementCause::kConflict;
  d.country = r.Text("iso3");
  d.country_name = r.Text("country_name");
  d.year = r.Year("year");
  if (d.country.empty()) r.Problem("iso3", "no country code");
  const std::string key = d.country + "|" + r.Text("year");
  r.AddIdmcFigure(d, key, "new_displacements", "new_displacement", "new_displacement_rounded");
  r.AddIdmcFigure(d, key, "idps", "total_displacement", "total_displacement_rounded");
}

void ParseCountryYear(Row& r) {
  Displacement d;
  d.dataset = "idmc-gidd-2023-edition";
  d.country = r.Text("ISO3");
  d.country_name = r.Text("Name");
  d.year = r.Year("Year");
  if (d.country.empty()) r.Problem("ISO3", "no country code");
  // Two causes share each kind here, so the cause is part of the key:
  // "AFG|2022|conflict|idps".
  for (const CountryYearFigure& f : kCountryYearFigures) {
    d.cause = f.cause;
    r.AddIdmcFigure(d, d.country + "|" + r.Text("Year") + "|" + f.cause_name, f.kind, f.raw, f.rounded);
  }
}

// "lat, lon; lat, lon" -> the first pair.
void FirstCoordinates(Row& r, std::string_view column, Displacement& d) {
  const std::string text = r.Text(column);
  if (text.empty()) return;
  const std::string first = cells::Trim(std::string_view(text).substr(0, text.find(';')));
  cells::LatLonCell ll = cells::ParseLatLon(first);
  if (!ll.error.empty()) {
    r.Note(column, "coordinates dropped: " + ll.error);
    return;
  }
  d.latitude = ll.latitude;
  d.longitude = ll.longitude;
}

void ParseFigures(Row& r) {
  Displacement d;
  d.dataset = "idmc-figures-2023";
  d.source_id = r.Text("ID");
  if (d.source_id.empty()) r.Problem("ID", "no figure ID");
  d.country = r.Text("ISO3");
  d.country_name = r.Text("Country");
  if (d.country.empty()) r.Problem("ISO3", "no country code");
  d.year = r.Year("Year");
  const std::string cause = Norm(r.Text("Figure cause"));
  if (cause == "conflict") {
    d.cause = DisplacementCause::kConflict;
  } else if (cause == "disaster") {
    d.cause = DisplacementCause::kDisaster;
  } else {
    r.Note("Figure cause", "unknown figure cause \"" + r.Text("Figure cause") + "\": cause other");
  }
  const std::string category = Norm(r.Text("Figure category"));
  std::string kind;
  if (category == "internal displacements") {
    kind = "new_displacements";
    d.period_start = r.Date("Start date", "Start date accuracy");
    d.period_end = r.Date("End date", "End date accuracy");
  } else if (category == "idps") {
    kind = "idps";
    // A stock is counted on a day: the period ends then.
    d.period_end = r.Date("Stock date", "Stock date accuracy");
  } else {
    r.Problem("Figure category", "unknown figure category \"" + r.Text("Figure category") + "\"");
  }
  d.hazard_category = r.Text("Hazard category");
  d.hazard_sub_category = r.Text("Hazard sub category");
  d.hazard_type = r.Text("Hazard type");
  d.hazard_sub_type = r.Text("Hazard sub type");
  d.event_name = r.Text("Event name");
  d.event_start = r.Date("Event start date", "Event start date accuracy");
  d.event_end = r.Date("Event end date", "Event end date accuracy");
  // "FL-2023-000168-LBY:Glide Number; MDRAF007:IFRC Appeal ID": the codes,
  // without their types (the events table gives bare codes too).
  for (const std::string& item : cells::SplitList(r.Text("Event codes (Code:Type)"), ';')) {
    const std::size_t colon = item.rfind(':');
    std::string code = cells::Trim(colon == std::string::npos ? item : item.substr(0, colon));
    if (!code.empty()) d.event_codes.push_back(std::move(code));
  }
  const std::string publishers = r.Text("Publishers");
  const std::string sources = r.Text("Sources");
  d.source = publishers;
  if (!sources.empty() && sources != publishers) d.source += (d.source.empty() ? "" : " / ") + sources;
  FirstCoordinates(r, "Locations coordinates", d);
  const std::string names = r.Text("Locations name");
  d.area = cells::Trim(std::string_view(names).substr(0, names.find(';')));
  // "Total figures" is in people (IDMC multiplied households by their size,
  // so "Household size" and its float noise are not needed).
  std::optional<std::int64_t> total = r.Count("Total figures");
  if (total && !kind.empty()) {
    Displacement rec = d;
    rec.kind = kind;
    rec.value = total;
    r.out().records.push_back(std::move(rec));
  }
}

void ParseUnhcr(Row& r) {
  Displacement d;
  d.dataset = "unhcr-population";
  d.cause = DisplacementCause::kOther;
  d.year = r.Year("Year");
  d.country = r.Text("Country of asylum (ISO)");
  d.country_name = r.Text("Country of asylum");
  d.origin = r.Text("Country of origin (ISO)");
  d.origin_name = r.Text("Country of origin");
  if (d.country.empty()) r.Problem("Country of asylum (ISO)", "no country of asylum");
  if (d.origin.empty()) r.Problem("Country of origin (ISO)", "no country of origin");
  const std::string key = r.Text("Year") + "|" + d.origin + "|" + d.country;
  for (const UnhcrFigure& f : kUnhcrFigures) {
    if (!r.Has(f.column)) continue;
    // "-" (not applicable) is unknown in ParseCount: no record; nor is 0 (above).
    std::optional<std::int64_t> v = r.Count(f.column);
    if (v && *v != 0) r.Add(d, key, f.kind, v);
  }
}

// The row's cells against the header's width. Cells beyond an HXL
// hashtag row are untagged columns, which HXL allows.
void CheckWidth(const Layout& l, const Cells& cells, ParsedRow<Displacement>& row) {
  const std::size_t want = l.header.size();
  if (cells.size() < want) {
    row.problems.push_back(RowProblem{
        row.line, static_cast<int>(cells.size()), "",
        "the row has " + std::to_string(cells.size()) + " cells, the header " + std::to_string(want)});
    return;
  }
  if (!l.spec) return;
  for (std::size_t i = want; i < cells.size(); ++i) {
    if (!cells::Trim(cells[i]).empty()) {
      row.problems.push_back(RowProblem{row.line, static_cast<int>(i + 1), "",
                                        "a cell beyond the header's " + std::to_string(want) + " columns"});
      return;
    }
  }
}

ParsedRow<Displacement> ConvertRow(const Layout& l, const Cells& cells, std::int64_t line, std::string raw) {
  ParsedRow<Displacement> row;
  if (!l.spec) {
    hxl::RowOptions o;
    o.dataset = l.dataset;
    o.default_cause = l.hxl_cause;
    row = hxl::ConvertRow(l.hxl, cells, line, o);
  }
  row.line = line;
  row.raw = std::move(raw);
  CheckWidth(l, cells, row);
  if (l.spec && !row.rejected()) {
    Row r(l, cells, row);
    switch (l.spec->format) {
      case Format::kEvents: ParseEvents(r); break;
      case Format::kConflict: ParseConflict(r); break;
      case Format::kCountryYear: ParseCountryYear(r); break;
      case Format::kFigures: ParseFigures(r); break;
      case Format::kUnhcr: ParseUnhcr(r); break;
      case Format::kHxl: break;
    }
  }
  // A rejected row stores nothing: its records would be partial.
  if (row.rejected()) row.records.clear();
  return row;
}

Status Unknown(const std::string& format) {
  std::string all;
  for (const std::string& f : DisplacementFormats()) all += (all.empty() ? "" : ", ") + f;
  return Status::InvalidArgument("unknown displacement format \"" + format + "\" (auto, " + all + ")");
}

// Builds the layout for `format` from a header (HXL: the hashtag row), or
// says why it cannot.
Result<Layout> LayoutFor(const std::string& format, const Cells& header, const ParseOptions& opts) {
  Layout l;
  l.header = header;
  if (format == "hxl") {
    if (!hxl::IsHashtagRow(header)) return Status::InvalidArgument("line 1: not an HXL hashtag row");
    l.hxl = hxl::MapColumns({}, header);
    l.dataset = hxl::DatasetForFile(opts.filename);
    return l;
  }
  const Spec* spec = SpecByName(format);
  if (!spec) return Unknown(format);
  l.spec = spec;
  l.columns = Columns(header);
  l.dataset = spec->dataset;
  if (auto missing = Missing(*spec, l.columns); !missing.empty()) {
    return Status::InvalidArgument("not an " + format + " header: missing columns " + JoinNames(missing));
  }
  return l;
}

}  // namespace

const std::vector<std::string>& DisplacementFormats() {
  static const std::vector<std::string> kFormats = {"idmc-events",  "idmc-conflict",    "idmc-country-year",
                                                    "idmc-figures", "unhcr-population", "hxl"};
  return kFormats;
}

Result<FileShape> ParseDisplacement(std::istream& in, const ParseOptions& opts,
                                    const RowSink<Displacement>& sink) {
  const std::string& want = opts.format;
  const bool is_auto = want == "auto" || want.empty();
  const Spec* wanted = nullptr;
  if (!is_auto && want != "hxl") {
    wanted = SpecByName(want);
    if (!wanted) return Unknown(want);
  }

  CsvReader reader(in);
  CsvRecord rec;
  std::optional<CsvRecord> previous;
  Layout layout;
  bool found = false;
  std::string licence;
  // For the refusal of an explicit format: the row that came closest.
  std::vector<std::string> fewest_missing;
  std::int64_t fewest_line = 0;
  std::int64_t rows_scanned = 0;
  for (int n = 0; n < kHeaderScanLimit && !found; ++n) {
    WM_ASSIGN_OR_RETURN(bool more, reader.Next(rec));
    if (!more) break;
    ++rows_scanned;
    if (rec.fields.size() >= 2 && Norm(rec.fields[0]) == "usage licence")
      licence = cells::Trim(rec.fields[1]);
    const Columns cols(rec.fields);
    for (const Spec& s : Specs()) {
      if (!is_auto && &s != wanted) continue;
      std::vector<std::string> missing = Missing(s, cols);
      if (missing.empty()) {
        layout.spec = &s;
        layout.header = rec.fields;
        layout.columns = cols;
        layout.dataset = s.dataset;
        found = true;
        break;
      }
      if (fewest_line == 0 || missing.size() < fewest_missing.size()) {
        fewest_missing = std::move(missing);
        fewest_line = rec.line;
      }
    }
    if (!found && (is_auto || want == "hxl") && hxl::IsHashtagRow(rec.fields)) {
      // The text header is the row above, when there is one (the HXL
      // standard's own tables start with the hashtag row).
      layout.header = rec.fields;
      layout.hxl = hxl::MapColumns(previous ? previous->fields : Cells{}, rec.fields);
      layout.dataset = hxl::DatasetForFile(opts.filename);
      found = true;
      if (!layout.hxl.has_figure()) {
        return Status::InvalidArgument("line " + std::to_string(rec.line) + ": " +
                                       hxl::NoFigureMessage(layout.hxl));
      }
    }
    previous = rec;
  }
  if (!found) {
    const std::string scanned = "in the first " + std::to_string(rows_scanned) + " rows";
    if (rows_scanned == 0) return Status::InvalidArgument("line 1, column 1: the file is empty");
    if (want == "hxl") {
      return Status::InvalidArgument("line 1, column 1: no HXL hashtag row (every non-blank cell a #tag) " +
                                     scanned);
    }
    if (wanted) {
      return Status::InvalidArgument("line " + std::to_string(fewest_line) + ", column 1: not an " + want +
                                     " file: missing columns " + JoinNames(fewest_missing) + " (no header " +
                                     scanned + " has them all)");
    }
    std::string all;
    for (const std::string& f : DisplacementFormats()) all += (all.empty() ? "" : ", ") + f;
    return Status::InvalidArgument("line 1, column 1: no known displacement header " + scanned +
                                   " (formats: " + all + ")");
  }
  layout.licence = licence;
  layout.hxl_cause = opts.hxl_cause;

  const FileShape shape = ShapeOf(layout);
  if (sink.on_shape) WM_RETURN_IF_ERROR(sink.on_shape(shape));

  bool first = true;
  bool licence_noted = false;
  for (;;) {
    CsvRecord r;
    Result<bool> more = reader.Next(r);
    if (!more.ok()) {
      // An unreadable record is a rejected row; the reader goes on after it.
      ParsedRow<Displacement> row;
      row.line = r.line;
      row.raw = r.raw;
      row.problems.push_back(RowProblem{r.line, 0, "", more.status().message()});
      first = false;
      if (sink.on_row) WM_RETURN_IF_ERROR(sink.on_row(std::move(row)));
      continue;
    }
    if (!more.value()) break;
    // HDX republications put a hashtag row under the text header.
    if (first && layout.spec && hxl::IsHashtagRow(r.fields)) {
      first = false;
      continue;
    }
    first = false;
    ParsedRow<Displacement> row = ConvertRow(layout, r.fields, r.line, std::move(r.raw));
    if (!licence_noted && !layout.licence.empty()) {
      licence_noted = true;
      row.notes.push_back(RowProblem{row.line, 0, "", "the file's usage licence: " + layout.licence});
    }
    if (sink.on_row) WM_RETURN_IF_ERROR(sink.on_row(std::move(row)));
  }
  return shape;
}

ParsedRow<Displacement> ReparseDisplacement(const std::string& format, const std::vector<std::string>& header,
                                            const std::string& raw, std::int64_t line) {
  ParseOptions opts;
  Result<Layout> layout = LayoutFor(format, header, opts);
  ParsedRow<Displacement> row;
  row.line = line;
  row.raw = raw;
  if (!layout.ok()) {
    row.problems.push_back(RowProblem{line, 0, "", layout.status().message()});
    return row;
  }
  // The dataset of an HXL file comes from its name, which a lone row does
  // not have: the caller sets it from the quarantined row.
  if (!layout->spec) layout->dataset.clear();
  Result<Cells> cells = SplitCsvLine(raw);
  if (!cells.ok()) {
    row.problems.push_back(RowProblem{line, 0, "", cells.status().message()});
    return row;
  }
  return ConvertRow(layout.value(), cells.value(), line, raw);
}

}  // namespace waymark::evidence
