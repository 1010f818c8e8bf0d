#include "forecast/ensemble.h"

#include <time.h>

#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "forecast/engine.h"

namespace waymark::forecast {

double DayError(const std::vector<double>& sim, const std::vector<double>& data, bool rescaled) {
  double u = 0;
  double s = 0;
  for (size_t c = 0; c < sim.size(); ++c) {
    u += data[c];
    s += sim[c];
  }
  double sum = 0;
  for (size_t c = 0; c < sim.size(); ++c) {
    double x = sim[c];
    if (rescaled) x = s > 0 ? x * u / s : 0.0;
    sum += std::round(std::abs(x - data[c]) * 1e4) / 1e4;
  }
  return sum / std::max(u, 1.0);
}

Baselines NaiveBaselines(const std::vector<std::vector<double>>& observed) {
  Baselines b;
  const size_t days = observed.size();
  if (days == 0) return b;
  const size_t camps = observed[0].size();
  auto total = [&](size_t t) {
    double u = 0;
    for (double v : observed[t]) u += v;
    return u;
  };
  auto score = [&](auto predict) {
    double sum = 0;
    std::vector<double> sim(camps);
    for (size_t t = 0; t < days; ++t) {
      for (size_t c = 0; c < camps; ++c) sim[c] = predict(t, c);
      sum += DayError(sim, observed[t], false);
    }
    return sum / static_cast<double>(days);
  };
  for (size_t k : {size_t{7}, size_t{30}}) {
    size_t kk = std::min(k, days - 1);
    double uk = total(kk);
    double flat = score([&](size_t, size_t c) { return observed[kk][c]; });
    double sloped = score([&](size_t t, size_t c) { return static_cast<double>(t) * observed[kk][c]; });
    double ratio = score([&](size_t t, size_t c) { return uk > 0 ? total(t) * observed[kk][c] / uk : 0.0; });
    (k == 7 ? b.flat7 : b.flat30) = flat;
    (k == 7 ? b.sloped7 : b.sloped30) = sloped;
    (k == 7 ? b.ratio7 : b.ratio30) = ratio;
  }
  b.uniform =
      score([&](size_t t, size_t) { return camps > 0 ? total(t) / static_cast<double>(camps) : 0.0; });
  return b;
}

Summary Summarise(const std::vector<double>& v) {
  Summary s;
  if (v.empty()) return s;
  s.min = v[0];
  s.max = v[0];
  double sum = 0;
  for (double x : v) {
    sum += x;
    s.min = std::min(s.min, x);
    s.max = std::max(s.max, x);
  }
  s.mean = sum / static_cast<double>(v.size());
  if (v.size() > 1) {
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  }
  return s;
}

namespace {

// CPU time of the calling thread: the machine may be shared, and a seed's
// speed per core should not count the time its thread was not running.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

Status RunSeed(const Scenario& scenario, const Settings& settings, const Ensemble& shape, SeedRun& run,
               const std::function<void()>& on_day, const std::atomic<bool>* cancel) {
  const double started = ThreadCpuSeconds();
  WM_ASSIGN_OR_RETURN(auto sim, Simulation::Create(scenario, settings, run.seed));
  const size_t ncamps = shape.camps.size();
  std::vector<double> sim_day(ncamps);
  while (!sim->done()) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return Status::Unavailable("cancelled");
    int t = sim->day();
    WM_RETURN_IF_ERROR(sim->Step().WithContext("seed " + std::to_string(run.seed)));
    run.agent_days += sim->AgentCount();
    std::vector<long long> counts(ncamps);
    for (size_t c = 0; c < ncamps; ++c) {
      counts[c] = sim->LocationCount(shape.camps[c]);
      sim_day[c] = static_cast<double>(counts[c]);
    }
    const auto& data = shape.observed[static_cast<size_t>(t)];
    run.error.push_back(DayError(sim_day, data, false));
    run.error_rescaled.push_back(DayError(sim_day, data, true));
    run.camp_counts.push_back(std::move(counts));
    if (on_day) on_day();
  }
  run.route_flows = sim->RouteFlows();
  run.final_counts.resize(scenario.locations.size());
  for (size_t i = 0; i < scenario.locations.size(); ++i)
    run.final_counts[i] = sim->LocationCount(static_cast<int>(i));
  double e = 0;
  double er = 0;
  for (size_t t = 0; t < run.error.size(); ++t) {
    e += run.error[t];
    er += run.error_rescaled[t];
  }
  if (!run.error.empty()) {
    run.mean_error = e / static_cast<double>(run.error.size());
    run.mean_error_rescaled = er / static_cast<double>(run.error.size());
  }
  run.seconds = ThreadCpuSeconds() - started;
  return Status::Ok();
}

}  // namespace

