#include "geo/geojson.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>

#include "geo/json_text.h"
#include "geo/svg_path.h"

namespace waymark::geo {

namespace {

using Json = nlohmann::json;

std::string Member(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}
std::string Index(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string_view JsonTypeName(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "a number";
    default: return "something else";
  }
}

// Walks a parsed document, checking it against RFC 7946 and the limits; the
// first problem found ends the walk.
class Reader {
 public:
  explicit Reader(const Limits& limits) : limits_(limits) {}

  Result<Geometry> Document(const Json& j) {
    if (!j.is_object())
      return Error("", std::string("expected a GeoJSON object, found ") + std::string(JsonTypeName(j)));
    WM_ASSIGN_OR_RETURN(std::string type, Type(j, ""));
    if (type == "FeatureCollection") {
      const auto features = j.find("features");
      if (features == j.end() || !features->is_array())
        return Error("features", "expected an array of features");
      if (features->size() != 1) {
        return Error("features", "expected exactly one feature, found " + std::to_string(features->size()));
      }
      const Json& feature = (*features)[0];
      const std::string path = "features[0]";
      if (!feature.is_object()) return Error(path, "expected a Feature object");
      WM_ASSIGN_OR_RETURN(std::string feature_type, Type(feature, path));
      if (feature_type != "Feature") return Error(Member(path, "type"), "expected 'Feature'");
      return Feature(feature, path);
    }
    if (type == "Feature") return Feature(j, "");
    return GeometryObject(j, "", type);
  }

 private:
  static Status Error(const std::string& path, const std::string& problem) {
    std::string message = path.empty() ? "top level: " + problem : path + ": " + problem;
    return Status::Validation({{"geojson", message}}, message);
  }

  static Result<std::string> Type(const Json& object, const std::string& path) {
    const auto type = object.find("type");
    if (type == object.end()) return Error(Member(path, "type"), "missing");
    if (!type->is_string()) return Error(Member(path, "type"), "expected a string");
    return type->get<std::string>();
  }

  Result<Geometry> Feature(const Json& feature, const std::string& path) {
    const std::string geometry_path = Member(path, "geometry");
    const auto geometry = feature.find("geometry");
    if (geometry == feature.end()) return Error(geometry_path, "missing");
    if (geometry->is_null()) return Error(geometry_path, "the feature has no geometry (null)");
    if (!geometry->is_object()) return Error(geometry_path, "expected a geometry object");
    WM_ASSIGN_OR_RETURN(std::string type, Type(*geometry, geometry_path));
    return GeometryObject(*geometry, geometry_path, type);
  }

  Result<Geometry> GeometryObject(const Json& object, const std::string& path, const std::string& type) {
    static const std::map<std::string, Geometry::Kind, std::less<>> kKinds = {
        {"Point", Geometry::Kind::kPoint},           {"MultiPoint", Geometry::Kind::kMultiPoint},
        {"LineString", Geometry::Kind::kLineString}, {"MultiLineString", Geometry::Kind::kMultiLineString},
        {"Polygon", Geometry::Kind::kPolygon},       {"MultiPolygon", Geometry::Kind::kMultiPolygon},
    };
    const auto kind = kKinds.find(type);
    if (kind == kKinds.end()) {
      if (type == "GeometryCollection" || type == "Feature" || type == "FeatureCollection") {
        return Error(Member(path, "type"), internal::Quote(type) + " is not supported here");
      }
      return Error(Member(path, "type"), internal::Quote(type) + " is not a GeoJSON geometry type");
    }
    const std::string at = Member(path, "coordinates");
    coordinates_path_ = at;
    const auto found = object.find("coordinates");
    if (found == object.end()) return Error(at, "missing");
    const Json& c = *found;
    Geometry g;
    g.kind = kind->second;
    switch (g.kind) {
      case Geometry::Kind::kPoint: {
        WM_ASSIGN_OR_RETURN(Position p, ReadPosition(c, at));
        g.parts.push_back({{p}});
        break;
      }
      case Geometry::Kind::kMultiPoint: {
        WM_RETURN_IF_ERROR(NonEmptyArray(c, at, "point"));
        for (std::size_t i = 0; i < c.size(); ++i) {
          WM_ASSIGN_OR_RETURN(Position p, ReadPosition(c[i], Index(at, i)));
          g.parts.push_back({{p}});
        }
        break;
      }
      case Geometry::Kind::kLineString: {
        WM_ASSIGN_OR_RETURN(Ring line, ReadLine(c, at));
        g.parts.push_back({std::move(line)});
        break;
      }
      case Geometry::Kind::kMultiLineString: {
        WM_RETURN_IF_ERROR(NonEmptyArray(c, at, "line"));
        for (std::size_t i = 0; i < c.size(); ++i) {
          WM_ASSIGN_OR_RETURN(Ring line, ReadLine(c[i], Index(at, i)));
          g.parts.push_back({std::move(line)});
        }
        break;
      }
      case Geometry::Kind::kPolygon: {
        WM_ASSIGN_OR_RETURN(std::vector<Ring> polygon, ReadPolygon(c, at));
        g.parts.push_back(std::move(polygon));
        break;
      }
      case Geometry::Kind::kMultiPolygon: {
        WM_RETURN_IF_ERROR(NonEmptyArray(c, at, "polygon"));
        for (std::size_t i = 0; i < c.size(); ++i) {
          WM_ASSIGN_OR_RETURN(std::vector<Ring> polygon, ReadPolygon(c[i], Index(at, i)));
          g.parts.push_back(std::move(polygon));
        }
        break;
      }
    }
    return g;
  }

