// Demo data of the library module: a dozen items written for the demo (in
// our own words, about fictional studies; no real abstract is copied), each
// with a small PDF generated here (one of them a scan without text), added
// through the service as their organisations would and published. Needs the
// accounts demo. Idempotent: an item whose slug exists is skipped. The PDFs'
// text is extracted by `extractor` before this returns, so the demo is
// searchable at once.
#pragma once

#include "core/status.h"
#include "domain/library/library_service.h"

namespace waymark::demo {

// Returns how many items were added.
Result<int> LoadLibrary(library::LibraryService& svc, library::TextExtractor& extractor);

}  // namespace waymark::demo
