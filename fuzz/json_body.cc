// JSON request bodies as every API endpoint reads them: http::ParseJson with
// the limits WebApp's ParseJsonBody uses (size, depth, value count; duplicate
// names and out-of-range numbers refused), then, as the API answers, the
// parsed value or the error (its message quotes the input) rendered back to
// JSON the way WebApp::Json does. Linked against wm_http alone, so it runs
// fast (the first version went through wm_web at ~100 executions/s).
//
// Not reached: the per-endpoint decoders that turn the parsed JSON into
// domain input (InputFromJson, ReadPost, ReadTarget, the organisation
// fields) are in anonymous namespaces or inside WebApp handlers in
// src/web/api*.cc, callable only through a running WebApp.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/json_body.h"

using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto body = waymark::http::ParseJson(text);
  if (body.ok()) {
    (void)body->dump();  // parsed strings are valid UTF-8
    return 0;
  }
  if (body.status().message().empty()) std::abort();  // a refusal says what was wrong
  json err = {{"error", {{"code", "invalid_argument"}, {"message", body.status().message()}}}};
  (void)err.dump(-1, ' ', false, json::error_handler_t::replace);
  return 0;
}
