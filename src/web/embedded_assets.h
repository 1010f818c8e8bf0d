// A module's browser files embedded in the binary (waymark_embed), served
// under /static/<module>/<name>: URLs carry a content hash (?v=), so answers
// are cached for a year; an ETag answers revalidations with 304.
//
// Immutable after construction: safe to share between request threads.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <optional>

#include "http/message.h"

namespace waymark::web {

class EmbeddedAssets {
 public:
  // `files`: path -> bytes, as waymark_embed's Files() gives them; served
  // by base name under `url_prefix` ("/static/atlas/").
  EmbeddedAssets(const std::map<std::string_view, std::string_view>& files, std::string url_prefix);

  // {"leaflet.js": "/static/atlas/leaflet.js?v=<hash>", ...}
  const nlohmann::json& Urls() const { return urls_; }
  // The bytes of `name`, or nullptr.
  const std::string_view* Find(std::string_view name) const;
  // The answer to GET of `name` (nullopt when there is no such file).
  std::optional<http::Response> Serve(std::string_view name, std::string_view if_none_match) const;

 private:
  struct Asset {
    std::string_view bytes;
    std::string content_type;
    std::string etag;  // quoted
  };
  std::map<std::string, Asset, std::less<>> assets_;
  nlohmann::json urls_ = nlohmann::json::object();
};

}  // namespace waymark::web
