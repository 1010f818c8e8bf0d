-- Forecasts (docs/forecasts.md): stored Flee scenarios (their input files,
-- settings and what-if changes), their runs (background jobs) and the runs'
-- results. Written once for both backends: {{id}} and {{blob}} become each
-- backend's. Timestamps are BIGINT milliseconds since the Unix epoch, UTC.

-- owner_id: the account that made it (0: the system, for the demo cases; no
-- foreign key so that it can be 0). parent_id: the scenario a what-if copies.
-- body: description, settings (key → value), changes (list of {kind, a, b,
-- day, value}).
CREATE TABLE forecast_scenarios (
  id {{id}},
  title TEXT NOT NULL,
  owner_id BIGINT NOT NULL DEFAULT 0,
  published INTEGER NOT NULL DEFAULT 0,
  parent_id BIGINT REFERENCES forecast_scenarios(id),
  origin TEXT NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX forecast_scenarios_owner ON forecast_scenarios(owner_id);

-- path: input/<file> or validation/<file>. content: the bytes as uploaded.
CREATE TABLE forecast_files (
  scenario_id BIGINT NOT NULL REFERENCES forecast_scenarios(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  content {{blob}} NOT NULL,
  PRIMARY KEY (scenario_id, path)
);

-- state: queued, running, done, failed, cancelled, interrupted. summary:
-- the metrics, camps, route flows and final counts of a done run (JSON).
CREATE TABLE forecast_runs (
  id {{id}},
  scenario_id BIGINT NOT NULL REFERENCES forecast_scenarios(id) ON DELETE CASCADE,
  requested_by BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  seeds INTEGER NOT NULL,
  first_seed BIGINT NOT NULL,
  progress DOUBLE PRECISION NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  started_at BIGINT NOT NULL DEFAULT 0,
  finished_at BIGINT NOT NULL DEFAULT 0,
  summary TEXT NOT NULL DEFAULT ''
);
CREATE INDEX forecast_runs_scenario ON forecast_runs(scenario_id, id);
CREATE INDEX forecast_runs_state ON forecast_runs(state, requested_by);

-- One row per day and validation camp (camp: its index in the summary's camps).
CREATE TABLE forecast_run_camps (
  run_id BIGINT NOT NULL REFERENCES forecast_runs(id) ON DELETE CASCADE,
  day INTEGER NOT NULL,
  camp INTEGER NOT NULL,
  simulated DOUBLE PRECISION NOT NULL,
  observed DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (run_id, day, camp)
);

-- One row per day: the error E(t), plain and rescaled.
CREATE TABLE forecast_run_errors (
  run_id BIGINT NOT NULL REFERENCES forecast_runs(id) ON DELETE CASCADE,
  day INTEGER NOT NULL,
  error DOUBLE PRECISION NOT NULL,
  error_rescaled DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (run_id, day)
);
