#include "web/helpers.h"

#include <cctype>
#include <map>
#include <stdexcept>

#include "core/strings.h"
#include "http/json_body.h"

namespace waymark::web {

std::string Fill(std::string text, std::string_view key, std::string_view value) {
  if (key.empty()) return text;
  for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + value.size())) {
    text.replace(pos, key.size(), value);
  }
  return text;
}

int PageParam(const http::Request& req) {
  auto p = req.QueryParam("page");
  if (!p || p->empty() || p->size() > 6 || p->find_first_not_of("0123456789") != std::string::npos) return 1;
  int n = std::stoi(*p);
  return n < 1 ? 1 : (n > 100000 ? 100000 : n);
}

namespace {
constexpr int kDefaultPerPage = 20;
constexpr int kMaxPerPage = 100;
}  // namespace

Status ApiPaging(const http::Request& req, int& page, int& per_page) {
  std::map<std::string, std::string> errors;
  auto read = [&](const char* name, int def, int lo, int hi, int& out) {
    out = def;
    auto v = req.QueryParam(name);
    if (!v || v->empty()) return;
    std::size_t used = 0;
    try {
      long n = std::stol(*v, &used);
      if (used != v->size() || n < lo || n > hi) throw std::out_of_range(name);
      out = static_cast<int>(n);
    } catch (...) {
      errors[name] = "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
    }
  };
  read("page", 1, 1, 1000000, page);
  read("per_page", kDefaultPerPage, 1, kMaxPerPage, per_page);
  return errors.empty() ? Status::Ok() : Status::Validation(errors, "bad paging parameters");
}

std::string SafeNext(std::string_view next) {
  if (next.empty() || next.front() != '/' || next.size() > 1000) return "/";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/";
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(next.size());
  for (std::size_t i = 0; i < next.size(); ++i) {
    auto u = static_cast<unsigned char>(next[i]);
    if (u < 0x20 || u == 0x7f || u == '\\') return "/";  // never a control character in a Location
    bool keep = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                std::string_view("-._~!$&'()*+,;=:@/?#").find(next[i]) != std::string_view::npos;
    // An existing escape stays as it is; a lone '%' is escaped itself.
    if (u == '%' && i + 2 < next.size() && hex(next[i + 1]) && hex(next[i + 2])) keep = true;
    if (keep) {
      out.push_back(next[i]);
    } else {
      // Non-ASCII bytes, spaces, quotes, <>, ...: percent-encoded, so the
      // header carries ASCII only.
      out.push_back('%');
      out.push_back(kDigits[u >> 4]);
      out.push_back(kDigits[u & 0xf]);
    }
  }
  return out;
}

Result<nlohmann::json> ParseJsonBody(const http::Request& req) {
  if (req.ContentType() != "application/json") {
    return Status::UnsupportedMediaType("send the body as application/json (got '" +
                                        std::string(req.Header("content-type")) + "')");
  }
  if (TrimAscii(req.body).empty())
    return Status::InvalidArgument("the request body is empty; expected a JSON object");
  // Bounded in size, depth and value count; duplicate names and numbers out
  // of range are refused, each naming the member (http/json_body.h).
  return http::ParseJson(req.body);
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters; drop them.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
        out.push_back(c);
    }
  }
  return out;
}

std::string FieldId(std::string_view name, std::string_view value) {
  return std::string("f-").append(name).append("-").append(value);
}

std::string CsvCell(std::string s) {
  if (!s.empty() &&
      (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')) {
    s.insert(s.begin(), '\'');
  }
  bool quote = s.find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out.push_back(c);
  }
  out += '"';
  return out;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && s.size() < 19 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    std::string t(TrimAscii(cur));
    if (!t.empty()) out.push_back(t);
    cur.clear();
  };
  for (char c : text) {
    if (c == ',' || c == '\n' || c == '\r') {
      flush();
    } else {
      cur.push_back(c);
    }
  }
  flush();
  return out;
}

std::vector<std::pair<std::string, std::string>> QueryPairs(const http::Request& req) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string error;
  http::ParseUrlEncoded(req.query, out, error);
  return out;
}

}  // namespace waymark::web
