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
#include "domain/campaigns/campaign_service.h"
#include "domain/exchange/exchange_service.h"
#include "domain/search/search.h"
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
  // Where people reach the site, without a trailing slash: absolute links in
  // feeds and exports come from here, never from the request's Host header
  // (those responses are cached publicly).
  std::string base_url = "http://127.0.0.1:8080";
  // Addresses of reverse proxies whose X-Forwarded-For is believed (see
  // ClientAddress); requests from any other peer are their own client.
  std::vector<std::string> trusted_proxies;
  // Changes whenever the stylesheet changes, for cache busting.
  std::string asset_version = "1";
  // Receives the detail of internal errors (the client sees only the request id).
  std::function<void(const std::string& request_id, const std::string& message)> log_error;
};

struct Services {
  accounts::AccountService* accounts;
  accounts::AuthService* auth;
  campaigns::CampaignService* campaigns;
  exchange::ExchangeService* exchange;
  search::Indexer* indexer;  // brought up to date after each write, before answering
};

// Everything a handler knows about the request beyond the request itself.
struct Context {
  http::Request& req;
  std::string client_addr;  // the client's address, trusted proxies seen through
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

// The OpenAPI 3.0 description of the /api/v1 routes (openapi.cc).
nlohmann::json OpenApiSpec();

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
  // Every (method, pattern) the app answers, for tests and documentation.
  std::vector<std::pair<std::string, std::string>> Routes() const { return router_.Routes(); }

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

  // Campaigns: pages_campaigns.cc, api_campaigns.cc, feeds.cc. Declarations
  // for those files go in this block.
  void RegisterCampaignRoutes();
  // pages_campaigns.cc
  http::Response CampaignsList(Context& ctx);
  http::Response CampaignNew(Context& ctx);
  http::Response CampaignCreate(Context& ctx);
  http::Response CampaignPage(Context& ctx);
  http::Response CampaignEdit(Context& ctx);
  http::Response CampaignUpdate(Context& ctx);
  http::Response CampaignAction(Context& ctx);  // submit, publish, return, archive, adapt
  http::Response CampaignMediaUpload(Context& ctx);
  http::Response CampaignMediaRemove(Context& ctx);
  http::Response MediaFile(Context& ctx);
  http::Response CampaignHistory(Context& ctx);
  http::Response CampaignRevisionPage(Context& ctx);
  http::Response CampaignLineagePage(Context& ctx);
  http::Response CampaignLineageSvg(Context& ctx);
  http::Response ModerationCampaigns(Context& ctx);
  http::Response AdminThemes(Context& ctx);
  http::Response AdminThemeSave(Context& ctx);
  http::Response CampaignForm(Context& ctx, const campaigns::Campaign* existing, const nlohmann::json& values,
                              const Status& error, int status);
  http::Response CampaignMediaPage(Context& ctx, int status, const std::string& message);
  Result<campaigns::Campaign> FindCampaign(Context& ctx, const std::string& id_or_slug);
  nlohmann::json CampaignCard(const Context& ctx, const campaigns::Campaign& c,
                              const std::vector<campaigns::Theme>& themes) const;
  std::string ChannelLabel(const Context& ctx, const std::string& code) const;
  // api_campaigns.cc
  http::Response ApiListCampaigns(Context& ctx);
  http::Response ApiGetCampaign(Context& ctx);
  http::Response ApiCreateCampaign(Context& ctx);
  http::Response ApiPatchCampaign(Context& ctx);
  http::Response ApiCampaignAction(Context& ctx);  // submit, publish, return, archive, adapt
  http::Response ApiCampaignLineage(Context& ctx);
  http::Response ApiCampaignRevisions(Context& ctx);
  http::Response ApiCampaignMedia(Context& ctx);
  http::Response ApiThemes(Context& ctx);
  nlohmann::json CampaignJson(const campaigns::Campaign& c) const;
  // The search query from ?q=&country=... (repeatable or comma lists);
  // Validation naming a bad parameter.
  Result<search::Query> CampaignQueryFromRequest(const Context& ctx, int default_per_page) const;
  // feeds.cc
  http::Response CampaignsAtom(Context& ctx);
  http::Response CampaignsCsv(Context& ctx);
  http::Response OpenApiDocument(Context& ctx);

