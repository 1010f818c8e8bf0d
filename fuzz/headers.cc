// Request headers parsed outside the HTTP parser, each fed the input as its
// value: Accept-Language (and the ?lang= / cookie candidates) through
// NegotiateLanguage, Cookie through Request::Cookie, Content-Type through
// Request::ContentType and MultipartBoundary.
//
// Not reached: If-Match (parsed inside WebApp handlers in src/web/api.cc and
// in an anonymous-namespace IfMatch in src/web/api_campaigns.cc) and the
// Authorization "Bearer" prefix check (inline in WebApp::MakeContext).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/message.h"
#include "http/multipart.h"
#include "i18n/catalog.h"

namespace {

const waymark::i18n::Catalog& TheCatalog() {
  static const waymark::i18n::Catalog catalog = [] {
    auto c = waymark::i18n::Catalog::LoadEmbedded();
    if (!c.ok()) std::abort();  // the embedded catalogues are checked by the unit tests
    return *c;
  }();
  return catalog;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string value(reinterpret_cast<const char*>(data), size);
  const auto& catalog = TheCatalog();
  std::string lang = waymark::i18n::NegotiateLanguage(catalog, "", "", "", value);
  if (!catalog.Has(lang)) std::abort();  // always a language we can serve
  lang = waymark::i18n::NegotiateLanguage(catalog, "", value, value, value);
  if (!catalog.Has(lang)) std::abort();

  waymark::http::Request req;
  req.headers = {{"cookie", value}, {"content-type", value}, {"accept-language", value}};
  (void)req.Cookie("wm_session");
  (void)req.Cookie("wm_lang");
  (void)req.Cookie("wm_csrf");
  (void)req.ContentType();
  (void)waymark::http::MultipartBoundary(value);
  return 0;
}
