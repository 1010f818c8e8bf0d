// Downloads of any filter: /evidence/incidents.{csv,json,geojson} and
// /evidence/displacement.{csv,json,geojson}; ?format=hxl on .csv adds the
// HXL hashtag row under the header. Records are read page by page (after_id)
// and written as they come, so no download holds the whole dataset as
// records. Each export goes to the audit log (EvidenceService::RecordExport).
//
// Licence and citation: every download carries them in headers
// (Link: <licence_url>; rel="license", X-Licence, X-Citation, X-Dataset);
// JSON has them in its "dataset" object, GeoJSON in the collection's
// "metadata" member. CSV has no room for them without breaking its readers.
#include <cmath>
#include <sstream>

#include "core/strings.h"
#include "web/evidence/evidence_module.h"
#include "web/evidence/evidence_web.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;
namespace ev = ::waymark::evidence;
namespace ew = evidence_web;

namespace {

constexpr int kPage = 1000;

struct Column {
  const char* name;
  const char* hxl;
};

// Incidents: columns and their HXL hashtags (core tags where one fits;
// attributes of our own where the standard has none, as HXL allows).
const std::vector<Column>& IncidentColumns() {
  static const std::vector<Column> cols = {
      {"id", "#meta+id"},
      {"source_id", "#event+id"},
      {"part", "#event+part"},
      {"incident_ids", "#event+id+incident"},
      {"kind", "#event+type"},
      {"date", "#date+occurred"},
      {"date_precision", "#date+precision"},
      {"year", "#date+year"},
      {"month", "#date+month"},
      {"regions", "#region+name"},
      {"country", "#country+name"},
      {"country_code", "#country+code"},
      {"location", "#loc+name"},
      {"latitude", "#geo+lat"},
      {"longitude", "#geo+lon"},
      {"route", "#loc+route"},
      {"unsd_grouping", "#region+unsd"},
      {"dead", "#affected+killed"},
      {"missing", "#affected+missing"},
      {"total", "#affected+killed+missing+total"},
      {"survivors", "#affected+survivors"},
      {"females", "#affected+f"},
      {"males", "#affected+m"},
      {"children", "#affected+children"},
      {"causes", "#cause+code"},
      {"cause_text", "#cause+text"},
      {"countries_of_origin", "#country+origin"},
      {"regions_of_origin", "#region+origin"},
      {"information_source", "#meta+source"},
      {"urls", "#meta+url"},
      {"source_quality", "#meta+quality"},
      {"version", "#meta+version"},
  };
  return cols;
}

const std::vector<Column>& DisplacementColumns() {
  static const std::vector<Column> cols = {
      {"id", "#meta+id"},
      {"dataset", "#meta+dataset"},
      {"source_id", "#meta+source_id"},
      {"country", "#country+code"},
      {"country_name", "#country+name"},
      {"origin", "#country+origin+code"},
      {"origin_name", "#country+origin+name"},
      {"area", "#adm1+name"},
      {"year", "#date+year"},
      {"period_start", "#date+start"},
      {"period_end", "#date+end"},
      {"cause", "#cause+type"},
      {"hazard_category", "#crisis+hazard+category"},
      {"hazard_sub_category", "#crisis+hazard+subcategory"},
      {"hazard_type", "#crisis+hazard+type"},
      {"hazard_sub_type", "#crisis+hazard+subtype"},
      {"event_name", "#event+name"},
      {"event_start", "#event+date+start"},
      {"event_end", "#event+date+end"},
      {"event_codes", "#event+code"},
      {"kind", "#indicator+type"},
      {"value", "#affected+num"},
      {"rounded", "#affected+num+rounded"},
      {"source", "#meta+source"},
      {"latitude", "#geo+lat"},
      {"longitude", "#geo+lon"},
      {"version", "#meta+version"},
  };
  return cols;
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : "; ") + x;
  return out;
}

std::string Num(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : ""; }
std::string Coord(const std::optional<double>& v) {
  if (!v) return "";
  std::ostringstream s;
  s.precision(10);
  s << *v;
  return s.str();
}

