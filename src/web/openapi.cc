// GET /api/v1/openapi.json: the OpenAPI 3.0 description of every /api/v1
// route, built once from small helpers so the shapes stay consistent.
#include "web/app.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;

namespace {

json Ref(const std::string& name) { return json{{"$ref", "#/components/schemas/" + name}}; }
json Str() { return json{{"type", "string"}}; }
json Int() { return json{{"type", "integer"}}; }
json Bool() { return json{{"type", "boolean"}}; }
json Arr(json items) { return json{{"type", "array"}, {"items", std::move(items)}}; }
json NullableStr() { return json{{"type", "string"}, {"nullable", true}}; }
json ByLang() {
  return json{{"type", "object"},
              {"description", "Text by language: en, fr, es"},
              {"properties", {{"en", Str()}, {"fr", Str()}, {"es", Str()}}},
              {"additionalProperties", false}};
}

json JsonContent(json schema) { return json{{"application/json", {{"schema", std::move(schema)}}}}; }
json Resp(const std::string& description, json schema = nullptr) {
  json r = {{"description", description}};
  if (!schema.is_null()) r["content"] = JsonContent(std::move(schema));
  return r;
}
json ErrResp(const std::string& description) { return Resp(description, Ref("Error")); }

json PathParam(const std::string& name, const std::string& description, json schema = Str()) {
  return json{
      {"name", name}, {"in", "path"}, {"required", true}, {"description", description}, {"schema", schema}};
}
json QueryParam(const std::string& name, const std::string& description, json schema = Str()) {
  return json{
      {"name", name}, {"in", "query"}, {"required", false}, {"description", description}, {"schema", schema}};
}
json ListQuery(const std::string& name, const std::string& description) {
  return json{
      {"name", name},        {"in", "query"},
      {"required", false},   {"style", "form"},
      {"explode", true},     {"description", description + " Repeat the parameter or give a comma list."},
      {"schema", Arr(Str())}};
}
json IfMatchHeader(bool required) {
  return json{{"name", "If-Match"},
              {"in", "header"},
              {"required", required},
              {"description", "The ETag from the last GET, like \"3\"; a stale one gets 409."},
              {"schema", Str()}};
}

// An operation with the errors every call can give.
json Op(const std::string& id, const std::string& summary, const std::string& tag, json responses,
        json parameters = json::array(), json body = nullptr, bool auth = false) {
  json op = {
      {"operationId", id}, {"summary", summary}, {"tags", json::array({tag})}, {"responses", responses}};
  if (!parameters.empty()) op["parameters"] = parameters;
  if (!body.is_null()) op["requestBody"] = body;
  if (auth) {
    op["security"] =
        json::array({json{{"bearerAuth", json::array()}}, json{{"sessionCookie", json::array()}}});
    op["responses"]["401"] = ErrResp("Not signed in");
    op["responses"]["403"] = ErrResp("Not allowed");
  }
  op["responses"]["default"] = ErrResp("An error: {\"error\": {\"code\", \"message\", \"fields\"}}");
  return op;
}

json JsonBody(json schema, bool required = true) {
  return json{{"required", required}, {"content", JsonContent(std::move(schema))}};
}

json Schemas() {
  json s;
  s["Error"] = {{"type", "object"},
                {"required", {"error"}},
                {"properties",
                 {{"error",
                   {{"type", "object"},
                    {"required", {"code", "message"}},
                    {"properties",
                     {{"code", Str()},
                      {"message", Str()},
                      {"fields", {{"type", "object"}, {"additionalProperties", Str()}}}}}}}}}};
  s["Organisation"] = {{"type", "object"},
                       {"properties",
                        {{"slug", Str()},
                         {"name", Str()},
                         {"acronym", NullableStr()},
                         {"kind", Str()},
                         {"country", NullableStr()},
                         {"website", NullableStr()},
                         {"description", Str()},
                         {"council_observer", Bool()},
                         {"created_at", {{"type", "string"}, {"format", "date-time"}}},
                         {"updated_at", {{"type", "string"}, {"format", "date-time"}}},
                         {"version", Int()},
                         {"url", Str()}}}};
  s["OrganisationInput"] = {{"type", "object"},
                            {"additionalProperties", false},
                            {"properties",
                             {{"slug", Str()},
                              {"name", Str()},
                              {"acronym", NullableStr()},
                              {"kind", {{"type", "string"}}},
                              {"country", NullableStr()},
                              {"website", NullableStr()},
                              {"description", NullableStr()},
                              {"council_observer", Bool()}}}};
  s["Me"] = {{"type", "object"},
             {"properties",
              {{"id", Int()},
               {"email", Str()},
               {"name", Str()},
               {"locale", Str()},
               {"is_admin", Bool()},
               {"memberships",
                Arr({{"type", "object"}, {"properties", {{"organisation", Str()}, {"role", Str()}}}})}}}};
  json figure = {{"type", "object"},
                 {"required", {"name", "value"}},
                 {"additionalProperties", false},
                 {"properties", {{"name", Str()}, {"value", Int()}}}};
  s["Figure"] = figure;
  s["Media"] = {{"type", "object"},
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
  s["Campaign"] = {{"type", "object"},
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
  s["CampaignInput"] = {
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
  s["CampaignList"] = {
      {"type", "object"},
      {"required", {"items", "total", "facets"}},
      {"properties",
       {{"items", Arr(Ref("Campaign"))},
        {"total", Int()},
        {"total_exact", Bool()},
        {"page", Int()},
        {"per_page", Int()},
        {"facets",
         {{"type", "object"},
          {"description", "Facet -> value -> count: country, theme, org, status, lang, year, channel"},
          {"additionalProperties", counts}}}}}};
  s["Lineage"] = {{"type", "object"},
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
  s["Revisions"] = {{"type", "object"},
                    {"properties",
                     {{"items", Arr({{"type", "object"},
                                     {"properties",
                                      {{"version", Int()},
                                       {"at", {{"type", "string"}, {"format", "date-time"}}},
                                       {"actor", Str()},
                                       {"action", Str()},
                                       {"changed", Arr(Str())}}}})}}}};
  s["Themes"] = {{"type", "object"},
                 {"properties",
                  {{"items", Arr({{"type", "object"},
                                  {"properties",
                                   {{"code", Str()},
                                    {"labels", {{"type", "object"}, {"additionalProperties", Str()}}},
                                    {"active", Bool()}}}})}}}};
  // The idea exchange (threads, posts, groups): generic shapes.
  json any_object = {{"type", "object"}, {"additionalProperties", true}};
  s["Thread"] = any_object;
  s["Post"] = any_object;
  s["Group"] = any_object;
  s["ListOf"] = {{"type", "object"},
                 {"properties", {{"items", Arr(any_object)}, {"total", Int()}}},
                 {"additionalProperties", true}};
  return s;
}

json Document() {
  json paths = json::object();
  json idp = PathParam("id", "Campaign id (or slug)");
  json paging = json::array(
      {QueryParam("page", "Page, from 1", Int()), QueryParam("per_page", "Items a page, 1-100", Int())});

  paths["/api/v1/me"]["get"] =
      Op("getMe", "Who is asking", "accounts", {{"200", Resp("The signed-in person", Ref("Me"))}},
         json::array(), nullptr, true);
  paths["/api/v1/organisations"]["get"] =
      Op("listOrganisations", "List organisations", "organisations",
         {{"200", Resp("A page of organisations", {{"type", "object"},
                                                   {"properties",
                                                    {{"items", Arr(Ref("Organisation"))},
                                                     {"total", Int()},
                                                     {"page", Int()},
                                                     {"per_page", Int()}}}})}},
         paging);
  paths["/api/v1/organisations"]["post"] =
      Op("createOrganisation", "Create an organisation (admins)", "organisations",
         {{"201", Resp("Created", Ref("Organisation"))}, {"422", ErrResp("Invalid fields")}}, json::array(),
         JsonBody(Ref("OrganisationInput")), true);
  paths["/api/v1/organisations/{slug}"]["get"] =
      Op("getOrganisation", "One organisation", "organisations",
         {{"200", Resp("The organisation; ETag carries its version", Ref("Organisation"))},
          {"404", ErrResp("Not found")}},
         json::array({PathParam("slug", "Organisation slug")}));
  paths["/api/v1/organisations/{slug}"]["patch"] =
      Op("patchOrganisation", "Change an organisation. If-Match is required: 428 without it, 412 when stale.",
         "organisations",
         {{"200", Resp("Changed; new ETag", Ref("Organisation"))},
          {"412", ErrResp("Stale If-Match")},
          {"422", ErrResp("Invalid fields")},
          {"428", ErrResp("If-Match missing")}},
         json::array({PathParam("slug", "Organisation slug"), IfMatchHeader(true)}),
         JsonBody(Ref("OrganisationInput")), true);

  json list_params =
      json::array({QueryParam("q", "Words to search for (stemmed, accent-insensitive, en/fr/es)")});
  for (const char* f : {"country", "theme", "org", "status", "lang", "year", "channel"}) {
    list_params.push_back(
        ListQuery(f, std::string("Filter by ") + f + "; values of one facet are ORed, facets ANDed."));
  }
  list_params.push_back(QueryParam("sort", "relevance (default) or newest",
                                   {{"type", "string"}, {"enum", {"relevance", "newest"}}}));
  for (const auto& p : paging) list_params.push_back(p);
  paths["/api/v1/campaigns"]["get"] =
      Op("listCampaigns", "Search published campaigns, with facet counts", "campaigns",
         {{"200", Resp("Results", Ref("CampaignList"))}, {"422", ErrResp("A bad parameter, named")}},
         list_params);
  paths["/api/v1/campaigns"]["post"] =
      Op("createCampaign", "Create a draft campaign (editors of the lead organisation)", "campaigns",
         {{"201", Resp("Created; Location and ETag set", Ref("Campaign"))},
          {"422", ErrResp("Invalid fields, named")}},
         json::array(), JsonBody(Ref("CampaignInput")), true);
  json csv_params = list_params;
  paths["/api/v1/campaigns.csv"]["get"] =
      Op("exportCampaigns", "The current filter as CSV (RFC 4180, UTF-8, header row)", "campaigns",
         {{"200", {{"description", "CSV"}, {"content", {{"text/csv", {{"schema", Str()}}}}}}}}, csv_params);
  paths["/api/v1/campaigns/{id}"]["get"] =
      Op("getCampaign", "One campaign; ETag is \"<version>\"", "campaigns",
         {{"200", Resp("The campaign", Ref("Campaign"))}, {"404", ErrResp("Not found or not visible")}},
         json::array({idp}));
  paths["/api/v1/campaigns/{id}"]["patch"] =
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
    paths["/api/v1/campaigns/{id}/" + std::string(a.name)]["post"] =
        Op(std::string(a.name) + "Campaign", a.summary, "campaigns", responses,
           json::array({idp, IfMatchHeader(false)}), a.body, true);
  }
  paths["/api/v1/campaigns/{id}/lineage"]["get"] =
      Op("campaignLineage", "The family of adaptations and the countries reached", "campaigns",
         {{"200", Resp("Lineage", Ref("Lineage"))}, {"404", ErrResp("Not found")}}, json::array({idp}));
  paths["/api/v1/campaigns/{id}/revisions"]["get"] =
      Op("campaignRevisions", "Every revision: who, when, what changed", "campaigns",
         {{"200", Resp("Revisions", Ref("Revisions"))}, {"404", ErrResp("Not found")}}, json::array({idp}));
  paths["/api/v1/campaigns/{id}/media"]["post"] = Op(
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
  paths["/api/v1/themes"]["get"] =
      Op("listThemes", "The theme vocabulary", "campaigns", {{"200", Resp("Themes", Ref("Themes"))}});

  // The idea exchange.
  json tid = PathParam("id", "Thread id", Int());
  json any = {{"type", "object"}, {"additionalProperties", true}};
  json post_search = paging;
  post_search.push_back(
      QueryParam("q", "Words to search for in the discussions (stemmed, accent-insensitive)"));
  post_search.push_back(QueryParam("lang", "Only posts written in this language: en, fr or es"));
  paths["/api/v1/posts"]["get"] =
      Op("searchPosts", "Search the posts of every discussion the caller may read", "exchange",
         {{"200", Resp("Posts with marked snippets, the total and language facet counts", any)},
          {"422", ErrResp("Bad parameters")}},
         post_search);
  paths["/api/v1/threads"]["get"] = Op("listThreads", "Threads on the Ideas board", "exchange",
                                       {{"200", Resp("Threads", Ref("ListOf"))}}, paging);
  paths["/api/v1/threads"]["post"] =
      Op("createThread", "Start a thread", "exchange",
         {{"201", Resp("Created", Ref("Thread"))}, {"422", ErrResp("Invalid fields")}}, json::array(),
         JsonBody(any), true);
  paths["/api/v1/threads/{id}"]["get"] =
      Op("getThread", "One thread with its posts", "exchange",
         {{"200", Resp("The thread", Ref("Thread"))}, {"404", ErrResp("Not found")}}, json::array({tid}));
  paths["/api/v1/threads/{id}/posts"]["post"] = Op("replyToThread", "Post a reply (may quote)", "exchange",
                                                   {{"201", Resp("Created", Ref("Post"))},
                                                    {"403", ErrResp("Not a member of the group")},
                                                    {"422", ErrResp("Invalid fields")}},
                                                   json::array({tid}), JsonBody(any), true);
  paths["/api/v1/campaigns/{id}/posts"]["get"] =
      Op("listCampaignPosts", "The discussion under a campaign", "exchange",
         {{"200", Resp("Posts", Ref("ListOf"))}}, json::array({idp}));
  paths["/api/v1/campaigns/{id}/posts"]["post"] =
      Op("postOnCampaign", "Post in a campaign's discussion", "exchange",
         {{"201", Resp("Created", Ref("Post"))}, {"422", ErrResp("Invalid fields")}}, json::array({idp}),
         JsonBody(any), true);
  paths["/api/v1/posts/{id}/useful"]["post"] =
      Op("markPostUseful", "Mark a post useful", "exchange", {{"200", Resp("The post", Ref("Post"))}},
         json::array({PathParam("id", "Post id", Int())}), nullptr, true);
  paths["/api/v1/groups"]["get"] =
      Op("listGroups", "Working groups", "exchange", {{"200", Resp("Groups", Ref("ListOf"))}}, paging);
  paths["/api/v1/groups"]["post"] =
      Op("createGroup", "Create a working group", "exchange",
         {{"201", Resp("Created", Ref("Group"))}, {"422", ErrResp("Invalid fields")}}, json::array(),
         JsonBody(any), true);
  json gid = PathParam("id", "Group id or slug");
  paths["/api/v1/groups/{id}"]["get"] =
      Op("getGroup", "One working group", "exchange",
         {{"200", Resp("The group", Ref("Group"))}, {"404", ErrResp("Not found")}}, json::array({gid}));
  paths["/api/v1/posts/{id}/useful"]["delete"] =
      Op("unmarkPostUseful", "Take back a useful mark", "exchange", {{"200", Resp("The post", Ref("Post"))}},
         json::array({PathParam("id", "Post id", Int())}), nullptr, true);
  struct GroupAction {
    const char* path;
    const char* id;
    const char* summary;
  };
  for (const GroupAction& a :
       {GroupAction{"requests", "requestToJoinGroup",
                    "Ask for the caller's organisation to join ({organisation})"},
        GroupAction{"invitations", "inviteToGroup",
                    "Invite an organisation ({organisation}); group admins only"},
        GroupAction{"accept", "acceptGroupInvitation", "Accept an invitation or a request ({organisation})"},
        GroupAction{"leave", "leaveGroup", "Take an organisation out of the group ({organisation})"},
        GroupAction{"campaigns", "linkCampaignToGroup", "Link a campaign to the group ({campaign_id})"}}) {
    paths[std::string("/api/v1/groups/{id}/") + a.path]["post"] =
        Op(a.id, a.summary, "exchange",
           {{"200", Resp("The group", Ref("Group"))},
            {"403", ErrResp("Not allowed")},
            {"404", ErrResp("Not found")},
            {"422", ErrResp("Invalid fields")}},
           json::array({gid}), JsonBody(any), true);
  }
  json follow = JsonBody(any);
  paths["/api/v1/follows"]["post"] =
      Op("follow", "Follow a thread, group or campaign ({kind, id})", "exchange",
         {{"200", Resp("Following", any)}, {"404", ErrResp("Not found")}, {"422", ErrResp("Invalid fields")}},
         json::array(), follow, true);
  paths["/api/v1/follows"]["delete"] =
      Op("unfollow", "Stop following ({kind, id} in the body or the query)", "exchange",
         {{"200", Resp("Not following", any)}, {"422", ErrResp("Invalid fields")}},
         json::array({QueryParam("kind", "thread, group or campaign"), QueryParam("id", "Its id")}), nullptr,
         true);
  paths["/api/v1/notifications"]["get"] =
      Op("listNotifications", "The caller's notifications, newest first", "exchange",
         {{"200", Resp("Notifications", Ref("ListOf"))}}, paging, nullptr, true);
  paths["/api/v1/notifications/read"]["post"] = Op(
      "markNotificationsRead", "Mark one ({id}) or every notification read", "exchange",
      {{"200", Resp("Done", any)}, {"422", ErrResp("Invalid fields")}}, json::array(), JsonBody(any), true);
  paths["/api/v1/reports"]["post"] = Op(
      "report", "Report a post or campaign to its moderators ({kind: post|campaign, id, reason})", "exchange",
      {{"201", Resp("Reported", any)}, {"404", ErrResp("No such item")}, {"422", ErrResp("Invalid fields")}},
      json::array(), JsonBody(any), true);
  paths["/api/v1/openapi.json"]["get"] =
      Op("openapi", "This document", "meta", {{"200", Resp("OpenAPI 3.0", {{"type", "object"}})}});

  return json{
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Waymark API"},
        {"version", "1.0.0"},
        {"description",
         "Campaigns database and idea exchange. Errors are {\"error\": {\"code\", \"message\", \"fields\"}}. "
         "Writes with a browser session need X-CSRF-Token; API tokens go in Authorization: Bearer."}}},
      {"servers", json::array({json{{"url", "/"}}})},
      {"tags",
       json::array({json{{"name", "accounts"}}, json{{"name", "organisations"}}, json{{"name", "campaigns"}},
                    json{{"name", "exchange"}}, json{{"name", "meta"}}})},
      {"paths", paths},
      {"components",
       {{"schemas", Schemas()},
        {"securitySchemes",
         {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}}},
          {"sessionCookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "wm_session"}}}}}}}};
}

}  // namespace

nlohmann::json OpenApiSpec() { return Document(); }

Response WebApp::OpenApiDocument(Context& ctx) {
  static const std::string text = Document().dump(1);
  Response r = Json(ctx, 200, json::parse(text));
  r.Set("Cache-Control", "public, max-age=3600");
  return r;
}

}  // namespace waymark::web
