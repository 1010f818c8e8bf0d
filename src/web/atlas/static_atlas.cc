// The Atlas's browser files: our atlas.js and atlas.css, and Leaflet,
// topojson-client and world-atlas's countries-110m.json from npm
// (web/assets/atlas/package-lock.json), all embedded in the binary and
// served by web::EmbeddedAssets; the same countries-110m.json draws the
// server's SVG map.
#include <map>
#include <string>

#include "web/atlas/atlas_module.h"
#include "web/embedded_assets.h"

namespace waymark::web::embedded_atlas {
const std::map<std::string_view, std::string_view>& Files();
}  // namespace waymark::web::embedded_atlas

namespace waymark::web {
namespace {

// Made once (thread-safe static initialisation), read-only after.
const EmbeddedAssets& Assets() {
  static const EmbeddedAssets assets(embedded_atlas::Files(), "/static/atlas/");
  return assets;
}

}  // namespace

const nlohmann::json& atlas_web::StaticUrls() { return Assets().Urls(); }

std::string_view atlas_web::WorldTopoJson() {
  const std::string_view* bytes = Assets().Find("countries-110m.json");
  return bytes == nullptr ? std::string_view() : *bytes;
}

http::Response AtlasModule::StaticFile(Context& ctx) {
  auto r = Assets().Serve(ctx.req.params.at("file"), ctx.req.Header("if-none-match"));
  if (!r) return Error(ctx, Status::NotFound("no such file"));
  return std::move(*r);
}

}  // namespace waymark::web
