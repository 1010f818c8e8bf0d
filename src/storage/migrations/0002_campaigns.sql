-- Campaigns (texts by language, partners, countries, themes, channels,
-- audiences, figures, video links, media, revisions), the theme vocabulary,
-- the idea exchange (threads, posts, useful marks, working groups, follows,
-- notifications, digest preferences, reports) and the search change feed.
-- Written once for both backends: {{id}} becomes each backend's
-- auto-increment primary key, {{blob}} its binary type (BLOB, BYTEA).
-- Timestamps are BIGINT milliseconds since the Unix epoch, UTC; booleans are
-- 0/1 integers; enumerations are their lowercase codes.

-- The theme vocabulary, labels by language. Admins edit it; themes are
-- retired by clearing `active`, never deleted while campaigns use them.
CREATE TABLE themes (
  code TEXT PRIMARY KEY,
  active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE theme_labels (
  theme_code TEXT NOT NULL REFERENCES themes(code) ON DELETE CASCADE,
  lang TEXT NOT NULL,
  label TEXT NOT NULL,
  PRIMARY KEY (theme_code, lang)
);

INSERT INTO themes(code, active) VALUES
  ('inclusion', 1), ('integration', 1), ('xenophobia', 1), ('public-perception', 1),
  ('labour-rights', 1), ('civic-participation', 1), ('climate-environment', 1),
  ('protection', 1), ('children', 1), ('gender', 1), ('health', 1), ('education', 1),
  ('returns', 1);

INSERT INTO theme_labels(theme_code, lang, label) VALUES
  ('inclusion', 'en', 'Inclusion'),
  ('inclusion', 'fr', 'Inclusion'),
  ('inclusion', 'es', 'Inclusión'),
  ('integration', 'en', 'Integration'),
  ('integration', 'fr', 'Intégration'),
  ('integration', 'es', 'Integración'),
  ('xenophobia', 'en', 'Xenophobia'),
  ('xenophobia', 'fr', 'Xénophobie'),
  ('xenophobia', 'es', 'Xenofobia'),
  ('public-perception', 'en', 'Public perception'),
  ('public-perception', 'fr', 'Perception publique'),
  ('public-perception', 'es', 'Percepción pública'),
  ('labour-rights', 'en', 'Labour rights'),
  ('labour-rights', 'fr', 'Droits des travailleurs'),
  ('labour-rights', 'es', 'Derechos laborales'),
  ('civic-participation', 'en', 'Civic participation'),
  ('civic-participation', 'fr', 'Participation citoyenne'),
  ('civic-participation', 'es', 'Participación cívica'),
  ('climate-environment', 'en', 'Climate and environment'),
  ('climate-environment', 'fr', 'Climat et environnement'),
  ('climate-environment', 'es', 'Clima y medio ambiente'),
  ('protection', 'en', 'Protection'),
  ('protection', 'fr', 'Protection'),
  ('protection', 'es', 'Protección'),
  ('children', 'en', 'Children'),
  ('children', 'fr', 'Enfants'),
  ('children', 'es', 'Infancia'),
  ('gender', 'en', 'Gender'),
  ('gender', 'fr', 'Genre'),
  ('gender', 'es', 'Género'),
  ('health', 'en', 'Health'),
  ('health', 'fr', 'Santé'),
  ('health', 'es', 'Salud'),
  ('education', 'en', 'Education'),
  ('education', 'fr', 'Éducation'),
  ('education', 'es', 'Educación'),
  ('returns', 'en', 'Returns'),
  ('returns', 'fr', 'Retours'),
  ('returns', 'es', 'Retornos');

-- created_by is NULL when the operator (CLI, demo data) created it.
-- adapted_from always names an older campaign (a smaller id).
CREATE TABLE campaigns (
  id {{id}},
  slug TEXT NOT NULL UNIQUE,
  organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE RESTRICT,
  start_date TEXT,
  end_date TEXT,
  stage TEXT NOT NULL,
  lifecycle TEXT NOT NULL,
  visibility TEXT NOT NULL,
  outcomes TEXT NOT NULL DEFAULT '',
  licence TEXT NOT NULL,
  contact TEXT NOT NULL DEFAULT '',
  adapted_from BIGINT REFERENCES campaigns(id) ON DELETE SET NULL,
  return_reason TEXT NOT NULL DEFAULT '',
  hidden INTEGER NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1,
  created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  published_at BIGINT
);
CREATE INDEX campaigns_published ON campaigns(lifecycle, visibility, hidden, published_at);
CREATE INDEX campaigns_lifecycle ON campaigns(lifecycle, updated_at);
CREATE INDEX campaigns_org ON campaigns(organisation_id, updated_at);
CREATE INDEX campaigns_adapted_from ON campaigns(adapted_from, created_at);
CREATE INDEX campaigns_created_by ON campaigns(created_by);

CREATE TABLE campaign_texts (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  lang TEXT NOT NULL,
  title TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (campaign_id, lang)
);

CREATE TABLE campaign_partners (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, organisation_id)
);
CREATE INDEX campaign_partners_org ON campaign_partners(organisation_id);

