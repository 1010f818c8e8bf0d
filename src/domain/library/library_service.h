// LibraryService: the library of research on migration and the
// environment. Members add items for their organisation (one by one or by
// importing a BibTeX or RIS reference list), moderators publish them; files
// are stored once per checksum and their text is extracted page by page in
// the background, so that search finds words inside documents and says on
// which page; items are cited in several styles and exported as BibTeX, RIS
// and CSL-JSON; harvesters collect them over OAI-PMH.
//
// Rules:
// - Members of an organisation (any role) create drafts for it and submit
//   them; its editors and moderators edit them too. Its moderators (and
//   platform administrators) publish, return with a reason and archive.
// - Published items are public; drafts, submitted and returned items are
//   seen by the organisation's people and moderators only.
// - An import adds each new reference as a draft of the organisation (or
//   submits it, when asked); a reference with the DOI of an existing item,
//   or its title, year and first author, is a duplicate: it fills the
//   existing item's empty fields when the importer may edit it, and is
//   reported either way; a broken entry is reported with its line.
// - Every change is a Revision, goes to the audit log and to the search
//   change feed, in one unit of work.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/countries.h"
#include "core/random.h"
#include "core/status.h"
#include "domain/accounts/stores.h"
#include "domain/library/import.h"
#include "domain/library/model.h"
#include "domain/library/stores.h"
#include "domain/search/search.h"

namespace waymark::library {

using accounts::Actor;

inline constexpr std::size_t kMaxTitle = 500;
inline constexpr std::size_t kMaxAbstract = 20000;
inline constexpr std::size_t kMaxField = 300;
inline constexpr std::size_t kMaxAuthors = 100;
inline constexpr std::size_t kMaxListItems = 50;

// Fields as typed. On create, absent means empty; on update, absent means
// "leave as it is"; `texts` merges by language, and a language whose title
// and abstract are both empty is removed.
struct ItemInput {
  std::optional<std::string> organisation;  // slug (create only)
  std::optional<std::string> type;
  std::optional<std::map<std::string, LocalText>> texts;
  std::optional<std::vector<Name>> authors;
  std::optional<std::string> publisher;
  std::optional<std::string> publisher_place;
  std::optional<std::string> container_title;
  std::optional<std::string> volume;
  std::optional<std::string> issue;
  std::optional<std::string> pages;
  std::optional<std::string> edition;
  std::optional<std::string> date;  // YYYY, YYYY-MM or YYYY-MM-DD
  std::optional<std::string> doc_language;
  std::optional<std::vector<std::string>> themes;
  std::optional<std::vector<std::string>> keywords;
  std::optional<std::vector<std::string>> countries;
  std::optional<std::vector<std::string>> regions;
  std::optional<std::string> doi;
  std::optional<std::string> isbn;
  std::optional<std::string> handle;
  std::optional<std::string> url;
  std::optional<std::string> licence;
  std::optional<std::int64_t> expected_version;
};

struct LibraryOptions {
  std::int64_t max_file_bytes = 50 * 1024 * 1024;
  int max_files = 20;
  int max_import_entries = 5000;
};

// What an import did, entry by entry.
struct ImportReport {
  struct Added {
    std::int64_t line = 0;
    Id item_id = 0;
    std::string title;
  };
  struct Duplicate {
    std::int64_t line = 0;
    Id item_id = 0;  // the existing item
    std::string title;
    std::string reason;   // "same DOI 10.x/y" / "same title, year and first author"
    bool filled = false;  // empty fields of the existing item were filled in
  };
  std::vector<Added> added;
  std::vector<Duplicate> duplicates;
  std::vector<ImportProblem> rejected;
};

// Where a search matched inside a file.
struct PageHit {
  Id file_id = 0;
  int page = 0;
  std::string snippet_html;
};

struct LibrarySearch {
  search::Results results;
  std::vector<Item> items;      // in the order of results.hits
  std::map<Id, PageHit> pages;  // item id -> best matching page, when the words are inside a file
};

// Extracts a PDF's text page by page (wm_pdf implements it in the app).
class TextExtractor {
 public:
  virtual ~TextExtractor() = default;
  struct Output {
    int page_count = 0;
    bool has_text = false;
    std::vector<std::string> pages;
  };
  // InvalidArgument (encrypted, damaged) and UnsupportedMediaType become
  // the blob's failed state with the message; other errors are retried.
  // The bytes are read in pieces (the store's OpenBlob).
  virtual Result<Output> Extract(const ByteSource& bytes) = 0;
};

class LibraryService {
 public:
  LibraryService(accounts::Stores accounts, Stores stores, search::ChangeFeed& feed, const Clock& clock,
                 Random& random, const CountryDirectory& countries, LibraryOptions options = {});

  Status SeedVocabularies();
  Result<std::vector<Term>> Terms();  // cached; refreshed by SaveTerm and every minute
  // Moderators anywhere (and admins) edit the vocabularies.
  Status SaveTerm(const Actor& actor, const Term& term);

