// A strict multipart/form-data parser (RFC 7578) for uploads: the boundary
// comes from the Content-Type header; each part has a name, maybe a
// filename and its own Content-Type. Anything malformed is refused with an
// InvalidArgument that says what is wrong; limits are PayloadTooLarge.
//
// A body spooled to a file (Request::body_file) is parsed in place: its
// file parts stay in the file as ranges (MultipartPart::file), never copied
// into memory; only the text fields are read into strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_source.h"
#include "core/status.h"
#include "http/message.h"

namespace waymark::http {

struct MultipartPart {
  std::string name;                     // form field name
  std::optional<std::string> filename;  // present for file inputs (may be "")
  std::string content_type;             // the part's Content-Type, "text/plain" when absent
  // The content: in `body`, except for a file part of a spooled body, which
  // is bytes [file_offset, file_offset + file_length) of `file`.
  std::string body;
  std::shared_ptr<BodyFile> file;
  std::int64_t file_offset = 0;
  std::int64_t file_length = 0;

  // The content's length and bytes, wherever they are (Bytes borrows `body`).
  std::int64_t size() const;
  std::unique_ptr<ByteSource> Bytes() const;
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

// Parses `body` sent with `content_type`; every part's content in `body`.
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view content_type, std::string_view body,
                                                  const MultipartLimits& limits = {});

// Parses the body of `req` (with its Content-Type), in memory or spooled;
// file parts of a spooled body are ranges of its file.
Result<std::vector<MultipartPart>> ParseMultipart(const Request& req, const MultipartLimits& limits = {});

}  // namespace waymark::http
