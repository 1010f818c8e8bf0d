// Pages: administration of people, memberships and roles, and the audit log.
#include "core/strings.h"
#include "web/accounts/accounts_module.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;

namespace {

constexpr int kMaxListed = 500;

Result<accounts::Id> IdParam(const Context& ctx) {
  try {
    std::size_t used = 0;
    const std::string& s = ctx.req.params.at("id");
    accounts::Id id = std::stoll(s, &used);
    if (used != s.size() || id <= 0) throw std::invalid_argument("id");
    return id;
  } catch (...) {
    return Status::NotFound("no such person");
  }
}

}  // namespace

Response AccountsModule::Admin(Context& ctx) {
  auto count = services_.accounts->CountOrganisations();
  if (!count.ok()) return Error(ctx, count.status());
  std::string text = T(ctx, "organisations_count");
  text.replace(text.find("{n}"), 3, std::to_string(*count));
  return Page(ctx, "accounts/admin", T(ctx, "admin_title"), json{{"org_count", text}});
}

Response AccountsModule::AdminUsers(Context& ctx) {
  return AdminUsersPage(ctx, json{{"role", "member"}, {"locale", ctx.lang}}, Status::Ok(), "", 200);
}

Response AccountsModule::AdminUsersPage(Context& ctx, const json& form, const Status& error,
                                        const std::string& created_password, int status) {
  auto users = services_.accounts->ListUsers(ctx.actor(), kMaxListed, 0);
  if (!users.ok()) return Error(ctx, users.status());
  auto orgs = services_.accounts->ListOrganisations(kMaxListed, 0);
  if (!orgs.ok()) return Error(ctx, orgs.status());
  json rows = json::array();
  for (const auto& u : *users) {
    std::string ms;
    for (const auto& m : u.memberships) {
      ms += (ms.empty() ? "" : ", ") + m.organisation_slug + " (" + RoleLabel(ctx, m.role) + ")";
    }
    rows.push_back({{"id", std::to_string(u.id)},
                    {"name", u.name},
                    {"email", u.email},
                    {"memberships", ms},
                    {"is_admin", u.is_admin}});
  }
  json org_opts = json::array();
  for (const auto& o : *orgs) {
    org_opts.push_back(
        {{"slug", o.slug}, {"name", o.name}, {"selected", o.slug == form.value("organisation", "")}});
  }
  json roles = json::array();
  for (auto r : {accounts::Role::kMember, accounts::Role::kEditor, accounts::Role::kModerator}) {
    std::string v(accounts::ToString(r));
    roles.push_back(
        {{"value", v}, {"label", RoleLabel(ctx, r)}, {"selected", v == form.value("role", "member")}});
  }
  json locales = json::array();
  for (auto [code, name] :
       {std::pair{"en", "English"}, std::pair{"fr", "Français"}, std::pair{"es", "Español"}}) {
    locales.push_back({{"code", code}, {"name", name}, {"selected", code == form.value("locale", "en")}});
  }
  json model = {{"users", rows},
                {"organisations", org_opts},
                {"roles", roles},
                {"locales", locales},
                {"form_email", form.value("email", "")},
                {"form_name", form.value("name", "")},
                {"created_password", created_password}};
  if (!error.ok()) {
    model["has_errors"] = true;
    model["error_list"] = ErrorList(ctx, error);
  }
  return Page(ctx, "accounts/admin_users", T(ctx, "admin_users"), model, status);
}

Response AccountsModule::AdminUserCreate(Context& ctx) {
  json form = {{"email", ctx.Form("email")},
               {"name", ctx.Form("name")},
               {"organisation", ctx.Form("organisation")},
               {"role", ctx.Form("role")},
               {"locale", ctx.Form("locale")}};
  accounts::UserInput in;
  in.email = ctx.Form("email");
  in.name = ctx.Form("name");
  in.locale = ctx.Form("locale").empty() ? "en" : ctx.Form("locale");
  in.password = random_.Password(16);
  in.must_change_password = true;
  std::string org_slug = ctx.Form("organisation");
  if (!org_slug.empty()) {
    auto org = services_.accounts->GetOrganisation(org_slug);
    if (!org.ok()) {
      return AdminUsersPage(ctx, form, FieldError("organisation", "org_unknown", org.status().message()), "",
                            422);
    }
    if (!accounts::ParseRole(ctx.Form("role"))) {
      return AdminUsersPage(ctx, form, FieldError("role", "role_unknown", "is not a known role"), "", 422);
    }
  }
  auto user = services_.accounts->CreateUser(ctx.actor(), in);
  if (!user.ok()) {
    const Status& s = user.status();
    if (s.kind() == Status::Kind::kValidation) return AdminUsersPage(ctx, form, s, "", 422);
    if (s.kind() == Status::Kind::kConflict) {
      return AdminUsersPage(ctx, form, FieldError("email", "email_taken", s.message()), "", 409);
    }
    return Error(ctx, s);
  }
  if (!org_slug.empty()) {
    Status s = services_.accounts->SetMembership(ctx.actor(), user->id, org_slug, ctx.Form("role"));
    if (!s.ok()) return Error(ctx, s);
  }
  return AdminUsersPage(ctx, json{{"role", "member"}, {"locale", ctx.lang}}, Status::Ok(), in.password, 201);
}

