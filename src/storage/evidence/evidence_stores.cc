#include "storage/evidence/evidence_stores.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "storage/store_util.h"

namespace waymark::storage {
namespace {

using evidence::Batch;
using evidence::Cause;
using evidence::DatePrecision;
using evidence::Displacement;
using evidence::DisplacementCause;
using evidence::DisplacementFilter;
using evidence::Id;
using evidence::ImportTarget;
using evidence::Incident;
using evidence::IncidentFilter;
using evidence::IncidentKind;
using evidence::Origin;
using evidence::PartialDate;
using evidence::QuarantinedRow;
using evidence::RowOutcome;
using evidence::RowProblem;
using evidence::SavedQuery;
using evidence::StatsRow;
using evidence::StatsTable;
using internal::Bool;
using internal::IdOrNull;
using internal::InBatches;
using internal::IsForeignKeyViolation;
using internal::kInBuckets;
using internal::MapRows;
using internal::NotFoundAs;
using internal::OptId;
using internal::Placeholders;
using internal::ReadSnapshot;
using sql::Connection;
using sql::Row;
using Revision = evidence::EvidenceStore::Revision;
using Facet = evidence::EvidenceStore::Facet;

constexpr int kMaxPage = 1000;
constexpr std::size_t kKeptDryRuns = 16;
// An arbitrary constant that, with a dataset's hash, names the PostgreSQL
// advisory lock that serialises writers of one dataset's records.
constexpr std::int64_t kImportLockBase = 0x45766964LL << 32;  // "Evid"

// ---------------------------------------------------------------- encodings

// List fields are stored as text: each element escaped (backslash, newline,
// tab) and followed by a newline, so an empty list is "" and [""] is "\n".
std::string Escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char next = s[++i];
      out += next == 'n' ? '\n' : next == 't' ? '\t' : next;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The raw (still escaped) lines of an encoded list.
std::vector<std::string_view> Lines(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find('\n', start);
    if (end == std::string_view::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// A line's tab-separated (still escaped) fields.
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t end = line.find('\t', start);
    if (end == std::string_view::npos) {
      out.push_back(line.substr(start));
      return out;
    }
    out.push_back(line.substr(start, end - start));
    start = end + 1;
  }
}

std::string EncodeList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += Escape(s) + "\n";
  return out;
}

std::vector<std::string> DecodeList(std::string_view s) {
  std::vector<std::string> out;
  for (auto line : Lines(s)) out.push_back(Unescape(line));
  return out;
}

std::string EncodeOrigins(const std::vector<Origin>& items) {
  std::string out;
  for (const auto& o : items) out += Escape(o.name) + (o.presumed ? "\t1\n" : "\t0\n");
  return out;
}

std::vector<Origin> DecodeOrigins(std::string_view s) {
  std::vector<Origin> out;
  for (auto line : Lines(s)) {
    auto f = Fields(line);
    Origin o;
    o.name = Unescape(f[0]);
    o.presumed = f.size() > 1 && f[1] == "1";
    out.push_back(std::move(o));
  }
  return out;
}

std::int64_t ParseInt(std::string_view s) {
  std::int64_t out = 0;
  std::from_chars(s.data(), s.data() + s.size(), out);
  return out;
}

template <typename T>
std::string EncodeInts(const std::vector<T>& items) {
  std::string out;
  for (const auto& v : items) {
    if (!out.empty()) out += ',';
    out += std::to_string(static_cast<std::int64_t>(v));
  }
  return out;
}

std::vector<std::int64_t> DecodeInts(std::string_view s) {
  std::vector<std::int64_t> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find(',', start);
    if (end == std::string_view::npos) end = s.size();
    out.push_back(ParseInt(s.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

std::string EncodeProblems(const std::vector<RowProblem>& problems) {
  std::string out;
  for (const auto& p : problems) {
    out += std::to_string(p.line) + "\t" + std::to_string(p.column) + "\t" + Escape(p.field) + "\t" +
           Escape(p.reason) + "\n";
  }
  return out;
}

std::vector<RowProblem> DecodeProblems(std::string_view s) {
  std::vector<RowProblem> out;
  for (auto line : Lines(s)) {
    auto f = Fields(line);
    RowProblem p;
    if (f.size() > 0) p.line = ParseInt(f[0]);
    if (f.size() > 1) p.column = static_cast<int>(ParseInt(f[1]));
    if (f.size() > 2) p.field = Unescape(f[2]);
    if (f.size() > 3) p.reason = Unescape(f[3]);
    out.push_back(std::move(p));
  }
  return out;
}

// "year,month,day,precision" (precision as its enumerator's number).
std::string EncodeDate(const PartialDate& d) {
  return std::to_string(d.year) + "," + std::to_string(d.month) + "," + std::to_string(d.day) + "," +
         std::to_string(static_cast<int>(d.precision));
}

PartialDate DecodeDate(std::string_view s) {
  auto v = DecodeInts(s);
  v.resize(4, 0);
  PartialDate d;
  d.year = static_cast<int>(v[0]);
  d.month = static_cast<int>(v[1]);
  d.day = static_cast<int>(v[2]);
  d.precision = static_cast<DatePrecision>(std::clamp<std::int64_t>(v[3], 0, 4));
  return d;
}

DatePrecision PrecisionFromName(const std::string& name) {
  for (auto p : {DatePrecision::kUnknown, DatePrecision::kYear, DatePrecision::kMonth, DatePrecision::kWeek,
                 DatePrecision::kDay}) {
    if (name == evidence::DatePrecisionName(p)) return p;
  }
  return DatePrecision::kUnknown;
}

IncidentKind KindFromName(const std::string& name) {
  for (auto k : {IncidentKind::kIncident, IncidentKind::kSplit, IncidentKind::kCumulative}) {
    if (name == evidence::IncidentKindName(k)) return k;
  }
  return IncidentKind::kIncident;
}

DisplacementCause DisplacementCauseFromName(const std::string& name) {
  for (auto c : {DisplacementCause::kConflict, DisplacementCause::kDisaster, DisplacementCause::kOther}) {
    if (name == evidence::DisplacementCauseName(c)) return c;
  }
  return DisplacementCause::kOther;
}

ImportTarget TargetFromName(const std::string& name) {
  return name == evidence::ImportTargetName(ImportTarget::kDisplacement) ? ImportTarget::kDisplacement
                                                                         : ImportTarget::kIncidents;
}

sql::Value OptDouble(const std::optional<double>& v) { return v ? sql::Value(*v) : sql::Value(sql::Null{}); }

// A DOUBLE PRECISION column: SQLite hands back a double, PostgreSQL its text.
std::optional<double> ReadDouble(const Row& r, std::size_t i) {
  const sql::Value& v = r.Get(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) {
    double out = 0;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return std::nullopt;
}

std::int64_t CauseMask(const std::vector<Cause>& causes) {
  std::int64_t mask = 0;
  for (Cause c : causes) mask |= std::int64_t{1} << static_cast<int>(c);
  return mask;
}

// 32-bit FNV-1a: the same on every build, unlike std::hash.
std::int64_t StableHash(const std::string& s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 16777619u;
  }
  return static_cast<std::int64_t>(h);
}

// On PostgreSQL, one writer of a dataset's records at a time (SQLite's
// BEGIN IMMEDIATE already serialises writers).
Status LockDataset(Connection& c, const std::string& table, const std::string& dataset) {
  if (c.dialect() != sql::Dialect::kPostgres) return Status::Ok();
  return c.Query("SELECT pg_advisory_xact_lock($1)", {kImportLockBase | StableHash(table + "\n" + dataset)})
      .status();
}

// Text values of an IN list cut into batches of bucket sizes (padded by
// repeating the last value), like internal::InBatches for ids.
std::vector<std::vector<std::string>> TextBatches(const std::vector<std::string>& values) {
  std::vector<std::vector<std::string>> out;
  constexpr std::size_t kMax = kInBuckets[std::size(kInBuckets) - 1];
  for (std::size_t i = 0; i < values.size(); i += kMax) {
    std::vector<std::string> batch(
        values.begin() + static_cast<std::ptrdiff_t>(i),
        values.begin() + static_cast<std::ptrdiff_t>(std::min(values.size(), i + kMax)));
    std::size_t size = kMax;
    for (std::size_t b : kInBuckets) {
      if (b >= batch.size()) {
        size = b;
        break;
      }
    }
    while (batch.size() < size) batch.push_back(batch.back());
    out.push_back(std::move(batch));
  }
  return out;
}

// Writes `rows` (each `width` values) with `head` VALUES (...), (...) `tail`,
// in statements of 64, 16, 4 or 1 rows: few statement shapes to prepare,
// and on PostgreSQL a round trip per statement rather than per row.
Status WriteRows(Connection& c, const std::string& head, const std::string& tail, std::size_t width,
                 std::vector<sql::Params>& rows) {
  for (std::size_t i = 0; i < rows.size();) {
    std::size_t n = 1;
    for (std::size_t b : {64, 16, 4}) {
      if (rows.size() - i >= b) {
        n = b;
        break;
      }
    }
    std::string stmt = head + " VALUES ";
    sql::Params params;
    params.reserve(n * width);
    for (std::size_t k = 0; k < n; ++k) {
      stmt += (k == 0 ? "(" : ", (") + Placeholders(params.size() + 1, width) + ")";
      for (auto& v : rows[i + k]) params.push_back(std::move(v));
    }
    WM_RETURN_IF_ERROR(c.Execute(stmt + tail, params).status());
    i += n;
  }
  return Status::Ok();
}

int ClampLimit(int limit) { return std::clamp(limit, 0, kMaxPage); }

// Appends a parameter and returns its placeholder.
struct ParamList {
  sql::Params params;
  std::string Add(sql::Value v) {
    params.push_back(std::move(v));
    return "$" + std::to_string(params.size());
  }
};

// A key cell of a result row as text (years and months are integers).
std::string KeyText(const Row& r, std::size_t i) { return r.Text(i); }

bool IsNumericDimension(const std::string& dim) { return dim == "year" || dim == "month"; }

// Orders rows by their keys: numeric dimensions numerically, the others by
// their bytes (the same on both backends, whatever the database collation).
void SortRows(std::vector<StatsRow>& rows, const std::vector<std::string>& dims) {
  std::sort(rows.begin(), rows.end(), [&](const StatsRow& a, const StatsRow& b) {
    for (std::size_t k = 0; k < dims.size(); ++k) {
      if (a.keys[k] == b.keys[k]) continue;
      if (IsNumericDimension(dims[k])) return ParseInt(a.keys[k]) < ParseInt(b.keys[k]);
      return a.keys[k] < b.keys[k];
    }
    return false;
  });
}

void SortFacets(std::vector<Facet>& facets) {
  std::sort(facets.begin(), facets.end(), [](const Facet& a, const Facet& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.value < b.value;
  });
}

std::vector<Facet> FacetsFromRows(const std::vector<Row>& rows) {
  std::vector<Facet> out = MapRows(rows, [](const Row& r) { return Facet{r.Text(0), r.Int(1)}; });
  SortFacets(out);
  return out;
}

// ---------------------------------------------------------------- incidents

// The columns a record is written to, in the order IncidentParams gives them.
constexpr char kIncidentColumns[] =
    "dataset, source_id, part, incident_ids, kind, also_split, date_text, date_year, date_month, date_day, "
    "date_precision, year_given, month_given, year, month, region, regions, country, country_code, location, "
    "latitude, longitude, route, unsd_grouping, dead, missing, total, survivors, females, males, children, "
    "causes, cause_list, cause_text, countries_of_origin, regions_of_origin, information_source, urls, "
    "source_quality";
constexpr std::size_t kIncidentColumnCount = 39;

// The year and month filters and aggregates use: the publisher's columns,
// else the date's.
std::pair<int, int> StatYearMonth(const Incident& r) {
  int year = r.year != 0 ? r.year : r.date.year;
  int month = r.month != 0 ? r.month : (r.date.year == year ? r.date.month : 0);
  return {year, month};
}

sql::Params IncidentParams(const Incident& r, int part) {
  auto [year, month] = StatYearMonth(r);
  sql::Params p;
  p.reserve(kIncidentColumnCount + 5);
  p.emplace_back(r.dataset);
  p.emplace_back(r.source_id);
  p.emplace_back(static_cast<std::int64_t>(part));
  p.emplace_back(EncodeList(r.incident_ids));
  p.emplace_back(std::string(evidence::IncidentKindName(r.kind)));
  p.emplace_back(Bool(r.also_split));
  p.emplace_back(r.date.ToString());
  p.emplace_back(static_cast<std::int64_t>(r.date.year));
  p.emplace_back(static_cast<std::int64_t>(r.date.month));
  p.emplace_back(static_cast<std::int64_t>(r.date.day));
  p.emplace_back(std::string(evidence::DatePrecisionName(r.date.precision)));
  p.emplace_back(static_cast<std::int64_t>(r.year));
  p.emplace_back(static_cast<std::int64_t>(r.month));
  p.emplace_back(static_cast<std::int64_t>(year));
  p.emplace_back(static_cast<std::int64_t>(month));
  p.emplace_back(r.regions.empty() ? std::string() : r.regions.front());
  p.emplace_back(EncodeList(r.regions));
  p.emplace_back(r.country);
  p.emplace_back(r.country_code);
  p.emplace_back(r.location);
  p.emplace_back(OptDouble(r.latitude));
  p.emplace_back(OptDouble(r.longitude));
  p.emplace_back(r.route);
  p.emplace_back(r.unsd_grouping);
  p.emplace_back(OptId(r.dead));
  p.emplace_back(OptId(r.missing));
  p.emplace_back(OptId(r.total));
  p.emplace_back(OptId(r.survivors));
  p.emplace_back(OptId(r.females));
  p.emplace_back(OptId(r.males));
  p.emplace_back(OptId(r.children));
  p.emplace_back(CauseMask(r.causes));
  p.emplace_back(EncodeInts(r.causes));
  p.emplace_back(r.cause_text);
  p.emplace_back(EncodeOrigins(r.countries_of_origin));
  p.emplace_back(EncodeOrigins(r.regions_of_origin));
  p.emplace_back(r.information_source);
  p.emplace_back(EncodeList(r.urls));
  p.emplace_back(EncodeInts(r.source_quality));
  return p;
}

// id, the columns, version, batch_id.
const std::string& IncidentSelect() {
  static const std::string s = [] {
    std::string cols = kIncidentColumns;
    std::string out;
    std::size_t start = 0;
    out = "i.id";
    while (start < cols.size()) {
      std::size_t end = cols.find(", ", start);
      if (end == std::string::npos) end = cols.size();
      out += ", i." + cols.substr(start, end - start);
      start = end + 2;
    }
    return out + ", i.version, i.batch_id";
  }();
  return s;
}

Incident IncidentFromRow(const Row& r) {
  Incident i;
  i.id = r.Int(0);
  i.dataset = r.Text(1);
  i.source_id = r.Text(2);
  i.part = static_cast<int>(r.Int(3));
  i.incident_ids = DecodeList(r.Text(4));
  i.kind = KindFromName(r.Text(5));
  i.also_split = r.Bool(6);
  // 7: date_text, derived from the date.
  i.date.year = static_cast<int>(r.Int(8));
  i.date.month = static_cast<int>(r.Int(9));
  i.date.day = static_cast<int>(r.Int(10));
  i.date.precision = PrecisionFromName(r.Text(11));
  i.year = static_cast<int>(r.Int(12));
  i.month = static_cast<int>(r.Int(13));
  // 14, 15: year and month as filtered; 16: first region.
  i.regions = DecodeList(r.Text(17));
  i.country = r.Text(18);
  i.country_code = r.Text(19);
  i.location = r.Text(20);
  i.latitude = ReadDouble(r, 21);
  i.longitude = ReadDouble(r, 22);
  i.route = r.Text(23);
  i.unsd_grouping = r.Text(24);
  i.dead = r.OptInt(25);
  i.missing = r.OptInt(26);
  i.total = r.OptInt(27);
  i.survivors = r.OptInt(28);
  i.females = r.OptInt(29);
  i.males = r.OptInt(30);
  i.children = r.OptInt(31);
  // 32: the causes' bitmask.
  for (std::int64_t c : DecodeInts(r.Text(33))) i.causes.push_back(static_cast<Cause>(c));
  i.cause_text = r.Text(34);
  i.countries_of_origin = DecodeOrigins(r.Text(35));
  i.regions_of_origin = DecodeOrigins(r.Text(36));
  i.information_source = r.Text(37);
  i.urls = DecodeList(r.Text(38));
  for (std::int64_t q : DecodeInts(r.Text(39))) i.source_quality.push_back(static_cast<int>(q));
  i.version = r.Int(40);
  i.batch_id = r.Int(41);
  return i;
}

// The WHERE conditions of an incident filter on a table with the columns
// dataset, year, month, region, country, route and causes (the incidents,
// or their cells), aliased `a`.
std::string IncidentWhere(const IncidentFilter& f, const std::string& a, ParamList& p) {
  std::string where = " WHERE 1=1";
  if (!f.dataset.empty()) where += " AND " + a + ".dataset=" + p.Add(f.dataset);
  if (!f.region.empty()) where += " AND " + a + ".region=" + p.Add(f.region);
  if (!f.country.empty()) where += " AND " + a + ".country=" + p.Add(f.country);
  if (!f.route.empty()) where += " AND " + a + ".route=" + p.Add(f.route);
  if (f.cause) {
    where += " AND (" + a + ".causes & " + p.Add(std::int64_t{1} << static_cast<int>(*f.cause)) + ") <> 0";
  }
  // By year and month; an unknown year is outside any range, and so is an
  // unknown month of a range's month-bounded end year.
  if (f.from.known() || f.to.known()) where += " AND " + a + ".year <> 0";
  if (f.from.known()) {
    std::string y = p.Add(static_cast<std::int64_t>(f.from.year));
    if (f.from.month >= 1 && f.from.month <= 12) {
      std::string m = p.Add(static_cast<std::int64_t>(f.from.month));
      where += " AND (" + a + ".year > " + y + " OR (" + a + ".year = " + y + " AND " + a + ".month >= " + m +
               "))";
    } else {
      where += " AND " + a + ".year >= " + y;
    }
  }
  if (f.to.known()) {
    std::string y = p.Add(static_cast<std::int64_t>(f.to.year));
    if (f.to.month >= 1 && f.to.month <= 12) {
      std::string m = p.Add(static_cast<std::int64_t>(f.to.month));
      where += " AND (" + a + ".year < " + y + " OR (" + a + ".year = " + y + " AND " + a +
               ".month >= 1 AND " + a + ".month <= " + m + "))";
    } else {
      where += " AND " + a + ".year <= " + y;
    }
  }
  return where;
}

// One cell of the incident aggregates and what a record adds to it.
using CellKey = std::tuple<std::string, std::int64_t, std::int64_t, std::string, std::string, std::string,
                           std::int64_t>;  // dataset, year, month, region, country, route, causes
struct CellSums {
  std::int64_t incidents = 0, dead = 0, missing = 0, total = 0;
  bool zero() const { return incidents == 0 && dead == 0 && missing == 0 && total == 0; }
};

std::pair<CellKey, CellSums> CellOf(const Incident& r) {
  auto [year, month] = StatYearMonth(r);
  CellKey key{r.dataset,
              year,
              month,
              r.regions.empty() ? std::string() : r.regions.front(),
              r.country,
              r.route,
              CauseMask(r.causes)};
  return {key, CellSums{1, r.dead.value_or(0), r.missing.value_or(0), r.total.value_or(0)}};
}

void AddCell(std::map<CellKey, CellSums>& deltas, const CellKey& key, const CellSums& sums, int sign) {
  CellSums& d = deltas[key];
  d.incidents += sign * sums.incidents;
  d.dead += sign * sums.dead;
  d.missing += sign * sums.missing;
  d.total += sign * sums.total;
}

Status ApplyCellDeltas(Connection& c, const std::map<CellKey, CellSums>& deltas) {
  std::vector<sql::Params> rows;
  std::vector<const CellKey*> emptied;
  for (const auto& [key, d] : deltas) {
    if (d.zero()) continue;
    const auto& [dataset, year, month, region, country, route, causes] = key;
    rows.push_back(
        {dataset, year, month, region, country, route, causes, d.incidents, d.dead, d.missing, d.total});
    if (d.incidents < 0) emptied.push_back(&key);
  }
  WM_RETURN_IF_ERROR(
      WriteRows(c,
                "INSERT INTO evidence_incident_cells(dataset, year, month, region, country, "
                "route, causes, incidents, dead, missing, total)",
                " ON CONFLICT (dataset, year, month, region, country, route, causes) DO UPDATE "
                "SET incidents = evidence_incident_cells.incidents + excluded.incidents, "
                "dead = evidence_incident_cells.dead + excluded.dead, "
                "missing = evidence_incident_cells.missing + excluded.missing, "
                "total = evidence_incident_cells.total + excluded.total",
                11, rows));
  for (const CellKey* key : emptied) {
    const auto& [dataset, year, month, region, country, route, causes] = *key;
    WM_RETURN_IF_ERROR(
        c.Execute("DELETE FROM evidence_incident_cells WHERE dataset=$1 AND year=$2 AND month=$3 "
                  "AND region=$4 AND country=$5 AND route=$6 AND causes=$7 AND incidents <= 0",
                  {dataset, year, month, region, country, route, causes})
            .status());
  }
  return Status::Ok();
}

// One cell of the displacement aggregates (evidence_displacement_cells)
// and what a record adds to it.
using DisplacementCellKey = std::tuple<std::string, std::int64_t, std::string, std::string, std::string,
                                       std::string>;  // dataset, year, country, cause, hazard_type, kind
struct DisplacementCellSums {
  std::int64_t records = 0, value = 0;
  bool zero() const { return records == 0 && value == 0; }
};

std::pair<DisplacementCellKey, DisplacementCellSums> DisplacementCellOf(const Displacement& d) {
  DisplacementCellKey key{d.dataset,     d.year,
                          d.country,     std::string(evidence::DisplacementCauseName(d.cause)),
                          d.hazard_type, d.kind};
  return {key, DisplacementCellSums{1, d.value.value_or(0)}};
}

void AddCell(std::map<DisplacementCellKey, DisplacementCellSums>& deltas, const DisplacementCellKey& key,
             const DisplacementCellSums& sums, int sign) {
  DisplacementCellSums& d = deltas[key];
  d.records += sign * sums.records;
  d.value += sign * sums.value;
}

Status ApplyCellDeltas(Connection& c, const std::map<DisplacementCellKey, DisplacementCellSums>& deltas) {
  std::vector<sql::Params> rows;
  std::vector<const DisplacementCellKey*> emptied;
  for (const auto& [key, d] : deltas) {
    if (d.zero()) continue;
    const auto& [dataset, year, country, cause, hazard_type, kind] = key;
    rows.push_back({dataset, year, country, cause, hazard_type, kind, d.records, d.value});
    if (d.records < 0) emptied.push_back(&key);
  }
  WM_RETURN_IF_ERROR(WriteRows(c,
                               "INSERT INTO evidence_displacement_cells(dataset, year, country, cause, "
                               "hazard_type, kind, records, value)",
                               " ON CONFLICT (dataset, kind, year, country, cause, hazard_type) DO UPDATE "
                               "SET records = evidence_displacement_cells.records + excluded.records, "
                               "value = evidence_displacement_cells.value + excluded.value",
                               8, rows));
  for (const DisplacementCellKey* key : emptied) {
    const auto& [dataset, year, country, cause, hazard_type, kind] = *key;
    WM_RETURN_IF_ERROR(
        c.Execute("DELETE FROM evidence_displacement_cells WHERE dataset=$1 AND kind=$2 AND year=$3 "
                  "AND country=$4 AND cause=$5 AND hazard_type=$6 AND records <= 0",
                  {dataset, kind, year, country, cause, hazard_type})
            .status());
  }
  return Status::Ok();
}

// Sets last_batch_id on records a batch wrote unchanged.
Status TouchRecords(Connection& c, const std::string& table, Id batch_id, const std::vector<Id>& ids) {
  for (const auto& batch : InBatches(ids)) {
    sql::Params params{batch_id};
    for (Id id : batch) params.emplace_back(id);
    WM_RETURN_IF_ERROR(c.Execute("UPDATE " + table + " SET last_batch_id=$1 WHERE id IN (" +
                                     Placeholders(2, batch.size()) + ")",
                                 params)
                           .status());
  }
  return Status::Ok();
}

// The distinct (dataset, source_id) pairs of a chunk, grouped by dataset.
template <typename Record>
std::map<std::string, std::vector<std::string>> SourceIdsByDataset(const std::vector<Record>& records) {
  std::map<std::string, std::vector<std::string>> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& r : records) {
    if (seen.emplace(r.dataset, r.source_id).second) out[r.dataset].push_back(r.source_id);
  }
  return out;
}

std::string CountKey(const std::string& target, const std::string& dataset, const std::string& source_id) {
  return target + "\n" + dataset + "\n" + source_id;
}

Status CheckBatch(Connection& c, Id batch_id) {
  auto row = c.QueryOne("SELECT 1 FROM evidence_batches WHERE id=$1", {batch_id});
  return row.ok() ? Status::Ok() : NotFoundAs(row.status(), "no batch " + std::to_string(batch_id));
}

// ---------------------------------------------------------------- displacement

constexpr char kDisplacementColumns[] =
    "dataset, source_id, part, country, country_name, origin, origin_name, area, year, period_start, "
    "period_end, "
    "cause, hazard_category, hazard_sub_category, hazard_type, hazard_sub_type, event_name, event_start, "
    "event_end, event_codes, kind, value, rounded, source, latitude, longitude";
constexpr std::size_t kDisplacementColumnCount = 26;

sql::Params DisplacementParams(const Displacement& d, int part) {
  sql::Params p;
  p.reserve(kDisplacementColumnCount + 5);
  p.emplace_back(d.dataset);
  p.emplace_back(d.source_id);
  p.emplace_back(static_cast<std::int64_t>(part));
  p.emplace_back(d.country);
  p.emplace_back(d.country_name);
  p.emplace_back(d.origin);
  p.emplace_back(d.origin_name);
  p.emplace_back(d.area);
  p.emplace_back(static_cast<std::int64_t>(d.year));
  p.emplace_back(EncodeDate(d.period_start));
  p.emplace_back(EncodeDate(d.period_end));
  p.emplace_back(std::string(evidence::DisplacementCauseName(d.cause)));
  p.emplace_back(d.hazard_category);
  p.emplace_back(d.hazard_sub_category);
  p.emplace_back(d.hazard_type);
  p.emplace_back(d.hazard_sub_type);
  p.emplace_back(d.event_name);
  p.emplace_back(EncodeDate(d.event_start));
  p.emplace_back(EncodeDate(d.event_end));
  p.emplace_back(EncodeList(d.event_codes));
  p.emplace_back(d.kind);
  p.emplace_back(OptId(d.value));
  p.emplace_back(OptId(d.rounded));
  p.emplace_back(d.source);
  p.emplace_back(OptDouble(d.latitude));
  p.emplace_back(OptDouble(d.longitude));
  return p;
}

constexpr char kDisplacementSelect[] =
    "d.id, d.dataset, d.source_id, d.country, d.country_name, d.origin, d.origin_name, d.area, d.year, "
    "d.period_start, d.period_end, d.cause, d.hazard_category, d.hazard_sub_category, d.hazard_type, "
    "d.hazard_sub_type, d.event_name, d.event_start, d.event_end, d.event_codes, d.kind, d.value, d.rounded, "
    "d.source, d.latitude, d.longitude, d.version, d.batch_id";

Displacement DisplacementFromRow(const Row& r) {
  Displacement d;
  d.id = r.Int(0);
  d.dataset = r.Text(1);
  d.source_id = r.Text(2);
  d.country = r.Text(3);
  d.country_name = r.Text(4);
  d.origin = r.Text(5);
  d.origin_name = r.Text(6);
  d.area = r.Text(7);
  d.year = static_cast<int>(r.Int(8));
  d.period_start = DecodeDate(r.Text(9));
  d.period_end = DecodeDate(r.Text(10));
  d.cause = DisplacementCauseFromName(r.Text(11));
  d.hazard_category = r.Text(12);
  d.hazard_sub_category = r.Text(13);
  d.hazard_type = r.Text(14);
  d.hazard_sub_type = r.Text(15);
  d.event_name = r.Text(16);
  d.event_start = DecodeDate(r.Text(17));
  d.event_end = DecodeDate(r.Text(18));
  d.event_codes = DecodeList(r.Text(19));
  d.kind = r.Text(20);
  d.value = r.OptInt(21);
  d.rounded = r.OptInt(22);
  d.source = r.Text(23);
  d.latitude = ReadDouble(r, 24);
  d.longitude = ReadDouble(r, 25);
  d.version = r.Int(26);
  d.batch_id = r.Int(27);
  return d;
}

std::string DisplacementWhere(const DisplacementFilter& f, ParamList& p) {
  std::string where = " WHERE 1=1";
  if (!f.dataset.empty()) where += " AND d.dataset=" + p.Add(f.dataset);
  if (!f.country.empty()) where += " AND d.country=" + p.Add(f.country);
  if (f.cause) where += " AND d.cause=" + p.Add(std::string(evidence::DisplacementCauseName(*f.cause)));
  if (!f.hazard.empty()) where += " AND d.hazard_type=" + p.Add(f.hazard);
  if (!f.kind.empty()) where += " AND d.kind=" + p.Add(f.kind);
  if (f.from_year != 0 || f.to_year != 0) where += " AND d.year <> 0";
  if (f.from_year != 0) where += " AND d.year >= " + p.Add(static_cast<std::int64_t>(f.from_year));
  if (f.to_year != 0) where += " AND d.year <= " + p.Add(static_cast<std::int64_t>(f.to_year));
  return where;
}

// ---------------------------------------------------------------- imports

// What the import needs to know of a record type and its tables.
struct IncidentTable {
  using Record = Incident;
  static constexpr char kTarget[] = "i";  // in dry-run count keys
  static constexpr char kLock[] = "incidents";
  static constexpr char kTable[] = "evidence_incidents";
  static constexpr char kRevisions[] = "evidence_incident_revisions";
  static constexpr char kRevisionKey[] = "incident_id";
  static constexpr const char* kColumns = kIncidentColumns;
  static constexpr std::size_t kColumnCount = kIncidentColumnCount;
  using CellKey = ::waymark::storage::CellKey;
  using CellSums = ::waymark::storage::CellSums;
  static std::pair<CellKey, CellSums> Cell(const Incident& r) { return CellOf(r); }
  static std::string Select() {
    return IncidentSelect() + ", i.part, i.last_batch_id FROM evidence_incidents i";
  }
  static Incident FromRow(const Row& r) { return IncidentFromRow(r); }
  // The canonical text includes the part, which the store assigns.
  static std::string Canonical(const Incident& r, int part) {
    if (r.part == part) return evidence::CanonicalText(r);
    Incident copy = r;
    copy.part = part;
    return evidence::CanonicalText(copy);
  }
  static sql::Params Params(const Incident& r, int part) { return IncidentParams(r, part); }
};

struct DisplacementTable {
  using Record = Displacement;
  static constexpr char kTarget[] = "d";
  static constexpr char kLock[] = "displacement";
  static constexpr char kTable[] = "evidence_displacement";
  static constexpr char kRevisions[] = "evidence_displacement_revisions";
  static constexpr char kRevisionKey[] = "displacement_id";
  static constexpr const char* kColumns = kDisplacementColumns;
  static constexpr std::size_t kColumnCount = kDisplacementColumnCount;
  using CellKey = DisplacementCellKey;
  using CellSums = DisplacementCellSums;
  static std::pair<CellKey, CellSums> Cell(const Displacement& d) { return DisplacementCellOf(d); }
  static std::string Select() {
    return std::string(kDisplacementSelect) + ", d.part, d.last_batch_id FROM evidence_displacement d";
  }
  static Displacement FromRow(const Row& r) { return DisplacementFromRow(r); }
  static std::string Canonical(const Displacement& d, int) { return evidence::CanonicalText(d); }
  static sql::Params Params(const Displacement& d, int part) { return DisplacementParams(d, part); }
};

// A stored record as the import compares and moves it.
template <typename T>
struct StoredRecord {
  Id id = 0;
  std::int64_t version = 0;
  Id last_batch_id = 0;
  std::string canonical;
  typename T::CellKey cell;  // the aggregate cell it counts in
  typename T::CellSums sums;
};

using RecordKey = std::tuple<std::string, std::string, int>;  // dataset, source_id, part

// "UPDATE table SET column=$1, ..., version=$n+1, batch_id=last_batch_id=$n+2,
// updated_at=$n+3 WHERE id=$n+4".
template <typename T>
const std::string& UpdateStatement() {
  static const std::string update = [] {
    std::string cols = T::kColumns;
    std::string out = std::string("UPDATE ") + T::kTable + " SET ";
    std::size_t start = 0, n = 0;
    while (start < cols.size()) {
      std::size_t end = cols.find(", ", start);
      if (end == std::string::npos) end = cols.size();
      out += cols.substr(start, end - start) + "=$" + std::to_string(++n) + ", ";
      start = end + 2;
    }
    return out + "version=$" + std::to_string(n + 1) + ", batch_id=$" + std::to_string(n + 2) +
           ", last_batch_id=$" + std::to_string(n + 2) + ", updated_at=$" + std::to_string(n + 3) +
           " WHERE id=$" + std::to_string(n + 4);
  }();
  return update;
}

// One chunk of ApplyIncidents or ApplyDisplacement (see stores.h), in the
// caller's transaction (or read snapshot for a dry run). `counts`: the
// records of each source id this batch has written before this chunk, kept
// by the caller across a dry run's chunks.
template <typename T>
Result<std::vector<RowOutcome>> ApplyChunk(Connection& c, Id batch_id,
                                           const std::vector<typename T::Record>& records, TimestampMs at,
                                           bool dry_run, std::map<std::string, int>& counts) {
  auto by_dataset = SourceIdsByDataset(records);
  if (c.dialect() == sql::Dialect::kPostgres) {
    // The lookups below are prepared once; a generic plan made while the
    // table was small scans it whole on every later chunk (100-230 ms a
    // lookup, growing, at 19k records). A custom plan per execution sees the
    // table's current size and uses the (dataset, source_id, part) index.
    WM_RETURN_IF_ERROR(c.Execute("SET LOCAL plan_cache_mode = force_custom_plan", {}).status());
  }
  if (!dry_run) {
    for (const auto& [dataset, ids] : by_dataset) WM_RETURN_IF_ERROR(LockDataset(c, T::kLock, dataset));
    WM_RETURN_IF_ERROR(CheckBatch(c, batch_id));
  }
  // The stored records of the chunk's source ids, and how many of each this
  // batch has written already. Compared by the canonical text of the record
  // as stored (it round-trips exactly), which is also its newest revision's.
  std::map<RecordKey, StoredRecord<T>> stored;
  for (const auto& [dataset, ids] : by_dataset) {
    for (const auto& batch : TextBatches(ids)) {
      sql::Params params{dataset};
      for (const auto& id : batch) params.emplace_back(id);
      WM_ASSIGN_OR_RETURN(auto rows,
                          c.Query("SELECT " + T::Select() + " WHERE dataset=$1 AND source_id IN (" +
                                      Placeholders(2, batch.size()) + ")",
                                  params));
      for (const auto& r : rows) {
        auto old = T::FromRow(r);
        int part = static_cast<int>(r.Int(r.size() - 2));
        StoredRecord<T> s;
        s.id = old.id;
        s.version = old.version;
        s.last_batch_id = r.Int(r.size() - 1);
        s.canonical = T::Canonical(old, part);
        std::tie(s.cell, s.sums) = T::Cell(old);
        if (s.last_batch_id == batch_id) ++counts[CountKey(T::kTarget, dataset, old.source_id)];
        stored.emplace(RecordKey{dataset, old.source_id, part}, std::move(s));
      }
    }
  }

  std::vector<RowOutcome> outcomes;
  outcomes.reserve(records.size());
  std::map<typename T::CellKey, typename T::CellSums> deltas;
  std::vector<Id> touched;
  std::vector<sql::Params> inserts;
  struct Pending {  // a revision to write
    RecordKey key;
    Id id = 0;  // 0: a record inserted below, its id read back
    std::int64_t version = 1;
    std::string text;
  };
  std::vector<Pending> pending;
  for (const auto& r : records) {
    int part = 1 + counts[CountKey(T::kTarget, r.dataset, r.source_id)]++;
    std::string canonical = T::Canonical(r, part);
    RecordKey key{r.dataset, r.source_id, part};
    auto it = stored.find(key);
    if (it != stored.end() && it->second.canonical == canonical) {
      outcomes.push_back(RowOutcome::kUnchanged);
      if (!dry_run && it->second.last_batch_id != batch_id) touched.push_back(it->second.id);
      continue;
    }
    outcomes.push_back(it == stored.end() ? RowOutcome::kAccepted : RowOutcome::kUpdated);
    if (dry_run) continue;
    {
      auto [cell, sums] = T::Cell(r);
      AddCell(deltas, cell, sums, +1);
      if (it != stored.end()) AddCell(deltas, it->second.cell, it->second.sums, -1);
    }
    sql::Params params = T::Params(r, part);
    if (it == stored.end()) {
      params.insert(params.end(), {std::int64_t{1}, batch_id, batch_id, at, at});
      inserts.push_back(std::move(params));
      pending.push_back(Pending{std::move(key), 0, 1, std::move(canonical)});
    } else {
      std::int64_t version = it->second.version + 1;
      params.insert(params.end(), {version, batch_id, at, it->second.id});
      WM_RETURN_IF_ERROR(c.Execute(UpdateStatement<T>(), params).status());
      pending.push_back(Pending{std::move(key), it->second.id, version, std::move(canonical)});
    }
  }
  if (dry_run) return outcomes;

  if (!inserts.empty()) {
    // The new records get ids above the largest one now (this transaction
    // is the only writer of their datasets), and are read back by that.
    WM_ASSIGN_OR_RETURN(Row max,
                        c.QueryOne(std::string("SELECT COALESCE(MAX(id), 0) FROM ") + T::kTable, {}));
    WM_RETURN_IF_ERROR(WriteRows(c,
                                 std::string("INSERT INTO ") + T::kTable + "(" + T::kColumns +
                                     ", version, batch_id, last_batch_id, created_at, updated_at)",
                                 "", T::kColumnCount + 5, inserts));
    std::map<RecordKey, Id> ids;
    for (const auto& [dataset, source_ids] : by_dataset) {
      WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT id, source_id, part FROM ") + T::kTable +
                                                 " WHERE id > $1 AND dataset=$2",
                                             {max.Int(0), dataset}));
      for (const auto& row : rows)
        ids[RecordKey{dataset, row.Text(1), static_cast<int>(row.Int(2))}] = row.Int(0);
    }
    for (auto& p : pending) {
      if (p.id != 0) continue;
      auto it = ids.find(p.key);
      if (it == ids.end())
        return Status::Internal("inserted record " + std::get<1>(p.key) + " not found again");
      p.id = it->second;
    }
  }
  std::vector<sql::Params> revisions;
  revisions.reserve(pending.size());
  for (auto& p : pending) revisions.push_back({p.id, p.version, batch_id, at, std::move(p.text)});
  WM_RETURN_IF_ERROR(WriteRows(
      c,
      std::string("INSERT INTO ") + T::kRevisions + "(" + T::kRevisionKey + ", version, batch_id, at, text)",
      "", 5, revisions));
  WM_RETURN_IF_ERROR(TouchRecords(c, T::kTable, batch_id, touched));
  WM_RETURN_IF_ERROR(ApplyCellDeltas(c, deltas));
  // The datasets' aggregates changed: kept stats answers of theirs are stale.
  if (!pending.empty()) {
    for (const auto& [dataset, ids] : by_dataset) {
      WM_RETURN_IF_ERROR(c.Execute("INSERT INTO evidence_stats_versions(dataset, version) VALUES ($1, 1) "
                                   "ON CONFLICT (dataset) DO UPDATE SET version = "
                                   "evidence_stats_versions.version + 1",
                                   {dataset})
                             .status());
    }
  }
  return outcomes;
}

// ---------------------------------------------------------------- the rest

constexpr char kBatchSelect[] =
    "id, target, dataset, format, filename, sha256, bytes, imported_by, imported_by_label, started_at, "
    "finished_at, dry_run, accepted, updated, unchanged, rejected, columns_used, columns_ignored, status";

Batch BatchFromRow(const Row& r) {
  Batch b;
  b.id = r.Int(0);
  b.target = TargetFromName(r.Text(1));
  b.dataset = r.Text(2);
  b.format = r.Text(3);
  b.filename = r.Text(4);
  b.sha256 = r.Text(5);
  b.bytes = r.Int(6);
  b.imported_by = r.Int(7);
  b.imported_by_label = r.Text(8);
  b.started_at = r.Int(9);
  b.finished_at = r.Int(10);
  b.dry_run = r.Bool(11);
  b.accepted = r.Int(12);
  b.updated = r.Int(13);
  b.unchanged = r.Int(14);
  b.rejected = r.Int(15);
  b.columns_used = DecodeList(r.Text(16));
  b.columns_ignored = DecodeList(r.Text(17));
  b.status = r.Text(18);
  return b;
}

constexpr char kQuarantineSelect[] =
    "q.id, q.batch_id, q.target, q.dataset, q.format, q.line, q.header, q.raw, q.problems, q.status, "
    "q.resolution, q.resolved_by, q.resolved_at, q.created_at";

QuarantinedRow QuarantinedFromRow(const Row& r) {
  QuarantinedRow q;
  q.id = r.Int(0);
  q.batch_id = r.Int(1);
  q.target = TargetFromName(r.Text(2));
  q.dataset = r.Text(3);
  q.format = r.Text(4);
  q.line = r.Int(5);
  q.header = DecodeList(r.Text(6));
  q.raw = r.Text(7);
  q.problems = DecodeProblems(r.Text(8));
  q.status = r.Text(9);
  q.resolution = r.Text(10);
  q.resolved_by = r.Int(11);
  q.resolved_at = r.Int(12);
  q.created_at = r.Int(13);
  return q;
}

constexpr char kQuerySelect[] = "id, target, title, query, created_by, created_at";

SavedQuery QueryFromRow(const Row& r) {
  SavedQuery q;
  q.id = r.Int(0);
  q.target = TargetFromName(r.Text(1));
  q.title = r.Text(2);
  q.query = r.Text(3);
  q.created_by = r.Int(4);
  q.created_at = r.Int(5);
  return q;
}

std::vector<Revision> RevisionsFromRows(const std::vector<Row>& rows) {
  return MapRows(rows, [](const Row& r) { return Revision{r.Int(0), r.Int(1), r.Int(2), r.Text(3)}; });
}

// The SQL expression of an incident stats dimension other than the cause
// (cells `c`); the causes are a bit mask, which IncidentStats unfolds.
std::optional<std::string> IncidentDimension(const std::string& dim) {
  if (dim == "year" || dim == "month" || dim == "region" || dim == "country" || dim == "route")
    return "c." + dim;
  return std::nullopt;
}

// The cells' column of an incident stats measure.

std::optional<std::string> IncidentMeasure(const std::string& m) {
  if (m == "incidents" || m == "dead" || m == "missing" || m == "total") return "c." + m;
  return std::nullopt;
}

// The key of a cause in the stats: its code, or "causeN" for a code that
// is not plain lower-case letters and underscores.
std::string CauseKey(int c) {
  std::string code = evidence::CauseCode(static_cast<Cause>(c));
  for (char ch : code) {
    if (!((ch >= 'a' && ch <= 'z') || ch == '_')) return "cause" + std::to_string(c);
  }
  return code;
}

std::optional<std::string> DisplacementDimension(const std::string& dim) {
  if (dim == "year" || dim == "country" || dim == "cause" || dim == "kind") return "d." + dim;
  if (dim == "hazard") return std::string("d.hazard_type");
  return std::nullopt;
}

}  // namespace

