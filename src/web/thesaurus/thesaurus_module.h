// The thesaurus module of the web layer (issue 15): /thesaurus lists the
// approved concepts with their terms in English, French and Spanish; a
// signed-in person proposes a concept there, moderators see the proposals
// with approve and archive buttons and edit any concept, and an
// administrator turns the Atlas glossary's terms into proposals. The JSON
// API under /api/v1/thesaurus does the same. The search index takes every
// change in before the request answers (the runtime's on-change hook).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/atlas/atlas_service.h"
#include "domain/thesaurus/thesaurus_service.h"
#include "web/module.h"

namespace waymark::web {

class ThesaurusModule final : public Module {
 public:
  struct Services {
    thesaurus::ThesaurusService* thesaurus = nullptr;
    atlas::AtlasService* atlas = nullptr;  // the glossary to import from; may be null
  };
  ThesaurusModule(Site& site, Services services) : Module(site), services_(services) {}

  void AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const override;
  void AddOpenApi(OpenApiPart& part) const override;  // openapi_thesaurus.cc

 private:
  void RegisterRoutes() override;

  // Pages (pages_thesaurus.cc).
  http::Response IndexPage(Context& ctx);
  http::Response Propose(Context& ctx);
  http::Response EditForm(Context& ctx);
  http::Response SaveEdit(Context& ctx);
  http::Response Action(Context& ctx);  // approve, archive
  http::Response Import(Context& ctx);

  // JSON (api_thesaurus.cc).
  http::Response ApiList(Context& ctx);
  http::Response ApiGet(Context& ctx);
  http::Response ApiPropose(Context& ctx);
  http::Response ApiEdit(Context& ctx);
  http::Response ApiAction(Context& ctx);  // approve, archive
  http::Response ApiImport(Context& ctx);

  // Shared.
  Result<thesaurus::Id> IdParam(const Context& ctx) const;
  // The glossary's terms as proposals (en/fr/es term and aliases).
  Result<std::vector<thesaurus::ConceptInput>> GlossaryInputs() const;
  nlohmann::json ConceptJson(const thesaurus::Concept& c) const;
  http::Response RenderIndex(Context& ctx, const nlohmann::json& form, const Status& error, int status);

  Services services_;
};

}  // namespace waymark::web
