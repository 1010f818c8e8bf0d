#include "core/regions.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>
#include <unordered_map>

namespace waymark {
namespace {

// The five M49 regions.
constexpr std::array<Region, 5> kRegions = {{
    {"002", "Africa", "Afrique", "África"},
    {"019", "Americas", "Amériques", "Américas"},
    {"142", "Asia", "Asie", "Asia"},
    {"150", "Europe", "Europe", "Europa"},
    {"009", "Oceania", "Océanie", "Oceanía"},
}};
enum RegionIndex : std::size_t { kAfrica, kAmericas, kAsia, kEurope, kOceania };

struct SubRegionDef {
  Region sub;
  RegionIndex parent;
  // The countries and areas M49 assigns to the sub-region: ISO 3166-1
  // alpha-3 codes, space-separated. Antarctica (ATA) belongs to none, and
  // the UN list gives Taiwan (TWN) none either.
  std::string_view members;
};

// Grouped as M49 groups them; the comments name the intermediate regions.
constexpr std::array<SubRegionDef, 17> kSubRegions = {{
    {{"015", "Northern Africa", "Afrique du Nord", "África septentrional"},
     kAfrica,
     "DZA EGY LBY MAR SDN TUN ESH"},
    {{"202", "Sub-Saharan Africa", "Afrique subsaharienne", "África subsahariana"},
     kAfrica,
     // Eastern Africa (with the British Indian Ocean Territory and the
     // French Southern Territories).
     "IOT BDI COM DJI ERI ETH ATF KEN MDG MWI MUS MYT MOZ REU RWA SYC SOM SSD UGA TZA ZMB ZWE "
     // Middle Africa.
     "AGO CMR CAF TCD COG COD GNQ GAB STP "
     // Southern Africa.
     "BWA SWZ LSO NAM ZAF "
     // Western Africa.
     "BEN BFA CPV CIV GMB GHA GIN GNB LBR MLI MRT NER NGA SHN SEN SLE TGO"},
    {{"419", "Latin America and the Caribbean", "Amérique latine et Caraïbes", "América Latina y el Caribe"},
     kAmericas,
     // Caribbean.
     "AIA ATG ABW BHS BRB BES VGB CYM CUB CUW DMA DOM GRD GLP HTI JAM MTQ MSR PRI BLM KNA LCA MAF VCT "
     "SXM TTO TCA VIR "
     // Central America.
     "BLZ CRI SLV GTM HND MEX NIC PAN "
     // South America (with Bouvet Island and South Georgia).
     "ARG BOL BVT BRA CHL COL ECU FLK GUF GUY PRY PER SGS SUR URY VEN"},
    {{"021", "Northern America", "Amérique septentrionale", "América septentrional"},
     kAmericas,
     "BMU CAN GRL SPM USA"},
    {{"143", "Central Asia", "Asie centrale", "Asia central"}, kAsia, "KAZ KGZ TJK TKM UZB"},
    {{"030", "Eastern Asia", "Asie de l'Est", "Asia oriental"}, kAsia, "CHN HKG MAC PRK JPN MNG KOR"},
    {{"035", "South-eastern Asia", "Asie du Sud-Est", "Asia sudoriental"},
     kAsia,
     "BRN KHM IDN LAO MYS MMR PHL SGP THA TLS VNM"},
    {{"034", "Southern Asia", "Asie du Sud", "Asia meridional"},
     kAsia,
     "AFG BGD BTN IND IRN MDV NPL PAK LKA"},
    {{"145", "Western Asia", "Asie occidentale", "Asia occidental"},
     kAsia,
     "ARM AZE BHR CYP GEO IRQ ISR JOR KWT LBN OMN QAT SAU PSE SYR TUR ARE YEM"},
    {{"151", "Eastern Europe", "Europe orientale", "Europa oriental"},
     kEurope,
     "BLR BGR CZE HUN POL MDA ROU RUS SVK UKR"},
    {{"154", "Northern Europe", "Europe septentrionale", "Europa septentrional"},
     kEurope,
     "ALA DNK EST FRO FIN GGY ISL IRL IMN JEY LVA LTU NOR SJM SWE GBR"},
    {{"039", "Southern Europe", "Europe méridionale", "Europa meridional"},
     kEurope,
     "ALB AND BIH HRV GIB GRC VAT ITA MLT MNE MKD PRT SMR SRB SVN ESP"},
    {{"155", "Western Europe", "Europe occidentale", "Europa occidental"},
     kEurope,
     "AUT BEL FRA DEU LIE LUX MCO NLD CHE"},
    {{"053", "Australia and New Zealand", "Australie et Nouvelle-Zélande", "Australia y Nueva Zelandia"},
     kOceania,
     "AUS CXR CCK HMD NZL NFK"},
    {{"054", "Melanesia", "Mélanésie", "Melanesia"}, kOceania, "FJI NCL PNG SLB VUT"},
    {{"057", "Micronesia", "Micronésie", "Micronesia"}, kOceania, "GUM KIR MHL FSM NRU MNP PLW UMI"},
    {{"061", "Polynesia", "Polynésie", "Polinesia"}, kOceania, "ASM COK PYF NIU PCN WSM TKL TON TUV WLF"},
}};

struct Index {
  std::unordered_map<std::string_view, const SubRegionDef*> by_country;
  std::unordered_map<std::string_view, const Region*> by_code;
  std::vector<const Region*> sorted_subregions;
};

const Index& GetIndex() {
  static const Index index = [] {
    Index idx;
    for (const Region& r : kRegions) idx.by_code.emplace(r.code, &r);
    for (const SubRegionDef& def : kSubRegions) {
      idx.by_code.emplace(def.sub.code, &def.sub);
      idx.sorted_subregions.push_back(&def.sub);
      std::string_view rest = def.members;
      while (!rest.empty()) {
        std::size_t end = rest.find(' ');
        std::string_view code = rest.substr(0, end);
        if (!code.empty()) idx.by_country.emplace(code, &def);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      }
    }
    std::sort(idx.sorted_subregions.begin(), idx.sorted_subregions.end(),
              [](const Region* a, const Region* b) { return a->en < b->en; });
    return idx;
  }();
  return index;
}

const SubRegionDef* FindDef(std::string_view alpha3) {
  const Index& idx = GetIndex();
  auto it = idx.by_country.find(alpha3);
  return it == idx.by_country.end() ? nullptr : it->second;
}

}  // namespace

const Region* SubRegionOf(std::string_view alpha3) {
  const SubRegionDef* def = FindDef(alpha3);
  return def == nullptr ? nullptr : &def->sub;
}

const Region* RegionOf(std::string_view alpha3) {
  const SubRegionDef* def = FindDef(alpha3);
  return def == nullptr ? nullptr : &kRegions[def->parent];
}

const Region* FindRegion(std::string_view m49_code) {
  const Index& idx = GetIndex();
  auto it = idx.by_code.find(m49_code);
  return it == idx.by_code.end() ? nullptr : it->second;
}

const std::vector<const Region*>& SubRegions() { return GetIndex().sorted_subregions; }

std::string_view RegionName(const Region& r, std::string_view lang) {
  if (lang == "fr") return r.fr;
  if (lang == "es") return r.es;
  return r.en;
}

}  // namespace waymark
