#include "mail/smtp_mailer.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <utility>

#include "core/strings.h"
#include "domain/accounts/account_service.h"

namespace waymark::mail {
namespace {

constexpr std::size_t kMaxLine = 76;       // quoted-printable and header soft limit (plus CRLF)
constexpr std::size_t kMaxWord = 75;       // an RFC 2047 encoded word
constexpr std::size_t kMaxSmtpLine = 998;  // RFC 5322 hard limit
constexpr std::size_t kMaxSubject = 1000;  // bytes; beyond this it is not a subject

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

// Length of the UTF-8 sequence starting with byte `c` (1 for stray bytes).
std::size_t SequenceLength(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xE) return 3;
  if ((c >> 3) == 0x1E) return 4;
  return 1;
}

// True for characters a display name may hold unquoted in a phrase, apart
// from spaces (RFC 5322 atext).
bool IsAtext(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

// The display name in "Name <addr>", without quotes; empty when there is none.
std::string DisplayNameOf(std::string_view mailbox) {
  std::size_t lt = mailbox.rfind('<');
  if (lt == std::string_view::npos) return "";
  std::string_view name = TrimAscii(mailbox.substr(0, lt));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  return std::string(name);
}

// "Name <addr>" for the From header, the name encoded or quoted as needed.
std::string FormatMailbox(const std::string& name, const std::string& addr) {
  if (name.empty()) return addr;
  const std::size_t used = std::strlen("From: ");
  if (!IsAscii(name)) return EncodeHeaderText(name, used) + " <" + addr + ">";
  bool plain = std::all_of(name.begin(), name.end(), [](char c) { return IsAtext(c) || c == ' '; });
  if (plain) return name + " <" + addr + ">";
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return quoted + "\" <" + addr + ">";
}

// Normalises line ends to CRLF.
std::string CrLf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool NeedsQuotedPrintable(std::string_view body) {
  if (!IsAscii(body)) return true;
  std::size_t line = 0;
  for (char c : body) {
    if (c == '\n' || c == '\r') {
      line = 0;
    } else if (++line > kMaxSmtpLine) {
      return true;
    }
  }
  return false;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// What curl reads the message from.
struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t ReadMessage(char* buffer, std::size_t size, std::size_t nitems, void* userdata) {
  auto* up = static_cast<Upload*>(userdata);
  std::size_t n = std::min(size * nitems, up->data.size() - up->offset);
  std::memcpy(buffer, up->data.data() + up->offset, n);
  up->offset += n;
  return n;
}

}  // namespace

std::string_view ToString(StartTls s) {
  switch (s) {
    case StartTls::kNone: return "none";
    case StartTls::kOpportunistic: return "opportunistic";
    case StartTls::kRequired: return "required";
  }
  return "required";
}

std::optional<StartTls> ParseStartTls(std::string_view s) {
  if (s == "none") return StartTls::kNone;
  if (s == "opportunistic") return StartTls::kOpportunistic;
  if (s == "required") return StartTls::kRequired;
  return std::nullopt;
}

std::string FormatRfc5322Date(TimestampMs ms) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const UtcTime t = ToUtc(ms);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[t.weekday], t.day,
                kMonths[t.month - 1], t.year, t.hour, t.minute, t.second);
  return buf;
}

std::string EncodeHeaderText(std::string_view text, std::size_t used) {
  bool printable = std::all_of(text.begin(), text.end(), [](char c) { return c >= ' ' && c <= '~'; });
  // "=?" is escaped too, so that plain text never reads as an encoded word.
  if (printable && used + text.size() <= kMaxLine && text.find("=?") == std::string_view::npos) {
    return std::string(text);
  }
  // Each word carries whole UTF-8 sequences: 45 bytes make 60 base64
  // characters, 72 with "=?UTF-8?B?" and "?=".
  constexpr std::size_t kWrapping = 12;  // "=?UTF-8?B?" and "?="
  constexpr std::size_t kChunk = (kMaxWord - kWrapping) / 4 * 3;
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size()) {
      std::size_t len = SequenceLength(static_cast<unsigned char>(text[end]));
      if (end + len - i > kChunk) break;
      end = std::min(text.size(), end + len);
    }
    if (end == i) end = std::min(text.size(), i + kChunk);  // cannot happen for len <= 4; be safe
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string QuotedPrintable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string in = CrLf(text);
  std::string out;
  out.reserve(in.size() * 3 / 2);
  std::size_t col = 0;
  // Appends one encoded unit, breaking the line softly first if it would
  // not fit (leaving room for the '=' of a soft break).
  auto put = [&](const std::string& unit, bool last_on_line) {
    std::size_t room = last_on_line ? kMaxLine : kMaxLine - 1;
    if (col + unit.size() > room) {
      out += "=\r\n";
      col = 0;
    }
    out += unit;
    col += unit.size();
  };
  std::size_t i = 0;
  while (i < in.size()) {
    if (in.compare(i, 2, "\r\n") == 0) {
      out += "\r\n";
      col = 0;
      i += 2;
      continue;
    }
    // Keep a multi-byte character on one line.
    std::size_t len = std::min(in.size() - i, SequenceLength(static_cast<unsigned char>(in[i])));
    bool at_end = i + len == in.size() || in.compare(i + len, 2, "\r\n") == 0;
    std::string unit;
    for (std::size_t k = i; k < i + len; ++k) {
      auto c = static_cast<unsigned char>(in[k]);
      bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_end);
      if (literal) {
        unit.push_back(static_cast<char>(c));
      } else {
        unit.push_back('=');
        unit.push_back(kHex[c >> 4]);
        unit.push_back(kHex[c & 15]);
      }
    }
    put(unit, at_end);
    i += len;
  }
  return out;
}

