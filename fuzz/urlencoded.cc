// application/x-www-form-urlencoded bodies and query strings: ParseUrlEncoded,
// Request::QueryParam and PercentDecode (path and form flavours).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/strings.h"
#include "http/message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string error;
  if (waymark::http::ParseUrlEncoded(in, pairs, error)) {
    std::size_t total = 0;
    for (const auto& [k, v] : pairs) total += k.size() + v.size();
    if (total > in.size()) std::abort();  // decoding never grows the text
  } else if (error.empty()) {
    std::abort();  // a refusal says what was wrong
  }
  waymark::http::Request req;
  req.query = std::string(in);
  (void)req.QueryParam("q");
  (void)req.QueryParam("page");
  std::string out;
  (void)waymark::PercentDecode(in, out, false);
  out.clear();
  (void)waymark::PercentDecode(in, out, true);
  return 0;
}
