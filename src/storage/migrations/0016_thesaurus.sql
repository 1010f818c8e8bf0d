-- The thesaurus (issue 15): concepts of migration work with their terms in
-- English, French and Spanish, proposed by members, approved by moderators;
-- the approved ones are the search index's synonyms across languages.
-- Written once for both backends: {{id}} becomes each backend's
-- auto-increment primary key. Timestamps are BIGINT milliseconds since the
-- Unix epoch, UTC.
--
-- `terms` is JSON: {"en": ["asylum seeker", ...], "fr": [...], "es": [...]},
-- the preferred term of each language first.
CREATE TABLE thesaurus_concepts (
  id {{id}},
  slug TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  proposed_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  terms TEXT NOT NULL
);
CREATE INDEX thesaurus_concepts_status ON thesaurus_concepts(status, slug);
