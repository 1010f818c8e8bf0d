// The storage the forecasts module needs. storage/forecasts implements it
// over SQL for both backends; tests/conformance runs one suite against each.
//
// Thread-safe. Failures: Unavailable when the database cannot be reached,
// NotFound when nothing matches, Conflict when a run is not in the state a
// transition expects.
#pragma once

#include <vector>

#include "core/status.h"
#include "domain/forecasts/model.h"

namespace waymark::forecasts {

class ForecastStore {
 public:
  virtual ~ForecastStore() = default;

  // Inserts `s` (id and version ignored) with its files, in one transaction.
  virtual Result<Scenario> CreateScenario(const Scenario& s, const std::vector<ScenarioFile>& files) = 0;
  virtual Result<Scenario> GetScenario(Id id) = 0;
  // Newest first.
  virtual Result<std::vector<Scenario>> ListScenarios() = 0;
  // Title, description and published; Conflict on a stale version.
  virtual Result<Scenario> UpdateScenario(const Scenario& s) = 0;
  // By path.
  virtual Result<std::vector<ScenarioFile>> ScenarioFiles(Id scenario_id) = 0;

  // Inserts `r` (id ignored) as queued.
  virtual Result<Run> CreateRun(const Run& r) = 0;
  virtual Result<Run> GetRun(Id id) = 0;
  // Of one scenario (0: all), newest first.
  virtual Result<std::vector<Run>> ListRuns(Id scenario_id) = 0;
  // Runs queued or running that `user_id` asked for.
  virtual Result<int> CountActiveRuns(Id user_id) = 0;
  // Moves the run from `from` to `to` (started_at set on running,
  // finished_at on a finished state, error kept). Conflict when it is not in `from`.
  virtual Status Transition(Id id, RunState from, RunState to, TimestampMs at, const std::string& error) = 0;
  virtual Status SetProgress(Id id, double progress) = 0;
  // running → done, with its summary and days, in one transaction.
  virtual Status Complete(Id id, const RunSummary& summary, const std::vector<RunDay>& days,
                          TimestampMs at) = 0;
  // The days of a finished run, by day.
  virtual Result<std::vector<RunDay>> RunDays(Id id) = 0;
  // Every running run becomes interrupted (at start-up: no job holds them).
  // Returns how many.
  virtual Result<int> InterruptRunning(TimestampMs at) = 0;
  // Queued runs, oldest first (re-queued at start-up).
  virtual Result<std::vector<Run>> QueuedRuns() = 0;
};

}  // namespace waymark::forecasts
