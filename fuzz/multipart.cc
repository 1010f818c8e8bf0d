// multipart/form-data uploads (ParseMultipart with the limits the web layer
// uses, the defaults).
//
// Input: the Content-Type header value, a newline, then the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto nl = in.find('\n');
  if (nl == std::string_view::npos) return 0;
  std::string_view content_type = in.substr(0, nl);
  std::string_view body = in.substr(nl + 1);
  (void)waymark::http::MultipartBoundary(content_type);
  const waymark::http::MultipartLimits limits;
  auto parts = waymark::http::ParseMultipart(content_type, body, limits);
  if (!parts.ok()) return 0;
  if (parts->size() > limits.max_parts) std::abort();
  std::size_t total = 0;
  for (const auto& p : *parts) {
    if (!p.filename && p.body.size() > limits.max_field_bytes) std::abort();
    total += p.body.size();
  }
  if (total > body.size()) std::abort();  // parts are slices of the body
  return 0;
}
