// The practices module's part of the OpenAPI document.
#include "web/openapi.h"
#include "web/practices/practices_module.h"

namespace waymark::web {

using nlohmann::json;
using namespace openapi;

namespace {

json FilterParams() {
  json p = json::array({QueryParam("q", "Words to search for (accents folded, stemmed in en/fr/es)"),
                        QueryParam("sort", "relevance (default with words) or newest",
                                   {{"type", "string"}, {"enum", {"relevance", "newest"}}})});
  const std::pair<const char*, const char*> lists[] = {
      {"phase", "Phase codes (see /api/v1/practice-terms)"},
      {"crisis", "Crisis type codes"},
      {"theme", "Theme codes"},
      {"guideline", "MICIC principle or guideline codes"},
      {"actor", "Kinds of actor (lead or partner)"},
      {"target", "Target group codes"},
      {"ptype", "Types of practice"},
      {"region", "UN M49 sub-region codes, like 015"},
      {"country", "ISO 3166-1 alpha-3 codes"},
      {"language", "Languages the practice is written in: en, fr, es"},
      {"year", "Years it started"}};
  for (const auto& [name, description] : lists) p.push_back(ListQuery(name, description));
  for (const auto& x : PagingParams()) p.push_back(x);
  return p;
}

json Text() {
  json s = {{"type", "object"}, {"properties", json::object()}};
  for (const char* part :
       {"title", "summary", "problem", "description", "results", "lessons", "resources", "transferability"}) {
    s["properties"][part] = Str();
  }
  return s;
}

}  // namespace

void PracticesModule::AddOpenApi(OpenApiPart& part) const {
  part.tags.push_back("practices");
  json party = {{"type", "object"},
                {"properties", {{"name", Str()}, {"organisation", Str()}, {"actor_kind", Str()}}}};
  json place = {{"type", "object"},
                {"required", {"country", "role"}},
                {"properties",
                 {{"country", Str()},
                  {"role", {{"type", "string"}, {"enum", {"crisis", "origin", "transit", "destination"}}}}}}};
  json link = {{"type", "object"}, {"properties", {{"url", Str()}, {"label", Str()}}}};
  json texts = {{"type", "object"},
                {"description",
                 "By language (en, fr, es): which parts exist in which language marks each part's language"},
                {"additionalProperties", Text()}};
  json writable = {
      {"organisation",
       {{"type", "string"}, {"description", "Lead organisation slug (create only; a member's draft)"}}},
      {"lead", party},
      {"texts", texts},
      {"partners", Arr(party)},
      {"places", Arr(place)},
      {"generalised_location", Str()},
      {"start_date",
       {{"type", "string"}, {"nullable", true}, {"description", "YYYY, YYYY-MM or YYYY-MM-DD"}}},
      {"end_date", {{"type", "string"}, {"nullable", true}}},
      {"phases", Arr(Str())},
      {"crises", Arr(Str())},
      {"crisis_other", Str()},
      {"guidelines", Arr(Str())},
      {"themes", Arr(Str())},
      {"targets", Arr(Str())},
      {"types", Arr(Str())},
      {"contacts", Str()},
      {"links", Arr(link)},
      {"licence",
       {{"type", "string"}, {"enum", {"cc-by", "cc-by-sa", "cc-by-nc", "cc0", "all-rights-reserved"}}}},
      {"sensitivity", {{"type", "string"}, {"enum", {"normal", "sensitive", "restricted"}}}},
      {"contacts_private", Bool()},
      {"summary_only", Bool()},
      {"campaigns", Arr(Int())},
      {"threads", Arr(Int())}};
  part.schemas["PracticeInput"] = {
      {"type", "object"}, {"additionalProperties", false}, {"properties", writable}};
  json props = writable;
  props.erase("organisation");
  props["id"] = Int();
  props["slug"] = Str();
  props["url"] = Str();
  props["languages"] = Arr(Str());
  props["regions"] = Arr(Str());
  props["actor_kinds"] = Arr(Str());
  props["files"] = Arr(json({{"type", "object"},
                             {"properties",
                              {{"id", Int()},
                               {"filename", Str()},
                               {"content_type", Str()},
                               {"size", Int()},
                               {"sha256", Str()},
                               {"url", Str()}}}}));
  props["lifecycle"] = {
      {"type", "string"},
      {"enum", {"draft", "submitted", "returned", "published", "archived", "merged", "rejected"}}};
  props["merged_into"] = {{"type", "integer"}, {"nullable", true}};
  props["version"] = Int();
  props["created_at"] = Str();
  props["updated_at"] = Str();
  props["published_at"] = NullableStr();
  props["adoptions"] = Arr(json({{"type", "object"},
                                 {"properties",
                                  {{"id", Int()},
                                   {"organisation", Str()},
                                   {"organisation_name", Str()},
                                   {"country", Str()},
                                   {"start_date", NullableStr()},
                                   {"end_date", NullableStr()},
                                   {"results", Str()},
                                   {"lang", Str()}}}}));
  props["collected_by_groups"] = Arr(Int());
  props["redacted"] = {{"type", "boolean"},
                       {"description", "Only a summary is published (sensitive practice)"}};
  props["score"] = {{"type", "number"}};
  props["snippet_html"] = Str();
  part.schemas["Practice"] = {{"type", "object"}, {"properties", props}};
  part.schemas["PracticeList"] = {
      {"type", "object"},
      {"properties",
       {{"items", Arr(Ref("Practice"))},
        {"total", Int()},
        {"total_exact", Bool()},
        {"facets", {{"type", "object"}, {"additionalProperties", {{"type", "object"}}}}},
        {"page", Int()},
        {"per_page", Int()}}}};
  part.schemas["PracticeMatrix"] = {{"type", "object"},
                                    {"properties",
                                     {{"phases", Arr(Str())},
                                      {"crises", Arr(Str())},
                                      {"rows", Arr({{"type", "object"}})},
                                      {"phase_totals", {{"type", "object"}}},
                                      {"total", Int()}}}};
  part.schemas["PracticeTerms"] = {
      {"type", "object"},
      {"description", "Each vocabulary's terms: code, labels by language, parent"},
      {"additionalProperties", Arr({{"type", "object"}})}};

  json id = json::array({PathParam("id", "Practice id or slug")});
  part.paths["/api/v1/practices"]["get"] =
      Op("listPractices", "Search published practices, with facet counts", "practices",
         {{"200", Resp("A page of practices", Ref("PracticeList"))},
          {"422", ErrResp("A parameter names an unknown code or value")}},
         FilterParams());
  part.paths["/api/v1/practices"]["post"] = Op(
      "createPractice",
      "A member's draft for their organisation (anyone may also use the form at /practices/new)", "practices",
      {{"201", Resp("The draft", Ref("Practice"))},
       {"422", ErrResp("A field is missing or wrong; each is named")}},
      json::array(), JsonBody(Ref("PracticeInput")), true);
  part.paths["/api/v1/practices.csv"]["get"] = Op(
      "practicesCsv", "The practices of any filter as CSV (every page unless ?page= is given)", "practices",
      {{"200",
        {{"description", "CSV, one practice per row"}, {"content", {{"text/csv", {{"schema", Str()}}}}}}},
       {"422", ErrResp("A parameter names an unknown code or value")}},
      FilterParams());
  part.paths["/api/v1/practices/matrix"]["get"] =
      Op("practicesMatrix", "Counts of published practices by phase and crisis type", "practices",
         {{"200", Resp("The matrix", Ref("PracticeMatrix"))}, {"422", ErrResp("A parameter is wrong")}},
         FilterParams());
  part.paths["/api/v1/practice-terms"]["get"] =
      Op("practiceTerms", "The vocabularies (phase, crisis, theme, guideline, actor, target, type)",
         "practices", {{"200", Resp("Every term", Ref("PracticeTerms"))}});
  part.paths["/api/v1/practices/{id}"]["get"] =
      Op("getPractice", "One practice, as the reader may see it", "practices",
         {{"200", Resp("The practice", Ref("Practice"))}, {"404", ErrResp("No such practice")}}, id);
  json patch_params = id;
  patch_params.push_back(IfMatchHeader(false));
  part.paths["/api/v1/practices/{id}"]["patch"] =
      Op("patchPractice", "Change a practice (its organisation's editors, its moderators)", "practices",
         {{"200", Resp("The practice", Ref("Practice"))},
          {"404", ErrResp("No such practice")},
          {"409", ErrResp("Changed since the If-Match version")},
          {"422", ErrResp("A field is wrong")}},
         patch_params, JsonBody(Ref("PracticeInput")), true);
  part.paths["/api/v1/practices/{id}/similar"]["get"] = Op(
      "similarPractices", "Practices like this one, by content", "practices",
      {{"200",
        Resp("Up to 10 practices", {{"type", "object"}, {"properties", {{"items", Arr(Ref("Practice"))}}}})},
       {"404", ErrResp("No such practice")}},
      id);
  part.paths["/api/v1/practices/{id}/revisions"]["get"] =
      Op("practiceRevisions",
         "Its revisions the reader may see, newest first (the public: published states only)", "practices",
         {{"200", Resp("The revisions", {{"type", "object"},
                                         {"properties",
                                          {{"items", Arr(json({{"type", "object"},
                                                               {"properties",
                                                                {{"version", Int()},
                                                                 {"at", Str()},
                                                                 {"actor", Str()},
                                                                 {"action", Str()},
                                                                 {"note", Str()},
                                                                 {"practice", Ref("Practice")}}}}))}}}})},
          {"404", ErrResp("No such practice")}},
         id);
  json action_body = {{"type", "object"},
                      {"properties", {{"questions", Str()}, {"reason", Str()}, {"into", Int()}}}};
  const std::pair<const char*, const char*> actions[] = {
      {"submit", "Send a draft to the moderators"},
      {"publish", "Publish (moderators)"},
      {"return", "Return to the contributor with questions (moderators; body: questions)"},
      {"reject", "Reject, saying why (moderators; body: reason)"},
      {"archive", "Archive (moderators, the organisation's editors; body: reason)"},
      {"merge", "Merge into the published practice `into` (moderators; body: into, reason)"}};
  for (const auto& [action, summary] : actions) {
    part.paths["/api/v1/practices/{id}/" + std::string(action)]["post"] =
        Op(std::string(action) + "Practice", summary, "practices",
           {{"200", Resp("The practice", Ref("Practice"))},
            {"404", ErrResp("No such practice")},
            {"409", ErrResp("Not in a state that allows it")},
            {"422", ErrResp("A field is missing")}},
           patch_params, JsonBody(action_body, false), true);
  }
}

}  // namespace waymark::web
