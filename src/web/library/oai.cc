#include "web/library/oai.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <set>

namespace waymark::web::oai {
namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kDayMs = 86'400'000;
// Longest token we ever issue is a few hundred bytes; anything far longer is
// not ours and is refused before decoding.
constexpr std::size_t kMaxTokenChars = 4096;
constexpr std::size_t kMaxIdentifierBytes = 2048;

// ---------------------------------------------------------------------------
// XML text

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when the bytes
// there are not valid UTF-8 (overlong, surrogate, past U+10FFFF, truncated).
std::size_t DecodeUtf8(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t len = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// XML 1.0's Char production: anything else may not appear in a document,
// not even as a character reference.
bool IsXmlChar(char32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

// Appends `s` escaped for element content (or an attribute value in double
// quotes), dropping the characters XML forbids and replacing bytes that are
// not UTF-8 with U+FFFD, so that no stored value can make a response
// ill-formed. CR and, in attributes, tab and LF go as references because a
// parser would otherwise normalise them away.
void AppendXml(std::string& out, std::string_view s, bool attribute) {
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t cp = 0;
    const std::size_t len = DecodeUtf8(s, i, cp);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    const std::string_view raw = s.substr(i, len);
    i += len;
    if (!IsXmlChar(cp)) continue;
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\r': out += "&#13;"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      default: out += raw;
    }
  }
}

std::string Xml(std::string_view s) {
  std::string out;
  AppendXml(out, s, false);
  return out;
}

std::string Attr(std::string_view s) {
  std::string out;
  AppendXml(out, s, true);
  return out;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// xs:language, the type of xml:lang: [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*
bool IsValidLanguage(std::string_view lang) {
  std::size_t part = 0;
  bool first = true;
  for (const char c : lang) {
    if (c == '-') {
      if (part == 0) return false;
      part = 0;
      first = false;
      continue;
    }
    if (!(first ? IsAsciiAlpha(c) : IsAsciiAlnum(c)) || ++part > 8) return false;
  }
  return part > 0;
}

// ---------------------------------------------------------------------------
// Dates

struct UtcArg {
  std::int64_t first_ms = 0;  // the first millisecond the value covers
  std::int64_t last_ms = 0;   // its last: the end of the second, or of the day
  bool day = false;           // YYYY-MM-DD rather than YYYY-MM-DDThh:mm:ssZ
};

bool Digits(std::string_view s, std::size_t pos, std::size_t n, int& value) {
  value = 0;
  for (std::size_t k = pos; k < pos + n; ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
    value = value * 10 + (s[k] - '0');
  }
  return true;
}

// The two granularities of the protocol, nothing looser: no fractions, no
// offsets other than Z, no lower-case 't' or 'z', year 0001 to 9999.
std::optional<UtcArg> ParseUtc(std::string_view s) {
  if (s.size() != 10 && s.size() != 20) return std::nullopt;
  int y = 0, mo = 0, d = 0;
  if (!Digits(s, 0, 4, y) || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' || !Digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (y < 1 || !ymd.ok()) return std::nullopt;
  const std::int64_t day_ms =
      static_cast<std::int64_t>(std::chrono::sys_days{ymd}.time_since_epoch().count()) * kDayMs;
  if (s.size() == 10) return UtcArg{day_ms, day_ms + kDayMs - 1, true};
  int h = 0, mi = 0, sec = 0;
  if (s[10] != 'T' || !Digits(s, 11, 2, h) || s[13] != ':' || !Digits(s, 14, 2, mi) || s[16] != ':' ||
      !Digits(s, 17, 2, sec) || s[19] != 'Z' || h > 23 || mi > 59 || sec > 59) {
    return std::nullopt;
  }
  const std::int64_t ms = day_ms + ((h * 60LL + mi) * 60 + sec) * 1000;
  return UtcArg{ms, ms + 999, false};
}

// ---------------------------------------------------------------------------
// Syntax of arguments

bool InCharset(char c, std::string_view extra) {
  return IsAsciiAlnum(c) || extra.find(c) != std::string_view::npos;
}

// metadataPrefix: [A-Za-z0-9\-_\.!~\*'\(\)]+
bool IsValidMetadataPrefix(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return InCharset(c, "-_.!~*'()"); });
}

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

// An absolute URI (RFC 3986; non-ASCII letters allowed, as in IRIs), which
// every OAI identifier is. Anything else is an illegal value, badArgument,
// and could not be echoed in <request> (its identifier attribute is anyURI).
bool IsUriSyntax(std::string_view s) {
  if (s.size() > kMaxIdentifierBytes || s.empty() || !IsAsciiAlpha(s[0])) return false;
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    if (!InCharset(s[i], "+-.")) return false;
  }
  bool fragment = false;
  for (std::size_t i = colon + 1; i < s.size();) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) return false;
      i += 3;
    } else if (c == '#') {
      if (fragment) return false;
      fragment = true;
      ++i;
    } else if (static_cast<unsigned char>(c) < 0x80) {
      if (!InCharset(c, "-._~!$&'()*+,;=:@/?")) return false;
      ++i;
    } else {
      char32_t cp = 0;
      const std::size_t len = DecodeUtf8(s, i, cp);
      if (len == 0 || cp <= 0x9F || !IsXmlChar(cp)) return false;
      i += len;
    }
  }
  return true;
}

