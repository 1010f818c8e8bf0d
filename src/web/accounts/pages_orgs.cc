// Pages: the organisations directory, an organisation's profile, and the
// form that creates or edits one.
#include "core/strings.h"
#include "i18n/countries.h"
#include "web/accounts/accounts_module.h"
#include "web/helpers.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;

namespace {

constexpr int kPerPage = 50;

}  // namespace

Response AccountsModule::Organisations(Context& ctx) {
  int page = PageParam(ctx.req);
  auto total = services_.accounts->CountOrganisations();
  if (!total.ok()) return Error(ctx, total.status());
  auto orgs = services_.accounts->ListOrganisations(kPerPage, (page - 1) * kPerPage);
  if (!orgs.ok()) return Error(ctx, orgs.status());
  json rows = json::array();
  for (const auto& o : *orgs) {
    rows.push_back({{"slug", o.slug},
                    {"name", o.name},
                    {"acronym", o.acronym ? json(*o.acronym) : json(nullptr)},
                    {"kind", KindLabel(ctx, o.kind)},
                    {"country", o.country ? countries_.Name(*o.country, ctx.lang) : ""},
                    {"observer", o.council_observer}});
  }
  int pages = (*total + kPerPage - 1) / kPerPage;
  if (pages < 1) pages = 1;
  json model = {{"organisations", rows},
                {"count_text", Fill(T(ctx, "organisations_count"), "{n}", std::to_string(*total))},
                {"can_create", ctx.is_admin()}};
  if (pages > 1) {
    std::string text =
        Fill(Fill(T(ctx, "page_of"), "{page}", std::to_string(page)), "{pages}", std::to_string(pages));
    json pager = {{"page_text", text}};
    if (page > 1) pager["prev"] = ctx.req.path + "?page=" + std::to_string(page - 1);
    if (page < pages) pager["next"] = ctx.req.path + "?page=" + std::to_string(page + 1);
    model["pager"] = pager;
  }
  return Page(ctx, "accounts/organisations", T(ctx, "organisations_title"), model);
}

Response AccountsModule::OrganisationPage(Context& ctx) {
  auto org = services_.accounts->GetOrganisation(ctx.req.params.at("slug"));
  if (!org.ok()) return Error(ctx, org.status());
  json model = {{"slug", org->slug},
                {"name", org->name},
                {"acronym", org->acronym ? json(*org->acronym) : json(nullptr)},
                {"kind", KindLabel(ctx, org->kind)},
                {"country", org->country ? json(countries_.Name(*org->country, ctx.lang)) : json(nullptr)},
                {"website", org->website ? json(*org->website) : json(nullptr)},
                {"description", org->description.empty() ? json(nullptr) : json(org->description)},
                {"observer", org->council_observer},
                {"can_edit", ctx.user && accounts::AccountService::CanEditOrganisation(ctx.actor(), *org)}};
  return Page(ctx, "accounts/organisation", org->name, model);
}

Response AccountsModule::OrganisationForm(Context& ctx, bool creating, const json& values,
                                          const Status& error, int status) {
  json model = values;
  model["creating"] = creating;
  model["admin"] = ctx.is_admin();
  model["action"] =
      creating ? "/admin/organisations" : "/organisations/" + values.value("slug", "") + "/edit";
  model["heading"] = creating ? T(ctx, "organisation_new") : T(ctx, "edit") + ": " + values.value("name", "");
  std::string kind = values.value("kind", "cso");
  json kinds = json::array();
  for (auto k : accounts::AllOrgKinds()) {
    std::string v(accounts::ToString(k));
    kinds.push_back({{"value", v}, {"label", KindLabel(ctx, k)}, {"selected", v == kind}});
  }
  model["kinds"] = kinds;
  std::string country = values.value("country", "");
  json countries = json::array();
  for (const auto& [code, name] : countries_.Sorted(ctx.lang)) {
    countries.push_back({{"code", code}, {"name", name}, {"selected", code == country}});
  }
  model["countries"] = countries;
  if (!error.ok()) {
    model["has_errors"] = true;
    model["error_list"] = ErrorList(ctx, error);
    for (const auto& [field, message] : FieldMessages(ctx, error)) model[field + "_error"] = message;
  }
  std::string title = model["heading"].get<std::string>();
  return Page(ctx, "accounts/organisation_form", title, model, status);
}

