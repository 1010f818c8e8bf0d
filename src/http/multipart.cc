#include "http/multipart.h"

#include <algorithm>
#include <functional>

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

namespace {

// What the parser reads from: the body in memory, or a spooled body file.
class Input {
 public:
  virtual ~Input() = default;
  virtual std::int64_t size() const = 0;
  // Bytes [offset, offset + n), fewer at the end.
  virtual Result<std::string> Read(std::int64_t offset, std::size_t n) const = 0;
  // Where `needle` first starts at or after `from`, looking only at bytes
  // before `end`; -1 when it does not.
  virtual Result<std::int64_t> Find(std::string_view needle, std::int64_t from, std::int64_t end) const = 0;
};

class StringInput final : public Input {
 public:
  explicit StringInput(std::string_view body) : body_(body) {}
  std::int64_t size() const override { return static_cast<std::int64_t>(body_.size()); }
  Result<std::string> Read(std::int64_t offset, std::size_t n) const override {
    if (offset >= size()) return std::string();
    return std::string(body_.substr(static_cast<std::size_t>(offset), n));
  }
  Result<std::int64_t> Find(std::string_view needle, std::int64_t from, std::int64_t end) const override {
    std::string_view hay = body_.substr(0, static_cast<std::size_t>(std::min(end, size())));
    std::size_t at = hay.find(needle, static_cast<std::size_t>(from));
    return at == std::string_view::npos ? -1 : static_cast<std::int64_t>(at);
  }

 private:
  std::string_view body_;
};

// Scans the file in windows that overlap by the needle's length, so a
// match across two windows is found; memory stays one window.
class FileInput final : public Input {
 public:
  explicit FileInput(const BodyFile& file) : source_(file.Range(0, file.size())) {}
  std::int64_t size() const override { return source_->size(); }
  Result<std::string> Read(std::int64_t offset, std::size_t n) const override {
    offset = std::min(offset, size());
    std::string out(
        static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(n), size() - offset)),
        '\0');
    WM_ASSIGN_OR_RETURN(std::size_t got, source_->ReadAt(offset, out.data(), out.size()));
    out.resize(got);
    return out;
  }
  Result<std::int64_t> Find(std::string_view needle, std::int64_t from, std::int64_t end) const override {
    constexpr std::size_t kWindow = 256u << 10;
    end = std::min(end, size());
    const auto overlap = static_cast<std::int64_t>(needle.size()) - 1;
    for (std::int64_t at = from; at + static_cast<std::int64_t>(needle.size()) <= end;) {
      std::size_t n =
          static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(kWindow), end - at));
      window_.resize(n);
      WM_ASSIGN_OR_RETURN(std::size_t got, source_->ReadAt(at, window_.data(), n));
      std::size_t found = std::string_view(window_.data(), got).find(needle);
      if (found != std::string_view::npos) return at + static_cast<std::int64_t>(found);
      if (at + static_cast<std::int64_t>(got) >= end) break;
      at += static_cast<std::int64_t>(got) - overlap;
    }
    return -1;
  }

 private:
  std::unique_ptr<ByteSource> source_;
  mutable std::string window_;
};

// Makes a part's content from bytes [start, start + length) of the input.
using MakeContent = std::function<Status(MultipartPart& part, std::int64_t start, std::int64_t length)>;

