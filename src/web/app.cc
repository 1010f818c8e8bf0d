#include "web/app.h"

#include <cctype>
#include <kainjow/mustache.hpp>
#include <mutex>
#include <stdexcept>

#include "core/strings.h"
#include "crypto/crypto.h"
#include "http/json_body.h"
#include "http/multipart.h"
#include "i18n/countries.h"
#include "web/request_headers.h"

namespace waymark::web::embedded_templates {
const std::map<std::string_view, std::string_view>& Files();
}
namespace waymark::web::embedded_static {
const std::map<std::string_view, std::string_view>& Files();
}

namespace waymark::web {

using http::Request;
using http::Response;
using nlohmann::json;
namespace mustache = kainjow::mustache;

namespace {

constexpr char kSessionCookie[] = "wm_session";
constexpr char kCsrfCookie[] = "wm_csrf";
constexpr char kLangCookie[] = "wm_lang";

const std::map<std::string, std::string>& LanguageNames() {
  static const std::map<std::string, std::string> names = {
      {"en", "English"}, {"fr", "Français"}, {"es", "Español"}};
  return names;
}

mustache::data ToMustache(const json& j) {
  switch (j.type()) {
    case json::value_t::object: {
      mustache::data d{mustache::data::type::object};
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), ToMustache(*it));
      return d;
    }
    case json::value_t::array: {
      mustache::data d{mustache::data::type::list};
      for (const auto& item : j) d.push_back(ToMustache(item));
      return d;
    }
    case json::value_t::string: return mustache::data{j.get<std::string>()};
    case json::value_t::boolean:
      return mustache::data{j.get<bool>() ? mustache::data::type::bool_true
                                          : mustache::data::type::bool_false};
    case json::value_t::null: return mustache::data{mustache::data::type::bool_false};
    default: return mustache::data{j.dump()};
  }
}

int HttpStatusFor(Status::Kind kind) {
  switch (kind) {
    case Status::Kind::kOk: return 200;
    case Status::Kind::kInvalidArgument: return 400;
    case Status::Kind::kValidation: return 422;
    case Status::Kind::kUnauthenticated: return 401;
    case Status::Kind::kPermissionDenied: return 403;
    case Status::Kind::kNotFound: return 404;
    case Status::Kind::kConflict: return 409;
    case Status::Kind::kTooManyRequests: return 429;
    case Status::Kind::kUnsupportedMediaType: return 415;
    case Status::Kind::kPayloadTooLarge: return 413;
    case Status::Kind::kUnavailable: return 503;
    case Status::Kind::kInternal: return 500;
  }
  return 500;
}

std::string ErrorCodeFor(int http_status) {
  switch (http_status) {
    case 400: return "bad_request";
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 408: return "request_timeout";
    case 409: return "conflict";
    case 413: return "payload_too_large";
    case 415: return "unsupported_media_type";
    case 417: return "expectation_failed";
    case 422: return "validation_failed";
    case 429: return "too_many_requests";
    case 431: return "headers_too_large";
    case 501: return "not_implemented";
    case 503: return "unavailable";
    default: return "internal";
  }
}

std::string MessageKeyFor(int http_status) {
  switch (http_status) {
    case 400: return "error_bad_request";
    case 401: return "error_forbidden";
    case 403: return "error_forbidden";
    case 404: return "error_not_found";
    case 405: return "error_method";
    case 408: return "error_timeout";
    case 409: return "error_conflict";
    case 413: return "error_too_large";
    case 415: return "error_bad_request";
    case 417: return "error_bad_request";
    case 422: return "error_bad_request";
    case 429: return "error_too_many";
    case 431: return "error_too_large";
    case 501: return "error_bad_request";
    case 503: return "error_unavailable";
    default: return "error_internal";
  }
}

json ErrorBody(const std::string& code, const std::string& message,
               const std::map<std::string, std::string>& fields) {
  json err = {{"code", code}, {"message", message}};
  if (!fields.empty()) err["fields"] = fields;
  return json{{"error", err}};
}

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace

