// The library's TextExtractor over wm_pdf (poppler).
#pragma once

#include <memory>

#include "domain/library/library_service.h"

namespace waymark::app {

// Copies the bytes, a piece at a time, to a private temporary file (poppler
// reads from a path, page by page) and extracts its text. Thread-safe.
std::unique_ptr<library::TextExtractor> MakePdfExtractor();

}  // namespace waymark::app