  Result<Item> Create(const Actor& actor, const ItemInput& input);
  Result<Item> Update(const Actor& actor, Id id, const ItemInput& input);
  Result<Item> Submit(const Actor& actor, Id id, std::optional<std::int64_t> expected_version = {});
  Result<Item> Publish(const Actor& actor, Id id, std::optional<std::int64_t> expected_version = {});
  Result<Item> Return(const Actor& actor, Id id, const std::string& reason);
  Result<Item> Archive(const Actor& actor, Id id, const std::string& reason);

  // A reference list ("bibtex" or "ris") for the organisation `org_slug`.
  // InvalidArgument for an unknown format; the report says what became of
  // every entry. `submit`: new items go to moderation instead of drafts.
  Result<ImportReport> Import(const Actor& actor, const std::string& org_slug, const std::string& format,
                              const std::string& text, bool submit);

  // NotFound when it does not exist or the actor may not see it.
  Result<Item> Get(const Actor& actor, Id id);
  Result<Item> GetBySlug(const Actor& actor, const std::string& slug);
  Result<std::vector<Revision>> History(const Actor& actor, Id id);
  Result<std::vector<Item>> AwaitingModeration(const Actor& actor);
  Result<std::vector<Item>> ForOrganisation(const Actor& actor, const std::string& org_slug);

  // Files. UnsupportedMediaType unless the bytes are a PDF or a PNG/JPEG
  // image; PayloadTooLarge over the limit. A PDF's text is extracted later
  // (ExtractPending): its status is "pending" until then. The bytes are
  // read in pieces (checksum, then storing), never held whole: a spooled
  // upload of any size costs constant memory.
  Result<ItemFile> AddFile(const Actor& actor, Id item_id, const std::string& filename,
                           const ByteSource& bytes);
  Result<ItemFile> AddFile(const Actor& actor, Id item_id, const std::string& filename,
                           const std::string& bytes) {
    return AddFile(actor, item_id, filename, StringByteSource(bytes));
  }
  Status RemoveFile(const Actor& actor, Id file_id);
  Result<std::pair<ItemFile, std::string>> GetFile(const Actor& actor, Id file_id);
  // The text of pages [from, from + count) of a file.
  Result<std::pair<ItemFile, std::vector<PageText>>> FilePages(const Actor& actor, Id file_id, int from,
                                                               int count);
  // Extracts up to `limit` pending blobs; returns how many were done.
  Result<int> ExtractPending(TextExtractor& extractor, int limit);

  // Ranked, faceted search over published items; words found inside a file
  // say on which page.
  Result<LibrarySearch> Search(const Actor& actor, search::Query query);

  // Harvesting (OAI-PMH): published items, and archived ones that had been
  // published (as deleted records).
  Result<std::vector<Item>> Harvest(const HarvestQuery& q);
  Result<TimestampMs> EarliestChange();
  Result<std::vector<std::pair<std::string, std::string>>> HarvestSets();

  static bool CanModerate(const Actor& actor, const Item& item);
  static bool ModeratesAnywhere(const Actor& actor);
  static bool CanEdit(const Actor& actor, const Item& item);
  static bool CanSee(const Actor& actor, const Item& item);

  // The search documents: an item (its metadata and its files' text) and
  // one file page. NotFound unless published.
  Result<search::Document> ItemDocument(Id id);
  Result<search::Document> PageDocument(Id page_id);
  ItemStore& store() { return *stores_.items; }
  void SetIndex(search::Index* index) { index_ = index; }
  const LibraryOptions& options() const { return options_; }

 private:
  Status Apply(const ItemInput& in, Item& item, FieldErrors& errors, bool creating,
               const std::vector<Term>& terms);
  Result<Item> Insert(const Actor& actor, Item item, const std::string& action, const std::string& note);
  Result<Item> Transition(const Actor& actor, Id id, const std::string& action, const std::string& note,
                          std::optional<std::int64_t> expected_version,
                          const std::function<Status(const Item&)>& permit,
                          const std::function<Status(Item&)>& apply);
  Status Record(const Actor& actor, const std::string& action, const std::string& note, const Item& after);
  std::string UniqueSlug(const std::string& title, int attempt);
  Result<Item> VisibleOrNotFound(const Actor& actor, Id id);
  // Appends every item and page of a blob to the change feed.
  Status FeedBlob(const std::string& sha256);

  accounts::Stores accounts_;
  Stores stores_;
  search::ChangeFeed& feed_;
  const Clock& clock_;
  Random& random_;
  const CountryDirectory& countries_;
  LibraryOptions options_;
  search::Index* index_ = nullptr;

  std::mutex terms_mu_;
  std::vector<Term> terms_cache_;
  TimestampMs terms_loaded_at_ = 0;
};

// The search documents for the library ("library" items and
// "library_page" pages), for the Indexer.
class LibraryDocuments final : public search::DocumentSource {
 public:
  explicit LibraryDocuments(LibraryService& service) : service_(service) {}
  Result<search::Document> Load(const std::string& kind, Id id) override;
  Result<std::vector<Id>> ListIds(const std::string& kind, Id after_id, int limit) override;
  std::vector<std::string> Kinds() const override { return {"library", "library_page"}; }

 private:
  LibraryService& service_;
};

}  // namespace waymark::library