// Compiled templates, one set per language, with the interface messages
// ({{t.key}}) baked in when the set is compiled. A rendering template is
// not safe to share between threads, so sets are lent out one per request
// and returned; the pool grows to the number of concurrent renders.
struct WebApp::Templates {
  using Set = std::map<std::string, mustache::mustache>;

  std::map<std::string, std::string> source;  // name -> template text
  std::mutex mu;
  std::map<std::string, std::vector<std::unique_ptr<Set>>> idle;  // GUARDED_BY(mu), by language

  std::unique_ptr<Set> Compile(const i18n::Catalog& catalog, const std::string& lang) const {
    auto set = std::make_unique<Set>();
    for (const auto& [name, text] : source) {
      std::string baked;
      baked.reserve(text.size());
      std::size_t pos = 0;
      while (true) {
        std::size_t open = text.find("{{t.", pos);
        if (open == std::string::npos) break;
        std::size_t close = text.find("}}", open);
        // Invariant: templates are ours and well formed (checked by tests).
        assert(close != std::string::npos);
        baked.append(text, pos, open - pos);
        baked += HtmlEscape(catalog.Get(lang, text.substr(open + 4, close - open - 4)));
        pos = close + 2;
      }
      baked.append(text, pos, std::string::npos);
      set->emplace(name, mustache::mustache{baked});
    }
    return set;
  }

  std::unique_ptr<Set> Acquire(const i18n::Catalog& catalog, const std::string& lang) {
    {
      std::lock_guard lock(mu);
      auto& free = idle[lang];
      if (!free.empty()) {
        auto set = std::move(free.back());
        free.pop_back();
        return set;
      }
    }
    return Compile(catalog, lang);
  }

  void Release(const std::string& lang, std::unique_ptr<Set> set) {
    std::lock_guard lock(mu);
    idle[lang].push_back(std::move(set));
  }
};

std::string SafeNext(std::string_view next) {
  if (next.empty() || next.front() != '/' || next.size() > 1000) return "/";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/";
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(next.size());
  for (std::size_t i = 0; i < next.size(); ++i) {
    auto u = static_cast<unsigned char>(next[i]);
    if (u < 0x20 || u == 0x7f || u == '\\') return "/";  // never a control character in a Location
    bool keep = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                std::string_view("-._~!$&'()*+,;=:@/?#").find(next[i]) != std::string_view::npos;
    // An existing escape stays as it is; a lone '%' is escaped itself.
    if (u == '%' && i + 2 < next.size() && hex(next[i + 1]) && hex(next[i + 2])) keep = true;
    if (keep) {
      out.push_back(next[i]);
    } else {
      // Non-ASCII bytes, spaces, quotes, <>, ...: percent-encoded, so the
      // header carries ASCII only.
      out.push_back('%');
      out.push_back(kDigits[u >> 4]);
      out.push_back(kDigits[u & 0xf]);
    }
  }
  return out;
}

accounts::Actor Context::actor() const {
  if (user) return accounts::Actor::ForUser(*user, req.request_id);
  return accounts::Actor::Anonymous(req.request_id);
}

std::string Context::Form(std::string_view name) const {
  for (const auto& [k, v] : form) {
    if (k == name) return v;
  }
  return "";
}

bool Context::HasForm(std::string_view name) const {
  for (const auto& [k, v] : form) {
    if (k == name) return true;
  }
  return false;
}

WebApp::WebApp(Services services, const i18n::Catalog& catalog, const i18n::Countries& countries,
               Random& random, http::Metrics& metrics, std::function<Status()> health_check,
               WebOptions options)
    : services_(services),
      catalog_(catalog),
      countries_(countries),
      random_(random),
      metrics_(metrics),
      health_check_(std::move(health_check)),
      options_(std::move(options)),
      templates_(std::make_unique<Templates>()) {
  for (const auto& [name, text] : embedded_templates::Files()) {
    std::string key(name.substr(0, name.find('.')));
    templates_->source[key] = std::string(text);
  }
  // One compiled set per language up front: a template error shows at start.
  for (const auto& lang : catalog_.languages()) {
    auto set = templates_->Compile(catalog_, lang);
    for (auto& [name, m] : *set) {
      if (!m.is_valid()) throw std::runtime_error("template " + name + ": " + m.error_message());
    }
    templates_->Release(lang, std::move(set));
  }
  RegisterRoutes();
}

