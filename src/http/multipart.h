// A strict multipart/form-data parser (RFC 7578) for uploads: the boundary
// comes from the Content-Type header; each part has a name, maybe a
// filename and its own Content-Type. Anything malformed is refused with an
// InvalidArgument that says what is wrong; limits are PayloadTooLarge.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace waymark::http {

struct MultipartPart {
  std::string name;                     // form field name
  std::optional<std::string> filename;  // present for file inputs (may be "")
  std::string content_type;             // the part's Content-Type, "text/plain" when absent
  std::string body;
};

struct MultipartLimits {
  std::size_t max_parts = 50;
  std::size_t max_header_bytes = 4096;    // per part
  std::size_t max_field_bytes = 1 << 20;  // a part without a filename
};

// The boundary parameter of a multipart/form-data Content-Type value.
// InvalidArgument when the type is something else or the boundary is
// missing or invalid (1..70 characters, RFC 2046 bchars).
Result<std::string> MultipartBoundary(std::string_view content_type);

// Parses `body` sent with `content_type`.
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view content_type, std::string_view body,
                                                  const MultipartLimits& limits = {});

}  // namespace waymark::http
