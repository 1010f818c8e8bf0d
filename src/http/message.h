// HTTP request and response values passed between the server and handlers.
// They carry no framework types, so handlers and tests need no Beast.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/byte_source.h"
#include "http/body_file.h"

namespace waymark::http {

struct Request {
  std::string method;                                        // "GET"
  std::string target;                                        // "/path?query" as sent
  std::string path;                                          // percent-decoded path
  std::string query;                                         // raw query string, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  // The body: in `body` when it was small, else in `body_file` (spooled to
  // disk as it arrived; see ServerOptions::spool_threshold_bytes) with
  // `body` empty.
  std::string body;
  std::shared_ptr<BodyFile> body_file;
  std::string remote_addr;
  std::string request_id;
  std::map<std::string, std::string> params;  // from the route pattern: {slug}
  std::string route;                          // matched pattern ("/api/v1/organisations/{slug}") for metrics

  // First header named `name` (lower-case), or empty.
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
  // Query parameter, decoded; nullopt when absent or malformed.
  std::optional<std::string> QueryParam(std::string_view name) const;
  // Value of cookie `name`, or empty.
  std::string Cookie(std::string_view name) const;
  // The media type of the body without parameters, lower-case ("application/json").
  std::string ContentType() const;
  bool IsApi() const { return path.rfind("/api/", 0) == 0; }
  // The body's length, wherever it is.
  std::int64_t BodySize() const {
    return body_file ? body_file->size() : static_cast<std::int64_t>(body.size());
  }
  // The body as a ByteSource, wherever it is; borrows `body` when in memory.
  std::unique_ptr<ByteSource> BodySource() const;
  // Reads a spooled body into `body` (for handlers that want it in one
  // string) and drops the file. Unavailable on a read error.
  Status LoadBody();
};

// Most name=value pairs a query string or form body may hold. Work and
// memory per request stay bounded: "a&a&a..." in an 8 MiB body would
// otherwise become millions of pairs.
inline constexpr std::size_t kMaxUrlEncodedPairs = 1000;

// Parses "a=1&b=x%20y" into pairs. Returns false on a malformed escape
// (naming the offending key in `error`) and when there are more than
// `max_pairs` pairs (naming the limit); `out` is then incomplete.
bool ParseUrlEncoded(std::string_view text, std::vector<std::pair<std::string, std::string>>& out,
                     std::string& error, std::size_t max_pairs = kMaxUrlEncodedPairs);

// Checks a query string as every route reads it: well-formed percent-escapes,
// names and values that are valid UTF-8 once decoded, at most
// kMaxUrlEncodedPairs pairs. Returns "" when fine, else a message naming the
// parameter ("query parameter 'q' is not valid UTF-8").
std::string CheckQuery(std::string_view query);

// Whether `value` may be sent as a header field value: no CR, LF or NUL
// (which would end the header early or split it, e.g. injecting Set-Cookie).
bool IsSafeHeaderValue(std::string_view value);
// Whether `name` is an RFC 9110 token, as a header field name must be.
bool IsHeaderName(std::string_view name);

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Replaces any header of the same name (case-insensitive).
  void Set(std::string name, std::string value);
  // Appends another header of the same name (Set-Cookie).
  void Add(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
  std::string_view Get(std::string_view name) const;

  static Response Html(int status, std::string body);
  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body);
  static Response Redirect(std::string location, int status = 303);
};

// Standard reason phrase ("Not Found").
std::string_view ReasonPhrase(int status);

}  // namespace waymark::http