// The oai-identifier guidelines' local-identifier characters, less '%',
// which we keep for escapes.
constexpr std::string_view kLocalIdExtra = "-_.!~*'();/?:@&=+$,";

// oai-identifier's repositoryIdentifier: [a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+
bool IsDomainLike(std::string_view s) {
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find('.', start);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view label = s.substr(start, end - start);
    if (label.empty() || !IsAsciiAlpha(label[0])) return false;
    if (!std::all_of(label.begin(), label.end(), [](char c) { return IsAsciiAlnum(c) || c == '-'; })) {
      return false;
    }
    ++labels;
    start = end + 1;
  }
  return labels >= 2;
}

// ---------------------------------------------------------------------------
// Resumption tokens
//
// A token carries the whole state of a list (the frozen query and the keyset
// position), so the server keeps nothing between pages and any instance can
// answer the next one. It is base64url(payload || HMAC-SHA-256(key, label ||
// payload)): a harvester cannot forge or alter one, and a token of another
// version or for another verb is refused.

constexpr unsigned char kTokenVersion = 1;
constexpr std::string_view kTokenLabel{"waymark/oai/resumptionToken\0", 28};

struct ListState {
  bool records = false;  // ListRecords; else ListIdentifiers
  std::string set;
  std::int64_t from_ms = kMin;
  std::int64_t until_ms = kMax;
  std::int64_t after_ms = kMin;
  std::string after_id;
  std::int64_t cursor = 0;  // records delivered before the next page
  std::int64_t size = -1;   // completeListSize; -1 unknown
  std::int64_t expires_ms = 0;
};

void PutI64(std::string& out, std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((u >> shift) & 0xFF);
}

void PutStr(std::string& out, std::string_view s) {
  PutI64(out, static_cast<std::int64_t>(s.size()));
  out += s;
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool I64(std::int64_t& v) {
    if (data_.size() - pos_ < 8) return false;
    std::uint64_t u = 0;
    for (int k = 0; k < 8; ++k) u = (u << 8) | static_cast<unsigned char>(data_[pos_++]);
    v = static_cast<std::int64_t>(u);
    return true;
  }
  bool Str(std::string& s) {
    std::int64_t n = 0;
    if (!I64(n) || n < 0 || static_cast<std::uint64_t>(n) > data_.size() - pos_) return false;
    s.assign(data_.substr(pos_, static_cast<std::size_t>(n)));
    pos_ += static_cast<std::size_t>(n);
    return true;
  }
  bool Byte(unsigned char& b) {
    if (pos_ >= data_.size()) return false;
    b = static_cast<unsigned char>(data_[pos_++]);
    return true;
  }
  bool AtEnd() const { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

using Mac = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

Mac TokenMac(std::string_view key, std::string_view payload) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(kTokenLabel.data()),
                                kTokenLabel.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(payload.data()), payload.size());
  Mac mac{};
  crypto_auth_hmacsha256_final(&st, mac.data());
  sodium_memzero(&st, sizeof st);
  return mac;
}

