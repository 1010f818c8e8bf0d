// WebApp: the server's request handler. It routes a request to the module
// that registered the route and runs it (Run): who is asking (session cookie
// or API token), which language, CSRF checks on state-changing requests,
// the route's access level; then the module's handler; then the search
// index catches up with the request's writes. It also answers what belongs
// to no module: /healthz, /metrics, the stylesheet and the OpenAPI document
// assembled from the modules' parts. See docs/architecture.md.
#pragma once

#include <atomic>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "domain/accounts/auth_service.h"
#include "domain/search/search.h"
#include "http/message.h"
#include "http/metrics.h"
#include "http/router.h"
#include "web/context.h"
#include "web/helpers.h"
#include "web/module.h"
#include "web/page_cache.h"
#include "web/site.h"

namespace waymark::web {

class WebApp final : private RouteTable {
 public:
  struct Options {
    accounts::AuthService* auth = nullptr;  // who is asking
    search::Indexer* indexer = nullptr;     // brought up to date after each write, before answering
    std::function<Status()> health_check;   // /healthz
    // Anonymous GET answers are kept (see page_cache.h) when this is set:
    // a number that moves after every committed write and index change.
    std::function<std::uint64_t()> content_generation;
    PageCache::Options page_cache;
    // Signed-in GET answers, kept per person (see Run) in a cache of their
    // own, so that they never push readers' shared pages out; max_bytes 0
    // keeps none. Its max_age_ms is page_cache's.
    std::size_t signed_in_cache_bytes = 8u << 20;
    const Clock* clock = nullptr;  // the cache's ages; required with content_generation
  };
  // Whose answers a page cache holds: anonymous readers', or one signed-in
  // person's.
  enum class Audience { kEveryone, kOnePerson };

  // Registers the routes of `modules` (in this order: it is also the order
  // of their navigation entries of equal rank and of the OpenAPI tags).
  WebApp(Site& site, std::vector<std::unique_ptr<Module>> modules, http::Metrics& metrics, Options options);
  ~WebApp() override;

  // The server's request handler.
  http::Response Handle(http::Request& req);
  // The server's inline handler (http::ServerHooks::handle_inline): the
  // answer to an anonymous public GET that the page cache holds, made on the
  // event-loop thread without touching the database; nullopt otherwise
  // (Handle then runs on a worker).
  std::optional<http::Response> HandleInline(http::Request& req);
  // Answers for requests the server refused before routing (413, 431, ...).
  http::Response RenderProtocolError(int status, const http::Request& req, const std::string& message) {
    return site_.RenderProtocolError(status, req, message);
  }
  // Every (method, pattern) the app answers, for tests and documentation.
  std::vector<std::pair<std::string, std::string>> Routes() const { return router_.Routes(); }
  // The OpenAPI 3.0 description of the /api/v1 routes.
  const nlohmann::json& OpenApiSpec() const { return openapi_; }

 private:
  void Add(const char* method, const char* pattern, Access access, BodyUse body, Handler handler) override;
  http::Response Run(http::Request& req, Access access, BodyUse body, const Handler& handler);
  Result<Context*> MakeContext(http::Request& req, Context& ctx);
  // Whether nothing in the request itself (a session, a token, a range, a
  // resumed stream) keeps its answer from being shared.
  static bool MayBeKept(const http::Request& req);
  // Whether the request asks for the whole answer as it stands (no range,
  // no resumed stream), which a kept answer can be.
  static bool AsksForTheWhole(const http::Request& req);
  static std::string CacheKey(const Context& ctx);
  // The key of a signed-in answer: the person and everything of their
  // account a page may show or decide by, then CacheKey. An account changed
  // by another instance thus misses at once, as this instance reads the
  // account afresh for every request.
  static std::string SignedInCacheKey(const Context& ctx);
  // A GET: from `cache`, or rendered and kept there under `key`.
  http::Response Cached(Context& ctx, const Handler& handler, PageCache& cache, std::string key,
                        Audience audience);
  // A kept answer made this visitor's: their anti-forgery token in place of
  // the placeholder (and its cookie when new), compressed when they accept
  // gzip, 304 for a matching ETag.
  http::Response ForVisitor(Context& ctx, const PageCache::Entry& entry);
  // The same for an answer that is not kept (no compressed copy).
  http::Response ForVisitor(Context& ctx, http::Response r, bool has_token);
  // The visitor's anti-forgery token, made (with its cookie) when they have none.
  const std::string& VisitorToken(Context& ctx);

  http::Response Health(Context& ctx);
  http::Response Healthy(Context& ctx);
  http::Response MetricsText(Context& ctx);
  http::Response Stylesheet(Context& ctx);
  http::Response OpenApiDocument(Context& ctx);

  Site& site_;
  std::vector<std::unique_ptr<Module>> modules_;
  http::Metrics& metrics_;
  Options options_;
  http::Router router_;
  std::unordered_map<std::string, Access> get_access_;  // GET route pattern -> its access
  nlohmann::json openapi_;
  std::string openapi_body_;
  std::string stylesheet_etag_;
  // Bodies smaller than this are sent as they are: the gzip wrapper and a
  // second round of buffering would cost more than the bytes saved.
  static constexpr std::size_t kGzipMinBytes = 1024;
  // zlib levels: for a page kept for everyone, and for one person's. A
  // shared page is compressed when it is rendered, so for a page asked
  // once (a new query) that is part of its first view's cost: level 6
  // took 7.7 ms of the demo /atlas page's 11, level 5 3.0 ms for 3 % more
  // bytes (0.5 % on /evidence, 0.4 % on /practices).
  static constexpr int kSharedGzipLevel = 5;
  static constexpr int kOwnGzipLevel = 1;
  std::unique_ptr<PageCache> cache_;  // null: no caching
  // Signed-in answers, each under its person's key; null: none kept.
  std::unique_ptr<PageCache> signed_in_cache_;
  // When /healthz last found the database answering. For kHealthyForMs after
  // that, /healthz answers "ok" on the event loop (HandleInline) without
  // asking again: a load balancer polling it costs no database round trip,
  // and a failure is seen within that time.
  static constexpr TimestampMs kHealthyForMs = 250;
  std::atomic<TimestampMs> healthy_at_{std::numeric_limits<TimestampMs>::min() / 2};
  // Rendered into kept pages where a visitor's anti-forgery token goes;
  // random per process, never sent to a client.
  std::string token_placeholder_;
};

}  // namespace waymark::web
