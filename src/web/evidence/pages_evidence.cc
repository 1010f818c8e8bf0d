// Pages: the evidence dashboard. Totals, dead and missing by year (chart and
// table), by region and by cause, a map of incidents, displacement by
// country (choropleth and table), filters as plain links and GET forms, the
// licence and citation of each dataset beside its numbers, and downloads of
// the current filter. Without JavaScript the tables are the page; with it,
// evidence.js draws the chart and the maps from a JSON data block. Every
// route of the module (pages, API, downloads, assets) is registered here.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "core/strings.h"
#include "i18n/countries.h"
#include "web/evidence/evidence_module.h"
#include "web/evidence/evidence_web.h"
#include "web/evidence/iso_numeric.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;
namespace ev = ::waymark::evidence;
namespace ew = evidence_web;

namespace {

const std::vector<std::string> kIncidentMeasures = {"dead", "missing", "total", "incidents"};
// The figure kinds a displacement dataset is most often read by, first the preferred.
const std::vector<std::string> kHeadlineKinds = {"new_displacements", "idps",     "refugees",
                                                 "asylum_seekers",    "affected", "killed"};
constexpr std::size_t kTopCountries = 15;

// 12345 -> "12,345" (en), "12 345" (fr, narrow no-break space), "12.345" (es).
std::string FormatNumber(std::int64_t n, const std::string& lang) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string sep = lang == "fr" ? "\u202f" : (lang == "es" ? "." : ",");
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count && count % 3 == 0) out.insert(0, sep);
    out.insert(out.begin(), *it);
    ++count;
  }
  return n < 0 ? "-" + out : out;
}

std::int64_t Value(const ev::StatsRow& row, std::size_t i) {
  return i < row.values.size() ? row.values[i] : 0;
}

// Rows grouped by several text dimensions summed to one of them (`key`,
// the index of its key), in the byte order of that key, as the store
// orders a text dimension.
std::vector<ev::StatsRow> RollUp(const std::vector<ev::StatsRow>& rows, std::size_t key) {
  std::map<std::string, ev::StatsRow> by_key;
  for (const auto& row : rows) {
    std::string k = key < row.keys.size() ? row.keys[key] : "";
    ev::StatsRow& sum = by_key[k];
    if (sum.keys.empty()) sum.keys.push_back(k);
    if (sum.values.size() < row.values.size()) sum.values.resize(row.values.size(), 0);
    for (std::size_t i = 0; i < row.values.size(); ++i) sum.values[i] += row.values[i];
  }
  std::vector<ev::StatsRow> out;
  out.reserve(by_key.size());
  for (auto& [k, row] : by_key) out.push_back(std::move(row));
  return out;
}

// The datasets offered in the forms: the known ones of this target, and the current one.
json DatasetOptions(bool incidents, const std::string& current) {
  json out = json::array();
  bool seen = false;
  for (const auto& d : ev::KnownDatasets()) {
    bool is_incidents = StartsWith(d.code, "mmp");
    if (is_incidents != incidents) continue;
    out.push_back({{"value", d.code}, {"label", d.title}, {"selected", d.code == current}});
    seen = seen || d.code == current;
  }
  if (!seen) out.push_back({{"value", current}, {"label", current}, {"selected", true}});
  return out;
}

json SourceJson(const Context& /*ctx*/, const std::string& code, const ev::DatasetInfo* info) {
  json d = ew::DatasetJson(code, info);
  json out = {{"title", d["title"]},
              {"citation", d["citation"]},
              {"licence", d["licence"]},
              {"licence_url", d["licence_url"]},
              {"aggregates_only", d["publication"] == "aggregates"}};
  for (const char* k : {"citation", "licence", "licence_url"}) {
    if (out[k].get<std::string>().empty()) out[k] = nullptr;
  }
  return out;
}

}  // namespace

