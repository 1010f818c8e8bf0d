// The Atlas's browser files: our atlas.js and atlas.css, and Leaflet,
// topojson-client and world-atlas's countries-110m.json from npm
// (web/assets/atlas/package-lock.json), all embedded in the binary; the
// same countries-110m.json draws the server's SVG map. URLs carry a content
// hash (?v=), so the answers are cached for a year; an ETag answers
// revalidations with 304.
#include <map>
#include <string>

#include "crypto/crypto.h"
#include "web/atlas/atlas_module.h"

namespace waymark::web::embedded_atlas {
const std::map<std::string_view, std::string_view>& Files();
}  // namespace waymark::web::embedded_atlas

namespace waymark::web {

using http::Response;

namespace {

struct Asset {
  std::string_view bytes;
  std::string content_type;
  std::string etag;  // quoted
  std::string hash;  // for ?v=
};

std::string ContentTypeFor(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  return "application/octet-stream";
}

// By base name ("leaflet.js"), made once (thread-safe static initialisation), read-only after.
const std::map<std::string, Asset, std::less<>>& Assets() {
  static const std::map<std::string, Asset, std::less<>> assets = [] {
    std::map<std::string, Asset, std::less<>> out;
    for (const auto& [path, bytes] : embedded_atlas::Files()) {
      std::string name(path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1));
      std::string hash = crypto::Sha256Hex(bytes).substr(0, 16);
      out.emplace(name, Asset{bytes, ContentTypeFor(name), "\"" + hash + "\"", hash});
    }
    return out;
  }();
  return assets;
}

}  // namespace

const nlohmann::json& atlas_web::StaticUrls() {
  static const nlohmann::json urls = [] {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [name, asset] : Assets()) out[name] = "/static/atlas/" + name + "?v=" + asset.hash;
    return out;
  }();
  return urls;
}

std::string_view atlas_web::WorldTopoJson() {
  auto it = Assets().find("countries-110m.json");
  return it == Assets().end() ? std::string_view() : it->second.bytes;
}

Response AtlasModule::StaticFile(Context& ctx) {
  const auto& assets = Assets();
  auto it = assets.find(ctx.req.params.at("file"));
  if (it == assets.end()) return Error(ctx, Status::NotFound("no such file"));
  const Asset& a = it->second;
  Response r;
  if (ctx.req.Header("if-none-match") == a.etag) {
    r.status = 304;
  } else {
    r.body = std::string(a.bytes);
    r.Set("Content-Type", a.content_type);
  }
  r.Set("ETag", a.etag);
  r.Set("Cache-Control", "public, max-age=31536000, immutable");
  return r;
}

}  // namespace waymark::web
