// Runs of several seeds in parallel, and the validation metric of Flee
// (the averaged relative difference, SOURCE.md): per day
//   E(t) = Σ_camps |sim_c(t) − data_c(t)| / max(Σ_camps data_c(t), 1)
// and the rescaled variant where sim_c(t) is first multiplied by
// Σ data(t) / Σ sim(t) (0 when Σ sim(t) = 0); the score is the mean over
// every simulated day. Each absolute difference is rounded to 4 decimals,
// as Flee's script does.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/status.h"
#include "forecast/scenario.h"
#include "forecast/settings.h"

namespace waymark::forecast {

// E(t) for one day; `sim` and `data` hold one value per camp.
double DayError(const std::vector<double>& sim, const std::vector<double>& data, bool rescaled);

// The naive forecasts of Flee's extract-validation-results.py on the
// observed data `observed[day][camp]`, each scored as the mean over days of
// E(t) (plain): flat k (a camp keeps its day-k count), sloped k (t · its
// day-k count, as Flee codes it), ratio k (its day-k share of the observed
// camp total U(t)), and a uniform split of U(t). ratio and uniform know
// U(t), so they compare with the rescaled error.
struct Baselines {
  double flat7 = 0, flat30 = 0, sloped7 = 0, sloped30 = 0, ratio7 = 0, ratio30 = 0, uniform = 0;
};
Baselines NaiveBaselines(const std::vector<std::vector<double>>& observed);

struct SeedRun {
  uint64_t seed = 0;
  std::vector<std::vector<long long>> camp_counts;  // [day][camp]
  std::vector<double> error;                        // E(t)
  std::vector<double> error_rescaled;               // E_resc(t)
  double mean_error = 0;
  double mean_error_rescaled = 0;
  long long agent_days = 0;             // Σ_t agents alive on day t
  std::vector<long long> route_flows;   // departures per scenario route over the run
  std::vector<long long> final_counts;  // agents per location after the last day
  double seconds = 0;                   // CPU time of the thread that ran this seed
};

struct EnsembleOptions {
  int seeds = 1;
  int threads = 1;
  uint64_t first_seed = 1;  // seeds are first_seed, first_seed + 1, ...
  // Called from worker threads (never at the same time) after each simulated day.
  std::function<void(long long days_done, long long days_total)> progress;
  const std::atomic<bool>* cancel = nullptr;  // set to stop early (Unavailable)
};

struct Summary {
  double mean = 0;
  double sd = 0;  // sample standard deviation (0 for one seed)
  double min = 0;
  double max = 0;
};

struct Ensemble {
  std::vector<int> camps;                        // location indices
  std::vector<std::string> camp_names;           // as in data_layout.csv
  std::vector<std::vector<double>> observed;     // [day][camp]
  std::vector<std::vector<double>> mean_counts;  // [day][camp], mean over seeds
  std::vector<SeedRun> runs;                     // in seed order
  std::vector<double> mean_route_flows;          // per scenario route, mean over seeds
  std::vector<double> mean_final_counts;         // per location, mean over seeds
  Summary error;
  Summary error_rescaled;
  Summary max_error_after_day12;  // max over t > 12 of E(t), per seed (Flee 2017's "after the first 12 days")
  Baselines baselines;
  long long agent_days = 0;  // over all seeds
  double wall_seconds = 0;
  double cpu_seconds = 0;  // Σ of the seeds' own times
  size_t bytes_per_agent = 0;
};

Summary Summarise(const std::vector<double>& values);

// Runs options.seeds seeds on options.threads threads (each seed on one
// thread from start to end); results do not depend on the thread count.
Result<Ensemble> RunEnsemble(const Scenario& scenario, const Settings& settings,
                             const EnsembleOptions& options);

}  // namespace waymark::forecast
