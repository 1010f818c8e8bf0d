#include <gtest/gtest.h>

#include "web/futures/futures_module.h"

namespace waymark::web {
namespace {

PlotText Text() {
  return {"Plot <title>", "desc", "Likelihood", "Desirability", "Predicted", "Preferred", "hidden"};
}

TEST(FuturesPlot, DrawsPointsWithSpreadAndEscapes) {
  std::string svg =
      PlotSvg({{"P1", "A & B", false, 3.0, 4.0, 1.0, 0.5}, {"P2", "C", true, 1, 5, 0, 0}}, Text());
  EXPECT_NE(svg.find(R"(role="img")"), std::string::npos);
  EXPECT_NE(svg.find("<title id=\"plot-title\">Plot &lt;title&gt;</title>"), std::string::npos);
  EXPECT_NE(svg.find("P1: A &amp; B (3.0 ± 1.0, 4.0 ± 0.5)"), std::string::npos);
  EXPECT_NE(svg.find("<circle"), std::string::npos);
  EXPECT_NE(svg.find("class=\"point preferred\""), std::string::npos);
  EXPECT_EQ(svg.find("hidden"), std::string::npos);
}

TEST(FuturesPlot, EmptyPlotSaysWhy) {
  std::string svg = PlotSvg({}, Text());
  EXPECT_NE(svg.find(">hidden</text>"), std::string::npos);
  EXPECT_EQ(svg.find("class=\"point"), std::string::npos);
}

}  // namespace
}  // namespace waymark::web