void EvidenceModule::RegisterRoutes() {
  Route("GET", "/evidence", Access::kPublic, &EvidenceModule::Dashboard);
  for (const char* file :
       {"/evidence/incidents.csv", "/evidence/incidents.json", "/evidence/incidents.geojson",
        "/evidence/displacement.csv", "/evidence/displacement.json", "/evidence/displacement.geojson"}) {
    Route("GET", file, Access::kPublic, &EvidenceModule::Download);
  }
  Route("GET", "/static/evidence/{file}", Access::kPublic, &EvidenceModule::StaticFile);

  Route("GET", "/evidence/imports", Access::kSignedIn, &EvidenceModule::ImportsPage);
  Route("POST", "/evidence/imports", Access::kSignedIn, &EvidenceModule::ImportUpload);
  Route("GET", "/evidence/imports/{id}", Access::kSignedIn, &EvidenceModule::BatchPage);
  Route("GET", "/evidence/quarantine", Access::kSignedIn, &EvidenceModule::QuarantineList);
  Route("GET", "/evidence/quarantine/{id}", Access::kSignedIn, &EvidenceModule::QuarantineRow);
  Route("POST", "/evidence/quarantine/{id}/resubmit", Access::kSignedIn, &EvidenceModule::QuarantineResubmit);
  Route("POST", "/evidence/quarantine/{id}/discard", Access::kSignedIn, &EvidenceModule::QuarantineDiscard);
  Route("POST", "/evidence/officers", Access::kAdmin, &EvidenceModule::OfficersSave);

  Route("GET", "/api/v1/incidents/stats", Access::kPublic, &EvidenceModule::ApiIncidentStats);
  Route("GET", "/api/v1/incidents/points", Access::kPublic, &EvidenceModule::ApiIncidentPoints);
  Route("GET", "/api/v1/incidents", Access::kPublic, &EvidenceModule::ApiIncidents);
  Route("GET", "/api/v1/incidents/{id}", Access::kPublic, &EvidenceModule::ApiIncident);
  Route("GET", "/api/v1/displacement/stats", Access::kPublic, &EvidenceModule::ApiDisplacementStats);
  Route("GET", "/api/v1/displacement", Access::kPublic, &EvidenceModule::ApiDisplacement);
  Route("GET", "/api/v1/displacement/{id}", Access::kPublic, &EvidenceModule::ApiDisplacementFigure);
  Route("POST", "/api/v1/imports", Access::kSignedIn, &EvidenceModule::ApiImport);
  Route("GET", "/api/v1/imports", Access::kSignedIn, &EvidenceModule::ApiBatches);
  Route("GET", "/api/v1/imports/{id}", Access::kSignedIn, &EvidenceModule::ApiBatch);
}

bool EvidenceModule::IsOfficer(const Context& ctx) const {
  if (!ctx.user) return false;
  if (ctx.is_admin()) return true;
  auto officer = services_.evidence->IsOfficer(ctx.actor());
  return officer.ok() && *officer;
}

void EvidenceModule::AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const {
  nav.push_back({35, "/evidence", T(ctx, "nav_evidence"), true, ""});
  nav.push_back({36, "/evidence/imports", T(ctx, "nav_ev_imports"), IsOfficer(ctx), ""});
}