std::string AddressOf(std::string_view mailbox) {
  std::size_t lt = mailbox.rfind('<');
  if (lt != std::string_view::npos) {
    std::size_t gt = mailbox.find('>', lt);
    if (gt == std::string_view::npos) return "";
    return std::string(TrimAscii(mailbox.substr(lt + 1, gt - lt - 1)));
  }
  return std::string(TrimAscii(mailbox));
}

SmtpMailer::SmtpMailer(SmtpOptions options, const Clock& clock, Random& random)
    : options_(std::move(options)), clock_(clock), random_(random) {
  // curl_easy_init would otherwise initialise libcurl on first use, from
  // whichever thread sends first; curl_global_init is not safe to race with
  // other threads' use of libcurl (or of OpenSSL). The process makes its
  // mailer before it starts any worker thread, so do it here, once.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<std::string> SmtpMailer::BuildMessage(const exchange::Email& email) const {
  if (HasLineBreak(email.to) || HasLineBreak(email.subject)) {
    return Status::InvalidArgument("line breaks are not allowed in an e-mail's recipient or subject");
  }
  std::string to(TrimAscii(email.to));
  if (!accounts::IsValidEmail(to)) return Status::InvalidArgument("not an e-mail address: '" + to + "'");
  if (!IsValidUtf8(email.subject) || HasControlCharacters(email.subject, false) ||
      email.subject.size() > kMaxSubject) {
    return Status::InvalidArgument("the subject must be one line of UTF-8 text");
  }
  if (!IsValidUtf8(email.text)) return Status::InvalidArgument("the text is not valid UTF-8");
  if (HasLineBreak(options_.from))
    return Status::InvalidArgument("line breaks are not allowed in the sender");
  std::string from = AddressOf(options_.from);
  if (!accounts::IsValidEmail(from)) {
    return Status::InvalidArgument("the sender is not an e-mail address: '" + options_.from + "'");
  }
  std::string domain = from.substr(from.find('@') + 1);

  std::string m;
  m += "Date: " + FormatRfc5322Date(clock_.NowMs()) + "\r\n";
  m += "From: " + FormatMailbox(DisplayNameOf(options_.from), from) + "\r\n";
  m += "To: " + to + "\r\n";
  m += "Subject: " + EncodeHeaderText(email.subject, std::strlen("Subject: ")) + "\r\n";
  m += "Message-ID: <" + random_.Hex(16) + "@" + domain + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\n";
  if (NeedsQuotedPrintable(email.text)) {
    m += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    m += QuotedPrintable(email.text);
  } else {
    m += "Content-Transfer-Encoding: 7bit\r\n\r\n";
    m += CrLf(email.text);
  }
  if (m.size() < 2 || m.compare(m.size() - 2, 2, "\r\n") != 0) m += "\r\n";
  return m;
}

Status SmtpMailer::Send(const exchange::Email& email) {
  WM_ASSIGN_OR_RETURN(std::string message, BuildMessage(email));
  std::string to(TrimAscii(email.to));
  std::string from = AddressOf(options_.from);

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Status::Internal("curl_easy_init failed");
  std::string host = options_.host.find(':') != std::string::npos ? "[" + options_.host + "]" : options_.host;
  std::string url = "smtp://" + host + ":" + std::to_string(options_.port);
  std::string mail_from = "<" + from + ">";
  std::unique_ptr<curl_slist, SlistDeleter> rcpt(curl_slist_append(nullptr, ("<" + to + ">").c_str()));
  if (!rcpt) return Status::Internal("curl_slist_append failed");
  Upload upload{message};
  char error[CURL_ERROR_SIZE] = {0};

  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &ReadMessage);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  long use_ssl = CURLUSESSL_NONE;
  if (options_.starttls == StartTls::kOpportunistic) use_ssl = CURLUSESSL_TRY;
  if (options_.starttls == StartTls::kRequired) use_ssl = CURLUSESSL_ALL;
  curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl);
  if (!options_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }

  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    std::string detail = error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(rc));
    return Status::Unavailable("SMTP to " + options_.host + ":" + std::to_string(options_.port) + ": " +
                               detail);
  }
  return Status::Ok();
}

}  // namespace waymark::mail
