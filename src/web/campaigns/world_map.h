// A server-rendered world map: a standalone SVG document with one <path> per
// country, the given countries highlighted. No script, no external
// resources, no inline CSS (the site's CSP forbids inline styles), so it
// works both inline in a page and served as image/svg+xml.
//
// The outlines come from web/maps/world-110m.tsv (Natural Earth 1:110m via
// the npm package world-atlas; see web/maps/SOURCE.md and tools/world-map),
// embedded into the binary: one line per country, "ALPHA3<TAB>path-d", in
// a plate carrée projection onto a 1000x500 box (x = (lon + 180) / 360 *
// 1000, y = (90 - lat) / 180 * 500), without Antarctica. Features without an
// ISO code (N. Cyprus, Somaliland) carry the code "-" and are never
// highlighted; Kosovo is "XKX". Very small countries (Malta, Singapore,
// Andorra, most island states) are not in the 110m data at all: check
// WorldMapHasCountry() and list those in text beside the map.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace waymark::web {

struct WorldMapShape {
  std::string code;  // ISO 3166-1 alpha-3 ("FRA"), "XKX", or "-" for none
  std::string path;  // SVG path data in the 1000x500 box
};

// Parses the data file format. Lines that do not have the form
// "CODE<TAB>PATH" with a three-letter upper-case code (or "-") and path data
// made only of the characters the generator writes are skipped, so a damaged
// file can never inject markup.
std::vector<WorldMapShape> ParseWorldMapShapes(std::string_view tsv);

// The embedded shapes, parsed on first use (thread-safe static
// initialisation) and immutable afterwards.
const std::vector<WorldMapShape>& WorldMapShapes();

// True when the embedded map draws `alpha3` (upper case), so that it can
// be highlighted; false for unknown codes and countries too small for the
// 110m data.
bool WorldMapHasCountry(std::string_view alpha3);

// A complete SVG document (xmlns, viewBox, role="img", <title>, <desc>) with
// every shape drawn in a light fill. Each country present in `countries`
// (alpha-3 code -> number, e.g. campaigns reaching it) is filled darker,
// carries class="wm-hit" and an inner <title> "CODE: N" shown on hover.
// Codes the map does not draw are ignored. `title` and `desc` are
// XML-escaped. Thread-safe.
std::string RenderWorldMapSvg(const std::map<std::string, int>& countries, const std::string& title,
                              const std::string& desc);

// The same over explicit shapes (tests, or a caller with its own data).
std::string RenderWorldMapSvg(const std::vector<WorldMapShape>& shapes,
                              const std::map<std::string, int>& countries, const std::string& title,
                              const std::string& desc);

}  // namespace waymark::web
