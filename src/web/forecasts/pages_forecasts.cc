// Pages of the forecasts module, and every route it registers.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>

#include "core/byte_source.h"

#include "forecast/csv.h"
#include "web/forecasts/forecasts_module.h"
#include "web/forecasts/svg.h"
#include "web/helpers.h"

namespace waymark::web {

using forecasts::Change;
using forecasts::ChangeKind;
using forecasts::Run;
using forecasts::RunDay;
using forecasts::RunState;
using forecasts::Scenario;
using http::Response;
using nlohmann::json;

namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Time(TimestampMs ms) {
  if (ms <= 0) return "";
  return FormatUtcMinute(ms);
}

// The model with every empty string made null, so that a template's
// {{#field}} section is left out for an empty value as for a missing one.
json Blanked(json j) {
  if (j.is_string() && j.get_ref<const std::string&>().empty()) return nullptr;
  if (j.is_object() || j.is_array()) {
    for (auto& v : j) v = Blanked(std::move(v));
  }
  return j;
}

const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"};

std::string CsvLine(const std::vector<std::string>& cells) {
  std::string row;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) row.append(",");
    row.append(CsvCell(cells[i]));
  }
  row.append("\r\n");
  return row;
}

Response Csv(std::string body, const std::string& filename) {
  Response r;
  r.body = std::move(body);
  r.Set("Content-Type", "text/csv; charset=utf-8; header=present");
  r.Set("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  r.Set("Cache-Control", "private, max-age=60");
  return r;
}

}  // namespace

// One what-if change from the form's (or the API's) strings.
Result<Change> ParseForecastChange(const std::string& kind, const std::string& a, const std::string& b,
                                   const std::string& day, const std::string& value) {
  FieldErrors e;
  Change c;
  auto k = forecasts::ParseChangeKind(kind);
  if (!k) e.Add("change_kind", "invalid", "choose a kind of change");
  c.kind = k.value_or(ChangeKind::kCloseCountry);
  c.a = std::string(a.substr(0, 200));
  c.b = std::string(b.substr(0, 200));
  if (c.a.empty()) e.Add("change_a", "required", "name a location, camp or country");
  if (k && *k == ChangeKind::kCloseCountry && c.b.empty())
    e.Add("change_b", "required", "name the other country");
  if (k && *k == ChangeKind::kCloseLink && c.b.empty())
    e.Add("change_b", "required", "name the other end of the link");
  if (!day.empty()) {
    if (!IsDigits(day) || day.size() > 6)
      e.Add("change_day", "invalid", "a day number from 0");
    else
      c.day = std::stoi(day);
  } else if (!k || *k != ChangeKind::kCampCapacity) {
    e.Add("change_day", "required", "a day number from 0");
  }
  if (k && *k == ChangeKind::kCampCapacity) {
    if (!IsDigits(value) || value.empty() || value.size() > 12)
      e.Add("change_value", "invalid", "a whole number of people ≥ 1");
    else
      c.value = std::stoll(value);
  }
  if (!e.empty()) return e.ToStatus();
  return c;
}

// Settings as "key=value" lines.
Result<std::map<std::string, std::string>> ParseForecastSettings(const std::string& text) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  int line = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string l = text.substr(start, end - start);
    ++line;
    start = end + 1;
    while (!l.empty() && (l.back() == '\r' || l.back() == ' ')) l.pop_back();
    if (l.empty()) continue;
    size_t eq = l.find('=');
    if (eq == std::string::npos || eq == 0)
      return Site::FieldError("settings", "invalid", "line " + std::to_string(line) + ": key=value expected");
    out[l.substr(0, eq)] = l.substr(eq + 1);
  }
  return out;
}

void ForecastsModule::AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const {
  nav.push_back({41, "/futures/forecasts", T(ctx, "nav_forecasts"), true, ""});
}