  static Status NonEmptyArray(const Json& j, const std::string& path, std::string_view what) {
    if (!j.is_array()) return Error(path, "expected an array, found " + std::string(JsonTypeName(j)));
    if (j.empty()) return Error(path, "expected at least one " + std::string(what));
    return Status::Ok();
  }

  Result<Position> ReadPosition(const Json& j, const std::string& path) {
    if (!j.is_array())
      return Error(path, "expected a position [longitude, latitude], found " + std::string(JsonTypeName(j)));
    if (j.size() < 2) return Error(path, "a position needs at least 2 numbers");
    for (std::size_t i = 0; i < j.size(); ++i) {
      if (!j[i].is_number())
        return Error(Index(path, i), "expected a number, found " + std::string(JsonTypeName(j[i])));
    }
    const Position p{j[0].get<double>(), j[1].get<double>()};
    if (!std::isfinite(p.lon) || !std::isfinite(p.lat))
      return Error(path, "coordinates must be finite numbers");
    if (p.lon < -180 || p.lon > 180)
      return Error(path, fmt::format("longitude {} is outside -180..180", p.lon));
    if (p.lat < -90 || p.lat > 90) return Error(path, fmt::format("latitude {} is outside -90..90", p.lat));
    if (++positions_ > limits_.max_positions) {
      return Error(coordinates_path_, "more than " + std::to_string(limits_.max_positions) + " positions");
    }
    return p;
  }

  Result<Ring> ReadPositions(const Json& j, const std::string& path) {
    if (!j.is_array())
      return Error(path, "expected an array of positions, found " + std::string(JsonTypeName(j)));
    Ring ring;
    ring.reserve(std::min<std::size_t>(j.size(), 1024));
    for (std::size_t i = 0; i < j.size(); ++i) {
      WM_ASSIGN_OR_RETURN(Position p, ReadPosition(j[i], Index(path, i)));
      ring.push_back(p);
    }
    return ring;
  }

  Result<Ring> ReadLine(const Json& j, const std::string& path) {
    WM_ASSIGN_OR_RETURN(Ring line, ReadPositions(j, path));
    if (line.size() < 2) return Error(path, "a line needs at least 2 positions");
    return line;
  }

  Result<std::vector<Ring>> ReadPolygon(const Json& j, const std::string& path) {
    if (!j.is_array())
      return Error(path, "expected an array of rings, found " + std::string(JsonTypeName(j)));
    if (j.empty()) return Error(path, "a polygon needs at least one ring");
    std::vector<Ring> rings;
    for (std::size_t i = 0; i < j.size(); ++i) {
      const std::string ring_path = Index(path, i);
      WM_ASSIGN_OR_RETURN(Ring ring, ReadPositions(j[i], ring_path));
      if (ring.size() < 4) return Error(ring_path, "a ring needs at least 4 positions");
      if (!(ring.front() == ring.back())) return Error(ring_path, "a ring must end where it starts");
      rings.push_back(std::move(ring));
    }
    return rings;
  }

