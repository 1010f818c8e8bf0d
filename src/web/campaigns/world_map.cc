#include "web/campaigns/world_map.h"

#include <algorithm>
#include <cstddef>

#include "core/strings.h"

namespace waymark::web::embedded_maps {
const std::map<std::string_view, std::string_view>& Files();
}  // namespace waymark::web::embedded_maps

namespace waymark::web {
namespace {

constexpr std::string_view kDataFile = "world-110m.tsv";

// The data spans y = 18 (northern Greenland) to y = 404 (Tierra del Fuego)
// of the 1000x500 box; Antarctica is left out, so the picture is cropped to
// that band with a small margin.
constexpr std::string_view kViewBox = "0 10 1000 400";
constexpr std::string_view kLandFill = "#dfe3e8";
constexpr std::string_view kHitFill = "#0b4f8a";  // the site's --accent
constexpr std::string_view kBorder = "#fff";

bool IsCode(std::string_view code) {
  if (code == "-") return true;
  return code.size() == 3 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool IsPathData(std::string_view d) {
  return !d.empty() && std::all_of(d.begin(), d.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == ' ' || c == '-' || c == '.' || c == 'M' || c == 'l' || c == 'z';
  });
}

// Text content and attribute values: the five XML specials escaped,
// invalid UTF-8 replaced, and control characters that XML 1.0 forbids
// dropped (tab, line feed and carriage return are kept).
void AppendEscaped(std::string& out, std::string_view raw) {
  const std::string text = SanitizeUtf8(raw, raw.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
}

}  // namespace

std::vector<WorldMapShape> ParseWorldMapShapes(std::string_view tsv) {
  std::vector<WorldMapShape> shapes;
  for (std::string_view line : Split(tsv, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos) continue;
    const std::string_view code = line.substr(0, tab);
    const std::string_view path = line.substr(tab + 1);
    if (!IsCode(code) || !IsPathData(path)) continue;
    shapes.push_back({std::string(code), std::string(path)});
  }
  return shapes;
}

const std::vector<WorldMapShape>& WorldMapShapes() {
  static const std::vector<WorldMapShape> shapes = [] {
    const auto& files = embedded_maps::Files();
    const auto it = files.find(kDataFile);
    // The file is embedded at build time by CMake; a build without it is a
    // packaging bug, and an empty map (no shapes) is the harmless outcome.
    return it == files.end() ? std::vector<WorldMapShape>{} : ParseWorldMapShapes(it->second);
  }();
  return shapes;
}

bool WorldMapHasCountry(std::string_view alpha3) {
  if (alpha3 == "-") return false;
  const auto& shapes = WorldMapShapes();
  return std::any_of(shapes.begin(), shapes.end(), [&](const WorldMapShape& s) { return s.code == alpha3; });
}

std::string RenderWorldMapSvg(const std::map<std::string, int>& countries, const std::string& title,
                              const std::string& desc) {
  return RenderWorldMapSvg(WorldMapShapes(), countries, title, desc);
}

std::string RenderWorldMapSvg(const std::vector<WorldMapShape>& shapes,
                              const std::map<std::string, int>& countries, const std::string& title,
                              const std::string& desc) {
  std::size_t size = 512 + title.size() * 2 + desc.size() * 2;
  for (const auto& shape : shapes) size += shape.path.size() + 64;
  std::string out;
  out.reserve(size);

  out += R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox=")";
  out += kViewBox;
  out += R"(" role="img" class="world-map"><title>)";
  AppendEscaped(out, title);
  out += "</title><desc>";
  AppendEscaped(out, desc);
  out += "</desc>\n";
  // Presentation attributes rather than a <style> element: they are not
  // subject to the CSP's style-src, and the group sets them once for all.
  out += R"(<g fill=")";
  out += kLandFill;
  out += R"(" stroke=")";
  out += kBorder;
  out += R"(" stroke-width=".5" stroke-linejoin="round" fill-rule="evenodd">)";
  out += '\n';
  for (const auto& shape : shapes) {
    const auto hit = shape.code == "-" ? countries.end() : countries.find(shape.code);
    out += "<path d=\"";
    AppendEscaped(out, shape.path);  // validated when parsed; escaped all the same
    if (hit == countries.end()) {
      out += "\"/>\n";
      continue;
    }
    out += R"(" class="wm-hit" fill=")";
    out += kHitFill;
    out += "\"><title>";
    AppendEscaped(out, shape.code);
    out += ": ";
    out += std::to_string(hit->second);
    out += "</title></path>\n";
  }
  out += "</g></svg>\n";
  return out;
}

}  // namespace waymark::web