Response EvidenceModule::Dashboard(Context& ctx) {
  auto q = ew::QueryPairs(ctx.req);
  if (!q.ok()) return Error(ctx, q.status());
  auto filter = ew::IncidentFilterFrom(*q);
  if (!filter.ok()) return Error(ctx, filter.status());
  auto dfilter = ew::DisplacementFilterFrom(*q, "d");
  if (!dfilter.ok()) return Error(ctx, dfilter.status());
  const ev::IncidentFilter& f = *filter;
  const ev::DisplacementFilter& df = *dfilter;
  const accounts::Actor actor = ctx.actor();
  ev::EvidenceService& svc = *services_.evidence;
  const std::string& lang = ctx.lang;
  bool by_month = ew::Param(*q, "by") == "month";

  auto stats = [&](const ev::IncidentFilter& filter, std::vector<std::string> group_by) {
    return svc.IncidentStats(actor, filter, ev::StatsRequest{std::move(group_by), kIncidentMeasures});
  };
  // By year (or month): the chart's data and its table. The totals are
  // the sum of its rows (every cell is in exactly one of them).
  auto series =
      stats(f, by_month ? std::vector<std::string>{"year", "month"} : std::vector<std::string>{"year"});
  if (!series.ok()) return Error(ctx, series.status());
  ev::StatsRow total_row;
  total_row.values.assign(kIncidentMeasures.size(), 0);
  for (const auto& row : series->table.rows) {
    for (std::size_t i = 0; i < total_row.values.size(); ++i) total_row.values[i] += Value(row, i);
  }
  json model = {
      {"dead", FormatNumber(Value(total_row, 0), lang)},
      {"missing", FormatNumber(Value(total_row, 1), lang)},
      {"total", FormatNumber(Value(total_row, 2), lang)},
      {"incidents", FormatNumber(Value(total_row, 3), lang)},
      {"incident_source", SourceJson(ctx, f.dataset, series->dataset)},
      {"by_month", by_month},
      {"by_year_url", "/evidence?" + ew::Encode(*q, {"lang", "msg", "by"})},
      {"by_month_url", "/evidence?" + ew::Encode(*q, {"lang", "msg", "by"}) + "&by=month"},
  };
  json years = json::array(), chart_x = json::array(), chart_dead = json::array(),
       chart_missing = json::array();
  for (const auto& row : series->table.rows) {
    if (row.keys.empty() || !ew::IsDigits(row.keys[0])) continue;
    int year = std::stoi(row.keys[0]);
    int month = by_month && row.keys.size() > 1 && ew::IsDigits(row.keys[1]) ? std::stoi(row.keys[1]) : 0;
    if (by_month && month == 0) continue;
    std::string label = std::to_string(year);
    if (by_month) label += (month < 10 ? "-0" : "-") + std::to_string(month);
    years.push_back({{"label", label},
                     {"dead", FormatNumber(Value(row, 0), lang)},
                     {"missing", FormatNumber(Value(row, 1), lang)},
                     {"total", FormatNumber(Value(row, 2), lang)},
                     {"incidents", FormatNumber(Value(row, 3), lang)}});
    chart_x.push_back(by_month ? year + (month - 1) / 12.0 : year);
    chart_dead.push_back(Value(row, 0));
    chart_missing.push_back(Value(row, 1));
  }
  model["years"] = years;
  model["has_years"] = !years.empty();

  // The places of the whole dataset in one pass: the filter form's region,
  // country and route options, and, when nothing is filtered, the
  // by-region table.
  ev::IncidentFilter all;
  all.dataset = f.dataset;
  bool unfiltered = f.region.empty() && f.country.empty() && f.route.empty() && !f.cause.has_value() &&
                    !f.from.known() && !f.to.known();
  auto places = stats(all, {"region", "country", "route"});
  if (!places.ok()) return Error(ctx, places.status());

  // By region and by cause, each a link that filters.
  auto link_rows = [&](const std::string& dim, std::vector<ev::StatsRow> rows,
                       const std::function<std::string(const std::string&)>& label, json& out) {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return Value(a, 2) > Value(b, 2); });
    std::string base = "/evidence?" + ew::Encode(*q, {"lang", "msg", dim});
    for (const auto& row : rows) {
      std::string key = row.keys.empty() ? "" : row.keys[0];
      json item = {{"label", key.empty() ? T(ctx, "ev_unknown") : label(key)},
                   {"dead", FormatNumber(Value(row, 0), lang)},
                   {"missing", FormatNumber(Value(row, 1), lang)},
                   {"total", FormatNumber(Value(row, 2), lang)},
                   {"incidents", FormatNumber(Value(row, 3), lang)}};
      if (!key.empty()) {
        std::string href = base;
        href.append(base.back() == '?' ? "" : "&").append(dim).append("=").append(PercentEncode(key));
        item["href"] = href;
      }
      out.push_back(std::move(item));
    }
  };
  auto cause_label = [&](const std::string& code) {
    const std::string& t = T(ctx, "ev_cause_" + code);
    return t == "ev_cause_" + code ? code : t;
  };
  json regions = json::array(), causes = json::array();
  if (unfiltered) {
    link_rows(
        "region", RollUp(places->table.rows, 0), [](const std::string& k) { return k; }, regions);
  } else {
    auto r = stats(f, {"region"});
    if (!r.ok()) return Error(ctx, r.status());
    link_rows(
        "region", std::move(r->table.rows), [](const std::string& k) { return k; }, regions);
  }
  auto by_cause = stats(f, {"cause"});
  if (!by_cause.ok()) return Error(ctx, by_cause.status());
  link_rows("cause", std::move(by_cause->table.rows), cause_label, causes);
  model["regions"] = regions;
  model["causes"] = causes;

  // The filter form: options from the dataset as a whole, the current choice selected.
  auto options = [&](std::size_t key, const std::string& current) {
    json out = json::array();
    bool seen = current.empty();
    for (const auto& row : RollUp(places->table.rows, key)) {
      if (row.keys.empty() || row.keys[0].empty()) continue;
      out.push_back({{"value", row.keys[0]}, {"label", row.keys[0]}, {"selected", row.keys[0] == current}});
      seen = seen || row.keys[0] == current;
    }
    if (!seen) out.push_back({{"value", current}, {"label", current}, {"selected", true}});
    return out;
  };
  model["region_options"] = options(0, f.region);
  model["country_options"] = options(1, f.country);
  model["route_options"] = options(2, f.route);
  json cause_options = json::array();
  for (int i = 0; i < ev::kCauseCount; ++i) {
    std::string code = ev::CauseCode(static_cast<ev::Cause>(i));
    cause_options.push_back({{"value", code},
                             {"label", cause_label(code)},
                             {"selected", f.cause && *f.cause == static_cast<ev::Cause>(i)}});
  }
  model["cause_options"] = cause_options;
  model["dataset_options"] = DatasetOptions(true, f.dataset);
  model["from"] = ew::Param(*q, "from");
  model["to"] = ew::Param(*q, "to");
  model["filtered"] = !f.region.empty() || !f.country.empty() || !f.route.empty() || f.cause.has_value() ||
                      f.from.known() || f.to.known();

  // Displacement: the kinds this dataset has, the headline, by year, by country.
  auto kinds_all = svc.DisplacementStats(actor, df, ev::StatsRequest{{}, ev::FigureKinds()});
  if (!kinds_all.ok()) return Error(ctx, kinds_all.status());
  std::vector<std::string> kinds;
  if (!kinds_all->table.rows.empty()) {
    const auto& row = kinds_all->table.rows.front();
    for (std::size_t i = 0; i < ev::FigureKinds().size(); ++i) {
      if (Value(row, i) != 0) kinds.push_back(ev::FigureKinds()[i]);
    }
  }
  std::stable_sort(kinds.begin(), kinds.end(), [](const std::string& a, const std::string& b) {
    auto rank = [](const std::string& k) {
      auto it = std::find(kHeadlineKinds.begin(), kHeadlineKinds.end(), k);
      return it - kHeadlineKinds.begin();
    };
    return rank(a) < rank(b);
  });
  if (kinds.size() > 4) kinds.resize(4);
  auto kind_label = [&](const std::string& code) {
    const std::string& t = T(ctx, "ev_kind_" + code);
    return t == "ev_kind_" + code ? code : t;
  };
  std::string map_kind = !df.kind.empty() ? df.kind : (kinds.empty() ? "new_displacements" : kinds.front());
  model["displacement_source"] = SourceJson(ctx, df.dataset, kinds_all->dataset);
  model["suppressed"] =
      kinds_all->table.suppressed > 0
          ? json(Fill(T(ctx, "ev_suppressed"), "{n}", FormatNumber(kinds_all->table.suppressed, lang)))
          : json(nullptr);
  // Stocks (people displaced at the end of a year, refugees, ...) are not
  // summed over years: the headline and the map take the latest year that
  // has the figure. Flows (new displacements, killed) are summed over the period.
  auto is_flow = [](const std::string& k) {
    return k == "new_displacements" || k == "killed" || k == "affected";
  };
  json dyears = json::array();
  std::map<std::string, std::pair<std::string, std::int64_t>> latest;  // stock kind -> (year, value)
  std::vector<std::string> year_kinds = kinds;
  if (std::find(year_kinds.begin(), year_kinds.end(), map_kind) == year_kinds.end())
    year_kinds.push_back(map_kind);
  auto by_year = svc.DisplacementStats(actor, df, ev::StatsRequest{{"year"}, year_kinds});
  if (!by_year.ok()) return Error(ctx, by_year.status());
  for (const auto& row : by_year->table.rows) {
    std::string year = row.keys.empty() ? "" : row.keys[0];
    json cells = json::array();
    for (std::size_t i = 0; i < year_kinds.size(); ++i) {
      if (i < kinds.size()) cells.push_back(FormatNumber(Value(row, i), lang));
      if (Value(row, i) != 0 && !is_flow(year_kinds[i]) && ew::IsDigits(year))
        latest[year_kinds[i]] = {year, Value(row, i)};
    }
    if (!kinds.empty()) dyears.push_back({{"label", year}, {"cells", cells}});
  }
  json headline = json::array();
  if (!kinds_all->table.rows.empty()) {
    const auto& row = kinds_all->table.rows.front();
    for (const auto& k : kinds) {
      if (is_flow(k)) {
        auto i = std::find(ev::FigureKinds().begin(), ev::FigureKinds().end(), k) - ev::FigureKinds().begin();
        headline.push_back({{"label", kind_label(k)}, {"value", FormatNumber(Value(row, i), lang)}});
      } else if (auto it = latest.find(k); it != latest.end()) {
        headline.push_back({{"label", kind_label(k) + " (" + it->second.first + ")"},
                            {"value", FormatNumber(it->second.second, lang)}});
      }
    }
  }
  model["displacement_headline"] = headline;
  json kind_headers = json::array();
  for (const auto& k : kinds) kind_headers.push_back(kind_label(k));
  model["kind_headers"] = kind_headers;
  model["dyears"] = dyears;
  model["has_dyears"] = !dyears.empty();

  ev::DisplacementFilter map_filter = df;
  std::string map_label = kind_label(map_kind);
  if (auto it = latest.find(map_kind); it != latest.end()) {
    map_filter.from_year = map_filter.to_year = std::stoi(it->second.first);
    map_label += " (" + it->second.first + ")";
  }
  auto by_country = svc.DisplacementStats(actor, map_filter, ev::StatsRequest{{"country"}, {map_kind}});
  if (!by_country.ok()) return Error(ctx, by_country.status());
  std::vector<ev::StatsRow> crows = by_country->table.rows;
  std::stable_sort(crows.begin(), crows.end(),
                   [](const auto& a, const auto& b) { return Value(a, 0) > Value(b, 0); });
  json countries = json::array(), top = json::array(), choropleth = json::array();
  for (const auto& row : crows) {
    if (row.keys.empty() || Value(row, 0) == 0) continue;
    const std::string& code = row.keys[0];
    std::string name = countries_.Name(code, lang);
    json item = {{"code", code}, {"name", name}, {"value", FormatNumber(Value(row, 0), lang)}};
    if (top.size() < kTopCountries) top.push_back(item);
    countries.push_back(item);
    std::string numeric(ew::IsoNumeric(code));
    choropleth.push_back({{"id", numeric}, {"code", code}, {"name", name}, {"value", Value(row, 0)}});
  }
  model["map_kind_label"] = map_label;
  model["top_countries"] = top;
  model["all_countries"] = countries;
  model["has_countries"] = !countries.empty();
  model["more_countries"] = countries.size() > top.size();
  json kind_options = json::array();
  for (const auto& k : ev::FigureKinds()) {
    kind_options.push_back({{"value", k}, {"label", kind_label(k)}, {"selected", k == df.kind}});
  }
  model["kind_options"] = kind_options;
  model["ddataset_options"] = DatasetOptions(false, df.dataset);
  model["dcause_conflict"] = df.cause && *df.cause == ev::DisplacementCause::kConflict;
  model["dcause_disaster"] = df.cause && *df.cause == ev::DisplacementCause::kDisaster;
  model["dhazard"] = df.hazard;

  // Downloads of the current filter, for each dataset.
  std::string iqs =
      ew::Encode(*q, {"lang", "msg", "by", "ddataset", "dcause", "dhazard", "dkind", "dcountry"});
  std::string dqs;
  for (const auto& [k, v] : *q) {
    std::string name = k;
    if (k == "ddataset" || k == "dcause" || k == "dhazard" || k == "dkind" || k == "dcountry") {
      name = k.substr(1);
    } else if (k != "from" && k != "to") {
      continue;
    }
    dqs += (dqs.empty() ? "" : "&") + PercentEncode(name) + "=" + PercentEncode(v);
  }
  auto with = [](const std::string& path, const std::string& qs, const std::string& extra = "") {
    std::string all = qs;
    if (!extra.empty()) all += (all.empty() ? "" : "&") + extra;
    return path + (all.empty() ? "" : "?" + all);
  };
  model["incident_downloads"] = {{"csv", with("/evidence/incidents.csv", iqs)},
                                 {"hxl", with("/evidence/incidents.csv", iqs, "format=hxl")},
                                 {"json", with("/evidence/incidents.json", iqs)},
                                 {"geojson", with("/evidence/incidents.geojson", iqs)},
                                 {"api", with("/api/v1/incidents/stats", iqs, "group_by=year")}};
  model["displacement_downloads"] = {
      {"csv", with("/evidence/displacement.csv", dqs)},
      {"hxl", with("/evidence/displacement.csv", dqs, "format=hxl")},
      {"json", with("/evidence/displacement.json", dqs)},
      {"api", with("/api/v1/displacement/stats", dqs, "group_by=year,country")}};
  model["displacement_records_public"] =
      model["displacement_source"]["aggregates_only"] == false || IsOfficer(ctx);
  model["is_officer"] = IsOfficer(ctx);

  // What evidence.js draws: no inline script, a JSON data block.
  json data = {{"lang", lang},
               {"chart",
                {{"x", chart_x},
                 {"dead", chart_dead},
                 {"missing", chart_missing},
                 {"by_month", by_month},
                 {"labels", {{"dead", T(ctx, "ev_dead")}, {"missing", T(ctx, "ev_missing")}}}}},
               {"points_url", with("/api/v1/incidents/points", iqs)},
               {"choropleth", {{"kind", map_kind}, {"label", map_label}, {"values", choropleth}}},
               {"labels",
                {{"incidents", T(ctx, "ev_incidents")},
                 {"total", T(ctx, "ev_total")},
                 {"map_incidents", T(ctx, "ev_map_incidents_label")},
                 {"map_displacement", T(ctx, "ev_map_displacement_label")},
                 {"no_figure", T(ctx, "ev_no_figure")}}},
               {"assets", ew::StaticUrls()}};
  model["data_json"] = ew::JsonForScript(data);
  model["script_url"] = ew::StaticUrls()["evidence.js"];
  model["style_url"] = ew::StaticUrls()["evidence.css"];
  return Page(ctx, "evidence/dashboard", T(ctx, "ev_title"), model);
}

}  // namespace waymark::web
