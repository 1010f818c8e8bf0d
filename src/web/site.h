// Site: what every module renders with. The one mapping from a failed
// Status to an HTTP answer (Error), pages in the layout with the navigation
// that the modules contribute (Page), JSON answers, interface messages in
// the reader's language, and the field errors of forms.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/random.h"
#include "core/status.h"
#include "http/message.h"
#include "i18n/catalog.h"
#include "web/context.h"

namespace waymark::i18n {
class Countries;
}

namespace waymark::web {

class Module;

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

// {"error": {"code", "message", "fields"}}, the body of every API error.
nlohmann::json ErrorBody(const std::string& code, const std::string& message,
                         const std::map<std::string, std::string>& fields);

class Site {
 public:
  // Compiles every template (web/templates/**, embedded) for every language
  // of `catalog`; throws std::runtime_error naming a template that does not
  // compile.
  Site(const i18n::Catalog& catalog, const i18n::Countries& countries, Random& random, WebOptions options);
  ~Site();
  Site(const Site&) = delete;
  Site& operator=(const Site&) = delete;

  // The modules whose navigation entries Page() shows (WebApp sets them).
  void SetModules(std::vector<const Module*> modules) { modules_ = std::move(modules); }

  // The one place a Status becomes an HTTP answer: JSON under /api/, a page
  // in the reader's language elsewhere.
  http::Response Error(Context& ctx, const Status& status);
  http::Response ErrorPage(Context& ctx, int http_status, const std::string& message);
  // `tmpl` names a template by its path under web/templates without the
  // extension ("campaigns/campaign").
  http::Response Page(Context& ctx, const std::string& tmpl, const std::string& title, nlohmann::json model,
                      int status = 200);
  http::Response Json(Context& ctx, int status, const nlohmann::json& body);
  // Answers for requests the server refused before routing (413, 431, ...).
  http::Response RenderProtocolError(int status, const http::Request& req, const std::string& message);

  const std::string& T(const Context& ctx, const std::string& key) const;
  std::string SessionCookie(const std::string& value, long long max_age) const;
  std::string CookieAttributes(long long max_age) const;
  // Each field's problem in the reader's language (English when the code
  // has no translation).
  std::map<std::string, std::string> FieldMessages(const Context& ctx, const Status& status) const;
  nlohmann::json ErrorList(const Context& ctx, const Status& status) const;
  // A one-field validation status with a translatable code.
  static Status FieldError(const std::string& field, const std::string& code, const std::string& message);

  const i18n::Catalog& catalog() const { return catalog_; }
  const i18n::Countries& countries() const { return countries_; }
  Random& random() { return random_; }
  const WebOptions& options() const { return options_; }

 private:
  // The navigation bar's HTML for this reader (see site.cc).
  std::string Navigation(const Context& ctx, const std::string& lang,
                         const std::function<std::string(const std::string&, const nlohmann::json&)>& render);

  const i18n::Catalog& catalog_;
  const i18n::Countries& countries_;
  Random& random_;
  WebOptions options_;
  std::vector<const Module*> modules_;
  std::mutex nav_mu_;
  std::unordered_map<std::string, std::string> nav_cache_;  // guarded by nav_mu_
  struct Templates;
  std::unique_ptr<Templates> templates_;
};

}  // namespace waymark::web
