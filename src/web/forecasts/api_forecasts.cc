// The forecasts module's JSON API: scenarios (a zip upload creates one, a
// copy makes a what-if), runs (start, status, results, cancel).
#include "forecast/csv.h"
#include "web/forecasts/forecasts_module.h"
#include "web/helpers.h"

namespace waymark::web {

using forecasts::Change;
using http::Response;
using nlohmann::json;

namespace {

std::string StringMember(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return "\x01";  // a wrong type: refused by the parser as invalid
}

}  // namespace

Response ForecastsModule::ApiScenarios(Context& ctx) {
  auto list = services_.forecasts->List(ctx.actor());
  if (!list.ok()) return Error(ctx, list.status());
  json items = json::array();
  for (const auto& s : *list) items.push_back(ScenarioJson(ctx, s));
  return Json(ctx, 200, {{"items", items}});
}

Response ForecastsModule::ApiCreateScenario(Context& ctx) {
  std::string type(ctx.req.Header("content-type"));
  if (type.rfind("application/zip", 0) != 0 && type.rfind("application/octet-stream", 0) != 0)
    return Error(
        ctx, Status::UnsupportedMediaType("send the folder as a zip file (Content-Type: application/zip)"));
  forecasts::Scenario s;
  s.title = ctx.req.QueryParam("title").value_or("");
  s.description = ctx.req.QueryParam("description").value_or("");
  auto created = services_.forecasts->CreateFromZip(ctx.actor(), s, ctx.req.body);
  if (!created.ok()) return Error(ctx, created.status());
  Response r = Json(ctx, 201, ScenarioJson(ctx, *created));
  r.Set("Location", "/api/v1/forecasts/scenarios/" + std::to_string(created->id));
  return r;
}

Response ForecastsModule::ApiScenario(Context& ctx) {
  auto id = IdParam(ctx, "id");
  if (!id.ok()) return Error(ctx, id.status());
  auto s = services_.forecasts->Get(ctx.actor(), *id);
  if (!s.ok()) return Error(ctx, s.status());
  auto runs = services_.forecasts->Runs(ctx.actor(), *id);
  if (!runs.ok()) return Error(ctx, runs.status());
  json j = ScenarioJson(ctx, *s);
  json items = json::array();
  for (const auto& r : *runs) items.push_back(RunJson(ctx, r));
  j["runs"] = items;
  auto files = services_.forecasts->Files(ctx.actor(), *id);
  if (!files.ok()) return Error(ctx, files.status());
  json names = json::array();
  for (const auto& f : *files) names.push_back(f.path);
  j["files"] = names;
  return Json(ctx, 200, j);
}

Response ForecastsModule::ApiCopy(Context& ctx) {
  auto id = IdParam(ctx, "id");
  if (!id.ok()) return Error(ctx, id.status());
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  std::vector<Change> changes;
  if (auto it = body->find("changes"); it != body->end()) {
    if (!it->is_array()) return Error(ctx, Site::FieldError("changes", "invalid", "must be an array"));
    for (const auto& c : *it) {
      if (!c.is_object())
        return Error(ctx, Site::FieldError("changes", "invalid", "must be {kind, a, b, day, value}"));
      auto change = ParseForecastChange(StringMember(c, "kind"), StringMember(c, "a"), StringMember(c, "b"),
                                        StringMember(c, "day"), StringMember(c, "value"));
      if (!change.ok()) return Error(ctx, change.status());
      changes.push_back(*change);
    }
  }
  std::map<std::string, std::string> settings;
  if (auto it = body->find("settings"); it != body->end()) {
    if (!it->is_object())
      return Error(ctx, Site::FieldError("settings", "invalid", "must be an object of strings"));
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) return Error(ctx, Site::FieldError("settings", "invalid", k + ": a string value"));
      settings[k] = v.get<std::string>();
    }
  }
  std::string title = StringMember(*body, "title");
  if (title == "\x01") return Error(ctx, Site::FieldError("title", "invalid", "must be a string"));
  auto copy = services_.forecasts->Copy(ctx.actor(), *id, title, changes, settings);
  if (!copy.ok()) return Error(ctx, copy.status());
  Response r = Json(ctx, 201, ScenarioJson(ctx, *copy));
  r.Set("Location", "/api/v1/forecasts/scenarios/" + std::to_string(copy->id));
  return r;
}

Response ForecastsModule::ApiStartRun(Context& ctx) {
  auto id = IdParam(ctx, "id");
  if (!id.ok()) return Error(ctx, id.status());
  int seeds = 1;
  if (!ctx.req.body.empty()) {
    auto body = ParseJsonBody(ctx.req);
    if (!body.ok()) return Error(ctx, body.status());
    if (auto it = body->find("seeds"); it != body->end()) {
      if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > 1000000)
        return Error(ctx, Site::FieldError("seeds", "invalid", "a whole number"));
      seeds = it->get<int>();
    }
  }
  auto run = services_.forecasts->StartRun(ctx.actor(), *id, seeds);
  if (!run.ok()) return Error(ctx, run.status());
  Response r = Json(ctx, 202, RunJson(ctx, *run));
  r.Set("Location", "/api/v1/forecasts/runs/" + std::to_string(run->id));
  return r;
}

Response ForecastsModule::ApiRuns(Context& ctx) {
  auto runs = services_.forecasts->Runs(ctx.actor(), 0);
  if (!runs.ok()) return Error(ctx, runs.status());
  json items = json::array();
  for (const auto& r : *runs) items.push_back(RunJson(ctx, r));
  return Json(ctx, 200, {{"items", items}});
}

Response ForecastsModule::ApiRun(Context& ctx) {
  auto id = IdParam(ctx, "id");
  if (!id.ok()) return Error(ctx, id.status());
  auto run = services_.forecasts->GetRun(ctx.actor(), *id);
  if (!run.ok()) return Error(ctx, run.status());
  Response r = Json(ctx, 200, RunJson(ctx, *run));
  r.Set("Cache-Control", "no-store");
  return r;
}

Response ForecastsModule::ApiResults(Context& ctx) {
  auto id = IdParam(ctx, "id");
  if (!id.ok()) return Error(ctx, id.status());
  auto run = services_.forecasts->GetRun(ctx.actor(), *id);
  if (!run.ok()) return Error(ctx, run.status());
  if (!run->summary)
    return Error(ctx, Status::Conflict("the run is " + std::string(forecasts::ToString(run->state))));
  auto days = services_.forecasts->Days(ctx.actor(), *id);
  if (!days.ok()) return Error(ctx, days.status());
  json j = RunJson(ctx, *run);
  json out = json::array();
  for (const auto& d : *days) {
    out.push_back({{"day", d.day},
                   {"date", forecast::FormatIsoDate(run->summary->start_date + d.day)},
                   {"simulated", d.simulated},
                   {"observed", d.observed},
                   {"error", d.error},
                   {"error_rescaled", d.error_rescaled}});
  }
  j["days"] = out;
  j["route_flows"] = run->summary->route_flows;
  j["final_counts"] = run->summary->final_counts;
  return Json(ctx, 200, j);
}

Response ForecastsModule::ApiCancel(Context& ctx) {
  auto id = IdParam(ctx, "id");
  if (!id.ok()) return Error(ctx, id.status());
  auto run = services_.forecasts->Cancel(ctx.actor(), *id);
  if (!run.ok()) return Error(ctx, run.status());
  return Json(ctx, 200, RunJson(ctx, *run));
}

}  // namespace waymark::web
