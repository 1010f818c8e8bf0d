// The shared fixture of the integration tests.
//
// Suites are value-parameterised over Backend and instantiated for both with
// WM_INSTANTIATE_BACKENDS(Suite): every test exists as Test/sqlite and
// Test/postgres in one executable (compiled once), and CMake registers the
// two halves separately (labels integration and pgtest). Under PostgreSQL a
// test skips itself when WAYMARK_TEST_PG_URL is unset.
//
// A fixture deriving from ServerTest shares one deployment (database +
// server) between its tests when they run in one process; each test makes its
// own people and organisations with unique names, so they do not interfere.
// Override Options() for a suite that needs a config file or demo data.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/backend.h"
#include "support/browser.h"
#include "support/deployment.h"
#include "support/http_client.h"
#include "support/process.h"

namespace waymark::it {

std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info);

// GTEST_SKIPs (from the calling function) unless the backend can be used.
#define WM_SKIP_UNLESS_BACKEND_AVAILABLE(backend)                                                       \
  do {                                                                                                  \
    if ((backend) == ::waymark::it::Backend::kPostgres && !::waymark::it::PostgresBaseUrl()) {          \
      GTEST_SKIP() << "WAYMARK_TEST_PG_URL is not set; URL=$(scripts/pg-test-cluster start DIR) first"; \
    }                                                                                                   \
  } while (0)

#define WM_INSTANTIATE_BACKENDS(Suite)                                                                  \
  INSTANTIATE_TEST_SUITE_P(                                                                             \
      Db, Suite, ::testing::Values(::waymark::it::Backend::kSqlite, ::waymark::it::Backend::kPostgres), \
      ::waymark::it::BackendParamName)

class ServerTest : public ::testing::TestWithParam<Backend> {
 protected:
  // The deployment this suite needs; the default has no config file and no demo data.
  virtual DeploymentOptions Options() const { return {}; }

  void SetUp() override;
  void TearDown() override;
  static void TearDownTestSuite() { Shared().reset(); }

  Deployment& d() { return *Shared(); }
  ServerProcess& server() { return Shared()->server(); }
  HttpClient client() { return Shared()->client(); }
  Browser NewBrowser() { return Browser(client()); }
  // A person with a role in an organisation (created if need be), e.g. Member("drc").
  Person Member(const std::string& org) { return WithRole(org, "member"); }
  Person Editor(const std::string& org) { return WithRole(org, "editor"); }
  Person WithRole(const std::string& org, const std::string& role);
  HeaderList Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }
  // `headers` plus If-Match with the ETag a GET of `url` answers now (for
  // conditional API writes such as PATCH /api/v1/organisations/{slug}).
  HeaderList IfMatchNow(const std::string& url, HeaderList headers = {});

 private:
  static std::unique_ptr<Deployment>& Shared();
  static std::string& SharedKey();
};

// Prints the tail of the server's log when the current test failed.
void PrintServerLogOnFailure(Deployment* deployment);

// Asserts the headers every response must carry; returns the failures as text ("" when none).
std::string MissingSecurityHeaders(const HttpResponse& r);

// The value of `waymark_http_requests_total{method,route,status}` in a
// Prometheus text, or -1 when the series is absent.
long MetricValue(const std::string& text, const std::string& method, const std::string& route, int status);

}  // namespace waymark::it