void ForecastsModule::RegisterRoutes() {
  Route("GET", "/futures/forecasts", Access::kPublic, &ForecastsModule::ListPage);
  StreamingRoute("POST", "/futures/forecasts", Access::kSignedIn, &ForecastsModule::Upload);
  Route("GET", "/futures/forecasts/scenarios/{id}", Access::kPublic, &ForecastsModule::ScenarioPage);
  Route("POST", "/futures/forecasts/scenarios/{id}/runs", Access::kSignedIn, &ForecastsModule::StartRunForm);
  Route("POST", "/futures/forecasts/scenarios/{id}/copy", Access::kSignedIn, &ForecastsModule::CopyForm);
  Route("POST", "/futures/forecasts/scenarios/{id}/publish", Access::kSignedIn,
        &ForecastsModule::PublishForm);
  Route("GET", "/futures/forecasts/{id}", Access::kPublic, &ForecastsModule::RunPage);
  Route("POST", "/futures/forecasts/{id}/cancel", Access::kSignedIn, &ForecastsModule::CancelForm);
  Route("GET", "/futures/forecasts/{id}/compare/{other}", Access::kPublic, &ForecastsModule::ComparePage);
  Route("GET", "/futures/forecasts/{id}/series.csv", Access::kPublic, &ForecastsModule::SeriesCsv);
  Route("GET", "/futures/forecasts/{id}/errors.csv", Access::kPublic, &ForecastsModule::ErrorsCsv);

  Route("GET", "/api/v1/forecasts/scenarios", Access::kPublic, &ForecastsModule::ApiScenarios);
  Route("POST", "/api/v1/forecasts/scenarios", Access::kSignedIn, &ForecastsModule::ApiCreateScenario);
  Route("GET", "/api/v1/forecasts/scenarios/{id}", Access::kPublic, &ForecastsModule::ApiScenario);
  Route("POST", "/api/v1/forecasts/scenarios/{id}/copy", Access::kSignedIn, &ForecastsModule::ApiCopy);
  Route("POST", "/api/v1/forecasts/scenarios/{id}/runs", Access::kSignedIn, &ForecastsModule::ApiStartRun);
  Route("GET", "/api/v1/forecasts/runs", Access::kPublic, &ForecastsModule::ApiRuns);
  Route("GET", "/api/v1/forecasts/runs/{id}", Access::kPublic, &ForecastsModule::ApiRun);
  Route("GET", "/api/v1/forecasts/runs/{id}/results", Access::kPublic, &ForecastsModule::ApiResults);
  Route("POST", "/api/v1/forecasts/runs/{id}/cancel", Access::kSignedIn, &ForecastsModule::ApiCancel);
}

Result<forecasts::Id> ForecastsModule::IdParam(const Context& ctx, const char* name) {
  const std::string& id = ctx.req.params.at(name);
  if (!IsDigits(id) || id.empty() || id.size() > 18) return Status::NotFound("no such forecast");
  return std::stoll(id);
}

json ForecastsModule::ErrorModel(const Context& ctx, const Status& error) const {
  json model = json::object();
  if (error.ok()) return model;
  json list = ErrorList(ctx, error);
  for (auto& e : list) {
    std::string key = "fc_field_" + e["field"].get<std::string>();
    const std::string& label = T(ctx, key);
    if (label != key) e["label"] = label;
  }
  model["errors"] = list;
  model["has_errors"] = true;
  return model;
}

json ForecastsModule::ScenarioJson(const Context& ctx, const Scenario& s) const {
  json changes = json::array();
  for (const Change& c : s.changes) {
    std::string kind(forecasts::ToString(c.kind));
    changes.push_back({{"kind", kind},
                       {"kind_label", T(ctx, "fc_change_" + kind)},
                       {"a", c.a},
                       {"b", c.b},
                       {"day", c.day},
                       {"value", c.value}});
  }
  json settings = json::object();
  for (const auto& [k, v] : s.settings) settings[k] = v;
  return {{"id", s.id},
          {"title", s.title},
          {"description", s.description},
          {"published", s.published},
          {"origin", s.origin},
          {"parent_id", s.parent_id == 0 ? json(nullptr) : json(s.parent_id)},
          {"settings", settings},
          {"changes", changes},
          {"has_changes", !changes.empty()},
          {"created_at", FormatIso8601(s.created_at)},
          {"href", "/futures/forecasts/scenarios/" + std::to_string(s.id)},
          {"api", "/api/v1/forecasts/scenarios/" + std::to_string(s.id)}};
}

