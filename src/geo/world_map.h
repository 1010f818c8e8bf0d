// A server-drawn SVG world map: countries from world-atlas's TopoJSON,
// optionally coloured, with shapes (points, lines, areas) drawn over them,
// for readers without JavaScript.
//
// Projection: equirectangular on a 1000 x 500 plane,
//   x = (lon + 180) / 360 * 1000,   y = (90 - lat) / 180 * 500,
// so lon 0, lat 0 is (500, 250). The viewBox is "0 0 1000 500" unless
// MapOptions::crop_polar asks for latitudes 85..-60 only.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "geo/geojson.h"

namespace waymark::geo {

// Something to draw over the countries.
struct MapShape {
  Geometry geometry;
  // Link target; "" for no link. Only relative URLs ("/atlas/12", "#x",
  // "?p=2", "case/3") and http/https/mailto URLs are linked: any other scheme
  // (javascript:, data:) draws the shape without the link.
  std::string href;
  std::string title;      // tooltip and accessible name ("" for none)
  std::string css_class;  // e.g. "hazard-flood"; "" for none
};

struct MapOptions {
  // Country classes by ISO 3166-1 numeric code as world-atlas spells it
  // ("004", "840"), e.g. "c3" for a choropleth step. Countries without an
  // entry (and the few without a code: N. Cyprus, Somaliland, Kosovo) get
  // class "land".
  std::map<std::string, std::string> country_class;
  // A <title> (tooltip, accessible name) per country code, e.g.
  // "Somalia: 1,200,000"; countries without one get no <title>.
  std::map<std::string, std::string> country_title;
  // Drawn in order, after (over) the countries.
  std::vector<MapShape> shapes;
  // The map's accessible name (aria-label); "" for none.
  std::string aria_label;
  // Radius of point markers, in map units (the map is 1000 wide).
  double point_radius = 6;
  // true: the viewBox shows latitudes 85..-60 only ("0 13.9 1000 402.8"; the
  // projection is unchanged) and countries wholly south of -60 (Antarctica)
  // are left out; shapes out there are drawn but outside the frame.
  bool crop_polar = false;
};

// The decoded base map. Immutable once built: copies are cheap to share and
// Svg() is const, touching no mutable state, so one WorldMap may serve every
// thread (build it once at startup).
class WorldMap {
 public:
  // Decodes a TopoJSON topology (world-atlas countries-110m.json) and the
  // GeometryCollection `object` in it: Polygon and MultiPolygon geometries
  // with "id" (ISO numeric) and "properties.name"; arcs quantized with a
  // "transform" and delta-encoded (or plain positions without a transform),
  // referenced as ~i when reversed. Other geometry types are skipped.
  // Errors: InvalidArgument naming what is malformed (never throws).
  static Result<WorldMap> FromTopoJson(std::string_view topojson, std::string_view object = "countries");

  // The whole map as one <svg> element (no XML prolog), in this order:
  //   <svg xmlns viewBox role aria-label fill-rule="evenodd">, role "img",
  //     or "group" when a shape is linked (inside role="img" assistive
  //     technology would not see the links);
  //   one <path id="c-<code>" class="..." d="..."> per country (no id
  //     attribute for a country without a code), with a <title> if given;
  //   then each shape: points as <circle>, lines as <path fill="none">,
  //     polygons as <path>, each carrying the shape's class. The shape's
  //     <title> is the first child of its <a href> when linked, of a <g>
  //     when it has several elements (MultiPoint), else of the element.
  //     A line or area too small to see at this scale is drawn as a point
  //     marker at its Anchor().
  // Coordinates are rounded to 0.1 unit; path data uses relative commands.
  // Text and attributes are escaped; control characters are dropped and
  // invalid UTF-8 is replaced. Lines and polygons that cross the
  // antimeridian are drawn unwrapped, once more shifted by a world width so
  // both sides show. CSS (fill, stroke) is the page's business. The ids
  // "c-<code>" are unique only if the page holds one map.
  // About 15 us and 86 KB (before compression) for the 110m map and 10
  // points in a release build.
  std::string Svg(const MapOptions& options) const;

  std::size_t country_count() const { return countries_->size(); }
  // The country's name from the topology ("Nigeria" for "566"), or "" if no
  // country has that code. Valid while this map (or a copy) lives.
  std::string_view country_name(std::string_view code) const;
  // The codes of all countries that have one, in the topology's order.
  std::vector<std::string> country_codes() const;

 private:
  struct Country {
    std::string code;  // "566"; "" when the topology gives none
    std::string name;
    std::string path;  // SVG path data, precomputed
    double north = 0;  // northernmost latitude, for crop_polar
  };
  explicit WorldMap(std::vector<Country> countries);

  // Shared, never modified after construction: copies of a WorldMap are
  // cheap and read the same countries.
  std::shared_ptr<const std::vector<Country>> countries_;
  std::size_t svg_bytes_ = 0;  // size of the country paths, to reserve in Svg()
};

}  // namespace waymark::geo
