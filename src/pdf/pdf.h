// Text of PDF files, page by page, for the library's search index and its
// plain page view (poppler's C++ interface underneath).
//
// Several worker threads may call ExtractText at once on different files;
// poppler itself is not safe for that (see pdf.cc), so the poppler calls are
// serialised inside, while the callers' on_page work runs in parallel.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace waymark::pdf {

struct Limits {
  int max_pages = 2000;
  std::int64_t max_text_bytes_per_page = 256 * 1024;
};

struct Info {
  int page_count = 0;
  bool has_text = false;  // false: a scan without a text layer
  std::string title;      // from the document information, one line of UTF-8; may be empty
  std::string author;
  std::int64_t text_bytes = 0;  // the bytes passed to on_page, all pages together
};

// Opens the PDF at `path` and calls on_page(number (1-based), utf8_text) for
// each page in order, so that callers never hold the whole document's text.
// The text is valid UTF-8 in reading order: one line per line of the page,
// control characters dropped, runs of spaces collapsed, at most one blank
// line in a row, trimmed, cut at limits.max_text_bytes_per_page on a
// character boundary. A page poppler cannot read gives "" and the pages
// after it are still read.
//
// Errors: UnsupportedMediaType when the file does not start with "%PDF-";
// InvalidArgument "the PDF is encrypted" (a user password is needed) or "the
// PDF is damaged: ..." when poppler cannot open it; PayloadTooLarge with more
// than limits.max_pages pages; Internal when the file cannot be read. A
// non-OK status from on_page stops the extraction and is returned as it is.
Result<Info> ExtractText(const std::string& path, const Limits& limits,
                         const std::function<Status(int page, std::string_view text)>& on_page);

// The normalisation ExtractText applies to each page (exposed for tests):
// `text` (any bytes) as described above, cut at `max_bytes`. `saw_text` is set
// when the input had any visible character, even past the cut.
std::string NormalizePageText(std::string_view text, std::int64_t max_bytes, bool* saw_text = nullptr);

}  // namespace waymark::pdf
