-- Evidence: migrant deaths and disappearances (incidents) and displacement
-- figures, the import batches that bring them in, their revisions, the rows
-- a batch rejected (quarantine), data officers and saved queries.
-- Written once for both backends: {{id}} becomes each backend's
-- auto-increment primary key. Timestamps are BIGINT milliseconds since the
-- Unix epoch, UTC; booleans are 0/1 integers; enumerations are their
-- lowercase codes; an unknown count is NULL. List fields are text, each
-- element escaped (\\ \n \t) and followed by a newline (storage/evidence).

CREATE TABLE evidence_batches (
  id {{id}},
  target TEXT NOT NULL,
  dataset TEXT NOT NULL,
  format TEXT NOT NULL DEFAULT '',
  filename TEXT NOT NULL DEFAULT '',
  sha256 TEXT NOT NULL DEFAULT '',
  bytes BIGINT NOT NULL DEFAULT 0,
  imported_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  imported_by_label TEXT NOT NULL DEFAULT '',
  started_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL DEFAULT 0,
  dry_run INTEGER NOT NULL DEFAULT 0,
  accepted BIGINT NOT NULL DEFAULT 0,
  updated BIGINT NOT NULL DEFAULT 0,
  unchanged BIGINT NOT NULL DEFAULT 0,
  rejected BIGINT NOT NULL DEFAULT 0,
  columns_used TEXT NOT NULL DEFAULT '',
  columns_ignored TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL
);

-- One row per record. year and month are the ones filters and aggregates
-- use (the publisher's columns, else the date's; 0 when unknown);
-- year_given and month_given are the publisher's columns as read. causes is
-- a bitmask (1 << cause), cause_list the causes in the publisher's order.
-- last_batch_id is the last batch that wrote the record, even unchanged: the
-- store numbers repeated source ids of one batch by it. The store checks
-- that a batch exists before it writes records; the batch columns of the
-- records have no foreign key, so that SQLite updates a record without a
-- statement journal. The canonical text (CanonicalText) is not stored here:
-- the record round-trips exactly, and each revision keeps its text.
CREATE TABLE evidence_incidents (
  id {{id}},
  dataset TEXT NOT NULL,
  source_id TEXT NOT NULL,
  part INTEGER NOT NULL,
  incident_ids TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  also_split INTEGER NOT NULL DEFAULT 0,
  date_text TEXT NOT NULL DEFAULT '',
  date_year INTEGER NOT NULL DEFAULT 0,
  date_month INTEGER NOT NULL DEFAULT 0,
  date_day INTEGER NOT NULL DEFAULT 0,
  date_precision TEXT NOT NULL,
  year_given INTEGER NOT NULL DEFAULT 0,
  month_given INTEGER NOT NULL DEFAULT 0,
  year INTEGER NOT NULL DEFAULT 0,
  month INTEGER NOT NULL DEFAULT 0,
  region TEXT NOT NULL DEFAULT '',
  regions TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  country_code TEXT NOT NULL DEFAULT '',
  location TEXT NOT NULL DEFAULT '',
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  route TEXT NOT NULL DEFAULT '',
  unsd_grouping TEXT NOT NULL DEFAULT '',
  dead BIGINT,
  missing BIGINT,
  total BIGINT,
  survivors BIGINT,
  females BIGINT,
  males BIGINT,
  children BIGINT,
  causes BIGINT NOT NULL DEFAULT 0,
  cause_list TEXT NOT NULL DEFAULT '',
  cause_text TEXT NOT NULL DEFAULT '',
  countries_of_origin TEXT NOT NULL DEFAULT '',
  regions_of_origin TEXT NOT NULL DEFAULT '',
  information_source TEXT NOT NULL DEFAULT '',
  urls TEXT NOT NULL DEFAULT '',
  source_quality TEXT NOT NULL DEFAULT '',
  version BIGINT NOT NULL,
  batch_id BIGINT NOT NULL,
  last_batch_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (dataset, source_id, part)
);
CREATE INDEX evidence_incidents_dataset ON evidence_incidents(dataset, id);
CREATE INDEX evidence_incidents_region ON evidence_incidents(dataset, region, id);
CREATE INDEX evidence_incidents_country ON evidence_incidents(dataset, country, id);
CREATE INDEX evidence_incidents_route ON evidence_incidents(dataset, route, id);

