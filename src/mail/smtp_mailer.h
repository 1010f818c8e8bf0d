// SmtpMailer: exchange::Mailer over SMTP with libcurl. One connection per
// message (digests are few and far between); STARTTLS as configured, AUTH
// when a username is given.
//
// The message is plain text in UTF-8 (RFC 5322 + MIME): Date, From, To,
// Subject (RFC 2047 encoded words when not plain ASCII), Message-ID,
// MIME-Version, Content-Type text/plain; charset=utf-8, and a
// Content-Transfer-Encoding of 7bit for short-lined ASCII, else
// quoted-printable; CRLF line ends. libcurl dot-stuffs the body.
//
// Errors: InvalidArgument for a recipient or subject that could inject
// headers (CR, LF) or is not an address; Unavailable, with curl's message,
// when the server cannot be reached or refuses the message.
// Thread-safe if `random` is: each Send has its own curl handle, and the
// first mailer made initialises libcurl (make it before starting threads).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "core/status.h"
#include "domain/exchange/exchange_service.h"

namespace waymark::mail {

enum class StartTls {
  kNone,           // plain SMTP (a local relay)
  kOpportunistic,  // STARTTLS when the server offers it
  kRequired,       // fail unless STARTTLS succeeds
};
std::string_view ToString(StartTls s);
// "none", "opportunistic", "required".
std::optional<StartTls> ParseStartTls(std::string_view s);

struct SmtpOptions {
  std::string host;      // name or IP address of the relay
  int port = 587;        // 25, 587, ...
  std::string from;      // "Waymark <noreply@example.org>" or "noreply@example.org"
  std::string username;  // empty: no AUTH
  std::string password;
  StartTls starttls = StartTls::kRequired;
  int timeout_ms = 30'000;  // for the whole exchange, connecting included
};

class SmtpMailer final : public exchange::Mailer {
 public:
  // `clock` and `random` (for Date and Message-ID) must outlive the mailer.
  SmtpMailer(SmtpOptions options, const Clock& clock, Random& random);

  Status Send(const exchange::Email& email) override;

  // The message as it is handed to curl (before dot-stuffing), or
  // InvalidArgument for a bad recipient, subject or sender.
  Result<std::string> BuildMessage(const exchange::Email& email) const;

 private:
  SmtpOptions options_;
  const Clock& clock_;
  Random& random_;
};

// Building blocks, exposed for tests.
// "Sun, 29 Nov 2026 21:03:39 +0000".
std::string FormatRfc5322Date(TimestampMs ms);
// `text` as it may stand in a header: unchanged when short printable ASCII,
// else RFC 2047 "=?UTF-8?B?...?=" words of at most 75 characters, folded
// with CRLF SP. `used` is how many characters the line holds before it.
std::string EncodeHeaderText(std::string_view text, std::size_t used);
// Quoted-printable (RFC 2045) with CRLF line ends and lines of at most 76
// characters; `text` line ends may be LF or CRLF.
std::string QuotedPrintable(std::string_view text);
// The address in "Name <addr>" or "addr"; empty when there is none.
std::string AddressOf(std::string_view mailbox);

}  // namespace waymark::mail
