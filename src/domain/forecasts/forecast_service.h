// The forecasts module's rules (docs/forecasts.md): who may see, create,
// copy and run scenarios, the what-if changes, the size limits of a run, and
// the job runner that runs them in the background (a bounded worker count,
// a per-user limit, cancellation, progress).
//
// Several instances may share one database: the queue is the database's
// queued runs, claimed one at a time by a conditional update (exactly one
// instance runs each); the running instance writes a heartbeat with its
// progress, and a run whose heartbeat is older than the lease is
// interrupted by any instance; a cancel is recorded on the run and reaches
// the instance running it at its next heartbeat.
//
// Access: the public sees published scenarios and their runs; members of an
// organisation (and administrators) create scenarios, upload or copy them,
// and see their own; the owner (or an administrator) runs, cancels,
// publishes and edits.
//
// Thread-safe. The runner's threads start with Start() and stop in Stop()
// or the destructor (a run still running is then marked interrupted).
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "domain/accounts/model.h"
#include "domain/forecasts/stores.h"
#include "domain/forecasts/zip_input.h"
#include "forecast/ensemble.h"
#include "forecast/scenario.h"
#include "forecast/settings.h"

namespace waymark::forecasts {

struct ForecastOptions {
  int workers = 1;                           // runs at the same time
  int threads_per_run = 1;                   // seeds of one run in parallel
  int max_active_per_user = 2;               // queued or running runs one person may have
  int max_seeds = 10;                        // per run
  long long max_agent_days = 2'000'000'000;  // per run: seeds × estimated agents × days
  int max_days = 3000;                       // sim_period Length
  ZipLimits zip;
  int max_changes = 50;
  // The runner across instances (all in milliseconds; bounded in the
  // constructor): how often a running run's heartbeat and progress are
  // written (and a cancel request read); how often idle workers look for
  // runs queued by other instances; how old a heartbeat may get before the
  // run counts as abandoned (the heartbeat is made at most a third of it,
  // the sweep at most half); how often that is swept.
  int heartbeat_ms = 2000;
  int poll_ms = 3000;
  long long lease_ms = 60000;
  int sweep_ms = 15000;
};

// A scenario's inputs read by the engine, with its changes applied.
struct Loaded {
  forecast::Scenario scenario;
  forecast::Settings settings;
};

class ForecastService {
 public:
  ForecastService(ForecastStore& store, const Clock& clock, ForecastOptions options);
  ~ForecastService();
  ForecastService(const ForecastService&) = delete;
  ForecastService& operator=(const ForecastService&) = delete;

  // Marks runs whose instance died (heartbeat older than the lease)
  // interrupted and starts the workers, which claim queued runs. Returns
  // how many were interrupted. Runs of other live instances are left alone.
  Result<int> Start();
  // Stops the workers (a running run is cancelled and marked interrupted).
  void Stop();

  static bool CanCreate(const accounts::Actor& actor);
  static bool CanView(const accounts::Actor& actor, const Scenario& s);
  static bool CanEdit(const accounts::Actor& actor, const Scenario& s);

  // A scenario from an uploaded zip; its files are read by the engine first
  // (Validation on "file" naming file:line:column when they are malformed).
  Result<Scenario> CreateFromZip(const accounts::Actor& actor, Scenario s, const std::string& zip);
  // A scenario from files already in memory (the demo cases).
  Result<Scenario> CreateFromFiles(const accounts::Actor& actor, Scenario s, std::vector<ScenarioFile> files);
  // A what-if: a copy of `id` with `changes` after the original's and
  // `settings` over the original's.
  Result<Scenario> Copy(const accounts::Actor& actor, Id id, const std::string& title,
                        const std::vector<Change>& changes,
                        const std::map<std::string, std::string>& settings);
  Result<Scenario> Get(const accounts::Actor& actor, Id id);
  // The scenarios `actor` may see, newest first.
  Result<std::vector<Scenario>> List(const accounts::Actor& actor);
  Result<Scenario> SetPublished(const accounts::Actor& actor, Id id, bool published);
  Result<std::vector<ScenarioFile>> Files(const accounts::Actor& actor, Id id);
  // Reads the scenario's files and applies its settings and changes.
  Result<Loaded> Load(const accounts::Actor& actor, Id id);

  // Queues a run (limits: Validation naming "seeds" or "size"; the per-user
  // queue: TooManyRequests).
  Result<Run> StartRun(const accounts::Actor& actor, Id scenario_id, int seeds);
  // A queued run is cancelled at once; a running one (here or in another
  // instance) gets the request and stops at its instance's next heartbeat.
  Result<Run> Cancel(const accounts::Actor& actor, Id run_id);
  Result<Run> GetRun(const accounts::Actor& actor, Id run_id);
  Result<std::vector<Run>> Runs(const accounts::Actor& actor, Id scenario_id);
  Result<std::vector<RunDay>> Days(const accounts::Actor& actor, Id run_id);

  // Waits until this process's workers have claimed and run everything
  // they were woken for (tests, demo), up to `ms`. Runs claimed by other
  // instances are not waited for.
  bool WaitIdle(int ms);
  // How many runs this process has claimed and run (tests, metrics).
  int executed() const { return executed_.load(); }

  const ForecastOptions& options() const { return options_; }

 private:
  Result<Loaded> LoadScenario(const Scenario& s);
  Status CheckLimits(const Loaded& l, int seeds) const;
  struct Active {
    std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
    std::shared_ptr<std::atomic<double>> progress = std::make_shared<std::atomic<double>>(0.0);
  };
  void Wake();
  void Worker();
  void Keeper();
  void Execute(const Run& run, const Active& active);

  ForecastStore& store_;
  const Clock& clock_;
  ForecastOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;         // workers: a wake-up or stopping
  std::condition_variable keeper_cv_;  // the keeper: stopping
  std::condition_variable idle_cv_;
  int wakeups_ = 0;               // runs queued here (or a start) not yet looked for
  int busy_ = 0;                  // workers claiming or running
  std::map<Id, Active> running_;  // runs running in this process
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::thread keeper_;  // heartbeats, cancel requests, the lease sweep
  std::atomic<int> executed_{0};
};

// Reads stored files (input/…, validation/…, an optional
// input/simsetting.yml) with `settings` over simsetting.yml's and applies
// `changes`; Validation on "file" naming file:line:column, on "settings" or
// on "changes".
Result<Loaded> ReadScenarioFiles(const std::vector<ScenarioFile>& files,
                                 const std::map<std::string, std::string>& settings,
                                 const std::vector<Change>& changes);

// Applies what-if changes to a scenario read by the engine; InvalidArgument
// (field "changes") naming the change that names no location or country.
Status ApplyChanges(const std::vector<Change>& changes, forecast::Scenario& s);

}  // namespace waymark::forecasts
