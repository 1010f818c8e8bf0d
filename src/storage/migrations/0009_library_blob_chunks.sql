-- Library files stored in pieces (issue 12: large files in constant
-- memory). A blob added from now on keeps its bytes here, in pieces of at
-- most 1 MiB numbered from 0, and an empty library_blobs.content; blobs
-- stored before keep theirs in content. The pieces go with their blob.
CREATE TABLE library_blob_chunks (
  sha256 TEXT NOT NULL REFERENCES library_blobs(sha256) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  content {{blob}} NOT NULL,
  PRIMARY KEY (sha256, seq)
);
