// Normalisation of the identifiers a reference carries.
#include "domain/library/identifiers.h"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/strings.h"

namespace waymark::library {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// True for ASCII whitespace, other control characters and DEL: none of them may appear inside an
// identifier (a DOI or URL with a space in it was cut or pasted badly).
bool HasSpaceOrControl(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return true;
  }
  return false;
}

// Removes `prefix` (ASCII, compared case-insensitively) from the front of `s`; true when it was there.
bool ConsumePrefixIgnoreCase(std::string_view& s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  if (ToLowerAscii(s.substr(0, prefix.size())) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// Strips one of the resolver prefixes; true when the input was a URL (and so may be percent-encoded).
bool StripResolver(std::string_view& s, const std::array<std::string_view, 2>& hosts) {
  std::string_view rest = s;
  if (!ConsumePrefixIgnoreCase(rest, "https://") && !ConsumePrefixIgnoreCase(rest, "http://")) {
    // "doi.org/10..." without a scheme is common in pasted text.
    for (std::string_view host : hosts) {
      std::string_view bare = s;
      if (ConsumePrefixIgnoreCase(bare, host) && !bare.empty() && bare.front() == '/') {
        s = bare.substr(1);
        return true;
      }
    }
    return false;
  }
  for (std::string_view host : hosts) {
    std::string_view after = rest;
    if (ConsumePrefixIgnoreCase(after, host) && !after.empty() && after.front() == '/') {
      s = after.substr(1);
      return true;
    }
  }
  return false;
}

// Percent-decodes `s` when it came from a URL; "" and false when an escape is malformed.
bool DecodeIfUrl(std::string_view s, bool from_url, std::string& out) {
  if (!from_url) {
    out.assign(s);
    return true;
  }
  return PercentDecode(s, out, /*form=*/false);
}

// "digits(.digits)*" with the first group of `min_first`..`max_first` digits.
bool IsDottedDigits(std::string_view s, std::size_t min_first, std::size_t max_first) {
  std::size_t group = 0;
  bool first = true;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      if (group == 0) return false;
      if (first && (group < min_first || group > max_first)) return false;
      first = false;
      group = 0;
      continue;
    }
    if (!IsDigit(s[i])) return false;
    ++group;
  }
  return true;
}

}  // namespace

Result<std::string> NormalizeDoi(std::string_view input) {
  std::string_view s = TrimAscii(input);
  if (s.empty()) return Status::InvalidArgument("DOI is empty");
  if (!IsValidUtf8(s)) return Status::InvalidArgument("DOI is not valid UTF-8");
  bool from_url = StripResolver(s, {"doi.org", "dx.doi.org"});
  if (!from_url && ConsumePrefixIgnoreCase(s, "doi:")) s = TrimAscii(s);
  std::string doi;
  if (!DecodeIfUrl(s, from_url, doi)) return Status::InvalidArgument("DOI has a malformed %-escape");
  if (!StartsWith(doi, "10.")) return Status::InvalidArgument("DOI must start with '10.' (e.g. 10.1234/abc)");
  std::size_t slash = doi.find('/');
  if (slash == std::string::npos) return Status::InvalidArgument("DOI has no '/' between prefix and suffix");
  std::string_view prefix = std::string_view(doi).substr(3, slash - 3);
  if (!IsDottedDigits(prefix, 4, 9)) {
    return Status::InvalidArgument("DOI prefix must be '10.' followed by 4 to 9 digits");
  }
  std::string_view suffix = std::string_view(doi).substr(slash + 1);
  if (suffix.empty()) return Status::InvalidArgument("DOI has nothing after the '/'");
  if (HasSpaceOrControl(doi))
    return Status::InvalidArgument("DOI must not contain spaces or control characters");
  return doi;
}

