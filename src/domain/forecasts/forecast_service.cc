#include "domain/forecasts/forecast_service.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

namespace waymark::forecasts {
namespace {

Status Denied() { return Status::PermissionDenied("not allowed for this scenario"); }

Status FieldError(const std::string& field, const std::string& message) {
  return Status::Validation({{field, message}}, message);
}

bool IsMember(const accounts::Actor& actor) { return actor.user && !actor.user->memberships.empty(); }

}  // namespace

Result<Loaded> ReadScenarioFiles(const std::vector<ScenarioFile>& files,
                                 const std::map<std::string, std::string>& settings,
                                 const std::vector<Change>& changes) {
  std::map<std::string, std::string> by_path;
  for (const auto& f : files) by_path[f.path] = f.content;
  Loaded out;
  if (auto it = by_path.find("input/simsetting.yml"); it != by_path.end()) {
    std::vector<std::string> ignored;
    auto parsed = forecast::ParseSettings(it->second, it->first, &ignored);
    if (!parsed.ok()) return FieldError("file", parsed.status().message());
    out.settings = std::move(parsed).value();
  }
  for (const auto& [key, value] : settings) {
    Status st = forecast::SetOption(out.settings, key, value);
    if (!st.ok()) return FieldError("settings", key + ": " + st.message());
  }
  for (const Change& c : changes) {
    if (c.kind == ChangeKind::kCloseLink) out.settings.fix_link_closure = true;
  }
  forecast::FileSource source = [&by_path](const std::string& path) -> std::optional<std::string> {
    auto it = by_path.find(path);
    if (it == by_path.end()) return std::nullopt;
    return it->second;
  };
  auto scenario = forecast::ReadScenario(source, "input", "validation", out.settings);
  if (!scenario.ok()) return FieldError("file", scenario.status().message());
  out.scenario = std::move(scenario).value();
  WM_RETURN_IF_ERROR(ApplyChanges(changes, out.scenario));
  return out;
}

Status ApplyChanges(const std::vector<Change>& changes, forecast::Scenario& s) {
  auto location = [&](const std::string& name, size_t i) -> Result<int> {
    int loc = s.FindLocation(name);
    if (loc < 0)
      return FieldError("changes", "change " + std::to_string(i + 1) + ": no location \"" + name + "\"");
    return loc;
  };
  auto country = [&](const std::string& name, size_t i) -> Status {
    for (const auto& l : s.locations) {
      if (l.country == name) return Status::Ok();
    }
    return FieldError("changes", "change " + std::to_string(i + 1) + ": no location is in \"" + name + "\"");
  };
  // A what-if closure lasts to the end: a closure of the same pair in the
  // files that would reopen it later no longer does.
  auto keep_closed = [&](forecast::ClosureKind kind, const std::string& a, const std::string& b, int day) {
    for (auto& cl : s.closures) {
      bool same = cl.kind == kind && ((cl.name1 == a && cl.name2 == b) || (cl.name1 == b && cl.name2 == a));
      if (same && cl.end >= day) cl.end = -1;
    }
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    const Change& c = changes[i];
    if (c.day < 0 || c.day >= std::max(1, s.length))
      return FieldError("changes", "change " + std::to_string(i + 1) + ": day " + std::to_string(c.day) +
                                       " is outside 0…" + std::to_string(s.length - 1));
    switch (c.kind) {
      case ChangeKind::kCloseCountry: {
        WM_RETURN_IF_ERROR(country(c.a, i));
        WM_RETURN_IF_ERROR(country(c.b, i));
        keep_closed(forecast::ClosureKind::kCountry, c.a, c.b, c.day);
        s.closures.push_back({forecast::ClosureKind::kCountry, c.a, c.b, c.day, -1});
        break;
      }
      case ChangeKind::kCloseLocation: {
        WM_RETURN_IF_ERROR(location(c.a, i).status());
        for (auto& cl : s.closures) {
          if (cl.kind == forecast::ClosureKind::kLocation && cl.name1 == c.a && cl.end >= c.day) cl.end = -1;
        }
        s.closures.push_back({forecast::ClosureKind::kLocation, c.a, c.a, c.day, -1});
        break;
      }
      case ChangeKind::kCloseLink: {
        WM_RETURN_IF_ERROR(location(c.a, i).status());
        WM_RETURN_IF_ERROR(location(c.b, i).status());
        // Flee's `link` closure does nothing: LoadScenario sets
        // fix_link_closure when a change closes a link.
        keep_closed(forecast::ClosureKind::kLink, c.a, c.b, c.day);
        s.closures.push_back({forecast::ClosureKind::kLink, c.a, c.b, c.day, -1});
        break;
      }
      case ChangeKind::kConflictOnset: {
        WM_ASSIGN_OR_RETURN(int loc, location(c.a, i));
        auto& l = s.locations[static_cast<size_t>(loc)];
        int old_onset = l.conflict_date;
        if (s.conflicts) {
          auto& table = *s.conflicts;
          for (size_t col = 0; col < table.locations.size(); ++col) {
            if (table.locations[col] != loc) continue;
            // The first day with an intensity is the onset; shift the column.
            int first = -1;
            for (size_t d = 0; d < table.days.size(); ++d) {
              if (table.days[d][col] > 1e-6) {
                first = static_cast<int>(d);
                break;
              }
            }
            if (first < 0) first = old_onset;
            int shift = c.day - first;
            std::vector<double> old(table.days.size());
            for (size_t d = 0; d < table.days.size(); ++d) old[d] = table.days[d][col];
            for (size_t d = 0; d < table.days.size(); ++d) {
              long long from = static_cast<long long>(d) - shift;
              table.days[d][col] = from < 0 ? 0.0
                                   : from >= static_cast<long long>(old.size())
                                       ? old.back()
                                       : old[static_cast<size_t>(from)];
            }
          }
        }
        l.conflict_date = c.day;
        break;
      }
      case ChangeKind::kCampCapacity: {
        WM_ASSIGN_OR_RETURN(int loc, location(c.a, i));
        auto& l = s.locations[static_cast<size_t>(loc)];
        if (l.kind != forecast::LocationKind::kCamp && l.kind != forecast::LocationKind::kIdpCamp)
          return FieldError("changes", "change " + std::to_string(i + 1) + ": \"" + c.a + "\" is not a camp");
        if (c.value < 1)
          return FieldError("changes", "change " + std::to_string(i + 1) + ": a capacity is ≥ 1");
        l.capacity = c.value;
        break;
      }
    }
  }
  return Status::Ok();
}

ForecastService::ForecastService(ForecastStore& store, const Clock& clock, ForecastOptions options)
    : store_(store), clock_(clock), options_(options) {}

ForecastService::~ForecastService() { Stop(); }

Result<int> ForecastService::Start() {
  WM_ASSIGN_OR_RETURN(int interrupted, store_.InterruptRunning(clock_.NowMs()));
  WM_ASSIGN_OR_RETURN(auto queued, store_.QueuedRuns());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!workers_.empty()) return interrupted;
    stopping_ = false;
    for (const Run& r : queued) {
      if (cancel_.count(r.id)) continue;  // queued by this process already (the demo)
      queue_.push_back(r.id);
      cancel_[r.id] = std::make_shared<std::atomic<bool>>(false);
    }
    for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { Worker(); });
  }
  cv_.notify_all();
  return interrupted;
}

