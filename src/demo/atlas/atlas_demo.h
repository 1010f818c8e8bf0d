// Demo data of the Atlas: three case studies in our own words (a coastal
// delta, a dryland, an island village that moved), each placed on the map
// and citing demo library items; twenty glossary terms in en/fr/es; two
// thematic pages. Needs the accounts and library demos. Idempotent: what
// exists (by slug) is skipped.
#pragma once

#include "core/status.h"
#include "domain/atlas/atlas_service.h"
#include "domain/library/library_service.h"

namespace waymark::demo {

// Returns how many case studies were added.
Result<int> LoadAtlas(atlas::AtlasService& svc, library::LibraryService& library);

}  // namespace waymark::demo
