-- The version of each dataset's evidence aggregates (issue 15). It moves in
-- the same transaction as every write to the dataset's records and cells,
-- so that each process may keep the answers of stats queries under the
-- versions they were computed at and know, in any snapshot, exactly when
-- one is stale: a write by another instance moves the number it reads. A
-- dataset nothing has been written to since this migration has no row.
CREATE TABLE evidence_stats_versions (
  dataset TEXT PRIMARY KEY,
  version BIGINT NOT NULL
);
