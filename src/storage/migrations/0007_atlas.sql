-- The Atlas: case studies placed on the map, their revisions, the glossary
-- of key notions and the thematic pages. Written once for both backends:
-- {{id}} becomes each backend's auto-increment primary key. Timestamps are
-- BIGINT milliseconds since the Unix epoch, UTC.

-- The columns are what the store filters and orders by; `body` holds the
-- rest as JSON (storage/atlas), the place as GeoJSON inside it.
CREATE TABLE atlas_cases (
  id {{id}},
  slug TEXT NOT NULL UNIQUE,
  org_id BIGINT NOT NULL REFERENCES organisations(id),
  created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  lifecycle TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  published_at BIGINT,
  body TEXT NOT NULL
);
CREATE INDEX atlas_cases_lifecycle ON atlas_cases(lifecycle, updated_at);
CREATE INDEX atlas_cases_org ON atlas_cases(org_id, updated_at);

-- Every version of a case study, as JSON (the body and its columns).
CREATE TABLE atlas_case_revisions (
  case_id BIGINT NOT NULL REFERENCES atlas_cases(id) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  at BIGINT NOT NULL,
  actor_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
  actor_label TEXT NOT NULL,
  action TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  snapshot TEXT NOT NULL,
  PRIMARY KEY (case_id, version)
);

-- The glossary: one row per key notion; texts, aliases and sources in body.
CREATE TABLE atlas_terms (
  id {{id}},
  slug TEXT NOT NULL UNIQUE,
  version BIGINT NOT NULL DEFAULT 1,
  updated_at BIGINT NOT NULL,
  body TEXT NOT NULL
);

-- The thematic pages, in the order of `position`.
CREATE TABLE atlas_topics (
  id {{id}},
  slug TEXT NOT NULL UNIQUE,
  position INTEGER NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1,
  updated_at BIGINT NOT NULL,
  body TEXT NOT NULL
);
