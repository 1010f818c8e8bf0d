// The Atlas module of the web layer: /atlas, the map of case studies with
// the evidence module's displacement choropleth as a layer (a server-drawn
// SVG and a list without JavaScript; Leaflet over the same outlines with
// it, nothing fetched from other hosts), case study pages with their story,
// place, sources (library items) and figures (saved evidence queries),
// thematic pages, the glossary (its terms linked where they appear),
// members' drafts and moderation, and the JSON API (GeoJSON features).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/accounts/account_service.h"
#include "domain/atlas/atlas_service.h"
#include "domain/evidence/evidence_service.h"
#include "domain/library/library_service.h"
#include "geo/world_map.h"
#include "web/module.h"

namespace waymark::web {

class AtlasModule final : public Module {
 public:
  struct Services {
    accounts::AccountService* accounts = nullptr;
    atlas::AtlasService* atlas = nullptr;
    evidence::EvidenceService* evidence = nullptr;  // the displacement layer and figures; may be null
    library::LibraryService* library = nullptr;     // sources' titles; may be null
    const Clock* clock = nullptr;                   // the layer's cache
  };
  AtlasModule(Site& site, Services services);

  void AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const override;
  void AddOpenApi(OpenApiPart& part) const override;  // openapi_atlas.cc

 private:
  void RegisterRoutes() override;

  // Pages (pages_atlas.cc).
  http::Response Index(Context& ctx);
  http::Response MapSvg(Context& ctx);
  http::Response CasePage(Context& ctx);
  http::Response NewForm(Context& ctx);
  http::Response Create(Context& ctx);
  http::Response EditForm(Context& ctx);
  http::Response SaveEdit(Context& ctx);
  http::Response Action(Context& ctx);  // submit, publish, return, archive
  http::Response HistoryPage(Context& ctx);
  http::Response Queue(Context& ctx);
  http::Response GlossaryPage(Context& ctx);
  http::Response TermPage(Context& ctx);
  http::Response TopicPage(Context& ctx);
  http::Response StaticFile(Context& ctx);  // static_atlas.cc

  // JSON (api_atlas.cc).
  http::Response ApiCases(Context& ctx);
  http::Response ApiCase(Context& ctx);
  http::Response ApiCreate(Context& ctx);
  http::Response ApiPatch(Context& ctx);
  http::Response ApiAction(Context& ctx);
  http::Response ApiGlossary(Context& ctx);
  http::Response ApiTerm(Context& ctx);
  http::Response ApiSaveTerm(Context& ctx);  // PUT /api/v1/atlas/glossary/{slug}
  http::Response ApiTopics(Context& ctx);
  http::Response ApiTopic(Context& ctx);
  http::Response ApiLayer(Context& ctx);  // the displacement layer by country

  // Shared.
  struct Layer {
    std::string label;                           // "Internal displacements (2023)"
    std::map<std::string, std::int64_t> by_iso;  // alpha-3 -> value
    std::string source;                          // dataset and what to cite
  };
  Result<Layer> DisplacementLayer(Context& ctx) const;
  std::string DrawMap(Context& ctx, const std::vector<atlas::CaseStudy>& cases, const Layer* layer,
                      const std::string& aria_label) const;
  Result<atlas::CaseStudy> Find(Context& ctx, const std::string& id_or_slug);
  Result<atlas::CaseFilter> FilterFromRequest(const Context& ctx) const;
  std::string LinkTerms(Context& ctx, const std::string& html);
  nlohmann::json Card(const Context& ctx, const atlas::CaseStudy& c) const;
  nlohmann::json CaseJson(const atlas::CaseStudy& c) const;  // a GeoJSON Feature
  nlohmann::json TermJson(const atlas::GlossaryTerm& t) const;
  nlohmann::json TopicJson(const atlas::Topic& t) const;
  nlohmann::json Sources(Context& ctx, const std::vector<atlas::Id>& ids) const;
  nlohmann::json Figures(Context& ctx, const std::vector<atlas::Id>& ids) const;
  http::Response FormPage(Context& ctx, const atlas::CaseStudy* existing, const nlohmann::json& values,
                          const Status& error, int status);

  // The displacement layer by country, computed at most once a minute (two
  // aggregate queries over every displacement figure cost more than the
  // rest of the page); the label is added per request, in its language.
  struct LayerCache {
    TimestampMs at = -1;
    int year = 0;
    std::map<std::string, std::int64_t> by_iso;
    std::string source;
  };
  Services services_;
  std::shared_ptr<const geo::WorldMap> map_;
  mutable std::mutex layer_mu_;
  mutable LayerCache
      layer_cache_;  // guarded by layer_mu_  // decoded once; immutable, shared by every request
};

namespace atlas_web {
// "/static/atlas/<name>?v=<hash>" for each embedded file (static_atlas.cc).
const nlohmann::json& StaticUrls();
// The embedded countries-110m.json.
std::string_view WorldTopoJson();
}  // namespace atlas_web

}  // namespace waymark::web
