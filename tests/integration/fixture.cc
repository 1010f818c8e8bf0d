#include "fixture.h"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <sstream>
#include <typeinfo>

namespace waymark::it {

std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info) {
  return std::string(BackendName(info.param));
}

std::unique_ptr<Deployment>& ServerTest::Shared() {
  static std::unique_ptr<Deployment> shared;
  return shared;
}

std::string& ServerTest::SharedKey() {
  static std::string key;
  return key;
}

void ServerTest::SetUp() {
  WM_SKIP_UNLESS_BACKEND_AVAILABLE(GetParam());
  DeploymentOptions options = Options();
  std::string key = std::string(typeid(*this).name()) + "|" + std::string(BackendName(GetParam())) + "|" +
                    options.config.dump() + "|" + (options.demo ? "demo" : "");
  auto& shared = Shared();
  // A new deployment for a new suite or when an earlier test stopped the server.
  if (shared && (SharedKey() != key || !shared->has_server() || !shared->server().running())) shared.reset();
  if (!shared) {
    shared = Deployment::Create(GetParam(), options);
    SharedKey() = key;
  }
}

void ServerTest::TearDown() {
  if (HasFailure()) PrintServerLogOnFailure(Shared().get());
}

HeaderList ServerTest::IfMatchNow(const std::string& url, HeaderList headers) {
  HttpResponse got = client().Get(url);
  EXPECT_FALSE(got.Header("ETag").empty()) << got.Describe();
  headers.emplace_back("If-Match", got.Header("ETag"));
  return headers;
}

Person ServerTest::WithRole(const std::string& org, const std::string& role) {
  PersonSpec spec;
  spec.label = role + "-of-" + org;
  spec.org = org;
  spec.role = role;
  return d().AddPerson(spec);
}

void PrintServerLogOnFailure(Deployment* deployment) {
  if (deployment == nullptr || !deployment->has_server()) return;
  std::string log = deployment->server().Stderr();
  std::vector<std::string> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // A sanitizer's report says where the fault is at its start: show it from
  // there (its stacks are long); otherwise the end of the log.
  std::size_t from = lines.size() > 40 ? lines.size() - 40 : 0;
  std::size_t to = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("WARNING: ThreadSanitizer") != std::string::npos ||
        lines[i].find("ERROR: AddressSanitizer") != std::string::npos) {
      from = i;
      to = std::min(lines.size(), i + 150);
      break;
    }
  }
  std::cout << "---- lines " << from + 1 << " to " << to << " of the server's log ("
            << deployment->server().options().stderr_file << ") ----\n";
  for (std::size_t i = from; i < to; ++i) std::cout << lines[i] << "\n";
  std::cout << "----\n";
}

std::string MissingSecurityHeaders(const HttpResponse& r) {
  std::string problems;
  auto need = [&](bool ok, const std::string& what) {
    if (!ok) problems += what + "; ";
  };
  std::string csp = r.Header("Content-Security-Policy");
  need(csp.find("frame-ancestors 'none'") != std::string::npos, "CSP without frame-ancestors 'none'");
  need(!csp.empty() && csp.find("unsafe-inline") == std::string::npos, "CSP missing or with 'unsafe-inline'");
  need(r.Header("X-Content-Type-Options") == "nosniff", "X-Content-Type-Options is not nosniff");
  need(!r.Header("Referrer-Policy").empty(), "no Referrer-Policy");
  need(r.Header("X-Frame-Options") == "DENY", "X-Frame-Options is not DENY");
  std::string id = r.Header("X-Request-Id");
  bool sane = !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
  need(sane, "no sane X-Request-Id");
  if (!problems.empty()) problems += "in:\n" + r.Describe();
  return problems;
}

long MetricValue(const std::string& text, const std::string& method, const std::string& route, int status) {
  std::string series = "waymark_http_requests_total{method=\"" + method + "\",route=\"" + route +
                       "\",status=\"" + std::to_string(status) + "\"} ";
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(series, 0) == 0) {
      try {
        return std::stol(line.substr(series.size()));
      } catch (...) {
        return -1;
      }
    }
  }
  return -1;
}

}  // namespace waymark::it