json ForecastsModule::RunJson(const Context& ctx, const Run& r) const {
  std::string state(forecasts::ToString(r.state));
  json j = {{"id", r.id},
            {"scenario_id", r.scenario_id},
            {"state", state},
            {"state_label", T(ctx, "fc_state_" + state)},
            {"active", !forecasts::Finished(r.state)},
            {"done", r.state == RunState::kDone},
            {"seeds", r.seeds},
            {"first_seed", r.first_seed},
            {"progress", r.progress},
            {"percent", static_cast<int>(std::lround(r.progress * 100))},
            {"error", r.error},
            {"created_at", Time(r.created_at)},
            {"started_at", Time(r.started_at)},
            {"finished_at", Time(r.finished_at)},
            {"href", "/futures/forecasts/" + std::to_string(r.id)},
            {"api", "/api/v1/forecasts/runs/" + std::to_string(r.id)}};
  if (r.summary) {
    const auto& s = *r.summary;
    j["summary"] = {{"error", s.error_mean},
                    {"error_sd", s.error_sd},
                    {"error_rescaled", s.error_rescaled_mean},
                    {"error_rescaled_sd", s.error_rescaled_sd},
                    {"max_error_after_day12", s.max_error_after_day12},
                    {"baseline_flat30", s.baseline_flat30},
                    {"baseline_sloped30", s.baseline_sloped30},
                    {"baseline_ratio30", s.baseline_ratio30},
                    {"baseline_uniform", s.baseline_uniform},
                    {"agent_days", s.agent_days},
                    {"cpu_seconds", s.cpu_seconds},
                    {"wall_seconds", s.wall_seconds},
                    {"start_date", forecast::FormatIsoDate(s.start_date)},
                    {"camps", s.camps}};
    j["error_text"] = Fixed(s.error_mean, 4);
    j["error_rescaled_text"] = Fixed(s.error_rescaled_mean, 4);
    j["ratio30_text"] = Fixed(s.baseline_ratio30, 4);
    j["flat30_text"] = Fixed(s.baseline_flat30, 4);
  } else {
    j["summary"] = nullptr;
  }
  return j;
}

// --- the list ---

Response ForecastsModule::ListPage(Context& ctx) { return ListView(ctx, Status::Ok(), 200); }

Response ForecastsModule::ListView(Context& ctx, const Status& error, int status) {
  accounts::Actor actor = ctx.actor();
  auto list = services_.forecasts->List(actor);
  if (!list.ok()) return Error(ctx, list.status());
  auto runs = services_.forecasts->Runs(actor, 0);
  if (!runs.ok()) return Error(ctx, runs.status());
  std::map<forecasts::Id, std::string> titles;
  json items = json::array();
  for (const auto& s : *list) {
    titles[s.id] = s.title;
    items.push_back(ScenarioJson(ctx, s));
  }
  json run_items = json::array();
  for (const auto& r : *runs) {
    if (run_items.size() >= 50) break;
    json j = RunJson(ctx, r);
    j["scenario_title"] = titles[r.scenario_id];
    run_items.push_back(j);
  }
  json model = ErrorModel(ctx, error);
  model["scenarios"] = items;
  model["has_scenarios"] = !items.empty();
  model["runs"] = run_items;
  model["has_runs"] = !run_items.empty();
  model["can_create"] = forecasts::ForecastService::CanCreate(actor);
  model["f_title"] = ctx.Form("title");
  model["f_description"] = ctx.Form("description");
  return Page(ctx, "forecasts/list", T(ctx, "fc_title"), Blanked(model), status);
}

Response ForecastsModule::Upload(Context& ctx) {
  std::string zip;
  for (const auto& part : ctx.files) {
    if (part.name != "file" || part.size() == 0) continue;
    if (part.size() > services_.forecasts->options().zip.max_archive_bytes) {
      return ListView(ctx, Site::FieldError("file", "too_large", "the zip file is too large"), 422);
    }
    auto bytes = part.Bytes();
    auto all = ReadAll(*bytes);
    if (!all.ok()) return Error(ctx, all.status());
    zip = std::move(all).value();
  }
  if (zip.empty()) return ListView(ctx, Site::FieldError("file", "required", "choose a zip file"), 422);
  Scenario s;
  s.title = ctx.Form("title");
  s.description = ctx.Form("description");
  auto created = services_.forecasts->CreateFromZip(ctx.actor(), s, zip);
  if (!created.ok()) {
    if (created.status().kind() == Status::Kind::kValidation) return ListView(ctx, created.status(), 422);
    return Error(ctx, created.status());
  }
  return Response::Redirect("/futures/forecasts/scenarios/" + std::to_string(created->id));
}

// --- a scenario ---

Response ForecastsModule::ScenarioPage(Context& ctx) {
  auto id = IdParam(ctx, "id");
  if (!id.ok()) return Error(ctx, id.status());
  return ScenarioView(ctx, *id, Status::Ok(), 200);
}

