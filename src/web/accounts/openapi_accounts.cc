// The accounts module's part of the OpenAPI document: /api/v1/me and organisations.
#include "web/accounts/accounts_module.h"
#include "web/openapi.h"

namespace waymark::web {

using namespace openapi;  // NOLINT(google-build-using-namespace): the builders read as a schema language

void AccountsModule::AddOpenApi(OpenApiPart& part) const {
  part.tags.push_back("accounts");
  part.tags.push_back("organisations");
  json paging = PagingParams();
  part.schemas["Organisation"] = {{"type", "object"},
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
  part.schemas["OrganisationInput"] = {{"type", "object"},
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
  part.schemas["Me"] = {
      {"type", "object"},
      {"properties",
       {{"id", Int()},
        {"email", Str()},
        {"name", Str()},
        {"locale", Str()},
        {"is_admin", Bool()},
        {"memberships",
         Arr({{"type", "object"}, {"properties", {{"organisation", Str()}, {"role", Str()}}}})}}}};
  part.paths["/api/v1/me"]["get"] =
      Op("getMe", "Who is asking", "accounts", {{"200", Resp("The signed-in person", Ref("Me"))}},
         json::array(), nullptr, true);
  part.paths["/api/v1/organisations"]["get"] =
      Op("listOrganisations", "List organisations", "organisations",
         {{"200", Resp("A page of organisations", {{"type", "object"},
                                                   {"properties",
                                                    {{"items", Arr(Ref("Organisation"))},
                                                     {"total", Int()},
                                                     {"page", Int()},
                                                     {"per_page", Int()}}}})}},
         paging);
  part.paths["/api/v1/organisations"]["post"] =
      Op("createOrganisation", "Create an organisation (admins)", "organisations",
         {{"201", Resp("Created", Ref("Organisation"))}, {"422", ErrResp("Invalid fields")}}, json::array(),
         JsonBody(Ref("OrganisationInput")), true);
  part.paths["/api/v1/organisations/{slug}"]["get"] =
      Op("getOrganisation", "One organisation", "organisations",
         {{"200", Resp("The organisation; ETag carries its version", Ref("Organisation"))},
          {"404", ErrResp("Not found")}},
         json::array({PathParam("slug", "Organisation slug")}));
  part.paths["/api/v1/organisations/{slug}"]["patch"] =
      Op("patchOrganisation", "Change an organisation. If-Match is required: 428 without it, 412 when stale.",
         "organisations",
         {{"200", Resp("Changed; new ETag", Ref("Organisation"))},
          {"412", ErrResp("Stale If-Match")},
          {"422", ErrResp("Invalid fields")},
          {"428", ErrResp("If-Match missing")}},
         json::array({PathParam("slug", "Organisation slug"), IfMatchHeader(true)}),
         JsonBody(Ref("OrganisationInput")), true);
}

}  // namespace waymark::web
