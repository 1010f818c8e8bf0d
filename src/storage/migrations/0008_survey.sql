-- Survey: "asking migrants directly". Batches (collection runs of an
-- organisation, each with a private link) and answers (codes only: no name,
-- contact, free text or date of birth). Written once for both backends:
-- {{id}} becomes each backend's auto-increment primary key. Timestamps are
-- BIGINT milliseconds since the Unix epoch, UTC; enumerations are their
-- lowercase codes. Numbered 0008: 0007 is the atlas's.

-- state: open, closed, withdrawn. token is the private link's 48 hex digits
-- (it only lets its holder add answers while the batch is open).
-- withdrawn_answers: how many answers were deleted when it was withdrawn.
CREATE TABLE survey_batches (
  id {{id}},
  org_id BIGINT NOT NULL REFERENCES organisations(id),
  label TEXT NOT NULL,
  country TEXT NOT NULL,
  lang TEXT NOT NULL,
  state TEXT NOT NULL,
  token TEXT NOT NULL UNIQUE,
  created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  closed_at BIGINT,
  withdrawn_at BIGINT,
  withdraw_reason TEXT NOT NULL DEFAULT '',
  withdrawn_answers BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX survey_batches_org ON survey_batches(org_id, created_at);

-- One row per answer. reasons and env_factors are comma-separated sorted
-- codes. month_left is NULL when not given. submitted_from is a keyed hash
-- of the sender's address, for the hourly limit only.
CREATE TABLE survey_answers (
  id {{id}},
  batch_id BIGINT NOT NULL REFERENCES survey_batches(id) ON DELETE CASCADE,
  org_id BIGINT NOT NULL REFERENCES organisations(id),
  interview_country TEXT NOT NULL,
  lang TEXT NOT NULL,
  origin TEXT NOT NULL,
  destination TEXT NOT NULL,
  year_left INTEGER NOT NULL,
  month_left INTEGER,
  age_band TEXT NOT NULL,
  gender TEXT NOT NULL,
  reasons TEXT NOT NULL,
  env_reason TEXT NOT NULL,
  env_factors TEXT NOT NULL,
  env_how TEXT NOT NULL,
  submitted_from TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX survey_answers_batch ON survey_answers(batch_id);
CREATE INDEX survey_answers_origin ON survey_answers(origin, year_left);
CREATE INDEX survey_answers_org ON survey_answers(org_id, year_left);
CREATE INDEX survey_answers_from ON survey_answers(batch_id, submitted_from, created_at);