SqlEvidenceStore::SqlEvidenceStore(sql::Database& db, std::size_t stats_memo_bytes)
    : db_(db), stats_memo_(stats_memo_bytes) {}
SqlEvidenceStore::~SqlEvidenceStore() = default;

SqlEvidenceStore::PartCounts SqlEvidenceStore::DryRunCounts(Id batch_id) {
  std::lock_guard<std::mutex> lock(dry_mu_);
  auto it = dry_counts_.find(batch_id);
  return it == dry_counts_.end() ? PartCounts{} : it->second;
}

void SqlEvidenceStore::KeepDryRunCounts(Id batch_id, PartCounts counts) {
  std::lock_guard<std::mutex> lock(dry_mu_);
  dry_counts_[batch_id] = std::move(counts);
  // Dry runs have negative ids, newest most negative: the oldest is the last key.
  while (dry_counts_.size() > kKeptDryRuns) dry_counts_.erase(std::prev(dry_counts_.end()));
}

// ---------------------------------------------------------------- batches

Result<Batch> SqlEvidenceStore::CreateBatch(const Batch& b) {
  return sql::Transact<Batch>(db_, true, [&](Connection& c) -> Result<Batch> {
    auto row = c.QueryOne(
        "INSERT INTO evidence_batches(target, dataset, format, filename, sha256, bytes, imported_by, "
        "imported_by_label, started_at, finished_at, dry_run, accepted, updated, unchanged, rejected, "
        "columns_used, columns_ignored, status) VALUES "
        "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,"
        "$17,$18) RETURNING id",
        {std::string(evidence::ImportTargetName(b.target)), b.dataset, b.format, b.filename, b.sha256,
         b.bytes, IdOrNull(b.imported_by), b.imported_by_label, b.started_at, b.finished_at, Bool(b.dry_run),
         b.accepted, b.updated, b.unchanged, b.rejected, EncodeList(b.columns_used),
         EncodeList(b.columns_ignored), b.status});
    if (!row.ok()) {
      if (IsForeignKeyViolation(row.status())) return Status::NotFound("no such user for the batch");
      return row.status();
    }
    Batch out = b;
    out.id = row->Int(0);
    return out;
  });
}