WebApp::~WebApp() = default;

void WebApp::Route(const char* method, const char* pattern, Access access, Fn fn) {
  router_.Add(method, pattern, [this, access, fn](Request& req) { return Run(req, access, fn); });
}

void WebApp::RegisterRoutes() {
  Route("GET", "/", Access::kPublic, &WebApp::Home);
  Route("GET", "/signin", Access::kPublic, &WebApp::SigninForm);
  Route("POST", "/signin", Access::kPublic, &WebApp::Signin);
  Route("POST", "/signout", Access::kPublic, &WebApp::Signout);
  Route("POST", "/language", Access::kPublic, &WebApp::SetLanguage);
  Route("GET", "/account", Access::kSignedIn, &WebApp::Account);
  Route("GET", "/account/password", Access::kSignedIn, &WebApp::PasswordForm);
  Route("POST", "/account/password", Access::kSignedIn, &WebApp::ChangePassword);
  Route("POST", "/account/tokens", Access::kSignedIn, &WebApp::CreateToken);
  Route("POST", "/account/tokens/{id}/revoke", Access::kSignedIn, &WebApp::RevokeToken);

  Route("GET", "/organisations", Access::kPublic, &WebApp::Organisations);
  Route("GET", "/organisations/{slug}", Access::kPublic, &WebApp::OrganisationPage);
  Route("GET", "/organisations/{slug}/edit", Access::kSignedIn, &WebApp::OrganisationEdit);
  Route("POST", "/organisations/{slug}/edit", Access::kSignedIn, &WebApp::OrganisationUpdate);

  Route("GET", "/admin", Access::kAdmin, &WebApp::Admin);
  Route("GET", "/admin/organisations", Access::kAdmin, &WebApp::Organisations);
  Route("GET", "/admin/organisations/new", Access::kAdmin, &WebApp::OrganisationNew);
  Route("POST", "/admin/organisations", Access::kAdmin, &WebApp::OrganisationCreate);
  Route("GET", "/admin/users", Access::kAdmin, &WebApp::AdminUsers);
  Route("POST", "/admin/users", Access::kAdmin, &WebApp::AdminUserCreate);
  Route("GET", "/admin/users/{id}", Access::kAdmin, &WebApp::AdminUser);
  Route("POST", "/admin/users/{id}/memberships", Access::kAdmin, &WebApp::AdminSetMembership);
  Route("POST", "/admin/users/{id}/memberships/{slug}/remove", Access::kAdmin,
        &WebApp::AdminRemoveMembership);
  Route("POST", "/admin/users/{id}/admin", Access::kAdmin, &WebApp::AdminSetAdmin);
  Route("POST", "/admin/users/{id}/password", Access::kAdmin, &WebApp::AdminResetPassword);
  Route("GET", "/admin/audit", Access::kAdmin, &WebApp::AdminAudit);

  Route("GET", "/healthz", Access::kPublic, &WebApp::Health);
  Route("GET", "/metrics", Access::kPublic, &WebApp::MetricsText);
  Route("GET", "/static/waymark.css", Access::kPublic, &WebApp::Stylesheet);

  Route("GET", "/api/v1/me", Access::kSignedIn, &WebApp::ApiMe);
  Route("GET", "/api/v1/organisations", Access::kPublic, &WebApp::ApiListOrganisations);
  Route("POST", "/api/v1/organisations", Access::kAdmin, &WebApp::ApiCreateOrganisation);
  Route("GET", "/api/v1/organisations/{slug}", Access::kPublic, &WebApp::ApiGetOrganisation);
  Route("PATCH", "/api/v1/organisations/{slug}", Access::kSignedIn, &WebApp::ApiPatchOrganisation);

  RegisterCampaignRoutes();  // pages_campaigns.cc
  RegisterExchangeRoutes();  // pages_exchange.cc
}

