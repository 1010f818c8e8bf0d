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
    : store_(store), clock_(clock), options_(options) {
  // At least three heartbeats per lease, and two sweeps.
  options_.lease_ms = std::clamp(options_.lease_ms, 30LL, 24LL * 3600 * 1000);
  options_.heartbeat_ms =
      std::clamp(options_.heartbeat_ms, 5, static_cast<int>(std::min(60'000LL, options_.lease_ms / 3)));
  options_.poll_ms = std::clamp(options_.poll_ms, 5, 60'000);
  options_.sweep_ms =
      std::clamp(options_.sweep_ms, 5, static_cast<int>(std::min(600'000LL, options_.lease_ms / 2)));
}

ForecastService::~ForecastService() { Stop(); }

Result<int> ForecastService::Start() {
  TimestampMs now = clock_.NowMs();
  WM_ASSIGN_OR_RETURN(int interrupted, store_.InterruptStale(now, now - options_.lease_ms));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!workers_.empty()) return interrupted;
    stopping_ = false;
    int n = std::max(1, options_.workers);
    wakeups_ += n;  // look for queued runs at once
    for (int i = 0; i < n; ++i) workers_.emplace_back([this] { Worker(); });
    keeper_ = std::thread([this] { Keeper(); });
  }
  cv_.notify_all();
  return interrupted;
}

void ForecastService::Stop() {
  std::vector<std::thread> workers;
  std::thread keeper;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (auto& [id, active] : running_) active.cancel->store(true);
    workers.swap(workers_);
    keeper.swap(keeper_);
  }
  cv_.notify_all();
  keeper_cv_.notify_all();
  for (auto& t : workers) t.join();
  if (keeper.joinable()) keeper.join();
  std::lock_guard<std::mutex> lock(mu_);
  wakeups_ = 0;
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
  Run r;
  r.scenario_id = scenario_id;
  r.requested_by = user;
  r.seeds = seeds;
  r.first_seed = 1;
  r.created_at = clock_.NowMs();
  // The count and the insert in one transaction that serialises this person
  // across every instance: two requests at once cannot both take the last place.
  int limit = user != 0 && !actor.IsAdmin() ? std::max(1, options_.max_active_per_user) : 0;
  auto stored = store_.CreateRun(r, limit);
  if (!stored.ok() && stored.status().IsConflict())
    return Status::TooManyRequests("at most " + std::to_string(options_.max_active_per_user) +
                                       " runs queued or running per person; wait or cancel one",
                                   30);
  WM_RETURN_IF_ERROR(stored.status());
  Wake();
  return stored;
}

void ForecastService::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (workers_.empty()) return;  // not started: Start() looks for queued runs
    ++wakeups_;
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
  WM_ASSIGN_OR_RETURN(Run after, store_.RequestCancel(run_id, clock_.NowMs()));
  {
    // Running here: no need to wait for the next heartbeat.
    std::lock_guard<std::mutex> lock(mu_);
    auto it = running_.find(run_id);
    if (it != running_.end()) it->second.cancel->store(true);
  }
  return after;
}

bool ForecastService::WaitIdle(int ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_for(lock, std::chrono::milliseconds(ms),
                           [this] { return wakeups_ == 0 && busy_ == 0; });
}

void ForecastService::Worker() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      // Woken by a run queued here, or every poll_ms for runs queued by
      // another instance.
      cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                   [this] { return stopping_ || wakeups_ > 0; });
      if (stopping_) return;
      if (wakeups_ > 0) --wakeups_;
      ++busy_;
    }
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) break;
      }
      auto claimed = store_.ClaimNext(clock_.NowMs());
      if (!claimed.ok() || !claimed->has_value()) break;
      const Run& run = **claimed;
      Active active;
      {
        std::lock_guard<std::mutex> lock(mu_);
        running_[run.id] = active;
        if (stopping_) active.cancel->store(true);
      }
      Execute(run, active);
      executed_.fetch_add(1);
      std::lock_guard<std::mutex> lock(mu_);
      running_.erase(run.id);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      --busy_;
    }
    idle_cv_.notify_all();
  }
}

void ForecastService::Keeper() {
  auto next_sweep = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.sweep_ms);
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    keeper_cv_.wait_for(lock, std::chrono::milliseconds(options_.heartbeat_ms), [this] { return stopping_; });
    if (stopping_) return;
    std::vector<std::pair<Id, Active>> running(running_.begin(), running_.end());
    lock.unlock();
    TimestampMs now = clock_.NowMs();
    for (const auto& [id, active] : running) {
      auto go_on = store_.Heartbeat(id, active.progress->load(), now);
      // Cancelled through the database, or taken over: stop at the next day.
      if (go_on.ok() && !*go_on) active.cancel->store(true);
    }
    if (std::chrono::steady_clock::now() >= next_sweep) {
      (void)store_.InterruptStale(now, now - options_.lease_ms);
      next_sweep = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.sweep_ms);
    }
    lock.lock();
  }
}

void ForecastService::Execute(const Run& claimed, const Active& active) {
  Id run_id = claimed.id;
  const std::shared_ptr<std::atomic<bool>>& cancel = active.cancel;
  auto fail = [&](RunState state, const std::string& why) {
    (void)store_.Transition(run_id, RunState::kRunning, state, clock_.NowMs(), why);
  };
  const Run* run = &claimed;
  auto scenario = store_.GetScenario(run->scenario_id);
  if (!scenario.ok()) return fail(RunState::kFailed, scenario.status().message());
  auto loaded = LoadScenario(*scenario);
  if (!loaded.ok()) return fail(RunState::kFailed, loaded.status().message());

  forecast::EnsembleOptions eo;
  eo.seeds = run->seeds;
  eo.threads = std::max(1, options_.threads_per_run);
  eo.first_seed = static_cast<uint64_t>(run->first_seed);
  eo.cancel = cancel.get();
  // The keeper writes it with the heartbeat.
  eo.progress = [&active](long long done, long long total) {
    active.progress->store(total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0);
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
