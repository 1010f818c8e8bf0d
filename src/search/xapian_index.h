// search::Index on Xapian 1.4 (glass), in a directory of its own.
//
// Text is folded (lowercase, Latin accents stripped; see fold.h) and stemmed
// with the Snowball stemmer of its language (en/fr/es) before indexing; a
// query word, whose language is unknown, matches any of its stems in the
// three languages. Each word's dictionary lemmas (lemmas.h) are indexed
// too, and a query word also matches its lemmas, at a lower weight. The folded words of titles and bodies
// are Xapian's spelling data: a query that finds nothing is corrected from them (did you mean; see
// Results::suggestion) when the correction finds something. Ranking is BM25 with title words weighted
// more than body words. Facets and audiences are boolean terms; facet counts come from one value slot per
// document read by a match spy. One writer at a time (a mutex) and any number of concurrent searches (a pool
// of readers, reopened after each commit; a commit waits for the searches still reading the revision before
// it). Xapian errors come back as Status values: nothing throws.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "domain/search/search.h"

namespace waymark::search {

struct XapianIndexOptions {
  // Matches looked at (per query run) for facet counts and the total: up to
  // this many the counts are exact; beyond it they are scaled up from the
  // matches looked at and Results::facets_exact is false.
  int check_at_least = 5000;
  // When a query's words could match more than this many documents, the
  // ranked page is taken from the matches with a query word in their title
  // (if they fill it), instead of ranking every match; see xapian_index.cc.
  int title_tier_above = 20000;
  // Readers kept open for searches (more are opened under load, then closed).
  int max_idle_readers = 8;
  // Where the Hunspell dictionaries for lemmas are (see lemmas.h); empty: no
  // lemmas. A missing dictionary leaves its language with stems only.
  std::string dictionary_dir = "/usr/share/hunspell";
  // Hears (once per process and directory) of a missing dictionary; empty: stderr.
  std::function<void(const std::string&)> warn;
};

// Opens (creating it and its directory when missing) the index in `dir`.
Result<std::unique_ptr<Index>> OpenXapianIndex(const std::string& dir,
                                               const XapianIndexOptions& options = {});

// Copies the index in `dir` to `out_dir` (which must not exist yet) as one
// consistent revision, while a server may be writing to it: Xapian's
// compaction reads one revision, and when the writer moves on too far
// before the copy is done, it starts again, at most `attempts` times. An
// instance started on the copy catches up from the change feed instead of
// rebuilding from the database (Runtime::OpenSearch), which is how a new
// instance joins a deployment quickly. Returns the last change-feed entry
// the copy holds.
Result<std::int64_t> SnapshotXapianIndex(const std::string& dir, const std::string& out_dir,
                                         int attempts = 5);

}  // namespace waymark::search
