// The campaigns module's part of the OpenAPI document.
#include "web/campaigns/campaigns_module.h"
#include "web/openapi.h"

namespace waymark::web {

using namespace openapi;  // NOLINT(google-build-using-namespace): the builders read as a schema language

void CampaignsModule::AddOpenApi(OpenApiPart& part) const {
  part.tags.push_back("campaigns");
  json figure = {{"type", "object"},
                 {"required", {"name", "value"}},
                 {"additionalProperties", false},
                 {"properties", {{"name", Str()}, {"value", Int()}}}};
  part.schemas["Figure"] = figure;
  part.schemas["Media"] = {
      {"type", "object"},
      {"properties",
       {{"id", Int()},
        {"filename", Str()},
        {"content_type",
         {{"type", "string"},
          {"enum", {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}}}},
        {"size", Int()},
        {"sha256", Str()},
        {"caption", Str()},
        {"created_at", {{"type", "string"}, {"format", "date-time"}}},
        {"url", Str()}}}};
  json stage = {{"type", "string"}, {"enum", {"idea", "planned", "running", "ended"}}};
  json visibility = {{"type", "string"}, {"enum", {"public", "members", "organisation"}}};
  json lifecycle = {{"type", "string"},
                    {"enum", {"draft", "submitted", "published", "returned", "archived"}}};
  json date = {{"type", "string"}, {"format", "date"}, {"nullable", true}};
  part.schemas["Campaign"] = {
      {"type", "object"},
      {"properties",
       {{"id", Int()},
        {"slug", Str()},
        {"title", ByLang()},
        {"summary", ByLang()},
        {"body", ByLang()},
        {"organisation", Str()},
        {"organisation_name", Str()},
        {"partners", Arr(Str())},
        {"countries", Arr({{"type", "string"}, {"pattern", "^[A-Z]{3}$"}})},
        {"themes", Arr(Str())},
        {"channels", Arr(Str())},
        {"audiences", Arr(Str())},
        {"start_date", date},
        {"end_date", date},
        {"status", stage},
        {"lifecycle", lifecycle},
        {"visibility", visibility},
        {"outcomes", Str()},
        {"figures", Arr(Ref("Figure"))},
        {"video_links", Arr(Str())},
        {"media", Arr(Ref("Media"))},
        {"licence", Str()},
        {"contact", Str()},
        {"adapted_from", {{"type", "integer"}, {"nullable", true}}},
        {"return_reason", NullableStr()},
        {"version", Int()},
        {"created_at", {{"type", "string"}, {"format", "date-time"}}},
        {"updated_at", {{"type", "string"}, {"format", "date-time"}}},
        {"published_at", {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}},
        {"url", Str()},
        {"html_url", Str()},
        {"score", {{"type", "number"}}},
        {"snippet_html", Str()}}}};
  part.schemas["CampaignInput"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"description",
       "Unknown or read-only fields get 422 naming them. On PATCH, absent fields stay as they are."},
      {"properties",
       {{"organisation", {{"type", "string"}, {"description", "Lead organisation slug (create only)"}}},
        {"title", ByLang()},
        {"summary", ByLang()},
        {"body", ByLang()},
        {"partners", Arr(Str())},
        {"countries", Arr(Str())},
        {"themes", Arr(Str())},
        {"channels", Arr(Str())},
        {"audiences", Arr(Str())},
        {"start_date", date},
        {"end_date", date},
        {"status", stage},
        {"visibility", visibility},
        {"outcomes", NullableStr()},
        {"figures", Arr(Ref("Figure"))},
        {"video_links", Arr(Str())},
        {"licence", NullableStr()},
        {"contact", NullableStr()}}}};
  json counts = {{"type", "object"}, {"additionalProperties", Int()}};
  part.schemas["CampaignList"] = {
      {"type", "object"},
      {"required", {"items", "total", "facets"}},
      {"properties",
       {{"items", Arr(Ref("Campaign"))},
        {"total", Int()},
        {"total_exact", Bool()},
        {"suggestion",
         {{"type", "string"},
          {"nullable", true},
          {"description",
           "Did you mean: the query with each word that matches nothing replaced by the closest indexed "
           "word (lowercase, without accents); null when there is none"}}},
        {"corrected_from",
         {{"type", "string"},
          {"nullable", true},
          {"description",
           "When the query as typed found nothing and the items are those of `suggestion` instead: the "
           "query as typed; else null"}}},
        {"page", Int()},
        {"per_page", Int()},
        {"facets",
         {{"type", "object"},
          {"description", "Facet -> value -> count: country, theme, org, status, lang, year, channel"},
          {"additionalProperties", counts}}}}}};
  part.schemas["Lineage"] = {{"type", "object"},
                             {"properties",
                              {{"root", Int()},
                               {"nodes", Arr({{"type", "object"},
                                              {"properties",
                                               {{"id", Int()},
                                                {"slug", Str()},
                                                {"title", Str()},
                                                {"organisation", Str()},
                                                {"countries", Arr(Str())},
                                                {"adapted_from", {{"type", "integer"}, {"nullable", true}}},
                                                {"depth", Int()},
                                                {"lifecycle", lifecycle},
                                                {"url", Str()}}}})},
                               {"countries", counts}}}};
  part.schemas["Revisions"] = {{"type", "object"},
                               {"properties",
                                {{"items", Arr({{"type", "object"},
                                                {"properties",
                                                 {{"version", Int()},
                                                  {"at", {{"type", "string"}, {"format", "date-time"}}},
                                                  {"actor", Str()},
                                                  {"action", Str()},
                                                  {"changed", Arr(Str())}}}})}}}};
  part.schemas["Themes"] = {
      {"type", "object"},
      {"properties",
       {{"items", Arr({{"type", "object"},
                       {"properties",
                        {{"code", Str()},
                         {"labels", {{"type", "object"}, {"additionalProperties", Str()}}},
                         {"active", Bool()}}}})}}}};
  // The idea exchange (threads, posts, groups): generic shapes.
  json paging = PagingParams();
  json idp = PathParam("id", "Campaign id (or slug)");
  json list_params =
      json::array({QueryParam("q", "Words to search for (stemmed, accent-insensitive, en/fr/es)")});
  for (const char* f : {"country", "theme", "org", "status", "lang", "year", "channel"}) {
    list_params.push_back(
        ListQuery(f, std::string("Filter by ") + f + "; values of one facet are ORed, facets ANDed."));
  }
  list_params.push_back(QueryParam("sort", "relevance (default) or newest",
                                   {{"type", "string"}, {"enum", {"relevance", "newest"}}}));
  for (const auto& p : paging) list_params.push_back(p);
  part.paths["/api/v1/campaigns"]["get"] =
      Op("listCampaigns", "Search published campaigns, with facet counts", "campaigns",
         {{"200", Resp("Results", Ref("CampaignList"))}, {"422", ErrResp("A bad parameter, named")}},
         list_params);
  part.paths["/api/v1/campaigns"]["post"] =
      Op("createCampaign", "Create a draft campaign (editors of the lead organisation)", "campaigns",
         {{"201", Resp("Created; Location and ETag set", Ref("Campaign"))},
          {"422", ErrResp("Invalid fields, named")}},
         json::array(), JsonBody(Ref("CampaignInput")), true);
  json csv_params = list_params;
  part.paths["/api/v1/campaigns.csv"]["get"] =
      Op("exportCampaigns", "The current filter as CSV (RFC 4180, UTF-8, header row)", "campaigns",
         {{"200", {{"description", "CSV"}, {"content", {{"text/csv", {{"schema", Str()}}}}}}}}, csv_params);
  part.paths["/api/v1/campaigns/{id}"]["get"] =
      Op("getCampaign", "One campaign; ETag is \"<version>\"", "campaigns",
         {{"200", Resp("The campaign", Ref("Campaign"))}, {"404", ErrResp("Not found or not visible")}},
         json::array({idp}));
  part.paths["/api/v1/campaigns/{id}"]["patch"] =
      Op("patchCampaign",
         "Change a campaign. If-Match is required: 428 without it, 409 when stale. Texts merge by language.",
         "campaigns",
         {{"200", Resp("Changed; new ETag", Ref("Campaign"))},
          {"409", ErrResp("Stale If-Match")},
          {"422", ErrResp("Invalid fields, named")},
          {"428", ErrResp("If-Match missing")}},
         json::array({idp, IfMatchHeader(true)}), JsonBody(Ref("CampaignInput")), true);
  struct Action {
    const char* name;
    const char* summary;
    json body;
  };
  json reason = {{"type", "object"},
                 {"additionalProperties", false},
                 {"required", {"reason"}},
                 {"properties", {{"reason", Str()}}}};
  json org = {{"type", "object"},
              {"additionalProperties", false},
              {"required", {"organisation"}},
              {"properties", {{"organisation", Str()}}}};
  for (const Action& a :
       {Action{"submit", "Submit for review (editors)", nullptr},
        Action{"publish", "Publish (moderators)", nullptr},
        Action{"return", "Return to the editors with a reason (moderators)", JsonBody(reason)},
        Action{"archive", "Archive (moderators, or the lead organisation's editors)", nullptr},
        Action{"adapt", "Adapt for another organisation: a new linked draft", JsonBody(org)}}) {
    bool adapt = std::string_view(a.name) == "adapt";
    json responses = {{adapt ? "201" : "200",
                       Resp(adapt ? "The new draft; Location set" : "The campaign", Ref("Campaign"))},
                      {"409", ErrResp("Not possible in this state, or stale If-Match")}};
    part.paths["/api/v1/campaigns/{id}/" + std::string(a.name)]["post"] =
        Op(std::string(a.name) + "Campaign", a.summary, "campaigns", responses,
           json::array({idp, IfMatchHeader(false)}), a.body, true);
  }
  part.paths["/api/v1/campaigns/{id}/lineage"]["get"] =
      Op("campaignLineage", "The family of adaptations and the countries reached", "campaigns",
         {{"200", Resp("Lineage", Ref("Lineage"))}, {"404", ErrResp("Not found")}}, json::array({idp}));
  part.paths["/api/v1/campaigns/{id}/revisions"]["get"] =
      Op("campaignRevisions", "Every revision: who, when, what changed", "campaigns",
         {{"200", Resp("Revisions", Ref("Revisions"))}, {"404", ErrResp("Not found")}}, json::array({idp}));
  part.paths["/api/v1/campaigns/{id}/media"]["post"] = Op(
      "uploadCampaignMedia", "Upload an image (PNG, JPEG, GIF, WebP) or PDF, checked by content", "campaigns",
      {{"201", Resp("Stored", Ref("Media"))},
       {"413", ErrResp("Too large")},
       {"415", ErrResp("Not an image or PDF")}},
      json::array(
          {idp, QueryParam("filename", "File name for a raw upload"), QueryParam("caption", "Caption")}),
      json{{"required", true},
           {"content",
            {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}},
             {"multipart/form-data",
              {{"schema",
                {{"type", "object"},
                 {"properties",
                  {{"file", {{"type", "string"}, {"format", "binary"}}}, {"caption", Str()}}}}}}}}}},
      true);
  part.paths["/api/v1/themes"]["get"] =
      Op("listThemes", "The theme vocabulary", "campaigns", {{"200", Resp("Themes", Ref("Themes"))}});
}

}  // namespace waymark::web