Status SqlEvidenceStore::FinishBatch(const Batch& b) {
  return sql::TransactStatus(db_, true, [&](Connection& c) -> Status {
    WM_ASSIGN_OR_RETURN(
        std::int64_t n,
        c.Execute(
            "UPDATE evidence_batches SET finished_at=$2, status=$3, accepted=$4, updated=$5, unchanged=$6, "
            "rejected=$7, columns_used=$8, columns_ignored=$9, format=$10, dataset=$11, sha256=$12, "
            "bytes=$13 "
            "WHERE id=$1",
            {b.id, b.finished_at, b.status, b.accepted, b.updated, b.unchanged, b.rejected,
             EncodeList(b.columns_used), EncodeList(b.columns_ignored), b.format, b.dataset, b.sha256,
             b.bytes}));
    return n == 0 ? Status::NotFound("no batch " + std::to_string(b.id)) : Status::Ok();
  });
}

Result<Batch> SqlEvidenceStore::GetBatch(Id id) {
  return ReadSnapshot<Batch>(db_, [&](Connection& c) -> Result<Batch> {
    auto row = c.QueryOne(std::string("SELECT ") + kBatchSelect + " FROM evidence_batches WHERE id=$1", {id});
    if (!row.ok()) return NotFoundAs(row.status(), "no batch " + std::to_string(id));
    return BatchFromRow(*row);
  });
}

