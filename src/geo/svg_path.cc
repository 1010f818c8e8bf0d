#include "geo/svg_path.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "core/strings.h"

namespace waymark::geo::internal {

namespace {

bool EndsWithDigit(const std::string& out) { return !out.empty() && out.back() >= '0' && out.back() <= '9'; }

void AppendCommand(std::string& out, char command, char& last) {
  if (command != last) out.push_back(command);
  last = command;
}

}  // namespace

Tenths ToTenths(double x, double y) {
  // Coordinates from ParseGeoJson or the topology are small; anything else
  // (a hand-built geometry) is held far off the map rather than overflowing.
  static constexpr double kFar = 1e7;
  const auto clamp = [](double v) { return std::isfinite(v) ? std::clamp(v * 10, -kFar, kFar) : kFar; };
  return {std::llround(clamp(x)), std::llround(clamp(y))};
}

Ring Unwrapped(const Ring& ring) {
  Ring out = ring;
  for (std::size_t i = 1; i < out.size(); ++i) {
    const double step = std::remainder(ring[i].lon - ring[i - 1].lon, 360.0);
    out[i].lon = out[i - 1].lon + step;
  }
  return out;
}

void AppendNumber(std::string& out, std::int64_t tenths) {
  if (tenths >= 0 && EndsWithDigit(out)) out.push_back(' ');
  if (tenths < 0) out.push_back('-');
  const std::uint64_t magnitude =
      tenths < 0 ? static_cast<std::uint64_t>(-(tenths + 1)) + 1 : static_cast<std::uint64_t>(tenths);
  std::array<char, 24> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), magnitude / 10);
  out.append(buffer.data(), end);
  if (const auto fraction = magnitude % 10; fraction != 0) {
    out.push_back('.');
    out.push_back(static_cast<char>('0' + fraction));
  }
}

bool AppendPolyline(std::string& out, const std::vector<Tenths>& points, bool closed) {
  std::vector<Tenths> kept;
  kept.reserve(points.size());
  for (const Tenths& p : points) {
    if (kept.empty() || !(kept.back() == p)) kept.push_back(p);
  }
  if (closed && kept.size() > 1 && kept.back() == kept.front()) kept.pop_back();
  if (kept.size() < (closed ? 3U : 2U)) return false;
  char last = 0;
  AppendCommand(out, 'M', last);
  AppendNumber(out, kept[0].x);
  AppendNumber(out, kept[0].y);
  for (std::size_t i = 1; i < kept.size(); ++i) {
    const std::int64_t dx = kept[i].x - kept[i - 1].x;
    const std::int64_t dy = kept[i].y - kept[i - 1].y;
    if (dy == 0) {
      AppendCommand(out, 'h', last);
      AppendNumber(out, dx);
    } else if (dx == 0) {
      AppendCommand(out, 'v', last);
      AppendNumber(out, dy);
    } else {
      AppendCommand(out, 'l', last);
      AppendNumber(out, dx);
      AppendNumber(out, dy);
    }
  }
  if (closed) out.push_back('z');
  return true;
}

bool AppendGeoRing(std::string& d, const Ring& given, bool closed) {
  if (given.empty()) return false;
  Ring ring = Unwrapped(given);
  if (closed && std::abs(ring.back().lon - ring.front().lon) > 1) ring = given;  // around a pole
  std::vector<Tenths> points;
  points.reserve(ring.size());
  std::int64_t min_x = 0;
  std::int64_t max_x = 0;
  for (const Position& p : ring) {
    points.push_back(ToTenths(ProjectX(p.lon), ProjectY(p.lat)));
    min_x = points.size() == 1 ? points.back().x : std::min(min_x, points.back().x);
    max_x = points.size() == 1 ? points.back().x : std::max(max_x, points.back().x);
  }
  if (!AppendPolyline(d, points, closed)) return false;
  const auto world = static_cast<std::int64_t>(kMapWidth * 10);
  for (const std::int64_t shift : {max_x > world ? -world : 0, min_x < 0 ? world : 0}) {
    if (shift == 0) continue;
    for (Tenths& p : points) p.x += shift;
    AppendPolyline(d, points, closed);
    for (Tenths& p : points) p.x -= shift;
  }
  return true;
}

void AppendEscaped(std::string& out, std::string_view s) {
  const std::string clean = IsValidUtf8(s) ? std::string(s) : SanitizeUtf8(s, s.size());
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const char c = clean[i];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) break;  // not allowed in XML 1.0, even escaped
        // U+FFFE and U+FFFF (EF BF BE/BF) are not XML characters either.
        if (static_cast<unsigned char>(c) == 0xEF && i + 2 < clean.size() &&
            static_cast<unsigned char>(clean[i + 1]) == 0xBF &&
            (static_cast<unsigned char>(clean[i + 2]) & 0xFE) == 0xBE) {
          i += 2;
          break;
        }
        out.push_back(c);
    }
  }
}

}  // namespace waymark::geo::internal
