#include "storage/forecasts/forecast_stores.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "storage/store_util.h"

namespace waymark::storage {
namespace {

using forecasts::Change;
using forecasts::Id;
using forecasts::Run;
using forecasts::RunDay;
using forecasts::RunState;
using forecasts::RunSummary;
using forecasts::Scenario;
using forecasts::ScenarioFile;
using internal::ReadSnapshot;
using Json = nlohmann::json;
using sql::Connection;
using sql::Row;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json Parsed(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_object() ? j : Json::object();
}

template <typename T>
T Get(const Json& j, const char* key, T fallback = T{}) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  try {
    return it->get<T>();
  } catch (const Json::exception&) {
    return fallback;
  }
}

double ReadDouble(const Row& r, std::size_t i) {
  const sql::Value& v = r.Get(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) {
    double out = 0;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return 0;
}

Json ScenarioBody(const Scenario& s) {
  Json changes = Json::array();
  for (const Change& c : s.changes) {
    changes.push_back(Json{{"kind", std::string(forecasts::ToString(c.kind))},
                           {"a", c.a},
                           {"b", c.b},
                           {"day", c.day},
                           {"value", c.value}});
  }
  Json settings = Json::object();
  for (const auto& [k, v] : s.settings) settings[k] = v;
  return Json{{"description", s.description}, {"settings", settings}, {"changes", changes}};
}

constexpr char kScenarioColumns[] =
    "SELECT id, title, owner_id, published, parent_id, origin, version, created_at, updated_at, body "
    "FROM forecast_scenarios ";

Scenario ScenarioFromRow(const Row& r) {
  Scenario s;
  s.id = r.Int(0);
  s.title = r.Text(1);
  s.owner_id = r.Int(2);
  s.published = r.Int(3) != 0;
  s.parent_id = r.IsNull(4) ? 0 : r.Int(4);
  s.origin = r.Text(5);
  s.version = r.Int(6);
  s.created_at = r.Int(7);
  s.updated_at = r.Int(8);
  Json b = Parsed(r.Text(9));
  s.description = Get<std::string>(b, "description");
  s.settings = Get<std::map<std::string, std::string>>(b, "settings");
  if (auto it = b.find("changes"); it != b.end() && it->is_array()) {
    for (const Json& c : *it) {
      Change ch;
      ch.kind = forecasts::ParseChangeKind(Get<std::string>(c, "kind"))
                    .value_or(forecasts::ChangeKind::kCloseCountry);
      ch.a = Get<std::string>(c, "a");
      ch.b = Get<std::string>(c, "b");
      ch.day = Get<int>(c, "day");
      ch.value = Get<long long>(c, "value");
      s.changes.push_back(std::move(ch));
    }
  }
  return s;
}

Json SummaryJson(const RunSummary& s) {
  return Json{{"error_mean", s.error_mean},
              {"error_sd", s.error_sd},
              {"error_rescaled_mean", s.error_rescaled_mean},
              {"error_rescaled_sd", s.error_rescaled_sd},
              {"max_error_after_day12", s.max_error_after_day12},
              {"baseline_flat30", s.baseline_flat30},
              {"baseline_sloped30", s.baseline_sloped30},
              {"baseline_ratio30", s.baseline_ratio30},
              {"baseline_uniform", s.baseline_uniform},
              {"agent_days", s.agent_days},
              {"cpu_seconds", s.cpu_seconds},
              {"wall_seconds", s.wall_seconds},
              {"start_date", s.start_date},
              {"camps", s.camps},
              {"route_flows", s.route_flows},
              {"final_counts", s.final_counts}};
}

RunSummary SummaryOf(const Json& j) {
  RunSummary s;
  s.error_mean = Get<double>(j, "error_mean");
  s.error_sd = Get<double>(j, "error_sd");
  s.error_rescaled_mean = Get<double>(j, "error_rescaled_mean");
  s.error_rescaled_sd = Get<double>(j, "error_rescaled_sd");
  s.max_error_after_day12 = Get<double>(j, "max_error_after_day12");
  s.baseline_flat30 = Get<double>(j, "baseline_flat30");
  s.baseline_sloped30 = Get<double>(j, "baseline_sloped30");
  s.baseline_ratio30 = Get<double>(j, "baseline_ratio30");
  s.baseline_uniform = Get<double>(j, "baseline_uniform");
  s.agent_days = Get<long long>(j, "agent_days");
  s.cpu_seconds = Get<double>(j, "cpu_seconds");
  s.wall_seconds = Get<double>(j, "wall_seconds");
  s.start_date = Get<int>(j, "start_date");
  s.camps = Get<std::vector<std::string>>(j, "camps");
  s.route_flows = Get<std::vector<double>>(j, "route_flows");
  s.final_counts = Get<std::vector<double>>(j, "final_counts");
  return s;
}

constexpr char kRunFields[] =
    "id, scenario_id, requested_by, state, seeds, first_seed, progress, error, created_at, started_at, "
    "finished_at, summary, heartbeat_at, cancel_requested";

std::string RunColumns() { return std::string("SELECT ") + kRunFields + " FROM forecast_runs "; }

Run RunFromRow(const Row& r) {
  Run run;
  run.id = r.Int(0);
  run.scenario_id = r.Int(1);
  run.requested_by = r.Int(2);
  run.state = forecasts::ParseRunState(r.Text(3)).value_or(RunState::kFailed);
  run.seeds = static_cast<int>(r.Int(4));
  run.first_seed = r.Int(5);
  run.progress = ReadDouble(r, 6);
  run.error = r.Text(7);
  run.created_at = r.Int(8);
  run.started_at = r.Int(9);
  run.finished_at = r.Int(10);
  std::string summary = r.Text(11);
  if (!summary.empty()) run.summary = SummaryOf(Parsed(summary));
  run.heartbeat_at = r.Int(12);
  run.cancel_requested = r.Int(13) != 0;
  return run;
}

std::string State(RunState s) { return std::string(forecasts::ToString(s)); }

class SqlForecastStore final : public forecasts::ForecastStore {
 public:
  explicit SqlForecastStore(sql::Database& db) : db_(db) {}

  Result<Scenario> CreateScenario(const Scenario& s, const std::vector<ScenarioFile>& files) override {
    WM_ASSIGN_OR_RETURN(
        Id id, sql::Transact<Id>(db_, true, [&](Connection& c) -> Result<Id> {
          WM_ASSIGN_OR_RETURN(
              Row r,
              c.QueryOne("INSERT INTO forecast_scenarios (title, owner_id, published, parent_id, origin, "
                         "version, created_at, updated_at, body) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8) "
                         "RETURNING id",
                         {s.title, s.owner_id, static_cast<std::int64_t>(s.published ? 1 : 0),
                          s.parent_id == 0 ? sql::Value(sql::Null{}) : sql::Value(s.parent_id), s.origin,
                          s.created_at, s.updated_at, Dump(ScenarioBody(s))}));
          Id id = r.Int(0);
          for (const ScenarioFile& f : files) {
            WM_RETURN_IF_ERROR(
                c.Execute("INSERT INTO forecast_files (scenario_id, path, content) VALUES ($1, $2, $3)",
                          {id, f.path, sql::Blob{f.content}})
                    .status());
          }
          return id;
        }));
    return GetScenario(id);
  }

  Result<Scenario> GetScenario(Id id) override {
    WM_ASSIGN_OR_RETURN(auto lease, db_.Acquire());
    auto r = lease->QueryOne(std::string(kScenarioColumns) + "WHERE id = $1", {id});
    if (!r.ok()) return r.status().IsNotFound() ? Status::NotFound("no such scenario") : r.status();
    return ScenarioFromRow(*r);
  }

  Result<std::vector<Scenario>> ListScenarios() override {
    WM_ASSIGN_OR_RETURN(auto lease, db_.Acquire());
    WM_ASSIGN_OR_RETURN(auto rows, lease->Query(std::string(kScenarioColumns) + "ORDER BY id DESC", {}));
    return internal::MapRows(rows, ScenarioFromRow);
  }

  Result<Scenario> UpdateScenario(const Scenario& s) override {
    WM_ASSIGN_OR_RETURN(auto lease, db_.Acquire());
    WM_ASSIGN_OR_RETURN(
        std::int64_t n,
        lease->Execute(
            "UPDATE forecast_scenarios SET title = $1, published = $2, updated_at = $3, body = $4, "
            "version = version + 1 WHERE id = $5 AND version = $6",
            {s.title, static_cast<std::int64_t>(s.published ? 1 : 0), s.updated_at, Dump(ScenarioBody(s)),
             s.id, s.version}));
    if (n == 0) {
      WM_RETURN_IF_ERROR(GetScenario(s.id).status());
      return Status::Conflict("the scenario was changed meanwhile");
    }
    return GetScenario(s.id);
  }

  Result<std::vector<ScenarioFile>> ScenarioFiles(Id scenario_id) override {
    WM_ASSIGN_OR_RETURN(auto lease, db_.Acquire());
    WM_ASSIGN_OR_RETURN(auto rows,
                        lease->Query("SELECT path, content FROM forecast_files WHERE scenario_id = $1 "
                                     "ORDER BY path",
                                     {scenario_id}));
    std::vector<ScenarioFile> out;
    out.reserve(rows.size());
    for (const Row& r : rows) out.push_back({r.Text(0), r.Text(1)});
    return out;
  }

  Result<Run> CreateRun(const Run& r, int max_active) override {
    WM_ASSIGN_OR_RETURN(
        Id id, sql::Transact<Id>(db_, true, [&](Connection& c) -> Result<Id> {
          if (max_active > 0) {
            // The person's row locked until commit: another instance's
            // count and insert for them waits for ours (SQLite: BEGIN
            // IMMEDIATE already serialises every writer).
            if (c.dialect() == sql::Dialect::kPostgres)
              WM_RETURN_IF_ERROR(
                  c.Query("SELECT id FROM users WHERE id = $1 FOR UPDATE", {r.requested_by}).status());
            WM_ASSIGN_OR_RETURN(Row n,
                                c.QueryOne("SELECT COUNT(*) FROM forecast_runs WHERE requested_by = $1 "
                                           "AND state IN ('queued', 'running')",
                                           {r.requested_by}));
            if (n.Int(0) >= max_active) return Status::Conflict("too many runs queued or running");
          }
          WM_ASSIGN_OR_RETURN(
              Row row, c.QueryOne("INSERT INTO forecast_runs (scenario_id, requested_by, state, seeds, "
                                  "first_seed, progress, error, created_at) VALUES ($1, $2, $3, $4, $5, 0, "
                                  "'', $6) RETURNING id",
                                  {r.scenario_id, r.requested_by, State(RunState::kQueued),
                                   static_cast<std::int64_t>(r.seeds), r.first_seed, r.created_at}));
          return row.Int(0);
        }));
    return GetRun(id);
  }

  Result<Run> GetRun(Id id) override {
    WM_ASSIGN_OR_RETURN(auto lease, db_.Acquire());
    auto r = lease->QueryOne(RunColumns() + "WHERE id = $1", {id});
    if (!r.ok()) return r.status().IsNotFound() ? Status::NotFound("no such run") : r.status();
    return RunFromRow(*r);
  }

  Result<std::vector<Run>> ListRuns(Id scenario_id) override {
    WM_ASSIGN_OR_RETURN(auto lease, db_.Acquire());
    std::vector<Row> rows;
    if (scenario_id == 0) {
      WM_ASSIGN_OR_RETURN(rows, lease->Query(RunColumns() + "ORDER BY id DESC", {}));
    } else {
      WM_ASSIGN_OR_RETURN(
          rows, lease->Query(RunColumns() + "WHERE scenario_id = $1 ORDER BY id DESC", {scenario_id}));
    }
    return internal::MapRows(rows, RunFromRow);
  }

  Result<int> CountActiveRuns(Id user_id) override {
    WM_ASSIGN_OR_RETURN(auto lease, db_.Acquire());
    WM_ASSIGN_OR_RETURN(Row r,
                        lease->QueryOne("SELECT COUNT(*) FROM forecast_runs WHERE requested_by = $1 AND "
                                        "state IN ('queued', 'running')",
                                        {user_id}));
    return static_cast<int>(r.Int(0));
  }

  Status Transition(Id id, RunState from, RunState to, TimestampMs at, const std::string& error) override {
    WM_ASSIGN_OR_RETURN(auto lease, db_.Acquire());
    std::int64_t n = 0;
    if (to == RunState::kRunning) {
      WM_ASSIGN_OR_RETURN(n, lease->Execute("UPDATE forecast_runs SET state = $1, started_at = $2, "
                                            "heartbeat_at = $3 WHERE id = $4 AND state = $5",
                                            {State(to), at, at, id, State(from)}));
    } else {
      WM_ASSIGN_OR_RETURN(n,
                          lease->Execute("UPDATE forecast_runs SET state = $1, finished_at = $2, error = $3 "
                                         "WHERE id = $4 AND state = $5",
                                         {State(to), at, error, id, State(from)}));
    }
    if (n == 0) {
      WM_ASSIGN_OR_RETURN(Run r, GetRun(id));
      return Status::Conflict("the run is " + State(r.state) + ", not " + State(from));
    }
    return Status::Ok();
  }

  Result<std::optional<Run>> ClaimNext(TimestampMs at) override {
    WM_ASSIGN_OR_RETURN(auto lease, db_.Acquire());
    // PostgreSQL: SKIP LOCKED lets instances claiming at once take
    // different runs instead of queueing behind one row; the outer
    // "AND state = 'queued'" is what makes the claim exclusive on both.
    std::string pick = lease->dialect() == sql::Dialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
    WM_ASSIGN_OR_RETURN(
        auto rows,
        lease->Query("UPDATE forecast_runs SET state = 'running', started_at = $1, heartbeat_at = $2 "
                     "WHERE id = (SELECT id FROM forecast_runs WHERE state = 'queued' ORDER BY id LIMIT 1" +
                         pick + ") AND state = 'queued' RETURNING " + kRunFields,
                     {at, at}));
    if (rows.empty()) return std::optional<Run>();
    return std::optional<Run>(RunFromRow(rows.front()));
  }

  Result<bool> Heartbeat(Id id, double progress, TimestampMs at) override {
    WM_ASSIGN_OR_RETURN(auto lease, db_.Acquire());
    WM_ASSIGN_OR_RETURN(auto rows,
                        lease->Query("UPDATE forecast_runs SET progress = $1, heartbeat_at = $2 "
                                     "WHERE id = $3 AND state = 'running' RETURNING cancel_requested",
                                     {progress, at, id}));
    return !rows.empty() && rows.front().Int(0) == 0;
  }

  Result<Run> RequestCancel(Id id, TimestampMs at) override {
    WM_RETURN_IF_ERROR(sql::Transact<bool>(db_, true, [&](Connection& c) -> Result<bool> {
                         WM_ASSIGN_OR_RETURN(std::int64_t n,
                                             c.Execute("UPDATE forecast_runs SET state = 'cancelled', "
                                                       "cancel_requested = 1, finished_at = $1 WHERE id = $2 "
                                                       "AND state = 'queued'",
                                                       {at, id}));
                         if (n > 0) return true;
                         WM_ASSIGN_OR_RETURN(n, c.Execute("UPDATE forecast_runs SET cancel_requested = 1 "
                                                          "WHERE id = $1 AND state = 'running'",
                                                          {id}));
                         if (n > 0) return true;
                         auto r = c.QueryOne("SELECT state FROM forecast_runs WHERE id = $1", {id});
                         if (!r.ok())
                           return r.status().IsNotFound() ? Status::NotFound("no such run") : r.status();
                         return Status::Conflict("the run has already " + r->Text(0));
                       }).status());
    return GetRun(id);
  }

  Status Complete(Id id, const RunSummary& summary, const std::vector<RunDay>& days,
                  TimestampMs at) override {
    return sql::Transact<bool>(
               db_, true,
               [&](Connection& c) -> Result<bool> {
                 WM_ASSIGN_OR_RETURN(
                     std::int64_t n,
                     c.Execute("UPDATE forecast_runs SET state = 'done', progress = 1, "
                               "finished_at = $1, summary = $2 WHERE id = $3 AND state = 'running'",
                               {at, Dump(SummaryJson(summary)), id}));
                 if (n == 0) return Status::Conflict("the run is no longer running");
                 WM_RETURN_IF_ERROR(InsertDays(c, id, days));
                 return true;
               })
        .status();
  }

  Result<std::vector<RunDay>> RunDays(Id id) override {
    return ReadSnapshot<std::vector<RunDay>>(db_, [&](Connection& c) -> Result<std::vector<RunDay>> {
      WM_ASSIGN_OR_RETURN(auto errors,
                          c.Query("SELECT day, error, error_rescaled FROM forecast_run_errors WHERE "
                                  "run_id = $1 ORDER BY day",
                                  {id}));
      std::vector<RunDay> out;
      for (const Row& r : errors) {
        RunDay d;
        d.day = static_cast<int>(r.Int(0));
        d.error = ReadDouble(r, 1);
        d.error_rescaled = ReadDouble(r, 2);
        out.push_back(std::move(d));
      }
      WM_ASSIGN_OR_RETURN(auto camps, c.Query("SELECT day, camp, simulated, observed FROM forecast_run_camps "
                                              "WHERE run_id = $1 ORDER BY day, camp",
                                              {id}));
      for (const Row& r : camps) {
        auto day = static_cast<size_t>(r.Int(0));
        auto camp = static_cast<size_t>(r.Int(1));
        if (day >= out.size() || camp > 10000) continue;
        RunDay& d = out[day];
        if (d.simulated.size() <= camp) {
          d.simulated.resize(camp + 1);
          d.observed.resize(camp + 1);
        }
        d.simulated[camp] = ReadDouble(r, 2);
        d.observed[camp] = ReadDouble(r, 3);
      }
      return out;
    });
  }

  Result<int> InterruptStale(TimestampMs at, TimestampMs stale_before) override {
    WM_ASSIGN_OR_RETURN(auto lease, db_.Acquire());
    WM_ASSIGN_OR_RETURN(
        std::int64_t n,
        lease->Execute("UPDATE forecast_runs SET state = 'interrupted', finished_at = $1, error = "
                       "'the server running it stopped' WHERE state = 'running' AND heartbeat_at < $2",
                       {at, stale_before}));
    return static_cast<int>(n);
  }

 private:
  // Rows in statements of kBatch rows (and one row for the rest), so each
  // connection prepares two statements.
  static Status InsertDays(Connection& c, Id id, const std::vector<RunDay>& days) {
    constexpr size_t kBatch = 50;
    struct CampRow {
      std::int64_t day, camp;
      double sim, obs;
    };
    std::vector<CampRow> rows;
    for (const RunDay& d : days) {
      for (size_t k = 0; k < d.simulated.size(); ++k)
        rows.push_back(
            {d.day, static_cast<std::int64_t>(k), d.simulated[k], k < d.observed.size() ? d.observed[k] : 0});
    }
    static const std::string batch_sql = [] {
      std::string s = "INSERT INTO forecast_run_camps (run_id, day, camp, simulated, observed) VALUES ";
      for (size_t i = 0; i < kBatch; ++i) {
        if (i) s += ", ";
        size_t p = 1 + i * 4;
        s.append("($1, $").append(std::to_string(p + 1)).append(", $").append(std::to_string(p + 2));
        s.append(", $").append(std::to_string(p + 3)).append(", $").append(std::to_string(p + 4)).append(")");
      }
      return s;
    }();
    size_t i = 0;
    for (; i + kBatch <= rows.size(); i += kBatch) {
      sql::Params p{id};
      for (size_t k = i; k < i + kBatch; ++k) {
        p.emplace_back(rows[k].day);
        p.emplace_back(rows[k].camp);
        p.emplace_back(rows[k].sim);
        p.emplace_back(rows[k].obs);
      }
      WM_RETURN_IF_ERROR(c.Execute(batch_sql, p).status());
    }
    for (; i < rows.size(); ++i) {
      WM_RETURN_IF_ERROR(c.Execute("INSERT INTO forecast_run_camps (run_id, day, camp, simulated, observed) "
                                   "VALUES ($1, $2, $3, $4, $5)",
                                   {id, rows[i].day, rows[i].camp, rows[i].sim, rows[i].obs})
                             .status());
    }
    for (const RunDay& d : days) {
      WM_RETURN_IF_ERROR(
          c.Execute("INSERT INTO forecast_run_errors (run_id, day, error, error_rescaled) VALUES "
                    "($1, $2, $3, $4)",
                    {id, static_cast<std::int64_t>(d.day), d.error, d.error_rescaled})
              .status());
    }
    return Status::Ok();
  }

  sql::Database& db_;
};

}  // namespace

struct ForecastStores::Impl {
  explicit Impl(sql::Database& db) : store(db) {}
  SqlForecastStore store;
};

ForecastStores::ForecastStores(sql::Database& db) : impl_(std::make_unique<Impl>(db)) {}
ForecastStores::~ForecastStores() = default;
forecasts::ForecastStore& ForecastStores::store() { return impl_->store; }

}  // namespace waymark::storage