Response ForecastsModule::ScenarioView(Context& ctx, forecasts::Id id, const Status& error, int status) {
  accounts::Actor actor = ctx.actor();
  auto s = services_.forecasts->Get(actor, id);
  if (!s.ok()) return Error(ctx, s.status());
  auto runs = services_.forecasts->Runs(actor, id);
  if (!runs.ok()) return Error(ctx, runs.status());
  auto files = services_.forecasts->Files(actor, id);
  if (!files.ok()) return Error(ctx, files.status());
  json model = ErrorModel(ctx, error);
  model["scenario"] = ScenarioJson(ctx, *s);
  json run_items = json::array();
  const Run* done = nullptr;
  for (const auto& r : *runs) {
    run_items.push_back(RunJson(ctx, r));
    if (!done && r.state == RunState::kDone) done = &r;
  }
  // Compare links: this scenario's latest done run against its parent's.
  if (done && s->parent_id != 0) {
    auto parent_runs = services_.forecasts->Runs(actor, s->parent_id);
    if (parent_runs.ok()) {
      for (const auto& r : *parent_runs) {
        if (r.state == RunState::kDone) {
          model["compare_href"] =
              "/futures/forecasts/" + std::to_string(r.id) + "/compare/" + std::to_string(done->id);
          break;
        }
      }
    }
  }
  model["runs"] = run_items;
  model["has_runs"] = !run_items.empty();
  json file_items = json::array();
  for (const auto& f : *files) file_items.push_back({{"path", f.path}, {"bytes", f.content.size()}});
  model["files"] = file_items;
  bool can_edit = forecasts::ForecastService::CanEdit(actor, *s);
  model["can_edit"] = can_edit;
  model["can_copy"] = forecasts::ForecastService::CanCreate(actor);
  model["max_seeds"] = services_.forecasts->options().max_seeds;
  if (s->parent_id != 0)
    model["parent_href"] = "/futures/forecasts/scenarios/" + std::to_string(s->parent_id);
  // The names a what-if may use.
  auto loaded = services_.forecasts->Load(actor, id);
  if (loaded.ok()) {
    json locations = json::array();
    std::set<std::string> countries;
    for (const auto& l : loaded->scenario.locations) {
      locations.push_back(
          {{"name", l.name},
           {"camp", l.kind == forecast::LocationKind::kCamp || l.kind == forecast::LocationKind::kIdpCamp}});
      countries.insert(l.country);
    }
    model["locations"] = locations;
    model["countries"] = countries;
    model["days"] = loaded->scenario.length;
    model["start_date"] = forecast::FormatIsoDate(loaded->scenario.start_date);
  } else {
    model["load_error"] = loaded.status().message();
  }
  model["f_seeds"] = ctx.Form("seeds").empty() ? "1" : ctx.Form("seeds");
  return Page(ctx, "forecasts/scenario", s->title, Blanked(model), status);
}

Response ForecastsModule::StartRunForm(Context& ctx) {
  auto id = IdParam(ctx, "id");
  if (!id.ok()) return Error(ctx, id.status());
  std::string seeds = ctx.Form("seeds");
  if (seeds.empty()) seeds = "1";
  if (!IsDigits(seeds) || seeds.size() > 6)
    return ScenarioView(ctx, *id, Site::FieldError("seeds", "invalid", "a whole number"), 422);
  auto run = services_.forecasts->StartRun(ctx.actor(), *id, std::stoi(seeds));
  if (!run.ok()) {
    if (run.status().kind() == Status::Kind::kValidation) return ScenarioView(ctx, *id, run.status(), 422);
    return Error(ctx, run.status());
  }
  return Response::Redirect("/futures/forecasts/" + std::to_string(run->id));
}

Response ForecastsModule::CopyForm(Context& ctx) {
  auto id = IdParam(ctx, "id");
  if (!id.ok()) return Error(ctx, id.status());
  std::vector<Change> changes;
  if (!ctx.Form("change_kind").empty()) {
    auto c = ParseForecastChange(ctx.Form("change_kind"), ctx.Form("change_a"), ctx.Form("change_b"),
                                 ctx.Form("change_day"), ctx.Form("change_value"));
    if (!c.ok()) return ScenarioView(ctx, *id, c.status(), 422);
    changes.push_back(*c);
  }
  auto settings = ParseForecastSettings(ctx.Form("settings"));
  if (!settings.ok()) return ScenarioView(ctx, *id, settings.status(), 422);
  auto copy = services_.forecasts->Copy(ctx.actor(), *id, ctx.Form("title"), changes, *settings);
  if (!copy.ok()) {
    if (copy.status().kind() == Status::Kind::kValidation) return ScenarioView(ctx, *id, copy.status(), 422);
    return Error(ctx, copy.status());
  }
  return Response::Redirect("/futures/forecasts/scenarios/" + std::to_string(copy->id));
}

