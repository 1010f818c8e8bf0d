// The results' plot: a small SVG drawn on the server, so that it shows
// without JavaScript and prints.
#include <algorithm>
#include <cstdio>
#include <string>

#include "web/futures/futures_module.h"
#include "web/helpers.h"

namespace waymark::web {
namespace {

constexpr double kWidth = 520;
constexpr double kHeight = 440;
constexpr double kLeft = 64;
constexpr double kRight = 24;
constexpr double kTop = 24;
constexpr double kBottom = 64;
constexpr double kMin = 0.5;  // the axes run from 0.5 to 5.5 around the 1-5 scale
constexpr double kMax = 5.5;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

double Clamp(double v) { return std::clamp(v, kMin, kMax); }
double X(double v) { return kLeft + (Clamp(v) - kMin) / (kMax - kMin) * (kWidth - kLeft - kRight); }
double Y(double v) {
  return kHeight - kBottom - (Clamp(v) - kMin) / (kMax - kMin) * (kHeight - kTop - kBottom);
}

}  // namespace

std::string PlotSvg(const std::vector<PlotPoint>& points, const PlotText& text) {
  std::string s;
  s.append(R"(<svg xmlns="http://www.w3.org/2000/svg" class="futures-plot" viewBox="0 0 )")
      .append(Num(kWidth))
      .append(" ")
      .append(Num(kHeight))
      .append(R"(" role="img" aria-labelledby="plot-title plot-desc">)");
  s.append(R"(<title id="plot-title">)").append(XmlEscape(text.title)).append("</title>");
  s.append(R"(<desc id="plot-desc">)").append(XmlEscape(text.desc)).append("</desc>");
  s.append(R"(<rect x="0" y="0" width=")")
      .append(Num(kWidth))
      .append(R"(" height=")")
      .append(Num(kHeight))
      .append(R"(" fill="#fff"/>)");
  // Grid and scale.
  s.append(R"(<g class="grid" stroke="#ccc" stroke-width="1" font-size="12" fill="#333">)");
  for (int v = 1; v <= 5; ++v) {
    std::string x = Num(X(v));
    std::string y = Num(Y(v));
    s.append(R"(<line x1=")")
        .append(x)
        .append(R"(" y1=")")
        .append(Num(Y(kMin)))
        .append(R"(" x2=")")
        .append(x);
    s.append(R"(" y2=")").append(Num(Y(kMax))).append(R"("/>)");
    s.append(R"(<line x1=")").append(Num(X(kMin))).append(R"(" y1=")").append(y).append(R"(" x2=")");
    s.append(Num(X(kMax))).append(R"(" y2=")").append(y).append(R"("/>)");
    s.append(R"(<text stroke="none" text-anchor="middle" x=")")
        .append(x)
        .append(R"(" y=")")
        .append(Num(Y(kMin) + 18))
        .append(R"(">)")
        .append(std::to_string(v))
        .append("</text>");
    s.append(R"(<text stroke="none" text-anchor="end" x=")")
        .append(Num(X(kMin) - 8))
        .append(R"(" y=")")
        .append(Num(Y(v) + 4))
        .append(R"(">)")
        .append(std::to_string(v))
        .append("</text>");
  }
  s.append("</g>");
  s.append(R"(<text class="axis" text-anchor="middle" font-size="13" fill="#222" x=")")
      .append(Num((X(kMin) + X(kMax)) / 2))
      .append(R"(" y=")")
      .append(Num(kHeight - 18))
      .append(R"(">)")
      .append(XmlEscape(text.x_axis))
      .append("</text>");
  s.append(
       R"svg(<text class="axis" text-anchor="middle" font-size="13" fill="#222" transform="translate(18 )svg")
      .append(Num((Y(kMin) + Y(kMax)) / 2))
      .append(R"svg() rotate(-90)">)svg")
      .append(XmlEscape(text.y_axis))
      .append("</text>");
  if (points.empty()) {
    s.append(R"(<text class="hidden-note" text-anchor="middle" font-size="14" fill="#222" x=")")
        .append(Num((X(kMin) + X(kMax)) / 2))
        .append(R"(" y=")")
        .append(Num((Y(kMin) + Y(kMax)) / 2))
        .append(R"(">)")
        .append(XmlEscape(text.hidden_note))
        .append("</text>");
  }
  for (const auto& p : points) {
    std::string colour = p.preferred ? "#a23b0f" : "#1a5c8f";
    std::string cx = Num(X(p.x));
    std::string cy = Num(Y(p.y));
    s.append(R"(<g class="point )").append(p.preferred ? "preferred" : "predicted").append(R"(">)");
    s.append("<title>")
        .append(XmlEscape(p.label + ": " + p.title))
        .append(" (")
        .append(Num(p.x))
        .append(" ± ")
        .append(Num(p.sd_x))
        .append(", ")
        .append(Num(p.y))
        .append(" ± ")
        .append(Num(p.sd_y))
        .append(")</title>");
    // The spread: a cross of ±1 standard deviation.
    s.append(R"(<line stroke=")").append(colour).append(R"(" stroke-opacity="0.6" x1=")");
    s.append(Num(X(p.x - p.sd_x))).append(R"(" y1=")").append(cy).append(R"(" x2=")");
    s.append(Num(X(p.x + p.sd_x))).append(R"(" y2=")").append(cy).append(R"("/>)");
    s.append(R"(<line stroke=")").append(colour).append(R"(" stroke-opacity="0.6" x1=")");
    s.append(cx).append(R"(" y1=")").append(Num(Y(p.y - p.sd_y))).append(R"(" x2=")");
    s.append(cx).append(R"(" y2=")").append(Num(Y(p.y + p.sd_y))).append(R"("/>)");
    if (p.preferred) {
      s.append(R"(<rect fill=")").append(colour).append(R"(" x=")").append(Num(X(p.x) - 5));
      s.append(R"(" y=")").append(Num(Y(p.y) - 5)).append(R"(" width="10" height="10"/>)");
    } else {
      s.append(R"(<circle fill=")").append(colour).append(R"(" cx=")").append(cx).append(R"(" cy=")");
      s.append(cy).append(R"(" r="6"/>)");
    }
    s.append(R"(<text font-size="12" fill="#111" x=")").append(Num(X(p.x) + 8)).append(R"(" y=")");
    s.append(Num(Y(p.y) - 8)).append(R"(">)").append(XmlEscape(p.label)).append("</text>");
    s.append("</g>");
  }
  // Legend.
  double ly = kHeight - 40;
  s.append(R"(<g class="legend" font-size="12" fill="#222">)");
  s.append(R"(<circle fill="#1a5c8f" cx=")").append(Num(kLeft + 6)).append(R"(" cy=")").append(Num(ly));
  s.append(R"(" r="6"/><text x=")").append(Num(kLeft + 16)).append(R"(" y=")").append(Num(ly + 4));
  s.append(R"(">)").append(XmlEscape(text.predicted)).append("</text>");
  s.append(R"(<rect fill="#a23b0f" x=")").append(Num(kLeft + 196)).append(R"(" y=")").append(Num(ly - 5));
  s.append(R"(" width="10" height="10"/><text x=")").append(Num(kLeft + 212)).append(R"(" y=")");
  s.append(Num(ly + 4)).append(R"(">)").append(XmlEscape(text.preferred)).append("</text>");
  s.append("</g></svg>");
  return s;
}

}  // namespace waymark::web
