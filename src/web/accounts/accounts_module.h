// The accounts module of the web layer: home, sign-in and sign-out, the
// language switch, the account page (password, API tokens), organisations,
// administration (people, memberships, audit log) and their JSON API.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/accounts/account_service.h"
#include "domain/accounts/auth_service.h"
#include "web/module.h"

namespace waymark::web {

class AccountsModule final : public Module {
 public:
  struct Services {
    accounts::AccountService* accounts = nullptr;
    accounts::AuthService* auth = nullptr;
  };
  AccountsModule(Site& site, Services services) : Module(site), services_(services) {}

  void AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const override;
  void AddOpenApi(OpenApiPart& part) const override;

 private:
  void RegisterRoutes() override;

  // Pages (pages_account.cc).
  http::Response Home(Context& ctx);
  http::Response SigninForm(Context& ctx);
  http::Response Signin(Context& ctx);
  http::Response Signout(Context& ctx);
  http::Response SetLanguage(Context& ctx);
  http::Response Account(Context& ctx);
  http::Response PasswordForm(Context& ctx);
  http::Response ChangePassword(Context& ctx);
  http::Response CreateToken(Context& ctx);
  http::Response RevokeToken(Context& ctx);
  http::Response AccountPage(Context& ctx, const std::string& new_token);
  // Organisations (pages_orgs.cc).
  http::Response Organisations(Context& ctx);
  http::Response OrganisationPage(Context& ctx);
  http::Response OrganisationNew(Context& ctx);
  http::Response OrganisationCreate(Context& ctx);
  http::Response OrganisationEdit(Context& ctx);
  http::Response OrganisationUpdate(Context& ctx);
  http::Response OrganisationForm(Context& ctx, bool creating, const nlohmann::json& values,
                                  const Status& error, int status);
  // Administration (pages_admin.cc).
  http::Response Admin(Context& ctx);
  http::Response AdminUsers(Context& ctx);
  http::Response AdminUsersPage(Context& ctx, const nlohmann::json& form, const Status& error,
                                const std::string& created_password, int status);
  http::Response AdminUserCreate(Context& ctx);
  http::Response AdminUser(Context& ctx);
  http::Response AdminUserPage(Context& ctx, accounts::Id id, const Status& error,
                               const std::string& reset_password, int status);
  http::Response AdminSetMembership(Context& ctx);
  http::Response AdminRemoveMembership(Context& ctx);
  http::Response AdminSetAdmin(Context& ctx);
  http::Response AdminResetPassword(Context& ctx);
  http::Response AdminAudit(Context& ctx);
  // JSON API (api_accounts.cc).
  http::Response ApiMe(Context& ctx);
  http::Response ApiListOrganisations(Context& ctx);
  http::Response ApiCreateOrganisation(Context& ctx);
  http::Response ApiGetOrganisation(Context& ctx);
  http::Response ApiPatchOrganisation(Context& ctx);

  nlohmann::json OrganisationJson(const accounts::Organisation& org) const;
  std::string KindLabel(const Context& ctx, accounts::OrgKind kind) const;
  std::string RoleLabel(const Context& ctx, accounts::Role role) const;

  Services services_;
};

}  // namespace waymark::web
