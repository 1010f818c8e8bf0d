// The SVG drawings are well-formed and accessible: a title and desc, the
// text escaped.
#include <gtest/gtest.h>

#include "web/forecasts/svg.h"

namespace waymark::web::svg {
namespace {

TEST(Svg, LineChartHasTitleDescAndEscapes) {
  std::string s = LineChart("c1", "Camp <A>", "desc & more", "day", {{"sim", {0, 5, 10}, "#000", false}});
  EXPECT_NE(s.find("<title id=\"c1-t\">Camp &lt;A&gt;</title>"), std::string::npos);
  EXPECT_NE(s.find("desc &amp; more"), std::string::npos);
  EXPECT_NE(s.find("<polyline"), std::string::npos);
  EXPECT_EQ(s.find("<A>"), std::string::npos);
}

TEST(Svg, MapDrawsLinksAndPlaces) {
  std::vector<Place> places = {{"X", 10, 20, 0, 5}, {"Y", 11, 21, 2, 50}};
  std::string s = NetworkMap("m", "Map", "d", places, {{0, 1, 100}});
  EXPECT_NE(s.find("<line"), std::string::npos);
  EXPECT_NE(s.find("<circle"), std::string::npos);
  EXPECT_NE(s.find("X – Y: 100"), std::string::npos);
}

}  // namespace
}  // namespace waymark::web::svg