-- The aggregates the stats read: one row per combination of the dimensions,
-- kept in step with evidence_incidents in the same transaction. Blank
-- counts add 0; a cell that no incident is in any more is deleted.
CREATE TABLE evidence_incident_cells (
  dataset TEXT NOT NULL,
  year INTEGER NOT NULL,
  month INTEGER NOT NULL,
  region TEXT NOT NULL,
  country TEXT NOT NULL,
  route TEXT NOT NULL,
  causes BIGINT NOT NULL,
  incidents BIGINT NOT NULL,
  dead BIGINT NOT NULL,
  missing BIGINT NOT NULL,
  total BIGINT NOT NULL,
  PRIMARY KEY (dataset, year, month, region, country, route, causes)
);

CREATE TABLE evidence_incident_revisions (
  incident_id BIGINT NOT NULL REFERENCES evidence_incidents(id) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  batch_id BIGINT NOT NULL REFERENCES evidence_batches(id),
  at BIGINT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (incident_id, version)
);

-- Dates are "year,month,day,precision" (precision as DatePrecision's number).
CREATE TABLE evidence_displacement (
  id {{id}},
  dataset TEXT NOT NULL,
  source_id TEXT NOT NULL,
  part INTEGER NOT NULL,
  country TEXT NOT NULL DEFAULT '',
  country_name TEXT NOT NULL DEFAULT '',
  origin TEXT NOT NULL DEFAULT '',
  origin_name TEXT NOT NULL DEFAULT '',
  area TEXT NOT NULL DEFAULT '',
  year INTEGER NOT NULL DEFAULT 0,
  period_start TEXT NOT NULL DEFAULT '',
  period_end TEXT NOT NULL DEFAULT '',
  cause TEXT NOT NULL,
  hazard_category TEXT NOT NULL DEFAULT '',
  hazard_sub_category TEXT NOT NULL DEFAULT '',
  hazard_type TEXT NOT NULL DEFAULT '',
  hazard_sub_type TEXT NOT NULL DEFAULT '',
  event_name TEXT NOT NULL DEFAULT '',
  event_start TEXT NOT NULL DEFAULT '',
  event_end TEXT NOT NULL DEFAULT '',
  event_codes TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  value BIGINT,
  rounded BIGINT,
  source TEXT NOT NULL DEFAULT '',
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  version BIGINT NOT NULL,
  batch_id BIGINT NOT NULL,
  last_batch_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (dataset, source_id, part)
);
CREATE INDEX evidence_displacement_dataset ON evidence_displacement(dataset, id);
CREATE INDEX evidence_displacement_country ON evidence_displacement(dataset, country, id);
CREATE INDEX evidence_displacement_year ON evidence_displacement(dataset, year);
CREATE INDEX evidence_displacement_kind ON evidence_displacement(dataset, kind, year);
CREATE INDEX evidence_displacement_hazard ON evidence_displacement(dataset, hazard_type);

CREATE TABLE evidence_displacement_revisions (
  displacement_id BIGINT NOT NULL REFERENCES evidence_displacement(id) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  batch_id BIGINT NOT NULL REFERENCES evidence_batches(id),
  at BIGINT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (displacement_id, version)
);

-- problems: one line per problem, "line\tcolumn\tfield\treason" (escaped).
CREATE TABLE evidence_quarantine (
  id {{id}},
  batch_id BIGINT NOT NULL REFERENCES evidence_batches(id),
  target TEXT NOT NULL,
  dataset TEXT NOT NULL,
  format TEXT NOT NULL DEFAULT '',
  line BIGINT NOT NULL DEFAULT 0,
  header TEXT NOT NULL DEFAULT '',
  raw TEXT NOT NULL,
  problems TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  resolution TEXT NOT NULL DEFAULT '',
  resolved_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  resolved_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX evidence_quarantine_batch ON evidence_quarantine(batch_id, id);
CREATE INDEX evidence_quarantine_status ON evidence_quarantine(status, batch_id, id);

CREATE TABLE evidence_officers (
  user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE
);

CREATE TABLE evidence_queries (
  id {{id}},
  target TEXT NOT NULL,
  title TEXT NOT NULL,
  query TEXT NOT NULL,
  created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL
);
