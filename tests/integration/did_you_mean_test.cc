// Did you mean, on the demo data (issue 15): "migrnat" finds nothing as
// typed, so the campaigns list shows the demo's migrant campaigns, the
// results of its correction, and says so, in the JSON API and on the page.
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;

class DidYouMeanDemoTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.demo = true;
    return o;
  }
};

TEST_P(DidYouMeanDemoTest, MigrnatFindsTheMigrantCampaigns) {
  // The demo's campaigns reach the index shortly after start-up.
  json migrant;
  for (int i = 0; i < 100; ++i) {
    migrant = client().Get("/api/v1/campaigns?q=migrant&per_page=100").Json();
    if (migrant.value("total", 0) > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GT(migrant.value("total", 0), 0) << migrant.dump();
  EXPECT_TRUE(migrant["suggestion"].is_null()) << migrant.dump();

  HttpResponse r = client().Get("/api/v1/campaigns?q=migrnat&per_page=100");
  ASSERT_EQ(r.status, 200) << r.Describe();
  json j = r.Json();
  EXPECT_EQ(j["suggestion"], "migrant") << r.body;
  EXPECT_EQ(j["corrected_from"], "migrnat") << r.body;
  EXPECT_EQ(j["total"], migrant["total"]) << r.body;
  std::set<long long> want, got;
  for (const auto& c : migrant["items"]) want.insert(c["id"].get<long long>());
  for (const auto& c : j["items"]) got.insert(c["id"].get<long long>());
  EXPECT_EQ(got, want) << r.body;

  HttpResponse page = client().Get("/campaigns?q=migrnat");
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_NE(
      page.body.find("Showing results for <strong><a href=\"/campaigns?q=migrant\">migrant</a></strong> "
                     "instead of <em>migrnat</em>."),
      std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("<mark>"), std::string::npos) << page.body;
  HttpResponse es = client().Get("/campaigns?q=migrnat&lang=es");
  EXPECT_NE(
      es.body.find("Mostrando resultados de <strong><a href=\"/campaigns?q=migrant\">migrant</a></strong> "
                   "en lugar de <em>migrnat</em>."),
      std::string::npos)
      << es.body;
}

WM_INSTANTIATE_BACKENDS(DidYouMeanDemoTest);

}  // namespace
}  // namespace waymark::it
