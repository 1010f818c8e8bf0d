// Countries: the ISO 3166-1 list from Debian's iso-codes package, with names in English (from the
// JSON) and in other languages (from the package's gettext .mo catalogues, keyed by English name).
//
// Immutable after Load: every method is const and touches no mutable state, so one instance may be
// shared freely between threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/countries.h"
#include "core/status.h"

namespace waymark::i18n {

inline constexpr char kDefaultIsoCodesJsonPath[] = "/usr/share/iso-codes/json/iso_3166-1.json";

class Countries : public CountryDirectory {
 public:
  // Reads the iso_3166-1.json list and one .mo catalogue per language in `mo_paths_by_lang`
  // (e.g. {"fr", ".../fr/LC_MESSAGES/iso_3166-1.mo"}). English needs no catalogue and may not be
  // given one. Any missing or malformed file is an error naming the file and the problem.
  static Result<std::unique_ptr<Countries>> Load(const std::string& iso_codes_json_path,
                                                 const std::map<std::string, std::string>& mo_paths_by_lang);
  // Debian's catalogue paths for "fr" and "es".
  static std::map<std::string, std::string> DefaultMoPaths();

  // True only for an alpha-3 code present in the list, in upper case: "GRC" yes, "grc" no.
  bool IsValidAlpha3(std::string_view code) const override;
  // The display name in `lang`. English uses common_name when the entry has one ("Bolivia"), else
  // name. Other languages translate common_name if their catalogue has it, else name, else fall
  // back to English. A language with no catalogue gets English; an unknown code is returned as is.
  std::string Name(std::string_view code, std::string_view lang) const override;
  // The "numeric" of the entry ("004"); "" for an unknown code.
  std::string Numeric(std::string_view code) const override;
  // Every (code, Name(code, lang)) pair, ordered by name for a <select>: names are compared after
  // FoldForSort, so "Égypte" sorts among the E's rather than after "Zimbabwe".
  std::vector<std::pair<std::string, std::string>> Sorted(std::string_view lang) const;
  // Number of countries loaded.
  std::size_t size() const { return English().size(); }

 private:
  using NameMap = std::map<std::string, std::string, std::less<>>;  // alpha-3 -> display name
  using SortedList = std::vector<std::pair<std::string, std::string>>;

  Countries() = default;
  const NameMap& English() const;
  const NameMap& NamesFor(std::string_view lang) const;  // English for a language not loaded

  // lang -> a name for every valid code; "en" is always present and defines the valid codes.
  std::map<std::string, NameMap, std::less<>> names_;
  std::map<std::string, SortedList, std::less<>> sorted_;  // lang -> Sorted(lang)
  NameMap numeric_;                                        // alpha-3 -> ISO numeric
};

// A locale-independent sort key: ASCII letters lower-cased, and Latin letters with diacritics in
// U+00C0..U+017F folded to their base letters ("Égypte" -> "egypte", "Åland" -> "aland", "Œ" -> "oe").
// Other bytes are kept as they are. Works on any byte string; meant for UTF-8.
std::string FoldForSort(std::string_view utf8);

}  // namespace waymark::i18n
