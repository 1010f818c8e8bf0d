#include "web/app.h"

#include <cctype>

#include "core/strings.h"
#include "crypto/crypto.h"
#include "http/multipart.h"
#include "i18n/catalog.h"
#include "web/openapi.h"
#include "web/request_headers.h"

namespace waymark::web::embedded_static {
const std::map<std::string_view, std::string_view>& Files();
}

namespace waymark::web {

using http::Request;
using http::Response;
using nlohmann::json;

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

std::vector<std::string> Context::FormAll(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : form) {
    if (k == name && !v.empty()) out.push_back(v);
  }
  return out;
}

bool Context::HasForm(std::string_view name) const {
  for (const auto& [k, v] : form) {
    if (k == name) return true;
  }
  return false;
}

WebApp::WebApp(Site& site, std::vector<std::unique_ptr<Module>> modules, http::Metrics& metrics,
               Options options)
    : site_(site), modules_(std::move(modules)), metrics_(metrics), options_(std::move(options)) {
  if (options_.content_generation && options_.clock != nullptr && options_.page_cache.max_bytes > 0) {
    cache_ = std::make_unique<PageCache>(options_.page_cache);
    if (options_.signed_in_cache_bytes > 0) {
      PageCache::Options own = options_.page_cache;
      own.max_bytes = options_.signed_in_cache_bytes;
      signed_in_cache_ = std::make_unique<PageCache>(own);
    }
    token_placeholder_ = site_.random().Token(32);
  }
  if (auto css = embedded_static::Files().find("waymark.css"); css != embedded_static::Files().end()) {
    stylesheet_etag_ = "\"" + crypto::Sha256Hex(css->second).substr(0, 16) + "\"";
  }
  auto own = [this](const char* method, const char* pattern, Response (WebApp::*fn)(Context&)) {
    Add(method, pattern, Access::kPublic, BodyUse::kInMemory,
        [this, fn](Context& ctx) { return (this->*fn)(ctx); });
  };
  own("GET", "/healthz", &WebApp::Health);
  own("GET", "/metrics", &WebApp::MetricsText);
  own("GET", "/static/waymark.css", &WebApp::Stylesheet);
  own("GET", "/api/v1/openapi.json", &WebApp::OpenApiDocument);

  std::vector<const Module*> all;
  std::vector<OpenApiPart> parts;
  for (auto& m : modules_) {
    m->Register(*this);
    all.push_back(m.get());
    m->AddOpenApi(parts.emplace_back());
  }
  site_.SetModules(std::move(all));
  openapi_ = openapi::Document(parts);
  // The answer's body, made once (as Site::Json writes JSON).
  openapi_body_ = openapi_.dump(-1, ' ', false, json::error_handler_t::replace);
}

WebApp::~WebApp() = default;

void WebApp::Add(const char* method, const char* pattern, Access access, BodyUse body, Handler handler) {
  if (std::string_view(method) == "GET") get_access_[pattern] = access;
  router_.Add(method, pattern, [this, access, body, handler = std::move(handler)](Request& req) {
    return Run(req, access, body, handler);
  });
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
  if (!made.ok()) return site_.Error(ctx, made.status());
  if (match.kind == http::Router::Match::Kind::kMethodNotAllowed) {
    std::string allow;
    for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
    Response r = req.IsApi() ? site_.Json(ctx, 405,
                                          ErrorBody("method_not_allowed",
                                                    req.method + " is not allowed here; use " + allow, {}))
                             : site_.ErrorPage(ctx, 405, site_.T(ctx, "error_method"));
    r.Set("Allow", allow);
    return r;
  }
  if (req.IsApi()) return site_.Json(ctx, 404, ErrorBody("not_found", "no such endpoint: " + req.path, {}));
  return site_.ErrorPage(ctx, 404, site_.T(ctx, "error_not_found"));
}