std::string EncodeToken(const ListState& s, std::string_view key) {
  std::string payload;
  payload += static_cast<char>(kTokenVersion);
  payload += s.records ? 'R' : 'I';
  PutStr(payload, s.set);
  PutI64(payload, s.from_ms);
  PutI64(payload, s.until_ms);
  PutI64(payload, s.after_ms);
  PutStr(payload, s.after_id);
  PutI64(payload, s.cursor);
  PutI64(payload, s.size);
  PutI64(payload, s.expires_ms);
  const Mac mac = TokenMac(key, payload);
  payload.append(reinterpret_cast<const char*>(mac.data()), mac.size());
  std::string b64(sodium_base64_encoded_len(payload.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(payload.data()),
                    payload.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  b64.resize(b64.find('\0'));
  return b64;
}

enum class TokenProblem { kNone, kMalformed, kExpired };

// Decodes and checks a token of `verb_records` (ListRecords or not).
TokenProblem DecodeToken(std::string_view token, std::string_view key, bool verb_records, std::int64_t now_ms,
                         ListState& s) {
  if (token.empty() || token.size() > kMaxTokenChars) return TokenProblem::kMalformed;
  std::string bin(token.size(), '\0');
  std::size_t bin_len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), token.data(), token.size(),
                        nullptr, &bin_len, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != token.data() + token.size() || bin_len <= crypto_auth_hmacsha256_BYTES) {
    return TokenProblem::kMalformed;
  }
  bin.resize(bin_len);
  const std::string_view payload = std::string_view(bin).substr(0, bin_len - crypto_auth_hmacsha256_BYTES);
  const Mac expected = TokenMac(key, payload);
  if (sodium_memcmp(expected.data(), bin.data() + payload.size(), expected.size()) != 0) {
    return TokenProblem::kMalformed;
  }
  Reader r(payload);
  unsigned char version = 0, kind = 0;
  if (!r.Byte(version) || version != kTokenVersion || !r.Byte(kind) ||
      kind != static_cast<unsigned char>(verb_records ? 'R' : 'I')) {
    return TokenProblem::kMalformed;
  }
  s.records = verb_records;
  if (!r.Str(s.set) || !r.I64(s.from_ms) || !r.I64(s.until_ms) || !r.I64(s.after_ms) || !r.Str(s.after_id) ||
      !r.I64(s.cursor) || !r.I64(s.size) || !r.I64(s.expires_ms) || !r.AtEnd() || s.cursor < 0) {
    return TokenProblem::kMalformed;
  }
  if (now_ms > s.expires_ms) return TokenProblem::kExpired;
  return TokenProblem::kNone;
}

// ---------------------------------------------------------------------------
// The response

constexpr std::string_view kOaiDcSchema = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd";
constexpr std::string_view kOaiDcNamespace = "http://www.openarchives.org/OAI/2.0/oai_dc/";

struct Error {
  std::string_view code;
  std::string message;
};

// Arguments echoed in <request>: none after badVerb or badArgument (the
// protocol says so: they may be what was wrong).
using Echo = std::vector<std::pair<std::string, std::string>>;

std::string Envelope(const Settings& settings, const Echo& echo, std::string_view content) {
  std::string out;
  out.reserve(content.size() + 512);
  out +=
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/ "
      "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd\">\n";
  out += "<responseDate>" + FormatDatestamp(settings.now_ms) + "</responseDate>\n<request";
  for (const auto& [name, value] : echo) out += " " + name + "=\"" + Attr(value) + "\"";
  out += ">" + Xml(settings.base_url) + "</request>\n";
  out += content;
  out += "</OAI-PMH>\n";
  return out;
}

Response Errors(const Settings& settings, const Echo& echo, const std::vector<Error>& errors) {
  std::string content;
  for (const Error& e : errors) {
    content += "<error code=\"" + std::string(e.code) + "\">" + Xml(e.message) + "</error>\n";
  }
  return Response{200, Envelope(settings, echo, content)};
}

