-- The aggregates the displacement stats read (docs/evidence.md): one row
-- per combination of the dimensions, kept in step with
-- evidence_displacement in the same transaction, as the incident cells are.
-- value is the sum of the records' values (a blank value adds 0), records
-- the number of records. The dashboard's sums then read a few thousand
-- narrow rows instead of every wide record (28,000 in the demo, 9 MB).
-- Suppressed small cells (min_cell) are decided per record, so those stats
-- still read the records.
CREATE TABLE evidence_displacement_cells (
  dataset TEXT NOT NULL,
  year INTEGER NOT NULL,
  country TEXT NOT NULL,
  cause TEXT NOT NULL,
  hazard_type TEXT NOT NULL,
  kind TEXT NOT NULL,
  records BIGINT NOT NULL,
  value BIGINT NOT NULL,
  PRIMARY KEY (dataset, kind, year, country, cause, hazard_type)
);

INSERT INTO evidence_displacement_cells(dataset, year, country, cause, hazard_type, kind, records, value)
SELECT dataset, year, country, cause, hazard_type, kind, COUNT(*), COALESCE(SUM(value), 0)
FROM evidence_displacement
GROUP BY dataset, year, country, cause, hazard_type, kind;

-- Covering indexes: a stats query filters on the dataset (and the kinds),
-- and with these SQLite answers it from the index alone instead of looking
-- up each cell's row (about a fifth of the dashboard's query time).
CREATE INDEX evidence_displacement_cells_sums
  ON evidence_displacement_cells(dataset, kind, year, country, cause, hazard_type, records, value);
CREATE INDEX evidence_incident_cells_sums
  ON evidence_incident_cells(dataset, year, month, region, country, route, causes, incidents, dead, missing, total);
