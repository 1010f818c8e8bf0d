#include "http/router.h"

#include <algorithm>
#include <cassert>
#include <string_view>

#include "core/strings.h"

namespace waymark::http {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  for (auto s : Split(path, '/')) {
    if (!s.empty()) out.push_back(s);
  }
  return out;
}

bool IsCapture(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

// Scores a match: literal segments count more than captures, so
// /organisations/new beats /organisations/{slug}. -1 for no match.
int MatchScore(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path,
               std::map<std::string, std::string>* params) {
  if (pattern.size() != path.size()) return -1;
  int score = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (IsCapture(pattern[i])) {
      if (params) (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = std::string(path[i]);
    } else if (pattern[i] == path[i]) {
      score += 2;
    } else {
      return -1;
    }
  }
  return score;
}

}  // namespace

void Router::Add(const std::string& method, const std::string& pattern, Handler handler) {
  assert(!pattern.empty() && pattern.front() == '/');  // programming error otherwise
  std::vector<std::string> segments;
  for (auto seg : Segments(pattern)) segments.emplace_back(seg);
  if (by_length_.size() <= segments.size()) by_length_.resize(segments.size() + 1);
  by_length_[segments.size()].push_back(routes_.size());
  routes_.push_back(Route{method, pattern, std::move(segments), std::move(handler)});
}

Router::Match Router::Find(const std::string& method, const std::string& path) const {
  Match m;
  std::vector<std::string_view> segs = Segments(path);
  if (segs.size() >= by_length_.size()) return m;  // longer than every pattern
  std::string_view want = method == "HEAD" ? std::string_view("GET") : std::string_view(method);
  int best = -1;
  const Route* best_route = nullptr;
  // Only patterns with as many segments can match.
  const std::vector<std::size_t>& candidates = by_length_[segs.size()];
  for (std::size_t i : candidates) {
    const Route& r = routes_[i];
    int score = MatchScore(r.segments, segs, nullptr);
    if (score < 0) continue;
    if (r.method == want) {
      if (score > best) {
        best = score;
        best_route = &r;
      }
    }
  }
  if (best_route) {
    m.kind = Match::Kind::kFound;
    m.handler = &best_route->handler;
    m.pattern = best_route->pattern;
    MatchScore(best_route->segments, segs, &m.params);
    return m;
  }
  for (std::size_t i : candidates) {
    const Route& r = routes_[i];
    if (MatchScore(r.segments, segs, nullptr) >= 0 &&
        std::find(m.allowed.begin(), m.allowed.end(), r.method) == m.allowed.end()) {
      m.allowed.push_back(r.method);
      if (r.method == "GET") m.allowed.push_back("HEAD");
    }
  }
  if (!m.allowed.empty()) m.kind = Match::Kind::kMethodNotAllowed;
  return m;
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.emplace_back(r.method, r.pattern);
  return out;
}

}  // namespace waymark::http