Response Fail(const Settings& settings, const Echo& echo, std::string_view code, std::string message) {
  return Errors(settings, echo, {Error{code, std::move(message)}});
}

void AppendHeader(std::string& out, const Record& r, const Settings& settings) {
  out += r.deleted ? "<header status=\"deleted\">" : "<header>";
  out += "<identifier>" + Xml(Identifier(settings.id_namespace, r.local_id)) + "</identifier>";
  out += "<datestamp>" + FormatDatestamp(r.datestamp_ms) + "</datestamp>";
  for (const std::string& spec : r.set_specs) {
    if (IsValidSetSpec(spec)) out += "<setSpec>" + spec + "</setSpec>";
  }
  out += "</header>";
}

void AppendDc(std::string& out, std::string_view element, const std::vector<DcRecord::Value>& values) {
  for (const DcRecord::Value& v : values) {
    const std::string text = Xml(v.text);
    if (text.empty()) continue;
    out += "<dc:";
    out += element;
    if (IsValidLanguage(v.lang)) out += " xml:lang=\"" + v.lang + "\"";
    out += ">" + text + "</dc:";
    out += element;
    out += ">";
  }
}

void AppendRecord(std::string& out, const Record& r, const Settings& settings) {
  out += "<record>";
  AppendHeader(out, r, settings);
  if (!r.deleted) {
    // Every namespace declared on oai_dc:dc itself, so the element stands
    // alone when a harvester stores it apart from the envelope.
    out += "<metadata>\n<oai_dc:dc xmlns:oai_dc=\"";
    out += kOaiDcNamespace;
    out +=
        "\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"";
    out += kOaiDcNamespace;
    out += " ";
    out += kOaiDcSchema;
    out += "\">";
    const DcRecord& dc = r.dc;
    AppendDc(out, "title", dc.title);
    AppendDc(out, "creator", dc.creator);
    AppendDc(out, "subject", dc.subject);
    AppendDc(out, "description", dc.description);
    AppendDc(out, "publisher", dc.publisher);
    AppendDc(out, "contributor", dc.contributor);
    AppendDc(out, "date", dc.date);
    AppendDc(out, "type", dc.type);
    AppendDc(out, "format", dc.format);
    AppendDc(out, "identifier", dc.identifier);
    AppendDc(out, "source", dc.source);
    AppendDc(out, "language", dc.language);
    AppendDc(out, "relation", dc.relation);
    AppendDc(out, "coverage", dc.coverage);
    AppendDc(out, "rights", dc.rights);
    out += "</oai_dc:dc>\n</metadata>";
  }
  out += "</record>\n";
}

// ---------------------------------------------------------------------------
// Verbs

enum class Verb { kIdentify, kListMetadataFormats, kListSets, kGetRecord, kListIdentifiers, kListRecords };

struct VerbSpec {
  std::string_view name;
  Verb verb;
  std::vector<std::string_view> required;
  std::vector<std::string_view> optional;
  bool resumable;  // takes resumptionToken, exclusively
};

const std::vector<VerbSpec>& VerbSpecs() {
  static const std::vector<VerbSpec> specs = {
      {"Identify", Verb::kIdentify, {}, {}, false},
      {"ListMetadataFormats", Verb::kListMetadataFormats, {}, {"identifier"}, false},
      {"ListSets", Verb::kListSets, {}, {}, true},
      {"GetRecord", Verb::kGetRecord, {"identifier", "metadataPrefix"}, {}, false},
      {"ListIdentifiers", Verb::kListIdentifiers, {"metadataPrefix"}, {"from", "until", "set"}, true},
      {"ListRecords", Verb::kListRecords, {"metadataPrefix"}, {"from", "until", "set"}, true},
  };
  return specs;
}

// The request's arguments after the checks every verb shares.
class Request {
 public:
  const std::string* Find(std::string_view name) const {
    for (const auto& [n, v] : args_) {
      if (n == name) return &v;
    }
    return nullptr;
  }
  const Echo& echo() const { return args_; }
  void Add(std::string name, std::string value) { args_.emplace_back(std::move(name), std::move(value)); }

