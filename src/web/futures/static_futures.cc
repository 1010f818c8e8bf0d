// The futures board's browser files (web/assets/futures: board.js, the
// report's print.css), embedded in the binary and served by
// web::EmbeddedAssets under /static/futures/.
#include <map>
#include <string>

#include "web/embedded_assets.h"
#include "web/futures/futures_module.h"

namespace waymark::web::embedded_futures {
const std::map<std::string_view, std::string_view>& Files();
}  // namespace waymark::web::embedded_futures

namespace waymark::web {
namespace {

const EmbeddedAssets& FuturesAssets() {
  // Made once (thread-safe static initialisation), read-only after.
  static const EmbeddedAssets assets(embedded_futures::Files(), "/static/futures/");
  return assets;
}

}  // namespace

std::string FuturesModule::AssetUrl(const std::string& name) {
  const auto& urls = FuturesAssets().Urls();
  auto it = urls.find(name);
  return it == urls.end() ? "/static/futures/" + name : it->get<std::string>();
}

http::Response FuturesModule::StaticFile(Context& ctx) {
  auto r = FuturesAssets().Serve(ctx.req.params.at("file"), ctx.req.Header("if-none-match"));
  if (!r) return Error(ctx, Status::NotFound("no such file"));
  return std::move(*r);
}

}  // namespace waymark::web