void ForecastService::Stop() {
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (auto& [id, flag] : cancel_) flag->store(true);
    workers.swap(workers_);
  }
  cv_.notify_all();
  for (auto& t : workers) t.join();
}

bool ForecastService::CanCreate(const accounts::Actor& actor) { return actor.IsAdmin() || IsMember(actor); }

bool ForecastService::CanView(const accounts::Actor& actor, const Scenario& s) {
  return s.published || CanEdit(actor, s);
}

bool ForecastService::CanEdit(const accounts::Actor& actor, const Scenario& s) {
  if (actor.IsAdmin()) return true;
  return actor.user && s.owner_id != 0 && actor.user->id == s.owner_id;
}

Result<Loaded> ForecastService::LoadScenario(const Scenario& s) {
  WM_ASSIGN_OR_RETURN(auto files, store_.ScenarioFiles(s.id));
  return ReadScenarioFiles(files, s.settings, s.changes);
}

Status ForecastService::CheckLimits(const Loaded& l, int seeds) const {
  if (seeds < 1 || seeds > options_.max_seeds)
    return FieldError("seeds", "between 1 and " + std::to_string(options_.max_seeds));
  if (l.scenario.length > options_.max_days)
    return FieldError("size", "the period has " + std::to_string(l.scenario.length) + " days; at most " +
                                  std::to_string(options_.max_days));
  // Agents alive on day t are about the observed count then: Σ over days.
  long long days = 0;
  const auto& series = l.scenario.series;
  for (int t = 0; t < l.scenario.length; ++t) {
    long long camps = 0;
    for (size_t i = 1; i < series.size(); ++i) {
      if (!series[i].corrected.empty()) camps += series[i].corrected.At(t);
    }
    long long total = series.empty() || series[0].corrected.empty() ? 0 : series[0].corrected.At(t);
    days += std::max(camps, total);
  }
  long long estimate = days * seeds;
  if (estimate > options_.max_agent_days)
    return FieldError("size", "about " + std::to_string(estimate) + " agent-days; at most " +
                                  std::to_string(options_.max_agent_days) +
                                  " (fewer seeds or a larger hasten)");
  return Status::Ok();
}