Response AccountsModule::AdminUser(Context& ctx) {
  auto id = IdParam(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  return AdminUserPage(ctx, *id, Status::Ok(), "", 200);
}

Response AccountsModule::AdminUserPage(Context& ctx, accounts::Id id, const Status& error,
                                       const std::string& reset_password, int status) {
  auto user = services_.accounts->GetUser(id);
  if (!user.ok()) return Error(ctx, user.status());
  auto orgs = services_.accounts->ListOrganisations(kMaxListed, 0);
  if (!orgs.ok()) return Error(ctx, orgs.status());
  json memberships = json::array();
  for (const auto& m : user->memberships) {
    memberships.push_back({{"slug", m.organisation_slug},
                           {"org", m.organisation_name},
                           {"role", RoleLabel(ctx, m.role)},
                           {"user_id", std::to_string(id)}});
  }
  json org_opts = json::array();
  for (const auto& o : *orgs) org_opts.push_back({{"slug", o.slug}, {"name", o.name}});
  json roles = json::array();
  for (auto r : {accounts::Role::kMember, accounts::Role::kEditor, accounts::Role::kModerator}) {
    roles.push_back({{"value", std::string(accounts::ToString(r))}, {"label", RoleLabel(ctx, r)}});
  }
  json model = {{"id", std::to_string(id)},
                {"name", user->name},
                {"email", user->email},
                {"is_admin", user->is_admin},
                {"memberships", memberships},
                {"organisations", org_opts},
                {"roles", roles},
                {"reset_password", reset_password}};
  if (!error.ok()) {
    model["has_errors"] = true;
    model["error_list"] = ErrorList(ctx, error);
  }
  return Page(ctx, "accounts/admin_user", user->name, model, status);
}

Response AccountsModule::AdminSetMembership(Context& ctx) {
  auto id = IdParam(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  Status s = services_.accounts->SetMembership(ctx.actor(), *id, ctx.Form("organisation"), ctx.Form("role"));
  if (s.kind() == Status::Kind::kValidation) return AdminUserPage(ctx, *id, s, "", 422);
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/admin/users/" + std::to_string(*id) + "?msg=flash_saved");
}

Response AccountsModule::AdminRemoveMembership(Context& ctx) {
  auto id = IdParam(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  Status s = services_.accounts->RemoveMembership(ctx.actor(), *id, ctx.req.params.at("slug"));
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/admin/users/" + std::to_string(*id) + "?msg=flash_saved");
}

Response AccountsModule::AdminSetAdmin(Context& ctx) {
  auto id = IdParam(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  Status s = services_.accounts->SetAdmin(ctx.actor(), *id, ctx.Form("is_admin") == "1");
  if (s.kind() == Status::Kind::kValidation) return AdminUserPage(ctx, *id, s, "", 422);
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/admin/users/" + std::to_string(*id) + "?msg=flash_saved");
}

Response AccountsModule::AdminResetPassword(Context& ctx) {
  auto id = IdParam(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  std::string password = random_.Password(16);
  Status s = services_.accounts->ResetPassword(ctx.actor(), *id, password, true);
  if (!s.ok()) return Error(ctx, s);
  return AdminUserPage(ctx, *id, Status::Ok(), password, 200);
}

Response AccountsModule::AdminAudit(Context& ctx) {
  auto entries = services_.accounts->AuditTrail(ctx.actor(), 200);
  if (!entries.ok()) return Error(ctx, entries.status());
  json rows = json::array();
  for (const auto& e : *entries) {
    std::string details;
    for (const auto& [k, v] : e.details) {
      if (!details.empty()) details += "; ";
      details.append(k).append("=").append(v);
    }
    rows.push_back({{"at", FormatIso8601(e.at)},
                    {"actor", e.actor_label},
                    {"action", e.action},
                    {"entity", e.entity_type + ":" + e.entity_id},
                    {"details", details}});
  }
  return Page(ctx, "accounts/admin_audit", T(ctx, "admin_audit"), json{{"entries", rows}});
}

}  // namespace waymark::web
