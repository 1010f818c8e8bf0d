// The futures module of the web layer (docs/futures.md): migration-futures
// workshops. The list and the new-workshop form (/futures), each workshop's
// board (/futures/workshops/{slug}) with the forms of its current phase,
// the facilitator's settings and phase forms, the results with a
// server-drawn SVG plot and the act-now list, the printable report (HTML,
// Markdown, JSON), a short server-sent-events stream of the board's version
// for the board's script, and the JSON API under /api/v1/futures. Every
// page works without JavaScript (forms and redirects). The pages stay off
// /futures/forecasts..., which belongs to the forecasts module.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/futures/futures_service.h"
#include "web/module.h"

namespace waymark::web {

class FuturesModule final : public Module {
 public:
  struct Services {
    futures::FuturesService* futures = nullptr;
    consultations::ConsultationService* consultations = nullptr;  // may be null
  };
  FuturesModule(Site& site, Services services) : Module(site), services_(services) {}

  void AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const override;
  void AddOpenApi(OpenApiPart& part) const override;  // openapi_futures.cc

 private:
  void RegisterRoutes() override;

  // Pages and forms (pages_futures.cc).
  http::Response ListPage(Context& ctx);
  http::Response CreateForm(Context& ctx);
  http::Response BoardPage(Context& ctx);
  http::Response SettingsForm(Context& ctx);
  http::Response PhaseForm(Context& ctx);
  http::Response StatementForm(Context& ctx);
  http::Response RatingForm(Context& ctx);
  http::Response VoteForm(Context& ctx);
  http::Response UnvoteForm(Context& ctx);
  http::Response ActionPointForm(Context& ctx);
  http::Response ResultsPage(Context& ctx);
  http::Response ResultsSvg(Context& ctx);
  http::Response ReportPage(Context& ctx);
  http::Response ReportMarkdown(Context& ctx);
  http::Response ReportJson(Context& ctx);
  http::Response Events(Context& ctx);
  http::Response StaticFile(Context& ctx);  // static_futures.cc
  // The URL of an embedded file, with its content hash (static_futures.cc).
  static std::string AssetUrl(const std::string& name);

  // JSON API (api_futures.cc).
  http::Response ApiList(Context& ctx);
  http::Response ApiCreate(Context& ctx);
  http::Response ApiGet(Context& ctx);
  http::Response ApiUpdate(Context& ctx);
  http::Response ApiPhase(Context& ctx);
  http::Response ApiStatements(Context& ctx);
  http::Response ApiAddStatement(Context& ctx);
  http::Response ApiRate(Context& ctx);
  http::Response ApiVote(Context& ctx);
  http::Response ApiUnvote(Context& ctx);
  http::Response ApiResults(Context& ctx);
  http::Response ApiActionPoint(Context& ctx);

  // Shared (pages_futures.cc).
  Result<futures::Workshop> FindWorkshop(const Context& ctx);
  Result<futures::Id> StatementId(const Context& ctx) const;
  http::Response BoardView(Context& ctx, const futures::Workshop& w, const Status& error, int status,
                           const std::string& form);
  http::Response ListView(Context& ctx, const Status& error);
  void AddErrors(const Context& ctx, const Status& error, nlohmann::json& model) const;
  // A form's answer: back to the board (with `flash`), or the board with the
  // form's errors (422) for a Validation, or the error page.
  http::Response AfterForm(Context& ctx, const futures::Workshop& w, const Status& status,
                           const std::string& flash, const std::string& form, const std::string& anchor = "");
  std::string AreaLabel(const Context& ctx, const std::string& area) const;
  std::string Href(const futures::Workshop& w) const { return "/futures/workshops/" + w.slug; }

  nlohmann::json WorkshopJson(const Context& ctx, const futures::Workshop& w) const;
  nlohmann::json StatementJson(const Context& ctx, const futures::Statement& s) const;
  // The results as JSON, hidden numbers absent (with "hidden": true).
  nlohmann::json ResultsJson(const Context& ctx, const futures::Results& r) const;
  std::string ResultsMarkdown(const Context& ctx, const futures::Results& r) const;
  // The plot of mean likelihood (x) by mean desirability (y), ±1 sd.
  std::string Plot(const Context& ctx, const futures::Results& r) const;

  Services services_;
};

// The plot as SVG: accessible (role img, title, desc, a label per point),
// drawn only from shown results; `hidden_note` when nothing may be shown.
struct PlotPoint {
  std::string label;  // "P3"
  std::string title;  // the statement, for the point's <title>
  bool preferred = false;
  double x = 0, y = 0, sd_x = 0, sd_y = 0;
};
struct PlotText {
  std::string title;
  std::string desc;
  std::string x_axis;
  std::string y_axis;
  std::string predicted;
  std::string preferred;
  std::string hidden_note;
};
std::string PlotSvg(const std::vector<PlotPoint>& points, const PlotText& text);

}  // namespace waymark::web
