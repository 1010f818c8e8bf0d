// The thesaurus's part of the OpenAPI document.
#include "web/openapi.h"
#include "web/thesaurus/thesaurus_module.h"

namespace waymark::web {

using nlohmann::json;
using namespace openapi;

void ThesaurusModule::AddOpenApi(OpenApiPart& part) const {
  part.tags.push_back("thesaurus");
  json terms = {{"type", "object"},
                {"description", "Terms by language (en, fr, es), the preferred first"},
                {"additionalProperties", Arr(Str())}};
  part.schemas["ThesaurusConcept"] = {
      {"type", "object"},
      {"properties",
       {{"id", Int()},
        {"slug", Str()},
        {"status", {{"type", "string"}, {"enum", {"proposed", "approved", "archived"}}}},
        {"version", Int()},
        {"terms", terms},
        {"updated_at", {{"type", "string"}, {"format", "date-time"}}}}}};
  part.schemas["ThesaurusConceptInput"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"properties",
       {{"slug",
         {{"type", "string"}, {"description", "Propose only; from the first English term when absent"}}},
        {"terms", terms}}}};
  part.paths["/api/v1/thesaurus"]["get"] =
      Op("listThesaurus", "The approved concepts, and the proposals the caller may see", "thesaurus",
         {{"200", Resp("The concepts", {{"type", "object"},
                                        {"properties",
                                         {{"items", Arr(Ref("ThesaurusConcept"))},
                                          {"total", Int()},
                                          {"proposals", Arr(Ref("ThesaurusConcept"))}}}})}});
  part.paths["/api/v1/thesaurus"]["post"] =
      Op("proposeThesaurusConcept", "Propose a concept (signed in)", "thesaurus",
         {{"201", Resp("The proposal", Ref("ThesaurusConcept"))},
          {"422", ErrResp("A field is missing or wrong")}},
         json::array(), JsonBody(Ref("ThesaurusConceptInput")), true);
  part.paths["/api/v1/thesaurus/import"]["post"] =
      Op("importThesaurusFromGlossary", "Turn the Atlas glossary's terms into proposals (administrators)",
         "thesaurus",
         {{"200", Resp("How many were added", {{"type", "object"}, {"properties", {{"added", Int()}}}})}},
         json::array(), nullptr, true);
  json id = json::array({PathParam("id", "The concept's id", Int())});
  part.paths["/api/v1/thesaurus/{id}"]["get"] =
      Op("getThesaurusConcept", "One concept", "thesaurus",
         {{"200", Resp("The concept", Ref("ThesaurusConcept"))}, {"404", ErrResp("No such concept")}}, id);
  json with_version = id;
  with_version.push_back(IfMatchHeader(false));
  part.paths["/api/v1/thesaurus/{id}"]["put"] =
      Op("editThesaurusConcept", "Change a concept's terms (moderators; the proposer while proposed)",
         "thesaurus",
         {{"200", Resp("The concept", Ref("ThesaurusConcept"))},
          {"404", ErrResp("No such concept")},
          {"409", ErrResp("Changed since the If-Match version")},
          {"422", ErrResp("A field is wrong")}},
         with_version, JsonBody(Ref("ThesaurusConceptInput")), true);
  const std::pair<const char*, const char*> actions[] = {
      {"approve", "Approve: its terms become search synonyms (moderators)"},
      {"archive", "Archive: no longer a synonym (moderators)"}};
  for (const auto& [action, summary] : actions) {
    part.paths["/api/v1/thesaurus/{id}/" + std::string(action)]["post"] =
        Op(std::string(action) + "ThesaurusConcept", summary, "thesaurus",
           {{"200", Resp("The concept", Ref("ThesaurusConcept"))},
            {"404", ErrResp("No such concept")},
            {"409", ErrResp("Changed since the If-Match version")}},
           with_version, nullptr, true);
  }
}

}  // namespace waymark::web
