-- A consultation's documents (docs/consultations.md): the report, the
-- agenda and other papers. The file itself is a published library item
-- (library_items, library_files); this table holds only the link. kind:
-- report, agenda, other; language: en, fr, es; position: the order on the
-- consultation's page, from 1. library_item_id has no foreign key: the
-- library archives items, it never deletes them.
CREATE TABLE consultation_documents (
  id {{id}},
  consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
  library_item_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  language TEXT NOT NULL,
  title TEXT NOT NULL,
  position INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX consultation_documents_consultation ON consultation_documents(consultation_id, position);
