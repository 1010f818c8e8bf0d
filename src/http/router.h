// Router: maps method + path to a handler. Patterns are literal segments and
// {name} captures: "/api/v1/organisations/{slug}". Literal segments win over
// captures. A path that matches a pattern under another method gives
// kMethodNotAllowed with the allowed methods, so the caller can answer 405.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/message.h"

namespace waymark::http {

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  // REQUIRES: `pattern` starts with '/'; (method, pattern) not yet added.
  void Add(const std::string& method, const std::string& pattern, Handler handler);

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed } kind = Kind::kNotFound;
    const Handler* handler = nullptr;
    std::string pattern;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;  // for kMethodNotAllowed
  };
  // HEAD is served by GET routes.
  Match Find(const std::string& method, const std::string& path) const;

  // Every (method, pattern) added, in the order added.
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
  // Segment count -> indexes into routes_ of the patterns with that many.
  std::vector<std::vector<std::size_t>> by_length_;
};

}  // namespace waymark::http
