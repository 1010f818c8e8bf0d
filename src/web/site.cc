#include "web/site.h"

#include <cassert>
#include <kainjow/mustache.hpp>
#include <mutex>
#include <stdexcept>

#include "core/strings.h"
#include "web/helpers.h"
#include "web/module.h"

namespace waymark::web::embedded_templates {
const std::map<std::string_view, std::string_view>& Files();
}

namespace waymark::web {

using http::Request;
using http::Response;
using nlohmann::json;
namespace mustache = kainjow::mustache;

namespace {

const std::map<std::string, std::string>& LanguageNames() {
  static const std::map<std::string, std::string> names = {
      {"en", "English"}, {"fr", "Français"}, {"es", "Español"}};
  return names;
}

// A page's model as the template engine's data, each value built in
// place: kainjow's set() and push_back() take a const reference and copy,
// which copied every subtree once for each level it was nested in (15 % of
// rendering /practices).
mustache::data ToMustache(const json& j) {
  switch (j.type()) {
    case json::value_t::object: {
      mustache::data d{mustache::data::type::object};
      for (auto it = j.begin(); it != j.end(); ++it) d[it.key()] = ToMustache(*it);
      return d;
    }
    case json::value_t::array: {
      mustache::data d{mustache::data::type::list};
      // kainjow gives no other way into a list; `d` is ours and not const.
      auto& items = const_cast<mustache::basic_list<std::string>&>(d.list_value());
      items.reserve(j.size());
      for (const auto& item : j) items.push_back(ToMustache(item));
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

json ErrorBody(const std::string& code, const std::string& message,
               const std::map<std::string, std::string>& fields) {
  json err = {{"code", code}, {"message", message}};
  if (!fields.empty()) err["fields"] = fields;
  return json{{"error", err}};
}

// Compiled templates, one set per language, with the interface messages
// ({{t.key}}) baked in when a template is compiled. A rendering template is
// not safe to share between threads, so sets are lent out one per request
// and returned; the pool grows to the number of concurrent renders. A set
// compiles a template the first time it renders it: a compiled template
// takes many times its text's size, and most sets only ever render a few
// (all of them, in every set, were 17 MB of an idle server's 85; issue 15).
struct Site::Templates {
  using Set = std::map<std::string, mustache::mustache>;

  std::map<std::string, std::string> source;  // name -> template text
  std::mutex mu;
  std::map<std::string, std::vector<std::unique_ptr<Set>>> idle;  // GUARDED_BY(mu), by language

  std::string Bake(const i18n::Catalog& catalog, const std::string& lang, const std::string& text) const {
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
    return baked;
  }

  // Compiles every template in `lang` once and keeps none: a template error
  // shows at start.
  void Check(const i18n::Catalog& catalog, const std::string& lang) const {
    for (const auto& [name, text] : source) {
      mustache::mustache m{Bake(catalog, lang, text)};
      if (!m.is_valid()) throw std::runtime_error("template " + name + ": " + m.error_message());
    }
  }

  // `name` in `set`, compiled now if this set has not rendered it before.
  mustache::mustache& Get(Set& set, const i18n::Catalog& catalog, const std::string& lang,
                          const std::string& name) const {
    auto it = set.find(name);
    if (it != set.end()) return it->second;
    auto text = source.find(name);
    // Invariant: every template name used in code is embedded at build time.
    assert(text != source.end());
    return set.emplace(name, mustache::mustache{Bake(catalog, lang, text->second)}).first->second;
  }

  std::unique_ptr<Set> Acquire(const std::string& lang) {
    {
      std::lock_guard lock(mu);
      auto& free = idle[lang];
      if (!free.empty()) {
        auto set = std::move(free.back());
        free.pop_back();
        return set;
      }
    }
    return std::make_unique<Set>();
  }

  void Release(const std::string& lang, std::unique_ptr<Set> set) {
    std::lock_guard lock(mu);
    idle[lang].push_back(std::move(set));
  }
};

Site::Site(const i18n::Catalog& catalog, const i18n::Countries& countries, Random& random, WebOptions options)
    : catalog_(catalog),
      countries_(countries),
      random_(random),
      options_(std::move(options)),
      templates_(std::make_unique<Templates>()) {
  for (const auto& [name, text] : embedded_templates::Files()) {
    std::string key(name.substr(0, name.find('.')));
    templates_->source[key] = std::string(text);
  }
  for (const auto& lang : catalog_.languages()) templates_->Check(catalog_, lang);
}

Site::~Site() = default;

const std::string& Site::T(const Context& ctx, const std::string& key) const {
  return catalog_.Get(ctx.lang, key);
}

std::string Site::CookieAttributes(long long max_age) const {
  std::string attrs = "; Path=/; HttpOnly; SameSite=Lax";
  if (max_age >= 0) attrs += "; Max-Age=" + std::to_string(max_age);
  if (options_.secure_cookies) attrs += "; Secure";
  return attrs;
}

std::string Site::SessionCookie(const std::string& value, long long max_age) const {
  return std::string(kSessionCookie) + "=" + value + CookieAttributes(max_age);
}

Response Site::Json(Context& ctx, int status, const json& body) {
  Response r = Response::Json(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
  // A signed-in answer is that person's alone; a public one may be kept
  // by a browser but asked about again (its ETag makes that cheap).
  r.Set("Cache-Control", ctx.user ? std::string(kSignedInCacheControl) : "no-cache");
  return r;
}

Response Site::Error(Context& ctx, const Status& status) {
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

Response Site::ErrorPage(Context& ctx, int http_status, const std::string& message) {
  json model = {{"heading", T(ctx, "error_title")}, {"message", message}};
  if (http_status == 404) model["heading"] = T(ctx, "error_not_found_title");
  return Page(ctx, "core/error", T(ctx, "error_title"), model, http_status);
}

Response Site::RenderProtocolError(int status, const Request& req, const std::string& message) {
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

std::string Site::Navigation(const Context& ctx, const std::string& lang,
                             const std::function<std::string(const std::string&, const json&)>& render) {
  // Each module's entries for this reader, in order. The bar differs only by
  // language, which entries show and their badges, so each variant is
  // rendered once (core/nav) and kept: rendering it costs more than the
  // rest of a small page.
  std::vector<NavItem> items;
  for (const Module* m : modules_) m->AddNavigation(ctx, items);
  std::stable_sort(items.begin(), items.end(),
                   [](const NavItem& a, const NavItem& b) { return a.order < b.order; });
  std::string key = lang;
  for (const auto& item : items) {
    key += item.shown ? '1' : '0';
    key += item.badge;
    key += '\n';
  }
  {
    std::lock_guard lock(nav_mu_);
    auto it = nav_cache_.find(key);
    if (it != nav_cache_.end()) return it->second;
  }
  json nav = json::array();
  for (const auto& item : items) {
    json entry = {{"href", item.href}, {"label", item.label}, {"shown", item.shown}};
    if (!item.badge.empty()) entry["badge"] = item.badge;
    nav.push_back(std::move(entry));
  }
  std::string html = render("core/nav", json{{"nav", std::move(nav)}});
  std::lock_guard lock(nav_mu_);
  // Badges (unread counts) make variants: bounded, forgotten all at once.
  if (nav_cache_.size() >= 512) nav_cache_.clear();
  nav_cache_.emplace(std::move(key), html);
  return html;
}

Response Site::Page(Context& ctx, const std::string& tmpl, const std::string& title, json model, int status) {
  std::string lang = catalog_.Has(ctx.lang) ? ctx.lang : std::string(i18n::kDefaultLanguage);
  std::unique_ptr<Templates::Set> set = templates_->Acquire(lang);
  auto render = [&](const std::string& name, const mustache::data& data) -> std::string {
    return templates_->Get(*set, catalog_, lang, name).render(data);
  };
  if (ctx.csrf.empty()) {
    // An anonymous visitor's first page with forms: their token, and its cookie.
    ctx.csrf = random_.Token(32);
    ctx.set_cookies.push_back(std::string(kCsrfCookie) + "=" + ctx.csrf + CookieAttributes(-1));
  }
  model["csrf"] = ctx.csrf;
  std::string content = render(tmpl, ToMustache(model));

  json layout = {{"lang", ctx.lang},
                 {"title", title},
                 {"csrf", ctx.csrf},
                 {"self", SafeNext(ctx.req.target)},
                 {"asset_version", options_.asset_version}};
  if (ctx.user) layout["user"] = json{{"name", ctx.user->name}};
  // <meta name content> tags a page adds to the head (reference managers
  // read an item's citation_* tags there).
  if (auto it = model.find("head_meta"); it != model.end() && it->is_array()) layout["head_meta"] = *it;
  layout["nav"] = Navigation(
      ctx, lang, [&](const std::string& name, const json& model) { return render(name, ToMustache(model)); });
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
  Response r = Response::Html(status, render("core/layout", layout_data));
  templates_->Release(lang, std::move(set));
  r.Set("Content-Language", ctx.lang);
  r.Set("Vary", "Cookie, Accept-Language");
  return r;
}

std::map<std::string, std::string> Site::FieldMessages(const Context& ctx, const Status& status) const {
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

json Site::ErrorList(const Context& ctx, const Status& status) const {
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

Status Site::FieldError(const std::string& field, const std::string& code, const std::string& message) {
  FieldErrors e;
  e.Add(field, code, message);
  return e.ToStatus();
}

}  // namespace waymark::web
