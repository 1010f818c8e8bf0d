// Search: the full-text index the campaigns and exchange modules feed, and
// the change feed that keeps it in step with the database.
//
// The database is the source of truth. Every write to something searchable
// appends (kind, id) to the ChangeFeed in the same transaction; the Indexer
// applies the feed to the Index in order and records the last sequence
// number it applied inside the index's own commit, so after a crash (or on
// another instance) it resumes where the index really is. `waymark reindex`
// rebuilds the index from the database.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace waymark::search {

using Id = std::int64_t;

// Facet names, fixed: the index keeps one value list per facet.
// New facets go at the end: an index's facet data stores each facet's place.
inline constexpr const char* kFacets[] = {"country",   "theme",  "org",   "status", "lang",  "year",
                                          "channel",   "kind",   "phase", "crisis", "actor", "region",
                                          "guideline", "target", "ptype", "ltype",  "item"};

// One searchable thing: a campaign or a discussion post.
struct Document {
  std::string kind;  // "campaign" or "post"
  Id id = 0;
  // Text per language ("en", "fr", "es"): what the reader sees. The title
  // weighs more than the body.
  struct Text {
    std::string title;
    std::string body;  // summary + body, or a post's text; plain text or Markdown
    // Plain text searched like the body but never shown in snippets (the
    // text of a library item's files, which its page documents show).
    std::string hidden;
  };
  std::map<std::string, Text> texts;
  // Facet name -> values: {"country": {"GBR","GRC"}, "theme": {"xenophobia"}, ...}.
  std::map<std::string, std::vector<std::string>> facets;
  // Who may see it: "public", "members", or "org:<id>" (one organisation);
  // an empty list means nobody but moderators (drafts are not indexed).
  std::vector<std::string> audience;
  TimestampMs date = 0;  // for "newest first"
};

struct Query {
  std::string text;  // the user's words; empty = everything that matches the filters
  // Instead of `text`: documents like this one (kind, id), ranked by the
  // terms that set it apart from the rest of the index; it is left out.
  // No hits when it is not in the index.
  std::optional<std::pair<std::string, Id>> like;
  // Facet name -> accepted values: values of one facet are ORed, facets ANDed.
  std::map<std::string, std::vector<std::string>> filters;
  // The audiences the reader belongs to ("public" always; "members" when
  // signed in; "org:<id>" per membership). Empty = moderator: sees all.
  std::vector<std::string> audience;
  bool newest_first = false;  // else by relevance (then newest)
  std::string lang = "en";    // the reader's language: preferred snippet language
  int offset = 0;
  int limit = 20;
  // Facets to count (names from kFacets); counts obey the query and every
  // filter, except that a facet's own filter is not applied to its counts.
  std::vector<std::string> facets;
};

struct Hit {
  std::string kind;
  Id id = 0;
  double score = 0;
  std::string lang;  // language of the snippet
  // HTML: the matching passage, escaped, with matched words in <mark>.
  std::string snippet_html;
};

struct Results {
  std::int64_t total = 0;
  bool total_exact = true;
  std::vector<Hit> hits;
  std::map<std::string, std::map<std::string, std::int64_t>> facets;
  bool facets_exact = true;  // false when counted over a sample of a very large match set
  // Did you mean: the query text with each word that matches nothing in the
  // index replaced by the closest indexed word (folded: lowercase, without
  // accents); empty when there is none or it would find nothing either.
  std::string suggestion;
  // Set when the query as typed found nothing and these results are those
  // of `suggestion` instead: the query as typed. Empty otherwise.
  std::string corrected_from;
};

// Synonyms across languages at query time: the approved concepts of the
// thesaurus module, each with its terms per language ("en", "fr", "es"; the
// preferred term first, then the others). A query word or run of words that
// is a term of a concept also matches the concept's other terms, each read
// in its own language, at a lower weight than the reader's own words.
// Immutable once built: shared between searches as shared_ptr<const>.
struct Thesaurus {
  std::vector<std::map<std::string, std::vector<std::string>>> concepts;
};

class Index {
 public:
  virtual ~Index() = default;
  virtual Status Upsert(const Document& doc) = 0;
  virtual Status Remove(const std::string& kind, Id id) = 0;
  // Makes the changes since the last commit durable and visible, recording
  // `applied_seq` as the last change-feed entry they include.
  virtual Status Commit(std::int64_t applied_seq) = 0;
  // The applied_seq of the last commit (0 for a new index).
  virtual Result<std::int64_t> AppliedSeq() = 0;
  // Drops every document (before a rebuild); committed by the next Commit.
  virtual Status Clear() = 0;
  virtual Result<std::int64_t> DocumentCount() = 0;
  virtual Result<Results> Search(const Query& q) = 0;
  // Replaces the synonyms used by the searches that start after it returns
  // (nullptr: none). Thread-safe; a search reads one thesaurus throughout.
  // An index that does not expand queries ignores it.
  virtual void SetThesaurus(std::shared_ptr<const Thesaurus> thesaurus) { (void)thesaurus; }
};

struct Change {
  std::int64_t seq = 0;
  std::string kind;
  Id id = 0;
};

// The change feed, in the database (storage implements it).
class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
  // Appends (kind, id); call inside the unit of work that made the change.
  // Sequence numbers are handed out in commit order.
  virtual Status Append(const std::string& kind, Id id) = 0;
  // Entries with seq > after, in order, at most `limit`.
  virtual Result<std::vector<Change>> Since(std::int64_t after, int limit) = 0;
  virtual Result<std::int64_t> Head() = 0;  // the highest seq, 0 if none
};

// Turns a (kind, id) into the document to index: NotFound means remove it
// from the index (deleted, hidden, unpublished).
class DocumentSource {
 public:
  virtual ~DocumentSource() = default;
  virtual Result<Document> Load(const std::string& kind, Id id) = 0;
  // Every id of `kind` after `after_id`, ascending, at most `limit`.
  virtual Result<std::vector<Id>> ListIds(const std::string& kind, Id after_id, int limit) = 0;
  virtual std::vector<std::string> Kinds() const = 0;
};

// Applies the change feed to the index. Thread-safe: one catch-up at a time.
class Indexer {
 public:
  Indexer(Index& index, ChangeFeed& feed, DocumentSource& source)
      : index_(index), feed_(feed), source_(source) {}

  // Applies every change not yet in the index; returns how many.
  Result<int> CatchUp();
  // Rebuilds from the database: clears the index, indexes every document,
  // and records the feed head taken before it started (so changes made
  // during the rebuild are applied by the next CatchUp). `progress` gets
  // (done, total) now and then.
  Status Rebuild(const std::function<void(std::int64_t, std::int64_t)>& progress);
  // How many times the index has taken in changes (each commit of CatchUp or
  // Rebuild); moves after the searches can see them. Cached answers that
  // show search results are stale once it moves (web/page_cache.h).
  std::uint64_t commits() const { return commits_.load(std::memory_order_acquire); }

 private:
  Index& index_;
  ChangeFeed& feed_;
  DocumentSource& source_;
  std::mutex mu_;
  std::atomic<std::uint64_t> commits_{0};
};

// Joins several sources (campaigns, posts) by kind.
class CompositeSource final : public DocumentSource {
 public:
  void Add(DocumentSource* s) { sources_.push_back(s); }
  Result<Document> Load(const std::string& kind, Id id) override;
  Result<std::vector<Id>> ListIds(const std::string& kind, Id after_id, int limit) override;
  std::vector<std::string> Kinds() const override;

 private:
  std::vector<DocumentSource*> sources_;
};

}  // namespace waymark::search
