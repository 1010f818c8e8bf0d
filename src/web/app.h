// WebApp: the HTML pages and the JSON API over the domain services.
//
// Handlers are thin: parse the request, call a service, render. Everything
// cross-cutting happens once, in Run(): who is asking (session cookie or API
// token), which language, CSRF checks on state-changing requests, access
// levels, and the mapping of a failed Status to an HTTP answer (Error()).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/countries.h"
#include "core/random.h"
#include "core/status.h"
#include "domain/accounts/account_service.h"
#include "domain/accounts/auth_service.h"
#include "http/message.h"
#include "http/metrics.h"
#include "http/router.h"
#include "i18n/catalog.h"

namespace waymark::i18n {
class Countries;
}

namespace waymark::web {

struct WebOptions {
  // Mark cookies Secure (set when served over TLS behind a proxy).
  bool secure_cookies = false;
  // Session cookie lifetime; matches AuthOptions::session_ttl_ms.
  long long session_ttl_seconds = 7LL * 24 * 3600;
  // Changes whenever the stylesheet changes, for cache busting.
  std::string asset_version = "1";
  // Receives the detail of internal errors (the client sees only the request id).
  std::function<void(const std::string& request_id, const std::string& message)> log_error;
};

struct Services {
  accounts::AccountService* accounts;
  accounts::AuthService* auth;
};

// Everything a handler knows about the request beyond the request itself.
struct Context {
  http::Request& req;
  std::string lang = "en";
  std::optional<accounts::User> user;
  std::string session_token;                              // cookie value when signed in by session
  bool via_token = false;                                 // signed in by API token
  std::string csrf;                                       // the token forms must carry
  bool csrf_cookie_pending = false;                       // a new anonymous token not yet sent
  std::vector<std::pair<std::string, std::string>> form;  // parsed urlencoded body
  std::vector<std::string> set_cookies;

  accounts::Actor actor() const;
  bool is_admin() const { return user && user->is_admin; }
  // Form field, or "" when absent.
  std::string Form(std::string_view name) const;
  bool HasForm(std::string_view name) const;
};

class WebApp {
 public:
  enum class Access { kPublic, kSignedIn, kAdmin };

  WebApp(Services services, const i18n::Catalog& catalog, const i18n::Countries& countries, Random& random,
         http::Metrics& metrics, std::function<Status()> health_check, WebOptions options);
  ~WebApp();

  // The server's request handler.
  http::Response Handle(http::Request& req);
  // Answers for requests the server refused before routing (413, 431, ...).
  http::Response RenderProtocolError(int status, const http::Request& req, const std::string& message);

 private:
  using Fn = http::Response (WebApp::*)(Context&);
  void Route(const char* method, const char* pattern, Access access, Fn fn);
  void RegisterRoutes();
  http::Response Run(http::Request& req, Access access, Fn fn);
  Result<Context*> MakeContext(http::Request& req, Context& ctx);

  // The one place a Status becomes an HTTP answer: JSON under /api/, a page
  // in the reader's language elsewhere.
  http::Response Error(Context& ctx, const Status& status);
  http::Response ErrorPage(Context& ctx, int http_status, const std::string& message);
  http::Response Page(Context& ctx, const std::string& tmpl, const std::string& title, nlohmann::json model,
                      int status = 200);
  http::Response Json(Context& ctx, int status, const nlohmann::json& body);
  const std::string& T(const Context& ctx, const std::string& key) const;
  std::string SessionCookie(const std::string& value, long long max_age) const;
  std::string CookieAttributes(long long max_age) const;

  // Pages: account.
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
  // Pages: organisations.
  http::Response Organisations(Context& ctx);
  http::Response OrganisationPage(Context& ctx);
  http::Response OrganisationNew(Context& ctx);
  http::Response OrganisationCreate(Context& ctx);
  http::Response OrganisationEdit(Context& ctx);
  http::Response OrganisationUpdate(Context& ctx);
  http::Response OrganisationForm(Context& ctx, bool creating, const nlohmann::json& values,
                                  const Status& error, int status);
  // Pages: administration.
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
  // Operations.
  http::Response Health(Context& ctx);
  http::Response MetricsText(Context& ctx);
  http::Response Stylesheet(Context& ctx);
  // JSON API.
  http::Response ApiMe(Context& ctx);
  http::Response ApiListOrganisations(Context& ctx);
  http::Response ApiCreateOrganisation(Context& ctx);
  http::Response ApiGetOrganisation(Context& ctx);
  http::Response ApiPatchOrganisation(Context& ctx);

  nlohmann::json OrganisationJson(const accounts::Organisation& org) const;
  std::string KindLabel(const Context& ctx, accounts::OrgKind kind) const;
  std::string RoleLabel(const Context& ctx, accounts::Role role) const;
  nlohmann::json ErrorList(const Context& ctx, const Status& status) const;
  // Each field's problem in the reader's language (English when the code
  // has no translation).
  std::map<std::string, std::string> FieldMessages(const Context& ctx, const Status& status) const;
  // A one-field validation status with a translatable code.
  static Status FieldError(const std::string& field, const std::string& code, const std::string& message);

  Services services_;
  const i18n::Catalog& catalog_;
  const i18n::Countries& countries_;
  Random& random_;
  http::Metrics& metrics_;
  std::function<Status()> health_check_;
  WebOptions options_;
  http::Router router_;
  struct Templates;
  std::unique_ptr<Templates> templates_;
};

// A path safe to redirect to after a form: local, absolute, no scheme tricks.
std::string SafeNext(std::string_view next);

// Parses a JSON request body. InvalidArgument naming line and column for
// malformed JSON; UnsupportedMediaType unless Content-Type is JSON.
Result<nlohmann::json> ParseJsonBody(const http::Request& req);

}  // namespace waymark::web
