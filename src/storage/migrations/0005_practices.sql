-- Practices: effective practices to protect migrants caught in crises, their
-- revisions, the conversation with the contributor, adoptions, the working
-- groups that collect them, attached files and the moderators' vocabularies.
-- Written once for both backends: {{id}} becomes each backend's
-- auto-increment primary key, {{blob}} its binary type (BLOB, BYTEA).
-- Timestamps are BIGINT milliseconds since the Unix epoch, UTC; booleans are
-- 0/1 integers; enumerations are their lowercase codes.

-- The columns are what the store filters and orders by; `body` holds the
-- rest of the practice as JSON (storage/practices: texts, partners, places,
-- dates, classification, contacts, links, flags, links to other modules,
-- the contributor). org_id is the lead organisation when it is registered.
-- status_token_hash is '' when there is no status link. merged_into has no
-- foreign key: a practice may be merged into a newer one, and `waymark copy`
-- copies in id order.
CREATE TABLE practices (
  id {{id}},
  slug TEXT NOT NULL UNIQUE,
  lifecycle TEXT NOT NULL,
  org_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
  sensitivity TEXT NOT NULL,
  status_token_hash TEXT NOT NULL DEFAULT '',
  status_expires_at BIGINT NOT NULL DEFAULT 0,
  submitted_from TEXT NOT NULL DEFAULT '',
  merged_into BIGINT,
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  published_at BIGINT,
  body TEXT NOT NULL
);
CREATE INDEX practices_published ON practices(lifecycle, published_at);
CREATE INDEX practices_lifecycle ON practices(lifecycle, updated_at);
CREATE INDEX practices_org ON practices(org_id, updated_at);
CREATE INDEX practices_status_token ON practices(status_token_hash);
CREATE INDEX practices_submitted_from ON practices(submitted_from, created_at);

-- Every saved state of a practice; `snapshot` is the whole practice as JSON
-- (storage's own encoding). The actor is kept as the audit log keeps it: no
-- foreign key.
CREATE TABLE practice_revisions (
  practice_id BIGINT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  at BIGINT NOT NULL,
  actor_user_id BIGINT,
  actor_label TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  snapshot TEXT NOT NULL,
  PRIMARY KEY (practice_id, version)
);

-- The conversation between moderators and the contributor. author_name is
-- a copy, so it outlives the author's account.
CREATE TABLE practice_messages (
  id {{id}},
  practice_id BIGINT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  at BIGINT NOT NULL,
  from_moderator INTEGER NOT NULL DEFAULT 0,
  author_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
  author_name TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL
);
CREATE INDEX practice_messages_practice ON practice_messages(practice_id, at);
CREATE INDEX practice_messages_author ON practice_messages(author_user_id);

-- "We did this too". org_id is the adopting organisation when registered;
-- org_name and org_slug are what was typed (the registered name is read
-- from organisations). created_by is NULL when the operator created it.
CREATE TABLE practice_adoptions (
  id {{id}},
  practice_id BIGINT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  org_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
  org_slug TEXT NOT NULL DEFAULT '',
  org_name TEXT NOT NULL DEFAULT '',
  actor_kind TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  start_date TEXT,
  end_date TEXT,
  results TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL DEFAULT 'en',
  created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX practice_adoptions_practice ON practice_adoptions(practice_id, created_at);
CREATE INDEX practice_adoptions_org ON practice_adoptions(org_id);
CREATE INDEX practice_adoptions_created_by ON practice_adoptions(created_by);

-- The practices a working group collected.
CREATE TABLE practice_collections (
  group_id BIGINT NOT NULL REFERENCES working_groups(id) ON DELETE CASCADE,
  practice_id BIGINT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  added_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  added_at BIGINT NOT NULL,
  PRIMARY KEY (group_id, practice_id)
);
CREATE INDEX practice_collections_practice ON practice_collections(practice_id);
CREATE INDEX practice_collections_group ON practice_collections(group_id, added_at);
CREATE INDEX practice_collections_added_by ON practice_collections(added_by);

-- Documents attached to a practice, bytes and all; one per checksum and
-- practice.
CREATE TABLE practice_files (
  id {{id}},
  practice_id BIGINT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  byte_size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  content {{blob}} NOT NULL
);
CREATE UNIQUE INDEX practice_files_checksum ON practice_files(practice_id, sha256);

-- The vocabularies moderators edit (phase, crisis, theme, guideline, actor,
-- target, type). labels is a JSON object, language to label. Terms are
-- retired by clearing `active`, never deleted while practices use them.
CREATE TABLE practice_terms (
  vocabulary TEXT NOT NULL,
  code TEXT NOT NULL,
  parent TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  labels TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (vocabulary, code)
);
