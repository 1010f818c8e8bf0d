// A browser-like session over HttpClient: keeps cookies, remembers the last
// anti-forgery token a page carried, and signs in through the real form.
#pragma once

#include <string>
#include <string_view>

#include "http_client.h"

namespace waymark::it {

// The value="..." of the first <input> whose name="..." is `name`, HTML
// entities decoded; "" when there is none.
std::string ExtractInputValue(std::string_view html, std::string_view name);
// The hidden anti-forgery field of the first form on a page.
inline std::string ExtractCsrf(std::string_view html) { return ExtractInputValue(html, "csrf"); }
// The text inside the element with id="ID" (up to the next '<'), entities decoded.
std::string ExtractElementText(std::string_view html, std::string_view id);
// The lang="..." of the <html> element; "" when absent.
std::string HtmlLang(std::string_view html);
std::string HtmlUnescape(std::string_view text);

class Browser {
 public:
  explicit Browser(int port) : client_(port) {}
  explicit Browser(const HttpClient& client) : client_(client) {}

  // Sends the jar's cookies, applies Set-Cookie, and remembers the csrf field
  // of HTML pages. Redirects are not followed.
  HttpResponse Request(const std::string& method, const std::string& target, const HeaderList& headers = {},
                       const std::string& body = "");
  HttpResponse Get(const std::string& target, const HeaderList& headers = {});
  // An urlencoded form, sent as it is (add "csrf" yourself, e.g. from csrf()).
  HttpResponse PostForm(const std::string& target, const FormFields& fields, const HeaderList& headers = {});
  // A form with the remembered csrf token added as the first field.
  HttpResponse Submit(const std::string& target, FormFields fields, const HeaderList& headers = {});
  // GETs `location` and follows up to `max_hops` redirects (303/302/301/307).
  HttpResponse Follow(std::string location, int max_hops = 5);

  CookieJar& jar() { return jar_; }
  const CookieJar& jar() const { return jar_; }
  // The csrf value of the last HTML page that had one.
  const std::string& csrf() const { return csrf_; }
  void set_csrf(std::string csrf) { csrf_ = std::move(csrf); }
  const HttpClient& client() const { return client_; }
  std::string session() const { return jar_.Get("wm_session"); }

 private:
  HttpClient client_;
  CookieJar jar_;
  std::string csrf_;
};

struct SignedIn {
  std::string session;    // the wm_session cookie value
  std::string csrf;       // the session's token, as rendered in the next page's forms
  HttpResponse response;  // the 303 answer to POST /signin
  HttpResponse landing;   // the page the redirects ended on
};

// GET /signin (for the form's csrf field and the wm_csrf cookie), then POST
// /signin. Returns the POST's answer, whatever it is.
HttpResponse AttemptSignIn(Browser& browser, const std::string& email, const std::string& password,
                           const std::string& next = "/");

// Signs in through the real form and follows the redirect to a page, whose
// csrf field is the session's token. Throws std::runtime_error unless the
// sign-in answers 303 with a wm_session cookie.
SignedIn SignIn(Browser& browser, const std::string& email, const std::string& password,
                const std::string& next = "/");

}  // namespace waymark::it
