// A forecast's inputs as read from Flee's folder layout: the network
// (locations.csv, routes.csv), its changes over time (closures.csv,
// conflicts.csv), the period (sim_period.csv), and the observed arrivals
// (the validation folder's data_layout.csv and series, corrected by
// registration_corrections.csv). Every reader checks its file and returns
// an InvalidArgument Status "path:line:column: what is wrong" for malformed
// input; nothing is half-read.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "forecast/data_table.h"
#include "forecast/settings.h"

namespace waymark::forecast {

enum class LocationKind { kConflictZone, kTown, kCamp, kIdpCamp, kForwardingHub, kMarker, kFloodZone };

struct Location {
  std::string name;
  std::string region;   // "unknown" when empty
  std::string country;  // "unknown" when empty
  double latitude = 0;
  double longitude = 0;
  LocationKind kind = LocationKind::kTown;  // as loaded (a zone with a later conflict date is a town)
  int conflict_date = 0;
  long long population = 0;         // people (0 for camps)
  long long capacity = -1;          // camps: the CSV population column; -1 = none
  bool foreign = false;             // country differs from the first row's
  double conflict_intensity = 1.0;  // the optional `conflict_intensity` attribute
  int line = 0;                     // in locations.csv
};

struct Route {
  int from = 0;  // location index
  int to = 0;
  double distance = 0;         // km
  int forced_redirection = 0;  // 0, 1 (to→from... see docs) or 2
  int line = 0;
};

enum class ClosureKind { kCountry, kLocation, kLink, kCamp, kIdpCamp, kRemoveForcedRedirection };

struct Closure {
  ClosureKind kind = ClosureKind::kCountry;
  std::string name1;
  std::string name2;
  int start = 0;  // the day the close action runs
  int end = -1;   // the day the reopen action runs (-1 or ≥ length: never)
};

// conflicts.csv: intensities by day (row k is day k) for named locations.
struct ConflictTable {
  std::vector<int> locations;             // location index per column; -1 for an unknown name
  std::vector<std::string> names;         // the header names
  std::vector<std::vector<double>> days;  // days[k][column]
};

struct Correction {
  std::string camp;
  int day = 0;  // offset from the start date (may be negative: no effect)
  int line = 0;
};

// One data_layout.csv row: entry 0 is the total, the others camp series.
struct Series {
  std::string name;
  DataTable raw;        // after merging the row's files, before corrections
  DataTable corrected;  // after registration_corrections.csv
};

struct Scenario {
  std::string input_dir;
  std::string locations_file;  // the path, for errors found after reading
  int start_date = 0;          // days since 1970-01-01
  int length = 0;              // days simulated
  std::vector<Location> locations;
  std::vector<Route> routes;
  std::vector<Closure> closures;
  std::optional<ConflictTable> conflicts;
  std::vector<Correction> corrections;
  std::vector<Series> series;  // empty without a validation folder; [0] is the total

  int FindLocation(const std::string& name) const;
  int FindSeries(const std::string& name) const;
};

// Where the readers get a file's text: nullopt when there is no such file.
// The paths are "<dir>/<name>" with the dirs given to ReadScenario, so a
// source may hold files in memory (the web module's stored scenarios).
using FileSource = std::function<std::optional<std::string>(const std::string& path)>;

// Reads files from the file system.
FileSource DiskFiles();

// Reads `input_dir` (sim_period.csv, locations.csv, routes.csv, and when
// present closures.csv, conflicts.csv (or conflict_period.csv: StartDate and
// Length like sim_period.csv) and registration_corrections.csv) and, when
// `validation_dir` is not empty, the observed series. `settings` supplies
// hasten and the upstream quirks that shape the network (the duplicate pair
// of forced_redirection 1).
Result<Scenario> ReadScenario(const std::string& input_dir, const std::string& validation_dir,
                              const Settings& settings);
// The same, from `files`.
Result<Scenario> ReadScenario(const FileSource& files, const std::string& input_dir,
                              const std::string& validation_dir, const Settings& settings);

// The single readers, for tests and for callers holding files elsewhere.
// `name` is the path used in error messages.
Status ReadSimPeriod(const std::string& text, const std::string& name, Scenario& s);
Status ReadLocations(const std::string& text, const std::string& name, int hasten, Scenario& s);
Status ReadRoutes(const std::string& text, const std::string& name, Scenario& s);
Status ReadClosures(const std::string& text, const std::string& name, Scenario& s);
Status ReadConflicts(const std::string& text, const std::string& name, Scenario& s);
Status ReadCorrections(const std::string& text, const std::string& name, Scenario& s);
// One per-camp file: rows "YYYY-MM-DD,count" (a header line tolerated).
Result<DataTable> ReadSeriesFile(const std::string& text, const std::string& name, int start_date,
                                 int hasten);
// data_layout.csv and the files it names (read from `dir`), merged and corrected.
Status ReadValidation(const std::string& dir, int hasten, Scenario& s);
Status ReadValidation(const FileSource& files, const std::string& dir, int hasten, Scenario& s);

}  // namespace waymark::forecast
