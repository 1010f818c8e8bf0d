// The IOM Missing Migrants Project parsers: four real schemas of the same
// publisher's data (../shared/data/iom-missing-migrants/SOURCE.md), read by
// column name into one Incident. The decisions taken on bad cells are
// written where they are taken (and collected in docs/evidence.md).
#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "domain/evidence/cells.h"
#include "domain/evidence/csv.h"
#include "domain/evidence/hxl.h"
#include "domain/evidence/parse.h"

namespace waymark::evidence {

namespace {

// ---------------------------------------------------------------- schemas

enum Field {
  kMainId,
  kIncidentId,
  kIncidentType,
  kRegion,
  kDate,
  kYear,
  kMonth,
  kDead,
  kMissing,
  kTotal,
  kSurvivors,
  kFemales,
  kMales,
  kChildren,
  kCountryOfOrigin,
  kRegionOfOrigin,
  kCause,
  kCountry,
  kRoute,
  kLocation,
  kCoordinates,
  kUnsd,
  kInformationSource,
  kUrl,
  kSourceQuality,
  kLatitude,   // HXL: #geo+lat, a column of its own
  kLongitude,  // HXL: #geo+lon
  kFieldCount,
};

struct Format {
  std::string name;
  std::string dataset;
  bool json;
  // The column (or key) names of each field, the first being the
  // publisher's; empty when the schema has no such column.
  std::array<std::vector<std::string>, kFieldCount> names;
};

Format MakeFormat(const char* name, const char* dataset, bool json,
                  std::vector<std::pair<Field, std::vector<std::string>>> columns) {
  Format f{name, dataset, json, {}};
  for (auto& [field, names] : columns) f.names[field] = std::move(names);
  return f;
}

// In the order "auto" tries them. Every listed column is required: a file
// that lacks one is not that schema (a newer export with renamed columns
// must be looked at by a person before it is imported).
const std::vector<Format>& Formats() {
  static const std::vector<Format> kFormats = {
      MakeFormat("mmp-current", "mmp", false,
                 {{kMainId, {"Main ID"}},
                  {kIncidentId, {"Incident ID"}},
                  {kIncidentType, {"Incident Type"}},
                  {kRegion, {"Region of Incident"}},
                  {kDate, {"Incident Date"}},
                  {kYear, {"Incident Year"}},
                  {kMonth, {"Month"}},
                  {kDead, {"Number of Dead"}},
                  {kMissing, {"Minimum Estimated Number of Missing"}},
                  {kTotal, {"Total Number of Dead and Missing"}},
                  {kSurvivors, {"Number of Survivors"}},
                  {kFemales, {"Number of Females"}},
                  {kMales, {"Number of Males"}},
                  {kChildren, {"Number of Children"}},
                  {kCountryOfOrigin, {"Country of Origin"}},
                  {kRegionOfOrigin, {"Region of Origin"}},
                  {kCause, {"Cause of Death"}},
                  {kCountry, {"Country of Incident"}},
                  {kRoute, {"Migration Route"}},
                  {kLocation, {"Location of Incident"}},
                  {kCoordinates, {"Coordinates"}},
                  {kUnsd, {"UNSD Geographical Grouping"}},
                  {kInformationSource, {"Information Source"}},
                  {kUrl, {"URL"}},
                  {kSourceQuality, {"Source Quality"}}}),
      MakeFormat("mmp-2026", "mmp", false,
                 {{kMainId, {"Main ID"}},
                  {kIncidentId, {"Incident ID"}},
                  {kRegion, {"Region"}},
                  {kDate, {"Incident Date"}},
                  {kYear, {"Year"}},
                  {kMonth, {"Reported Month"}},
                  {kDead, {"Number Dead"}},
                  {kMissing, {"Minimum Estimated Number of Missing"}},
                  {kSurvivors, {"Number of Survivors"}},
                  {kFemales, {"Number of Females"}},
                  {kMales, {"Number of Males"}},
                  {kChildren, {"Number of Children"}},
                  {kRegionOfOrigin, {"Region of Origin"}},
                  {kCause, {"Cause of Death"}},
                  {kCountryOfOrigin, {"Country of Origin"}},
                  {kLocation, {"Location of death"}},
                  {kInformationSource, {"Information Source"}},
                  {kCoordinates, {"Coordinates"}},
                  {kRoute, {"Migration route"}},
                  {kUrl, {"URL"}},
                  {kUnsd, {"UNSD Geographical Grouping"}},
                  {kSourceQuality, {"Source Quality"}}}),
      MakeFormat("mmp-legacy", "mmp-legacy", false,
                 {{kMainId, {"Web ID"}},
                  {kRegion, {"Region of Incident"}},
                  {kDate, {"Reported Date"}},
                  {kYear, {"Reported Year"}},
                  {kMonth, {"Reported Month"}},
                  {kDead, {"Number Dead"}},
                  {kMissing, {"Minimum Estimated Number of Missing"}},
                  {kTotal, {"Total Dead and Missing"}},
                  {kSurvivors, {"Number of Survivors"}},
                  {kFemales, {"Number of Females"}},
                  {kMales, {"Number of Males"}},
                  {kChildren, {"Number of Children"}},
                  {kCause, {"Cause of Death"}},
                  {kLocation, {"Location Description"}},
                  {kInformationSource, {"Information Source"}},
                  {kCoordinates, {"Location Coordinates"}},
                  {kRoute, {"Migration Route"}},
                  {kUrl, {"URL"}},
                  {kUnsd, {"UNSD Geographical Grouping"}},
                  {kSourceQuality, {"Source Quality"}}}),
      // The API's keys, with its misspelt "location_coodinates" (the
      // correct spelling is taken too, should IOM fix it).
      MakeFormat("mmp-api", "mmp", true,
                 {{kMainId, {"web_id"}},
                  {kRegion, {"region"}},
                  {kDate, {"reported_date"}},
                  {kDead, {"number_dead"}},
                  {kMissing, {"number_missing"}},
                  {kTotal, {"total_dead_and_missing"}},
                  {kSurvivors, {"number_of_survivors"}},
                  {kFemales, {"number_of_female"}},
                  {kMales, {"number_of_male"}},
                  {kChildren, {"number_of_children"}},
                  {kCause, {"cause_death"}},
                  {kCountry, {"country_of_incident"}},
                  {kLocation, {"location_description"}},
                  {kUnsd, {"unsd_geographic_grouping"}},
                  {kCoordinates, {"location_coodinates", "location_coordinates"}},
                  {kRoute, {"migration_route"}},
                  {kInformationSource, {"information_source"}},
                  {kUrl, {"url"}},
                  {kSourceQuality, {"source_quality"}},
                  {kRegionOfOrigin, {"region_origin"}},
                  {kCountryOfOrigin, {"country_origin"}}}),
  };
  return kFormats;
}

const Format* FindFormat(const std::string& name) {
  for (const Format& f : Formats()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

std::string Lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Where each field is in a header: its 0-based index, or -1. Names are
// compared trimmed and case-insensitively.
struct Mapping {
  std::array<int, kFieldCount> index;
  std::vector<std::string> missing;  // the publisher's names of absent columns
};

Mapping MapHeader(const Format& f, const std::vector<std::string>& header) {
  Mapping m;
  m.index.fill(-1);
  std::vector<std::string> keys;
  keys.reserve(header.size());
  for (const std::string& h : header) keys.push_back(Lowered(cells::Trim(h)));
  for (int field = 0; field < kFieldCount; ++field) {
    const auto& names = f.names[static_cast<std::size_t>(field)];
    if (names.empty()) continue;
    for (const std::string& name : names) {
      auto it = std::find(keys.begin(), keys.end(), Lowered(name));
      if (it != keys.end()) {
        m.index[static_cast<std::size_t>(field)] = static_cast<int>(it - keys.begin());
        break;
      }
    }
    if (m.index[static_cast<std::size_t>(field)] < 0) m.missing.push_back(names.front());
  }
  return m;
}

std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

FileShape ShapeOf(const Format& f, const Mapping& m, const std::vector<std::string>& header) {
  FileShape shape;
  shape.format = f.name;
  shape.dataset = f.dataset;
  if (!f.json) shape.header = header;
  for (std::size_t i = 0; i < header.size(); ++i) {
    bool used = std::find(m.index.begin(), m.index.end(), static_cast<int>(i)) != m.index.end();
    (used ? shape.columns_used : shape.columns_ignored).push_back(cells::Trim(header[i]));
  }
  return shape;
}

// Picks the format of a header: the one asked for, or with "auto" the
// first whose columns are all there.
Result<const Format*> ChooseFormat(const std::string& asked, bool json,
                                   const std::vector<std::string>& header, Mapping& mapping) {
  if (asked != "auto") {
    const Format* f = FindFormat(asked);
    if (f == nullptr) return Status::InvalidArgument("unknown incident format: " + asked);
    if (f->json != json) {
      return Status::InvalidArgument("format " + f->name + " is " + (f->json ? "JSON" : "CSV") +
                                     " but the file is " + (json ? "JSON" : "CSV"));
    }
    mapping = MapHeader(*f, header);
    if (!mapping.missing.empty()) {
      return Status::InvalidArgument("line 1: not a " + f->name + " file, missing " +
                                     (json ? "keys" : "columns") + ": " + Join(mapping.missing, ", "));
    }
    return f;
  }
  const Format* closest = nullptr;
  std::vector<std::string> closest_missing;
  for (const Format& f : Formats()) {
    if (f.json != json) continue;
    Mapping m = MapHeader(f, header);
    if (m.missing.empty()) {
      mapping = std::move(m);
      return &f;
    }
    if (closest == nullptr || m.missing.size() < closest_missing.size()) {
      closest = &f;
      closest_missing = m.missing;
    }
  }
  if (closest == nullptr) return Status::InvalidArgument("no MMP format for this file");
  return Status::InvalidArgument(std::string("line 1: no known MMP ") + (json ? "keys" : "header") +
                                 "; the closest format, " + closest->name +
                                 ", misses: " + Join(closest_missing, ", "));
}

// ---------------------------------------------------------------- causes

struct CauseRule {
  std::string_view needle;  // lower case, found anywhere in the free-text item
  Cause cause;
};

// Legacy (2014-2020) free-text causes, one comma-separated item at a time,
// to the publisher's 2019 categories. The first rule whose needle is in the
// item wins, so transport comes before "fall" and "accident". An item no
// rule knows is kMixedOrUnknown; cause_text always keeps the original.
// Left on purpose to kMixedOrUnknown, because the text does not say which
// category IOM would choose: "Suffocation" and "Asphyxiation" (in a truck?
// a boat's hold? a crowd?), "Killed by landmine blast", "Suicide",
// "Hanging", "Crushed", "Collision", "Gassed", "Poison".
constexpr CauseRule kLegacyCauseRules[] = {
    {"drown", Cause::kDrowning},  // "Drowning", "Presumed drowning"
    {"vehicle", Cause::kVehicleAccident},
    {"train", Cause::kVehicleAccident},  // "Hit by train", "Fall from train", "Train Accident"
    {"truck", Cause::kVehicleAccident},
    {"railway", Cause::kVehicleAccident},  // "Electrocution on railway"
    {"by bus", Cause::kVehicleAccident},   // "Crushed by bus" (not "bus": "Abuse")
    {"car accident", Cause::kVehicleAccident},
    {"by car", Cause::kVehicleAccident},
    {"stowaway", Cause::kVehicleAccident},  // "Plane stowaway": hazardous transport
    {"sickness", Cause::kSickness},         // "Sickness and lack of access to medicines"
    {"illness", Cause::kSickness},
    {"medicine", Cause::kSickness},
    {"cardiac", Cause::kSickness},
    {"heart attack", Cause::kSickness},
    {"coronary", Cause::kSickness},
    {"pneumonia", Cause::kSickness},
    {"infection", Cause::kSickness},
    {"cancer", Cause::kSickness},
    {"organ failure", Cause::kSickness},
    {"pulmonary", Cause::kSickness},
    {"hypoglycemia", Cause::kSickness},
    {"seizure", Cause::kSickness},
    {"post-partum", Cause::kSickness},
    {"bleeding", Cause::kSickness},
    {"dehydration", Cause::kHarshConditions},
    {"starvation", Cause::kHarshConditions},
    {"hypothermia", Cause::kHarshConditions},
    {"hyperthermia", Cause::kHarshConditions},  // also "Probable/Presumed hyperthermia"
    {"exposure", Cause::kHarshConditions},
    {"harsh", Cause::kHarshConditions},  // "Harsh weather/lack of adequate shelter"
    {"malnutrition", Cause::kHarshConditions},
    {"exhaustion", Cause::kHarshConditions},
    {"heat stroke", Cause::kHarshConditions},
    {"shot", Cause::kViolence},
    {"stab", Cause::kViolence},
    {"murder", Cause::kViolence},
    {"violence", Cause::kViolence},
    {"physical abuse", Cause::kViolence},
    {"sexual abuse", Cause::kViolence},
    {"beaten", Cause::kViolence},
    {"attacked", Cause::kViolence},
    {"rape", Cause::kViolence},
    {"tortur", Cause::kViolence},
    {"air strike", Cause::kViolence},
    {"mortar", Cause::kViolence},
    {"gunfire", Cause::kViolence},  // before "fire"
    {"fall", Cause::kAccidental},
    {"electrocut", Cause::kAccidental},
    {"burn", Cause::kAccidental},  // "Burned", "Fuel burns"
    {"fire", Cause::kAccidental},
    {"crocodile", Cause::kAccidental},
    {"hippop", Cause::kAccidental},  // also the misspelt "hippoptamus"
    {"envenomation", Cause::kAccidental},
    {"rockslide", Cause::kAccidental},
    {"accident", Cause::kAccidental},
    {"unknown", Cause::kMixedOrUnknown},
    {"mixed", Cause::kMixedOrUnknown},
};

// The categories in a cause cell. The 7 known labels are matched whole
// (longest first, case-insensitively) at the start of each item, because
// "Harsh environmental conditions / lack of adequate shelter, food, water"
// contains commas; whatever is left up to the next comma is a free-text
// item mapped by kLegacyCauseRules.
std::vector<Cause> MatchCauses(const std::string& text, std::vector<std::string>& unmapped) {
  std::array<Cause, kCauseCount> by_length = {
      Cause::kDrowning, Cause::kHarshConditions, Cause::kVehicleAccident, Cause::kSickness,
      Cause::kViolence, Cause::kAccidental,      Cause::kMixedOrUnknown};
  std::sort(by_length.begin(), by_length.end(), [](Cause a, Cause b) {
    return std::string_view(CauseLabel(a)).size() > std::string_view(CauseLabel(b)).size();
  });
  const std::string lower = Lowered(text);
  std::vector<Cause> out;
  auto add = [&](Cause c) {
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  };
  std::size_t p = 0;
  while (p < lower.size()) {
    while (p < lower.size() && (lower[p] == ',' || lower[p] == ' ' || lower[p] == ';')) ++p;
    if (p >= lower.size()) break;
    bool matched = false;
    for (Cause c : by_length) {
      const std::string label = Lowered(CauseLabel(c));
      if (lower.compare(p, label.size(), label) == 0 &&
          (p + label.size() == lower.size() || lower[p + label.size()] == ',' ||
           lower[p + label.size()] == ' ' || lower[p + label.size()] == ';')) {
        add(c);
        p += label.size();
        matched = true;
        break;
      }
    }
    if (matched) continue;
    std::size_t end = lower.find(',', p);
    if (end == std::string::npos) end = lower.size();
    const std::string item = cells::Trim(std::string_view(lower).substr(p, end - p));
    bool ruled = false;
    for (const CauseRule& r : kLegacyCauseRules) {
      if (item.find(r.needle) != std::string::npos) {
        add(r.cause);
        ruled = true;
        break;
      }
    }
    if (!ruled) {
      add(Cause::kMixedOrUnknown);
      unmapped.push_back(cells::Trim(std::string_view(text).substr(p, end - p)));
    }
    p = end;
  }
  return out;
}

// ---------------------------------------------------------------- one row

// One row's cells by field, whatever the file's shape.
struct RowCells {
  std::array<std::string, kFieldCount> value;  // as given (untrimmed)
  std::array<int, kFieldCount> column{};       // 1-based; 0 when absent
  std::array<std::string, kFieldCount> name;   // the file's column name
  std::array<bool, kFieldCount> present{};
};

std::vector<Origin> Origins(const std::string& cell) {
  std::vector<Origin> out;
  for (std::string& item : cells::SplitList(cell)) {
    Origin o;
    constexpr std::string_view kPresumed = "(P)";
    if (item.size() >= kPresumed.size() &&
        item.compare(item.size() - kPresumed.size(), kPresumed.size(), kPresumed) == 0) {
      o.presumed = true;
      item = cells::Trim(std::string_view(item).substr(0, item.size() - kPresumed.size()));
    }
    // Decision: "Unknown" is not a place. It is dropped, so that an empty
    // list means "not known" whichever way the publisher wrote it.
    if (item.empty() || Lowered(item) == "unknown") continue;
    o.name = std::move(item);
    if (std::find(out.begin(), out.end(), o) == out.end()) out.push_back(std::move(o));
  }
  return out;
}

void BuildIncident(const Format& f, const RowCells& c, ParsedRow<Incident>& row) {
  Incident& in = row.records.emplace_back();
  auto problem = [&](Field field, std::string reason) {
    row.problems.push_back(RowProblem{row.line, c.column[field], c.name[field], std::move(reason)});
  };
  auto note = [&](Field field, std::string reason) {
    row.notes.push_back(RowProblem{row.line, c.column[field], c.name[field], std::move(reason)});
  };
  auto text = [&](Field field) { return c.present[field] ? cells::Trim(c.value[field]) : std::string(); };
  // Names and lists: the API writes "C\u00f4te d&#039;Ivoire" and "&amp;"
  // in URLs; character references are decoded, said in a note.
  auto decoded = [&](Field field) {
    std::string t = text(field);
    if (t.find('&') != std::string::npos) {
      std::string d = cells::DecodeHtmlEntities(t);
      if (d != t) {
        note(field, "HTML entities decoded");
        t = std::move(d);
      }
    }
    return t;
  };
  // Free text: HTML (one Location in the primary file, entities in the
  // API) becomes plain text, said in a note.
  auto plain = [&](Field field) {
    std::string t = text(field);
    if (cells::LooksLikeHtml(t)) {
      t = cells::HtmlToText(t);
      note(field, "HTML removed");
    }
    return t;
  };

  in.dataset = f.dataset;
  // source_id: the Main ID without U+FEFF and whitespace. Legacy Web IDs
  // are an unrelated numbering: "web:" keeps them apart from Main IDs, and
  // their own dataset keeps them from being merged or summed with them.
  std::string id = text(kMainId);
  if (id.empty()) {
    problem(kMainId, "no record id");
  } else if (f.name == "mmp-legacy") {
    id = "web:" + id;
  }
  in.source_id = id;
  in.part = 1;  // the store numbers split incidents that share a Main ID
  in.incident_ids = cells::SplitList(text(kIncidentId));

  if (c.present[kIncidentType]) {
    const std::string type = text(kIncidentType);
    bool plain_incident = false, split = false, cumulative = false, unknown = false;
    for (const std::string& t : cells::SplitList(type)) {
      const std::string l = Lowered(t);
      if (l == "incident") {
        plain_incident = true;
      } else if (l == "split incident") {
        split = true;
      } else if (l == "cumulative incident") {
        cumulative = true;
      } else {
        unknown = true;
      }
    }
    if (unknown) {
      problem(kIncidentType, "unknown incident type: " + type);
    } else if (cumulative) {
      in.kind = IncidentKind::kCumulative;
    } else if (plain_incident) {
      in.kind = IncidentKind::kIncident;
      in.also_split = split;  // "Incident,Split Incident"
    } else if (split) {
      in.kind = IncidentKind::kSplit;
    }
  }

  in.regions = cells::SplitList(decoded(kRegion));

  cells::DateCell date = cells::ParseDate(text(kDate));
  if (!date.error.empty()) problem(kDate, date.error);
  // A blank date is not an error (13 rows of the primary file): the row
  // counts, with year 0. "0" is the same, with a note.
  if (!date.note.empty()) note(kDate, date.note);
  in.date = date.date;
  if (c.present[kYear]) {
    const std::string y = text(kYear);
    if (!y.empty()) {
      cells::CountCell yc = cells::ParseCount(y);
      if (!yc.error.empty() || !yc.value || *yc.value < 1 || *yc.value > 9999) {
        problem(kYear, "not a year: " + y);
      } else {
        in.year = static_cast<int>(*yc.value);
      }
    }
  } else {
    in.year = in.date.year;
  }
  if (c.present[kMonth]) {
    const std::string m = text(kMonth);
    if (!m.empty()) {
      in.month = cells::MonthFromName(m);
      if (in.month == 0) {
        cells::CountCell mc = cells::ParseCount(m);
        if (mc.error.empty() && mc.value && *mc.value >= 1 && *mc.value <= 12) {
          in.month = static_cast<int>(*mc.value);
        } else {
          problem(kMonth, "not a month: " + m);
        }
      }
    }
  } else {
    in.month = in.date.month;
  }
  // No date but a year (and month) column: the date is known to that precision.
  if (!in.date.known() && in.year != 0) {
    in.date.year = in.year;
    in.date.month = in.month;
    in.date.precision = in.month ? DatePrecision::kMonth : DatePrecision::kYear;
  }
  if (in.date.known() && in.year != 0 && in.date.year != in.year) {
    note(kYear,
         "year " + std::to_string(in.year) + " differs from the date's " + std::to_string(in.date.year));
  }

  // Counts. Decision: a negative count rejects the row ("negative count -2"),
  // so that a data officer corrects it in the quarantine rather than Waymark
  // guessing whether it was a sign typo or a correction of an earlier figure.
  auto count = [&](Field field) -> std::optional<std::int64_t> {
    if (!c.present[field]) return std::nullopt;
    cells::CountCell cc = cells::ParseCount(c.value[field]);
    if (!cc.error.empty()) {
      problem(field, cc.error);
      return std::nullopt;
    }
    if (!cc.note.empty()) note(field, cc.note);
    return cc.value;
  };
  in.dead = count(kDead);
  // Decision: the 2026 export writes 0 for "no missing" where older files
  // leave the cell blank; the 0 is kept as the publisher wrote it (it adds
  // nothing to a total, and "0 missing" is what IOM says).
  in.missing = count(kMissing);
  in.survivors = count(kSurvivors);
  in.females = count(kFemales);
  in.males = count(kMales);
  in.children = count(kChildren);
  // Total: the publisher's rule is dead + missing with blanks as 0. A
  // published total is kept as it is, with a note when it disagrees; when
  // the file has none (2026) or the cell is blank, it is computed.
  std::optional<std::int64_t> sum;
  if (in.dead || in.missing) sum = in.dead.value_or(0) + in.missing.value_or(0);
  if (c.present[kTotal]) {
    in.total = count(kTotal);
    // Only when dead and missing were readable: a rejected count would make
    // every comparison a false alarm.
    if (!row.problems.empty()) {
      // nothing to compare
    } else if (in.total && sum && *in.total != *sum) {
      note(kTotal,
           "total " + std::to_string(*in.total) + " differs from dead + missing = " + std::to_string(*sum));
    } else if (!in.total && sum) {
      in.total = sum;
      note(kTotal, "total computed as dead + missing");
    }
  } else {
    in.total = sum;
  }

  in.cause_text = decoded(kCause);
  std::vector<std::string> unmapped;
  in.causes = MatchCauses(in.cause_text, unmapped);
  for (const std::string& u : unmapped) note(kCause, "cause \"" + u + "\" counted as mixed or unknown");

  // Decision: "(P)" becomes the presumed flag; "Unknown" origins are dropped.
  in.countries_of_origin = Origins(decoded(kCountryOfOrigin));
  in.regions_of_origin = Origins(decoded(kRegionOfOrigin));
  // The country name as given; no ISO code is looked up here.
  in.country = decoded(kCountry);
  in.location = plain(kLocation);

  cells::LatLonCell ll = cells::ParseLatLon(text(kCoordinates));
  if (!ll.error.empty()) problem(kCoordinates, ll.error);  // out of range rejects the row
  in.latitude = ll.latitude;
  in.longitude = ll.longitude;
  // HXL: latitude and longitude in columns of their own.
  auto degrees = [&](Field field, double limit) -> std::optional<double> {
    const std::string t = text(field);
    if (t.empty()) return std::nullopt;
    std::optional<double> v = cells::ParseDouble(t);
    if (!v) {
      problem(field, "not a number: " + t);
    } else if (*v < -limit || *v > limit) {
      problem(field, "coordinate out of range: " + t);
      v.reset();
    }
    return v;
  };
  if (c.present[kLatitude]) in.latitude = degrees(kLatitude, 90);
  if (c.present[kLongitude]) in.longitude = degrees(kLongitude, 180);

  in.route = decoded(kRoute);
  in.unsd_grouping = decoded(kUnsd);
  in.information_source = plain(kInformationSource);
  in.urls = cells::SplitList(decoded(kUrl));

  // "4,5" is several scores (49 rows): kept ascending, without repeats.
  for (const std::string& q : cells::SplitList(text(kSourceQuality))) {
    cells::CountCell qc = cells::ParseCount(q);
    if (!qc.error.empty() || !qc.value || *qc.value < 1 || *qc.value > 5) {
      problem(kSourceQuality, "source quality not 1..5: " + q);
      continue;
    }
    in.source_quality.push_back(static_cast<int>(*qc.value));
  }
  std::sort(in.source_quality.begin(), in.source_quality.end());
  in.source_quality.erase(std::unique(in.source_quality.begin(), in.source_quality.end()),
                          in.source_quality.end());

  if (row.rejected()) row.records.clear();
}

void FillFromCsv(const Mapping& m, const std::vector<std::string>& header,
                 const std::vector<std::string>& fields, RowCells& c) {
  for (int field = 0; field < kFieldCount; ++field) {
    int i = m.index[static_cast<std::size_t>(field)];
    if (i < 0) continue;
    auto k = static_cast<std::size_t>(field);
    c.present[k] = true;
    c.column[k] = i + 1;
    c.name[k] = cells::Trim(header[static_cast<std::size_t>(i)]);
    if (static_cast<std::size_t>(i) < fields.size()) c.value[k] = fields[static_cast<std::size_t>(i)];
  }
}

ParsedRow<Incident> CsvRow(const Format& f, const Mapping& m, const std::vector<std::string>& header,
                           std::vector<std::string> fields, std::string raw, std::int64_t line) {
  ParsedRow<Incident> row;
  row.line = line;
  row.raw = std::move(raw);
  if (fields.size() != header.size()) {
    row.problems.push_back(RowProblem{
        line, 0, "",
        "row has " + std::to_string(fields.size()) + " fields, the header " + std::to_string(header.size())});
    return row;
  }
  RowCells c;
  FillFromCsv(m, header, fields, c);
  BuildIncident(f, c, row);
  return row;
}

// A JSON object's values by field. Strings are taken as they are; numbers
// and booleans as their JSON text; null as blank. A missing key is blank.
// An array or object value is a problem.
void FillFromJson(const Format& f, const nlohmann::ordered_json& obj, ParsedRow<Incident>& row, RowCells& c) {
  std::vector<std::string> keys;
  for (auto it = obj.begin(); it != obj.end(); ++it) keys.push_back(it.key());
  for (int field = 0; field < kFieldCount; ++field) {
    auto k = static_cast<std::size_t>(field);
    if (f.names[k].empty()) continue;
    c.present[k] = true;
    c.name[k] = f.names[k].front();
    for (const std::string& name : f.names[k]) {
      auto it = obj.find(name);
      if (it == obj.end()) continue;
      c.name[k] = name;
      c.column[k] = static_cast<int>(std::find(keys.begin(), keys.end(), name) - keys.begin()) + 1;
      if (it->is_string()) {
        c.value[k] = it->get<std::string>();
      } else if (it->is_number() || it->is_boolean()) {
        c.value[k] = it->dump();
      } else if (!it->is_null()) {
        row.problems.push_back(RowProblem{row.line, c.column[k], name, "not a single value"});
      }
      break;
    }
  }
}

ParsedRow<Incident> JsonRow(const Format& f, const nlohmann::ordered_json& obj, std::string raw,
                            std::int64_t line) {
  ParsedRow<Incident> row;
  row.line = line;
  row.raw = std::move(raw);
  if (!obj.is_object()) {
    row.problems.push_back(RowProblem{line, 0, "", "not a JSON object"});
    return row;
  }
  RowCells c;
  FillFromJson(f, obj, row, c);
  BuildIncident(f, c, row);
  return row;
}

// ---------------------------------------------------------------- JSON, one object at a time

// Reads a JSON array of objects one element at a time, keeping only the
// current object's text: memory is bounded by the largest object, not the
// file. Structure errors name line and column.
class JsonArrayReader {
 public:
  JsonArrayReader(std::streambuf* sb, std::size_t max_object_bytes) : sb_(sb), max_(max_object_bytes) {}

  // The next object's text and the line it starts on; false after ']'.
  Result<bool> Next(std::string& text, std::int64_t& start_line) {
    using Traits = std::char_traits<char>;
    if (state_ == kDone) return false;
    SkipSpace();
    int c = Peek();
    if (state_ == kStart) {
      if (c != '[') return Error("expected a JSON array");
      Get();
      state_ = kFirst;
      SkipSpace();
      c = Peek();
    } else if (state_ == kAfter) {
      if (c == ',') {
        Get();
        SkipSpace();
        c = Peek();
        if (c != '{') return Error("expected an object after ','");
      } else if (c != ']') {
        return Error("expected ',' or ']'");
      }
    }
    if (c == ']') {  // after '[' or after an object; never after ','
      Get();
      state_ = kDone;
      SkipSpace();
      if (Peek() != Traits::eof()) return Error("text after the end of the array");
      return false;
    }
    if (c != '{') return Error("expected an object");
    start_line = line_;
    text.clear();
    int depth = 0;
    bool in_string = false, escape = false;
    for (;;) {
      int ch = Get();
      if (ch == Traits::eof()) return Error("unterminated object");
      if (text.size() >= max_) return Error("object longer than " + std::to_string(max_) + " bytes");
      text.push_back(Traits::to_char_type(ch));
      if (in_string) {
        if (escape) {
          escape = false;
        } else if (ch == '\\') {
          escape = true;
        } else if (ch == '"') {
          in_string = false;
        }
        continue;
      }
      if (ch == '"') {
        in_string = true;
      } else if (ch == '{' || ch == '[') {
        ++depth;
      } else if (ch == '}' || ch == ']') {
        if (--depth == 0) break;
      }
    }
    state_ = kAfter;
    return true;
  }

  std::int64_t line() const { return line_; }

 private:
  enum State { kStart, kFirst, kAfter, kDone };

  int Peek() { return sb_ ? sb_->sgetc() : std::char_traits<char>::eof(); }
  int Get() {
    int c = sb_ ? sb_->sbumpc() : std::char_traits<char>::eof();
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if (c != std::char_traits<char>::eof()) {
      ++column_;
    }
    return c;
  }
  void SkipSpace() {
    for (int c = Peek(); c == ' ' || c == '\t' || c == '\r' || c == '\n'; c = Peek()) Get();
  }
  Status Error(const std::string& what) {
    state_ = kDone;
    return Status::InvalidArgument("line " + std::to_string(line_) + ", column " + std::to_string(column_) +
                                   ": " + what);
  }

  std::streambuf* sb_;
  std::size_t max_;
  State state_ = kStart;
  std::int64_t line_ = 1;
  std::int64_t column_ = 1;
};

// Parses one object's text; a syntax error names the line and column in
// the file.
Result<nlohmann::ordered_json> ParseObject(const std::string& text, std::int64_t start_line) {
  try {
    return nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::ordered_json::parse_error& e) {
    std::int64_t line = start_line;
    std::size_t col = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return Status::InvalidArgument("line " + std::to_string(line) + ", column " + std::to_string(col) +
                                   ": JSON syntax error: " + e.what());
  }
}

Result<FileShape> ParseApi(std::istream& in, const ParseOptions& opts, const RowSink<Incident>& sink) {
  JsonArrayReader reader(in.rdbuf(), 1 << 20);
  const Format* f = nullptr;
  FileShape shape;
  std::string text;
  std::int64_t line = 0;
  for (;;) {
    WM_ASSIGN_OR_RETURN(bool got, reader.Next(text, line));
    if (!got) break;
    WM_ASSIGN_OR_RETURN(nlohmann::ordered_json obj, ParseObject(text, line));
    if (f == nullptr) {
      // The first object's keys choose the format (the shape is known
      // before any row is handed on).
      std::vector<std::string> keys;
      if (obj.is_object()) {
        for (auto it = obj.begin(); it != obj.end(); ++it) keys.push_back(it.key());
      }
      Mapping m;
      WM_ASSIGN_OR_RETURN(f, ChooseFormat(opts.format, true, keys, m));
      shape = ShapeOf(*f, m, keys);
      if (sink.on_shape) WM_RETURN_IF_ERROR(sink.on_shape(shape));
    }
    if (sink.on_row) WM_RETURN_IF_ERROR(sink.on_row(JsonRow(*f, obj, text, line)));
  }
  if (f == nullptr) {
    // An empty array: nothing to choose from; the API's shape.
    f = FindFormat("mmp-api");
    if (opts.format != "auto" && opts.format != "mmp-api") {
      return Status::InvalidArgument("format " + opts.format + " is CSV but the file is JSON");
    }
    shape.format = f->name;
    shape.dataset = f->dataset;
    if (sink.on_shape) WM_RETURN_IF_ERROR(sink.on_shape(shape));
  }
  return shape;
}

// ---------------------------------------------------------------- HXL incidents

// Which incident field a hashtag names, or kFieldCount, and its rank when
// several columns could give it (lower wins: #date before #date+occurred
// before #date+start). Only exact tags: a disaggregated figure
// (#affected+killed+f) is a part of a total, not one.
Field HxlField(const hxl::Tag& t, int& rank) {
  rank = 0;
  auto only = [&](std::string_view attribute) {
    return t.attributes.size() == 1 && t.attributes[0] == attribute;
  };
  if (t.name == "#affected" && (only("killed") || only("dead"))) return kDead;
  if (t.name == "#affected" && only("missing")) return kMissing;
  if ((t.name == "#meta" || t.name == "#event") && only("id")) return kMainId;
  if (t.name == "#date" && t.attributes.empty()) return kDate;
  if (t.name == "#date" && (only("occurred") || only("start"))) {
    rank = only("occurred") ? 1 : 2;
    return kDate;
  }
  if (t.name == "#date" && only("year")) return kYear;
  if (t.name == "#geo" && only("lat")) return kLatitude;
  if (t.name == "#geo" && only("lon")) return kLongitude;
  if (t.name == "#country" && (t.attributes.empty() || only("name"))) return kCountry;
  if (t.name == "#loc" && only("name")) return kLocation;
  if (t.name == "#region" && only("name")) return kRegion;
  if (t.name == "#meta" && only("source")) return kInformationSource;
  if (t.name == "#meta" && only("url")) return kUrl;
  return kFieldCount;
}

struct HxlMap {
  Format format;
  std::array<int, kFieldCount> index;
  std::array<std::string, kFieldCount> tag;  // canonical hashtag of each used column
  std::vector<std::string> used, ignored;
};

// Maps a hashtag row (and the text header above it, which may be empty).
// The first column with a field wins; later ones are ignored.
HxlMap MapHxl(const std::vector<std::string>& text_header, const std::vector<std::string>& hashtags,
              const std::string& dataset) {
  HxlMap m{MakeFormat("hxl", dataset.c_str(), false, {}), {}, {}, {}, {}};
  m.index.fill(-1);
  std::array<int, kFieldCount> best_rank;
  best_rank.fill(1000);
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < hashtags.size(); ++i) {
    const std::string text = i < text_header.size() ? cells::Trim(text_header[i]) : std::string();
    std::optional<hxl::Tag> tag = hxl::ParseTag(hashtags[i]);
    const std::string spelled = tag && tag->tagged() ? tag->ToString() : std::string("untagged");
    std::string label = spelled;
    if (!text.empty()) {
      label = text;
      label.append(" (").append(spelled).append(")");
    }
    int rank = 0;
    Field f = tag && tag->tagged() ? HxlField(*tag, rank) : kFieldCount;
    if (f != kFieldCount && rank < best_rank[f]) {
      best_rank[f] = rank;
      m.index[f] = static_cast<int>(i);
      m.tag[f] = tag->ToString();
    }
    labels.push_back(label);
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    bool used = std::find(m.index.begin(), m.index.end(), static_cast<int>(i)) != m.index.end();
    (used ? m.used : m.ignored).push_back(labels[i]);
  }
  return m;
}

ParsedRow<Incident> HxlRow(const HxlMap& m, const std::vector<std::string>& fields, std::string raw,
                           std::int64_t line) {
  ParsedRow<Incident> row;
  row.line = line;
  row.raw = std::move(raw);
  RowCells c;
  for (int field = 0; field < kFieldCount; ++field) {
    const int i = m.index[static_cast<std::size_t>(field)];
    if (i < 0) continue;
    auto k = static_cast<std::size_t>(field);
    c.present[k] = true;
    c.column[k] = i + 1;
    c.name[k] = m.tag[k];
    if (static_cast<std::size_t>(i) < fields.size()) c.value[k] = fields[static_cast<std::size_t>(i)];
  }
  if (!c.present[kMainId]) {
    // No #meta+id / #event+id: the key is built from what places the row
    // (date, coordinates, country, location, region), so that the same row
    // imported again matches itself. Rows that share all of these are
    // numbered apart by the store (part).
    std::string key;
    for (Field f : {kDate, kLatitude, kLongitude, kCountry, kLocation, kRegion}) {
      if (!c.present[f]) continue;
      if (!key.empty()) key += '|';
      key += cells::Trim(c.value[f]);
    }
    if (key.find_first_not_of('|') == std::string::npos) key.clear();
    c.present[kMainId] = true;
    c.value[kMainId] = key;
    c.name[kMainId] = "#meta+id";
  }
  BuildIncident(m.format, c, row);
  return row;
}

// Reads the rows of an HXL table whose text header (may be empty) and
// hashtag row have been read.
Result<FileShape> ParseHxl(CsvReader& reader, const std::vector<std::string>& text_header,
                           const std::vector<std::string>& hashtags, const ParseOptions& opts,
                           const RowSink<Incident>& sink) {
  HxlMap m = MapHxl(text_header, hashtags, hxl::DatasetForFile(opts.filename));
  if (m.index[kDead] < 0 && m.index[kMissing] < 0) {
    return Status::InvalidArgument(
        "HXL incident table without a figure: it needs a #affected+killed or #affected+missing column");
  }
  FileShape shape;
  shape.format = "hxl";
  shape.dataset = m.format.dataset;
  shape.header = hashtags;
  shape.columns_used = m.used;
  shape.columns_ignored = m.ignored;
  if (sink.on_shape) WM_RETURN_IF_ERROR(sink.on_shape(shape));
  CsvRecord rec;
  for (;;) {
    WM_ASSIGN_OR_RETURN(bool more, reader.Next(rec));
    if (!more) break;
    ParsedRow<Incident> row = HxlRow(m, rec.fields, std::move(rec.raw), rec.line);
    if (sink.on_row) WM_RETURN_IF_ERROR(sink.on_row(std::move(row)));
  }
  return shape;
}

Result<FileShape> ParseCsv(std::istream& in, const ParseOptions& opts, const RowSink<Incident>& sink) {
  CsvReader reader(in);
  CsvRecord rec;
  WM_ASSIGN_OR_RETURN(bool got, reader.Next(rec));
  if (!got) return Status::InvalidArgument("line 1: empty file, no header");
  std::vector<std::string> header = rec.fields;
  Mapping m;
  // With "hxl" no MMP format is tried.
  Result<const Format*> chosen = Status::InvalidArgument("hxl");
  if (opts.format != "hxl") chosen = ChooseFormat(opts.format, false, header, m);
  if (!chosen.ok() && (opts.format == "auto" || opts.format == "hxl")) {
    // Not an MMP header: an HXL table has its hashtags in the first row or
    // under a text header in the second.
    if (hxl::IsHashtagRow(header)) return ParseHxl(reader, {}, header, opts, sink);
    CsvRecord second;
    WM_ASSIGN_OR_RETURN(bool got_second, reader.Next(second));
    if (got_second && hxl::IsHashtagRow(second.fields))
      return ParseHxl(reader, header, second.fields, opts, sink);
    if (opts.format == "hxl") {
      return Status::InvalidArgument("line 2: no HXL hashtag row (#affected+killed, #date, ...)");
    }
  }
  if (!chosen.ok()) return chosen.status();
  const Format* f = *chosen;
  FileShape shape = ShapeOf(*f, m, header);
  if (sink.on_shape) WM_RETURN_IF_ERROR(sink.on_shape(shape));
  for (;;) {
    WM_ASSIGN_OR_RETURN(bool more, reader.Next(rec));
    if (!more) break;
    ParsedRow<Incident> row = CsvRow(*f, m, header, std::move(rec.fields), std::move(rec.raw), rec.line);
    if (sink.on_row) WM_RETURN_IF_ERROR(sink.on_row(std::move(row)));
  }
  return shape;
}

// True when the input's first byte after a byte-order mark and spaces
// opens a JSON array or object. Consumes the mark and the spaces.
Result<bool> LooksLikeJson(std::istream& in) {
  std::streambuf* sb = in.rdbuf();
  if (sb == nullptr) return false;
  using Traits = std::char_traits<char>;
  if (sb->sgetc() == 0xEF) {
    sb->sbumpc();
    int b = sb->sbumpc(), c = sb->sbumpc();
    if (b != 0xBB || c != 0xBF) return Status::InvalidArgument("line 1, column 1: not UTF-8");
  }
  for (int c = sb->sgetc(); c != Traits::eof(); c = sb->sgetc()) {
    if (c == '[' || c == '{') return true;
    // Only spaces and tabs are skipped: consuming a newline would shift a
    // CSV file's line numbers (and a CSV header cell is trimmed anyway).
    if (c != ' ' && c != '\t') return false;
    sb->sbumpc();
  }
  return false;
}

}  // namespace

const std::vector<std::string>& IncidentFormats() {
  static const std::vector<std::string> kNames = {"mmp-current", "mmp-legacy", "mmp-api", "mmp-2026", "hxl"};
  return kNames;
}

Result<FileShape> ParseIncidents(std::istream& in, const ParseOptions& opts, const RowSink<Incident>& sink) {
  if (opts.format != "auto" && opts.format != "hxl" && FindFormat(opts.format) == nullptr) {
    return Status::InvalidArgument("unknown incident format: " + opts.format);
  }
  WM_ASSIGN_OR_RETURN(bool json, LooksLikeJson(in));
  if (json) return ParseApi(in, opts, sink);
  return ParseCsv(in, opts, sink);
}

ParsedRow<Incident> ReparseIncident(const std::string& format, const std::vector<std::string>& header,
                                    const std::string& raw, std::int64_t line) {
  ParsedRow<Incident> row;
  row.line = line;
  row.raw = raw;
  auto fail = [&](std::string reason) {
    row.problems.push_back(RowProblem{line, 0, "", std::move(reason)});
    return row;
  };
  if (format == "hxl") {
    // `header` is the hashtag row. The dataset is the batch's, which the
    // caller knows (the quarantined row keeps it); "hxl-file" until then.
    HxlMap m = MapHxl({}, header, hxl::DatasetForFile(""));
    Result<std::vector<std::string>> fields = SplitCsvLine(raw);
    if (!fields.ok()) return fail(fields.status().message());
    return HxlRow(m, *fields, raw, line);
  }
  const Format* f = FindFormat(format);
  if (f == nullptr) return fail("unknown incident format: " + format);
  if (f->json) {
    Result<nlohmann::ordered_json> obj = ParseObject(raw, line);
    if (!obj.ok()) return fail(obj.status().message());
    return JsonRow(*f, *obj, raw, line);
  }
  Mapping m = MapHeader(*f, header);
  if (!m.missing.empty()) return fail("the header misses columns: " + Join(m.missing, ", "));
  Result<std::vector<std::string>> fields = SplitCsvLine(raw);
  if (!fields.ok()) return fail(fields.status().message());
  return CsvRow(*f, m, header, std::move(*fields), raw, line);
}

}  // namespace waymark::evidence