Result<std::vector<Batch>> SqlEvidenceStore::ListBatches(int limit) {
  return ReadSnapshot<std::vector<Batch>>(db_, [&](Connection& c) -> Result<std::vector<Batch>> {
    WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kBatchSelect +
                                               " FROM evidence_batches ORDER BY id DESC LIMIT $1",
                                           {static_cast<std::int64_t>(ClampLimit(limit))}));
    return MapRows(rows, BatchFromRow);
  });
}

// ---------------------------------------------------------------- imports

template <typename T>
Result<std::vector<RowOutcome>> SqlEvidenceStore::Apply(Id batch_id,
                                                        const std::vector<typename T::Record>& records,
                                                        TimestampMs at, bool dry_run) {
  if (records.empty()) return std::vector<RowOutcome>{};
  if (!dry_run) {
    return sql::Transact<std::vector<RowOutcome>>(db_, true, [&](Connection& c) {
      PartCounts counts;
      return ApplyChunk<T>(c, batch_id, records, at, false, counts);
    });
  }
  const PartCounts before = DryRunCounts(batch_id);
  PartCounts counts;
  auto out = ReadSnapshot<std::vector<RowOutcome>>(db_, [&](Connection& c) {
    counts = before;
    return ApplyChunk<T>(c, batch_id, records, at, true, counts);
  });
  if (out.ok()) KeepDryRunCounts(batch_id, std::move(counts));
  return out;
}

