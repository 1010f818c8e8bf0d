-- Consultations: the yearly IOM-civil society consultations, their agenda,
-- registrations for a coming one, and the action points they end with,
-- followed until done (docs/consultations.md). Written once for both
-- backends: {{id}} becomes each backend's auto-increment primary key.
-- Timestamps are BIGINT milliseconds since the Unix epoch, UTC; dates are
-- 'YYYY-MM-DD' text and session times local 'YYYY-MM-DDTHH:MM' text in the
-- consultation's time zone; enumerations are their lowercase codes. What is
-- only read with its row is JSON text in `body`; what is filtered on or
-- locked has its own column.

-- status: planned, held, report_published. body: title, edition, ends_on,
-- time_zone, venue, online_url, organisers, languages, participants,
-- capacity.
CREATE TABLE consultations (
  id {{id}},
  slug TEXT NOT NULL UNIQUE,
  year INTEGER NOT NULL,
  starts_on TEXT NOT NULL,
  status TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX consultations_year ON consultations(year, starts_on);

-- body: type, title and description by language, moderator, speakers,
-- conclusions (Markdown), online_url.
CREATE TABLE consultation_sessions (
  id {{id}},
  consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
  starts TEXT NOT NULL,
  ends TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX consultation_sessions_consultation ON consultation_sessions(consultation_id, starts);

-- status: open, in_progress, done, dropped, carried_over. owner_keys and
-- theme_keys are ",iom,org:12,all_csos," and ",theme,..." for filtering.
-- carried_from / carried_to: the point of another consultation it continues
-- or that continues it (carried_to has no foreign key: it names a newer
-- point, which `waymark copy`, copying by id, writes later). body: text by language, session_id, owners,
-- progress, weight, themes, links, milestones.
CREATE TABLE action_points (
  id {{id}},
  consultation_id BIGINT NOT NULL REFERENCES consultations(id),
  number TEXT NOT NULL,
  parent_id BIGINT REFERENCES action_points(id),
  status TEXT NOT NULL,
  target_date TEXT NOT NULL DEFAULT '',
  owner_keys TEXT NOT NULL DEFAULT ',',
  theme_keys TEXT NOT NULL DEFAULT ',',
  carried_from BIGINT REFERENCES action_points(id),
  carried_to BIGINT,
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (consultation_id, number)
);
CREATE INDEX action_points_parent ON action_points(parent_id);
CREATE INDEX action_points_status ON action_points(status);

-- Dated progress updates, never edited. progress: 0-100, or -1 when the
-- author did not say. links: JSON array of URLs.
CREATE TABLE action_point_updates (
  id {{id}},
  point_id BIGINT NOT NULL REFERENCES action_points(id),
  at BIGINT NOT NULL,
  text TEXT NOT NULL,
  links TEXT NOT NULL DEFAULT '[]',
  author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
  author_name TEXT NOT NULL DEFAULT '',
  progress INTEGER NOT NULL DEFAULT -1
);
CREATE INDEX action_point_updates_point ON action_point_updates(point_id, at);
CREATE INDEX action_point_updates_at ON action_point_updates(at);

-- Every change of a consultation (entity_type 'consultation') or an action
-- point ('action_point'): the version it made and the record as it then
-- was (snapshot, JSON).
CREATE TABLE consultation_revisions (
  id {{id}},
  entity_type TEXT NOT NULL,
  entity_id BIGINT NOT NULL,
  version BIGINT NOT NULL,
  at BIGINT NOT NULL,
  actor_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
  actor_label TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  snapshot TEXT NOT NULL,
  UNIQUE (entity_type, entity_id, version)
);

-- state: confirmed, waitlisted, cancelled. email_key: the address in lower
-- case; one registration that is not cancelled per address and
-- consultation. token: the private cancellation link's 48 hex digits.
CREATE TABLE consultation_registrations (
  id {{id}},
  consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  email_key TEXT NOT NULL,
  organisation TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  token TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  cancelled_at BIGINT
);
CREATE INDEX consultation_registrations_consultation ON consultation_registrations(consultation_id, state, id);
CREATE UNIQUE INDEX consultation_registrations_active
  ON consultation_registrations(consultation_id, email_key) WHERE state <> 'cancelled';
