// Message catalogues for the interface, one per language (web/i18n/*.json,
// embedded in the binary), and the choice of language for a request.
// Immutable after construction; safe to share between threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace waymark::i18n {

inline constexpr std::string_view kDefaultLanguage = "en";

class Catalog {
 public:
  // Parses the embedded catalogues. Fails, naming the file and key, if a
  // catalogue is malformed or lacks a key that English has.
  static Result<Catalog> LoadEmbedded();
  // For tests: catalogues given as language -> JSON text.
  static Result<Catalog> FromJson(const std::map<std::string, std::string>& json_by_lang);

  // The message for `key` in `lang`, falling back to English, then to the key.
  const std::string& Get(std::string_view lang, const std::string& key) const;
  // Every message of `lang` (with English filling gaps).
  const std::map<std::string, std::string>& All(std::string_view lang) const;
  const std::vector<std::string>& languages() const { return languages_; }
  bool Has(std::string_view lang) const;

 private:
  std::map<std::string, std::map<std::string, std::string>, std::less<>> messages_;
  std::vector<std::string> languages_;
};

// Chooses the interface language: the signed-in user's setting, then
// ?lang=, then the language cookie, then the best Accept-Language match,
// then English. Every input may be empty or junk.
std::string NegotiateLanguage(const Catalog& catalog, std::string_view user_setting,
                              std::string_view query_lang, std::string_view cookie_lang,
                              std::string_view accept_language);

}  // namespace waymark::i18n