 private:
  Echo args_;  // verb first, then the others in the order given
};

Response Identify(const Repository& repo, const Settings& settings, const Echo& echo) {
  std::string c = "<Identify>\n";
  c += "<repositoryName>" + Xml(settings.repository_name) + "</repositoryName>\n";
  c += "<baseURL>" + Xml(settings.base_url) + "</baseURL>\n";
  c += "<protocolVersion>2.0</protocolVersion>\n";
  std::size_t start = 0;
  while (start <= settings.admin_email.size()) {
    std::size_t end = settings.admin_email.find(',', start);
    if (end == std::string::npos) end = settings.admin_email.size();
    std::string_view email = std::string_view(settings.admin_email).substr(start, end - start);
    while (!email.empty() && email.front() == ' ') email.remove_prefix(1);
    while (!email.empty() && email.back() == ' ') email.remove_suffix(1);
    if (!email.empty()) c += "<adminEmail>" + Xml(email) + "</adminEmail>\n";
    start = end + 1;
  }
  c += "<earliestDatestamp>" + FormatDatestamp(repo.EarliestDatestampMs()) + "</earliestDatestamp>\n";
  c += "<deletedRecord>" + std::string(kDeletedRecordPolicy) + "</deletedRecord>\n";
  c += "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>\n";
  // The oai-identifier description tells harvesters how identifiers are
  // formed; its schema allows only a domain-like namespace.
  if (IsDomainLike(settings.id_namespace)) {
    c += "<description>\n<oai-identifier xmlns=\"http://www.openarchives.org/OAI/2.0/oai-identifier\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/oai-identifier "
         "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd\">"
         "<scheme>oai</scheme><repositoryIdentifier>" +
         settings.id_namespace + "</repositoryIdentifier><delimiter>:</delimiter><sampleIdentifier>" +
         Identifier(settings.id_namespace, "example-item") +
         "</sampleIdentifier></oai-identifier>\n</description>\n";
  }
  c += "</Identify>\n";
  return Response{200, Envelope(settings, echo, c)};
}

std::string MetadataFormats() {
  std::string c = "<ListMetadataFormats>\n<metadataFormat><metadataPrefix>";
  c += kMetadataPrefix;
  c += "</metadataPrefix><schema>";
  c += kOaiDcSchema;
  c += "</schema><metadataNamespace>";
  c += kOaiDcNamespace;
  c += "</metadataNamespace></metadataFormat>\n</ListMetadataFormats>\n";
  return c;
}

Response ListMetadataFormats(const Request& req, const Repository& repo, const Settings& settings) {
  if (const std::string* id = req.Find("identifier")) {
    if (!IsUriSyntax(*id)) return Fail(settings, {}, "badArgument", "identifier is not a URI");
    const std::optional<std::string> local = LocalIdFromIdentifier(*id, settings.id_namespace);
    if (!local || !repo.Get(*local)) {
      return Fail(settings, req.echo(), "idDoesNotExist", "no item has this identifier");
    }
  }
  return Response{200, Envelope(settings, req.echo(), MetadataFormats())};
}

Response ListSets(const Request& req, const Repository& repo, const Settings& settings) {
  // Sets are few, so the whole list goes in one response and no token is
  // ever issued: any token sent back is not one of ours.
  if (req.Find("resumptionToken") != nullptr) {
    return Fail(settings, req.echo(), "badResumptionToken", "this list is never split: no token is valid");
  }
  std::vector<Set> sets;
  std::set<std::string, std::less<>> seen;
  for (const Set& s : repo.Sets()) {
    if (IsValidSetSpec(s.spec) && seen.insert(s.spec).second) sets.push_back(s);
  }
  // A harvester may ask for a parent set, so every parent is listed.
  const std::vector<Set> given = sets;
  for (const Set& s : given) {
    for (std::size_t colon = s.spec.find(':'); colon != std::string::npos;
         colon = s.spec.find(':', colon + 1)) {
      std::string parent = s.spec.substr(0, colon);
      if (seen.insert(parent).second) sets.push_back(Set{parent, parent});
    }
  }
  if (sets.empty()) return Fail(settings, req.echo(), "noSetHierarchy", "the library has no sets");
  std::sort(sets.begin(), sets.end(), [](const Set& a, const Set& b) { return a.spec < b.spec; });
  std::string c = "<ListSets>\n";
  for (const Set& s : sets) {
    c += "<set><setSpec>" + s.spec + "</setSpec><setName>" + Xml(s.name.empty() ? s.spec : s.name) +
         "</setName></set>\n";
  }
  c += "</ListSets>\n";
  return Response{200, Envelope(settings, req.echo(), c)};
}

