// Flee's input files as `waymark forecast run` reads them: the first byte
// picks the reader (sim_period, locations, routes, closures, conflicts,
// registration corrections, a series file, simsetting.yml, or two series
// merged), the rest is the file. Nothing may crash, whatever the bytes, and
// every refusal must name the file, a line and a column ("name:L:C: ...").
// Routes, closures and conflicts are read against a small fixed network.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "forecast/data_table.h"
#include "forecast/scenario.h"
#include "forecast/settings.h"

namespace fc = waymark::forecast;

namespace {

void CheckError(const waymark::Status& st, const std::string& name) {
  if (st.ok()) return;
  const std::string& m = st.message();
  if (m.rfind(name + ":", 0) != 0) std::abort();
  size_t a = name.size() + 1;
  size_t b = m.find(':', a);
  if (b == std::string::npos || b == a) std::abort();
  size_t c = m.find(':', b + 1);
  if (c == std::string::npos || c == b + 1) std::abort();
  for (size_t i = a; i < c; ++i) {
    if (i != b && (m[i] < '0' || m[i] > '9')) std::abort();
  }
}

void Probe(const fc::DataTable& t) {
  if (t.empty()) return;
  for (int d : {-1000, -1, 0, 1, 7, 30, 100000}) (void)t.At(d);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned pick = data[0] % 9;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  fc::Scenario s;
  s.length = 40;
  if (!fc::ReadLocations("A,R,X,0,0,conflict_zone,0,100\nB,R,X,0,0,town,5,50\nC,R,Y,0,0,camp,0,30\n",
                         "base.csv", 1, s)
           .ok()) {
    std::abort();
  }
  switch (pick) {
    case 0: CheckError(fc::ReadSimPeriod(text, "sim_period.csv", s), "sim_period.csv"); break;
    case 1: {
      fc::Scenario fresh;
      CheckError(fc::ReadLocations(text, "locations.csv", 1 + static_cast<int>(size % 3), fresh),
                 "locations.csv");
      break;
    }
    case 2:
      CheckError(fc::ReadRoutes(text, "routes.csv", s), "routes.csv");
      for (const auto& r : s.routes) {
        if (r.distance < 0 || r.from < 0 || r.to < 0) std::abort();
      }
      break;
    case 3:
      CheckError(fc::ReadClosures(text, "closures.csv", s), "closures.csv");
      for (const auto& c : s.closures) {
        if (c.start < 0 || c.start >= s.length || c.end < -1) std::abort();
      }
      break;
    case 4:
      CheckError(fc::ReadConflicts(text, "conflicts.csv", s), "conflicts.csv");
      if (s.conflicts && static_cast<int>(s.conflicts->days.size()) < s.length) std::abort();
      break;
    case 5:
      CheckError(fc::ReadCorrections(text, "registration_corrections.csv", s),
                 "registration_corrections.csv");
      break;
    case 6: {
      auto t = fc::ReadSeriesFile(text, "camp.csv", 0, 1);
      CheckError(t.status(), "camp.csv");
      if (t.ok()) {
        Probe(*t);
        fc::DataTable copy = *t;
        (void)copy.Correct(static_cast<int>(size % 50));
        Probe(copy);
      }
      break;
    }
    case 7: CheckError(fc::ParseSettings(text, "s.yml").status(), "s.yml"); break;
    case 8: {
      size_t cut = text.find('|');
      auto a = fc::ReadSeriesFile(text.substr(0, cut), "a.csv", 0, 1);
      auto b = fc::ReadSeriesFile(cut == std::string::npos ? "" : text.substr(cut + 1), "b.csv", 0, 1);
      if (a.ok() && b.ok()) {
        auto m = fc::DataTable::Merge(*a, *b);
        if (m.ok()) Probe(*m);
      }
      break;
    }
  }
  return 0;
}