  // Idea exchange: pages_exchange.cc, api_exchange.cc. Declarations for
  // those files go in this block.
  void RegisterExchangeRoutes();
  // Discussion search (pages_search.cc).
  http::Response DiscussionSearch(Context& ctx);
  http::Response ApiSearchPosts(Context& ctx);
  Result<exchange::PostSearch> RunPostSearch(Context& ctx, const std::string& lang_param, int page,
                                             int per_page);
  // Adds the signed-in reader's unread notification count to the layout
  // model (one cheap query); called from Page().
  void AddExchangeLayout(const Context& ctx, nlohmann::json& layout);
  bool IsModerator(const Context& ctx) const;
  // ErrorList with the exchange's field labels (ex_field_<field>).
  nlohmann::json ExErrorList(const Context& ctx, const Status& status) const;
  // Pages (pages_exchange.cc).
  http::Response Ideas(Context& ctx);
  http::Response IdeaNew(Context& ctx);
  http::Response IdeaCreate(Context& ctx);
  http::Response IdeaForm(Context& ctx, const nlohmann::json& values, const Status& error, int status);
  http::Response ThreadPage(Context& ctx);
  http::Response ThreadReply(Context& ctx);
  http::Response CampaignDiscussion(Context& ctx);
  http::Response CampaignDiscussionReply(Context& ctx);
  // The thread (or a campaign's discussion, `view` empty when it has no
  // posts yet) with its reply form; `reply` holds the form's values.
  http::Response RenderThread(Context& ctx, const std::optional<exchange::ThreadView>& view,
                              std::optional<accounts::Id> campaign_id, const nlohmann::json& reply,
                              const Status& error, int status);
  http::Response PostUseful(Context& ctx);
  http::Response ReportTarget(Context& ctx);
  http::Response FollowTarget(Context& ctx);
  http::Response Groups(Context& ctx);
  http::Response GroupNew(Context& ctx);
  http::Response GroupCreate(Context& ctx);
  http::Response GroupForm(Context& ctx, const nlohmann::json& values, const Status& error, int status);
  http::Response GroupPage(Context& ctx);
  http::Response RenderGroup(Context& ctx, accounts::Id id, const nlohmann::json& thread_form,
                             const Status& error, int status);
  http::Response GroupThreadCreate(Context& ctx);
  http::Response GroupRequest(Context& ctx);
  http::Response GroupInvite(Context& ctx);
  http::Response GroupAccept(Context& ctx);
  http::Response GroupLeave(Context& ctx);
  http::Response GroupLinkCampaign(Context& ctx);
  http::Response GroupMembership(Context& ctx, const std::string& action);
  http::Response NotificationsPage(Context& ctx);
  http::Response NotificationsRead(Context& ctx);
  http::Response NotificationsDigest(Context& ctx);
  http::Response ModerationPage(Context& ctx);
  http::Response ModerationResolve(Context& ctx);
  // JSON API (api_exchange.cc).
  nlohmann::json ThreadJson(const exchange::Thread& t) const;
  nlohmann::json PostJson(const exchange::Post& p, bool useful_mine) const;
  nlohmann::json GroupJson(const exchange::Group& g) const;
  nlohmann::json ThreadViewJson(const exchange::ThreadView& v) const;
  http::Response ApiListThreads(Context& ctx);
  http::Response ApiCreateThread(Context& ctx);
  http::Response ApiGetThread(Context& ctx);
  http::Response ApiReplyThread(Context& ctx);
  http::Response ApiCampaignPosts(Context& ctx);
  http::Response ApiCampaignReply(Context& ctx);
  http::Response ApiMarkUseful(Context& ctx);
  http::Response ApiUnmarkUseful(Context& ctx);
  http::Response ApiListGroups(Context& ctx);
  http::Response ApiCreateGroup(Context& ctx);
  http::Response ApiGetGroup(Context& ctx);
  http::Response ApiGroupRequest(Context& ctx);
  http::Response ApiGroupInvite(Context& ctx);
  http::Response ApiGroupAccept(Context& ctx);
  http::Response ApiGroupLeave(Context& ctx);
  http::Response ApiGroupLink(Context& ctx);
  http::Response ApiGroupAction(Context& ctx, const std::string& action);
  http::Response ApiFollow(Context& ctx);
  http::Response ApiUnfollow(Context& ctx);
  http::Response ApiNotifications(Context& ctx);
  http::Response ApiNotificationsRead(Context& ctx);
  http::Response ApiReport(Context& ctx);

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

// ?page= (from 1) and ?per_page= (1-100, default 20) of an API list;
// Validation naming the parameter when either is not such a number.
Status ApiPaging(const http::Request& req, int& page, int& per_page);

// A path safe to redirect to after a form: local, absolute, no scheme tricks
// ("//host", "/\host"), no control characters ("/" instead of any of these);
// bytes outside the URL-safe ASCII set (non-ASCII, spaces, quotes) come back
// percent-encoded, so the result is always a plain ASCII header value.
std::string SafeNext(std::string_view next);

// Parses a JSON request body. InvalidArgument naming line and column for
// malformed JSON; UnsupportedMediaType unless Content-Type is JSON.
Result<nlohmann::json> ParseJsonBody(const http::Request& req);

}  // namespace waymark::web
