// Metrics: request counts by route and status, a latency histogram, and
// gauges supplied by other layers (the database pool), rendered in the
// Prometheus text format. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace waymark::http {

// The method as a metrics label: a standard method by name, anything else
// "other".
std::string MetricMethod(std::string_view method);

class Metrics {
 public:
  // `route` must be a registered pattern or a fixed word ("unmatched"), never
  // a path taken from the request; the method is folded by MetricMethod.
  void RecordRequest(const std::string& method, const std::string& route, int status, double seconds);
  // A gauge read at scrape time: name, help, and a function giving the value.
  void AddGauge(std::string name, std::string help, std::function<double()> read);
  void SetInFlight(int n) { in_flight_ = n; }
  std::string RenderPrometheus() const;

 private:
  static constexpr std::array<double, 11> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5};
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;  // GUARDED_BY(mu_)
  std::map<std::string, Histogram> latency_;                                     // GUARDED_BY(mu_)
  std::vector<Gauge> gauges_;                                                    // GUARDED_BY(mu_)
  std::atomic<int> in_flight_{0};
};

}  // namespace waymark::http
