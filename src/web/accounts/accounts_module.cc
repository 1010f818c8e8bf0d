#include "web/accounts/accounts_module.h"

namespace waymark::web {

void AccountsModule::RegisterRoutes() {
  Route("GET", "/", Access::kPublic, &AccountsModule::Home);
  Route("GET", "/signin", Access::kPublic, &AccountsModule::SigninForm);
  Route("POST", "/signin", Access::kPublic, &AccountsModule::Signin);
  Route("POST", "/signout", Access::kPublic, &AccountsModule::Signout);
  Route("POST", "/language", Access::kPublic, &AccountsModule::SetLanguage);
  Route("GET", "/account", Access::kSignedIn, &AccountsModule::Account);
  Route("GET", "/account/password", Access::kSignedIn, &AccountsModule::PasswordForm);
  Route("POST", "/account/password", Access::kSignedIn, &AccountsModule::ChangePassword);
  Route("POST", "/account/tokens", Access::kSignedIn, &AccountsModule::CreateToken);
  Route("POST", "/account/tokens/{id}/revoke", Access::kSignedIn, &AccountsModule::RevokeToken);

  Route("GET", "/organisations", Access::kPublic, &AccountsModule::Organisations);
  Route("GET", "/organisations/{slug}", Access::kPublic, &AccountsModule::OrganisationPage);
  Route("GET", "/organisations/{slug}/edit", Access::kSignedIn, &AccountsModule::OrganisationEdit);
  Route("POST", "/organisations/{slug}/edit", Access::kSignedIn, &AccountsModule::OrganisationUpdate);

  Route("GET", "/admin", Access::kAdmin, &AccountsModule::Admin);
  Route("GET", "/admin/organisations", Access::kAdmin, &AccountsModule::Organisations);
  Route("GET", "/admin/organisations/new", Access::kAdmin, &AccountsModule::OrganisationNew);
  Route("POST", "/admin/organisations", Access::kAdmin, &AccountsModule::OrganisationCreate);
  Route("GET", "/admin/users", Access::kAdmin, &AccountsModule::AdminUsers);
  Route("POST", "/admin/users", Access::kAdmin, &AccountsModule::AdminUserCreate);
  Route("GET", "/admin/users/{id}", Access::kAdmin, &AccountsModule::AdminUser);
  Route("POST", "/admin/users/{id}/memberships", Access::kAdmin, &AccountsModule::AdminSetMembership);
  Route("POST", "/admin/users/{id}/memberships/{slug}/remove", Access::kAdmin,
        &AccountsModule::AdminRemoveMembership);
  Route("POST", "/admin/users/{id}/admin", Access::kAdmin, &AccountsModule::AdminSetAdmin);
  Route("POST", "/admin/users/{id}/password", Access::kAdmin, &AccountsModule::AdminResetPassword);
  Route("GET", "/admin/audit", Access::kAdmin, &AccountsModule::AdminAudit);

  Route("GET", "/api/v1/me", Access::kSignedIn, &AccountsModule::ApiMe);
  Route("GET", "/api/v1/organisations", Access::kPublic, &AccountsModule::ApiListOrganisations);
  Route("POST", "/api/v1/organisations", Access::kAdmin, &AccountsModule::ApiCreateOrganisation);
  Route("GET", "/api/v1/organisations/{slug}", Access::kPublic, &AccountsModule::ApiGetOrganisation);
  Route("PATCH", "/api/v1/organisations/{slug}", Access::kSignedIn, &AccountsModule::ApiPatchOrganisation);
}

void AccountsModule::AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const {
  nav.push_back({20, "/organisations", T(ctx, "nav_organisations"), true, ""});
  nav.push_back({90, "/admin", T(ctx, "nav_admin"), ctx.is_admin(), ""});
}

std::string AccountsModule::KindLabel(const Context& ctx, accounts::OrgKind kind) const {
  return T(ctx, "kind_" + std::string(accounts::ToString(kind)));
}

std::string AccountsModule::RoleLabel(const Context& ctx, accounts::Role role) const {
  return T(ctx, "role_" + std::string(accounts::ToString(role)));
}

}  // namespace waymark::web
