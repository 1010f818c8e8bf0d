#include "web/embedded_assets.h"

#include "crypto/crypto.h"

namespace waymark::web {
namespace {

std::string ContentTypeFor(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  return "application/octet-stream";
}

}  // namespace

EmbeddedAssets::EmbeddedAssets(const std::map<std::string_view, std::string_view>& files,
                               std::string url_prefix) {
  for (const auto& [path, bytes] : files) {
    std::size_t slash = path.rfind('/');
    std::string name(path.substr(slash == std::string_view::npos ? 0 : slash + 1));
    std::string hash = crypto::Sha256Hex(bytes).substr(0, 16);
    urls_[name] = std::string(url_prefix).append(name).append("?v=").append(hash);
    assets_.emplace(name, Asset{bytes, ContentTypeFor(name), "\"" + hash + "\""});
  }
}

const std::string_view* EmbeddedAssets::Find(std::string_view name) const {
  auto it = assets_.find(name);
  return it == assets_.end() ? nullptr : &it->second.bytes;
}

std::optional<http::Response> EmbeddedAssets::Serve(std::string_view name,
                                                    std::string_view if_none_match) const {
  auto it = assets_.find(name);
  if (it == assets_.end()) return std::nullopt;
  const Asset& a = it->second;
  http::Response r;
  if (if_none_match == a.etag) {
    r.status = 304;
  } else {
    r.body = std::string(a.bytes);
    r.Set("Content-Type", a.content_type);
  }
  r.Set("ETag", a.etag);
  // Versioned URLs: a changed file gets a new URL, so a year is safe.
  r.Set("Cache-Control", "public, max-age=31536000, immutable");
  return r;
}

}  // namespace waymark::web
