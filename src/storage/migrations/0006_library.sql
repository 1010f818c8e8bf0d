-- The library: items of research, their revisions, their files (bytes
-- stored once per checksum, as blobs), the text of each blob's pages, and
-- the moderators' vocabularies. Written once for both backends: {{id}}
-- becomes each backend's auto-increment primary key, {{blob}} its binary
-- type. Timestamps are BIGINT milliseconds since the Unix epoch, UTC.

-- The columns are what the store filters and orders by; `body` holds the
-- rest of the item as JSON (storage/library), and `csl` its reference as
-- CSL-JSON, which the exports read. doi is '' when there is none;
-- match_key is the folded title, year and first author that finds
-- duplicates without a DOI.
CREATE TABLE library_items (
  id {{id}},
  slug TEXT NOT NULL UNIQUE,
  item_type TEXT NOT NULL,
  lifecycle TEXT NOT NULL,
  org_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
  created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  doi TEXT NOT NULL DEFAULT '',
  match_key TEXT NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  published_at BIGINT,
  body TEXT NOT NULL,
  csl TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX library_items_lifecycle ON library_items(lifecycle, updated_at);
CREATE INDEX library_items_org ON library_items(org_id, updated_at);
CREATE INDEX library_items_created_by ON library_items(created_by);
CREATE INDEX library_items_doi ON library_items(doi);
CREATE INDEX library_items_match_key ON library_items(match_key);
CREATE INDEX library_items_harvest ON library_items(updated_at, id);

-- The themes of each item, for OAI-PMH sets and harvesting by theme.
CREATE TABLE library_item_themes (
  item_id BIGINT NOT NULL REFERENCES library_items(id) ON DELETE CASCADE,
  theme TEXT NOT NULL,
  PRIMARY KEY (item_id, theme)
);
CREATE INDEX library_item_themes_theme ON library_item_themes(theme);

CREATE TABLE library_revisions (
  item_id BIGINT NOT NULL REFERENCES library_items(id) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  at BIGINT NOT NULL,
  actor_user_id BIGINT,
  actor_label TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  snapshot TEXT NOT NULL,
  PRIMARY KEY (item_id, version)
);

-- A file's bytes, once per checksum, and what extraction found in them:
-- text_status pending, extracted, no_text (a scan), failed (text_error
-- says why) or not_pdf.
CREATE TABLE library_blobs (
  sha256 TEXT PRIMARY KEY,
  media_type TEXT NOT NULL,
  byte_size BIGINT NOT NULL,
  page_count INTEGER NOT NULL DEFAULT 0,
  text_status TEXT NOT NULL,
  text_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  content {{blob}} NOT NULL
);
CREATE INDEX library_blobs_status ON library_blobs(text_status, created_at);

-- The files of an item: a name for a blob.
CREATE TABLE library_files (
  id {{id}},
  item_id BIGINT NOT NULL REFERENCES library_items(id) ON DELETE CASCADE,
  sha256 TEXT NOT NULL REFERENCES library_blobs(sha256),
  filename TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX library_files_item ON library_files(item_id, sha256);
CREATE INDEX library_files_blob ON library_files(sha256);

-- The text of each page of a blob, numbered from 1.
CREATE TABLE library_pages (
  id {{id}},
  sha256 TEXT NOT NULL REFERENCES library_blobs(sha256) ON DELETE CASCADE,
  page_number INTEGER NOT NULL,
  text TEXT NOT NULL
);
CREATE UNIQUE INDEX library_pages_blob ON library_pages(sha256, page_number);

-- The vocabularies moderators edit (theme, keyword); labels is a JSON
-- object, language to label.
CREATE TABLE library_terms (
  vocabulary TEXT NOT NULL,
  code TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  labels TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (vocabulary, code)
);
