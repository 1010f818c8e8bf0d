// A module of the web layer (accounts, campaigns, exchange, ...): a class in
// src/web/<module>/ that holds the services it needs, registers its routes
// with their access levels, and contributes its navigation entries and its
// part of the OpenAPI document. Modules know the shared web code (Site,
// Context, helpers.h) and no other module's web code. See
// docs/architecture.md, "Adding a module".
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "http/message.h"
#include "web/context.h"
#include "web/helpers.h"
#include "web/site.h"

namespace waymark::web {

using Handler = std::function<http::Response(Context&)>;

// Where modules put their routes: WebApp runs each through Run (identity,
// language, CSRF, access) before the handler.
class RouteTable {
 public:
  virtual ~RouteTable() = default;
  virtual void Add(const char* method, const char* pattern, Access access, BodyUse body, Handler handler) = 0;
};

// One entry of the navigation bar.
struct NavItem {
  int order = 0;  // place in the bar, ascending
  std::string href;
  std::string label;  // in the reader's language
  bool shown = true;  // false leaves its line empty (see layout.mustache)
  std::string badge;  // e.g. the count of unread notifications
};

// A module's part of the OpenAPI document (see openapi.h for builders).
struct OpenApiPart {
  nlohmann::json tags = nlohmann::json::array();  // in the order they are listed
  nlohmann::json paths = nlohmann::json::object();
  nlohmann::json schemas = nlohmann::json::object();
};

class Module {
 public:
  explicit Module(Site& site)
      : site_(site),
        catalog_(site.catalog()),
        countries_(site.countries()),
        random_(site.random()),
        options_(site.options()) {}
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  void Register(RouteTable& routes) {
    routes_ = &routes;
    RegisterRoutes();
    routes_ = nullptr;
  }
  // Its entries in the navigation bar for this reader (may be none).
  virtual void AddNavigation(const Context& /*ctx*/, std::vector<NavItem>& /*nav*/) const {}
  // Its tags, paths and schemas in the OpenAPI document.
  virtual void AddOpenApi(OpenApiPart& /*part*/) const {}

 protected:
  virtual void RegisterRoutes() = 0;
  // Registers `fn`, a member of the module M, during RegisterRoutes.
  template <class M>
  void Route(const char* method, const char* pattern, Access access, http::Response (M::*fn)(Context&)) {
    M* self = static_cast<M*>(this);
    routes_->Add(method, pattern, access, BodyUse::kInMemory,
                 [self, fn](Context& ctx) { return (self->*fn)(ctx); });
  }
  // The same for a route that takes large uploads: a spooled body stays in
  // its file (see BodyUse::kStreamed); the handler reads it through
  // ctx.files (forms) or ctx.req.BodySource().
  template <class M>
  void StreamingRoute(const char* method, const char* pattern, Access access,
                      http::Response (M::*fn)(Context&)) {
    M* self = static_cast<M*>(this);
    routes_->Add(method, pattern, access, BodyUse::kStreamed,
                 [self, fn](Context& ctx) { return (self->*fn)(ctx); });
  }

  // The shared rendering (site.h), for brevity in handlers.
  http::Response Error(Context& ctx, const Status& status) const { return site_.Error(ctx, status); }
  http::Response ErrorPage(Context& ctx, int http_status, const std::string& message) const {
    return site_.ErrorPage(ctx, http_status, message);
  }
  http::Response Page(Context& ctx, const std::string& tmpl, const std::string& title, nlohmann::json model,
                      int status = 200) const {
    return site_.Page(ctx, tmpl, title, std::move(model), status);
  }
  http::Response Json(Context& ctx, int status, const nlohmann::json& body) const {
    return site_.Json(ctx, status, body);
  }
  const std::string& T(const Context& ctx, const std::string& key) const { return site_.T(ctx, key); }
  std::string SessionCookie(const std::string& value, long long max_age) const {
    return site_.SessionCookie(value, max_age);
  }
  std::string CookieAttributes(long long max_age) const { return site_.CookieAttributes(max_age); }
  std::map<std::string, std::string> FieldMessages(const Context& ctx, const Status& status) const {
    return site_.FieldMessages(ctx, status);
  }
  nlohmann::json ErrorList(const Context& ctx, const Status& status) const {
    return site_.ErrorList(ctx, status);
  }
  static Status FieldError(const std::string& field, const std::string& code, const std::string& message) {
    return Site::FieldError(field, code, message);
  }

  Site& site_;
  const i18n::Catalog& catalog_;
  const i18n::Countries& countries_;
  Random& random_;
  const WebOptions& options_;

 private:
  RouteTable* routes_ = nullptr;
};

}  // namespace waymark::web