Response WebApp::Handle(Request& req) {
  auto match = router_.Find(req.method, req.path);
  if (match.kind == http::Router::Match::Kind::kFound) {
    req.params = std::move(match.params);
    req.route = match.pattern;
    return (*match.handler)(req);
  }
  req.route = "unmatched";
  Context ctx{req};
  auto made = MakeContext(req, ctx);
  if (!made.ok()) return Error(ctx, made.status());
  if (match.kind == http::Router::Match::Kind::kMethodNotAllowed) {
    std::string allow;
    for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
    Response r =
        req.IsApi()
            ? Json(ctx, 405,
                   ErrorBody("method_not_allowed", req.method + " is not allowed here; use " + allow, {}))
            : ErrorPage(ctx, 405, T(ctx, "error_method"));
    r.Set("Allow", allow);
    return r;
  }
  if (req.IsApi()) return Json(ctx, 404, ErrorBody("not_found", "no such endpoint: " + req.path, {}));
  return ErrorPage(ctx, 404, T(ctx, "error_not_found"));
}

Result<Context*> WebApp::MakeContext(Request& req, Context& ctx) {
  ctx.client_addr = ClientAddress(req.remote_addr, req.Header("x-forwarded-for"), options_.trusted_proxies);
  // Who is asking.
  std::string_view authz = req.Header("authorization");
  if (!authz.empty()) {
    // The scheme is case-insensitive (RFC 9110 section 11.1, RFC 6750).
    constexpr std::string_view kScheme = "bearer ";
    if (authz.size() <= kScheme.size() || ToLowerAscii(authz.substr(0, kScheme.size())) != kScheme) {
      return Status::Unauthenticated("Authorization must be 'Bearer <token>'");
    }
    auto a = services_.auth->AuthenticateToken(std::string(TrimAscii(authz.substr(kScheme.size()))));
    if (!a.ok()) return a.status();
    ctx.user = std::move(a->user);
    ctx.via_token = true;
  } else if (std::string cookie = req.Cookie(kSessionCookie); !cookie.empty()) {
    auto a = services_.auth->AuthenticateSession(cookie);
    if (a.ok()) {
      ctx.user = std::move(a->user);
      ctx.session_token = cookie;
      ctx.csrf = a->session.csrf_token;
    } else if (a.status().kind() == Status::Kind::kUnauthenticated) {
      ctx.set_cookies.push_back(SessionCookie("", 0));  // expired: forget it
    } else {
      return a.status();
    }
  }
  // Which language.
  std::string query_lang = req.QueryParam("lang").value_or("");
  ctx.lang = i18n::NegotiateLanguage(catalog_, ctx.user ? ctx.user->locale : "", query_lang,
                                     req.Cookie(kLangCookie), req.Header("accept-language"));
  if (!ctx.user && catalog_.Has(query_lang) && req.Cookie(kLangCookie) != query_lang) {
    ctx.set_cookies.push_back(std::string(kLangCookie) + "=" + query_lang +
                              CookieAttributes(365LL * 24 * 3600));
  }
  // The anti-forgery token for anonymous forms: double-submit cookie.
  if (ctx.csrf.empty() && !req.IsApi()) {
    ctx.csrf = req.Cookie(kCsrfCookie);
    if (ctx.csrf.size() < 32 || ctx.csrf.size() > 64) {
      // Set only when a page carries it in a form (see Page()).
      ctx.csrf = random_.Token(32);
      ctx.csrf_cookie_pending = true;
    }
  }
  return &ctx;
}