Result<Scenario> ForecastService::CreateFromFiles(const accounts::Actor& actor, Scenario s,
                                                  std::vector<ScenarioFile> files) {
  if (!CanCreate(actor)) return Status::PermissionDenied("members of an organisation create scenarios");
  FieldErrors errors;
  if (s.title.empty() || s.title.size() > 200)
    errors.Add("title", "required", "is required (at most 200 characters)");
  if (s.description.size() > 5000) errors.Add("description", "too_long", "at most 5,000 characters");
  if (!errors.empty()) return errors.ToStatus();
  WM_ASSIGN_OR_RETURN(Loaded probe, ReadScenarioFiles(files, s.settings, s.changes));
  if (probe.scenario.length > options_.max_days)
    return FieldError("file", "input/sim_period.csv: at most " + std::to_string(options_.max_days) + " days");
  s.owner_id = actor.user ? actor.user->id : 0;
  s.created_at = s.updated_at = clock_.NowMs();
  return store_.CreateScenario(s, files);
}

Result<Scenario> ForecastService::CreateFromZip(const accounts::Actor& actor, Scenario s,
                                                const std::string& zip) {
  if (!CanCreate(actor)) return Status::PermissionDenied("members of an organisation create scenarios");
  WM_ASSIGN_OR_RETURN(auto files, ReadZip(zip, options_.zip));
  s.origin = "upload";
  s.parent_id = 0;
  s.changes.clear();
  return CreateFromFiles(actor, std::move(s), std::move(files));
}

Result<Scenario> ForecastService::Copy(const accounts::Actor& actor, Id id, const std::string& title,
                                       const std::vector<Change>& changes,
                                       const std::map<std::string, std::string>& settings) {
  WM_ASSIGN_OR_RETURN(Scenario original, Get(actor, id));
  if (static_cast<int>(original.changes.size() + changes.size()) > options_.max_changes)
    return FieldError("changes", "at most " + std::to_string(options_.max_changes) + " changes");
  WM_ASSIGN_OR_RETURN(auto files, store_.ScenarioFiles(id));
  Scenario copy = original;
  copy.id = 0;
  copy.title = title.empty() ? original.title + " (what if)" : title;
  copy.published = false;
  copy.parent_id = original.id;
  copy.origin = "copy";
  for (const auto& c : changes) copy.changes.push_back(c);
  for (const auto& [k, v] : settings) copy.settings[k] = v;
  return CreateFromFiles(actor, std::move(copy), std::move(files));
}

Result<Scenario> ForecastService::Get(const accounts::Actor& actor, Id id) {
  WM_ASSIGN_OR_RETURN(Scenario s, store_.GetScenario(id));
  if (!CanView(actor, s)) return Status::NotFound("no such scenario");
  return s;
}

Result<std::vector<Scenario>> ForecastService::List(const accounts::Actor& actor) {
  WM_ASSIGN_OR_RETURN(auto all, store_.ListScenarios());
  std::vector<Scenario> out;
  for (auto& s : all) {
    if (CanView(actor, s)) out.push_back(std::move(s));
  }
  return out;
}

