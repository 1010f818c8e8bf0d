// Charts and the network map of the forecasts pages, drawn on the server as
// SVG (no JavaScript): each with a <title> and <desc> for screen readers
// (the pages also give the numbers as a table).
#pragma once

#include <string>
#include <vector>

namespace waymark::web::svg {

struct Line {
  std::string label;
  std::vector<double> values;  // one per day from 0
  std::string colour;          // a CSS colour
  bool dashed = false;
};

// A line chart of `lines` over days 0 … n−1, y from 0 to the largest value
// (or `y_max` when > 0). `id` makes the title/desc ids unique on the page.
std::string LineChart(const std::string& id, const std::string& title, const std::string& desc,
                      const std::string& x_label, const std::vector<Line>& lines, double y_max = 0);

struct Place {
  std::string name;
  double latitude = 0;
  double longitude = 0;
  int kind = 0;      // 0 conflict zone, 1 town, 2 camp, 3 other
  double count = 0;  // agents there at the end
};
struct Link {
  int a = 0;
  int b = 0;
  double flow = 0;  // agents who set out along it
};

// The network: places projected (equirectangular, scaled to the box),
// links with width and colour by flow, places with area by final count.
std::string NetworkMap(const std::string& id, const std::string& title, const std::string& desc,
                       const std::vector<Place>& places, const std::vector<Link>& links);

}  // namespace waymark::web::svg
