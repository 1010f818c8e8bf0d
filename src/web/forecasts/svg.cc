#include "web/forecasts/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "web/helpers.h"

namespace waymark::web::svg {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A "nice" step for about `n` ticks up to `max`.
double NiceStep(double max, int n) {
  if (max <= 0) return 1;
  double raw = max / n;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * mag) return m * mag;
  }
  return 10 * mag;
}

std::string Label(double v) {
  char buf[32];
  if (v >= 1e6)
    std::snprintf(buf, sizeof buf, "%.1fM", v / 1e6);
  else if (v >= 1e4)
    std::snprintf(buf, sizeof buf, "%.0fk", v / 1e3);
  else if (v == std::floor(v))
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string Head(const std::string& id, const std::string& title, const std::string& desc, int w, int h) {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"fc-chart\" viewBox=\"0 0 ";
  s.append(std::to_string(w)).append(" ").append(std::to_string(h));
  s.append("\" role=\"img\" aria-labelledby=\"").append(id).append("-t ").append(id).append("-d\">");
  s.append("<title id=\"").append(id).append("-t\">").append(XmlEscape(title)).append("</title>");
  s.append("<desc id=\"").append(id).append("-d\">").append(XmlEscape(desc)).append("</desc>");
  return s;
}

}  // namespace

std::string LineChart(const std::string& id, const std::string& title, const std::string& desc,
                      const std::string& x_label, const std::vector<Line>& lines, double y_max) {
  const int w = 640, h = 300, left = 56, right = 12, top = 12, bottom = 52;
  const double pw = w - left - right, ph = h - top - bottom;
  size_t n = 0;
  double max = 0;
  for (const auto& l : lines) {
    n = std::max(n, l.values.size());
    for (double v : l.values) {
      if (std::isfinite(v)) max = std::max(max, v);
    }
  }
  if (y_max > 0) max = y_max;
  double step = NiceStep(max, 5);
  double top_value = std::max(step, std::ceil(max / step) * step);
  double xs = n > 1 ? pw / static_cast<double>(n - 1) : pw;
  auto x = [&](double d) { return left + d * xs; };
  auto y = [&](double v) { return top + ph - std::clamp(v, 0.0, top_value) / top_value * ph; };
  std::string s = Head(id, title, desc, w, h);
  s.append("<g class=\"fc-axis\" font-size=\"11\" fill=\"#333\">");
  const int y_ticks = static_cast<int>(std::lround(top_value / step));
  for (int k = 0; k <= y_ticks; ++k) {
    const double v = k * step;
    s.append("<line x1=\"").append(Num(left)).append("\" x2=\"").append(Num(w - right));
    s.append("\" y1=\"").append(Num(y(v))).append("\" y2=\"").append(Num(y(v)));
    s.append("\" stroke=\"#ddd\"/><text x=\"").append(Num(left - 4)).append("\" y=\"").append(Num(y(v) + 4));
    s.append("\" text-anchor=\"end\">").append(Label(v)).append("</text>");
  }
  double xstep = NiceStep(static_cast<double>(n > 0 ? n - 1 : 1), 8);
  const int x_ticks = n > 0 ? static_cast<int>(std::floor(static_cast<double>(n - 1) / xstep)) : -1;
  for (int k = 0; k <= x_ticks; ++k) {
    const double d = k * xstep;
    s.append("<text x=\"").append(Num(x(d))).append("\" y=\"").append(Num(top + ph + 14));
    s.append("\" text-anchor=\"middle\">").append(Label(d)).append("</text>");
  }
  s.append("<text x=\"").append(Num(left + pw / 2)).append("\" y=\"").append(Num(top + ph + 28));
  s.append("\" text-anchor=\"middle\">").append(XmlEscape(x_label)).append("</text></g>");
  for (const auto& l : lines) {
    if (l.values.empty()) continue;
    s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(XmlEscape(l.colour)).append("\"");
    if (l.dashed) s.append(" stroke-dasharray=\"6 4\"");
    s.append(" points=\"");
    for (size_t i = 0; i < l.values.size(); ++i) {
      if (i) s.append(" ");
      s.append(Num(x(static_cast<double>(i)))).append(",").append(Num(y(l.values[i])));
    }
    s.append("\"/>");
  }
  // The legend, under the axis label.
  double lx = left;
  for (const auto& l : lines) {
    s.append("<line x1=\"").append(Num(lx)).append("\" x2=\"").append(Num(lx + 20));
    s.append("\" y1=\"").append(Num(h - 8)).append("\" y2=\"").append(Num(h - 8));
    s.append("\" stroke-width=\"2\" stroke=\"").append(XmlEscape(l.colour)).append("\"");
    if (l.dashed) s.append(" stroke-dasharray=\"6 4\"");
    s.append("/><text font-size=\"11\" x=\"").append(Num(lx + 24)).append("\" y=\"").append(Num(h - 4));
    s.append("\">").append(XmlEscape(l.label)).append("</text>");
    lx += 34 + 6.5 * static_cast<double>(l.label.size());
  }
  s.append("</svg>");
  return s;
}

