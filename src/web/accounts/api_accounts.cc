// JSON API under /api/v1: thin adapters from JSON to the services and back.
#include <set>

#include "core/strings.h"
#include "web/accounts/accounts_module.h"
#include "web/helpers.h"
#include "web/request_headers.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;

namespace {

// Reads an optional string field: absent -> nullopt, null -> "", string -> it.
void OptString(const json& body, const char* field, std::optional<std::string>& out,
               std::map<std::string, std::string>& errors) {
  auto it = body.find(field);
  if (it == body.end()) return;
  if (it->is_null()) {
    out = "";
  } else if (it->is_string()) {
    out = it->get<std::string>();
  } else {
    errors[field] = "must be a string";
  }
}

const std::set<std::string>& OrganisationFields() {
  static const std::set<std::string> fields = {"slug",    "name",    "acronym",     "kind",
                                               "country", "website", "description", "council_observer"};
  return fields;
}

}  // namespace

json AccountsModule::OrganisationJson(const accounts::Organisation& o) const {
  json j = {{"slug", o.slug},
            {"name", o.name},
            {"acronym", o.acronym ? json(*o.acronym) : json(nullptr)},
            {"kind", std::string(accounts::ToString(o.kind))},
            {"country", o.country ? json(*o.country) : json(nullptr)},
            {"website", o.website ? json(*o.website) : json(nullptr)},
            {"description", o.description},
            {"council_observer", o.council_observer},
            {"created_at", FormatIso8601(o.created_at)},
            {"updated_at", FormatIso8601(o.updated_at)},
            {"version", o.version},
            {"url", "/api/v1/organisations/" + o.slug}};
  return j;
}

Response AccountsModule::ApiMe(Context& ctx) {
  const accounts::User& u = *ctx.user;
  json memberships = json::array();
  for (const auto& m : u.memberships) {
    memberships.push_back(
        {{"organisation", m.organisation_slug}, {"role", std::string(accounts::ToString(m.role))}});
  }
  return Json(ctx, 200,
              json{{"id", u.id},
                   {"email", u.email},
                   {"name", u.name},
                   {"locale", u.locale},
                   {"is_admin", u.is_admin},
                   {"memberships", memberships}});
}

Response AccountsModule::ApiListOrganisations(Context& ctx) {
  int page = 1, per_page = 20;
  Status s = ApiPaging(ctx.req, page, per_page);
  if (!s.ok()) return Error(ctx, s);
  auto total = services_.accounts->CountOrganisations();
  if (!total.ok()) return Error(ctx, total.status());
  auto orgs = services_.accounts->ListOrganisations(per_page, (page - 1) * per_page);
  if (!orgs.ok()) return Error(ctx, orgs.status());
  json items = json::array();
  for (const auto& o : *orgs) items.push_back(OrganisationJson(o));
  return Json(ctx, 200, json{{"items", items}, {"total", *total}, {"page", page}, {"per_page", per_page}});
}

Response AccountsModule::ApiGetOrganisation(Context& ctx) {
  auto org = services_.accounts->GetOrganisation(ctx.req.params.at("slug"));
  if (!org.ok()) return Error(ctx, org.status());
  Response r = Json(ctx, 200, OrganisationJson(*org));
  r.Set("ETag", "\"" + std::to_string(org->version) + "\"");
  return r;
}

Response AccountsModule::ApiCreateOrganisation(Context& ctx) {
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  if (!body->is_object()) return Error(ctx, Status::InvalidArgument("the body must be a JSON object"));
  std::map<std::string, std::string> errors;
  for (auto it = body->begin(); it != body->end(); ++it) {
    if (!OrganisationFields().count(it.key())) errors[it.key()] = "is not a known field";
  }
  accounts::OrganisationInput in;
  auto required = [&](const char* field, std::string& out) {
    auto it = body->find(field);
    if (it == body->end() || it->is_null()) {
      errors[field] = "is required";
    } else if (!it->is_string()) {
      errors[field] = "must be a string";
    } else {
      out = it->get<std::string>();
    }
  };
  required("slug", in.slug);
  required("name", in.name);
  required("kind", in.kind);
  OptString(*body, "acronym", in.acronym, errors);
  OptString(*body, "country", in.country, errors);
  OptString(*body, "website", in.website, errors);
  std::optional<std::string> description;
  OptString(*body, "description", description, errors);
  in.description = description.value_or("");
  if (auto it = body->find("council_observer"); it != body->end()) {
    if (it->is_boolean()) {
      in.council_observer = it->get<bool>();
    } else {
      errors["council_observer"] = "must be true or false";
    }
  }
  if (!errors.empty()) return Error(ctx, Status::Validation(errors));
  auto org = services_.accounts->CreateOrganisation(ctx.actor(), in);
  if (!org.ok()) return Error(ctx, org.status());
  Response r = Json(ctx, 201, OrganisationJson(*org));
  r.Set("Location", "/api/v1/organisations/" + org->slug);
  return r;
}

// Conditional like every API write of a versioned record: If-Match carries
// the ETag of the GET ("\"<version>\""); 428 without it, 412 when stale.
// The body is checked first, so a bad body is told as such either way.
Response AccountsModule::ApiPatchOrganisation(Context& ctx) {
  const std::string& slug = ctx.req.params.at("slug");
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  if (!body->is_object()) return Error(ctx, Status::InvalidArgument("the body must be a JSON object"));
  std::map<std::string, std::string> errors;
  for (auto it = body->begin(); it != body->end(); ++it) {
    if (it.key() == "slug") {
      errors["slug"] = "cannot be changed";
    } else if (!OrganisationFields().count(it.key())) {
      errors[it.key()] = "is not a known field";
    }
  }
  accounts::OrganisationPatch patch;
  OptString(*body, "name", patch.name, errors);
  OptString(*body, "acronym", patch.acronym, errors);
  OptString(*body, "kind", patch.kind, errors);
  OptString(*body, "country", patch.country, errors);
  OptString(*body, "website", patch.website, errors);
  OptString(*body, "description", patch.description, errors);
  if (auto it = body->find("council_observer"); it != body->end()) {
    if (it->is_boolean()) {
      patch.council_observer = it->get<bool>();
    } else {
      errors["council_observer"] = "must be true or false";
    }
  }
  if (!errors.empty()) return Error(ctx, Status::Validation(errors));
  auto version = ParseIfMatchVersion(ctx.req.Header("if-match"));
  if (!version.ok()) return Error(ctx, version.status());
  if (!version->has_value()) {
    return Json(ctx, 428,
                json{{"error",
                      {{"code", "precondition_required"},
                       {"message", "send If-Match with the ETag from GET /api/v1/organisations/" + slug}}}});
  }
  patch.expected_version = **version;
  auto org = services_.accounts->UpdateOrganisation(ctx.actor(), slug, patch);
  if (!org.ok()) {
    // The only conflict an organisation update has is a stale version.
    if (org.status().IsConflict()) {
      return Json(ctx, 412,
                  json{{"error", {{"code", "precondition_failed"}, {"message", org.status().message()}}}});
    }
    return Error(ctx, org.status());
  }
  Response r = Json(ctx, 200, OrganisationJson(*org));
  r.Set("ETag", "\"" + std::to_string(org->version) + "\"");
  return r;
}

}  // namespace waymark::web
