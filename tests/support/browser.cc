#include "browser.h"

#include <stdexcept>

namespace waymark::it {

std::string HtmlUnescape(std::string_view text) {
  static const std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'},   {"&lt;", '<'},    {"&gt;", '>'},  {"&quot;", '"'}, {"&#39;", '\''},
      {"&apos;", '\''}, {"&#x27;", '\''}, {"&#34;", '"'}, {"&#x2F;", '/'}, {"&#47;", '/'},
      {"&#61;", '='},   {"&#x3D;", '='},  {"&#96;", '`'}};
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    if (text[i] == '&') {
      for (const auto& [entity, ch] : kEntities) {
        if (text.substr(i, entity.size()) == entity) {
          out += ch;
          i += entity.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

std::string ExtractInputValue(std::string_view html, std::string_view name) {
  std::string needle = "name=\"" + std::string(name) + "\"";
  std::size_t from = 0;
  while (true) {
    auto pos = html.find(needle, from);
    if (pos == std::string_view::npos) return "";
    from = pos + needle.size();
    auto start = html.rfind('<', pos);
    auto end = html.find('>', pos);
    if (start == std::string_view::npos || end == std::string_view::npos) return "";
    std::string_view tag = html.substr(start, end - start);
    if (tag.substr(0, 6) != "<input") continue;
    auto v = tag.find("value=\"");
    if (v == std::string_view::npos) return "";
    v += 7;
    auto q = tag.find('"', v);
    if (q == std::string_view::npos) return "";
    return HtmlUnescape(tag.substr(v, q - v));
  }
}

std::string ExtractElementText(std::string_view html, std::string_view id) {
  std::string needle = "id=\"" + std::string(id) + "\"";
  auto pos = html.find(needle);
  if (pos == std::string_view::npos) return "";
  auto gt = html.find('>', pos);
  if (gt == std::string_view::npos) return "";
  auto lt = html.find('<', gt);
  return HtmlUnescape(html.substr(gt + 1, (lt == std::string_view::npos ? html.size() : lt) - gt - 1));
}

std::string HtmlLang(std::string_view html) {
  auto pos = html.find("<html");
  if (pos == std::string_view::npos) return "";
  auto end = html.find('>', pos);
  auto lang = html.find("lang=\"", pos);
  if (lang == std::string_view::npos || lang > end) return "";
  lang += 6;
  auto q = html.find('"', lang);
  return std::string(html.substr(lang, q - lang));
}

HttpResponse Browser::Request(const std::string& method, const std::string& target, const HeaderList& headers,
                              const std::string& body) {
  HttpResponse r = client_.Request(method, target, jar_.With(headers), body);
  jar_.Update(r);
  if (r.Header("Content-Type").find("text/html") != std::string::npos) {
    std::string csrf = ExtractCsrf(r.body);
    if (!csrf.empty()) csrf_ = csrf;
  }
  return r;
}

HttpResponse Browser::Get(const std::string& target, const HeaderList& headers) {
  return Request("GET", target, headers);
}

HttpResponse Browser::PostForm(const std::string& target, const FormFields& fields,
                               const HeaderList& headers) {
  HeaderList h = headers;
  h.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return Request("POST", target, h, FormEncode(fields));
}

HttpResponse Browser::Submit(const std::string& target, FormFields fields, const HeaderList& headers) {
  fields.insert(fields.begin(), {"csrf", csrf_});
  return PostForm(target, fields, headers);
}

HttpResponse Browser::Follow(std::string location, int max_hops) {
  HttpResponse r = Get(location);
  for (int hop = 0;
       hop < max_hops && (r.status == 301 || r.status == 302 || r.status == 303 || r.status == 307); ++hop) {
    location = r.Header("Location");
    if (location.empty()) break;
    r = Get(location);
  }
  return r;
}

HttpResponse AttemptSignIn(Browser& browser, const std::string& email, const std::string& password,
                           const std::string& next) {
  HttpResponse form = browser.Get("/signin?next=" + UrlEncode(next));
  if (form.status != 200 || ExtractCsrf(form.body).empty()) {
    throw std::runtime_error("GET /signin did not show the form: " + form.Describe());
  }
  return browser.Submit("/signin", {{"email", email}, {"password", password}, {"next", next}});
}

SignedIn SignIn(Browser& browser, const std::string& email, const std::string& password,
                const std::string& next) {
  SignedIn out;
  out.response = AttemptSignIn(browser, email, password, next);
  auto cookie = FindSetCookie(out.response, "wm_session");
  if (out.response.status != 303 || !cookie || cookie->value.empty()) {
    throw std::runtime_error("signing in as " + email + " failed: " + out.response.Describe());
  }
  out.session = cookie->value;
  out.landing = browser.Follow(out.response.Header("Location"));
  out.csrf = ExtractCsrf(out.landing.body);
  if (out.landing.status != 200 || out.csrf.empty()) {
    throw std::runtime_error("after signing in as " + email +
                             ", no page with a form: " + out.landing.Describe());
  }
  browser.set_csrf(out.csrf);
  return out;
}

}  // namespace waymark::it
