// The OpenAPI document and the router agree: every /api/ route the app
// answers is described, and every described operation is a route (issue 8,
// finding 18: the document listed endpoints that did not exist and missed
// real ones).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <utility>

#include "i18n/countries.h"
#include "web/app.h"

namespace waymark::web {
namespace {

class ZeroRandom final : public Random {
 public:
  void Fill(unsigned char* out, std::size_t n) override { std::fill(out, out + n, 0); }
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApi, DescribesExactlyTheApiRoutes) {
  auto catalog = i18n::Catalog::LoadEmbedded();
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  auto countries = i18n::Countries::Load(i18n::kDefaultIsoCodesJsonPath, {});
  ASSERT_TRUE(countries.ok()) << countries.status().message();
  ZeroRandom random;
  http::Metrics metrics;
  // Routes are registered without touching the services.
  WebApp app(
      Services{}, *catalog, **countries, random, metrics, [] { return Status::Ok(); }, WebOptions{});

  std::set<std::pair<std::string, std::string>> routed;
  for (const auto& [method, pattern] : app.Routes()) {
    if (pattern.starts_with("/api/")) routed.emplace(Lower(method), pattern);
  }
  ASSERT_FALSE(routed.empty());

  std::set<std::pair<std::string, std::string>> described;
  nlohmann::json spec = OpenApiSpec();
  for (const auto& [path, item] : spec.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;  // shared path parameters, not an operation
      described.emplace(method, path);
    }
  }

  for (const auto& r : routed) {
    EXPECT_TRUE(described.count(r)) << "route not in the OpenAPI document: " << r.first << " " << r.second;
  }
  for (const auto& d : described) {
    EXPECT_TRUE(routed.count(d)) << "documented but not routed: " << d.first << " " << d.second;
  }
}

}  // namespace
}  // namespace waymark::web
