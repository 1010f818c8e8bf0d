// JSON request bodies as every API endpoint reads them: ParseJsonBody (with
// whatever limits it enforces), then, as the API answers, the parsed value or
// the error (its message quotes the input) rendered back to JSON the way
// WebApp::Json does.
//
// Not reached: the per-endpoint decoders that turn the parsed JSON into
// domain input (InputFromJson, ReadPost, ReadTarget, the organisation
// fields) are in anonymous namespaces or inside WebApp handlers in
// src/web/api*.cc, callable only through a running WebApp.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "web/app.h"

using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  waymark::http::Request req;
  req.method = "POST";
  req.path = req.target = "/api/v1/campaigns";
  req.headers = {{"content-type", "application/json; charset=utf-8"}};
  req.body.assign(reinterpret_cast<const char*>(data), size);
  auto body = waymark::web::ParseJsonBody(req);
  if (body.ok()) {
    (void)body->dump();  // parsed strings are valid UTF-8
    return 0;
  }
  if (body.status().message().empty()) std::abort();  // a refusal says what was wrong
  json err = {{"error", {{"code", "invalid_argument"}, {"message", body.status().message()}}}};
  (void)err.dump(-1, ' ', false, json::error_handler_t::replace);
  return 0;
}