Result<Scenario> ForecastService::SetPublished(const accounts::Actor& actor, Id id, bool published) {
  WM_ASSIGN_OR_RETURN(Scenario s, Get(actor, id));
  if (!CanEdit(actor, s)) return Denied();
  s.published = published;
  s.updated_at = clock_.NowMs();
  return store_.UpdateScenario(s);
}

Result<std::vector<ScenarioFile>> ForecastService::Files(const accounts::Actor& actor, Id id) {
  WM_RETURN_IF_ERROR(Get(actor, id).status());
  return store_.ScenarioFiles(id);
}

Result<Loaded> ForecastService::Load(const accounts::Actor& actor, Id id) {
  WM_ASSIGN_OR_RETURN(Scenario s, Get(actor, id));
  return LoadScenario(s);
}

Result<Run> ForecastService::StartRun(const accounts::Actor& actor, Id scenario_id, int seeds) {
  WM_ASSIGN_OR_RETURN(Scenario s, Get(actor, scenario_id));
  if (!CanEdit(actor, s)) return Denied();
  WM_ASSIGN_OR_RETURN(Loaded loaded, LoadScenario(s));
  WM_RETURN_IF_ERROR(CheckLimits(loaded, seeds));
  Id user = actor.user ? actor.user->id : 0;
  // The count and the insert together: two requests of one person at once
  // cannot both take the last place (the runner is per process, so is this).
  std::lock_guard<std::mutex> start_lock(start_mu_);
  if (user != 0 && !actor.IsAdmin()) {
    WM_ASSIGN_OR_RETURN(int active, store_.CountActiveRuns(user));
    if (active >= options_.max_active_per_user)
      return Status::TooManyRequests("at most " + std::to_string(options_.max_active_per_user) +
                                         " runs queued or running per person; wait or cancel one",
                                     30);
  }
  Run r;
  r.scenario_id = scenario_id;
  r.requested_by = user;
  r.seeds = seeds;
  r.first_seed = 1;
  r.created_at = clock_.NowMs();
  WM_ASSIGN_OR_RETURN(Run stored, store_.CreateRun(r));
  Enqueue(stored.id);
  return stored;
}

void ForecastService::Enqueue(Id run_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(run_id);
    cancel_[run_id] = std::make_shared<std::atomic<bool>>(false);
  }
  cv_.notify_one();
}

Result<Run> ForecastService::GetRun(const accounts::Actor& actor, Id run_id) {
  WM_ASSIGN_OR_RETURN(Run r, store_.GetRun(run_id));
  auto s = Get(actor, r.scenario_id);
  if (!s.ok()) return Status::NotFound("no such run");
  return r;
}

Result<std::vector<Run>> ForecastService::Runs(const accounts::Actor& actor, Id scenario_id) {
  if (scenario_id != 0) {
    WM_RETURN_IF_ERROR(Get(actor, scenario_id).status());
    return store_.ListRuns(scenario_id);
  }
  WM_ASSIGN_OR_RETURN(auto visible, List(actor));
  std::set<Id> ids;
  for (const auto& s : visible) ids.insert(s.id);
  WM_ASSIGN_OR_RETURN(auto all, store_.ListRuns(0));
  std::vector<Run> out;
  for (auto& r : all) {
    if (ids.count(r.scenario_id)) out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<RunDay>> ForecastService::Days(const accounts::Actor& actor, Id run_id) {
  WM_RETURN_IF_ERROR(GetRun(actor, run_id).status());
  return store_.RunDays(run_id);
}

Result<Run> ForecastService::Cancel(const accounts::Actor& actor, Id run_id) {
  WM_ASSIGN_OR_RETURN(Run r, GetRun(actor, run_id));
  WM_ASSIGN_OR_RETURN(Scenario s, Get(actor, r.scenario_id));
  if (!CanEdit(actor, s)) return Denied();
  if (Finished(r.state)) return Status::Conflict("the run has already " + std::string(ToString(r.state)));
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cancel_.find(run_id);
    if (it != cancel_.end()) it->second->store(true);
  }
  if (r.state == RunState::kQueued) {
    Status st = store_.Transition(run_id, RunState::kQueued, RunState::kCancelled, clock_.NowMs(), "");
    if (!st.ok() && !st.IsConflict()) return st;
  }
  return store_.GetRun(run_id);
}

bool ForecastService::WaitIdle(int ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_for(lock, std::chrono::milliseconds(ms),
                           [this] { return queue_.empty() && busy_ == 0; });
}

void ForecastService::Worker() {
  for (;;) {
    Id id = 0;
    std::shared_ptr<std::atomic<bool>> cancel;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      id = queue_.front();
      queue_.pop_front();
      cancel = cancel_[id];
      ++busy_;
    }
    Execute(id, cancel);
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancel_.erase(id);
      --busy_;
    }
    idle_cv_.notify_all();
  }
}