Response GetRecord(const Request& req, const Repository& repo, const Settings& settings) {
  const std::string& id = *req.Find("identifier");
  const std::string& prefix = *req.Find("metadataPrefix");
  if (!IsUriSyntax(id)) return Fail(settings, {}, "badArgument", "identifier is not a URI");
  if (!IsValidMetadataPrefix(prefix))
    return Fail(settings, {}, "badArgument", "metadataPrefix has an illegal syntax");
  std::vector<Error> errors;
  std::optional<Record> record;
  if (const std::optional<std::string> local = LocalIdFromIdentifier(id, settings.id_namespace)) {
    record = repo.Get(*local);
  }
  if (!record) errors.push_back({"idDoesNotExist", "no item has this identifier"});
  if (prefix != kMetadataPrefix) errors.push_back({"cannotDisseminateFormat", "the only format is oai_dc"});
  if (!errors.empty()) return Errors(settings, req.echo(), errors);
  std::string c = "<GetRecord>\n";
  AppendRecord(c, *record, settings);
  c += "</GetRecord>\n";
  return Response{200, Envelope(settings, req.echo(), c)};
}

Response List(const Request& req, bool records, const Repository& repo, const Settings& settings) {
  ListState state;
  const bool resumed = req.Find("resumptionToken") != nullptr;
  if (resumed) {
    switch (DecodeToken(*req.Find("resumptionToken"), settings.token_key, records, settings.now_ms, state)) {
      case TokenProblem::kNone: break;
      case TokenProblem::kMalformed:
        return Fail(settings, req.echo(), "badResumptionToken",
                    "the token is not one this repository issued");
      case TokenProblem::kExpired:
        return Fail(settings, req.echo(), "badResumptionToken",
                    "the token has expired; start the list again");
    }
  } else {
    std::optional<UtcArg> from, until;
    if (const std::string* v = req.Find("from")) {
      from = ParseUtc(*v);
      if (!from)
        return Fail(settings, {}, "badArgument", "from is neither YYYY-MM-DD nor YYYY-MM-DDThh:mm:ssZ");
    }
    if (const std::string* v = req.Find("until")) {
      until = ParseUtc(*v);
      if (!until)
        return Fail(settings, {}, "badArgument", "until is neither YYYY-MM-DD nor YYYY-MM-DDThh:mm:ssZ");
    }
    if (from && until && from->day != until->day) {
      return Fail(settings, {}, "badArgument", "from and until have different granularities");
    }
    if (from && until && from->first_ms > until->first_ms) {
      return Fail(settings, {}, "badArgument", "from is later than until");
    }
    const std::string* set = req.Find("set");
    if (set != nullptr && !IsValidSetSpec(*set)) {
      return Fail(settings, {}, "badArgument", "set has an illegal setSpec syntax");
    }
    const std::string& prefix = *req.Find("metadataPrefix");
    if (!IsValidMetadataPrefix(prefix)) {
      return Fail(settings, {}, "badArgument", "metadataPrefix has an illegal syntax");
    }
    if (prefix != kMetadataPrefix) {
      return Fail(settings, req.echo(), "cannotDisseminateFormat", "the only format is oai_dc");
    }
    state.records = records;
    state.set = set != nullptr ? *set : "";
    state.from_ms = from ? from->first_ms : kMin;
    // The list is frozen at the moment of its first request: records changed
    // while it is being harvested move past this bound and come in the next
    // incremental harvest (from = this responseDate), so the list neither
    // grows under the harvester nor loses a record.
    state.until_ms = std::min(until ? until->last_ms : kMax, settings.now_ms);
  }
  ListQuery q;
  q.from_ms = state.from_ms;
  q.until_ms = state.until_ms;
  q.set = state.set;
  q.after_datestamp_ms = state.after_ms;
  q.after_local_id = state.after_id;
  q.limit = std::max(1, settings.page_size);
  q.count = !resumed;
  ListPage page = q.from_ms > q.until_ms ? ListPage{} : repo.List(q);
  if (page.records.empty()) {
    // A resumed list comes here only if its remaining records all changed
    // since the previous page (they come in the next harvest).
    return Fail(settings, req.echo(), "noRecordsMatch", "no record matches these arguments");
  }
  const auto n = static_cast<std::int64_t>(page.records.size());
  const std::int64_t size = resumed ? state.size : page.complete_list_size;
  std::string c = records ? "<ListRecords>\n" : "<ListIdentifiers>\n";
  for (const Record& r : page.records) {
    if (records) {
      AppendRecord(c, r, settings);
    } else {
      AppendHeader(c, r, settings);
      c += "\n";
    }
  }
  if (page.more) {
    ListState next = state;
    next.after_ms = page.records.back().datestamp_ms;
    next.after_id = page.records.back().local_id;
    next.cursor = state.cursor + n;
    next.size = size;
    next.expires_ms = settings.now_ms + settings.token_ttl_ms;
    c += "<resumptionToken expirationDate=\"" + FormatDatestamp(next.expires_ms) + "\"";
    // A count taken at the first page can fall behind what was delivered
    // (records withdrawn meanwhile); never announce fewer than that.
    if (size >= 0) c += " completeListSize=\"" + std::to_string(std::max(size, next.cursor + 1)) + "\"";
    c += " cursor=\"" + std::to_string(state.cursor) + "\">" + EncodeToken(next, settings.token_key) +
         "</resumptionToken>\n";
  } else if (resumed) {
    // The last page of a resumed list: an empty token says it is complete.
    c += "<resumptionToken completeListSize=\"" + std::to_string(state.cursor + n) + "\" cursor=\"" +
         std::to_string(state.cursor) + "\"/>\n";
  }
  c += records ? "</ListRecords>\n" : "</ListIdentifiers>\n";
  return Response{200, Envelope(settings, req.echo(), c)};
}

}  // namespace

