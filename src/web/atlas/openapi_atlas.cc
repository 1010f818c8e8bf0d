// The Atlas's part of the OpenAPI document.
#include "web/atlas/atlas_module.h"
#include "web/openapi.h"

namespace waymark::web {

using nlohmann::json;
using namespace openapi;

namespace {

json CodeEnum(const std::vector<std::string_view>& codes) {
  json e = json::array();
  for (auto c : codes) e.push_back(std::string(c));
  return {{"type", "string"}, {"enum", e}};
}

json FilterParams() {
  return json::array(
      {QueryParam("hazard", "A hazard code", CodeEnum(atlas::HazardCodes())),
       QueryParam("movement", "A kind of movement", CodeEnum(atlas::MovementCodes())),
       QueryParam("onset", "sudden or slow", {{"type", "string"}, {"enum", {"sudden", "slow"}}}),
       QueryParam("country", "ISO 3166-1 alpha-3 code")});
}

}  // namespace

void AtlasModule::AddOpenApi(OpenApiPart& part) const {
  part.tags.push_back("atlas");
  json text = {{"type", "object"},
               {"properties",
                {{"title", Str()},
                 {"summary", Str()},
                 {"story", {{"type", "string"}, {"description", "Markdown"}}},
                 {"people", {{"type", "string"}, {"description", "Who is concerned"}}}}}};
  json geometry = {
      {"type", "object"},
      {"description",
       "A GeoJSON geometry (RFC 7946): Point, MultiPoint, LineString, MultiLineString, Polygon or "
       "MultiPolygon, longitude first"},
      {"properties", {{"type", Str()}, {"coordinates", {{"type", "array"}, {"items", json::object()}}}}}};
  json year = {{"type", "integer"}, {"nullable", true}};
  json writable = {
      {"organisation",
       {{"type", "string"}, {"description", "Contributing organisation's slug (create only)"}}},
      {"texts",
       {{"type", "object"},
        {"description", "Title, summary, story and people concerned, by language (en, fr, es)"},
        {"additionalProperties", text}}},
      {"geometry", geometry},
      {"onset", {{"type", "string"}, {"enum", {"sudden", "slow"}}}},
      {"hazards", Arr(CodeEnum(atlas::HazardCodes()))},
      {"movements", Arr(CodeEnum(atlas::MovementCodes()))},
      {"countries", Arr(Str())},
      {"year_from", year},
      {"year_to", year},
      {"sources", {{"type", "array"}, {"items", Int()}, {"description", "Published library items"}}},
      {"figures", {{"type", "array"}, {"items", Int()}, {"description", "Saved evidence queries"}}}};
  part.schemas["AtlasCaseInput"] = {
      {"type", "object"}, {"additionalProperties", false}, {"properties", writable}};
  json props = writable;
  props.erase("geometry");
  props["slug"] = Str();
  props["lifecycle"] = {{"type", "string"},
                        {"enum", {"draft", "submitted", "returned", "published", "archived"}}};
  props["moderation_note"] = Str();
  props["version"] = Int();
  props["anchor"] = {
      {"type", "array"}, {"items", {{"type", "number"}}}, {"description", "[longitude, latitude]"}};
  props["created_at"] = Str();
  props["updated_at"] = Str();
  props["published_at"] = NullableStr();
  props["url"] = Str();
  part.schemas["AtlasCase"] = {{"type", "object"},
                               {"description", "A GeoJSON Feature"},
                               {"properties",
                                {{"type", Str()},
                                 {"id", Int()},
                                 {"geometry", geometry},
                                 {"properties", {{"type", "object"}, {"properties", props}}}}}};
  part.schemas["AtlasCaseCollection"] = {
      {"type", "object"},
      {"description", "A GeoJSON FeatureCollection"},
      {"properties", {{"type", Str()}, {"features", Arr(Ref("AtlasCase"))}}}};
  json term_text = {{"type", "object"},
                    {"properties", {{"term", Str()}, {"definition", Str()}, {"aliases", Arr(Str())}}}};
  json term_input = {{"type", "object"},
                     {"additionalProperties", false},
                     {"properties",
                      {{"texts", {{"type", "object"}, {"additionalProperties", term_text}}},
                       {"sources", Arr(Int())},
                       {"source_note", Str()}}}};
  part.schemas["AtlasTermInput"] = term_input;
  json term = term_input;
  term.erase("additionalProperties");
  term["properties"]["slug"] = Str();
  term["properties"]["version"] = Int();
  term["properties"]["updated_at"] = Str();
  term["properties"]["url"] = Str();
  part.schemas["AtlasTerm"] = term;
  part.schemas["AtlasTopic"] = {
      {"type", "object"},
      {"properties",
       {{"slug", Str()},
        {"texts",
         {{"type", "object"},
          {"additionalProperties",
           {{"type", "object"}, {"properties", {{"title", Str()}, {"body", Str()}}}}}}},
        {"cases", Arr(Int())},
        {"figures", Arr(Int())},
        {"displacement_layer", Bool()},
        {"position", Int()},
        {"version", Int()},
        {"url", Str()}}}};

  json id = json::array({PathParam("id", "Case study id", Int())});
  json geojson = {{"application/geo+json", {{"schema", Ref("AtlasCaseCollection")}}}};
  part.paths["/api/v1/atlas/cases"]["get"] =
      Op("listAtlasCases", "Published case studies as a GeoJSON FeatureCollection", "atlas",
         {{"200", {{"description", "The case studies"}, {"content", geojson}}},
          {"422", ErrResp("A parameter is wrong")}},
         FilterParams());
  part.paths["/api/v1/atlas/cases"]["post"] =
      Op("createAtlasCase", "A member's draft case study for their organisation", "atlas",
         {{"201", Resp("The draft", Ref("AtlasCase"))}, {"422", ErrResp("A field is missing or wrong")}},
         json::array(), JsonBody(Ref("AtlasCaseInput")), true);
  part.paths["/api/v1/atlas/cases/{id}"]["get"] =
      Op("getAtlasCase", "One case study (a GeoJSON Feature)", "atlas",
         {{"200", Resp("The case study", Ref("AtlasCase"))}, {"404", ErrResp("No such case study")}}, id);
  json patch_params = id;
  patch_params.push_back(IfMatchHeader(false));
  part.paths["/api/v1/atlas/cases/{id}"]["patch"] =
      Op("patchAtlasCase", "Change a case study", "atlas",
         {{"200", Resp("The case study", Ref("AtlasCase"))},
          {"404", ErrResp("No such case study")},
          {"409", ErrResp("Changed since the If-Match version")},
          {"422", ErrResp("A field is wrong")}},
         patch_params, JsonBody(Ref("AtlasCaseInput")), true);
  json action_body = {{"type", "object"}, {"properties", {{"reason", Str()}}}};
  const std::pair<const char*, const char*> actions[] = {
      {"submit", "Send a draft to the moderators"},
      {"publish", "Publish (moderators)"},
      {"return", "Return with a reason (moderators; body: reason)"},
      {"archive", "Withdraw, saying why (moderators; body: reason)"}};
  for (const auto& [action, summary] : actions) {
    part.paths["/api/v1/atlas/cases/{id}/" + std::string(action)]["post"] =
        Op(std::string(action) + "AtlasCase", summary, "atlas",
           {{"200", Resp("The case study", Ref("AtlasCase"))},
            {"404", ErrResp("No such case study")},
            {"409", ErrResp("Not in a state that allows it")},
            {"422", ErrResp("A field is missing")}},
           patch_params, JsonBody(action_body, false), true);
  }
  part.paths["/api/v1/atlas/glossary"]["get"] = Op(
      "listAtlasGlossary", "The glossary of key notions", "atlas",
      {{"200", Resp("Every term", {{"type", "object"},
                                   {"properties", {{"items", Arr(Ref("AtlasTerm"))}, {"total", Int()}}}})}});
  json slug = json::array({PathParam("slug", "The term's slug")});
  part.paths["/api/v1/atlas/glossary/{slug}"]["get"] =
      Op("getAtlasTerm", "One term", "atlas",
         {{"200", Resp("The term", Ref("AtlasTerm"))}, {"404", ErrResp("No such term")}}, slug);
  json put_params = slug;
  put_params.push_back(IfMatchHeader(false));
  part.paths["/api/v1/atlas/glossary/{slug}"]["put"] =
      Op("putAtlasTerm", "Create a term, or change it with If-Match (moderators)", "atlas",
         {{"200", Resp("The changed term", Ref("AtlasTerm"))},
          {"201", Resp("The new term", Ref("AtlasTerm"))},
          {"400", ErrResp("If-Match is missing for an existing term")},
          {"403", ErrResp("Not a moderator")},
          {"409", ErrResp("Changed since the If-Match version")},
          {"422", ErrResp("A field is wrong")}},
         put_params, JsonBody(Ref("AtlasTermInput")), true);
  part.paths["/api/v1/atlas/topics"]["get"] =
      Op("listAtlasTopics", "The thematic pages", "atlas",
         {{"200",
           Resp("Every page", {{"type", "object"}, {"properties", {{"items", Arr(Ref("AtlasTopic"))}}}})}});
  part.paths["/api/v1/atlas/topics/{slug}"]["get"] =
      Op("getAtlasTopic", "One thematic page", "atlas",
         {{"200", Resp("The page", Ref("AtlasTopic"))}, {"404", ErrResp("No such page")}},
         json::array({PathParam("slug", "The page's slug")}));
  part.paths["/api/v1/atlas/layers/displacement"]["get"] = Op(
      "atlasDisplacementLayer", "New displacements by disasters by country, latest year (the map's layer)",
      "atlas",
      {{"200",
        Resp("The layer",
             {{"type", "object"},
              {"properties",
               {{"label", Str()},
                {"source", Str()},
                {"values", Arr(json({{"type", "object"},
                                     {"properties",
                                      {{"country", Str()}, {"numeric", Str()}, {"value", Int()}}}}))}}}})}});
}

}  // namespace waymark::web