Result<std::vector<RowOutcome>> SqlEvidenceStore::ApplyIncidents(Id batch_id,
                                                                 const std::vector<Incident>& records,
                                                                 TimestampMs at, bool dry_run) {
  return Apply<IncidentTable>(batch_id, records, at, dry_run);
}

Result<std::vector<RowOutcome>> SqlEvidenceStore::ApplyDisplacement(Id batch_id,
                                                                    const std::vector<Displacement>& records,
                                                                    TimestampMs at, bool dry_run) {
  return Apply<DisplacementTable>(batch_id, records, at, dry_run);
}

// ---------------------------------------------------------------- records

Result<Incident> SqlEvidenceStore::GetIncident(Id id) {
  return ReadSnapshot<Incident>(db_, [&](Connection& c) -> Result<Incident> {
    auto row = c.QueryOne("SELECT " + IncidentSelect() + " FROM evidence_incidents i WHERE i.id=$1", {id});
    if (!row.ok()) return NotFoundAs(row.status(), "no incident " + std::to_string(id));
    return IncidentFromRow(*row);
  });
}

Result<Displacement> SqlEvidenceStore::GetDisplacement(Id id) {
  return ReadSnapshot<Displacement>(db_, [&](Connection& c) -> Result<Displacement> {
    auto row = c.QueryOne(
        std::string("SELECT ") + kDisplacementSelect + " FROM evidence_displacement d WHERE d.id=$1", {id});
    if (!row.ok()) return NotFoundAs(row.status(), "no displacement figure " + std::to_string(id));
    return DisplacementFromRow(*row);
  });
}

