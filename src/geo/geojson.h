// GeoJSON (RFC 7946) geometries: parsing with limits and located errors,
// compact output, bounds and a representative point.
//
// Everything here is a plain value and a pure function: no global state,
// safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace waymark::geo {

// Degrees, WGS 84. lon in -180..180, lat in -90..90 for anything that came
// through ParseGeoJson.
struct Position {
  double lon = 0;
  double lat = 0;
  bool operator==(const Position&) const = default;
};

// A sequence of positions: a polygon ring (closed: the last position equals
// the first), a line, or a single point.
using Ring = std::vector<Position>;

// One geometry of RFC 7946: Point, MultiPoint, LineString, MultiLineString,
// Polygon or MultiPolygon (GeometryCollection is not supported).
//
// `parts` holds one entry per member of the geometry; the single kinds
// (Point, LineString, Polygon) have exactly one part:
//   Point, MultiPoint:           each part is one ring of one position.
//   LineString, MultiLineString: each part is one ring holding the line.
//   Polygon, MultiPolygon:       each part is a polygon: its rings, outer first,
//                                then the holes.
// A Geometry from ParseGeoJson always has at least one part and every ring
// is non-empty (lines >= 2 positions, polygon rings >= 4 and closed).
struct Geometry {
  enum class Kind { kPoint, kMultiPoint, kLineString, kMultiLineString, kPolygon, kMultiPolygon };
  Kind kind = Kind::kPoint;
  std::vector<std::vector<Ring>> parts;

  bool operator==(const Geometry&) const = default;

  // Convenience builders (no validation).
  static Geometry Point(Position p) { return {Kind::kPoint, {{{p}}}}; }
  static Geometry Polygon(std::vector<Ring> rings) { return {Kind::kPolygon, {std::move(rings)}}; }
  static Geometry LineString(Ring line) { return {Kind::kLineString, {{std::move(line)}}}; }
};

// A bounding box in degrees. As in RFC 7946 section 5.2, a geometry that
// crosses the antimeridian has west > east (e.g. west 170, east -170).
struct Bounds {
  double west = 0;
  double south = 0;
  double east = 0;
  double north = 0;
  bool operator==(const Bounds&) const = default;
};

// What ParseGeoJson accepts at most. The defaults suit a hand-drawn or
// imported area of a case study, not a country's full-resolution border.
struct Limits {
  int max_positions = 20000;        // positions over the whole geometry
  std::size_t max_bytes = 1 << 20;  // size of the text
  int max_depth = 8;                // nesting of JSON arrays and objects
};

// Reads a GeoJSON Geometry object, a Feature (its geometry), or a
// FeatureCollection holding exactly one feature. Members other than "type",
// "coordinates", "geometry" and "features" (bbox, properties, id, foreign
// members) are ignored. A position may hold more than two numbers (altitude
// and beyond are ignored), not fewer. Rings that cross the antimeridian are
// kept as given (no splitting); winding order is not checked.
//
// Errors (never throws, whatever the input):
//   PayloadTooLarge: the text is longer than limits.max_bytes.
//   InvalidArgument: not JSON, or nested deeper than limits.max_depth; the
//     message starts with "line L, column C: " (1-based, column in bytes).
//   Validation: well-formed JSON that is not an acceptable geometry. The
//     message is "<path>: <problem>", the path a JSON path from the top of
//     the document, e.g.
//       "coordinates[0][3]: latitude 95 is outside -90..90"
//       "coordinates[0]: a ring needs at least 4 positions"
//       "coordinates[0]: a ring must end where it starts"
//       "type: 'Circle' is not a GeoJSON geometry type"
//       "coordinates: more than 20000 positions"
//       "features[0].geometry.coordinates[1]: a position needs at least 2 numbers"
//     and fields() is {{"geojson", <the same message>}} so a form can show it
//     beside its GeoJSON field (rename the key as needed).
Result<Geometry> ParseGeoJson(std::string_view text, const Limits& limits = {});

// The geometry as a compact GeoJSON Geometry object, numbers with at most 6
// decimals (about 0.1 m) and no trailing zeros. ParseGeoJson(ToGeoJson(g))
// gives back g up to that rounding (exactly, for g from ParseGeoJson of
// coordinates with at most 6 decimals).
std::string ToGeoJson(const Geometry& g);

// The smallest box holding every position (see Bounds for the antimeridian).
// REQUIRES: g has at least one position (true for any parsed geometry);
// otherwise all zeros.
Bounds BoundsOf(const Geometry& g);

// A representative point, e.g. where to put a marker or a label:
//   Point, MultiPoint:           the (first) point.
//   LineString, MultiLineString: the point halfway along the longest line
//                                (on the line, a vertex or between two).
//   Polygon, MultiPolygon:       the area-weighted centroid of the outer ring
//                                of the polygon whose outer ring is largest
//                                (area in degrees scaled by cos(latitude);
//                                the mean of its vertices if it has no area).
//                                Rings and lines that cross the antimeridian
//                                are handled; the result is in -180..180.
// The centroid of a concave ring may lie outside it.
// REQUIRES: as for BoundsOf; otherwise {0, 0}.
Position Anchor(const Geometry& g);

// "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
// "MultiPolygon".
std::string_view KindName(Geometry::Kind k);

}  // namespace waymark::geo
