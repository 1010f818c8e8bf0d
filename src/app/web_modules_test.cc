// The web modules as `serve` wires them: the OpenAPI document assembled from
// their parts describes exactly the /api/ routes they register (issue 8,
// finding 18: the document listed endpoints that did not exist and missed
// real ones), and no two modules claim the same route.
#include "app/web_modules.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>
#include <utility>

#include "http/metrics.h"
#include "i18n/catalog.h"
#include "support/temp_dir.h"
#include "web/app.h"

namespace waymark::app {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(WebModules, TheApiDocumentDescribesExactlyTheApiRoutes) {
  it::TempDir dir;
  Config config;
  config.db = "sqlite:" + dir.File("waymark.db");
  config.search_dir = dir.File("search");
  auto runtime = Runtime::Open(config);
  ASSERT_TRUE(runtime.ok()) << runtime.status().message();
  auto catalog = i18n::Catalog::LoadEmbedded();
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  web::Site site(*catalog, (*runtime)->countries(), (*runtime)->random(), web::WebOptions{});
  http::Metrics metrics;
  web::WebApp app(site, WebModules(site, **runtime), metrics, web::WebApp::Options{});

  std::set<std::pair<std::string, std::string>> routed;
  for (const auto& [method, pattern] : app.Routes()) {
    EXPECT_TRUE(routed.emplace(Lower(method), pattern).second)
        << "routed twice: " << method << " " << pattern;
  }
  std::set<std::pair<std::string, std::string>> described;
  for (const auto& [path, item] : app.OpenApiSpec().at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      if (method != "parameters") described.emplace(method, path);  // "parameters": shared, not an operation
    }
  }
  ASSERT_FALSE(described.empty());
  for (const auto& r : routed) {
    if (r.second.starts_with("/api/")) {
      EXPECT_TRUE(described.count(r)) << "route not in the OpenAPI document: " << r.first << " " << r.second;
    }
  }
  for (const auto& d : described) {
    EXPECT_TRUE(routed.count(d)) << "documented but not routed: " << d.first << " " << d.second;
  }
  // Tags come from the modules in order; "meta" (this document) is last.
  const auto& tags = app.OpenApiSpec().at("tags");
  ASSERT_GE(tags.size(), 2u);
  EXPECT_EQ(tags.front().at("name"), "accounts");
  EXPECT_EQ(tags.back().at("name"), "meta");
}

}  // namespace
}  // namespace waymark::app
