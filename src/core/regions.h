// UN M49 geographic regions (UN Statistics Division, "Standard country or
// area codes for statistical use"): the continent-level region and the
// sub-region of each ISO 3166-1 alpha-3 country or area, with the UN's names
// for them in English, French and Spanish. Used for the "region" facet in
// search. Intermediate regions ("Western Africa", "Caribbean"...) are not
// modelled: only the 5 regions and the 17 sub-regions.
#pragma once

#include <string_view>
#include <vector>

namespace waymark {

struct Region {
  std::string_view code;  // M49 code, 3 digits: "015"
  std::string_view en, fr, es;
};

// The M49 sub-region of a country ("015" Northern Africa for "DZA"), or
// nullptr when it has none (Antarctica, Taiwan in the UN list, unknown codes).
// `alpha3` is upper case, as ISO writes it.
const Region* SubRegionOf(std::string_view alpha3);
// The M49 region (continent: "002" Africa, "019" Americas, "142" Asia,
// "150" Europe, "009" Oceania), or nullptr.
const Region* RegionOf(std::string_view alpha3);
// A region or sub-region by its code ("150", "015"), or nullptr.
const Region* FindRegion(std::string_view m49_code);
// Every sub-region, ordered by English name.
const std::vector<const Region*>& SubRegions();
// The name in `lang` ("en", "fr", "es"); English for any other language.
std::string_view RegionName(const Region& r, std::string_view lang);

}  // namespace waymark
