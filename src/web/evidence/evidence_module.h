// The evidence module of the web layer: the dashboard of migrant deaths and
// disappearances (IOM Missing Migrants Project) and displacement figures
// (IDMC, UNHCR, HXL), its stats and record APIs, downloads of any filter
// (CSV, HXL-tagged CSV, JSON, GeoJSON, each carrying the dataset's licence
// and citation), the import form and API for data officers, the quarantine
// of rejected rows, the officers' list, and the dashboard's browser
// libraries (served from /static/evidence/, embedded in the binary).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/accounts/account_service.h"
#include "domain/evidence/evidence_service.h"
#include "web/module.h"

namespace waymark::web {

class EvidenceModule final : public Module {
 public:
  struct Services {
    evidence::EvidenceService* evidence = nullptr;
    accounts::AccountService* accounts = nullptr;  // officers by e-mail, their names
  };
  EvidenceModule(Site& site, Services services) : Module(site), services_(services) {}

  void AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const override;
  void AddOpenApi(OpenApiPart& part) const override;  // openapi_evidence.cc

 private:
  void RegisterRoutes() override;  // pages_evidence.cc

  // The dashboard (pages_evidence.cc).
  http::Response Dashboard(Context& ctx);
  // Imports, quarantine, officers (pages_imports.cc).
  http::Response ImportsPage(Context& ctx);
  http::Response ImportUpload(Context& ctx);
  http::Response BatchPage(Context& ctx);
  http::Response QuarantineList(Context& ctx);
  http::Response QuarantineRow(Context& ctx);
  http::Response QuarantineResubmit(Context& ctx);
  http::Response QuarantineDiscard(Context& ctx);
  http::Response OfficersSave(Context& ctx);
  http::Response ImportsForm(Context& ctx, int status, const nlohmann::json& extra);
  http::Response QuarantineRowPage(Context& ctx, const evidence::QuarantinedRow& row, const std::string& text,
                                   const Status& error, int status);
  // JSON API (api_evidence.cc).
  http::Response ApiIncidentStats(Context& ctx);
  http::Response ApiDisplacementStats(Context& ctx);
  http::Response ApiIncidents(Context& ctx);
  http::Response ApiIncident(Context& ctx);
  http::Response ApiIncidentPoints(Context& ctx);
  http::Response ApiDisplacement(Context& ctx);
  http::Response ApiDisplacementFigure(Context& ctx);
  http::Response ApiImport(Context& ctx);
  http::Response ApiBatches(Context& ctx);
  http::Response ApiBatch(Context& ctx);
  // Downloads (downloads.cc): /evidence/incidents.{csv,json,geojson}, the same for displacement.
  http::Response Download(Context& ctx);
  // The dashboard's scripts, styles and outlines (static_assets.cc).
  http::Response StaticFile(Context& ctx);

  // Whether the reader may import and see the quarantine (no database call for anonymous readers).
  bool IsOfficer(const Context& ctx) const;

  Services services_;
};

}  // namespace waymark::web
