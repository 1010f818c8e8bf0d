#include "http/message.h"

#include "core/strings.h"

namespace waymark::http {

namespace {
bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}
}  // namespace

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

bool Request::HasHeader(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return true;
  }
  return false;
}

std::unique_ptr<ByteSource> Request::BodySource() const {
  if (body_file) return body_file->Range(0, body_file->size());
  return std::make_unique<StringByteSource>(body);
}

Status Request::LoadBody() {
  if (!body_file) return Status::Ok();
  WM_ASSIGN_OR_RETURN(body, ReadAll(*BodySource()));
  body_file.reset();
  return Status::Ok();
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string error;
  if (!ParseUrlEncoded(query, pairs, error)) return std::nullopt;
  for (auto& [k, v] : pairs) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::string Request::Cookie(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k != "cookie") continue;
    for (auto part : Split(v, ';')) {
      part = TrimAscii(part);
      auto eq = part.find('=');
      if (eq == std::string_view::npos) continue;
      if (part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    }
  }
  return "";
}

std::string Request::ContentType() const {
  std::string_view ct = Header("content-type");
  auto semi = ct.find(';');
  return ToLowerAscii(TrimAscii(ct.substr(0, semi)));
}

bool ParseUrlEncoded(std::string_view text, std::vector<std::pair<std::string, std::string>>& out,
                     std::string& error, std::size_t max_pairs) {
  out.clear();
  // Walk the text in place: no vector of millions of empty parts is built
  // before the count is checked.
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t amp = text.find('&', start);
    if (amp == std::string_view::npos) amp = text.size();
    std::string_view part = text.substr(start, amp - start);
    start = amp + 1;
    if (part.empty()) continue;
    if (out.size() >= max_pairs) {
      error = "more than " + std::to_string(max_pairs) + " parameters (the limit)";
      return false;
    }
    auto eq = part.find('=');
    std::string key, value;
    if (!PercentDecode(part.substr(0, eq), key, true)) {
      error = "malformed percent-escape in a parameter name";
      return false;
    }
    if (eq != std::string_view::npos && !PercentDecode(part.substr(eq + 1), value, true)) {
      error = "malformed percent-escape in parameter '" + key + "'";
      return false;
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return true;
}

std::string CheckQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string error;
  if (!ParseUrlEncoded(query, pairs, error)) return "query string: " + error;
  for (const auto& [key, value] : pairs) {
    // The name is shown only when it is itself printable UTF-8.
    if (!IsValidUtf8(key) || HasControlCharacters(key, false)) {
      return "query string: a parameter name is not valid UTF-8 text";
    }
    if (!IsValidUtf8(value)) return "query parameter '" + key + "' is not valid UTF-8";
  }
  return "";
}

bool IsSafeHeaderValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool IsHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

void Response::Set(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (IEquals(k, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::string_view Response::Get(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return v;
  }
  return {};
}

Response Response::Html(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.Set("Content-Type", "text/html; charset=utf-8");
  return r;
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.Set("Content-Type", "application/json");
  return r;
}

Response Response::Text(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.Set("Content-Type", "text/plain; charset=utf-8");
  return r;
}

Response Response::Redirect(std::string location, int status) {
  Response r;
  r.status = status;
  r.Set("Location", std::move(location));
  return r;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

}  // namespace waymark::http
