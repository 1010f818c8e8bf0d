#include "web/text.h"

namespace waymark::web {

std::string Fill(std::string text, std::string_view key, std::string_view value) {
  if (key.empty()) return text;
  for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + value.size())) {
    text.replace(pos, key.size(), value);
  }
  return text;
}

int PageParam(const http::Request& req) {
  auto p = req.QueryParam("page");
  if (!p || p->empty() || p->size() > 6 || p->find_first_not_of("0123456789") != std::string::npos) return 1;
  int n = std::stoi(*p);
  return n < 1 ? 1 : (n > 100000 ? 100000 : n);
}

}  // namespace waymark::web
