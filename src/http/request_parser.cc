#include "http/request_parser.h"

#include <cstdint>

#include "core/strings.h"

namespace waymark::http {

void ApplyLimits(RequestParser& parser, const ServerOptions& options) {
  parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
  parser.body_limit(options.max_body_bytes);
  parser.get().body().threshold = options.spool_threshold_bytes;
  parser.get().body().spool_dir = options.spool_dir;
}

Request RequestFromHeader(const RequestParser& parser) {
  Request req;
  const auto& h = parser.get();
  req.method = std::string(h.method_string());
  req.target = std::string(h.target());
  auto q = req.target.find('?');
  std::string raw_path = req.target.substr(0, q);
  if (!PercentDecode(raw_path, req.path, false)) req.path = raw_path;
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  for (const auto& f : h) {
    req.headers.emplace_back(ToLowerAscii(std::string(f.name_string())), std::string(f.value()));
  }
  return req;
}

}  // namespace waymark::http
