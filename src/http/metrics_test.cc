#include "http/metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace waymark::http {
namespace {

TEST(MetricsTest, UnknownMethodsShareOneSeries) {
  // Issue 8, F5: every made-up method name added a series forever.
  Metrics m;
  for (int i = 0; i < 50; ++i) m.RecordRequest("FOO" + std::to_string(i), "unmatched", 405, 0.001);
  m.RecordRequest("GET", "/", 200, 0.001);
  m.RecordRequest("get", "/", 200, 0.001);  // methods are case-sensitive: not GET
  std::string text = m.RenderPrometheus();
  EXPECT_EQ(text.find("FOO"), std::string::npos) << text;
  EXPECT_NE(text.find("waymark_http_requests_total{method=\"other\",route=\"unmatched\",status=\"405\"} 50"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("method=\"GET\",route=\"/\",status=\"200\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("method=\"other\",route=\"/\",status=\"200\"} 1"), std::string::npos) << text;
}

TEST(MetricsTest, MetricMethodKeepsStandardNames) {
  for (const char* m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}) {
    EXPECT_EQ(MetricMethod(m), m);
  }
  EXPECT_EQ(MetricMethod("PROPFIND"), "other");
  EXPECT_EQ(MetricMethod(""), "other");
}

}  // namespace
}  // namespace waymark::http
