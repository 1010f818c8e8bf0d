#include "http/metrics.h"

#include <fmt/format.h>

namespace waymark::http {
namespace {

// Label values are bounded (see RecordRequest), but escape anyway.
std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string MetricMethod(std::string_view method) {
  for (std::string_view known :
       {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}) {
    if (method == known) return std::string(known);
  }
  return "other";
}

void Metrics::RecordRequest(const std::string& method, const std::string& route, int status, double seconds) {
  // Label values come from the request: a method name any client can make
  // up is folded into "other", and a status outside 100-599 into 0, so the
  // number of series stays bounded. Routes are patterns we registered,
  // "unmatched" or "-" (set by the server and WebApp, never a raw path).
  if (status < 100 || status > 599) status = 0;
  std::lock_guard lock(mu_);
  ++requests_[{MetricMethod(method), route, status}];
  Histogram& h = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.counts[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::RenderPrometheus() const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP waymark_http_requests_total HTTP requests by method, route and status.\n";
  out += "# TYPE waymark_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += fmt::format("waymark_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                       Escape(method), Escape(route), status, n);
  }
  out += "# HELP waymark_http_request_duration_seconds Time from request parsed to response ready.\n";
  out += "# TYPE waymark_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format("waymark_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                         Escape(route), kBuckets[i], h.counts[i]);
    }
    out += fmt::format("waymark_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                       Escape(route), h.count);
    out +=
        fmt::format("waymark_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", Escape(route), h.sum);
    out += fmt::format("waymark_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", Escape(route),
                       h.count);
  }
  out += "# HELP waymark_http_in_flight Requests being handled now.\n";
  out += "# TYPE waymark_http_in_flight gauge\n";
  out += fmt::format("waymark_http_in_flight {}\n", in_flight_.load());
  for (const auto& g : gauges_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", g.name, g.help, g.name, g.name, g.read());
  }
  return out;
}

}  // namespace waymark::http
