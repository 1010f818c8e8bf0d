// Boost 1.74's Asio needs <utility> before it under C++20.
#include <utility>

#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace waymark::it {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// A blocking loopback socket connected to port, or -1 with errno set.
int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  while (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno == EINTR) continue;
    int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return Lower(x) < Lower(y); });
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return Lower(x) == Lower(y); });
}

std::string HttpResponse::Header(std::string_view name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

bool HttpResponse::HasHeader(std::string_view name) const { return headers.find(name) != headers.end(); }

std::vector<std::string> HttpResponse::HeaderValues(std::string_view name) const {
  std::vector<std::string> out;
  auto [lo, hi] = headers.equal_range(name);
  for (auto it = lo; it != hi; ++it) out.push_back(it->second);
  return out;
}

nlohmann::json HttpResponse::Json() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error("response body is not JSON: " + Describe());
  return j;
}

std::string HttpResponse::Describe() const {
  std::string out = "HTTP " + std::to_string(status) + "\n";
  for (const auto& [k, v] : headers) out.append(k).append(": ").append(v).append("\n");
  out += "\n" + (body.size() > 1500 ? body.substr(0, 1500) + "..." : body);
  return out;
}

std::string UrlEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string FormEncode(const FormFields& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += UrlEncode(k) + "=" + UrlEncode(v);
  }
  return out;
}

HttpClient::HttpClient(int port, std::chrono::milliseconds timeout) : port_(port), timeout_(timeout) {}

HttpResponse HttpClient::Request(const std::string& method, const std::string& target,
                                 const HeaderList& headers, const std::string& body) const {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);

  bhttp::request<bhttp::string_body> req;
  req.version(11);
  bhttp::verb verb = bhttp::string_to_verb(method);
  if (verb == bhttp::verb::unknown) {
    req.method_string(method);
  } else {
    req.method(verb);
  }
  req.target(target);
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port_));
  req.set(bhttp::field::user_agent, "waymark-integration-tests");
  bool has_length = false;
  for (const auto& [k, v] : headers) {
    req.insert(k, v);
    if (EqualsIgnoreCase(k, "content-length") || EqualsIgnoreCase(k, "transfer-encoding")) has_length = true;
  }
  req.body() = body;
  if (!has_length && (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")) {
    req.content_length(body.size());
  }

  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64u << 20);
  parser.header_limit(1u << 20);
  if (method == "HEAD") parser.skip(true);
  beast::flat_buffer buffer;
  beast::error_code connect_ec, write_ec, read_ec;
  bool read_done = false;

  stream.expires_after(timeout_);
  tcp::endpoint endpoint(net::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port_));
  stream.async_connect(endpoint, [&](beast::error_code ec) {
    if (ec) {
      connect_ec = ec;
      return;
    }
    bhttp::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
      write_ec = wec;
      // Read even when writing failed: a server may answer (413, 431) and
      // close before it has read everything we sent.
      bhttp::async_read(stream, buffer, parser, [&](beast::error_code rec, std::size_t) {
        read_ec = rec;
        read_done = true;
      });
    });
  });
  ioc.run();

  std::string what = method + " " + target + " on 127.0.0.1:" + std::to_string(port_);
  if (connect_ec) throw std::runtime_error(what + ": cannot connect: " + connect_ec.message());
  if (!read_done || read_ec) {
    throw std::runtime_error(what + ": no complete response: " + (read_ec ? read_ec.message() : "not read") +
                             (write_ec ? " (writing failed: " + write_ec.message() + ")" : ""));
  }
  HttpResponse out;
  auto& msg = parser.get();
  out.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg) out.headers.emplace(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(msg.body());
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

HttpResponse HttpClient::Get(const std::string& target, const HeaderList& headers) const {
  return Request("GET", target, headers);
}

HttpResponse HttpClient::PostForm(const std::string& target, const FormFields& fields,
                                  const HeaderList& headers) const {
  HeaderList h = headers;
  h.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return Request("POST", target, h, FormEncode(fields));
}

HttpResponse HttpClient::SendJson(const std::string& method, const std::string& target,
                                  const nlohmann::json& body, const HeaderList& headers) const {
  HeaderList h = headers;
  h.emplace_back("Content-Type", "application/json");
  return Request(method, target, h, body.dump());
}

bool SetCookie::Has(std::string_view attribute, std::string* value) const {
  for (const auto& a : attributes) {
    auto eq = a.find('=');
    std::string_view name = Trim(std::string_view(a).substr(0, eq));
    if (!EqualsIgnoreCase(name, attribute)) continue;
    if (value != nullptr)
      *value = eq == std::string::npos ? "" : std::string(Trim(std::string_view(a).substr(eq + 1)));
    return true;
  }
  return false;
}

std::optional<SetCookie> ParseSetCookie(std::string_view header) {
  SetCookie c;
  bool first = true;
  while (true) {
    auto semi = header.find(';');
    std::string_view part = Trim(header.substr(0, semi));
    if (first) {
      auto eq = part.find('=');
      if (eq == std::string_view::npos || eq == 0) return std::nullopt;
      c.name = std::string(Trim(part.substr(0, eq)));
      c.value = std::string(Trim(part.substr(eq + 1)));
      first = false;
    } else if (!part.empty()) {
      c.attributes.emplace_back(part);
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return c;
}

std::optional<SetCookie> FindSetCookie(const HttpResponse& response, std::string_view name) {
  std::optional<SetCookie> found;
  for (const auto& h : response.HeaderValues("Set-Cookie")) {
    auto c = ParseSetCookie(h);
    if (c && c->name == name) found = c;
  }
  return found;
}

void CookieJar::Update(const HttpResponse& response) {
  for (const auto& h : response.HeaderValues("Set-Cookie")) {
    auto c = ParseSetCookie(h);
    if (!c) continue;
    std::string max_age;
    bool expired = c->Has("Max-Age", &max_age) && !max_age.empty() && (max_age == "0" || max_age[0] == '-');
    if (c->value.empty() || expired) {
      cookies_.erase(c->name);
    } else {
      cookies_[c->name] = c->value;
    }
  }
}

std::string CookieJar::Get(const std::string& name) const {
  auto it = cookies_.find(name);
  return it == cookies_.end() ? "" : it->second;
}

std::string CookieJar::Header() const {
  std::string out;
  for (const auto& [k, v] : cookies_) {
    if (!out.empty()) out += "; ";
    out.append(k).append("=").append(v);
  }
  return out;
}

HeaderList CookieJar::With(HeaderList headers) const {
  if (!cookies_.empty()) headers.emplace_back("Cookie", Header());
  return headers;
}

RawConnection::RawConnection(int port, std::chrono::milliseconds timeout) {
  fd_ = ConnectLoopback(port);
  if (fd_ < 0) {
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " +
                             std::strerror(errno));
  }
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool RawConnection::Readable() {
  pollfd pfd{fd_, POLLIN, 0};
  return ::poll(&pfd, 1, 0) > 0;
}

RawConnection::ReadResult RawConnection::ReadUntilClose(std::chrono::milliseconds timeout) {
  ReadResult r;
  Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    int left = RemainingMs(deadline);
    if (left == 0) {
      r.timed_out = true;
      return r;
    }
    pollfd pfd{fd_, POLLIN, 0};
    int n = ::poll(&pfd, 1, left);
    if (n < 0 && errno != EINTR) {
      r.closed = true;
      return r;
    }
    if (n <= 0) continue;
    char buf[8192];
    ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got > 0) {
      r.data.append(buf, static_cast<std::size_t>(got));
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
      r.closed = true;  // orderly close or reset
      return r;
    }
  }
}

RawConnection::ReadResult RawConnection::ReadResponse(std::chrono::milliseconds timeout) {
  ReadResult r;
  Clock::time_point deadline = Clock::now() + timeout;
  while (!ParseResponse(r.data, false)) {
    int left = RemainingMs(deadline);
    if (left == 0) {
      r.timed_out = true;
      return r;
    }
    pollfd pfd{fd_, POLLIN, 0};
    int n = ::poll(&pfd, 1, left);
    if (n < 0 && errno != EINTR) {
      r.closed = true;
      return r;
    }
    if (n <= 0) continue;
    char buf[8192];
    ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got > 0) {
      r.data.append(buf, static_cast<std::size_t>(got));
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
      r.closed = true;
      return r;
    }
  }
  return r;
}

