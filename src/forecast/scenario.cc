#include "forecast/scenario.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/strings.h"
#include "forecast/csv.h"

namespace waymark::forecast {
namespace {

bool IsComment(const CsvRow& row) { return !row.fields.empty() && StartsWith(row.fields[0].text, "#"); }
bool IsBlank(const CsvRow& row) {
  return row.fields.empty() || (row.fields.size() == 1 && TrimAscii(row.fields[0].text).empty());
}

Status Missing(const std::string& file, const CsvRow& row, const std::string& what) {
  return InputError(file, row.line, row.end_column, "missing column: " + what);
}

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open the file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

}  // namespace

int Scenario::FindLocation(const std::string& name) const {
  for (size_t i = 0; i < locations.size(); ++i) {
    if (locations[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int Scenario::FindSeries(const std::string& name) const {
  for (size_t i = 0; i < series.size(); ++i) {
    if (series[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Status ReadSimPeriod(const std::string& text, const std::string& name, Scenario& s) {
  WM_ASSIGN_OR_RETURN(auto rows, ParseCsv(text, name));
  bool have_start = false;
  bool have_length = false;
  for (const CsvRow& row : rows) {
    if (IsBlank(row) || IsComment(row)) continue;
    std::string key = ToLowerAscii(TrimAscii(row.fields[0].text));
    if (key != "startdate" && key != "length") continue;
    if (row.fields.size() < 2)
      return Missing(name, row, key == "length" ? "Length value" : "StartDate value");
    const CsvField& f = row.fields[1];
    if (key == "startdate") {
      if (!ParseIsoDate(f.text, s.start_date)) {
        return InputError(name, row.line, f.column, "StartDate \"" + f.text + "\" is not a YYYY-MM-DD date");
      }
      have_start = true;
    } else {
      long long n = 0;
      if (!ParseInt(f.text, n) || n < 1 || n > 100000) {
        return InputError(name, row.line, f.column,
                          "Length \"" + f.text + "\" is not a number of days (1..100000)");
      }
      s.length = static_cast<int>(n);
      have_length = true;
    }
  }
  if (!have_start) return InputError(name, 1, 1, "no StartDate row");
  if (!have_length) return InputError(name, 1, 1, "no Length row");
  return Status::Ok();
}

Status ReadLocations(const std::string& text, const std::string& name, int hasten, Scenario& s) {
  WM_ASSIGN_OR_RETURN(auto rows, ParseCsv(text, name));
  s.locations_file = name;
  std::vector<std::string> attributes;  // header names of columns 9 and up
  std::set<std::string> seen;
  std::string home_country;
  bool first = true;
  for (const CsvRow& row : rows) {
    if (IsBlank(row)) continue;
    if (IsComment(row)) {
      if (row.fields.size() > 8) {
        attributes.clear();
        for (size_t i = 8; i < row.fields.size(); ++i)
          attributes.push_back(std::string(TrimAscii(row.fields[i].text)));
      }
      continue;
    }
    static const char* kColumns[] = {"name",      "region",        "country",       "latitude",
                                     "longitude", "location_type", "conflict_date", "population"};
    if (row.fields.size() < 8) return Missing(name, row, kColumns[row.fields.size()]);
    Location loc;
    loc.line = row.line;
    loc.name = std::string(TrimAscii(row.fields[0].text));
    if (loc.name.empty()) return InputError(name, row.line, row.fields[0].column, "empty location name");
    if (!seen.insert(loc.name).second) {
      return InputError(name, row.line, row.fields[0].column, "location \"" + loc.name + "\" appears twice");
    }
    loc.region = std::string(TrimAscii(row.fields[1].text));
    loc.country = std::string(TrimAscii(row.fields[2].text));
    if (loc.region.empty()) loc.region = "unknown";
    if (loc.country.empty()) loc.country = "unknown";
    if (!ParseDouble(row.fields[3].text, loc.latitude) || std::abs(loc.latitude) > 90) {
      return InputError(name, row.line, row.fields[3].column,
                        "latitude \"" + row.fields[3].text + "\" is not a number in -90..90");
    }
    if (!ParseDouble(row.fields[4].text, loc.longitude) || std::abs(loc.longitude) > 180) {
      return InputError(name, row.line, row.fields[4].column,
                        "longitude \"" + row.fields[4].text + "\" is not a number in -180..180");
    }
    long long pop = 0;
    const CsvField& popf = row.fields[7];
    if (!TrimAscii(popf.text).empty() &&
        (!ParseInt(popf.text, pop) || pop < 0 || static_cast<double>(pop) > kMaxCount)) {
      return InputError(name, row.line, popf.column,
                        "population \"" + popf.text + "\" is not a whole number ≥ 0");
    }
    pop /= hasten;
    for (size_t i = 8; i < row.fields.size() && i - 8 < attributes.size(); ++i) {
      if (attributes[i - 8] == "conflict_intensity" && !TrimAscii(row.fields[i].text).empty()) {
        if (!ParseDouble(row.fields[i].text, loc.conflict_intensity) || loc.conflict_intensity < 0) {
          return InputError(name, row.line, row.fields[i].column, "conflict_intensity is not a number ≥ 0");
        }
      }
    }
    const CsvField& typef = row.fields[5];
    std::string type = ToLowerAscii(typef.text);
    const CsvField& datef = row.fields[6];
    long long date = 0;
    bool date_ok = ParseInt(datef.text, date);
    if (type.find("camp") != std::string::npos) {
      loc.kind = type.find("idp") != std::string::npos ? LocationKind::kIdpCamp : LocationKind::kCamp;
    } else if (type.find("conflict") != std::string::npos) {
      if (!date_ok) {
        return InputError(
            name, row.line, datef.column,
            "conflict_date \"" + datef.text + "\" is not a day number (a conflict zone needs one)");
      }
      loc.conflict_date = static_cast<int>(date);
      loc.kind = date > 0 ? LocationKind::kTown : LocationKind::kConflictZone;
    } else if (type.find("forward") != std::string::npos) {
      loc.kind = LocationKind::kForwardingHub;
    } else if (type.find("marker") != std::string::npos) {
      loc.kind = LocationKind::kMarker;
    } else if (type.find("flood_zone") != std::string::npos) {
      loc.kind = LocationKind::kFloodZone;
    } else if (type.find("default") != std::string::npos || type.find("town") != std::string::npos) {
      loc.kind = LocationKind::kTown;
    } else {
      return InputError(name, row.line, typef.column, "unknown location_type \"" + typef.text + "\"");
    }
    if (loc.kind == LocationKind::kCamp || loc.kind == LocationKind::kIdpCamp) {
      loc.capacity = pop;
      loc.population = 0;
    } else {
      loc.population = pop;
    }
    if (first) home_country = loc.country;
    first = false;
    loc.foreign = loc.country != home_country;
    s.locations.push_back(std::move(loc));
  }
  if (s.locations.empty()) return InputError(name, 1, 1, "no locations");
  return Status::Ok();
}

Status ReadRoutes(const std::string& text, const std::string& name, Scenario& s) {
  WM_ASSIGN_OR_RETURN(auto rows, ParseCsv(text, name));
  for (const CsvRow& row : rows) {
    if (IsBlank(row) || IsComment(row)) continue;
    static const char* kColumns[] = {"name1", "name2", "distance"};
    if (row.fields.size() < 3) return Missing(name, row, kColumns[row.fields.size()]);
    Route r;
    r.line = row.line;
    for (int k = 0; k < 2; ++k) {
      std::string n(TrimAscii(row.fields[k].text));
      int idx = s.FindLocation(n);
      if (idx < 0) return InputError(name, row.line, row.fields[k].column, "unknown location \"" + n + "\"");
      (k == 0 ? r.from : r.to) = idx;
    }
    if (r.from == r.to)
      return InputError(name, row.line, row.fields[1].column, "a route from a location to itself");
    const CsvField& df = row.fields[2];
    if (!ParseDouble(df.text, r.distance) || !std::isfinite(r.distance)) {
      return InputError(name, row.line, df.column, "distance \"" + df.text + "\" is not a number");
    }
    if (r.distance < 0) return InputError(name, row.line, df.column, "negative distance " + df.text);
    if (r.distance > 40075) {
      return InputError(name, row.line, df.column, "distance " + df.text + " km is longer than the equator");
    }
    if (row.fields.size() > 3 && !TrimAscii(row.fields[3].text).empty()) {
      long long f = 0;
      if (!ParseInt(row.fields[3].text, f) || f < 0 || f > 2) {
        return InputError(name, row.line, row.fields[3].column,
                          "forced_redirection \"" + row.fields[3].text + "\" is not 0, 1 or 2");
      }
      r.forced_redirection = static_cast<int>(f);
    }
    s.routes.push_back(r);
  }
  return Status::Ok();
}

Status ReadClosures(const std::string& text, const std::string& name, Scenario& s) {
  WM_ASSIGN_OR_RETURN(auto rows, ParseCsv(text, name));
  for (const CsvRow& row : rows) {
    if (IsBlank(row) || IsComment(row)) continue;
    static const char* kColumns[] = {"closure_type", "name1", "name2", "closure_start", "closure_end"};
    if (row.fields.size() < 5) return Missing(name, row, kColumns[row.fields.size()]);
    Closure c;
    std::string type = ToLowerAscii(TrimAscii(row.fields[0].text));
    if (type == "country") {
      c.kind = ClosureKind::kCountry;
    } else if (type == "location") {
      c.kind = ClosureKind::kLocation;
    } else if (type == "link") {
      c.kind = ClosureKind::kLink;
    } else if (type == "camp") {
      c.kind = ClosureKind::kCamp;
    } else if (type == "idpcamp") {
      c.kind = ClosureKind::kIdpCamp;
    } else if (type == "remove_forced_redirection") {
      c.kind = ClosureKind::kRemoveForcedRedirection;
    } else {
      return InputError(name, row.line, row.fields[0].column,
                        "unknown closure type \"" + row.fields[0].text + "\"");
    }
    c.name1 = std::string(TrimAscii(row.fields[1].text));
    c.name2 = std::string(TrimAscii(row.fields[2].text));
    auto check_location = [&](int k, const std::string& n) -> Status {
      if (s.FindLocation(n) < 0) {
        return InputError(name, row.line, row.fields[k].column, "unknown location \"" + n + "\"");
      }
      return Status::Ok();
    };
    auto check_country = [&](int k, const std::string& n) -> Status {
      for (const Location& l : s.locations) {
        if (l.country == n) return Status::Ok();
      }
      return InputError(name, row.line, row.fields[k].column, "no location in country \"" + n + "\"");
    };
    switch (c.kind) {
      case ClosureKind::kCountry:
        WM_RETURN_IF_ERROR(check_country(1, c.name1));
        WM_RETURN_IF_ERROR(check_country(2, c.name2));
        break;
      case ClosureKind::kLocation:
      case ClosureKind::kCamp:
      case ClosureKind::kIdpCamp: WM_RETURN_IF_ERROR(check_location(1, c.name1)); break;
      case ClosureKind::kLink:
      case ClosureKind::kRemoveForcedRedirection:
        WM_RETURN_IF_ERROR(check_location(1, c.name1));
        WM_RETURN_IF_ERROR(check_location(2, c.name2));
        break;
    }
    long long start = 0;
    long long end = 0;
    const CsvField& sf = row.fields[3];
    const CsvField& ef = row.fields[4];
    if (!ParseInt(sf.text, start))
      return InputError(name, row.line, sf.column, "closure_start \"" + sf.text + "\" is not a day");
    if (!ParseInt(ef.text, end))
      return InputError(name, row.line, ef.column, "closure_end \"" + ef.text + "\" is not a day");
    if (start < 0 || start >= s.length) {
      return InputError(name, row.line, sf.column,
                        "closure_start " + sf.text + " is out of range 0.." + std::to_string(s.length - 1));
    }
    if (end < -1 || end > 1000000) {
      return InputError(name, row.line, ef.column,
                        "closure_end " + ef.text + " is out of range (-1 for never)");
    }
    c.start = static_cast<int>(start);
    c.end = static_cast<int>(end);
    s.closures.push_back(std::move(c));
  }
  return Status::Ok();
}

Status ReadConflicts(const std::string& text, const std::string& name, Scenario& s) {
  WM_ASSIGN_OR_RETURN(auto rows, ParseCsv(text, name));
  ConflictTable table;
  bool have_header = false;
  std::vector<int> field_of_column;  // which CSV field holds each named column
  for (const CsvRow& row : rows) {
    if (IsBlank(row)) continue;
    if (!have_header) {
      have_header = true;
      for (size_t i = 1; i < row.fields.size(); ++i) {
        std::string n(TrimAscii(row.fields[i].text));
        if (n.empty()) continue;
        table.names.push_back(n);
        table.locations.push_back(s.FindLocation(n));
        field_of_column.push_back(static_cast<int>(i));
      }
      continue;
    }
    std::vector<double> values(table.names.size(), 0.0);
    for (size_t c = 0; c < table.names.size(); ++c) {
      size_t f = static_cast<size_t>(field_of_column[c]);
      if (f >= row.fields.size()) return Missing(name, row, table.names[c]);
      const CsvField& field = row.fields[f];
      if (!ParseDouble(field.text, values[c]) || !std::isfinite(values[c]) || values[c] < 0) {
        return InputError(name, row.line, field.column,
                          "intensity \"" + field.text + "\" for " + table.names[c] + " is not a number ≥ 0");
      }
    }
    table.days.push_back(std::move(values));
  }
  if (!have_header) return InputError(name, 1, 1, "no header row");
  if (static_cast<int>(table.days.size()) < s.length) {
    return InputError(name, rows.empty() ? 1 : rows.back().line, 1,
                      "day " + std::to_string(table.days.size()) + " is missing: the period has " +
                          std::to_string(s.length) + " days and the file one row per day");
  }
  s.conflicts = std::move(table);
  return Status::Ok();
}

Status ReadCorrections(const std::string& text, const std::string& name, Scenario& s) {
  WM_ASSIGN_OR_RETURN(auto rows, ParseCsv(text, name));
  for (const CsvRow& row : rows) {
    if (IsBlank(row) || IsComment(row)) continue;
    if (row.fields.size() < 2) return Missing(name, row, "date");
    Correction c;
    c.line = row.line;
    c.camp = std::string(TrimAscii(row.fields[0].text));
    int date = 0;
    if (!ParseIsoDate(row.fields[1].text, date)) {
      return InputError(name, row.line, row.fields[1].column,
                        "\"" + row.fields[1].text + "\" is not a YYYY-MM-DD date");
    }
    c.day = date - s.start_date;
    s.corrections.push_back(std::move(c));
  }
  return Status::Ok();
}

Result<DataTable> ReadSeriesFile(const std::string& text, const std::string& name, int start_date,
                                 int hasten) {
  WM_ASSIGN_OR_RETURN(auto rows, ParseCsv(text, name));
  std::vector<DataRow> out;
  bool first = true;
  for (const CsvRow& row : rows) {
    bool is_first = first;
    first = false;
    if (row.fields.size() < 2) continue;
    std::string d0(TrimAscii(row.fields[0].text));
    if (StartsWith(d0, "#")) continue;
    if (is_first) {
      std::string l = ToLowerAscii(d0);
      if (d0.empty() || l == "date" || l == "datetime") continue;
    }
    if (TrimAscii(row.fields[1].text).empty()) continue;
    int date = 0;
    if (!ParseIsoDate(d0, date)) {
      return InputError(name, row.line, row.fields[0].column,
                        "\"" + row.fields[0].text + "\" is not a YYYY-MM-DD date");
    }
    long long count = 0;
    if (!ParseInt(row.fields[1].text, count) || count < 0 || static_cast<double>(count) > kMaxCount) {
      return InputError(name, row.line, row.fields[1].column,
                        "count \"" + row.fields[1].text + "\" is not a whole number ≥ 0");
    }
    int day = date - start_date;
    if (!out.empty() && day < out.back().day) {
      return InputError(name, row.line, row.fields[0].column,
                        "date " + d0 + " is earlier than the row before it");
    }
    out.push_back({day, static_cast<double>(count) / hasten});
  }
  if (out.empty()) return InputError(name, 1, 1, "no data rows");
  return DataTable(std::move(out));
}

Status ReadValidation(const std::string& dir, int hasten, Scenario& s) {
  return ReadValidation(DiskFiles(), dir, hasten, s);
}

Status ReadValidation(const FileSource& files, const std::string& dir, int hasten, Scenario& s) {
  std::string layout_path = dir + "/data_layout.csv";
  auto layout = files(layout_path);
  if (!layout) return Status::NotFound(layout_path + ": cannot open the file");
  const std::string& text = *layout;
  WM_ASSIGN_OR_RETURN(auto rows, ParseCsv(text, layout_path));
  s.series.clear();
  for (const CsvRow& row : rows) {
    if (row.fields.size() < 2 || IsComment(row)) continue;
    Series series;
    series.name = std::string(TrimAscii(row.fields[0].text));
    if (s.series.empty() && series.name != "total") {
      return InputError(layout_path, row.line, row.fields[0].column, "the first row must be total,<file>");
    }
    if (s.FindSeries(series.name) >= 0) {
      return InputError(layout_path, row.line, row.fields[0].column, "\"" + series.name + "\" appears twice");
    }
    bool first = true;
    for (size_t i = 1; i < row.fields.size(); ++i) {
      std::string file(TrimAscii(row.fields[i].text));
      if (file.empty()) continue;
      if (file.find('/') != std::string::npos || file.find('\\') != std::string::npos || file == "..") {
        return InputError(layout_path, row.line, row.fields[i].column,
                          "a file name, not a path, is expected");
      }
      std::string path = dir;
      path += "/";
      path += file;
      auto t = files(path);
      if (!t) return InputError(layout_path, row.line, row.fields[i].column, "cannot open " + file);
      WM_ASSIGN_OR_RETURN(DataTable table, ReadSeriesFile(*t, path, s.start_date, hasten));
      if (first) {
        series.raw = std::move(table);
        first = false;
      } else {
        auto merged = DataTable::Merge(series.raw, table);
        if (!merged.ok())
          return InputError(layout_path, row.line, row.fields[i].column, merged.status().message());
        series.raw = std::move(merged).value();
      }
    }
    if (first) return Missing(layout_path, row, "file");
    series.corrected = series.raw;
    s.series.push_back(std::move(series));
  }
  if (s.series.empty()) return InputError(layout_path, 1, 1, "no rows (the first must be total,<file>)");
  for (const Correction& c : s.corrections) {
    int i = s.FindSeries(c.camp);
    std::string file = s.input_dir + "/registration_corrections.csv";
    if (i < 0) return InputError(file, c.line, 1, "\"" + c.camp + "\" has no row in data_layout.csv");
    Status st = s.series[static_cast<size_t>(i)].corrected.Correct(c.day);
    if (!st.ok()) return InputError(file, c.line, 1, c.camp + ": " + st.message());
  }
  for (const Location& l : s.locations) {
    if ((l.kind == LocationKind::kCamp || l.kind == LocationKind::kIdpCamp) && s.FindSeries(l.name) < 0) {
      return InputError(s.locations_file, l.line, 1, "camp \"" + l.name + "\" has no row in " + layout_path);
    }
  }
  return Status::Ok();
}

FileSource DiskFiles() {
  return [](const std::string& path) -> std::optional<std::string> {
    if (!Exists(path)) return std::nullopt;
    auto text = ReadText(path);
    if (!text.ok()) return std::nullopt;
    return std::move(text).value();
  };
}

Result<Scenario> ReadScenario(const std::string& input_dir, const std::string& validation_dir,
                              const Settings& settings) {
  return ReadScenario(DiskFiles(), input_dir, validation_dir, settings);
}

Result<Scenario> ReadScenario(const FileSource& files, const std::string& input_dir,
                              const std::string& validation_dir, const Settings& settings) {
  Scenario s;
  s.input_dir = input_dir;
  auto read = [&](const std::string& file) -> Result<std::string> {
    std::string path = input_dir + "/" + file;
    auto text = files(path);
    if (!text) return Status::NotFound(path + ": cannot open the file");
    return std::move(*text);
  };
  std::string period = files(input_dir + "/sim_period.csv") ? "sim_period.csv" : "conflict_period.csv";
  WM_ASSIGN_OR_RETURN(std::string period_text, read(period));
  WM_RETURN_IF_ERROR(ReadSimPeriod(period_text, input_dir + "/" + period, s));
  WM_ASSIGN_OR_RETURN(std::string loc_text, read("locations.csv"));
  WM_RETURN_IF_ERROR(ReadLocations(loc_text, input_dir + "/locations.csv", settings.hasten, s));
  WM_ASSIGN_OR_RETURN(std::string route_text, read("routes.csv"));
  WM_RETURN_IF_ERROR(ReadRoutes(route_text, input_dir + "/routes.csv", s));
  for (const char* optional : {"closures.csv", "conflicts.csv", "registration_corrections.csv"}) {
    std::string path = input_dir + "/" + optional;
    auto text = files(path);
    if (!text) continue;
    std::string f = optional;
    if (f == "closures.csv") WM_RETURN_IF_ERROR(ReadClosures(*text, path, s));
    if (f == "conflicts.csv") WM_RETURN_IF_ERROR(ReadConflicts(*text, path, s));
    if (f == "registration_corrections.csv") WM_RETURN_IF_ERROR(ReadCorrections(*text, path, s));
  }
  if (!validation_dir.empty()) WM_RETURN_IF_ERROR(ReadValidation(files, validation_dir, settings.hasten, s));
  return s;
}

}  // namespace waymark::forecast