// ---------------------------------------------------------------------------
// Public helpers

bool IsValidSetSpec(std::string_view spec) {
  if (spec.empty()) return false;
  std::size_t part = 0;
  for (const char c : spec) {
    if (c == ':') {
      if (part == 0) return false;
      part = 0;
    } else if (InCharset(c, "-_.!~*'()")) {
      ++part;
    } else {
      return false;
    }
  }
  return part > 0;
}

bool SetMatches(std::string_view set, const std::vector<std::string>& set_specs) {
  if (set.empty()) return true;
  return std::any_of(set_specs.begin(), set_specs.end(), [set](std::string_view spec) {
    return spec.size() >= set.size() && spec.substr(0, set.size()) == set &&
           (spec.size() == set.size() || spec[set.size()] == ':');
  });
}

bool Matches(const ListQuery& q, std::int64_t datestamp_ms, std::string_view local_id,
             const std::vector<std::string>& set_specs) {
  if (datestamp_ms < q.from_ms || datestamp_ms > q.until_ms) return false;
  if (datestamp_ms < q.after_datestamp_ms ||
      (datestamp_ms == q.after_datestamp_ms && local_id <= q.after_local_id)) {
    return false;
  }
  return SetMatches(q.set, set_specs);
}

std::string Identifier(std::string_view id_namespace, std::string_view local_id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "oai:";
  out += id_namespace;
  out += ':';
  for (const char c : local_id) {
    if (InCharset(c, kLocalIdExtra)) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0x0F];
    }
  }
  return out;
}

