#include "core/regions.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace waymark {
namespace {

// One CSV record: fields may be quoted ("Taiwan, Province of China", and
// empty fields written as ""); no field of this file spans lines.
std::vector<std::string> ParseCsvLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

TEST(RegionsTest, AgreesWithEveryRowOfTheM49Dataset) {
  const std::string path = std::string(WAYMARK_SHARED_DATA) + "/country-codes-m49/iso3166_m49_regions.csv";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot open " << path;
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  std::vector<std::string> header = ParseCsvLine(line);
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  for (const char* name : {"alpha-2", "alpha-3", "region-code", "sub-region-code"}) {
    ASSERT_TRUE(col.count(name)) << name;
  }

  int rows = 0;
  int without_region = 0;
  std::set<std::string> alpha3s;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> f = ParseCsvLine(line);
    ASSERT_EQ(f.size(), header.size()) << line;
    ++rows;
    const std::string& alpha3 = f[col["alpha-3"]];
    const std::string& region = f[col["region-code"]];
    const std::string& sub = f[col["sub-region-code"]];
    alpha3s.insert(alpha3);
    SCOPED_TRACE(alpha3 + " (" + f[col["alpha-2"]] + ")");
    const Region* got_sub = SubRegionOf(alpha3);
    const Region* got_region = RegionOf(alpha3);
    if (region.empty()) {
      ++without_region;
      EXPECT_TRUE(sub.empty());
      EXPECT_EQ(got_sub, nullptr);
      EXPECT_EQ(got_region, nullptr);
      continue;
    }
    ASSERT_NE(got_sub, nullptr);
    ASSERT_NE(got_region, nullptr);
    EXPECT_EQ(got_sub->code, sub);
    EXPECT_EQ(got_region->code, region);
    EXPECT_EQ(FindRegion(sub), got_sub);
    EXPECT_EQ(FindRegion(region), got_region);
  }
  EXPECT_EQ(rows, 249);
  EXPECT_EQ(alpha3s.size(), 249u);
  EXPECT_EQ(without_region, 2);       // Antarctica and Taiwan
  EXPECT_TRUE(alpha3s.count("NAM"));  // Namibia ("NA") is a row like any other
}

TEST(RegionsTest, KnownCountries) {
  ASSERT_NE(SubRegionOf("DZA"), nullptr);
  EXPECT_EQ(SubRegionOf("DZA")->code, "015");
  EXPECT_EQ(RegionOf("DZA")->code, "002");
  EXPECT_EQ(RegionName(*SubRegionOf("DZA"), "fr"), "Afrique du Nord");
  EXPECT_EQ(RegionName(*SubRegionOf("DZA"), "es"), "África septentrional");
  EXPECT_EQ(SubRegionOf("NAM")->code, "202");
  EXPECT_EQ(SubRegionOf("MEX")->code, "419");
  EXPECT_EQ(RegionOf("MEX")->code, "019");
  EXPECT_EQ(SubRegionOf("TUR")->code, "145");
  EXPECT_EQ(RegionName(*SubRegionOf("TUR"), "fr"), "Asie occidentale");
  EXPECT_EQ(RegionName(*SubRegionOf("TUR"), "es"), "Asia occidental");
  EXPECT_EQ(RegionOf("NZL")->code, "009");
}

TEST(RegionsTest, UnknownCodesHaveNoRegion) {
  EXPECT_EQ(SubRegionOf("ATA"), nullptr);
  EXPECT_EQ(RegionOf("ATA"), nullptr);
  EXPECT_EQ(SubRegionOf("XKX"), nullptr);  // Kosovo: no ISO code
  EXPECT_EQ(SubRegionOf(""), nullptr);
  EXPECT_EQ(SubRegionOf("dza"), nullptr);
  EXPECT_EQ(SubRegionOf("DZ"), nullptr);
  EXPECT_EQ(RegionOf("ZZZ"), nullptr);
  EXPECT_EQ(FindRegion("999"), nullptr);
  EXPECT_EQ(FindRegion("15"), nullptr);
  EXPECT_EQ(FindRegion(""), nullptr);
}

TEST(RegionsTest, SubRegionsAreSortedAndNamedInThreeLanguages) {
  const std::vector<const Region*>& subs = SubRegions();
  ASSERT_EQ(subs.size(), 17u);
  for (std::size_t i = 1; i < subs.size(); ++i) EXPECT_LT(subs[i - 1]->en, subs[i]->en);
  std::vector<const Region*> all = subs;
  for (const char* code : {"002", "019", "142", "150", "009"}) {
    const Region* r = FindRegion(code);
    ASSERT_NE(r, nullptr) << code;
    all.push_back(r);
  }
  std::set<std::string_view> codes;
  for (const Region* r : all) {
    SCOPED_TRACE(std::string(r->code));
    EXPECT_EQ(r->code.size(), 3u);
    EXPECT_TRUE(codes.insert(r->code).second);
    EXPECT_EQ(FindRegion(r->code), r);
    EXPECT_FALSE(r->en.empty());
    EXPECT_FALSE(r->fr.empty());
    EXPECT_FALSE(r->es.empty());
    EXPECT_EQ(RegionName(*r, "en"), r->en);
    EXPECT_EQ(RegionName(*r, "fr"), r->fr);
    EXPECT_EQ(RegionName(*r, "es"), r->es);
    EXPECT_EQ(RegionName(*r, "de"), r->en);  // English fallback
    EXPECT_EQ(RegionName(*r, ""), r->en);
  }
}

}  // namespace
}  // namespace waymark
