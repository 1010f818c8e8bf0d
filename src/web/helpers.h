// Helpers the handlers of every module share: forms, queries, paging,
// redirects, JSON bodies, translated messages.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "http/message.h"

namespace waymark::web {

// The cookies WebApp::Run reads: the session, the double-submit CSRF token
// of anonymous forms, the language of anonymous readers.
inline constexpr char kSessionCookie[] = "wm_session";
inline constexpr char kCsrfCookie[] = "wm_csrf";
inline constexpr char kLangCookie[] = "wm_lang";

// The Cache-Control of a signed-in answer unless its handler sets another:
// that person's alone, and not kept by a browser or proxy. WebApp keeps
// such an answer for the same person (WebApp::Run); one whose handler chose
// anything else it does not keep.
inline constexpr std::string_view kSignedInCacheControl = "private, no-store";

// `text` with every `key` ("{n}") replaced by `value`: filling in a
// translated message.
std::string Fill(std::string text, std::string_view key, std::string_view value);

// ?page= as a number from 1 to 100000; anything else is page 1.
int PageParam(const http::Request& req);

// ?page= (from 1) and ?per_page= (1-100, default 20) of an API list;
// Validation naming the parameter when either is not such a number.
Status ApiPaging(const http::Request& req, int& page, int& per_page);

// A path safe to redirect to after a form: local, absolute, no scheme tricks
// ("//host", "/\\host"), no control characters ("/" instead of any of these);
// bytes outside the URL-safe ASCII set (non-ASCII, spaces, quotes) come back
// percent-encoded, so the result is always a plain ASCII header value.
std::string SafeNext(std::string_view next);

// Text made safe inside XML (Atom feeds, OAI): the five entities escaped,
// the control characters XML 1.0 forbids dropped.
std::string XmlEscape(std::string_view s);
// One CSV cell (RFC 4180), quoted when needed, with spreadsheet formulas
// defused (a leading =, +, -, @, tab or CR gets a quote mark).
std::string CsvCell(std::string s);

// The element id of the checkbox or input for `value` of facet or form field
// `name` ("f-theme-inclusion"); error summaries link to the same id.
std::string FieldId(std::string_view name, std::string_view value);

// True for a record id in a URL or form: 1 to 18 decimal digits.
bool IsDigits(std::string_view s);
// "a, b ,c" or one item per line -> the trimmed, non-empty items.
std::vector<std::string> SplitList(std::string_view text);
// Every decoded (name, value) pair of the query string, in order.
std::vector<std::pair<std::string, std::string>> QueryPairs(const http::Request& req);

// Parses a JSON request body. InvalidArgument naming line and column for
// malformed JSON; UnsupportedMediaType unless Content-Type is JSON.
Result<nlohmann::json> ParseJsonBody(const http::Request& req);

}  // namespace waymark::web
