// ISO 3166-1 numeric codes, which world-atlas's TopoJSON uses as feature ids.
#pragma once

#include <string_view>

namespace waymark::web::evidence_web {

// "AFG" -> "004"; "" for a code that has none (XKX, IDMC's AB9, ...).
std::string_view IsoNumeric(std::string_view alpha3);

}  // namespace waymark::web::evidence_web