Response AccountsModule::OrganisationNew(Context& ctx) {
  return OrganisationForm(ctx, true, json{{"kind", "cso"}}, Status::Ok(), 200);
}

namespace {
json FormValues(const Context& ctx) {
  return json{{"slug", ctx.Form("slug")},
              {"name", ctx.Form("name")},
              {"acronym", ctx.Form("acronym")},
              {"kind", ctx.Form("kind")},
              {"country", ctx.Form("country")},
              {"website", ctx.Form("website")},
              {"description", ctx.Form("description")},
              {"observer", ctx.Form("council_observer") == "1"}};
}
}  // namespace

Response AccountsModule::OrganisationCreate(Context& ctx) {
  accounts::OrganisationInput in;
  in.slug = ctx.Form("slug");
  in.name = ctx.Form("name");
  in.acronym = ctx.Form("acronym");
  in.kind = ctx.Form("kind");
  in.country = ctx.Form("country");
  in.website = ctx.Form("website");
  in.description = ctx.Form("description");
  in.council_observer = ctx.Form("council_observer") == "1";
  auto org = services_.accounts->CreateOrganisation(ctx.actor(), in);
  if (!org.ok()) {
    const Status& s = org.status();
    if (s.kind() == Status::Kind::kValidation) return OrganisationForm(ctx, true, FormValues(ctx), s, 422);
    if (s.kind() == Status::Kind::kConflict) {
      return OrganisationForm(ctx, true, FormValues(ctx), FieldError("slug", "slug_taken", s.message()), 409);
    }
    return Error(ctx, s);
  }
  return Response::Redirect("/organisations/" + org->slug + "?msg=flash_saved");
}

Response AccountsModule::OrganisationEdit(Context& ctx) {
  auto org = services_.accounts->GetOrganisation(ctx.req.params.at("slug"));
  if (!org.ok()) return Error(ctx, org.status());
  if (!accounts::AccountService::CanEditOrganisation(ctx.actor(), *org)) {
    return Error(ctx, Status::PermissionDenied("not your organisation"));
  }
  json values = {{"slug", org->slug},
                 {"name", org->name},
                 {"acronym", org->acronym.value_or("")},
                 {"kind", std::string(accounts::ToString(org->kind))},
                 {"country", org->country.value_or("")},
                 {"website", org->website.value_or("")},
                 {"description", org->description},
                 {"observer", org->council_observer},
                 {"version", std::to_string(org->version)}};
  return OrganisationForm(ctx, false, values, Status::Ok(), 200);
}

Response AccountsModule::OrganisationUpdate(Context& ctx) {
  const std::string& slug = ctx.req.params.at("slug");
  accounts::OrganisationPatch patch;
  patch.name = ctx.Form("name");
  patch.acronym = ctx.Form("acronym");
  patch.kind = ctx.Form("kind");
  patch.country = ctx.Form("country");
  patch.website = ctx.Form("website");
  patch.description = ctx.Form("description");
  if (ctx.is_admin()) patch.council_observer = ctx.Form("council_observer") == "1";
  try {
    if (!ctx.Form("version").empty()) patch.expected_version = std::stoll(ctx.Form("version"));
  } catch (...) {
    return Error(ctx, Status::InvalidArgument("the form's version field is not a number"));
  }
  auto org = services_.accounts->UpdateOrganisation(ctx.actor(), slug, patch);
  if (!org.ok()) {
    json values = FormValues(ctx);
    values["slug"] = slug;
    values["version"] = ctx.Form("version");
    if (org.status().kind() == Status::Kind::kValidation) {
      return OrganisationForm(ctx, false, values, org.status(), 422);
    }
    if (org.status().IsConflict()) {
      // Keep what the user typed; the next save is based on the current version.
      auto current = services_.accounts->GetOrganisation(slug);
      if (current.ok()) values["version"] = std::to_string(current->version);
      return OrganisationForm(ctx, false, values, FieldError("version", "stale", org.status().message()),
                              409);
    }
    return Error(ctx, org.status());
  }
  return Response::Redirect("/organisations/" + slug + "?msg=flash_saved");
}

}  // namespace waymark::web