std::string NetworkMap(const std::string& id, const std::string& title, const std::string& desc,
                       const std::vector<Place>& places, const std::vector<Link>& links) {
  const int w = 640, h = 480, pad = 40;
  double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
  for (const auto& p : places) {
    min_lat = std::min(min_lat, p.latitude);
    max_lat = std::max(max_lat, p.latitude);
    min_lon = std::min(min_lon, p.longitude);
    max_lon = std::max(max_lon, p.longitude);
  }
  if (places.empty()) min_lat = max_lat = min_lon = max_lon = 0;
  double mid = (min_lat + max_lat) / 2 * M_PI / 180;
  double kx = std::cos(mid);  // equirectangular at the middle latitude
  double span_x = std::max(1e-6, (max_lon - min_lon) * kx);
  double span_y = std::max(1e-6, max_lat - min_lat);
  double scale = std::min((w - 2.0 * pad) / span_x, (h - 2.0 * pad) / span_y);
  auto px = [&](const Place& p) { return pad + (p.longitude - min_lon) * kx * scale; };
  auto py = [&](const Place& p) { return h - pad - (p.latitude - min_lat) * scale; };
  double max_flow = 0, max_count = 0;
  for (const auto& l : links) max_flow = std::max(max_flow, l.flow);
  for (const auto& p : places) max_count = std::max(max_count, p.count);
  std::string s = Head(id, title, desc, w, h);
  s.append("<rect width=\"100%\" height=\"100%\" fill=\"#f7f9fb\"/>");
  for (const auto& l : links) {
    if (l.a < 0 || l.b < 0 || static_cast<size_t>(l.a) >= places.size() ||
        static_cast<size_t>(l.b) >= places.size())
      continue;
    const Place& a = places[static_cast<size_t>(l.a)];
    const Place& b = places[static_cast<size_t>(l.b)];
    double f = max_flow > 0 ? l.flow / max_flow : 0;
    double width = 1 + 9 * std::sqrt(f);
    // Grey for no flow through to dark red for the largest.
    int r = static_cast<int>(160 + 40 * f), g = static_cast<int>(160 - 140 * f),
        bl = static_cast<int>(160 - 140 * f);
    s.append("<line x1=\"").append(Num(px(a))).append("\" y1=\"").append(Num(py(a)));
    s.append("\" x2=\"").append(Num(px(b))).append("\" y2=\"").append(Num(py(b)));
    s.append("\" stroke=\"rgb(").append(std::to_string(r)).append(",").append(std::to_string(g)).append(",");
    s.append(std::to_string(bl))
        .append(")\" stroke-width=\"")
        .append(Num(width))
        .append("\" stroke-linecap=\"round\">");
    s.append("<title>").append(XmlEscape(a.name + " – " + b.name + ": " + Label(std::round(l.flow))));
    s.append("</title></line>");
  }
  static const char* kColours[] = {"#c0392b", "#7f8c8d", "#2471a3", "#8e44ad"};
  for (const auto& p : places) {
    double c = max_count > 0 ? p.count / max_count : 0;
    double radius = 3 + 12 * std::sqrt(c);
    const char* colour = kColours[std::clamp(p.kind, 0, 3)];
    s.append("<circle cx=\"").append(Num(px(p))).append("\" cy=\"").append(Num(py(p)));
    s.append("\" r=\"").append(Num(radius)).append("\" fill=\"").append(colour);
    s.append("\" fill-opacity=\"0.75\" stroke=\"#fff\"><title>");
    s.append(XmlEscape(p.name + ": " + Label(std::round(p.count)))).append("</title></circle>");
    if (p.kind == 2 || c > 0.2) {
      s.append("<text font-size=\"10\" x=\"").append(Num(px(p) + radius + 2)).append("\" y=\"");
      s.append(Num(py(p) + 3)).append("\">").append(XmlEscape(p.name)).append("</text>");
    }
  }
  s.append("</svg>");
  return s;
}

}  // namespace waymark::web::svg
