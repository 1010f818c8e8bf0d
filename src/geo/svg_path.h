// Internal to wm_geo: the equirectangular projection and compact SVG
// output shared by the base map and the shapes drawn over it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "geo/geojson.h"

namespace waymark::geo::internal {

constexpr double kMapWidth = 1000;
constexpr double kMapHeight = 500;

// A point on the map plane, in tenths of a map unit (the SVG's precision).
struct Tenths {
  std::int64_t x = 0;
  std::int64_t y = 0;
  bool operator==(const Tenths&) const = default;
};

// Map units of `p`, not rounded: x = (lon + 180) / 360 * 1000,
// y = (90 - lat) / 180 * 500. Longitudes outside -180..180 (unwrapped rings)
// land outside 0..1000.
inline double ProjectX(double lon) { return (lon + 180) / 360 * kMapWidth; }
inline double ProjectY(double lat) { return (90 - lat) / 180 * kMapHeight; }
Tenths ToTenths(double x, double y);

// `ring` with its longitudes made continuous: each step between neighbours
// is at most 180 degrees, so a ring crossing the antimeridian (170 -> -170)
// runs on past 180 (170 -> 190) instead of back across the whole map.
Ring Unwrapped(const Ring& ring);

// Appends the number `tenths` / 10 ("12", "-3.4") to `out`, with a space
// before it when the previous character would run into it.
void AppendNumber(std::string& out, std::int64_t tenths);

// Appends the polyline `points` as "M x y l dx dy ...", with "z" if
// `closed` (a closing point equal to the first is dropped). Repeated points
// are skipped. Appends nothing, and returns false, if fewer than 2 distinct
// points (3 when closed) remain: nothing visible to draw.
bool AppendPolyline(std::string& out, const std::vector<Tenths>& points, bool closed);

// Appends the ring or line `ring` (degrees) as with AppendPolyline, made
// continuous across the antimeridian (see Unwrapped) and drawn a second
// time a world-width away when it runs off either edge of the map, so both
// sides show. A closed ring that circles a pole (Antarctica: unwrapped, it
// does not come back to its start) is drawn as given. Returns whether
// anything visible was drawn.
bool AppendGeoRing(std::string& out, const Ring& ring, bool closed);

// `s` escaped for XML text and attribute values: & < > " ' as entities,
// tab/newline/CR as character references, other control characters and
// U+FFFE/U+FFFF dropped, invalid UTF-8 replaced by '?'.
void AppendEscaped(std::string& out, std::string_view s);

}  // namespace waymark::geo::internal