Result<std::vector<MultipartPart>> Parse(std::string_view content_type, const Input& body,
                                         const MultipartLimits& limits, const MakeContent& content) {
  auto boundary = MultipartBoundary(content_type);
  if (!boundary.ok()) return boundary.status();
  const std::string dash = "--" + *boundary;
  const std::string delim = "\r\n" + dash;
  const std::int64_t size = body.size();
  // Short reads at a position: the few bytes after a boundary.
  auto peek = [&](std::int64_t at, std::size_t n) { return body.Read(at, n); };

  // The body starts with the first boundary line (a preamble is allowed).
  std::int64_t pos;
  WM_ASSIGN_OR_RETURN(std::string first_bytes, peek(0, dash.size()));
  if (first_bytes == dash) {
    pos = static_cast<std::int64_t>(dash.size());
  } else {
    WM_ASSIGN_OR_RETURN(std::int64_t first, body.Find(delim, 0, size));
    if (first < 0) return Status::InvalidArgument("multipart body does not contain the boundary");
    pos = first + static_cast<std::int64_t>(delim.size());
  }
  std::vector<MultipartPart> parts;
  while (true) {
    // After a boundary: "--" ends the body, CRLF starts a part.
    WM_ASSIGN_OR_RETURN(std::string after, peek(pos, 2));
    if (after == "--") return parts;
    // Transport padding (spaces/tabs) is allowed before the CRLF.
    while (!after.empty() && (after[0] == ' ' || after[0] == '\t')) {
      ++pos;
      WM_ASSIGN_OR_RETURN(after, peek(pos, 2));
    }
    if (after != "\r\n") return Status::InvalidArgument("multipart boundary is not followed by CRLF");
    pos += 2;
    if (parts.size() >= limits.max_parts) {
      return Status::PayloadTooLarge("more than " + std::to_string(limits.max_parts) + " multipart parts");
    }
    // The headers end within max_header_bytes, or they are too long.
    const auto max_header = static_cast<std::int64_t>(limits.max_header_bytes);
    std::int64_t headers_len;
    std::int64_t content_start;
    WM_ASSIGN_OR_RETURN(std::string starts, peek(pos, 2));
    if (starts == "\r\n") {  // no headers at all
      headers_len = 0;
      content_start = pos + 2;
    } else {
      WM_ASSIGN_OR_RETURN(std::int64_t header_end, body.Find("\r\n\r\n", pos, pos + max_header + 4));
      if (header_end < 0) {
        WM_ASSIGN_OR_RETURN(std::int64_t later, body.Find("\r\n\r\n", pos, size));
        if (later < 0) {
          return Status::InvalidArgument("multipart part " + std::to_string(parts.size() + 1) +
                                         " has no end of headers");
        }
        header_end = later;
      }
      headers_len = header_end - pos;
      content_start = header_end + 4;
    }
    if (headers_len > max_header) {
      return Status::InvalidArgument("multipart part headers are longer than " +
                                     std::to_string(limits.max_header_bytes) + " bytes");
    }
    MultipartPart part;
    part.content_type = "text/plain";
    bool has_disposition = false;
    WM_ASSIGN_OR_RETURN(std::string header_text, body.Read(pos, static_cast<std::size_t>(headers_len)));
    std::string_view headers = header_text;
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
    WM_ASSIGN_OR_RETURN(std::int64_t end, body.Find(delim, content_start, size));
    if (end < 0) return Status::InvalidArgument("multipart body ends without a closing boundary");
    std::int64_t length = end - content_start;
    if (!part.filename && length > static_cast<std::int64_t>(limits.max_field_bytes)) {
      return Status::PayloadTooLarge("multipart field '" + part.name + "' is larger than " +
                                     std::to_string(limits.max_field_bytes) + " bytes");
    }
    WM_RETURN_IF_ERROR(content(part, content_start, length));
    parts.push_back(std::move(part));
    pos = end + static_cast<std::int64_t>(delim.size());
    WM_ASSIGN_OR_RETURN(std::string closing, peek(pos, 2));
    if (closing == "--") return parts;
    if (pos >= size) return Status::InvalidArgument("multipart body ends without a closing boundary");
  }
}

}  // namespace

std::int64_t MultipartPart::size() const {
  return file ? file_length : static_cast<std::int64_t>(body.size());
}

std::unique_ptr<ByteSource> MultipartPart::Bytes() const {
  if (file) return file->Range(file_offset, file_length);
  return std::make_unique<StringByteSource>(body);
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view content_type, std::string_view body,
                                                  const MultipartLimits& limits) {
  StringInput input(body);
  return Parse(
      content_type, input, limits, [&](MultipartPart& part, std::int64_t start, std::int64_t length) {
        part.body =
            std::string(body.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(length)));
        return Status::Ok();
      });
}

Result<std::vector<MultipartPart>> ParseMultipart(const Request& req, const MultipartLimits& limits) {
  if (!req.body_file) return ParseMultipart(req.Header("content-type"), req.body, limits);
  FileInput input(*req.body_file);
  return Parse(req.Header("content-type"), input, limits,
               [&](MultipartPart& part, std::int64_t start, std::int64_t length) -> Status {
                 if (part.filename) {
                   // A file stays where it is in the spooled body.
                   part.file = req.body_file;
                   part.file_offset = start;
                   part.file_length = length;
                   return Status::Ok();
                 }
                 WM_ASSIGN_OR_RETURN(part.body, input.Read(start, static_cast<std::size_t>(length)));
                 return Status::Ok();
               });
}

}  // namespace waymark::http
