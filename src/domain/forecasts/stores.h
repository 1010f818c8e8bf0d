// The storage the forecasts module needs. storage/forecasts implements it
// over SQL for both backends; tests/conformance runs one suite against each.
//
// Thread-safe. Failures: Unavailable when the database cannot be reached,
// NotFound when nothing matches, Conflict when a run is not in the state a
// transition expects.
#pragma once

#include <optional>
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

  // Inserts `r` (id ignored) as queued. With `max_active` > 0, first counts
  // the runs queued or running that r.requested_by asked for, in the same
  // transaction with that person serialised against every instance (their
  // row locked on PostgreSQL, the write lock on SQLite): Conflict when they
  // already have `max_active`.
  virtual Result<Run> CreateRun(const Run& r, int max_active) = 0;
  virtual Result<Run> GetRun(Id id) = 0;
  // Of one scenario (0: all), newest first.
  virtual Result<std::vector<Run>> ListRuns(Id scenario_id) = 0;
  // Runs queued or running that `user_id` asked for.
  virtual Result<int> CountActiveRuns(Id user_id) = 0;
  // Moves the run from `from` to `to` (started_at and heartbeat_at set on
  // running, finished_at on a finished state, error kept). Conflict when it
  // is not in `from`.
  virtual Status Transition(Id id, RunState from, RunState to, TimestampMs at, const std::string& error) = 0;
  // Takes the oldest queued run for this instance: queued → running (with
  // started_at and heartbeat_at `at`) in one conditional update, so that of
  // several instances claiming at once exactly one gets each run. nullopt
  // when nothing is queued.
  virtual Result<std::optional<Run>> ClaimNext(TimestampMs at) = 0;
  // The running instance's sign of life: progress and heartbeat_at. True to
  // go on; false when a cancel was requested or the run is no longer
  // running (another instance found its lease expired).
  virtual Result<bool> Heartbeat(Id id, double progress, TimestampMs at) = 0;
  // A queued run becomes cancelled at once; a running one gets
  // cancel_requested (its instance stops at its next heartbeat). Conflict
  // when it has finished, NotFound when there is no such run.
  virtual Result<Run> RequestCancel(Id id, TimestampMs at) = 0;
  // running → done, with its summary and days, in one transaction.
  virtual Status Complete(Id id, const RunSummary& summary, const std::vector<RunDay>& days,
                          TimestampMs at) = 0;
  // The days of a finished run, by day.
  virtual Result<std::vector<RunDay>> RunDays(Id id) = 0;
  // Running runs whose heartbeat is older than `stale_before` become
  // interrupted (their instance died). Returns how many.
  virtual Result<int> InterruptStale(TimestampMs at, TimestampMs stale_before) = 0;
};

}  // namespace waymark::forecasts