Result<std::vector<Incident>> SqlEvidenceStore::ListIncidents(const IncidentFilter& f, evidence::Page page) {
  return ReadSnapshot<std::vector<Incident>>(db_, [&](Connection& c) -> Result<std::vector<Incident>> {
    ParamList p;
    std::string where = IncidentWhere(f, "i", p);
    where += " AND i.id > " + p.Add(page.after_id);
    std::string limit = p.Add(static_cast<std::int64_t>(ClampLimit(page.limit)));
    WM_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT " + IncidentSelect() + " FROM evidence_incidents i" +
                                               where + " ORDER BY i.id LIMIT " + limit,
                                           p.params));
    return MapRows(rows, IncidentFromRow);
  });
}

Result<std::vector<Displacement>> SqlEvidenceStore::ListDisplacement(const DisplacementFilter& f,
                                                                     evidence::Page page) {
  return ReadSnapshot<std::vector<Displacement>>(
      db_, [&](Connection& c) -> Result<std::vector<Displacement>> {
        ParamList p;
        std::string where = DisplacementWhere(f, p);
        where += " AND d.id > " + p.Add(page.after_id);
        std::string limit = p.Add(static_cast<std::int64_t>(ClampLimit(page.limit)));
        WM_ASSIGN_OR_RETURN(
            auto rows, c.Query(std::string("SELECT ") + kDisplacementSelect +
                                   " FROM evidence_displacement d" + where + " ORDER BY d.id LIMIT " + limit,
                               p.params));
        return MapRows(rows, DisplacementFromRow);
      });
}

Result<std::int64_t> SqlEvidenceStore::CountIncidents(const IncidentFilter& f) {
  // From the aggregates: each incident is in exactly one cell.
  return ReadSnapshot<std::int64_t>(db_, [&](Connection& c) -> Result<std::int64_t> {
    ParamList p;
    std::string where = IncidentWhere(f, "c", p);
    WM_ASSIGN_OR_RETURN(
        Row row,
        c.QueryOne("SELECT COALESCE(SUM(c.incidents), 0) FROM evidence_incident_cells c" + where, p.params));
    return row.Int(0);
  });
}

Result<std::int64_t> SqlEvidenceStore::CountDisplacement(const DisplacementFilter& f) {
  return ReadSnapshot<std::int64_t>(db_, [&](Connection& c) -> Result<std::int64_t> {
    ParamList p;
    std::string where = DisplacementWhere(f, p);
    WM_ASSIGN_OR_RETURN(
        Row row, c.QueryOne("SELECT COALESCE(SUM(d.records), 0) FROM evidence_displacement_cells d" + where,
                            p.params));
    return row.Int(0);
  });
}

Result<std::vector<Revision>> SqlEvidenceStore::IncidentRevisions(Id incident_id) {
  return ReadSnapshot<std::vector<Revision>>(db_, [&](Connection& c) -> Result<std::vector<Revision>> {
    auto exists = c.QueryOne("SELECT 1 FROM evidence_incidents WHERE id=$1", {incident_id});
    if (!exists.ok()) return NotFoundAs(exists.status(), "no incident " + std::to_string(incident_id));
    WM_ASSIGN_OR_RETURN(auto rows,
                        c.Query("SELECT version, batch_id, at, text FROM evidence_incident_revisions "
                                "WHERE incident_id=$1 ORDER BY version DESC",
                                {incident_id}));
    return RevisionsFromRows(rows);
  });
}

Result<std::vector<Revision>> SqlEvidenceStore::DisplacementRevisions(Id displacement_id) {
  return ReadSnapshot<std::vector<Revision>>(db_, [&](Connection& c) -> Result<std::vector<Revision>> {
    auto exists = c.QueryOne("SELECT 1 FROM evidence_displacement WHERE id=$1", {displacement_id});
    if (!exists.ok())
      return NotFoundAs(exists.status(), "no displacement figure " + std::to_string(displacement_id));
    WM_ASSIGN_OR_RETURN(auto rows,
                        c.Query("SELECT version, batch_id, at, text FROM evidence_displacement_revisions "
                                "WHERE displacement_id=$1 ORDER BY version DESC",
                                {displacement_id}));
    return RevisionsFromRows(rows);
  });
}

// ---------------------------------------------------------------- aggregates

namespace {

// What a stats answer depends on besides the data: the kind of query, the
// request (the order of group_by and measures shapes the rows), the
// suppression threshold, and the statement with its parameters (the filter).
std::string StatsKey(char kind, const evidence::StatsRequest& req, std::int64_t min_cell,
                     const std::string& stmt, const sql::Params& params) {
  std::string key(1, kind);
  auto add = [&key](std::string_view part) {
    key.append(std::to_string(part.size())).append(":").append(part);
  };
  for (const auto& g : req.group_by) add(g);
  key.append("|");
  for (const auto& m : req.measures) add(m);
  key.append("|").append(std::to_string(min_cell)).append("|");
  add(stmt);
  for (const auto& v : params) {
    key.append(std::to_string(v.index()));
    if (const auto* i = std::get_if<std::int64_t>(&v)) add(std::to_string(*i));
    if (const auto* d = std::get_if<double>(&v)) add(std::to_string(*d));
    if (const auto* t = std::get_if<std::string>(&v)) add(*t);
    if (const auto* b = std::get_if<sql::Blob>(&v)) add(b->bytes);
  }
  return key;
}

// The versions of the aggregates of `dataset` (of every dataset when
// empty), as this snapshot sees them.
Result<std::string> StatsVersions(Connection& c, const std::string& dataset) {
  std::string out;
  if (!dataset.empty()) {
    WM_ASSIGN_OR_RETURN(auto rows,
                        c.Query("SELECT version FROM evidence_stats_versions WHERE dataset=$1", {dataset}));
    for (const auto& r : rows) out.append(std::to_string(r.Int(0)));
    return out;
  }
  WM_ASSIGN_OR_RETURN(auto rows,
                      c.Query("SELECT dataset, version FROM evidence_stats_versions ORDER BY dataset", {}));
  for (const auto& r : rows) {
    std::string name = r.Text(0);
    out.append(std::to_string(name.size()))
        .append(":")
        .append(name)
        .append(std::to_string(r.Int(1)))
        .append(";");
  }
  return out;
}

}  // namespace