Result<std::string> NormalizeIsbn(std::string_view input) {
  std::string_view s = TrimAscii(input);
  // Accept a leading label as printed on books: "ISBN", "ISBN:", "ISBN-13:".
  if (ConsumePrefixIgnoreCase(s, "isbn")) {
    if (!ConsumePrefixIgnoreCase(s, "-13")) ConsumePrefixIgnoreCase(s, "-10");
    if (!s.empty() && s.front() == ':') s.remove_prefix(1);
    s = TrimAscii(s);
  }
  if (s.empty()) return Status::InvalidArgument("ISBN is empty");
  std::string digits;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '-' || c == ' ') continue;
    if (IsDigit(c) || c == 'X' || c == 'x') {
      digits.push_back(c == 'x' ? 'X' : c);
      continue;
    }
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      return Status::InvalidArgument(std::string("ISBN has a character that is not a digit: '") + c + "'");
    }
    return Status::InvalidArgument("ISBN has a character that is not a digit");
  }
  if (digits.size() != 10 && digits.size() != 13) {
    return Status::InvalidArgument("ISBN must have 10 or 13 digits, not " + std::to_string(digits.size()));
  }
  std::size_t x = digits.find('X');
  if (x != std::string::npos && (digits.size() == 13 || x != 9)) {
    return Status::InvalidArgument("ISBN may have 'X' only as the last character of an ISBN-10");
  }
  if (digits.size() == 10) {
    int sum = 0;
    for (std::size_t i = 0; i < 9; ++i) sum += (digits[i] - '0') * static_cast<int>(10 - i);
    int check = (11 - sum % 11) % 11;
    char expected = check == 10 ? 'X' : static_cast<char>('0' + check);
    if (digits[9] != expected) {
      return Status::InvalidArgument(std::string("ISBN-10 check digit is wrong (expected ") + expected + ")");
    }
    return digits;
  }
  if (!StartsWith(digits, "978") && !StartsWith(digits, "979")) {
    return Status::InvalidArgument("ISBN-13 must start with 978 or 979");
  }
  int sum = 0;
  for (std::size_t i = 0; i < 12; ++i) sum += (digits[i] - '0') * (i % 2 == 0 ? 1 : 3);
  char expected = static_cast<char>('0' + (10 - sum % 10) % 10);
  if (digits[12] != expected) {
    return Status::InvalidArgument(std::string("ISBN-13 check digit is wrong (expected ") + expected + ")");
  }
  return digits;
}

Result<std::string> NormalizeHandle(std::string_view input) {
  std::string_view s = TrimAscii(input);
  if (s.empty()) return Status::InvalidArgument("Handle is empty");
  if (!IsValidUtf8(s)) return Status::InvalidArgument("Handle is not valid UTF-8");
  bool from_url = StripResolver(s, {"hdl.handle.net", "handle.net"});
  if (!from_url && ConsumePrefixIgnoreCase(s, "hdl:")) s = TrimAscii(s);
  if (from_url) {
    // A resolver URL may carry resolver options ("?noredirect"); they are not part of the handle.
    std::size_t q = s.find_first_of("?#");
    if (q != std::string_view::npos) s = s.substr(0, q);
  }
  std::string handle;
  if (!DecodeIfUrl(s, from_url, handle)) return Status::InvalidArgument("Handle has a malformed %-escape");
  std::size_t slash = handle.find('/');
  if (slash == std::string::npos)
    return Status::InvalidArgument("Handle has no '/' between prefix and suffix");
  if (!IsDottedDigits(std::string_view(handle).substr(0, slash), 1, 64)) {
    return Status::InvalidArgument("Handle prefix must be digits, optionally in dot-separated groups");
  }
  if (slash + 1 == handle.size()) return Status::InvalidArgument("Handle has nothing after the '/'");
  if (HasSpaceOrControl(handle)) {
    return Status::InvalidArgument("Handle must not contain spaces or control characters");
  }
  return handle;
}