Response ForecastsModule::PublishForm(Context& ctx) {
  auto id = IdParam(ctx, "id");
  if (!id.ok()) return Error(ctx, id.status());
  auto s = services_.forecasts->SetPublished(ctx.actor(), *id, ctx.Form("published") == "1");
  if (!s.ok()) return Error(ctx, s.status());
  return Response::Redirect("/futures/forecasts/scenarios/" + std::to_string(*id));
}

// --- a run ---

Response ForecastsModule::RunPage(Context& ctx) {
  auto id = IdParam(ctx, "id");
  if (!id.ok()) return Error(ctx, id.status());
  accounts::Actor actor = ctx.actor();
  auto run = services_.forecasts->GetRun(actor, *id);
  if (!run.ok()) return Error(ctx, run.status());
  auto s = services_.forecasts->Get(actor, run->scenario_id);
  if (!s.ok()) return Error(ctx, s.status());
  json model = RunJson(ctx, *run);
  model["scenario"] = ScenarioJson(ctx, *s);
  model["can_cancel"] = forecasts::ForecastService::CanEdit(actor, *s) && !forecasts::Finished(run->state);
  if (run->state == RunState::kDone && run->summary) {
    auto days = services_.forecasts->Days(actor, *id);
    if (!days.ok()) return Error(ctx, days.status());
    const auto& sum = *run->summary;
    json camps = json::array();
    for (size_t c = 0; c < sum.camps.size(); ++c) {
      svg::Line sim{T(ctx, "fc_simulated"), {}, kPalette[0], false};
      svg::Line obs{T(ctx, "fc_observed"), {}, "#444", true};
      json rows = json::array();
      for (const RunDay& d : *days) {
        double sv = c < d.simulated.size() ? d.simulated[c] : 0;
        double ov = c < d.observed.size() ? d.observed[c] : 0;
        sim.values.push_back(sv);
        obs.values.push_back(ov);
        if (d.day % 7 == 0 || d.day + 1 == static_cast<int>(days->size()))
          rows.push_back({{"day", d.day},
                          {"date", forecast::FormatIsoDate(sum.start_date + d.day)},
                          {"simulated", Fixed(sv, 0)},
                          {"observed", Fixed(ov, 0)}});
      }
      std::string title = sum.camps[c] + ": " + T(ctx, "fc_chart_camp");
      std::string desc = Fill(T(ctx, "fc_chart_camp_desc"), "camp", sum.camps[c]);
      camps.push_back(
          {{"name", sum.camps[c]},
           {"svg", svg::LineChart("camp" + std::to_string(c), title, desc, T(ctx, "fc_day"), {sim, obs})},
           {"rows", rows},
           {"final_simulated", sim.values.empty() ? "" : Fixed(sim.values.back(), 0)},
           {"final_observed", obs.values.empty() ? "" : Fixed(obs.values.back(), 0)}});
    }
    model["camps"] = camps;
    svg::Line err{T(ctx, "fc_error"), {}, kPalette[1], false};
    svg::Line resc{T(ctx, "fc_error_rescaled"), {}, kPalette[2], true};
    json error_rows = json::array();
    for (const RunDay& d : *days) {
      err.values.push_back(d.error);
      resc.values.push_back(d.error_rescaled);
      if (d.day % 14 == 0 || d.day + 1 == static_cast<int>(days->size()))
        error_rows.push_back(
            {{"day", d.day}, {"error", Fixed(d.error, 3)}, {"error_rescaled", Fixed(d.error_rescaled, 3)}});
    }
    model["error_svg"] = svg::LineChart("err", T(ctx, "fc_chart_error"), T(ctx, "fc_chart_error_desc"),
                                        T(ctx, "fc_day"), {err, resc});
    model["error_rows"] = error_rows;
    auto loaded = services_.forecasts->Load(actor, s->id);
    if (loaded.ok()) {
      std::vector<svg::Place> places;
      for (size_t i = 0; i < loaded->scenario.locations.size(); ++i) {
        const auto& l = loaded->scenario.locations[i];
        int kind = l.kind == forecast::LocationKind::kConflictZone ? 0
                   : l.kind == forecast::LocationKind::kTown       ? 1
                   : (l.kind == forecast::LocationKind::kCamp || l.kind == forecast::LocationKind::kIdpCamp)
                       ? 2
                       : 3;
        places.push_back(
            {l.name, l.latitude, l.longitude, kind, i < sum.final_counts.size() ? sum.final_counts[i] : 0});
      }
      std::vector<svg::Link> links;
      json link_rows = json::array();
      for (size_t i = 0; i < loaded->scenario.routes.size(); ++i) {
        const auto& r = loaded->scenario.routes[i];
        double flow = i < sum.route_flows.size() ? sum.route_flows[i] : 0;
        links.push_back({r.from, r.to, flow});
        if (flow >= 1)
          link_rows.push_back({{"from", loaded->scenario.locations[static_cast<size_t>(r.from)].name},
                               {"to", loaded->scenario.locations[static_cast<size_t>(r.to)].name},
                               {"flow", Fixed(flow, 0)},
                               {"sort", flow}});
      }
      std::sort(link_rows.begin(), link_rows.end(), [](const json& a, const json& b) {
        return a["sort"].get<double>() > b["sort"].get<double>();
      });
      model["map_svg"] = svg::NetworkMap("map", T(ctx, "fc_map"), T(ctx, "fc_map_desc"), places, links);
      model["link_rows"] = link_rows;
    }
  }
  Response r = Page(ctx, "forecasts/run", s->title + " · " + T(ctx, "fc_run") + " " + std::to_string(run->id),
                    Blanked(model));
  // While it runs the page reloads itself (no JavaScript needed).
  if (!forecasts::Finished(run->state)) {
    r.Set("Refresh", "3");
    r.Set("Cache-Control", "no-store");
  }
  return r;
}