Response WebApp::Run(Request& req, Access access, Fn fn) {
  Context ctx{req};
  auto made = MakeContext(req, ctx);
  auto finish = [&](Response r) {
    for (auto& c : ctx.set_cookies) r.Add("Set-Cookie", c);
    if (ctx.user && r.Get("Cache-Control").empty()) r.Set("Cache-Control", "private, no-store");
    return r;
  };
  if (!made.ok()) return finish(Error(ctx, made.status()));

  // Refusals that need no body come before the body is parsed: an
  // anonymous or unauthorised request costs no form parsing.
  if (access != Access::kPublic && !ctx.user) {
    if (req.IsApi()) return finish(Error(ctx, Status::Unauthenticated("sign in or send an API token")));
    return finish(Response::Redirect("/signin?next=" + PercentEncode(req.target)));
  }
  if (access == Access::kAdmin && !ctx.is_admin()) {
    return finish(Error(ctx, Status::PermissionDenied("administrators only")));
  }
  if (ctx.user && ctx.user->must_change_password && req.IsApi()) {
    // A session of an account that must change its password, or one of its
    // API tokens (an admin reset revokes them, so only tokens made before
    // the flag was set get here): nothing but the password page until then.
    return finish(Json(ctx, 403,
                       ErrorBody("password_change_required",
                                 "this account must change its password first: sign in and go to "
                                 "/account/password",
                                 {})));
  }

  bool unsafe = req.method != "GET" && req.method != "HEAD";
  if (unsafe && !req.IsApi()) {
    if (req.ContentType() == "multipart/form-data") {
      // File uploads: the text fields (the CSRF token among them) go to
      // ctx.form; the handler reads the file parts itself.
      auto parts = http::ParseMultipart(req.Header("content-type"), req.body);
      if (!parts.ok()) return finish(Error(ctx, parts.status()));
      for (auto& p : *parts) {
        if (!p.filename) ctx.form.emplace_back(p.name, std::move(p.body));
      }
    } else if (req.ContentType() != "application/x-www-form-urlencoded") {
      return finish(
          Error(ctx, Status::UnsupportedMediaType(
                         "forms must be sent as application/x-www-form-urlencoded or multipart/form-data")));
    } else {
      std::string error;
      if (!http::ParseUrlEncoded(req.body, ctx.form, error))
        return finish(Error(ctx, Status::InvalidArgument(error)));
    }
    if (ctx.csrf.empty() || !crypto::ConstantTimeEquals(ctx.Form("csrf"), ctx.csrf)) {
      return finish(ErrorPage(ctx, 403, T(ctx, "error_csrf")));
    }
  } else if (unsafe && ctx.user && !ctx.via_token) {
    // The API with a browser session: scripts on our pages must echo the token.
    if (!crypto::ConstantTimeEquals(req.Header("x-csrf-token"), ctx.csrf)) {
      return finish(Error(ctx, Status::PermissionDenied("missing or wrong X-CSRF-Token header")));
    }
  }

  if (ctx.user && ctx.user->must_change_password && !req.IsApi() && !ctx.via_token &&
      req.path != "/account/password" && req.path != "/signout" && req.path != "/language" &&
      !StartsWith(req.path, "/static/")) {
    return finish(Response::Redirect("/account/password"));
  }
  Response r = (this->*fn)(ctx);
  if (unsafe && r.status < 400 && services_.indexer) {
    // Read your writes: the search index takes in this request's changes
    // before the answer goes out. Failure leaves them for the next catch-up.
    auto caught = services_.indexer->CatchUp();
    if (!caught.ok() && options_.log_error)
      options_.log_error(req.request_id, "search catch-up: " + caught.status().message());
  }
  return finish(std::move(r));
}

const std::string& WebApp::T(const Context& ctx, const std::string& key) const {
  return catalog_.Get(ctx.lang, key);
}

std::string WebApp::CookieAttributes(long long max_age) const {
  std::string attrs = "; Path=/; HttpOnly; SameSite=Lax";
  if (max_age >= 0) attrs += "; Max-Age=" + std::to_string(max_age);
  if (options_.secure_cookies) attrs += "; Secure";
  return attrs;
}

std::string WebApp::SessionCookie(const std::string& value, long long max_age) const {
  return std::string(kSessionCookie) + "=" + value + CookieAttributes(max_age);
}