Result<Ensemble> RunEnsemble(const Scenario& scenario, const Settings& settings,
                             const EnsembleOptions& options) {
  if (options.seeds < 1) return Status::InvalidArgument("at least one seed");
  auto started = std::chrono::steady_clock::now();
  Ensemble ens;
  {
    // The camps and the data, from a throwaway simulation (cheap: no agents move).
    WM_ASSIGN_OR_RETURN(auto probe, Simulation::Create(scenario, settings, 0));
    ens.camps = probe->camps();
    ens.bytes_per_agent = probe->BytesPerAgent();
    for (size_t c = 0; c < ens.camps.size(); ++c) {
      ens.camp_names.push_back(scenario.locations[static_cast<size_t>(ens.camps[c])].name);
      if (probe->CampSeries(c) < 0) {
        return Status::InvalidArgument("camp " + ens.camp_names.back() + " has no validation series");
      }
    }
    for (int t = 0; t < scenario.length; ++t) {
      std::vector<double> row(ens.camps.size());
      for (size_t c = 0; c < ens.camps.size(); ++c)
        row[c] = static_cast<double>(probe->Observed(probe->CampSeries(c), t));
      ens.observed.push_back(std::move(row));
    }
  }
  ens.runs.resize(static_cast<size_t>(options.seeds));
  for (int k = 0; k < options.seeds; ++k)
    ens.runs[static_cast<size_t>(k)].seed = options.first_seed + static_cast<uint64_t>(k);

  std::atomic<int> next{0};
  std::atomic<long long> days_done{0};
  const long long days_total = static_cast<long long>(options.seeds) * scenario.length;
  std::mutex progress_mu;
  std::mutex status_mu;
  Status first_error;
  auto on_day = [&] {
    long long d = days_done.fetch_add(1) + 1;
    if (options.progress) {
      std::lock_guard<std::mutex> lock(progress_mu);
      options.progress(d, days_total);
    }
  };
  auto worker = [&] {
    for (;;) {
      int k = next.fetch_add(1);
      if (k >= options.seeds) return;
      Status st = RunSeed(scenario, settings, ens, ens.runs[static_cast<size_t>(k)], on_day, options.cancel);
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(status_mu);
        if (first_error.ok()) first_error = st;
        next.store(options.seeds);
        return;
      }
    }
  };
  int threads = std::max(1, std::min(options.threads, options.seeds));
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (!first_error.ok()) return first_error;

  std::vector<double> e;
  std::vector<double> er;
  std::vector<double> late;
  ens.mean_counts.assign(static_cast<size_t>(scenario.length), std::vector<double>(ens.camps.size(), 0.0));
  ens.mean_route_flows.assign(scenario.routes.size(), 0.0);
  ens.mean_final_counts.assign(scenario.locations.size(), 0.0);
  for (const SeedRun& r : ens.runs) {
    for (size_t i = 0; i < r.route_flows.size() && i < ens.mean_route_flows.size(); ++i)
      ens.mean_route_flows[i] += static_cast<double>(r.route_flows[i]) / options.seeds;
    for (size_t i = 0; i < r.final_counts.size() && i < ens.mean_final_counts.size(); ++i)
      ens.mean_final_counts[i] += static_cast<double>(r.final_counts[i]) / options.seeds;
    e.push_back(r.mean_error);
    er.push_back(r.mean_error_rescaled);
    double worst = 0;
    for (size_t t = 13; t < r.error.size(); ++t) worst = std::max(worst, r.error[t]);
    late.push_back(worst);
    ens.agent_days += r.agent_days;
    ens.cpu_seconds += r.seconds;
    for (size_t t = 0; t < r.camp_counts.size(); ++t) {
      for (size_t c = 0; c < ens.camps.size(); ++c) {
        ens.mean_counts[t][c] += static_cast<double>(r.camp_counts[t][c]) / options.seeds;
      }
    }
  }
  ens.error = Summarise(e);
  ens.error_rescaled = Summarise(er);
  ens.max_error_after_day12 = Summarise(late);
  ens.baselines = NaiveBaselines(ens.observed);
  ens.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return ens;
}

}  // namespace waymark::forecast