Result<StatsTable> SqlEvidenceStore::Memoized(const std::string& dataset, const std::string& key,
                                              const std::function<Result<StatsTable>(Connection&)>& compute) {
  return ReadSnapshot<StatsTable>(db_, [&](Connection& c, bool own) -> Result<StatsTable> {
    if (!own || !stats_memo_.enabled()) return compute(c);
    WM_ASSIGN_OR_RETURN(std::string versions, StatsVersions(c, dataset));
    std::string full = versions + "|" + key;
    if (auto kept = stats_memo_.Find(full)) return *kept;
    WM_ASSIGN_OR_RETURN(StatsTable table, compute(c));
    stats_memo_.Store(full, table);
    return table;
  });
}

Result<StatsTable> SqlEvidenceStore::IncidentStats(const IncidentFilter& f,
                                                   const evidence::StatsRequest& req) {
  std::vector<std::string> dims, columns;  // dims: the dimensions other than the cause
  bool by_cause = false;
  for (const auto& g : req.group_by) {
    if (g == "cause") {
      by_cause = true;
      continue;
    }
    auto e = IncidentDimension(g);
    if (!e) return Status::InvalidArgument("unknown incident dimension " + g);
    dims.push_back(*e);
  }
  for (const auto& m : req.measures) {
    auto e = IncidentMeasure(m);
    if (!e) return Status::InvalidArgument("unknown incident measure " + m);
    columns.push_back(*e);
  }
  ParamList p;
  std::string where = IncidentWhere(f, "c", p);
  std::string select, group;
  for (const auto& d : dims) {
    select.append(select.empty() ? "" : ", ").append(d);
    group.append(group.empty() ? "" : ", ").append(d);
  }
  // By cause: grouped by the cause mask too (a few dozen masks), each
  // group then added to the group of each of its causes, so that a
  // multi-cause incident counts once in each of its causes' groups.
  if (by_cause) {
    select.append(select.empty() ? "" : ", ").append("c.causes");
    group.append(group.empty() ? "" : ", ").append("c.causes");
  }
  for (const auto& col : columns)
    select.append(select.empty() ? "" : ", ").append("COALESCE(SUM(" + col + "), 0)");
  if (select.empty()) select = "COUNT(*)";
  const std::string stmt = "SELECT " + select + " FROM evidence_incident_cells c" + where +
                           (group.empty() ? "" : " GROUP BY " + group);
  return Memoized(f.dataset, StatsKey('i', req, 0, stmt, p.params), [&](Connection& c) -> Result<StatsTable> {
    WM_ASSIGN_OR_RETURN(auto rows, c.Query(stmt, p.params));
    StatsTable out;
    std::size_t first = dims.size() + (by_cause ? 1 : 0);  // the first measure
    auto row_of = [&](const Row& r, int cause) {
      StatsRow row;
      std::size_t next_dim = 0;
      for (const auto& g : req.group_by)
        row.keys.push_back(g == "cause" ? CauseKey(cause) : KeyText(r, next_dim++));
      return row;
    };
    if (!by_cause) {
      for (const auto& r : rows) {
        StatsRow row = row_of(r, 0);
        for (std::size_t m = 0; m < columns.size(); ++m) row.values.push_back(r.Int(first + m));
        out.rows.push_back(std::move(row));
      }
    } else {
      std::map<std::vector<std::string>, std::size_t> index;  // keys -> position in out.rows
      for (const auto& r : rows) {
        std::int64_t mask = r.Int(dims.size());
        for (int k = 0; k < evidence::kCauseCount; ++k) {
          if ((mask & (std::int64_t{1} << k)) == 0) continue;
          StatsRow row = row_of(r, k);
          auto [it, added] = index.emplace(row.keys, out.rows.size());
          if (added) {
            row.values.assign(columns.size(), 0);
            out.rows.push_back(std::move(row));
          }
          StatsRow& sum = out.rows[it->second];
          for (std::size_t m = 0; m < columns.size(); ++m) sum.values[m] += r.Int(first + m);
        }
      }
    }
    SortRows(out.rows, req.group_by);
    return out;
  });
}

Result<StatsTable> SqlEvidenceStore::DisplacementStats(const DisplacementFilter& f,
                                                       const evidence::StatsRequest& req,
                                                       std::int64_t min_cell) {
  std::vector<std::string> dims;
  for (const auto& g : req.group_by) {
    auto e = DisplacementDimension(g);
    if (!e) return Status::InvalidArgument("unknown displacement dimension " + g);
    dims.push_back(*e);
  }
  ParamList p;
  std::string where = DisplacementWhere(f, p);
  const std::string filter_where = where;
  const sql::Params filter_params = p.params;
  std::string select, group;
  for (const auto& d : dims) {
    select += (select.empty() ? "" : ", ") + d;
    group += (group.empty() ? "" : ", ") + d;
  }
  // Each measure is the sum of one kind's values: grouped by the kind too
  // and spread into the measures here, one sum per group rather than a
  // CASE per measure and row.
  const bool by_kind = !req.measures.empty();
  std::string kinds;
  for (const auto& m : req.measures) kinds += (kinds.empty() ? "" : ", ") + p.Add(m);
  // Without per-record suppression the sums come from the cells (a few
  // narrow rows per country and year), which have the filter's columns
  // under the same names; with it, each record's value decides.
  const bool cells = min_cell <= 0;
  if (by_kind) {
    select += std::string(select.empty() ? "" : ", ") + "d.kind, COALESCE(SUM(d.value), 0)";
    group += std::string(group.empty() ? "" : ", ") + "d.kind";
    where += " AND d.kind IN (" + kinds + ")";
  } else if (select.empty()) {
    select = cells ? "COALESCE(SUM(d.records), 0)" : "COUNT(*)";
  }
  if (!cells) where += " AND (COALESCE(d.value, 0) <= 0 OR d.value >= " + p.Add(min_cell) + ")";
  const std::string stmt = "SELECT " + select +
                           (cells ? " FROM evidence_displacement_cells d" : " FROM evidence_displacement d") +
                           where + (group.empty() ? "" : " GROUP BY " + group);
  return Memoized(f.dataset, StatsKey('d', req, min_cell, stmt, p.params),
                  [&](Connection& c) -> Result<StatsTable> {
                    WM_ASSIGN_OR_RETURN(auto rows, c.Query(stmt, p.params));
                    StatsTable out;
                    std::map<std::vector<std::string>, std::size_t> index;  // keys -> position in out.rows
                    for (const auto& r : rows) {
                      StatsRow row;
                      for (std::size_t k = 0; k < dims.size(); ++k) row.keys.push_back(KeyText(r, k));
                      if (!by_kind) {
                        out.rows.push_back(std::move(row));
                        continue;
                      }
                      auto [it, added] = index.emplace(row.keys, out.rows.size());
                      if (added) {
                        row.values.assign(req.measures.size(), 0);
                        out.rows.push_back(std::move(row));
                      }
                      std::string kind = r.Text(dims.size());
                      std::int64_t value = r.Int(dims.size() + 1);
                      StatsRow& sums = out.rows[it->second];
                      for (std::size_t m = 0; m < req.measures.size(); ++m) {
                        if (req.measures[m] == kind) sums.values[m] += value;
                      }
                    }
                    // Sums over no group at all are one row of zeros, as an aggregate
                    // without GROUP BY gives.
                    if (by_kind && dims.empty() && out.rows.empty()) {
                      out.rows.push_back(StatsRow{{}, std::vector<std::int64_t>(req.measures.size(), 0)});
                    }
                    SortRows(out.rows, req.group_by);
                    if (min_cell > 0) {
                      ParamList sp{filter_params};
                      std::string stmt = "SELECT COUNT(*) FROM evidence_displacement d" + filter_where +
                                         " AND d.value > 0 AND d.value < " + sp.Add(min_cell);
                      WM_ASSIGN_OR_RETURN(Row n, c.QueryOne(stmt, sp.params));
                      out.suppressed = n.Int(0);
                    }
                    return out;
                  });
}

Result<std::vector<Facet>> SqlEvidenceStore::IncidentFacet(const std::string& dataset,
                                                           const std::string& dimension) {
  if (dimension != "region" && dimension != "country" && dimension != "route") {
    return Status::InvalidArgument("unknown incident facet " + dimension);
  }
  return ReadSnapshot<std::vector<Facet>>(db_, [&](Connection& c) -> Result<std::vector<Facet>> {
    WM_ASSIGN_OR_RETURN(auto rows,
                        c.Query("SELECT c." + dimension +
                                    ", SUM(c.incidents) FROM evidence_incident_cells c WHERE c.dataset=$1 "
                                    "AND c." +
                                    dimension + " <> '' GROUP BY c." + dimension,
                                {dataset}));
    return FacetsFromRows(rows);
  });
}