std::optional<Response> WebApp::HandleInline(Request& req) {
  if (!cache_ || (req.method != "GET" && req.method != "HEAD") || !MayBeKept(req)) return std::nullopt;
  auto match = router_.Find(req.method, req.path);
  if (match.kind != http::Router::Match::Kind::kFound) return std::nullopt;
  auto access = get_access_.find(match.pattern);
  if (access == get_access_.end() || access->second != Access::kPublic) return std::nullopt;
  Context ctx{req};
  // Anonymous (MayBeKept), so this reads nothing but the request.
  if (!MakeContext(req, ctx).ok() || !ctx.set_cookies.empty()) return std::nullopt;
  if (match.pattern == "/healthz") {
    // A recent good check answers at once; an old one, or any failure, is
    // checked again on a worker (the check may wait on the database).
    if (options_.clock->NowMs() - healthy_at_.load(std::memory_order_acquire) >= kHealthyForMs)
      return std::nullopt;
    req.route = match.pattern;
    return Healthy(ctx);
  }
  const std::string key = CacheKey(ctx);
  const std::uint64_t generation = options_.content_generation();
  const TimestampMs now = options_.clock->NowMs();
  auto entry = cache_->Find(key, generation, now, /*count_miss=*/false);
  // An old page while a worker renders it again; rendering is a worker's job.
  if (!entry) entry = cache_->FindStale(key, generation, now, nullptr);
  if (!entry) return std::nullopt;
  req.params = std::move(match.params);
  req.route = match.pattern;
  Response r = ForVisitor(ctx, *entry);
  for (auto& c : ctx.set_cookies) r.Add("Set-Cookie", c);
  return r;
}

bool WebApp::AsksForTheWhole(const Request& req) {
  return req.Header("range").empty() && req.Header("last-event-id").empty();
}

bool WebApp::MayBeKept(const Request& req) {
  return req.Cookie(kSessionCookie).empty() && req.Header("authorization").empty() && AsksForTheWhole(req);
}

std::string WebApp::CacheKey(const Context& ctx) {
  std::string key = ctx.lang;
  key += '\n';
  key += ctx.req.target;
  key += '\n';
  key += ctx.req.Header("accept");
  return key;
}

std::string WebApp::SignedInCacheKey(const Context& ctx) {
  const accounts::User& u = *ctx.user;
  std::string key;
  // Each field with its length first, so that no two accounts' fields run
  // together into the same key.
  auto field = [&key](std::string_view text) {
    key += std::to_string(text.size());
    key += ':';
    key += text;
  };
  field(std::to_string(u.id));
  field(ctx.via_token ? "token" : "session");
  field(u.is_admin ? "admin" : "");
  field(u.must_change_password ? "must-change" : "");
  field(u.name);
  field(u.email);
  field(u.locale);
  for (const auto& m : u.memberships) {
    field(std::to_string(m.organisation_id));
    field(accounts::ToString(m.role));
    field(m.organisation_slug);
    field(m.organisation_name);
  }
  key += '\n';
  key += CacheKey(ctx);
  return key;
}

Result<Context*> WebApp::MakeContext(Request& req, Context& ctx) {
  ctx.client_addr =
      ClientAddress(req.remote_addr, req.Header("x-forwarded-for"), site_.options().trusted_proxies);
  // Who is asking.
  std::string_view authz = req.Header("authorization");
  if (!authz.empty()) {
    // The scheme is case-insensitive (RFC 9110 section 11.1, RFC 6750).
    constexpr std::string_view kScheme = "bearer ";
    if (authz.size() <= kScheme.size() || ToLowerAscii(authz.substr(0, kScheme.size())) != kScheme) {
      return Status::Unauthenticated("Authorization must be 'Bearer <token>'");
    }
    auto a = options_.auth->AuthenticateToken(std::string(TrimAscii(authz.substr(kScheme.size()))));
    if (!a.ok()) return a.status();
    ctx.user = std::move(a->user);
    ctx.via_token = true;
  } else if (std::string cookie = req.Cookie(kSessionCookie); !cookie.empty()) {
    auto a = options_.auth->AuthenticateSession(cookie);
    if (a.ok()) {
      ctx.user = std::move(a->user);
      ctx.session_token = cookie;
      ctx.csrf = a->session.csrf_token;
    } else if (a.status().kind() == Status::Kind::kUnauthenticated) {
      ctx.set_cookies.push_back(site_.SessionCookie("", 0));  // expired: forget it
    } else {
      return a.status();
    }
  }
  // Which language.
  std::string query_lang = req.QueryParam("lang").value_or("");
  ctx.lang = i18n::NegotiateLanguage(site_.catalog(), ctx.user ? ctx.user->locale : "", query_lang,
                                     req.Cookie(kLangCookie), req.Header("accept-language"));
  if (!ctx.user && site_.catalog().Has(query_lang) && req.Cookie(kLangCookie) != query_lang) {
    ctx.set_cookies.push_back(std::string(kLangCookie) + "=" + query_lang +
                              site_.CookieAttributes(365LL * 24 * 3600));
  }
  // The anti-forgery token for anonymous forms: double-submit cookie. A
  // visitor without one gets one only when a page carries it in a form
  // (Site::Page makes it), so that a stylesheet or an API call costs none.
  if (ctx.csrf.empty() && !req.IsApi()) {
    std::string cookie = req.Cookie(kCsrfCookie);
    if (cookie.size() >= 32 && cookie.size() <= 64) ctx.csrf = std::move(cookie);
  }
  return &ctx;
}

