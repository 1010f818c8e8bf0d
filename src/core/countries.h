// CountryDirectory: which ISO 3166-1 alpha-3 codes exist, and their names.
// Declared here so that every domain module can validate country fields
// without knowing where the list comes from (i18n::Countries loads it from
// Debian's iso-codes).
#pragma once

#include <string>
#include <string_view>

namespace waymark {

class CountryDirectory {
 public:
  virtual ~CountryDirectory() = default;
  // True for an assigned alpha-3 code in upper case ("GRC").
  virtual bool IsValidAlpha3(std::string_view code) const = 0;
  // The country's name in `lang` ("en", "fr", "es"); English when no
  // translation exists; the code itself when the code is unknown.
  virtual std::string Name(std::string_view code, std::string_view lang) const = 0;
  // The ISO 3166-1 numeric code ("004" for "AFG"), as world maps key
  // countries; "" when unknown.
  virtual std::string Numeric(std::string_view /*code*/) const { return ""; }
};

}  // namespace waymark