void ForecastService::Execute(Id run_id, const std::shared_ptr<std::atomic<bool>>& cancel) {
  if (cancel->load()) return;  // cancelled while queued: Cancel wrote it
  Status st = store_.Transition(run_id, RunState::kQueued, RunState::kRunning, clock_.NowMs(), "");
  if (!st.ok()) return;  // cancelled meanwhile, or gone
  auto fail = [&](RunState state, const std::string& why) {
    (void)store_.Transition(run_id, RunState::kRunning, state, clock_.NowMs(), why);
  };
  auto run = store_.GetRun(run_id);
  if (!run.ok()) return fail(RunState::kFailed, run.status().message());
  auto scenario = store_.GetScenario(run->scenario_id);
  if (!scenario.ok()) return fail(RunState::kFailed, scenario.status().message());
  auto loaded = LoadScenario(*scenario);
  if (!loaded.ok()) return fail(RunState::kFailed, loaded.status().message());

  forecast::EnsembleOptions eo;
  eo.seeds = run->seeds;
  eo.threads = std::max(1, options_.threads_per_run);
  eo.first_seed = static_cast<uint64_t>(run->first_seed);
  eo.cancel = cancel.get();
  double last = -1;
  auto last_write = std::chrono::steady_clock::now();
  eo.progress = [&](long long done, long long total) {
    double p = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0;
    auto now = std::chrono::steady_clock::now();
    if (p - last >= 0.01 && now - last_write > std::chrono::milliseconds(250)) {
      last = p;
      last_write = now;
      (void)store_.SetProgress(run_id, p);
    }
  };
  auto ens = forecast::RunEnsemble(loaded->scenario, loaded->settings, eo);
  if (!ens.ok()) {
    if (cancel->load()) {
      bool stopping;
      {
        std::lock_guard<std::mutex> lock(mu_);
        stopping = stopping_;
      }
      return fail(stopping ? RunState::kInterrupted : RunState::kCancelled, "");
    }
    return fail(RunState::kFailed, ens.status().message());
  }
  RunSummary sum;
  sum.error_mean = ens->error.mean;
  sum.error_sd = ens->error.sd;
  sum.error_rescaled_mean = ens->error_rescaled.mean;
  sum.error_rescaled_sd = ens->error_rescaled.sd;
  sum.max_error_after_day12 = ens->max_error_after_day12.mean;
  sum.baseline_flat30 = ens->baselines.flat30;
  sum.baseline_sloped30 = ens->baselines.sloped30;
  sum.baseline_ratio30 = ens->baselines.ratio30;
  sum.baseline_uniform = ens->baselines.uniform;
  sum.agent_days = ens->agent_days;
  sum.cpu_seconds = ens->cpu_seconds;
  sum.wall_seconds = ens->wall_seconds;
  sum.start_date = loaded->scenario.start_date;
  sum.camps = ens->camp_names;
  sum.route_flows = ens->mean_route_flows;
  sum.final_counts = ens->mean_final_counts;
  std::vector<RunDay> days;
  days.reserve(ens->mean_counts.size());
  for (size_t t = 0; t < ens->mean_counts.size(); ++t) {
    RunDay d;
    d.day = static_cast<int>(t);
    d.simulated = ens->mean_counts[t];
    d.observed = ens->observed[t];
    d.error = forecast::DayError(d.simulated, d.observed, false);
    d.error_rescaled = forecast::DayError(d.simulated, d.observed, true);
    days.push_back(std::move(d));
  }
  Status done = store_.Complete(run_id, sum, days, clock_.NowMs());
  if (!done.ok()) fail(RunState::kFailed, done.message());
}

}  // namespace waymark::forecasts