CREATE TABLE campaign_countries (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  country TEXT NOT NULL,
  PRIMARY KEY (campaign_id, country)
);
CREATE INDEX campaign_countries_country ON campaign_countries(country);

CREATE TABLE campaign_themes (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  theme_code TEXT NOT NULL REFERENCES themes(code) ON DELETE RESTRICT,
  PRIMARY KEY (campaign_id, theme_code)
);
CREATE INDEX campaign_themes_theme ON campaign_themes(theme_code);

CREATE TABLE campaign_channels (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  channel TEXT NOT NULL,
  PRIMARY KEY (campaign_id, ord)
);

CREATE TABLE campaign_audiences (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  label TEXT NOT NULL,
  PRIMARY KEY (campaign_id, ord)
);

CREATE TABLE campaign_figures (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  name TEXT NOT NULL,
  value BIGINT NOT NULL,
  PRIMARY KEY (campaign_id, ord)
);

CREATE TABLE campaign_video_links (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  url TEXT NOT NULL,
  PRIMARY KEY (campaign_id, ord)
);

-- Uploaded images and PDFs, bytes and all.
CREATE TABLE media (
  id {{id}},
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  byte_size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  caption TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  content {{blob}} NOT NULL
);
CREATE INDEX media_campaign ON media(campaign_id, id);

