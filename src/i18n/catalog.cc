#include "i18n/catalog.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/strings.h"

namespace waymark::i18n::embedded_catalogs {
const std::map<std::string_view, std::string_view>& Files();
}

namespace waymark::i18n {
namespace {

Status MissingKey(const std::string& lang, const std::string& key) {
  return Status::InvalidArgument("catalogue " + lang + ".json lacks key '" + key + "'");
}

Status ExtraKey(const std::string& lang, const std::string& key) {
  return Status::InvalidArgument("catalogue " + lang + ".json has key '" + key + "' that English lacks");
}

}  // namespace

// Catalogues are web/i18n/<lang>.json plus one file per module,
// <module>.<lang>.json; a language's files are merged, and a key defined
// twice is an error.
Result<Catalog> Catalog::LoadEmbedded() {
  std::map<std::string, nlohmann::json> merged;
  for (const auto& [name, text] : embedded_catalogs::Files()) {
    std::string stem(name.substr(0, name.rfind('.')));
    std::string lang = stem.substr(stem.rfind('.') + 1);
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object())
      return Status::InvalidArgument("catalogue " + std::string(name) + " is not a JSON object");
    auto& into = merged[lang];
    if (into.is_null()) into = nlohmann::json::object();
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (into.contains(it.key())) {
        return Status::InvalidArgument("catalogue " + std::string(name) + ": key '" + it.key() +
                                       "' is defined in another file too");
      }
      into[it.key()] = it.value();
    }
  }
  std::map<std::string, std::string> json;
  for (const auto& [lang, j] : merged) json[lang] = j.dump();
  return FromJson(json);
}

Result<Catalog> Catalog::FromJson(const std::map<std::string, std::string>& json_by_lang) {
  Catalog c;
  for (const auto& [lang, text] : json_by_lang) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return Status::InvalidArgument("catalogue " + lang + ".json is not a JSON object");
    auto& m = c.messages_[lang];
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!it->is_string()) {
        return Status::InvalidArgument("catalogue " + lang + ".json: key '" + it.key() + "' is not a string");
      }
      m[it.key()] = it->get<std::string>();
    }
    c.languages_.push_back(lang);
  }
  auto en = c.messages_.find(std::string(kDefaultLanguage));
  if (en == c.messages_.end()) return Status::InvalidArgument("no English catalogue");
  for (auto& [lang, m] : c.messages_) {
    for (const auto& [key, value] : en->second) {
      if (!m.count(key)) {
        return MissingKey(lang, key);
      }
    }
    for (const auto& [key, value] : m) {
      if (!en->second.count(key)) {
        return ExtraKey(lang, key);
      }
    }
  }
  // English first, then the others alphabetically: the order of the switcher.
  std::sort(c.languages_.begin(), c.languages_.end(), [](const std::string& a, const std::string& b) {
    if (a == kDefaultLanguage) return b != kDefaultLanguage;
    if (b == kDefaultLanguage) return false;
    return a < b;
  });
  return c;
}

const std::string& Catalog::Get(std::string_view lang, const std::string& key) const {
  auto it = messages_.find(lang);
  if (it != messages_.end()) {
    auto m = it->second.find(key);
    if (m != it->second.end()) return m->second;
  }
  auto en = messages_.find(kDefaultLanguage);
  if (en != messages_.end()) {
    auto m = en->second.find(key);
    if (m != en->second.end()) return m->second;
  }
  return key;
}

const std::map<std::string, std::string>& Catalog::All(std::string_view lang) const {
  auto it = messages_.find(lang);
  if (it == messages_.end()) it = messages_.find(kDefaultLanguage);
  return it->second;
}

bool Catalog::Has(std::string_view lang) const { return messages_.find(lang) != messages_.end(); }

std::string NegotiateLanguage(const Catalog& catalog, std::string_view user_setting,
                              std::string_view query_lang, std::string_view cookie_lang,
                              std::string_view accept_language) {
  for (std::string_view candidate : {user_setting, query_lang, cookie_lang}) {
    if (!candidate.empty() && catalog.Has(candidate)) return std::string(candidate);
  }
  // Accept-Language: "fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5"
  std::string best;
  double best_q = 0;
  for (auto part : Split(accept_language, ',')) {
    part = TrimAscii(part);
    if (part.empty()) continue;
    std::string_view tag = part;
    double q = 1.0;
    auto semi = part.find(';');
    if (semi != std::string_view::npos) {
      tag = TrimAscii(part.substr(0, semi));
      auto params = part.substr(semi + 1);
      auto qpos = params.find("q=");
      if (qpos != std::string_view::npos) {
        try {
          q = std::stod(std::string(params.substr(qpos + 2)));
        } catch (...) {
          q = 0;
        }
      }
    }
    std::string primary = ToLowerAscii(tag.substr(0, tag.find('-')));
    if (q > best_q && catalog.Has(primary)) {
      best = primary;
      best_q = q;
    }
  }
  return best.empty() ? std::string(kDefaultLanguage) : best;
}

}  // namespace waymark::i18n
