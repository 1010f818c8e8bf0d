// The forecasts module (docs/forecasts.md): stored Flee scenarios (their
// input files, settings and what-if changes) and their runs, each a
// background job whose results (per day and camp, the mean simulated and the
// observed population; per day the error E(t)) are kept. No HTTP, JSON or SQL.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace waymark::forecasts {

using Id = std::int64_t;

// A what-if change applied to the scenario read from its files, in order.
enum class ChangeKind {
  kCloseCountry,   // a, b: countries; day: closed from day (to the end)
  kCloseLocation,  // a: location; day
  kCloseLink,      // a, b: locations; day
  kConflictOnset,  // a: location; day: the new onset day (its intensity series shifted)
  kCampCapacity,   // a: camp; value: the new capacity
};
std::string_view ToString(ChangeKind k);
std::optional<ChangeKind> ParseChangeKind(std::string_view s);

struct Change {
  ChangeKind kind = ChangeKind::kCloseCountry;
  std::string a;
  std::string b;
  int day = 0;
  long long value = 0;
};

struct ScenarioFile {
  std::string path;  // "input/locations.csv", "validation/data_layout.csv", ...
  std::string content;
};

struct Scenario {
  Id id = 0;
  std::string title;
  std::string description;
  Id owner_id = 0;  // 0: the system (the demo cases)
  bool published = false;
  Id parent_id = 0;    // the scenario this what-if copies (0: none)
  std::string origin;  // "upload", "demo:mali", "copy"
  // Settings: simsetting.yml keys or switch names and their values.
  std::map<std::string, std::string> settings;
  std::vector<Change> changes;
  std::int64_t version = 1;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

enum class RunState { kQueued, kRunning, kDone, kFailed, kCancelled, kInterrupted };
std::string_view ToString(RunState s);
std::optional<RunState> ParseRunState(std::string_view s);
inline bool Finished(RunState s) { return s != RunState::kQueued && s != RunState::kRunning; }

// The summary metrics of a finished run and what its map draws.
struct RunSummary {
  double error_mean = 0, error_sd = 0;
  double error_rescaled_mean = 0, error_rescaled_sd = 0;
  double max_error_after_day12 = 0;
  double baseline_flat30 = 0, baseline_sloped30 = 0, baseline_ratio30 = 0, baseline_uniform = 0;
  long long agent_days = 0;
  double cpu_seconds = 0;
  double wall_seconds = 0;
  int start_date = 0;                // days since 1970-01-01
  std::vector<std::string> camps;    // validation camps, as in data_layout.csv
  std::vector<double> route_flows;   // per route of routes.csv, mean departures over seeds
  std::vector<double> final_counts;  // per location of locations.csv, mean over seeds
};

struct Run {
  Id id = 0;
  Id scenario_id = 0;
  Id requested_by = 0;  // 0: the system
  RunState state = RunState::kQueued;
  int seeds = 1;
  std::int64_t first_seed = 1;
  double progress = 0;  // 0..1
  std::string error;    // why it failed
  TimestampMs created_at = 0;
  TimestampMs started_at = 0;
  TimestampMs finished_at = 0;
  TimestampMs heartbeat_at = 0;       // last sign of life of the instance running it
  bool cancel_requested = false;      // a cancel is on its way to the instance running it
  std::optional<RunSummary> summary;  // when done
};

// One day of a finished run: per camp (RunSummary::camps order) the mean
// simulated and the observed population, and the error E(t).
struct RunDay {
  int day = 0;
  std::vector<double> simulated;
  std::vector<double> observed;
  double error = 0;
  double error_rescaled = 0;
};

}  // namespace waymark::forecasts