-- Every saved state of a campaign. `changed` is a JSON array of field names,
-- `snapshot` the whole campaign as JSON (storage's own encoding). The actor
-- is kept as the audit log keeps it: no foreign key.
CREATE TABLE campaign_revisions (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  at BIGINT NOT NULL,
  actor_user_id BIGINT,
  actor_label TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  changed TEXT NOT NULL DEFAULT '[]',
  snapshot TEXT NOT NULL,
  PRIMARY KEY (campaign_id, version)
);

CREATE TABLE working_groups (
  id {{id}},
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  purpose TEXT NOT NULL DEFAULT '',
  members_only INTEGER NOT NULL DEFAULT 1,
  created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX working_groups_name ON working_groups(name, id);
CREATE INDEX working_groups_created_by ON working_groups(created_by);

CREATE TABLE group_members (
  group_id BIGINT NOT NULL REFERENCES working_groups(id) ON DELETE CASCADE,
  organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  state TEXT NOT NULL,
  coordinator INTEGER NOT NULL DEFAULT 0,
  at BIGINT NOT NULL,
  PRIMARY KEY (group_id, organisation_id)
);
CREATE INDEX group_members_org ON group_members(organisation_id);

CREATE TABLE group_campaigns (
  group_id BIGINT NOT NULL REFERENCES working_groups(id) ON DELETE CASCADE,
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  at BIGINT NOT NULL,
  PRIMARY KEY (group_id, campaign_id)
);
CREATE INDEX group_campaigns_campaign ON group_campaigns(campaign_id);

-- A campaign has at most one discussion thread (NULLs are distinct in a
-- unique index on both backends).
CREATE TABLE threads (
  id {{id}},
  kind TEXT NOT NULL,
  campaign_id BIGINT REFERENCES campaigns(id) ON DELETE CASCADE,
  group_id BIGINT REFERENCES working_groups(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  lang TEXT NOT NULL DEFAULT 'en',
  author_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  organisation_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
  post_count INTEGER NOT NULL DEFAULT 0,
  useful_count INTEGER NOT NULL DEFAULT 0,
  hidden INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  last_post_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX threads_campaign ON threads(campaign_id);
CREATE INDEX threads_kind_activity ON threads(kind, last_post_at);
CREATE INDEX threads_group_activity ON threads(group_id, last_post_at);
CREATE INDEX threads_activity ON threads(last_post_at);
CREATE INDEX threads_author ON threads(author_id);
CREATE INDEX threads_org ON threads(organisation_id);

CREATE TABLE thread_tags (
  thread_id BIGINT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (thread_id, tag)
);
CREATE INDEX thread_tags_tag ON thread_tags(tag, thread_id);

-- quote_text is a copy of the passage, so it outlives the quoted post.
CREATE TABLE posts (
  id {{id}},
  thread_id BIGINT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
  author_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  body TEXT NOT NULL,
  lang TEXT NOT NULL DEFAULT 'en',
  quote_of BIGINT REFERENCES posts(id) ON DELETE SET NULL,
  quote_text TEXT NOT NULL DEFAULT '',
  useful_count INTEGER NOT NULL DEFAULT 0,
  hidden INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX posts_thread ON posts(thread_id, id);
CREATE INDEX posts_author ON posts(author_id);
CREATE INDEX posts_quote_of ON posts(quote_of);

CREATE TABLE post_useful (
  post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (post_id, user_id)
);
CREATE INDEX post_useful_user ON post_useful(user_id, post_id);

-- Follows, notifications and reports point at a campaign, thread, group or
-- post by (kind, id): no foreign key on the target.
CREATE TABLE follows (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  target_kind TEXT NOT NULL,
  target_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (user_id, target_kind, target_id)
);
CREATE INDEX follows_target ON follows(target_kind, target_id);

CREATE TABLE notifications (
  id {{id}},
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  event TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  target_id BIGINT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  actor_name TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  read_at BIGINT,
  emailed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, read_at);
CREATE INDEX notifications_unemailed ON notifications(user_id, emailed, id);

CREATE TABLE digest_preferences (
  user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  frequency TEXT NOT NULL,
  last_sent_at BIGINT
);
CREATE INDEX digest_preferences_due ON digest_preferences(frequency, last_sent_at);

-- One open report per reporter and target.
CREATE TABLE reports (
  id {{id}},
  target_kind TEXT NOT NULL,
  target_id BIGINT NOT NULL,
  reporter_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  reason TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  resolved_at BIGINT,
  resolution TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX reports_one_open ON reports(target_kind, target_id, reporter_id) WHERE resolved_at IS NULL;
CREATE INDEX reports_target ON reports(target_kind, target_id, resolved_at);
CREATE INDEX reports_open_age ON reports(created_at) WHERE resolved_at IS NULL;
CREATE INDEX reports_reporter ON reports(reporter_id);

-- The search change feed: seq is handed out under a lock (SQLite's write
-- lock, a PostgreSQL advisory lock) as MAX(seq)+1, so numbers follow commit
-- order and a reader that has seen N never later finds a new N-1.
CREATE TABLE search_changes (
  seq BIGINT PRIMARY KEY,
  kind TEXT NOT NULL,
  ref_id BIGINT NOT NULL,
  at BIGINT NOT NULL
);
