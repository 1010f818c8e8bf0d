#include "domain/evidence/model.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <string_view>

namespace waymark::evidence {

const char* DatePrecisionName(DatePrecision p) {
  switch (p) {
    case DatePrecision::kUnknown: return "unknown";
    case DatePrecision::kYear: return "year";
    case DatePrecision::kMonth: return "month";
    case DatePrecision::kWeek: return "week";
    case DatePrecision::kDay: return "day";
  }
  return "unknown";
}

std::string PartialDate::ToString() const {
  if (year == 0) return "";
  char buf[32];
  if (month == 0) {
    std::snprintf(buf, sizeof buf, "%04d", year);
  } else if (day == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  }
  return buf;
}

// ---------------------------------------------------------------- datasets

namespace {

const char kIdmcCitation[] =
    "Internal Displacement Monitoring Centre. Global Internal Displacement Database. IDMC";
const char kIdmcPublisher[] = "Internal Displacement Monitoring Centre (IDMC)";
const char kIdmcLicenceUrl[] = "https://creativecommons.org/licenses/by-nc/4.0/";
const char kIomPublisher[] = "International Organization for Migration (IOM)";
const char kIomLicenceUrl[] = "https://creativecommons.org/licenses/by/3.0/igo/";

}  // namespace

const std::vector<DatasetInfo>& KnownDatasets() {
  static const std::vector<DatasetInfo> kDatasets = {
      {"mmp", "IOM Missing Migrants Project", kIomPublisher, "CC BY-IGO", kIomLicenceUrl,
       "IOM Missing Migrants Project", Publication::kRecords},
      {"mmp-legacy", "IOM Missing Migrants Project (2014-2020 website export)", kIomPublisher, "CC BY-IGO",
       kIomLicenceUrl, "IOM Missing Migrants Project", Publication::kRecords},
      {"idmc-gidd", "IDMC Global Internal Displacement Database", kIdmcPublisher, "CC BY-NC 4.0",
       kIdmcLicenceUrl, kIdmcCitation, Publication::kRecords},
      {"idmc-gidd-2023-edition", "IDMC Global Internal Displacement Database (2023 edition)", kIdmcPublisher,
       "CC BY-NC 4.0", kIdmcLicenceUrl, kIdmcCitation, Publication::kRecords},
      {"idmc-figures-2023", "IDMC displacement figures (2023)", kIdmcPublisher, "CC BY-NC 4.0",
       kIdmcLicenceUrl, kIdmcCitation, Publication::kRecords},
      {"unhcr-population", "UNHCR Refugee Population Statistics",
       "United Nations High Commissioner for Refugees (UNHCR)", "CC BY 4.0",
       "https://creativecommons.org/licenses/by/4.0/", "UNHCR Refugee Data Finder", Publication::kAggregates},
  };
  return kDatasets;
}

const DatasetInfo* FindDataset(const std::string& code) {
  for (const DatasetInfo& d : KnownDatasets()) {
    if (d.code == code) return &d;
  }
  // Every "hxl-<name>" dataset shares one generic description: the file
  // itself says who published it and under which licence.
  if (code.size() > 4 && code.compare(0, 4, "hxl-") == 0) {
    static const DatasetInfo kHxl = {"hxl",
                                     "HXL-tagged table",
                                     "as stated by the file's publisher",
                                     "as stated by the file's publisher",
                                     "",
                                     "as stated by the file's publisher",
                                     Publication::kAggregates};
    return &kHxl;
  }
  return nullptr;
}

// ---------------------------------------------------------------- incidents

const char* IncidentKindName(IncidentKind k) {
  switch (k) {
    case IncidentKind::kIncident: return "incident";
    case IncidentKind::kSplit: return "split";
    case IncidentKind::kCumulative: return "cumulative";
  }
  return "incident";
}

namespace {

struct CauseNames {
  Cause cause;
  const char* code;
  const char* label;
};

constexpr std::array<CauseNames, kCauseCount> kCauses = {{
    {Cause::kDrowning, "drowning", "Drowning"},
    {Cause::kHarshConditions, "harsh_conditions",
     "Harsh environmental conditions / lack of adequate shelter, food, water"},
    {Cause::kVehicleAccident, "vehicle_accident", "Vehicle accident / death linked to hazardous transport"},
    {Cause::kSickness, "sickness", "Sickness / lack of access to adequate healthcare"},
    {Cause::kViolence, "violence", "Violence"},
    {Cause::kAccidental, "accidental", "Accidental death"},
    {Cause::kMixedOrUnknown, "mixed_or_unknown", "Mixed or unknown"},
}};

}  // namespace

const char* CauseCode(Cause c) {
  for (const auto& n : kCauses) {
    if (n.cause == c) return n.code;
  }
  return "mixed_or_unknown";
}

const char* CauseLabel(Cause c) {
  for (const auto& n : kCauses) {
    if (n.cause == c) return n.label;
  }
  return "Mixed or unknown";
}

std::optional<Cause> CauseFromCode(const std::string& code) {
  for (const auto& n : kCauses) {
    if (code == n.code) return n.cause;
  }
  return std::nullopt;
}

std::string Incident::Key() const {
  if (part <= 1) return source_id;
  return source_id + "#" + std::to_string(part);
}

// ---------------------------------------------------------------- canonical text

namespace {

// Builds "name=value\n" lines. Values are written so that the same record
// always gives the same bytes: newlines inside a value are escaped (so a
// line is always one field), doubles in their shortest round-trip form
// (std::to_chars), unknown counts as an empty value.
class Canon {
 public:
  void Str(std::string_view name, std::string_view value) {
    out_.append(name);
    out_.push_back('=');
    for (char c : value) {
      if (c == '\\') {
        out_.append("\\\\");
      } else if (c == '\n') {
        out_.append("\\n");
      } else if (c == '\r') {
        out_.append("\\r");
      } else {
        out_.push_back(c);
      }
    }
    out_.push_back('\n');
  }
  void Int(std::string_view name, std::int64_t v) { Str(name, std::to_string(v)); }
  void Count(std::string_view name, const std::optional<std::int64_t>& v) {
    Str(name, v ? std::to_string(*v) : std::string());
  }
  void Double(std::string_view name, const std::optional<double>& v) {
    if (!v) {
      Str(name, "");
      return;
    }
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, *v);
    Str(name, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
  }
  void Date(std::string_view name, const PartialDate& d) {
    Str(name, d.known() ? d.ToString() + "/" + DatePrecisionName(d.precision) : std::string());
  }
  template <typename Range, typename Fn>
  void List(std::string_view name, const Range& items, Fn fn) {
    std::string joined;
    bool first = true;
    for (const auto& item : items) {
      if (!first) joined.append(" | ");
      first = false;
      joined.append(fn(item));
    }
    Str(name, joined);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string OriginText(const Origin& o) { return o.presumed ? o.name + " (P)" : o.name; }

}  // namespace

// The field order is part of the format: append new fields at the end only,
// so that stored revisions of older records still compare equal.
std::string CanonicalText(const Incident& i) {
  Canon c;
  c.Str("dataset", i.dataset);
  c.Str("source_id", i.source_id);
  c.Int("part", i.part);
  c.List("incident_ids", i.incident_ids, [](const std::string& s) { return s; });
  c.Str("kind", IncidentKindName(i.kind));
  c.Str("also_split", i.also_split ? "true" : "false");
  c.Date("date", i.date);
  c.Int("year", i.year);
  c.Int("month", i.month);
  c.List("regions", i.regions, [](const std::string& s) { return s; });
  c.Str("country", i.country);
  c.Str("country_code", i.country_code);
  c.Str("location", i.location);
  c.Double("latitude", i.latitude);
  c.Double("longitude", i.longitude);
  c.Str("route", i.route);
  c.Str("unsd_grouping", i.unsd_grouping);
  c.Count("dead", i.dead);
  c.Count("missing", i.missing);
  c.Count("total", i.total);
  c.Count("survivors", i.survivors);
  c.Count("females", i.females);
  c.Count("males", i.males);
  c.Count("children", i.children);
  c.List("causes", i.causes, [](Cause k) { return std::string(CauseCode(k)); });
  c.Str("cause_text", i.cause_text);
  c.List("countries_of_origin", i.countries_of_origin, OriginText);
  c.List("regions_of_origin", i.regions_of_origin, OriginText);
  c.Str("information_source", i.information_source);
  c.List("urls", i.urls, [](const std::string& s) { return s; });
  c.List("source_quality", i.source_quality, [](int q) { return std::to_string(q); });
  return c.Take();
}

std::string CanonicalText(const Displacement& d) {
  Canon c;
  c.Str("dataset", d.dataset);
  c.Str("source_id", d.source_id);
  c.Str("country", d.country);
  c.Str("country_name", d.country_name);
  c.Str("origin", d.origin);
  c.Str("origin_name", d.origin_name);
  c.Str("area", d.area);
  c.Int("year", d.year);
  c.Date("period_start", d.period_start);
  c.Date("period_end", d.period_end);
  c.Str("cause", DisplacementCauseName(d.cause));
  c.Str("hazard_category", d.hazard_category);
  c.Str("hazard_sub_category", d.hazard_sub_category);
  c.Str("hazard_type", d.hazard_type);
  c.Str("hazard_sub_type", d.hazard_sub_type);
  c.Str("event_name", d.event_name);
  c.Date("event_start", d.event_start);
  c.Date("event_end", d.event_end);
  c.List("event_codes", d.event_codes, [](const std::string& s) { return s; });
  c.Str("kind", d.kind);
  c.Count("value", d.value);
  c.Count("rounded", d.rounded);
  c.Str("source", d.source);
  c.Double("latitude", d.latitude);
  c.Double("longitude", d.longitude);
  return c.Take();
}

// ---------------------------------------------------------------- displacement

const char* DisplacementCauseName(DisplacementCause c) {
  switch (c) {
    case DisplacementCause::kConflict: return "conflict";
    case DisplacementCause::kDisaster: return "disaster";
    case DisplacementCause::kOther: return "other";
  }
  return "other";
}

const std::vector<std::string>& FigureKinds() {
  static const std::vector<std::string> kKinds = {
      "new_displacements", "idps",      "refugees",       "asylum_seekers",
      "other_in_need",     "stateless", "host_community", "others_of_concern",
      "returnees",         "killed",    "affected",
  };
  return kKinds;
}

bool IsKnownFigureKind(const std::string& code) {
  for (const std::string& k : FigureKinds()) {
    if (k == code) return true;
  }
  return false;
}

// ---------------------------------------------------------------- imports

const char* ImportTargetName(ImportTarget t) {
  switch (t) {
    case ImportTarget::kIncidents: return "incidents";
    case ImportTarget::kDisplacement: return "displacement";
  }
  return "incidents";
}

const char* RowOutcomeName(RowOutcome o) {
  switch (o) {
    case RowOutcome::kAccepted: return "accepted";
    case RowOutcome::kUpdated: return "updated";
    case RowOutcome::kUnchanged: return "unchanged";
    case RowOutcome::kRejected: return "rejected";
  }
  return "accepted";
}

}  // namespace waymark::evidence
