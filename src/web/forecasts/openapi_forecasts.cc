// The forecasts module's part of the OpenAPI document.
#include "web/forecasts/forecasts_module.h"
#include "web/openapi.h"

namespace waymark::web {

using nlohmann::json;
using namespace openapi;

void ForecastsModule::AddOpenApi(OpenApiPart& part) const {
  part.tags.push_back("forecasts");
  json num = {{"type", "number"}};
  json change = {
      {"type", "object"},
      {"properties",
       {{"kind",
         {{"type", "string"},
          {"enum", {"close_country", "close_location", "close_link", "conflict_onset", "camp_capacity"}}}},
        {"a", Str()},
        {"b", Str()},
        {"day", Int()},
        {"value", Int()}}}};
  part.schemas["ForecastChange"] = change;
  part.schemas["ForecastScenario"] = {{"type", "object"},
                                      {"properties",
                                       {{"id", Int()},
                                        {"title", Str()},
                                        {"description", Str()},
                                        {"published", Bool()},
                                        {"origin", Str()},
                                        {"parent_id", {{"type", "integer"}, {"nullable", true}}},
                                        {"settings", {{"type", "object"}, {"additionalProperties", Str()}}},
                                        {"changes", Arr(Ref("ForecastChange"))},
                                        {"created_at", Str()},
                                        {"href", Str()},
                                        {"runs", Arr(Ref("ForecastRun"))},
                                        {"files", Arr(Str())}}}};
  part.schemas["ForecastRun"] = {
      {"type", "object"},
      {"properties",
       {{"id", Int()},
        {"scenario_id", Int()},
        {"state",
         {{"type", "string"}, {"enum", {"queued", "running", "done", "failed", "cancelled", "interrupted"}}}},
        {"seeds", Int()},
        {"progress", num},
        {"error", Str()},
        {"created_at", Str()},
        {"started_at", Str()},
        {"finished_at", Str()},
        {"href", Str()},
        {"summary",
         {{"type", "object"},
          {"nullable", true},
          {"properties",
           {{"error", num},
            {"error_sd", num},
            {"error_rescaled", num},
            {"error_rescaled_sd", num},
            {"max_error_after_day12", num},
            {"baseline_flat30", num},
            {"baseline_sloped30", num},
            {"baseline_ratio30", num},
            {"baseline_uniform", num},
            {"agent_days", Int()},
            {"cpu_seconds", num},
            {"wall_seconds", num},
            {"start_date", Str()},
            {"camps", Arr(Str())}}}}}}}};
  part.schemas["ForecastResults"] = {{"allOf", json::array({Ref("ForecastRun"),
                                                            {{"type", "object"},
                                                             {"properties",
                                                              {{"days", Arr({{"type", "object"},
                                                                             {"properties",
                                                                              {{"day", Int()},
                                                                               {"date", Str()},
                                                                               {"simulated", Arr(num)},
                                                                               {"observed", Arr(num)},
                                                                               {"error", num},
                                                                               {"error_rescaled", num}}}})},
                                                               {"route_flows", Arr(num)},
                                                               {"final_counts", Arr(num)}}}}})}};
  json id = json::array({PathParam("id", "The scenario's id", Int())});
  json run_id = json::array({PathParam("id", "The run's id", Int())});
  part.paths["/api/v1/forecasts/scenarios"]["get"] =
      Op("listForecastScenarios", "The scenarios the caller may see (published ones, and one's own)",
         "forecasts",
         {{"200", Resp("The scenarios",
                       {{"type", "object"}, {"properties", {{"items", Arr(Ref("ForecastScenario"))}}}})}});
  json create_params = json::array(
      {QueryParam("title", "The scenario's title"), QueryParam("description", "What it is about")});
  part.paths["/api/v1/forecasts/scenarios"]["post"] = Op(
      "createForecastScenario",
      "Upload a scenario: Flee's input folder (locations.csv, routes.csv, sim_period.csv, …) and validation "
      "folder (data_layout.csv and its files) as one zip file (members of an organisation)",
      "forecasts",
      {{"201", Resp("The scenario", Ref("ForecastScenario"))},
       {"403", ErrResp("Not a member of an organisation")},
       {"415", ErrResp("Not a zip file")},
       {"422",
        ErrResp("A malformed zip (too large, a path outside the folder, a file missing) or input file; "
                "the message names file:line:column")}},
      create_params,
      {{"required", true},
       {"content", {{"application/zip", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}},
      true);
  part.paths["/api/v1/forecasts/scenarios/{id}"]["get"] =
      Op("getForecastScenario", "A scenario with its runs and files", "forecasts",
         {{"200", Resp("The scenario", Ref("ForecastScenario"))}, {"404", ErrResp("No such scenario")}}, id);
  part.paths["/api/v1/forecasts/scenarios/{id}/copy"]["post"] = Op(
      "copyForecastScenario",
      "A what-if: a copy with changes (closures, conflict onset, camp capacity) and settings", "forecasts",
      {{"201", Resp("The copy", Ref("ForecastScenario"))},
       {"404", ErrResp("No such scenario")},
       {"422", ErrResp("A change names no location, a day out of range, or a bad setting; each is named")}},
      id,
      JsonBody({{"type", "object"},
                {"properties",
                 {{"title", Str()},
                  {"changes", Arr(Ref("ForecastChange"))},
                  {"settings", {{"type", "object"}, {"additionalProperties", Str()}}}}}}),
      true);
  part.paths["/api/v1/forecasts/scenarios/{id}/runs"]["post"] =
      Op("startForecastRun", "Queue a run of the scenario (its owner)", "forecasts",
         {{"202", Resp("The queued run", Ref("ForecastRun"))},
          {"403", ErrResp("Not the scenario's owner")},
          {"404", ErrResp("No such scenario")},
          {"422", ErrResp("Over a limit: seeds, or size (agents × days)")},
          {"429", ErrResp("Too many runs queued or running for this person")}},
         id, JsonBody({{"type", "object"}, {"properties", {{"seeds", Int()}}}}, false), true);
  part.paths["/api/v1/forecasts/runs"]["get"] =
      Op("listForecastRuns", "The runs of the scenarios the caller may see, newest first", "forecasts",
         {{"200",
           Resp("The runs", {{"type", "object"}, {"properties", {{"items", Arr(Ref("ForecastRun"))}}}})}});
  part.paths["/api/v1/forecasts/runs/{id}"]["get"] =
      Op("getForecastRun", "A run's state, progress and summary", "forecasts",
         {{"200", Resp("The run", Ref("ForecastRun"))}, {"404", ErrResp("No such run")}}, run_id);
  part.paths["/api/v1/forecasts/runs/{id}/results"]["get"] =
      Op("getForecastResults", "A done run's results: per day and camp, simulated and observed; E(t); flows",
         "forecasts",
         {{"200", Resp("The results", Ref("ForecastResults"))},
          {"404", ErrResp("No such run")},
          {"409", ErrResp("The run is not done")}},
         run_id);
  part.paths["/api/v1/forecasts/runs/{id}/cancel"]["post"] =
      Op("cancelForecastRun", "Cancel a queued or running run (the scenario's owner)", "forecasts",
         {{"200", Resp("The run", Ref("ForecastRun"))},
          {"403", ErrResp("Not the scenario's owner")},
          {"404", ErrResp("No such run")},
          {"409", ErrResp("Already finished")}},
         run_id, nullptr, true);
}

}  // namespace waymark::web