bool CanConnect(int port) {
  int fd = ConnectLoopback(port);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

std::string RawExchange(int port, std::string_view bytes, std::chrono::milliseconds timeout) {
  RawConnection c(port, timeout);
  c.Send(bytes);
  return c.ReadUntilClose(timeout).data;
}

std::optional<HttpResponse> ParseResponse(std::string_view raw, bool at_eof) {
  auto end = raw.find("\r\n\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view head = raw.substr(0, end);
  auto eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (status_line.substr(0, 5) != "HTTP/") return std::nullopt;
  auto sp = status_line.find(' ');
  if (sp == std::string_view::npos || status_line.size() < sp + 4) return std::nullopt;
  HttpResponse r;
  for (std::size_t i = sp + 1; i < sp + 4; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(status_line[i]))) return std::nullopt;
    r.status = r.status * 10 + (status_line[i] - '0');
  }
  std::string_view rest = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
  while (!rest.empty()) {
    auto next = rest.find("\r\n");
    std::string_view line = rest.substr(0, next);
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      r.headers.emplace(std::string(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1))));
    }
    if (next == std::string_view::npos) break;
    rest.remove_prefix(next + 2);
  }
  std::string_view body = raw.substr(end + 4);
  if (r.HasHeader("Content-Length")) {
    std::size_t n = 0;
    try {
      n = static_cast<std::size_t>(std::stoull(r.Header("Content-Length")));
    } catch (...) {
      return std::nullopt;
    }
    if (body.size() < n) return std::nullopt;
    r.body = std::string(body.substr(0, n));
  } else if (r.status / 100 == 1 || r.status == 204 || r.status == 304) {
    r.body.clear();
  } else if (at_eof) {
    r.body = std::string(body);
  } else {
    return std::nullopt;
  }
  return r;
}

}  // namespace waymark::it
