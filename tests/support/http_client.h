// A small HTTP/1.1 client for the tests (Boost.Beast underneath), a cookie
// jar, and a raw-socket connection for requests no real client would send.
// Loopback only; every wait is bounded by a timeout.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace waymark::it {

struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

using HeaderMap = std::multimap<std::string, std::string, CaseInsensitiveLess>;
using HeaderList = std::vector<std::pair<std::string, std::string>>;
using FormFields = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  HeaderMap headers;
  std::string body;

  // The first value of a header, or "" when absent.
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
  std::vector<std::string> HeaderValues(std::string_view name) const;
  // The body parsed as JSON; throws std::runtime_error (with the body) when it is not JSON.
  nlohmann::json Json() const;
  // Status, headers and the start of the body, for assertion messages.
  std::string Describe() const;
};

// Percent-encoding for query strings and form bodies (space as %20).
std::string UrlEncode(std::string_view text);
std::string FormEncode(const FormFields& fields);

class HttpClient {
 public:
  explicit HttpClient(int port, std::chrono::milliseconds timeout = std::chrono::seconds(20));

  // One request on a fresh connection. Adds Host (and Content-Length when a
  // body is given, unless `headers` has one). Throws std::runtime_error when
  // no complete response arrives in time.
  HttpResponse Request(const std::string& method, const std::string& target, const HeaderList& headers = {},
                       const std::string& body = "") const;
  HttpResponse Get(const std::string& target, const HeaderList& headers = {}) const;
  // POST application/x-www-form-urlencoded.
  HttpResponse PostForm(const std::string& target, const FormFields& fields,
                        const HeaderList& headers = {}) const;
  // `method` with an application/json body.
  HttpResponse SendJson(const std::string& method, const std::string& target, const nlohmann::json& body,
                        const HeaderList& headers = {}) const;

  int port() const { return port_; }

 private:
  int port_;
  std::chrono::milliseconds timeout_;
};

// One parsed Set-Cookie header.
struct SetCookie {
  std::string name;
  std::string value;
  std::vector<std::string> attributes;  // as sent, trimmed: "Path=/", "HttpOnly", ...
  // Whether an attribute (case-insensitive name) is present; its value in `value`.
  bool Has(std::string_view attribute, std::string* value = nullptr) const;
};
std::optional<SetCookie> ParseSetCookie(std::string_view header);
// The response's Set-Cookie for `name`, if any (the last one when repeated).
std::optional<SetCookie> FindSetCookie(const HttpResponse& response, std::string_view name);

// The browser's side of cookies, minus domains and expiry dates: enough for one server.
class CookieJar {
 public:
  // Applies a response's Set-Cookie headers (Max-Age=0 or an empty value removes).
  void Update(const HttpResponse& response);
  void Set(const std::string& name, const std::string& value) { cookies_[name] = value; }
  void Erase(const std::string& name) { cookies_.erase(name); }
  std::string Get(const std::string& name) const;
  bool Has(const std::string& name) const { return cookies_.count(name) > 0; }
  // "a=1; b=2", or "" when empty.
  std::string Header() const;
  // `headers` plus a Cookie header when the jar is not empty.
  HeaderList With(HeaderList headers = {}) const;

 private:
  std::map<std::string, std::string> cookies_;
};

// A plain TCP connection to 127.0.0.1:port for hand-made requests.
class RawConnection {
 public:
  // Connects; throws std::runtime_error on failure.
  explicit RawConnection(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Sends all of `bytes`; false when the peer closed or reset the connection.
  bool Send(std::string_view bytes);

  struct ReadResult {
    std::string data;
    bool closed = false;     // the server closed (or reset) the connection
    bool timed_out = false;  // still open when the timeout passed
  };
  // Whether bytes (or a close) are waiting to be read, without reading them.
  bool Readable();
  // Reads until the server closes the connection or `timeout` passes.
  ReadResult ReadUntilClose(std::chrono::milliseconds timeout);
  // Reads until one complete response has arrived, the connection closes, or `timeout` passes.
  ReadResult ReadResponse(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
};

// Whether a new TCP connection to 127.0.0.1:port is accepted by the kernel.
bool CanConnect(int port);

// Sends `bytes` on a new connection and returns everything the server sent
// until it closed the connection or `timeout` passed.
std::string RawExchange(int port, std::string_view bytes,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Parses the first HTTP response in `raw`; nullopt when it is incomplete or
// not HTTP. With `at_eof`, a response without Content-Length ends at the end of `raw`.
std::optional<HttpResponse> ParseResponse(std::string_view raw, bool at_eof = true);

}  // namespace waymark::it