Response WebApp::Run(Request& req, Access access, BodyUse body, const Handler& handler) {
  Context ctx{req};
  auto made = MakeContext(req, ctx);
  auto finish = [&](Response r) {
    for (auto& c : ctx.set_cookies) r.Add("Set-Cookie", c);
    if (ctx.user && r.Get("Cache-Control").empty())
      r.Set("Cache-Control", std::string(kSignedInCacheControl));
    return r;
  };
  if (!made.ok()) return finish(site_.Error(ctx, made.status()));

  // Refusals that need no body come before the body is parsed: an
  // anonymous or unauthorised request costs no form parsing.
  if (access != Access::kPublic && access != Access::kProtocol && !ctx.user) {
    if (req.IsApi()) return finish(site_.Error(ctx, Status::Unauthenticated("sign in or send an API token")));
    return finish(Response::Redirect("/signin?next=" + PercentEncode(req.target)));
  }
  if (access == Access::kAdmin && !ctx.is_admin()) {
    return finish(site_.Error(ctx, Status::PermissionDenied("administrators only")));
  }
  if (ctx.user && ctx.user->must_change_password && req.IsApi()) {
    // A session of an account that must change its password, or one of its
    // API tokens (an admin reset revokes them, so only tokens made before
    // the flag was set get here): nothing but the password page until then.
    return finish(site_.Json(ctx, 403,
                             ErrorBody("password_change_required",
                                       "this account must change its password first: sign in and go to "
                                       "/account/password",
                                       {})));
  }

  if (req.body_file && body == BodyUse::kInMemory) {
    // A large body the server spooled, for a handler that wants a string:
    // read only now, after the refusals above.
    if (Status loaded = req.LoadBody(); !loaded.ok()) return finish(site_.Error(ctx, loaded));
  }
  bool unsafe = req.method != "GET" && req.method != "HEAD";
  if (unsafe && !req.IsApi() && access != Access::kProtocol) {
    if (req.ContentType() == "multipart/form-data") {
      // File uploads: the text fields (the CSRF token among them) go to
      // ctx.form; the handler reads the file parts itself, or, on a
      // streamed route, finds them in ctx.files (still in the spooled file).
      auto parts = http::ParseMultipart(req);
      if (!parts.ok()) return finish(site_.Error(ctx, parts.status()));
      for (auto& p : *parts) {
        if (!p.filename)
          ctx.form.emplace_back(p.name, std::move(p.body));
        else if (body == BodyUse::kStreamed)
          ctx.files.push_back(std::move(p));
      }
    } else if (req.ContentType() != "application/x-www-form-urlencoded") {
      return finish(site_.Error(
          ctx, Status::UnsupportedMediaType(
                   "forms must be sent as application/x-www-form-urlencoded or multipart/form-data")));
    } else {
      std::string error;
      if (!http::ParseUrlEncoded(req.body, ctx.form, error))
        return finish(site_.Error(ctx, Status::InvalidArgument(error)));
    }
    if (ctx.csrf.empty() || !crypto::ConstantTimeEquals(ctx.Form("csrf"), ctx.csrf)) {
      return finish(site_.ErrorPage(ctx, 403, site_.T(ctx, "error_csrf")));
    }
  } else if (unsafe && ctx.user && !ctx.via_token) {
    // The API with a browser session: scripts on our pages must echo the token.
    if (!crypto::ConstantTimeEquals(req.Header("x-csrf-token"), ctx.csrf)) {
      return finish(site_.Error(ctx, Status::PermissionDenied("missing or wrong X-CSRF-Token header")));
    }
  }

  if (ctx.user && ctx.user->must_change_password && !req.IsApi() && !ctx.via_token &&
      req.path != "/account/password" && req.path != "/signout" && req.path != "/language" &&
      !StartsWith(req.path, "/static/")) {
    return finish(Response::Redirect("/account/password"));
  }
  if (cache_ && !unsafe && access == Access::kPublic && !ctx.user && ctx.set_cookies.empty() &&
      MayBeKept(req)) {
    return finish(Cached(ctx, handler, *cache_, CacheKey(ctx), Audience::kEveryone));
  }
  if (signed_in_cache_ && !unsafe && ctx.user && ctx.set_cookies.empty() && AsksForTheWhole(req)) {
    // The same person asking again for what nothing has changed since: a
    // reload, a return to a list, a fragment polled. Kept under their own
    // key only, so no one else ever gets it.
    return finish(Cached(ctx, handler, *signed_in_cache_, SignedInCacheKey(ctx), Audience::kOnePerson));
  }
  Response r = handler(ctx);
  if (unsafe && r.status < 400 && options_.indexer) {
    // Read your writes: the search index takes in this request's changes
    // before the answer goes out. Failure leaves them for the next catch-up.
    auto caught = options_.indexer->CatchUp();
    if (!caught.ok() && site_.options().log_error)
      site_.options().log_error(req.request_id, "search catch-up: " + caught.status().message());
  }
  return finish(std::move(r));
}