Result<std::vector<Facet>> SqlEvidenceStore::DisplacementFacet(const std::string& dataset,
                                                               const std::string& dimension) {
  std::string column;
  if (dimension == "country" || dimension == "kind") column = dimension;
  if (dimension == "hazard") column = "hazard_type";
  if (column.empty()) return Status::InvalidArgument("unknown displacement facet " + dimension);
  return ReadSnapshot<std::vector<Facet>>(db_, [&](Connection& c) -> Result<std::vector<Facet>> {
    WM_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("SELECT d." + column +
                    ", SUM(d.records) FROM evidence_displacement_cells d WHERE d.dataset=$1 AND d." + column +
                    " <> '' GROUP BY d." + column,
                {dataset}));
    return FacetsFromRows(rows);
  });
}

Result<std::vector<Facet>> SqlEvidenceStore::IncidentDatasets() {
  return ReadSnapshot<std::vector<Facet>>(db_, [&](Connection& c) -> Result<std::vector<Facet>> {
    WM_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("SELECT dataset, SUM(incidents) FROM evidence_incident_cells GROUP BY dataset", {}));
    return FacetsFromRows(rows);
  });
}

Result<std::vector<Facet>> SqlEvidenceStore::DisplacementDatasets() {
  return ReadSnapshot<std::vector<Facet>>(db_, [&](Connection& c) -> Result<std::vector<Facet>> {
    WM_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("SELECT dataset, SUM(records) FROM evidence_displacement_cells GROUP BY dataset", {}));
    return FacetsFromRows(rows);
  });
}

// ---------------------------------------------------------------- quarantine

Result<QuarantinedRow> SqlEvidenceStore::AddQuarantined(const QuarantinedRow& q) {
  return sql::Transact<QuarantinedRow>(db_, true, [&](Connection& c) -> Result<QuarantinedRow> {
    // The same bad row imported again is the row already waiting.
    WM_ASSIGN_OR_RETURN(auto waiting,
                        c.Query(std::string("SELECT ") + kQuarantineSelect +
                                    " FROM evidence_quarantine q WHERE q.status='open' AND q.dataset=$1 AND "
                                    "q.target=$2 AND q.raw=$3 ORDER BY q.id LIMIT 1",
                                {q.dataset, std::string(evidence::ImportTargetName(q.target)), q.raw}));
    if (!waiting.empty()) return QuarantinedFromRow(waiting.front());
    auto row = c.QueryOne(
        "INSERT INTO evidence_quarantine(batch_id, target, dataset, format, line, header, raw, problems, "
        "status, "
        "resolution, resolved_by, resolved_at, created_at) VALUES "
        "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) "
        "RETURNING id",
        {q.batch_id, std::string(evidence::ImportTargetName(q.target)), q.dataset, q.format, q.line,
         EncodeList(q.header), q.raw, EncodeProblems(q.problems), q.status, q.resolution,
         IdOrNull(q.resolved_by), q.resolved_at, q.created_at});
    if (!row.ok()) {
      if (IsForeignKeyViolation(row.status()))
        return Status::NotFound("no batch " + std::to_string(q.batch_id));
      return row.status();
    }
    QuarantinedRow out = q;
    out.id = row->Int(0);
    return out;
  });
}

Result<QuarantinedRow> SqlEvidenceStore::GetQuarantined(Id id) {
  return ReadSnapshot<QuarantinedRow>(db_, [&](Connection& c) -> Result<QuarantinedRow> {
    auto row = c.QueryOne(
        std::string("SELECT ") + kQuarantineSelect + " FROM evidence_quarantine q WHERE q.id=$1", {id});
    if (!row.ok()) return NotFoundAs(row.status(), "no quarantined row " + std::to_string(id));
    return QuarantinedFromRow(*row);
  });
}

Result<std::vector<QuarantinedRow>> SqlEvidenceStore::ListQuarantined(Id batch_id, const std::string& status,
                                                                      evidence::Page page) {
  return ReadSnapshot<std::vector<QuarantinedRow>>(
      db_, [&](Connection& c) -> Result<std::vector<QuarantinedRow>> {
        ParamList p;
        std::string where = " WHERE 1=1";
        if (batch_id != 0) where += " AND q.batch_id=" + p.Add(batch_id);
        if (!status.empty()) where += " AND q.status=" + p.Add(status);
        if (page.after_id != 0) {
          // After that row in the list's order: newer batches first, then id.
          std::string after = p.Add(page.after_id);
          std::string after_batch = "(SELECT a.batch_id FROM evidence_quarantine a WHERE a.id=" + after + ")";
          where += " AND (q.batch_id < " + after_batch + " OR (q.batch_id = " + after_batch + " AND q.id > " +
                   after + "))";
        }
        std::string limit = p.Add(static_cast<std::int64_t>(ClampLimit(page.limit)));
        WM_ASSIGN_OR_RETURN(
            auto rows, c.Query(std::string("SELECT ") + kQuarantineSelect + " FROM evidence_quarantine q" +
                                   where + " ORDER BY q.batch_id DESC, q.id LIMIT " + limit,
                               p.params));
        return MapRows(rows, QuarantinedFromRow);
      });
}

Result<std::int64_t> SqlEvidenceStore::CountQuarantined(const std::string& status) {
  return ReadSnapshot<std::int64_t>(db_, [&](Connection& c) -> Result<std::int64_t> {
    auto row = status.empty()
                   ? c.QueryOne("SELECT COUNT(*) FROM evidence_quarantine", {})
                   : c.QueryOne("SELECT COUNT(*) FROM evidence_quarantine WHERE status=$1", {status});
    if (!row.ok()) return row.status();
    return row->Int(0);
  });
}

Status SqlEvidenceStore::ResolveQuarantined(const QuarantinedRow& q, const std::string& from) {
  return sql::TransactStatus(db_, true, [&](Connection& c) -> Status {
    auto n = c.Execute(
        "UPDATE evidence_quarantine SET status=$2, resolution=$3, resolved_by=$4, resolved_at=$5, raw=$6, "
        "problems=$7 WHERE id=$1 AND status=$8",
        {q.id, q.status, q.resolution, IdOrNull(q.resolved_by), q.resolved_at, q.raw,
         EncodeProblems(q.problems), from});
    if (!n.ok()) {
      if (IsForeignKeyViolation(n.status())) return Status::NotFound("no such user to resolve the row");
      return n.status();
    }
    if (*n > 0) return Status::Ok();
    auto row = c.QueryOne("SELECT status FROM evidence_quarantine WHERE id=$1", {q.id});
    if (!row.ok()) return NotFoundAs(row.status(), "no quarantined row " + std::to_string(q.id));
    return Status::Conflict("quarantined row " + std::to_string(q.id) + " is already " + row->Text(0));
  });
}

// ---------------------------------------------------------------- officers

Result<bool> SqlEvidenceStore::IsOfficer(Id user_id) {
  return sql::WithConnection<bool>(db_, [&](Connection& c) -> Result<bool> {
    WM_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT 1 FROM evidence_officers WHERE user_id=$1", {user_id}));
    return !rows.empty();
  });
}

Status SqlEvidenceStore::SetOfficer(Id user_id, bool officer) {
  return sql::TransactStatus(db_, true, [&](Connection& c) -> Status {
    if (!officer) return c.Execute("DELETE FROM evidence_officers WHERE user_id=$1", {user_id}).status();
    auto n = c.Execute("INSERT INTO evidence_officers(user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING",
                       {user_id});
    if (!n.ok() && IsForeignKeyViolation(n.status()))
      return Status::NotFound("no user " + std::to_string(user_id));
    return n.status();
  });
}

Result<std::vector<Id>> SqlEvidenceStore::ListOfficers() {
  return sql::WithConnection<std::vector<Id>>(db_, [&](Connection& c) -> Result<std::vector<Id>> {
    WM_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT user_id FROM evidence_officers ORDER BY user_id", {}));
    return MapRows(rows, [](const Row& r) { return r.Int(0); });
  });
}

// ---------------------------------------------------------------- saved queries

Result<SavedQuery> SqlEvidenceStore::SaveQuery(const SavedQuery& q) {
  return sql::Transact<SavedQuery>(db_, true, [&](Connection& c) -> Result<SavedQuery> {
    auto row = c.QueryOne(
        "INSERT INTO evidence_queries(target, title, query, created_by, created_at) VALUES ($1,$2,$3,$4,$5) "
        "RETURNING id",
        {std::string(evidence::ImportTargetName(q.target)), q.title, q.query, IdOrNull(q.created_by),
         q.created_at});
    if (!row.ok()) {
      if (IsForeignKeyViolation(row.status()))
        return Status::NotFound("no user " + std::to_string(q.created_by));
      return row.status();
    }
    SavedQuery out = q;
    out.id = row->Int(0);
    return out;
  });
}

Result<SavedQuery> SqlEvidenceStore::GetQuery(Id id) {
  return ReadSnapshot<SavedQuery>(db_, [&](Connection& c) -> Result<SavedQuery> {
    auto row = c.QueryOne(std::string("SELECT ") + kQuerySelect + " FROM evidence_queries WHERE id=$1", {id});
    if (!row.ok()) return NotFoundAs(row.status(), "no saved query " + std::to_string(id));
    return QueryFromRow(*row);
  });
}

Result<std::vector<SavedQuery>> SqlEvidenceStore::ListQueries(int limit) {
  return ReadSnapshot<std::vector<SavedQuery>>(db_, [&](Connection& c) -> Result<std::vector<SavedQuery>> {
    WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kQuerySelect +
                                               " FROM evidence_queries ORDER BY id DESC LIMIT $1",
                                           {static_cast<std::int64_t>(ClampLimit(limit))}));
    return MapRows(rows, QueryFromRow);
  });
}

}  // namespace waymark::storage
