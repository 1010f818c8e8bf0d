#include "web/campaigns/world_map.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace waymark::web {
namespace {

std::size_t Count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string_view::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

// A small well-formedness check: tags balance and nest, attribute values are
// quoted, text and attributes hold no raw '<' and only known entities after
// '&'. Returns an empty string when fine, else what went wrong.
std::string CheckWellFormed(std::string_view xml) {
  std::vector<std::string> open;
  std::size_t i = 0;
  auto check_amp = [&](std::string_view text) -> bool {
    for (std::size_t p = text.find('&'); p != std::string_view::npos; p = text.find('&', p + 1)) {
      const std::string_view rest = text.substr(p);
      if (!rest.starts_with("&amp;") && !rest.starts_with("&lt;") && !rest.starts_with("&gt;") &&
          !rest.starts_with("&quot;") && !rest.starts_with("&apos;")) {
        return false;
      }
    }
    return true;
  };
  while (i < xml.size()) {
    const std::size_t lt = xml.find('<', i);
    const std::string_view text = xml.substr(i, lt == std::string_view::npos ? xml.npos : lt - i);
    if (!check_amp(text)) return "bad entity in text";
    if (text.find('>') != std::string_view::npos) return "raw > in text";
    if (lt == std::string_view::npos) break;
    if (open.empty() && lt != 0 && !text.empty() && text.find_first_not_of(" \n") != text.npos) {
      return "text outside the root";
    }
    // Find the tag's end outside quoted attribute values.
    std::size_t p = lt + 1;
    char quote = 0;
    for (; p < xml.size(); ++p) {
      if (quote != 0) {
        if (xml[p] == '<') return "raw < in attribute";
        if (xml[p] == quote) quote = 0;
      } else if (xml[p] == '"' || xml[p] == '\'') {
        quote = xml[p];
      } else if (xml[p] == '<') {
        return "raw < in tag";
      } else if (xml[p] == '>') {
        break;
      }
    }
    if (p >= xml.size()) return "unterminated tag";
    std::string_view tag = xml.substr(lt + 1, p - lt - 1);
    if (!check_amp(tag)) return "bad entity in attribute";
    if (tag.starts_with("/")) {
      const std::string name(tag.substr(1));
      if (open.empty() || open.back() != name) return "mismatched </" + name + ">";
      open.pop_back();
    } else {
      const bool self_closing = tag.ends_with("/");
      const std::string name(tag.substr(0, tag.find_first_of(" \n/")));
      if (name.empty()) return "empty tag name";
      if (open.empty() && lt != 0 && !self_closing) return "second root element";
      if (!self_closing) open.push_back(name);
    }
    i = p + 1;
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  return "";
}

// The <path ...> element drawing `code`, or "" when none is highlighted.
std::string HitPathFor(const std::string& svg, const std::string& code) {
  const std::size_t title = svg.find("<title>" + code + ":");
  if (title == std::string::npos) return "";
  const std::size_t start = svg.rfind("<path ", title);
  return svg.substr(start, svg.find("</path>", title) - start + 7);
}

TEST(WorldMapTest, EmbeddedDataHasTheCountries) {
  const auto& shapes = WorldMapShapes();
  EXPECT_GE(shapes.size(), 170u);
  for (const char* code : {"FRA", "USA", "BRA", "KEN", "IND", "RUS", "AUS", "XKX"}) {
    EXPECT_TRUE(WorldMapHasCountry(code)) << code;
  }
  EXPECT_FALSE(WorldMapHasCountry("ATA"));  // Antarctica is dropped
  EXPECT_FALSE(WorldMapHasCountry("MLT"));  // too small for 1:110m
  EXPECT_FALSE(WorldMapHasCountry("ZZZ"));
  EXPECT_FALSE(WorldMapHasCountry("fra"));
  EXPECT_FALSE(WorldMapHasCountry("-"));
  // Parsed once: the same object every time.
  EXPECT_EQ(&WorldMapShapes(), &shapes);
}

TEST(WorldMapTest, RendersAStandaloneSvgDocument) {
  const std::string svg = RenderWorldMapSvg({{"FRA", 3}}, "Reach", "Countries reached");
  EXPECT_TRUE(svg.starts_with(R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox=")")) << svg.substr(0, 200);
  EXPECT_NE(svg.find(R"(role="img")"), std::string::npos);
  EXPECT_NE(svg.find("<title>Reach</title><desc>Countries reached</desc>"), std::string::npos);
  EXPECT_TRUE(svg.ends_with("</svg>\n"));
  EXPECT_EQ(CheckWellFormed(svg), "");
  // Every shape is drawn, once.
  EXPECT_EQ(Count(svg, "<path "), WorldMapShapes().size());
  // No script, no external references, no inline CSS.
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<style"), std::string::npos);
  EXPECT_EQ(svg.find("href"), std::string::npos);
}

TEST(WorldMapTest, HighlightsTheGivenCountriesWithACount) {
  const std::string svg =
      RenderWorldMapSvg({{"FRA", 3}, {"BRA", 1}, {"KEN", 12}}, "Reach", "Countries reached");
  EXPECT_EQ(Count(svg, R"(class="wm-hit")"), 3u);
  const std::string fra = HitPathFor(svg, "FRA");
  ASSERT_FALSE(fra.empty());
  EXPECT_NE(fra.find(R"(class="wm-hit")"), std::string::npos) << fra.substr(0, 80);
  EXPECT_NE(fra.find(R"(fill="#)"), std::string::npos);
  EXPECT_TRUE(fra.ends_with("<title>FRA: 3</title></path>"));
  EXPECT_NE(svg.find("<title>KEN: 12</title>"), std::string::npos);
  EXPECT_NE(svg.find("<title>BRA: 1</title>"), std::string::npos);
  EXPECT_EQ(HitPathFor(svg, "USA"), "");
  EXPECT_EQ(CheckWellFormed(svg), "");
}

TEST(WorldMapTest, EscapesTitleAndDescription) {
  const std::string svg =
      RenderWorldMapSvg({}, "<script>alert('x')</script> & co", "\"quoted\" <b>bold</b>\x01 ok");
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("<title>&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; co</title>"),
            std::string::npos);
  EXPECT_NE(svg.find("<desc>&quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt; ok</desc>"), std::string::npos);
  EXPECT_EQ(CheckWellFormed(svg), "");
}

TEST(WorldMapTest, UnknownCodesAreIgnored) {
  const std::string svg =
      RenderWorldMapSvg({{"ZZZ", 4}, {"fra", 2}, {"-", 1}, {"<x>", 1}, {"", 1}, {"MLT", 2}}, "t", "d");
  EXPECT_EQ(Count(svg, "wm-hit"), 0u);
  EXPECT_EQ(svg.find("ZZZ"), std::string::npos);
  EXPECT_EQ(svg.find("<x>"), std::string::npos);
  EXPECT_EQ(CheckWellFormed(svg), "");
}

TEST(WorldMapTest, EmptyMapIsFineAndItsSizeIsReported) {
  const std::string empty = RenderWorldMapSvg({}, "", "");
  EXPECT_EQ(Count(empty, "wm-hit"), 0u);
  EXPECT_EQ(Count(empty, "<path "), WorldMapShapes().size());
  EXPECT_EQ(CheckWellFormed(empty), "");

  const std::string five = RenderWorldMapSvg({{"FRA", 3}, {"BRA", 1}, {"KEN", 2}, {"IND", 5}, {"USA", 1}},
                                             "Where this campaign family has reached", "5 countries");
  EXPECT_EQ(Count(five, R"(class="wm-hit")"), 5u);
  // The whole document stays small enough to inline in a page.
  EXPECT_LT(five.size(), 120u * 1024u);
  RecordProperty("svg_bytes_empty", static_cast<int>(empty.size()));
  RecordProperty("svg_bytes_five_highlighted", static_cast<int>(five.size()));
  std::cout << "world map SVG: " << empty.size() << " bytes with no country highlighted, " << five.size()
            << " bytes with 5\n";
}

TEST(WorldMapTest, ParserSkipsLinesThatCouldInjectMarkup) {
  const auto shapes = ParseWorldMapShapes(
      "FRA\tM1 2l3 4-5.5z\r\n"
      "-\tM0 0l1 1 1-1z\n"
      "BAD\tM0 0\"/><script>alert(1)</script>\n"
      "fra\tM0 0l1 1z\n"
      "TOOLONG\tM0 0l1 1z\n"
      "no tab here\n"
      "\n"
      "USA\t\n");
  ASSERT_EQ(shapes.size(), 2u);
  EXPECT_EQ(shapes[0].code, "FRA");
  EXPECT_EQ(shapes[0].path, "M1 2l3 4-5.5z");
  EXPECT_EQ(shapes[1].code, "-");

  // Rendering over explicit shapes: the unlabelled one is never highlighted.
  const std::string svg = RenderWorldMapSvg(shapes, {{"FRA", 1}, {"-", 1}}, "t", "d");
  EXPECT_EQ(Count(svg, "wm-hit"), 1u);
  EXPECT_EQ(Count(svg, "<path "), 2u);
  EXPECT_EQ(CheckWellFormed(svg), "");
}

TEST(WorldMapTest, ConcurrentRendersAgree) {
  const std::map<std::string, int> countries = {{"FRA", 1}, {"JPN", 2}};
  const std::string expected = RenderWorldMapSvg(countries, "t", "d");
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  threads.reserve(results.size());
  for (auto& result : results) {
    threads.emplace_back([&] { result = RenderWorldMapSvg(countries, "t", "d"); });
  }
  for (auto& t : threads) t.join();
  for (const auto& result : results) EXPECT_EQ(result, expected);
}

}  // namespace
}  // namespace waymark::web