  const Limits& limits_;
  int positions_ = 0;
  std::string coordinates_path_;  // where the position limit is reported
};

void AppendCoordinate(std::string& out, double v) {
  std::string s = fmt::format("{:.6f}", v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  out += s;
}

void AppendPositions(std::string& out, const Ring& ring) {
  out.push_back('[');
  for (std::size_t i = 0; i < ring.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('[');
    AppendCoordinate(out, ring[i].lon);
    out.push_back(',');
    AppendCoordinate(out, ring[i].lat);
    out.push_back(']');
  }
  out.push_back(']');
}

void AppendRings(std::string& out, const std::vector<Ring>& rings) {
  out.push_back('[');
  for (std::size_t i = 0; i < rings.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendPositions(out, rings[i]);
  }
  out.push_back(']');
}

double NormalizedLon(double lon) {
  const double r = std::remainder(lon, 360.0);  // -180..180
  return r == -180 ? 180 : r;
}

struct Centroid {
  Position at;
  double weight = 0;  // area, roughly in square degrees at the equator
};

// The area-weighted centroid of a closed ring (the mean of its vertices if
// it has no area).
Centroid RingCentroid(const Ring& given) {
  const Ring ring = internal::Unwrapped(given);
  // Relative to the first vertex, to keep the products small.
  const Position o = ring.front();
  double twice_area = 0;
  double cx = 0;
  double cy = 0;
  for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
    const double x0 = ring[i].lon - o.lon;
    const double y0 = ring[i].lat - o.lat;
    const double x1 = ring[i + 1].lon - o.lon;
    const double y1 = ring[i + 1].lat - o.lat;
    const double cross = x0 * y1 - x1 * y0;
    twice_area += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  Centroid c;
  if (std::abs(twice_area) > 1e-12) {
    c.at = {o.lon + cx / (3 * twice_area), o.lat + cy / (3 * twice_area)};
    c.weight = std::abs(twice_area) / 2 * std::cos(c.at.lat * std::numbers::pi / 180);
  } else {
    // Degenerate (all vertices on a line): the mean of the distinct vertices.
    const std::size_t n = ring.size() > 1 && ring.front() == ring.back() ? ring.size() - 1 : ring.size();
    for (std::size_t i = 0; i < n; ++i) {
      c.at.lon += ring[i].lon / static_cast<double>(n);
      c.at.lat += ring[i].lat / static_cast<double>(n);
    }
  }
  c.at.lon = NormalizedLon(c.at.lon);
  return c;
}

// The point halfway along `line` (unwrapped across the antimeridian), and
// the line's length in degrees.
std::pair<Position, double> Middle(const Ring& given) {
  const Ring line = internal::Unwrapped(given);
  std::vector<double> lengths;
  double total = 0;
  for (std::size_t i = 0; i + 1 < line.size(); ++i) {
    lengths.push_back(std::hypot(line[i + 1].lon - line[i].lon, line[i + 1].lat - line[i].lat));
    total += lengths.back();
  }
  Position at = line.front();
  double walked = 0;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    if (walked + lengths[i] >= total / 2 && lengths[i] > 0) {
      const double t = (total / 2 - walked) / lengths[i];
      at = {line[i].lon + t * (line[i + 1].lon - line[i].lon),
            line[i].lat + t * (line[i + 1].lat - line[i].lat)};
      break;
    }
    walked += lengths[i];
  }
  at.lon = NormalizedLon(at.lon);
  return {at, total};
}

bool IsPolygonKind(Geometry::Kind k) {
  return k == Geometry::Kind::kPolygon || k == Geometry::Kind::kMultiPolygon;
}
bool IsLineKind(Geometry::Kind k) {
  return k == Geometry::Kind::kLineString || k == Geometry::Kind::kMultiLineString;
}

}  // namespace

Result<Geometry> ParseGeoJson(std::string_view text, const Limits& limits) {
  if (text.size() > limits.max_bytes) {
    return Status::PayloadTooLarge("GeoJSON is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  if (auto too_deep = internal::CheckNesting(text, limits.max_depth)) return *too_deep;
  WM_ASSIGN_OR_RETURN(Json json, internal::ParseJson(text));
  return Reader(limits).Document(json);
}

std::string ToGeoJson(const Geometry& g) {
  std::string out = "{\"type\":\"";
  out += KindName(g.kind);
  out += "\",\"coordinates\":";
  switch (g.kind) {
    case Geometry::Kind::kPoint:
      if (!g.parts.empty() && !g.parts[0].empty() && !g.parts[0][0].empty()) {
        const Position& p = g.parts[0][0][0];
        out.push_back('[');
        AppendCoordinate(out, p.lon);
        out.push_back(',');
        AppendCoordinate(out, p.lat);
        out.push_back(']');
      } else {
        out += "[]";
      }
      break;
    case Geometry::Kind::kMultiPoint: {
      Ring points;
      for (const auto& part : g.parts) {
        for (const Ring& ring : part) points.insert(points.end(), ring.begin(), ring.end());
      }
      AppendPositions(out, points);
      break;
    }
    case Geometry::Kind::kLineString:
      AppendPositions(out, g.parts.empty() || g.parts[0].empty() ? Ring{} : g.parts[0][0]);
      break;
    case Geometry::Kind::kMultiLineString: {
      std::vector<Ring> lines;
      for (const auto& part : g.parts) lines.insert(lines.end(), part.begin(), part.end());
      AppendRings(out, lines);
      break;
    }
    case Geometry::Kind::kPolygon:
      AppendRings(out, g.parts.empty() ? std::vector<Ring>{} : g.parts[0]);
      break;
    case Geometry::Kind::kMultiPolygon:
      out.push_back('[');
      for (std::size_t i = 0; i < g.parts.size(); ++i) {
        if (i > 0) out.push_back(',');
        AppendRings(out, g.parts[i]);
      }
      out.push_back(']');
      break;
  }
  out.push_back('}');
  return out;
}

Bounds BoundsOf(const Geometry& g) {
  bool any = false;
  double south = 0;
  double north = 0;
  double west = 0;
  double east = 0;
  // The same longitudes on 0..360, for boxes across the antimeridian.
  double west360 = 0;
  double east360 = 0;
  for (const auto& part : g.parts) {
    for (const Ring& ring : part) {
      for (const Position& p : ring) {
        const double lon360 = p.lon < 0 ? p.lon + 360 : p.lon;
        if (!any) {
          any = true;
          south = north = p.lat;
          west = east = p.lon;
          west360 = east360 = lon360;
          continue;
        }
        south = std::min(south, p.lat);
        north = std::max(north, p.lat);
        west = std::min(west, p.lon);
        east = std::max(east, p.lon);
        west360 = std::min(west360, lon360);
        east360 = std::max(east360, lon360);
      }
    }
  }
  if (east360 - west360 < east - west) {
    west = west360 > 180 ? west360 - 360 : west360;
    east = east360 > 180 ? east360 - 360 : east360;
  }
  return {west, south, east, north};
}

Position Anchor(const Geometry& g) {
  if (IsPolygonKind(g.kind)) {
    Centroid best;
    bool found = false;
    for (const auto& polygon : g.parts) {
      if (polygon.empty() || polygon[0].empty()) continue;
      const Centroid c = RingCentroid(polygon[0]);
      if (!found || c.weight > best.weight) best = c;
      found = true;
    }
    return best.at;
  }
  if (IsLineKind(g.kind)) {
    Position best;
    double longest = -1;
    for (const auto& part : g.parts) {
      for (const Ring& line : part) {
        if (line.empty()) continue;
        const auto [middle, length] = Middle(line);
        if (length > longest) {
          best = middle;
          longest = length;
        }
      }
    }
    return best;
  }
  for (const auto& part : g.parts) {
    for (const Ring& ring : part) {
      if (!ring.empty()) return ring.front();
    }
  }
  return {};
}

std::string_view KindName(Geometry::Kind k) {
  switch (k) {
    case Geometry::Kind::kPoint: return "Point";
    case Geometry::Kind::kMultiPoint: return "MultiPoint";
    case Geometry::Kind::kLineString: return "LineString";
    case Geometry::Kind::kMultiLineString: return "MultiLineString";
    case Geometry::Kind::kPolygon: return "Polygon";
    case Geometry::Kind::kMultiPolygon: return "MultiPolygon";
  }
  return "Geometry";
}

}  // namespace waymark::geo