Result<std::string> NormalizeUrl(std::string_view input) {
  constexpr std::size_t kMaxUrl = 2000;
  std::string_view s = TrimAscii(input);
  if (s.empty()) return Status::InvalidArgument("URL is empty");
  if (s.size() > kMaxUrl) return Status::InvalidArgument("URL is longer than 2000 characters");
  if (!IsValidUtf8(s)) return Status::InvalidArgument("URL is not valid UTF-8");
  if (HasSpaceOrControl(s))
    return Status::InvalidArgument("URL must not contain spaces or control characters");
  std::string_view rest = s;
  std::string scheme;
  if (ConsumePrefixIgnoreCase(rest, "https://")) {
    scheme = "https://";
  } else if (ConsumePrefixIgnoreCase(rest, "http://")) {
    scheme = "http://";
  } else {
    return Status::InvalidArgument("URL must start with http:// or https://");
  }
  std::size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view tail = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  std::size_t at = authority.rfind('@');
  std::string_view userinfo = at == std::string_view::npos ? std::string_view() : authority.substr(0, at + 1);
  std::string_view hostport = at == std::string_view::npos ? authority : authority.substr(at + 1);
  std::string_view host = hostport;
  std::string_view port;
  if (!hostport.empty() && hostport.front() == '[') {
    std::size_t close = hostport.find(']');
    if (close == std::string_view::npos)
      return Status::InvalidArgument("URL has an unclosed '[' in its host");
    host = hostport.substr(0, close + 1);
    port = hostport.substr(close + 1);
    if (host.size() == 2) return Status::InvalidArgument("URL has no host");
  } else {
    std::size_t colon = hostport.find(':');
    if (colon != std::string_view::npos) {
      host = hostport.substr(0, colon);
      port = hostport.substr(colon);
    }
    if (host.empty()) return Status::InvalidArgument("URL has no host");
    for (char c : host) {
      auto u = static_cast<unsigned char>(c);
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '-' || c == '.' ||
                u >= 0x80;  // internationalised host names
      if (!ok)
        return Status::InvalidArgument(std::string("URL host has a character that is not allowed: '") + c +
                                       "'");
    }
  }
  if (!port.empty()) {
    if (port.front() != ':' || port.size() == 1 || port.size() > 6) {
      return Status::InvalidArgument("URL port must be a number");
    }
    for (char c : port.substr(1)) {
      if (!IsDigit(c)) return Status::InvalidArgument("URL port must be a number");
    }
  }
  std::string out = scheme;
  out.append(userinfo);
  out += ToLowerAscii(host);
  out.append(port);
  out.append(tail);
  return out;
}

std::string NormalizeLanguage(std::string_view input) {
  std::string s = ToLowerAscii(TrimAscii(input));
  if (s.empty()) return s;
  struct Alias {
    std::string_view name;
    std::string_view code;
  };
  // Names and ISO 639-2 codes that BibTeX (babel/polyglossia names) and RIS exporters write.
  static constexpr Alias kAliases[] = {
      {"english", "en"},  {"eng", "en"},     {"american", "en"},  {"british", "en"},   {"french", "fr"},
      {"fre", "fr"},      {"fra", "fr"},     {"français", "fr"},  {"francais", "fr"},  {"spanish", "es"},
      {"spa", "es"},      {"español", "es"}, {"espanol", "es"},   {"castilian", "es"}, {"german", "de"},
      {"ngerman", "de"},  {"ger", "de"},     {"deu", "de"},       {"deutsch", "de"},   {"portuguese", "pt"},
      {"portuges", "pt"}, {"por", "pt"},     {"brazilian", "pt"}, {"italian", "it"},   {"ita", "it"},
      {"arabic", "ar"},   {"ara", "ar"},     {"russian", "ru"},   {"rus", "ru"},       {"chinese", "zh"},
      {"chi", "zh"},      {"zho", "zh"},     {"dutch", "nl"},     {"dut", "nl"},       {"nld", "nl"},
      {"japanese", "ja"}, {"jpn", "ja"},     {"turkish", "tr"},   {"tur", "tr"},
  };
  for (const Alias& a : kAliases) {
    if (s == a.name) return std::string(a.code);
  }
  return s;
}

}  // namespace waymark::library
