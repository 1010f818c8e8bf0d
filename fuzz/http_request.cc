// HTTP/1.1 requests as the server reads them off a connection: Beast's
// request parser with the server's limits (ApplyLimits, the defaults of
// ServerOptions), fed in chunks the way bytes arrive, then turned into a
// Request (RequestFromHeader) whose query, cookies and content type are
// read. Several requests may follow each other on one connection.
//
// Input: byte 0 picks the chunk size; the rest is what the client sent.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/request_parser.h"

namespace bhttp = boost::beast::http;
using waymark::http::RequestParser;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t chunk = 1 + data[0];
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  const waymark::http::ServerOptions options;
  // Bounded: each request consumes at least one byte.
  for (int n = 0; n < 64 && !in.empty(); ++n) {
    RequestParser parser;
    waymark::http::ApplyLimits(parser, options);
    parser.eager(true);  // as bhttp::async_read sets it
    boost::beast::error_code ec;
    // `avail` bytes have arrived; the parser consumes what it can.
    std::size_t avail = std::min(chunk, in.size());
    while (!parser.is_done()) {
      std::size_t used = parser.put(boost::asio::buffer(in.data(), avail), ec);
      in.remove_prefix(used);
      avail -= used;
      if (ec == bhttp::error::need_more || (!ec && used == 0)) {
        ec = {};
        if (avail == in.size()) {  // the client sent nothing more
          parser.put_eof(ec);
          break;
        }
        avail = std::min(avail + chunk, in.size());  // more bytes arrive
        continue;
      }
      if (ec) break;
    }
    if (ec || !parser.is_done()) return 0;  // the server answers 400, 413 or 431 and closes
    if (parser.get().body().size() > options.max_body_bytes) std::abort();
    waymark::http::Request req = waymark::http::RequestFromHeader(parser);
    req.body = parser.get().body().memory;
    (void)req.QueryParam("q");
    (void)req.Cookie("wm_session");
    (void)req.ContentType();
    (void)req.IsApi();
    if (!parser.get().keep_alive()) break;
  }
  return 0;
}