Response ForecastsModule::CancelForm(Context& ctx) {
  auto id = IdParam(ctx, "id");
  if (!id.ok()) return Error(ctx, id.status());
  auto r = services_.forecasts->Cancel(ctx.actor(), *id);
  if (!r.ok() && !r.status().IsConflict()) return Error(ctx, r.status());
  return Response::Redirect("/futures/forecasts/" + std::to_string(*id));
}

Response ForecastsModule::ComparePage(Context& ctx) {
  auto a = IdParam(ctx, "id");
  if (!a.ok()) return Error(ctx, a.status());
  auto b = IdParam(ctx, "other");
  if (!b.ok()) return Error(ctx, b.status());
  accounts::Actor actor = ctx.actor();
  auto ra = services_.forecasts->GetRun(actor, *a);
  if (!ra.ok()) return Error(ctx, ra.status());
  auto rb = services_.forecasts->GetRun(actor, *b);
  if (!rb.ok()) return Error(ctx, rb.status());
  if (!ra->summary || !rb->summary)
    return Error(ctx, Status::Conflict("both runs must be done to be compared"));
  auto sa = services_.forecasts->Get(actor, ra->scenario_id);
  auto sb = services_.forecasts->Get(actor, rb->scenario_id);
  if (!sa.ok()) return Error(ctx, sa.status());
  if (!sb.ok()) return Error(ctx, sb.status());
  auto da = services_.forecasts->Days(actor, *a);
  auto db = services_.forecasts->Days(actor, *b);
  if (!da.ok()) return Error(ctx, da.status());
  if (!db.ok()) return Error(ctx, db.status());
  json model;
  model["a"] = RunJson(ctx, *ra);
  model["b"] = RunJson(ctx, *rb);
  model["a"]["title"] = sa->title;
  model["b"]["title"] = sb->title;
  model["a_scenario"] = ScenarioJson(ctx, *sa);
  model["b_scenario"] = ScenarioJson(ctx, *sb);
  std::string label_a = "A: " + sa->title;
  std::string label_b = "B: " + sb->title;
  json camps = json::array();
  const auto& ca = ra->summary->camps;
  const auto& cb = rb->summary->camps;
  for (size_t i = 0; i < ca.size(); ++i) {
    auto j = std::find(cb.begin(), cb.end(), ca[i]);
    if (j == cb.end()) continue;
    size_t k = static_cast<size_t>(j - cb.begin());
    svg::Line obs{T(ctx, "fc_observed"), {}, "#444", true};
    svg::Line la{label_a, {}, kPalette[0], false};
    svg::Line lb{label_b, {}, kPalette[1], false};
    for (const auto& d : *da) {
      la.values.push_back(i < d.simulated.size() ? d.simulated[i] : 0);
      obs.values.push_back(i < d.observed.size() ? d.observed[i] : 0);
    }
    for (const auto& d : *db) lb.values.push_back(k < d.simulated.size() ? d.simulated[k] : 0);
    std::string title = ca[i] + ": " + T(ctx, "fc_chart_compare");
    std::string desc = Fill(T(ctx, "fc_chart_compare_desc"), "camp", ca[i]);
    double fa = la.values.empty() ? 0 : la.values.back();
    double fb = lb.values.empty() ? 0 : lb.values.back();
    double fo = obs.values.empty() ? 0 : obs.values.back();
    camps.push_back(
        {{"name", ca[i]},
         {"svg", svg::LineChart("cmp" + std::to_string(i), title, desc, T(ctx, "fc_day"), {obs, la, lb})},
         {"final_a", Fixed(fa, 0)},
         {"final_b", Fixed(fb, 0)},
         {"final_observed", Fixed(fo, 0)},
         {"difference", Fixed(fb - fa, 0)}});
  }
  model["camps"] = camps;
  svg::Line ea{label_a, {}, kPalette[0], false};
  svg::Line eb{label_b, {}, kPalette[1], false};
  for (const auto& d : *da) ea.values.push_back(d.error);
  for (const auto& d : *db) eb.values.push_back(d.error);
  model["error_svg"] = svg::LineChart("cmperr", T(ctx, "fc_chart_error"), T(ctx, "fc_chart_error_desc"),
                                      T(ctx, "fc_day"), {ea, eb});
  return Page(ctx, "forecasts/compare", T(ctx, "fc_compare"), Blanked(model));
}

