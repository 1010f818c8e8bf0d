#include "http/multipart.h"

#include "core/strings.h"

namespace waymark::http {

namespace {

bool IsBChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// Splits `a=b; c="d"` parameters. Returns false on a malformed list.
bool ParseParams(std::string_view text, std::vector<std::pair<std::string, std::string>>& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == ';')) ++i;
    if (i >= text.size()) break;
    std::size_t eq = text.find('=', i);
    if (eq == std::string_view::npos) return false;
    std::string key = ToLowerAscii(TrimAscii(text.substr(i, eq - i)));
    if (key.empty()) return false;
    i = eq + 1;
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char c = text[i++];
        if (c == '\\' && i < text.size()) {
          value.push_back(text[i++]);
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value.push_back(c);
        }
      }
      if (!closed) return false;
    } else {
      std::size_t end = text.find(';', i);
      if (end == std::string_view::npos) end = text.size();
      value = std::string(TrimAscii(text.substr(i, end - i)));
      i = end;
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return true;
}

}  // namespace

Result<std::string> MultipartBoundary(std::string_view content_type) {
  std::size_t semi = content_type.find(';');
  std::string type = ToLowerAscii(TrimAscii(content_type.substr(0, semi)));
  if (type != "multipart/form-data") {
    return Status::InvalidArgument("expected Content-Type multipart/form-data, got '" +
                                   std::string(content_type) + "'");
  }
  std::vector<std::pair<std::string, std::string>> params;
  if (semi == std::string_view::npos || !ParseParams(content_type.substr(semi + 1), params)) {
    return Status::InvalidArgument("multipart/form-data needs a boundary parameter");
  }
  for (const auto& [k, v] : params) {
    if (k != "boundary") continue;
    if (v.empty() || v.size() > 70 || v.back() == ' ') {
      return Status::InvalidArgument("the multipart boundary must be 1 to 70 characters");
    }
    for (char c : v) {
      if (!IsBChar(c)) return Status::InvalidArgument("the multipart boundary has an invalid character");
    }
    return v;
  }
  return Status::InvalidArgument("multipart/form-data needs a boundary parameter");
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view content_type, std::string_view body,
                                                  const MultipartLimits& limits) {
  auto boundary = MultipartBoundary(content_type);
  if (!boundary.ok()) return boundary.status();
  const std::string dash = "--" + *boundary;
  const std::string delim = "\r\n" + dash;

  // The body starts with the first boundary line (a preamble is allowed).
  std::size_t pos;
  if (body.substr(0, dash.size()) == dash) {
    pos = dash.size();
  } else {
    std::size_t first = body.find(delim);
    if (first == std::string_view::npos) {
      return Status::InvalidArgument("multipart body does not contain the boundary");
    }
    pos = first + delim.size();
  }
  std::vector<MultipartPart> parts;
  while (true) {
    // After a boundary: "--" ends the body, CRLF starts a part.
    if (body.substr(pos, 2) == "--") return parts;
    // Transport padding (spaces/tabs) is allowed before the CRLF.
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") {
      return Status::InvalidArgument("multipart boundary is not followed by CRLF");
    }
    pos += 2;
    if (parts.size() >= limits.max_parts) {
      return Status::PayloadTooLarge("more than " + std::to_string(limits.max_parts) + " multipart parts");
    }
    std::size_t header_end = body.find("\r\n\r\n", pos);
    std::size_t headers_len;
    std::size_t content_start;
    if (body.substr(pos, 2) == "\r\n") {  // no headers at all
      headers_len = 0;
      content_start = pos + 2;
    } else {
      if (header_end == std::string_view::npos) {
        return Status::InvalidArgument("multipart part " + std::to_string(parts.size() + 1) +
                                       " has no end of headers");
      }
      headers_len = header_end - pos;
      content_start = header_end + 4;
    }
    if (headers_len > limits.max_header_bytes) {
      return Status::InvalidArgument("multipart part headers are longer than " +
                                     std::to_string(limits.max_header_bytes) + " bytes");
    }
    MultipartPart part;
    part.content_type = "text/plain";
    bool has_disposition = false;
    std::string_view headers = body.substr(pos, headers_len);
    for (std::string_view line : Split(headers, '\n')) {
      if (line.empty()) continue;
      if (line.back() != '\r' && line.data() + line.size() != headers.data() + headers.size()) {
        return Status::InvalidArgument("multipart header lines must end with CRLF");
      }
      if (line.back() == '\r') line.remove_suffix(1);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        return Status::InvalidArgument("malformed multipart header line '" + std::string(line.substr(0, 80)) +
                                       "'");
      }
      std::string name = ToLowerAscii(TrimAscii(line.substr(0, colon)));
      std::string_view value = TrimAscii(line.substr(colon + 1));
      if (name == "content-disposition") {
        std::size_t semi = value.find(';');
        if (ToLowerAscii(TrimAscii(value.substr(0, semi))) != "form-data") {
          return Status::InvalidArgument("multipart part disposition must be form-data");
        }
        std::vector<std::pair<std::string, std::string>> params;
        if (semi != std::string_view::npos && !ParseParams(value.substr(semi + 1), params)) {
          return Status::InvalidArgument("malformed Content-Disposition parameters");
        }
        bool has_name = false;
        for (auto& [k, v] : params) {
          if (k == "name") {
            part.name = v;
            has_name = true;
          } else if (k == "filename") {
            part.filename = v;
          }
        }
        if (!has_name) return Status::InvalidArgument("multipart part has no name");
        has_disposition = true;
      } else if (name == "content-type") {
        part.content_type = ToLowerAscii(TrimAscii(value.substr(0, value.find(';'))));
      }
    }
    if (!has_disposition) {
      return Status::InvalidArgument("multipart part " + std::to_string(parts.size() + 1) +
                                     " has no Content-Disposition");
    }
    std::size_t end = body.find(delim, content_start);
    if (end == std::string_view::npos) {
      return Status::InvalidArgument("multipart body ends without a closing boundary");
    }
    part.body = std::string(body.substr(content_start, end - content_start));
    if (!part.filename && part.body.size() > limits.max_field_bytes) {
      return Status::PayloadTooLarge("multipart field '" + part.name + "' is larger than " +
                                     std::to_string(limits.max_field_bytes) + " bytes");
    }
    parts.push_back(std::move(part));
    pos = end + delim.size();
    if (pos + 2 <= body.size() && body.substr(pos, 2) == "--") return parts;
    if (pos >= body.size()) return Status::InvalidArgument("multipart body ends without a closing boundary");
  }
}

}  // namespace waymark::http
