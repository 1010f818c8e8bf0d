// The forecasts module of the web layer (docs/forecasts.md): stored Flee
// scenarios (uploaded as a zip or copied as a what-if), their runs as
// background jobs with progress (the page refreshes itself while a run is
// queued or running, no JavaScript needed), each run's charts (forecast
// against observed arrivals per camp, the error over time) and network map
// drawn as SVG on the server, CSV downloads, the side-by-side comparison of
// two runs, and the JSON API. Pages under /futures/forecasts, the API under
// /api/v1/forecasts.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/forecasts/forecast_service.h"
#include "web/module.h"

namespace waymark::web {

class ForecastsModule final : public Module {
 public:
  struct Services {
    forecasts::ForecastService* forecasts = nullptr;
  };
  ForecastsModule(Site& site, Services services) : Module(site), services_(services) {}

  void AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const override;
  void AddOpenApi(OpenApiPart& part) const override;  // openapi_forecasts.cc

 private:
  void RegisterRoutes() override;

  // Pages (pages_forecasts.cc).
  http::Response ListPage(Context& ctx);
  http::Response Upload(Context& ctx);
  http::Response ScenarioPage(Context& ctx);
  http::Response StartRunForm(Context& ctx);
  http::Response CopyForm(Context& ctx);
  http::Response PublishForm(Context& ctx);
  http::Response RunPage(Context& ctx);
  http::Response CancelForm(Context& ctx);
  http::Response ComparePage(Context& ctx);
  http::Response SeriesCsv(Context& ctx);
  http::Response ErrorsCsv(Context& ctx);

  // JSON (api_forecasts.cc).
  http::Response ApiScenarios(Context& ctx);
  http::Response ApiCreateScenario(Context& ctx);
  http::Response ApiScenario(Context& ctx);
  http::Response ApiCopy(Context& ctx);
  http::Response ApiStartRun(Context& ctx);
  http::Response ApiRuns(Context& ctx);
  http::Response ApiRun(Context& ctx);
  http::Response ApiResults(Context& ctx);
  http::Response ApiCancel(Context& ctx);

  // Shared.
  static Result<forecasts::Id> IdParam(const Context& ctx, const char* name);
  http::Response ListView(Context& ctx, const Status& error, int status);
  http::Response ScenarioView(Context& ctx, forecasts::Id id, const Status& error, int status);
  nlohmann::json ScenarioJson(const Context& ctx, const forecasts::Scenario& s) const;
  nlohmann::json RunJson(const Context& ctx, const forecasts::Run& r) const;
  nlohmann::json ErrorModel(const Context& ctx, const Status& error) const;

  Services services_;
};

// One what-if change from strings (the form's fields or the API's members):
// Validation naming change_kind, change_a, change_b, change_day, change_value.
Result<forecasts::Change> ParseForecastChange(const std::string& kind, const std::string& a,
                                              const std::string& b, const std::string& day,
                                              const std::string& value);
// Settings as "key=value" lines (Validation on "settings").
Result<std::map<std::string, std::string>> ParseForecastSettings(const std::string& text);

}  // namespace waymark::web