// --- CSV ---

Response ForecastsModule::SeriesCsv(Context& ctx) {
  auto id = IdParam(ctx, "id");
  if (!id.ok()) return Error(ctx, id.status());
  auto run = services_.forecasts->GetRun(ctx.actor(), *id);
  if (!run.ok()) return Error(ctx, run.status());
  if (!run->summary) return Error(ctx, Status::Conflict("the run has no results"));
  auto days = services_.forecasts->Days(ctx.actor(), *id);
  if (!days.ok()) return Error(ctx, days.status());
  // docs/forecast.md's --out format: day,date, one column per camp, total.
  std::vector<std::string> head = {"day", "date"};
  for (const auto& c : run->summary->camps) head.push_back(c);
  head.emplace_back("total");
  std::string csv = CsvLine(head);
  for (const auto& d : *days) {
    std::vector<std::string> row = {std::to_string(d.day),
                                    forecast::FormatIsoDate(run->summary->start_date + d.day)};
    double total = 0;
    for (double v : d.simulated) {
      row.push_back(Fixed(v, 2));
      total += v;
    }
    row.push_back(Fixed(total, 2));
    csv.append(CsvLine(row));
  }
  return Csv(std::move(csv), "forecast-" + std::to_string(*id) + ".csv");
}

Response ForecastsModule::ErrorsCsv(Context& ctx) {
  auto id = IdParam(ctx, "id");
  if (!id.ok()) return Error(ctx, id.status());
  auto run = services_.forecasts->GetRun(ctx.actor(), *id);
  if (!run.ok()) return Error(ctx, run.status());
  if (!run->summary) return Error(ctx, Status::Conflict("the run has no results"));
  auto days = services_.forecasts->Days(ctx.actor(), *id);
  if (!days.ok()) return Error(ctx, days.status());
  std::vector<std::string> head = {"day", "date", "error", "error_rescaled"};
  for (const auto& c : run->summary->camps) head.push_back("observed:" + c);
  std::string csv = CsvLine(head);
  for (const auto& d : *days) {
    std::vector<std::string> row = {std::to_string(d.day),
                                    forecast::FormatIsoDate(run->summary->start_date + d.day),
                                    Fixed(d.error, 6), Fixed(d.error_rescaled, 6)};
    for (double v : d.observed) row.push_back(Fixed(v, 0));
    csv.append(CsvLine(row));
  }
  return Csv(std::move(csv), "forecast-" + std::to_string(*id) + "-errors.csv");
}

}  // namespace waymark::web
