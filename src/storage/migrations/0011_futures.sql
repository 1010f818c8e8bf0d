-- Futures: migration-futures workshops (docs/futures.md). Written once for
-- both backends: {{id}} becomes each backend's auto-increment primary key.
-- Timestamps are BIGINT milliseconds since the Unix epoch, UTC;
-- enumerations are their lowercase codes; what is only read with its row is
-- JSON text in `body`.

-- phase: statements, rating, voting, closed. version: the change counter,
-- bumped (under this row's lock) by every write to the workshop or to its
-- statements, ratings and votes. body: title, horizon_year, areas, groups,
-- vote_budget, facilitator_name.
CREATE TABLE futures_workshops (
  id {{id}},
  slug TEXT NOT NULL UNIQUE,
  consultation_id BIGINT REFERENCES consultations(id),
  session_id BIGINT REFERENCES consultation_sessions(id) ON DELETE SET NULL,
  phase TEXT NOT NULL,
  facilitator_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  body TEXT NOT NULL
);

-- kind: predicted, preferred. breakout: the breakout group's name.
-- point_id: the action point made of the statement. body: text, drivers,
-- signals, author_name.
CREATE TABLE futures_statements (
  id {{id}},
  workshop_id BIGINT NOT NULL REFERENCES futures_workshops(id) ON DELETE CASCADE,
  area TEXT NOT NULL,
  breakout TEXT NOT NULL,
  kind TEXT NOT NULL,
  author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
  point_id BIGINT REFERENCES action_points(id),
  created_at BIGINT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX futures_statements_workshop ON futures_statements(workshop_id, id);

-- One rating per person and statement (an upsert changes it).
CREATE TABLE futures_ratings (
  statement_id BIGINT NOT NULL REFERENCES futures_statements(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  workshop_id BIGINT NOT NULL REFERENCES futures_workshops(id) ON DELETE CASCADE,
  likelihood INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
  desirability INTEGER NOT NULL CHECK (desirability BETWEEN 1 AND 5),
  at BIGINT NOT NULL,
  PRIMARY KEY (statement_id, user_id)
);
CREATE INDEX futures_ratings_workshop ON futures_ratings(workshop_id);

-- Each vote takes one slot (1..budget) of its person's budget in the
-- workshop: the unique key makes spending more than the budget impossible
-- even if two requests counted at once.
CREATE TABLE futures_votes (
  id {{id}},
  workshop_id BIGINT NOT NULL REFERENCES futures_workshops(id) ON DELETE CASCADE,
  statement_id BIGINT NOT NULL REFERENCES futures_statements(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  slot INTEGER NOT NULL,
  at BIGINT NOT NULL,
  UNIQUE (workshop_id, user_id, slot)
);
CREATE INDEX futures_votes_statement ON futures_votes(statement_id);