Response WebApp::Json(Context& /*ctx*/, int status, const json& body) {
  Response r = Response::Json(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
  r.Set("Cache-Control", "no-store");
  return r;
}

Response WebApp::Error(Context& ctx, const Status& status) {
  int code = HttpStatusFor(status.kind());
  std::string message = status.message();
  if (code >= 500 && options_.log_error) options_.log_error(ctx.req.request_id, status.message());
  if (code == 500) message = "internal error; see the server log for request " + ctx.req.request_id;
  Response r;
  if (ctx.req.IsApi() || ctx.req.path == "/healthz") {
    r = Json(ctx, code, ErrorBody(KindName(status.kind()), message, status.fields()));
  } else {
    std::string text = T(ctx, MessageKeyFor(code));
    if (code == 400 || code == 415 || code == 422) text += " " + message;
    r = ErrorPage(ctx, code, text);
  }
  if (code == 401 && ctx.req.IsApi()) r.Set("WWW-Authenticate", "Bearer realm=\"waymark\"");
  if (code == 429) r.Set("Retry-After", std::to_string(std::max(1, status.retry_after_seconds())));
  if (code == 503) r.Set("Retry-After", "5");
  return r;
}

Response WebApp::ErrorPage(Context& ctx, int http_status, const std::string& message) {
  json model = {{"heading", T(ctx, "error_title")}, {"message", message}};
  if (http_status == 404) model["heading"] = T(ctx, "error_not_found_title");
  return Page(ctx, "error", T(ctx, "error_title"), model, http_status);
}

Response WebApp::RenderProtocolError(int status, const Request& req, const std::string& message) {
  Request copy = req;
  Context ctx{copy};
  ctx.lang =
      i18n::NegotiateLanguage(catalog_, "", "", req.Cookie(kLangCookie), req.Header("accept-language"));
  Response r;
  if (req.IsApi()) {
    r = Json(ctx, status, ErrorBody(ErrorCodeFor(status), message, {}));
  } else {
    // What was wrong (and which limit) is worth saying; a 500 keeps its detail to the log.
    std::string text = T(ctx, MessageKeyFor(status));
    if (status < 500 || status == 501) text += " " + message;
    r = ErrorPage(ctx, status, text);
  }
  r.Set("Connection", "close");
  return r;
}

Response WebApp::Page(Context& ctx, const std::string& tmpl, const std::string& title, json model,
                      int status) {
  std::string lang = catalog_.Has(ctx.lang) ? ctx.lang : std::string(i18n::kDefaultLanguage);
  std::unique_ptr<Templates::Set> set = templates_->Acquire(catalog_, lang);
  auto render = [&](const std::string& name, const mustache::data& data) -> std::string {
    auto it = set->find(name);
    // Invariant: every template name used in code is embedded at build time.
    assert(it != set->end());
    return it->second.render(data);
  };
  model["csrf"] = ctx.csrf;
  if (ctx.csrf_cookie_pending) {
    ctx.set_cookies.push_back(std::string(kCsrfCookie) + "=" + ctx.csrf + CookieAttributes(-1));
    ctx.csrf_cookie_pending = false;
  }
  std::string content = render(tmpl, ToMustache(model));

  json layout = {{"lang", ctx.lang},
                 {"title", title},
                 {"csrf", ctx.csrf},
                 {"self", SafeNext(ctx.req.target)},
                 {"asset_version", options_.asset_version},
                 {"is_admin", ctx.is_admin()}};
  if (ctx.user) layout["user"] = json{{"name", ctx.user->name}};
  AddExchangeLayout(ctx, layout);  // unread notifications, moderator link (pages_exchange.cc)
  json langs = json::array();
  for (const auto& code : catalog_.languages()) {
    auto name = LanguageNames().count(code) ? LanguageNames().at(code) : code;
    langs.push_back({{"code", code}, {"name", name}, {"current", code == ctx.lang}});
  }
  layout["languages"] = langs;
  if (auto msg = ctx.req.QueryParam("msg"); msg && StartsWith(*msg, "flash_")) {
    const std::string& text = T(ctx, *msg);
    if (text != *msg) layout["flash"] = text;
  }
  mustache::data layout_data = ToMustache(layout);
  layout_data.set("content", content);
  Response r = Response::Html(status, render("layout", layout_data));
  templates_->Release(lang, std::move(set));
  r.Set("Content-Language", ctx.lang);
  r.Set("Vary", "Cookie, Accept-Language");
  return r;
}

std::string WebApp::KindLabel(const Context& ctx, accounts::OrgKind kind) const {
  return T(ctx, "kind_" + std::string(accounts::ToString(kind)));
}

std::string WebApp::RoleLabel(const Context& ctx, accounts::Role role) const {
  return T(ctx, "role_" + std::string(accounts::ToString(role)));
}

std::map<std::string, std::string> WebApp::FieldMessages(const Context& ctx, const Status& status) const {
  std::map<std::string, std::string> out;
  for (const auto& [field, message] : status.fields()) {
    out[field] = message;
    auto code = status.field_codes().find(field);
    if (code == status.field_codes().end()) continue;
    std::string key = "invalid_" + code->second.code;
    std::string text = T(ctx, key);
    if (text == key) continue;  // no translation: keep the English message
    for (const auto& [name, value] : code->second.args) {
      std::string placeholder = "{" + name + "}";
      auto pos = text.find(placeholder);
      if (pos != std::string::npos) text.replace(pos, placeholder.size(), value);
    }
    out[field] = text;
  }
  return out;
}

json WebApp::ErrorList(const Context& ctx, const Status& status) const {
  json list = json::array();
  for (const auto& [field, message] : FieldMessages(ctx, status)) {
    std::string label_key = "field_" + field;
    std::string label = T(ctx, label_key);
    if (label == label_key) label = T(ctx, field);
    list.push_back({{"field", field}, {"label", label}, {"message", message}});
  }
  if (list.empty() && !status.ok()) {
    list.push_back({{"field", "main"}, {"label", T(ctx, "error_title")}, {"message", status.message()}});
  }
  return list;
}

Status WebApp::FieldError(const std::string& field, const std::string& code, const std::string& message) {
  FieldErrors e;
  e.Add(field, code, message);
  return e.ToStatus();
}

Response WebApp::Health(Context& ctx) {
  Status s = health_check_();
  if (!s.ok()) {
    Response r = Json(ctx, 503, json{{"status", "unavailable"}, {"error", s.message()}});
    r.Set("Retry-After", "5");
    return r;
  }
  return Json(ctx, 200, json{{"status", "ok"}});
}

Response WebApp::MetricsText(Context& /*ctx*/) {
  Response r = Response::Text(200, metrics_.RenderPrometheus());
  r.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  r.Set("Cache-Control", "no-store");
  return r;
}

Response WebApp::Stylesheet(Context& ctx) {
  const auto& files = embedded_static::Files();
  auto it = files.find("waymark.css");
  if (it == files.end()) return ErrorPage(ctx, 404, T(ctx, "error_not_found"));
  std::string etag = "\"" + crypto::Sha256Hex(it->second).substr(0, 16) + "\"";
  if (ctx.req.Header("if-none-match") == etag) {
    Response r;
    r.status = 304;
    r.Set("ETag", etag);
    return r;
  }
  Response r;
  r.body = std::string(it->second);
  r.Set("Content-Type", "text/css; charset=utf-8");
  r.Set("Cache-Control", "public, max-age=86400");
  r.Set("ETag", etag);
  return r;
}

Result<json> ParseJsonBody(const Request& req) {
  if (req.ContentType() != "application/json") {
    return Status::UnsupportedMediaType("send the body as application/json (got '" +
                                        std::string(req.Header("content-type")) + "')");
  }
  if (TrimAscii(req.body).empty())
    return Status::InvalidArgument("the request body is empty; expected a JSON object");
  // Bounded in size, depth and value count; duplicate names and numbers out
  // of range are refused, each naming the member (http/json_body.h).
  return http::ParseJson(req.body);
}

}  // namespace waymark::web
