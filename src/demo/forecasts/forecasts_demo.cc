#include "demo/forecasts/forecasts_demo.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace waymark::demo {
namespace {

namespace fs = std::filesystem;

Result<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status::NotFound(p.string() + ": cannot open");
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

Status AddFolder(const fs::path& dir, const std::string& prefix, std::vector<forecasts::ScenarioFile>& out) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".csv") files.push_back(e.path());
  }
  if (ec) return Status::NotFound(dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    WM_ASSIGN_OR_RETURN(std::string text, ReadFile(f));
    out.push_back({prefix + f.filename().string(), std::move(text)});
  }
  return Status::Ok();
}

struct Case {
  const char* name;
  const char* validation;
  const char* title;
  const char* description;
};

// Mali first: the quickest run is done first.
constexpr Case kCases[] = {
    {"mali", "mali2012", "Mali 2012",
     "Flee's validation case: people fleeing the 2012 conflict in northern Mali to camps in Mauritania, "
     "Burkina Faso and Niger, 300 days from 29 February 2012."},
    {"burundi", "burundi2015", "Burundi 2015",
     "Flee's validation case: people fleeing the 2015 crisis in Burundi to camps in Rwanda, Tanzania, "
     "Uganda and the DR Congo, 396 days from 1 May 2015, against UNHCR's camp registrations."},
    {"car", "car2013", "Central African Republic 2013",
     "Flee's validation case: people fleeing the conflict in the Central African Republic to 14 camps in "
     "Chad, Cameroon, the DR Congo and the Republic of the Congo, 820 days from 1 December 2013."},
};

}  // namespace

Result<std::vector<forecasts::ScenarioFile>> CaseFiles(const std::string& dir, const std::string& name) {
  const Case* c = nullptr;
  for (const Case& k : kCases) {
    if (name == k.name) c = &k;
  }
  if (!c) return Status::NotFound("no demo case " + name);
  fs::path root = fs::path(dir) / c->name;
  std::vector<forecasts::ScenarioFile> files;
  WM_RETURN_IF_ERROR(AddFolder(root / "conflict_input" / c->name, "input/", files));
  WM_RETURN_IF_ERROR(AddFolder(root / "conflict_validation" / c->validation, "validation/", files));
  WM_ASSIGN_OR_RETURN(std::string settings, ReadFile(fs::path(dir) / "simsetting.yml"));
  files.push_back({"input/simsetting.yml", std::move(settings)});
  return files;
}

Result<std::vector<std::string>> LoadForecasts(forecasts::ForecastService& service, const std::string& dir) {
  std::vector<std::string> lines;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    lines.push_back("skipped: no Flee data at " + dir + " (forecast_demo_dir)");
    return lines;
  }
  accounts::Actor system = accounts::Actor::System();
  WM_ASSIGN_OR_RETURN(auto existing, service.List(system));
  for (const Case& c : kCases) {
    std::string origin = std::string("demo:") + c.name;
    forecasts::Id id = 0;
    for (const auto& s : existing) {
      if (s.origin == origin) id = s.id;
    }
    if (id != 0) {
      lines.push_back(std::string(c.name) + " present");
      continue;
    }
    auto files = CaseFiles(dir, c.name);
    if (!files.ok()) {
      lines.push_back(std::string(c.name) + " skipped: " + files.status().message());
      continue;
    }
    forecasts::Scenario s;
    s.title = c.title;
    s.description = c.description;
    s.origin = origin;
    s.published = true;
    WM_ASSIGN_OR_RETURN(forecasts::Scenario stored,
                        service.CreateFromFiles(system, s, std::move(files).value()));
    // A run the configured limits refuse (forecast_max_agent_days) leaves the
    // case stored without one: the demo still loads.
    auto run = service.StartRun(system, stored.id, 1);
    if (run.ok()) {
      lines.push_back(std::string(c.name) + " added, run " + std::to_string(run->id) + " queued");
    } else {
      lines.push_back(std::string(c.name) + " added, no run: " + run.status().message());
    }
  }
  return lines;
}

}  // namespace waymark::demo
