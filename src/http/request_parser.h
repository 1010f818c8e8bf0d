// The HTTP request parser the server reads with, and the Request it yields.
// Shared by the server and the fuzz target (fuzz/http_request.cc), so both
// parse with the same limits and turn the header into a Request alike.
#pragma once

// Boost 1.74's Asio needs <utility> before it under C++20.
#include <utility>

#include <boost/beast/http.hpp>

#include "http/message.h"
#include "http/server.h"

namespace waymark::http {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Sets the server's protocol limits on a new parser: header_limit and
// body_limit from `options` (exceeding them fails the read with
// error::header_limit, answered 431, or error::body_limit, answered 413).
void ApplyLimits(RequestParser& parser, const ServerOptions& options);

// What the parsed header says: method, target, path (percent-decoded; as sent
// when the escapes are malformed), raw query and headers (names lower-case).
// remote_addr, request_id and body are left to the caller.
Request RequestFromHeader(const RequestParser& parser);

}  // namespace waymark::http