std::vector<std::string> IncidentCells(const ev::Incident& i) {
  std::vector<std::string> causes, origins, regions_of_origin, quality;
  for (ev::Cause c : i.causes) causes.emplace_back(ev::CauseCode(c));
  for (const auto& o : i.countries_of_origin) origins.push_back(o.name + (o.presumed ? " (P)" : ""));
  for (const auto& o : i.regions_of_origin) regions_of_origin.push_back(o.name + (o.presumed ? " (P)" : ""));
  for (int qv : i.source_quality) quality.push_back(std::to_string(qv));
  return {std::to_string(i.id),
          i.source_id,
          std::to_string(i.part),
          Joined(i.incident_ids),
          ev::IncidentKindName(i.kind),
          i.date.ToString(),
          ev::DatePrecisionName(i.date.precision),
          i.year ? std::to_string(i.year) : "",
          i.month ? std::to_string(i.month) : "",
          Joined(i.regions),
          i.country,
          i.country_code,
          i.location,
          Coord(i.latitude),
          Coord(i.longitude),
          i.route,
          i.unsd_grouping,
          Num(i.dead),
          Num(i.missing),
          Num(i.total),
          Num(i.survivors),
          Num(i.females),
          Num(i.males),
          Num(i.children),
          Joined(causes),
          i.cause_text,
          Joined(origins),
          Joined(regions_of_origin),
          i.information_source,
          Joined(i.urls),
          Joined(quality),
          std::to_string(i.version)};
}

std::vector<std::string> DisplacementCells(const ev::Displacement& d) {
  return {std::to_string(d.id),
          d.dataset,
          d.source_id,
          d.country,
          d.country_name,
          d.origin,
          d.origin_name,
          d.area,
          d.year ? std::to_string(d.year) : "",
          d.period_start.ToString(),
          d.period_end.ToString(),
          ev::DisplacementCauseName(d.cause),
          d.hazard_category,
          d.hazard_sub_category,
          d.hazard_type,
          d.hazard_sub_type,
          d.event_name,
          d.event_start.ToString(),
          d.event_end.ToString(),
          Joined(d.event_codes),
          d.kind,
          Num(d.value),
          Num(d.rounded),
          d.source,
          Coord(d.latitude),
          Coord(d.longitude),
          std::to_string(d.version)};
}

std::string CsvLine(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + ew::CsvCell(cells[i]);
  return line + "\r\n";
}

std::string HeaderLines(const std::vector<Column>& cols, bool hxl) {
  std::vector<std::string> names, tags;
  for (const auto& c : cols) {
    names.emplace_back(c.name);
    tags.emplace_back(c.hxl);
  }
  return CsvLine(names) + (hxl ? CsvLine(tags) : "");
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// A GeoJSON feature for a record with coordinates (RFC 7946: lon, lat).
template <typename Record>
bool AppendFeature(std::string& out, const Record& r, const json& properties, bool& first) {
  if (!r.latitude || !r.longitude || !std::isfinite(*r.latitude) || !std::isfinite(*r.longitude))
    return false;
  json feature = {{"type", "Feature"},
                  {"id", r.id},
                  {"geometry", {{"type", "Point"}, {"coordinates", {*r.longitude, *r.latitude}}}},
                  {"properties", properties}};
  out += (first ? "\n" : ",\n") + Dump(feature);
  first = false;
  return true;
}

}  // namespace