namespace {

// Whether an answer may be kept: for other anonymous visitors, or for the
// same signed-in person.
bool Keepable(const Response& r, const Context& ctx, WebApp::Audience audience) {
  if (r.status != 200 || !ctx.set_cookies.empty() || !r.Get("Set-Cookie").empty()) return false;
  if (StartsWith(r.Get("Content-Type"), "text/event-stream")) return false;
  std::string_view cc = r.Get("Cache-Control");
  if (audience == WebApp::Audience::kOnePerson) {
    // The header every signed-in answer gets (Site::Json, Run's finish) is
    // about browsers and proxies. Anything else a handler chose (a bare
    // no-store on a form that carries the time it was shown, a page that
    // refreshes itself) says that this answer is not to be given twice.
    return cc.empty() || cc == kSignedInCacheControl;
  }
  // "no-cache" asks a browser to ask again, which is what it does here: a
  // kept answer lasts only while nothing was written.
  if (cc.find("no-store") != std::string_view::npos || cc.find("private") != std::string_view::npos)
    return false;
  return true;
}

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

Response WebApp::Cached(Context& ctx, const Handler& handler, PageCache& cache, std::string key,
                        Audience audience) {
  // Read before rendering: a write that commits meanwhile moves it past
  // what this rendering is stored under.
  const std::uint64_t generation = options_.content_generation();
  const TimestampMs now = options_.clock->NowMs();
  if (auto entry = cache.Find(key, generation, now)) {
    return ForVisitor(ctx, *entry);
  }
  bool claimed = false;
  if (auto stale = cache.FindStale(key, generation, now, &claimed)) {
    return ForVisitor(ctx, *stale);
  }
  // This request renders the page again for the others (see FindStale):
  // the claim goes however the rendering ends.
  struct Claim {
    PageCache* cache;
    const std::string* key;
    bool held;
    ~Claim() {
      if (held) cache->Unclaim(*key);
    }
  } claim{&cache, &key, claimed};
  std::string visitor_token = std::move(ctx.csrf);
  ctx.csrf = token_placeholder_;
  Response r = handler(ctx);
  ctx.csrf = std::move(visitor_token);
  const bool has_token = r.body.find(token_placeholder_) != std::string::npos;
  if (Keepable(r, ctx, audience)) {
    auto entry = std::make_shared<PageCache::Entry>();
    entry->generation = generation;
    entry->stored_at = now;
    entry->has_token = has_token;
    if (r.body.size() >= kGzipMinBytes && r.Get("Content-Encoding").empty() &&
        http::IsCompressible(r.Get("Content-Type"))) {
      // Compressed once here, then filled per visitor (http/gzip.h). A
      // shared page is compressed well (kSharedGzipLevel), as it goes out
      // many times; one person's page may never be asked for again, so it
      // is compressed only when this request takes gzip, and fast: zlib's
      // level 6 took 14 ms on the 100 KB atlas page, level 1 under 2 ms for
      // 20 % more bytes (level 1 is nginx's default too).
      const bool shared = audience == Audience::kEveryone;
      if (shared || http::AcceptsGzip(ctx.req.Header("accept-encoding"))) {
        entry->gzip = std::make_shared<const http::GzipBody>(http::GzipBody::Make(
            r.body, has_token ? std::string_view(token_placeholder_) : std::string_view(),
            shared ? kSharedGzipLevel : kOwnGzipLevel));
      }
      std::string vary(r.Get("Vary"));
      r.Set("Vary", vary.empty() ? "Accept-Encoding" : vary + ", Accept-Encoding");
    }
    entry->response = std::move(r);
    std::shared_ptr<const PageCache::Entry> kept = entry;
    cache.Store(key, kept);
    return ForVisitor(ctx, *kept);
  }
  return ForVisitor(ctx, std::move(r), has_token);
}

namespace {

// The ETag of the gzip copy: a representation of its own (RFC 9110
// section 8.8.3), so a cache never takes one for the other.
std::string GzipETag(std::string_view etag) {
  if (etag.size() < 2 || etag.back() != '"') return std::string(etag);
  std::string out(etag.substr(0, etag.size() - 1));
  out += "-gzip\"";
  return out;
}

Response NotModified(std::string_view etag, std::string_view cache_control) {
  Response r;
  r.status = 304;
  r.Set("ETag", std::string(etag));
  if (!cache_control.empty()) r.Set("Cache-Control", std::string(cache_control));
  return r;
}

}  // namespace

const std::string& WebApp::VisitorToken(Context& ctx) {
  if (ctx.csrf.empty()) {
    ctx.csrf = site_.random().Token(32);
    ctx.set_cookies.push_back(std::string(kCsrfCookie) + "=" + ctx.csrf + site_.CookieAttributes(-1));
  }
  return ctx.csrf;
}

Response WebApp::ForVisitor(Context& ctx, const PageCache::Entry& entry) {
  const Response& kept = entry.response;
  const bool gzip = entry.gzip && http::AcceptsGzip(ctx.req.Header("accept-encoding"));
  std::string etag(kept.Get("ETag"));
  if (gzip && !etag.empty()) etag = GzipETag(etag);
  if (!etag.empty() && ctx.req.Header("if-none-match") == etag)
    return NotModified(etag, kept.Get("Cache-Control"));
  if (!gzip) {
    // The ETag was checked above; only the token is left to fill in.
    Response r = kept;
    if (entry.has_token) ReplaceAll(r.body, token_placeholder_, VisitorToken(ctx));
    return r;
  }
  Response r;
  r.status = kept.status;
  r.headers = kept.headers;
  r.body = entry.gzip->Fill(entry.has_token ? std::string_view(VisitorToken(ctx)) : std::string_view());
  r.Set("Content-Encoding", "gzip");
  if (!etag.empty()) r.Set("ETag", etag);
  return r;
}

Response WebApp::ForVisitor(Context& ctx, Response r, bool has_token) {
  if (std::string_view etag = r.Get("ETag"); !etag.empty() && ctx.req.Header("if-none-match") == etag) {
    return NotModified(etag, r.Get("Cache-Control"));
  }
  if (has_token) ReplaceAll(r.body, token_placeholder_, VisitorToken(ctx));
  return r;
}

Response WebApp::Health(Context& ctx) {
  Status s = options_.health_check();
  if (!s.ok()) {
    Response r = site_.Json(ctx, 503, json{{"status", "unavailable"}, {"error", s.message()}});
    r.Set("Retry-After", "5");
    return r;
  }
  if (options_.clock != nullptr) healthy_at_.store(options_.clock->NowMs(), std::memory_order_release);
  return Healthy(ctx);
}

Response WebApp::Healthy(Context& ctx) {
  Response r = site_.Json(ctx, 200, json{{"status", "ok"}});
  r.Set("Cache-Control", "no-store");  // a probe asks about now
  return r;
}

Response WebApp::MetricsText(Context& /*ctx*/) {
  std::string text = metrics_.RenderPrometheus();
  auto add = [&text](std::string_view name, std::string_view who, const PageCache& cache) {
    PageCache::Stats st = cache.stats();
    auto metric = [&](std::string_view suffix, std::string_view type, std::string_view help,
                      std::uint64_t v) {
      text += "# HELP waymark_";
      text += name;
      text += suffix;
      text += ' ';
      text += help;
      text += who;
      text += ".\n# TYPE waymark_";
      text += name;
      text += suffix;
      text += ' ';
      text += type;
      text += "\nwaymark_";
      text += name;
      text += suffix;
      text += ' ';
      text += std::to_string(v);
      text += '\n';
    };
    metric("_hits_total", "counter", "GET answers served from memory, ", st.hits);
    metric("_misses_total", "counter", "GET answers rendered (not kept or stale), ", st.misses);
    metric("_bytes", "gauge", "Bytes held, ", st.bytes);
  };
  if (cache_) add("page_cache", "for anonymous readers", *cache_);
  if (signed_in_cache_) add("signed_in_page_cache", "each for its signed-in person", *signed_in_cache_);
  Response r = Response::Text(200, std::move(text));
  r.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  r.Set("Cache-Control", "no-store");
  return r;
}

Response WebApp::Stylesheet(Context& ctx) {
  const auto& files = embedded_static::Files();
  auto it = files.find("waymark.css");
  if (it == files.end()) return site_.ErrorPage(ctx, 404, site_.T(ctx, "error_not_found"));
  const std::string& etag = stylesheet_etag_;
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

Response WebApp::OpenApiDocument(Context& /*ctx*/) {
  Response r = Response::Json(200, openapi_body_);
  r.Set("Cache-Control", "public, max-age=3600");
  return r;
}

}  // namespace waymark::web
