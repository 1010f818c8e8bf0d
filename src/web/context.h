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

namespace waymark::web {

// Who may call a route; checked once, in WebApp::Run, before the handler.
// kProtocol: public, for machine protocols whose clients POST forms
// without a session or CSRF token (OAI-PMH harvesters); such a handler only
// reads public data and parses its own body.
enum class Access { kPublic, kSignedIn, kAdmin, kProtocol };

// Everything a handler knows about the request beyond the request itself.
struct Context {
  http::Request& req;
  std::string client_addr;  // the client's address, trusted proxies seen through
  std::string lang = "en";
  std::optional<accounts::User> user;
  std::string session_token;                              // cookie value when signed in by session
  bool via_token = false;                                 // signed in by API token
  std::string csrf;                                       // the token forms must carry
  bool csrf_cookie_pending = false;                       // a new anonymous token not yet sent
  std::vector<std::pair<std::string, std::string>> form;  // parsed urlencoded body
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