Response EvidenceModule::Download(Context& ctx) {
  const std::string& path = ctx.req.path;
  bool incidents = StartsWith(path, "/evidence/incidents.");
  std::string ext = path.substr(path.rfind('.') + 1);
  auto q = ew::QueryPairs(ctx.req);
  if (!q.ok()) return Error(ctx, q.status());
  std::string format = ext;
  if (std::string f = ew::Param(*q, "format"); !f.empty()) {
    if (ext != "csv" || f != "hxl") {
      return Error(ctx, Site::FieldError("format", "unknown_value",
                                         "unknown value \"" + f + "\" (allowed: hxl, on .csv only)"));
    }
    format = "hxl";
  }
  const accounts::Actor actor = ctx.actor();
  ev::EvidenceService& svc = *services_.evidence;
  std::string dataset;
  ev::IncidentFilter ifilter;
  ev::DisplacementFilter dfilter;
  if (incidents) {
    auto f = ew::IncidentFilterFrom(*q);
    if (!f.ok()) return Error(ctx, f.status());
    ifilter = *f;
    dataset = f->dataset;
  } else {
    auto f = ew::DisplacementFilterFrom(*q);
    if (!f.ok()) return Error(ctx, f.status());
    dfilter = *f;
    dataset = f->dataset;
  }
  // Refusals (aggregates-only data for the public) come before anything is written.
  std::string body;
  ev::Page page{0, kPage};
  bool first = true;
  std::int64_t rows = 0;
  json meta = ew::DatasetJson(dataset);
  json info = {{"dataset", meta}, {"query", ew::Encode(*q, {"lang"})}, {"generated_by", options_.base_url}};
  if (format == "csv" || format == "hxl") {
    body = HeaderLines(incidents ? IncidentColumns() : DisplacementColumns(), format == "hxl");
  } else if (format == "json") {
    std::string head = Dump(info);
    head.pop_back();  // the closing brace: the items follow
    body = head + ",\"items\":[";
  } else {
    body = "{\"type\":\"FeatureCollection\",\"metadata\":" + Dump(info) + ",\"features\":[";
  }
  bool recorded = false;
  while (true) {
    std::size_t got = 0;
    accounts::Id last = 0;
    if (incidents) {
      auto list = svc.ListIncidents(actor, ifilter, page);
      if (!list.ok()) return Error(ctx, list.status());
      got = list->size();
      if (!list->empty()) last = list->back().id;
      if (!recorded) {
        if (Status s =
                svc.RecordExport(actor, ev::ImportTarget::kIncidents, format, ew::Encode(*q, {"lang"}));
            !s.ok()) {
          return Error(ctx, s);
        }
        recorded = true;
      }
      for (const auto& i : *list) {
        if (format == "csv" || format == "hxl") {
          body += CsvLine(IncidentCells(i));
        } else if (format == "json") {
          body += (first ? "\n" : ",\n") + Dump(ew::IncidentJson(i));
          first = false;
        } else {
          AppendFeature(body, i, ew::IncidentJson(i), first);
        }
        ++rows;
      }
    } else {
      auto list = svc.ListDisplacement(actor, dfilter, page);
      if (!list.ok()) return Error(ctx, list.status());
      got = list->size();
      if (!list->empty()) last = list->back().id;
      if (!recorded) {
        if (Status s =
                svc.RecordExport(actor, ev::ImportTarget::kDisplacement, format, ew::Encode(*q, {"lang"}));
            !s.ok()) {
          return Error(ctx, s);
        }
        recorded = true;
      }
      for (const auto& d : *list) {
        if (format == "csv" || format == "hxl") {
          body += CsvLine(DisplacementCells(d));
        } else if (format == "json") {
          body += (first ? "\n" : ",\n") + Dump(ew::DisplacementJson(d));
          first = false;
        } else {
          AppendFeature(body, d, ew::DisplacementJson(d), first);
        }
        ++rows;
      }
    }
    if (static_cast<int>(got) < page.limit) break;
    page.after_id = last;
  }
  if (format == "json" || format == "geojson") body += "\n]}\n";

  Response r;
  r.body = std::move(body);
  std::string name = std::string(incidents ? "incidents" : "displacement") + "-" + dataset;
  if (format == "csv" || format == "hxl") {
    r.Set("Content-Type", "text/csv; charset=utf-8; header=present");
    name += format == "hxl" ? ".hxl.csv" : ".csv";
  } else if (format == "json") {
    r.Set("Content-Type", "application/json; charset=utf-8");
    name += ".json";
  } else {
    r.Set("Content-Type", "application/geo+json");
    name += ".geojson";
  }
  std::string safe;
  for (char c : name)
    safe.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_');
  r.Set("Content-Disposition", "attachment; filename=\"" + safe + "\"");
  std::string licence_url = meta.value("licence_url", "");
  if (!licence_url.empty() && StartsWith(licence_url, "http") &&
      licence_url.find_first_of("<> \"") == std::string::npos) {
    r.Set("Link", "<" + ew::HeaderSafe(licence_url) + ">; rel=\"license\"");
  }
  r.Set("X-Dataset", ew::HeaderSafe(dataset));
  r.Set("X-Licence", ew::HeaderSafe(meta.value("licence", "")));
  r.Set("X-Citation", ew::HeaderSafe(meta.value("citation", "")));
  r.Set("X-Record-Count", std::to_string(rows));
  r.Set("Cache-Control", ctx.user ? "private, no-store" : "public, max-age=300");
  return r;
}

}  // namespace waymark::web
