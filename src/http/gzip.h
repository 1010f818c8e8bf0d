// Content coding (RFC 9110 section 8.4): gzip bodies for the clients that
// ask for them, so that a page crosses a slow link at a quarter of its size.
//
// A kept page is compressed once, when it is stored, and served to every
// visitor from then on; but an anonymous page carries each visitor's own
// anti-forgery token. GzipBody therefore compresses the text between the
// token's places as separate deflate runs, each ended at a byte boundary
// (Z_SYNC_FLUSH), and splices the visitor's token between them as stored
// (uncompressed) blocks. The checksum of the whole is combined from the
// parts' checksums (crc32_combine), so filling a body costs a copy of the
// compressed bytes, not a compression.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace waymark::http {

// Whether an Accept-Encoding value accepts gzip: "gzip" (or "x-gzip", or
// "*") listed with a non-zero weight. An absent header accepts nothing but
// identity here: clients that want gzip say so.
bool AcceptsGzip(std::string_view accept_encoding);

// Whether a body of this media type is worth compressing: text, JSON,
// JavaScript, XML and SVG; not images, PDFs or archives, which are
// compressed already.
bool IsCompressible(std::string_view content_type);

class GzipBody {
 public:
  // Compresses `body`, leaving a hole at every occurrence of `hole` (none
  // when `hole` is empty). zlib level 1 to 9.
  static GzipBody Make(std::string_view body, std::string_view hole = {}, int level = 6);

  // The gzip stream of the body with `value` in each hole. `value` may be
  // of any length up to 65,535 bytes.
  std::string Fill(std::string_view value = {}) const;
  std::size_t holes() const { return parts_.size() - 1; }
  // Bytes of compressed data kept.
  std::size_t compressed_bytes() const;

 private:
  struct Part {
    std::string deflated;  // raw deflate blocks, none final, ending on a byte boundary
    std::uint32_t crc = 0;
    std::uint64_t length = 0;  // uncompressed
  };
  std::vector<Part> parts_;  // holes() + 1 of them
};

}  // namespace waymark::http