std::optional<std::string> LocalIdFromIdentifier(std::string_view identifier, std::string_view id_namespace) {
  const std::string prefix = "oai:" + std::string(id_namespace) + ":";
  if (identifier.size() <= prefix.size() || identifier.substr(0, prefix.size()) != prefix)
    return std::nullopt;
  const std::string_view rest = identifier.substr(prefix.size());
  std::string local;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] != '%') {
      local += rest[i];
      continue;
    }
    if (i + 2 >= rest.size()) return std::nullopt;
    int value = 0;
    for (std::size_t k = i + 1; k <= i + 2; ++k) {
      const char h = rest[k];
      const int digit = h >= '0' && h <= '9' ? h - '0' : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
      if (digit < 0) return std::nullopt;
      value = value * 16 + digit;
    }
    local += static_cast<char>(value);
    i += 2;
  }
  // Only the form Identifier makes is accepted, so each item has exactly one
  // identifier (no "%41" for "A", no raw characters that need escaping).
  if (Identifier(id_namespace, local) != identifier) return std::nullopt;
  return local;
}

std::string FormatDatestamp(std::int64_t ms) {
  // Kept within years 1970..9999, which is all xs:dateTime needs here.
  ms = std::clamp<std::int64_t>(ms, 0, 253'402'300'799'999);
  const std::int64_t secs = ms / 1000;
  const std::chrono::sys_days day{std::chrono::days{secs / 86'400}};
  const std::chrono::year_month_day ymd{day};
  const std::int64_t rem = secs % 86'400;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return buf;
}

Response Handle(const Args& args, const Repository& repo, const Settings& settings) {
  // HMAC needs no initialisation, but libsodium asks for sodium_init before
  // any use; it is idempotent and thread-safe.
  static const bool sodium_ready = sodium_init() >= 0;
  if (!sodium_ready) return Response{500, "", "text/plain; charset=utf-8"};

  const std::string* verb = nullptr;
  int verbs = 0;
  for (const auto& [name, value] : args) {
    if (name == "verb") {
      verb = &value;
      ++verbs;
    }
  }
  if (verbs == 0) return Fail(settings, {}, "badVerb", "the verb argument is missing");
  if (verbs > 1) return Fail(settings, {}, "badVerb", "the verb argument is repeated");
  const auto& specs = VerbSpecs();
  const auto spec =
      std::find_if(specs.begin(), specs.end(), [verb](const VerbSpec& s) { return s.name == *verb; });
  if (spec == specs.end()) return Fail(settings, {}, "badVerb", "the verb is not an OAI-PMH verb");

  Request req;
  req.Add("verb", *verb);
  for (const auto& [name, value] : args) {
    if (name == "verb") continue;
    const bool known =
        std::find(spec->required.begin(), spec->required.end(), name) != spec->required.end() ||
        std::find(spec->optional.begin(), spec->optional.end(), name) != spec->optional.end() ||
        (spec->resumable && name == "resumptionToken");
    if (!known) {
      return Fail(settings, {}, "badArgument",
                  "illegal argument \"" + name + "\" for " + std::string(spec->name));
    }
    if (req.Find(name) != nullptr)
      return Fail(settings, {}, "badArgument", "argument \"" + name + "\" is repeated");
    req.Add(name, value);
  }
  if (req.Find("resumptionToken") != nullptr) {
    if (req.echo().size() > 2) {
      return Fail(settings, {}, "badArgument", "resumptionToken is an exclusive argument");
    }
  } else {
    for (const std::string_view name : spec->required) {
      if (req.Find(name) == nullptr) {
        return Fail(settings, {}, "badArgument", "missing required argument \"" + std::string(name) + "\"");
      }
    }
  }

  switch (spec->verb) {
    case Verb::kIdentify: return Identify(repo, settings, req.echo());
    case Verb::kListMetadataFormats: return ListMetadataFormats(req, repo, settings);
    case Verb::kListSets: return ListSets(req, repo, settings);
    case Verb::kGetRecord: return GetRecord(req, repo, settings);
    case Verb::kListIdentifiers: return List(req, false, repo, settings);
    case Verb::kListRecords: return List(req, true, repo, settings);
  }
  return Fail(settings, {}, "badVerb", "the verb is not an OAI-PMH verb");
}

}  // namespace waymark::web::oai
