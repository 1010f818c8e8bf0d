-- The shared job runner (docs/forecasts.md). heartbeat_at: written by the
-- instance running a run (with progress) every few seconds; a running run
-- whose heartbeat is older than the lease is interrupted by any instance.
-- cancel_requested: 1 once someone asked to cancel it; the instance running
-- it stops at its next heartbeat.
ALTER TABLE forecast_runs ADD COLUMN heartbeat_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE forecast_runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
