// What every handler of every module gets: the request Context and the
// access levels of routes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/accounts/model.h"
#include "http/message.h"
#include "http/multipart.h"

namespace waymark::web {

// Who may call a route; checked once, in WebApp::Run, before the handler.
// kProtocol: public, for machine protocols whose clients POST forms
// without a session or CSRF token (OAI-PMH harvesters); such a handler only
// reads public data and parses its own body.
enum class Access { kPublic, kSignedIn, kAdmin, kProtocol };

// Where a route wants a large request body. The server spools a body over
// its spool threshold to a file (http::Request::body_file); WebApp reads it
// into req.body for kInMemory routes (every handler that parses JSON or a
// form), and leaves it in the file for kStreamed ones (uploads of large
// files), whose multipart file parts stay ranges of that file
// (Context::files).
enum class BodyUse { kInMemory, kStreamed };

// Everything a handler knows about the request beyond the request itself.
struct Context {
  http::Request& req;
  std::string client_addr;  // the client's address, trusted proxies seen through
  std::string lang = "en";
  std::optional<accounts::User> user;
  std::string session_token;  // cookie value when signed in by session
  bool via_token = false;     // signed in by API token
  std::string csrf;           // the token forms must carry; empty for an anonymous visitor without one yet
  std::vector<std::pair<std::string, std::string>> form;  // parsed urlencoded body
  // A kStreamed route's multipart file parts (the text fields are in form).
  std::vector<http::MultipartPart> files;
  std::vector<std::string> set_cookies;

  accounts::Actor actor() const;
  bool is_admin() const { return user && user->is_admin; }
  // Form field, or "" when absent.
  std::string Form(std::string_view name) const;
  bool HasForm(std::string_view name) const;
  // Every non-empty value of a repeatable form field, in order.
  std::vector<std::string> FormAll(std::string_view name) const;
};

}  // namespace waymark::web
