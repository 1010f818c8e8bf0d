// The dashboard's scripts, styles and country outlines: our evidence.js and
// evidence.css, and uPlot, Leaflet, topojson-client and world-atlas's
// countries-110m.json from npm (web/assets/evidence/package-lock.json), all
// embedded in the binary and served by web::EmbeddedAssets.
#include <map>
#include <string>

#include "web/embedded_assets.h"
#include "web/evidence/evidence_module.h"
#include "web/evidence/evidence_web.h"

namespace waymark::web::embedded_evidence {
const std::map<std::string_view, std::string_view>& Files();
}  // namespace waymark::web::embedded_evidence

namespace waymark::web {
namespace {

// Made once (thread-safe static initialisation), read-only after.
const EmbeddedAssets& Assets() {
  static const EmbeddedAssets assets(embedded_evidence::Files(), "/static/evidence/");
  return assets;
}

}  // namespace

const nlohmann::json& evidence_web::StaticUrls() { return Assets().Urls(); }

http::Response EvidenceModule::StaticFile(Context& ctx) {
  auto r = Assets().Serve(ctx.req.params.at("file"), ctx.req.Header("if-none-match"));
  if (!r) return Error(ctx, Status::NotFound("no such file"));
  return std::move(*r);
}

}  // namespace waymark::web
