// Operations and the HTTP surface every response shares: health, metrics,
// security headers, request ids, 404/405 answers, the stylesheet's ETag.
#include <chrono>
#include <thread>

#include "fixture.h"

namespace waymark::it {
namespace {

class OpsTest : public ServerTest {};

TEST_P(OpsTest, HealthzIs200Json) {
  HttpResponse r = client().Get("/healthz");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.Header("Content-Type").rfind("application/json", 0), 0u) << r.Describe();
  EXPECT_EQ(r.Json(), nlohmann::json({{"status", "ok"}}));
  EXPECT_EQ(MissingSecurityHeaders(r), "");
}

TEST_P(OpsTest, MetricsCountRequestsByMethodRouteAndStatus) {
  HttpClient c = client();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(c.Get("/healthz").status, 200);
  ASSERT_EQ(c.Get("/api/v1/organisations/no-such-org").status, 404);
  // A request is counted once its response is written, which can be just
  // after the client has it; poll briefly.
  HttpResponse m;
  for (int attempt = 0; attempt < 50; ++attempt) {
    m = c.Get("/metrics");
    ASSERT_EQ(m.status, 200) << m.Describe();
    if (MetricValue(m.body, "GET", "/healthz", 200) >= 3 &&
        MetricValue(m.body, "GET", "/api/v1/organisations/{slug}", 404) >= 1) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(m.Header("Content-Type").rfind("text/plain", 0), 0u) << m.Describe();
  EXPECT_EQ(MetricValue(m.body, "GET", "/healthz", 200), 3) << m.body;
  EXPECT_EQ(MetricValue(m.body, "GET", "/api/v1/organisations/{slug}", 404), 1) << m.body;
  EXPECT_NE(m.body.find("# TYPE waymark_http_requests_total counter"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("waymark_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} "),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("waymark_db_pool_size "), std::string::npos) << m.body;
}

TEST_P(OpsTest, SecurityHeadersAndRequestIdOnEveryResponse) {
  HttpClient c = client();
  struct Case {
    std::string method, target;
    HeaderList headers;
    std::string body;
    int status;
  };
  const Case cases[] = {
      {"GET", "/", {}, "", 200},
      {"GET", "/signin", {}, "", 200},
      {"GET", "/organisations", {}, "", 200},
      {"GET", "/healthz", {}, "", 200},
      {"GET", "/metrics", {}, "", 200},
      {"GET", "/static/waymark.css", {}, "", 200},
      {"GET", "/no/such/page", {}, "", 404},
      {"GET", "/api/v1/no-such-endpoint", {}, "", 404},
      {"DELETE", "/healthz", {}, "", 405},
      {"GET", "/api/v1/me", {}, "", 401},
      {"GET", "/admin", {}, "", 303},
      {"POST", "/signin", {{"Content-Type", "application/x-www-form-urlencoded"}}, "email=a", 403},
      {"POST", "/signin", {{"Content-Type", "text/plain"}}, "email=a", 415},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.method + " " + k.target);
    HttpResponse r = c.Request(k.method, k.target, k.headers, k.body);
    EXPECT_EQ(r.status, k.status) << r.Describe();
    EXPECT_EQ(MissingSecurityHeaders(r), "");
  }
}

TEST_P(OpsTest, SaneIncomingRequestIdIsEchoedAndLogged) {
  HttpClient c = client();
  HttpResponse r = c.Get("/healthz", {{"X-Request-Id", "it-req.42_A"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("X-Request-Id"), "it-req.42_A");
  nlohmann::json line = server().WaitForAccessLog("it-req.42_A");
  ASSERT_FALSE(line.empty()) << "no access-log line for the request:\n" << server().Stderr();
  EXPECT_EQ(line.value("method", ""), "GET");
  EXPECT_EQ(line.value("path", ""), "/healthz");
  EXPECT_EQ(line.value("status", 0), 200);
  EXPECT_EQ(line.value("remote", ""), "127.0.0.1");
  EXPECT_TRUE(line.contains("duration_ms") && line.contains("bytes") && line.contains("time")) << line.dump();

  // An id that could forge log lines is replaced, not echoed.
  HttpResponse bad = c.Get("/healthz", {{"X-Request-Id", "evil id\",\"status\":1"}});
  EXPECT_NE(bad.Header("X-Request-Id"), "evil id\",\"status\":1");
  EXPECT_EQ(MissingSecurityHeaders(bad), "");
  // Ids differ between requests.
  EXPECT_NE(c.Get("/healthz").Header("X-Request-Id"), c.Get("/healthz").Header("X-Request-Id"));
}

TEST_P(OpsTest, UnknownPageIs404InTheReadersLanguage) {
  HttpResponse r = client().Get("/no/such/page", {{"Accept-Language", "fr"}});
  ASSERT_EQ(r.status, 404) << r.Describe();
  EXPECT_EQ(r.Header("Content-Type").rfind("text/html", 0), 0u);
  EXPECT_EQ(HtmlLang(r.body), "fr");
  EXPECT_NE(r.body.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_EQ(r.Header("Content-Language"), "fr");
  EXPECT_NE(r.body.find("rien à cette adresse"), std::string::npos) << r.body;
  EXPECT_EQ(MissingSecurityHeaders(r), "");

  HttpResponse en = client().Get("/no/such/page");
  EXPECT_EQ(en.status, 404);
  EXPECT_EQ(HtmlLang(en.body), "en");
}

TEST_P(OpsTest, NotFoundPageHeadingIsInTheReadersLanguage) {
  for (const char* lang : {"fr", "es"}) {
    HttpResponse r = client().Get("/no/such/page", {{"Accept-Language", lang}});
    ASSERT_EQ(r.status, 404);
    ASSERT_EQ(HtmlLang(r.body), lang);
    auto h1 = r.body.find("<h1>");
    ASSERT_NE(h1, std::string::npos) << r.body;
    std::string heading = r.body.substr(h1 + 4, r.body.find("</h1>", h1) - h1 - 4);
    EXPECT_NE(heading, "Not Found") << "an English heading on a page in '" << lang << "'";
  }
}

TEST_P(OpsTest, UnknownApiEndpointIs404Json) {
  HttpResponse r = client().Get("/api/v1/nothing-here", {{"Accept-Language", "fr"}});
  ASSERT_EQ(r.status, 404) << r.Describe();
  EXPECT_EQ(r.Header("Content-Type").rfind("application/json", 0), 0u) << r.Describe();
  EXPECT_EQ(r.Json()["error"]["code"], "not_found") << r.body;
  EXPECT_EQ(MissingSecurityHeaders(r), "");

  HttpResponse org = client().Get("/api/v1/organisations/no-such-org");
  EXPECT_EQ(org.status, 404);
  EXPECT_EQ(org.Json()["error"]["code"], "not_found") << org.body;
}

TEST_P(OpsTest, WrongMethodIs405WithAllow) {
  HttpResponse page = client().Request("DELETE", "/healthz");
  ASSERT_EQ(page.status, 405) << page.Describe();
  EXPECT_NE(page.Header("Allow").find("GET"), std::string::npos) << page.Describe();

  HttpResponse api = client().Request("DELETE", "/api/v1/organisations");
  ASSERT_EQ(api.status, 405) << api.Describe();
  std::string allow = api.Header("Allow");
  EXPECT_NE(allow.find("GET"), std::string::npos) << allow;
  EXPECT_NE(allow.find("POST"), std::string::npos) << allow;
  EXPECT_EQ(api.Json()["error"]["code"], "method_not_allowed") << api.body;
  EXPECT_EQ(MissingSecurityHeaders(api), "");
}

TEST_P(OpsTest, StylesheetHasETagAndAnswers304) {
  HttpResponse r = client().Get("/static/waymark.css");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type").rfind("text/css", 0), 0u);
  std::string etag = r.Header("ETag");
  ASSERT_FALSE(etag.empty()) << r.Describe();
  HttpResponse again = client().Get("/static/waymark.css", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304) << again.Describe();
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(client().Get("/static/waymark.css", {{"If-None-Match", "\"stale\""}}).status, 200);
}

TEST_P(OpsTest, HeadIsAnsweredWithoutBody) {
  HttpResponse r = client().Request("HEAD", "/healthz");
  EXPECT_EQ(r.status, 200) << r.Describe();
  EXPECT_TRUE(r.body.empty());
}

WM_INSTANTIATE_BACKENDS(OpsTest);

}  // namespace
}  // namespace waymark::it
