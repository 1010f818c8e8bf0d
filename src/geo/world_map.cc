#include "geo/world_map.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "geo/json_text.h"
#include "geo/svg_path.h"

namespace waymark::geo {

namespace {

using internal::Tenths;
using Json = nlohmann::json;

// The deepest nesting in a TopoJSON topology: topology, objects, the
// collection, geometries, a geometry, arcs, polygon, ring; arcs are shallower.
constexpr int kTopoJsonMaxDepth = 16;
// The southern edge of crop_polar: countries wholly south of it are left out.
constexpr double kCropSouthLat = -60;

Status Malformed(const std::string& path, const std::string& problem) {
  return Status::InvalidArgument("TopoJSON " + path + ": " + problem);
}

struct Transform {
  bool quantized = false;
  double scale_x = 1;
  double scale_y = 1;
  double translate_x = 0;
  double translate_y = 0;
};

Result<std::pair<double, double>> NumberPair(const Json& j, const std::string& path) {
  if (!j.is_array() || j.size() < 2 || !j[0].is_number() || !j[1].is_number()) {
    return Malformed(path, "expected two numbers");
  }
  const double a = j[0].get<double>();
  const double b = j[1].get<double>();
  if (!std::isfinite(a) || !std::isfinite(b)) return Malformed(path, "expected finite numbers");
  return std::make_pair(a, b);
}

Result<Transform> ReadTransform(const Json& topology) {
  Transform t;
  const auto found = topology.find("transform");
  if (found == topology.end() || found->is_null()) return t;
  if (!found->is_object()) return Malformed("transform", "expected an object");
  const auto scale = found->find("scale");
  const auto translate = found->find("translate");
  if (scale == found->end() || translate == found->end())
    return Malformed("transform", "needs scale and translate");
  WM_ASSIGN_OR_RETURN(auto s, NumberPair(*scale, "transform.scale"));
  WM_ASSIGN_OR_RETURN(auto tr, NumberPair(*translate, "transform.translate"));
  t.quantized = true;
  t.scale_x = s.first;
  t.scale_y = s.second;
  t.translate_x = tr.first;
  t.translate_y = tr.second;
  return t;
}

struct Arc {
  Ring points;
  double north = -90;  // northernmost latitude
};

Result<std::vector<Arc>> ReadArcs(const Json& topology, const Transform& t) {
  const auto arcs = topology.find("arcs");
  if (arcs == topology.end() || !arcs->is_array()) return Malformed("arcs", "expected an array");
  std::vector<Arc> out;
  out.reserve(arcs->size());
  for (std::size_t i = 0; i < arcs->size(); ++i) {
    const Json& arc = (*arcs)[i];
    const std::string path = "arcs[" + std::to_string(i) + "]";
    if (!arc.is_array() || arc.empty()) return Malformed(path, "expected an array of positions");
    Arc decoded;
    decoded.points.reserve(arc.size());
    double x = 0;
    double y = 0;
    for (std::size_t k = 0; k < arc.size(); ++k) {
      WM_ASSIGN_OR_RETURN(auto p, NumberPair(arc[k], path + "[" + std::to_string(k) + "]"));
      double lon = p.first;
      double lat = p.second;
      if (t.quantized) {
        x += p.first;  // delta-encoded
        y += p.second;
        lon = x * t.scale_x + t.translate_x;
        lat = y * t.scale_y + t.translate_y;
      }
      // A little slack for quantization; far-off values would overflow the
      // projection's integers.
      if (!(std::abs(lon) <= 360 && std::abs(lat) <= 91)) {
        return Malformed(path + "[" + std::to_string(k) + "]", "position is off the globe");
      }
      decoded.points.push_back({lon, lat});
      decoded.north = std::max(decoded.north, lat);
    }
    out.push_back(std::move(decoded));
  }
  return out;
}

// Appends a ring made of arcs (indices, ~i for arc i reversed) to `path`;
// returns the ring's northernmost latitude.
Result<double> AppendRing(std::string& path_data, const Json& ring, const std::vector<Arc>& arcs,
                          const std::string& path) {
  if (!ring.is_array()) return Malformed(path, "expected an array of arc indices");
  Ring points;
  double north = -90;
  for (std::size_t k = 0; k < ring.size(); ++k) {
    const Json& ref = ring[k];
    if (!ref.is_number_integer())
      return Malformed(path + "[" + std::to_string(k) + "]", "expected an arc index");
    const auto index = ref.get<std::int64_t>();
    const std::int64_t arc_index = index < 0 ? -(index + 1) : index;  // ~i
    if (arc_index >= static_cast<std::int64_t>(arcs.size())) {
      return Malformed(path + "[" + std::to_string(k) + "]", "no arc " + std::to_string(index));
    }
    const Arc& arc = arcs[static_cast<std::size_t>(arc_index)];
    north = std::max(north, arc.north);
    // Each arc after the first starts where the previous one ended.
    const std::size_t skip = points.empty() ? 0 : 1;
    if (index >= 0) {
      points.insert(points.end(),
                    arc.points.begin() + static_cast<std::ptrdiff_t>(std::min(skip, arc.points.size())),
                    arc.points.end());
    } else {
      points.insert(points.end(),
                    arc.points.rbegin() + static_cast<std::ptrdiff_t>(std::min(skip, arc.points.size())),
                    arc.points.rend());
    }
  }
  // world-atlas keeps Russia and Fiji whole across the antimeridian.
  internal::AppendGeoRing(path_data, points, /*closed=*/true);
  return north;
}

// Links only to places that cannot run script: relative URLs and a few
// schemes.
bool IsSafeHref(std::string_view href) {
  if (href.empty()) return false;
  const std::size_t colon = href.find(':');
  const std::size_t stop = href.find_first_of("/?#");
  if (colon == std::string_view::npos || (stop != std::string_view::npos && stop < colon)) return true;
  std::string scheme(href.substr(0, colon));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

// One drawn element of a shape: its tag and attributes (after the tag name).
struct Element {
  std::string_view tag;
  std::string attributes;
};

Element Circle(Position p, std::int64_t radius_tenths, const std::string& class_attribute) {
  const Tenths c = internal::ToTenths(internal::ProjectX(p.lon), internal::ProjectY(p.lat));
  Element e{"circle", class_attribute};
  e.attributes += " cx=\"";
  internal::AppendNumber(e.attributes, c.x);
  e.attributes += "\" cy=\"";
  internal::AppendNumber(e.attributes, c.y);
  e.attributes += "\" r=\"";
  internal::AppendNumber(e.attributes, radius_tenths);
  e.attributes += "\"";
  return e;
}

void AppendTitle(std::string& out, const std::string& title) {
  if (title.empty()) return;
  out += "<title>";
  internal::AppendEscaped(out, title);
  out += "</title>";
}

void AppendShape(std::string& out, const MapShape& shape, std::int64_t radius_tenths) {
  std::string class_attribute;
  if (!shape.css_class.empty()) {
    class_attribute = " class=\"";
    internal::AppendEscaped(class_attribute, shape.css_class);
    class_attribute += "\"";
  }
  const Geometry& g = shape.geometry;
  std::vector<Element> elements;
  if (g.kind == Geometry::Kind::kPoint || g.kind == Geometry::Kind::kMultiPoint) {
    for (const auto& part : g.parts) {
      for (const Ring& ring : part) {
        for (const Position& p : ring) elements.push_back(Circle(p, radius_tenths, class_attribute));
      }
    }
  } else {
    const bool closed = g.kind == Geometry::Kind::kPolygon || g.kind == Geometry::Kind::kMultiPolygon;
    std::string d;
    bool drawn = false;
    for (const auto& part : g.parts) {
      for (const Ring& ring : part) drawn = internal::AppendGeoRing(d, ring, closed) || drawn;
    }
    if (drawn) {
      Element e{"path", class_attribute};
      if (!closed) e.attributes += " fill=\"none\"";
      e.attributes += " d=\"" + d + "\"";
      elements.push_back(std::move(e));
    } else if (!g.parts.empty()) {
      // Too small to see at this scale: a marker where it is.
      elements.push_back(Circle(Anchor(g), radius_tenths, class_attribute));
    }
  }
  if (elements.empty()) return;

  const bool linked = IsSafeHref(shape.href);
  if (!linked && elements.size() == 1) {
    const Element& e = elements.front();
    out += "<";
    out += e.tag;
    out += e.attributes;
    if (shape.title.empty()) {
      out += "/>";
    } else {
      out += ">";
      AppendTitle(out, shape.title);
      out += "</";
      out += e.tag;
      out += ">";
    }
    return;
  }
  if (linked) {
    out += "<a href=\"";
    internal::AppendEscaped(out, shape.href);
    out += "\">";
  } else {
    out += "<g>";
  }
  AppendTitle(out, shape.title);
  for (const Element& e : elements) {
    out += "<";
    out += e.tag;
    out += e.attributes;
    out += "/>";
  }
  out += linked ? "</a>" : "</g>";
}

}  // namespace

WorldMap::WorldMap(std::vector<Country> countries)
    : countries_(std::make_shared<const std::vector<Country>>(std::move(countries))) {
  for (const Country& c : *countries_) svg_bytes_ += c.path.size() + c.code.size() + 40;
}

Result<WorldMap> WorldMap::FromTopoJson(std::string_view topojson, std::string_view object) {
  if (auto too_deep = internal::CheckNesting(topojson, kTopoJsonMaxDepth)) {
    return too_deep->WithContext("TopoJSON");
  }
  auto parsed = internal::ParseJson(topojson);
  if (!parsed.ok()) return parsed.status().WithContext("TopoJSON");
  const Json& topology = *parsed;
  if (!topology.is_object()) return Malformed("top level", "expected an object");
  WM_ASSIGN_OR_RETURN(Transform transform, ReadTransform(topology));
  WM_ASSIGN_OR_RETURN(std::vector<Arc> arcs, ReadArcs(topology, transform));

  const std::string object_path = "objects." + std::string(object);
  const auto objects = topology.find("objects");
  if (objects == topology.end() || !objects->is_object()) return Malformed("objects", "expected an object");
  const auto collection = objects->find(object);
  if (collection == objects->end() || !collection->is_object()) return Malformed(object_path, "missing");
  const auto geometries = collection->find("geometries");
  if (geometries == collection->end() || !geometries->is_array()) {
    return Malformed(object_path + ".geometries", "expected an array");
  }

  std::vector<Country> countries;
  for (std::size_t i = 0; i < geometries->size(); ++i) {
    const Json& geometry = (*geometries)[i];
    const std::string path = object_path + ".geometries[" + std::to_string(i) + "]";
    if (!geometry.is_object()) return Malformed(path, "expected an object");
    const auto type = geometry.find("type");
    if (type == geometry.end()) return Malformed(path + ".type", "missing");
    if (type->is_null()) continue;  // a null object: nothing to draw
    if (!type->is_string()) return Malformed(path + ".type", "expected a string or null");
    const bool polygon = *type == "Polygon";
    if (!polygon && *type != "MultiPolygon") continue;  // nothing to fill
    const auto rings = geometry.find("arcs");
    if (rings == geometry.end() || !rings->is_array()) return Malformed(path + ".arcs", "expected an array");

    Country country;
    if (const auto id = geometry.find("id"); id != geometry.end()) {
      if (id->is_string()) {
        country.code = id->get<std::string>();
      } else if (id->is_number_integer()) {
        country.code = std::to_string(id->get<std::int64_t>());
      }
    }
    if (const auto properties = geometry.find("properties");
        properties != geometry.end() && properties->is_object()) {
      if (const auto name = properties->find("name"); name != properties->end() && name->is_string()) {
        country.name = name->get<std::string>();
      }
    }
    country.north = -90;
    // A Polygon's arcs are its rings; a MultiPolygon's, its polygons' rings.
    const std::size_t polygons = polygon ? 1 : rings->size();
    for (std::size_t p = 0; p < polygons; ++p) {
      const Json& polygon_rings = polygon ? *rings : (*rings)[p];
      const std::string polygon_path = polygon ? path + ".arcs" : path + ".arcs[" + std::to_string(p) + "]";
      if (!polygon_rings.is_array()) return Malformed(polygon_path, "expected an array of rings");
      for (std::size_t r = 0; r < polygon_rings.size(); ++r) {
        WM_ASSIGN_OR_RETURN(double north, AppendRing(country.path, polygon_rings[r], arcs,
                                                     polygon_path + "[" + std::to_string(r) + "]"));
        country.north = std::max(country.north, north);
      }
    }
    countries.push_back(std::move(country));
  }
  return WorldMap(std::move(countries));
}

std::string WorldMap::Svg(const MapOptions& options) const {
  const bool any_link = std::any_of(options.shapes.begin(), options.shapes.end(),
                                    [](const MapShape& s) { return IsSafeHref(s.href); });
  std::string out;
  out.reserve(svg_bytes_ + 256 + options.shapes.size() * 256);
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"";
  out += options.crop_polar ? "0 13.9 1000 402.8" : "0 0 1000 500";
  // role="img" hides what is inside from assistive technology, links too;
  // a map with links is a group of them.
  out += any_link ? "\" role=\"group\"" : "\" role=\"img\"";
  if (!options.aria_label.empty()) {
    out += " aria-label=\"";
    internal::AppendEscaped(out, options.aria_label);
    out += "\"";
  }
  out += " fill-rule=\"evenodd\">";

  for (const Country& c : *countries_) {
    if (c.path.empty() || (options.crop_polar && c.north < kCropSouthLat)) continue;
    out += "<path";
    if (!c.code.empty()) {
      out += " id=\"c-";
      internal::AppendEscaped(out, c.code);
      out += "\"";
    }
    out += " class=\"";
    const auto cls = options.country_class.find(c.code);
    internal::AppendEscaped(out,
                            cls == options.country_class.end() || cls->second.empty() ? "land" : cls->second);
    out += "\" d=\"";
    out += c.path;
    out += "\"";
    const auto title = options.country_title.find(c.code);
    if (c.code.empty() || title == options.country_title.end() || title->second.empty()) {
      out += "/>";
    } else {
      out += ">";
      AppendTitle(out, title->second);
      out += "</path>";
    }
  }

  const double radius = std::isfinite(options.point_radius) && options.point_radius > 0
                            ? std::min(options.point_radius, internal::kMapWidth)
                            : MapOptions{}.point_radius;
  const std::int64_t radius_tenths = std::max<std::int64_t>(1, std::llround(radius * 10));
  for (const MapShape& shape : options.shapes) AppendShape(out, shape, radius_tenths);
  out += "</svg>";
  return out;
}

std::string_view WorldMap::country_name(std::string_view code) const {
  if (code.empty()) return {};
  for (const Country& c : *countries_) {
    if (c.code == code) return c.name;
  }
  return {};
}

std::vector<std::string> WorldMap::country_codes() const {
  std::vector<std::string> codes;
  for (const Country& c : *countries_) {
    if (!c.code.empty()) codes.push_back(c.code);
  }
  return codes;
}

}  // namespace waymark::geo
