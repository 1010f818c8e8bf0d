// The storage the library module needs. storage/library implements these
// over SQL for both backends; tests/conformance runs one suite against each.
//
// Thread-safe. Failures: Unavailable when the database cannot be reached,
// Conflict on a unique key, NotFound when nothing matches. Calls made inside
// accounts::UnitOfWork::Run join its transaction.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/byte_source.h"
#include "core/status.h"
#include "domain/library/model.h"

namespace waymark::library {

// A file's bytes and what was found in them, stored once per checksum.
struct Blob {
  std::string sha256;
  std::string media_type;
  std::int64_t size = 0;
  int page_count = 0;
  TextStatus text_status = TextStatus::kPending;
  std::string text_error;
};

// One harvest page: items changed (published, edited or withdrawn) in
// [from, until], ordered by (updated_at, id), after (after_at, after_id).
struct HarvestQuery {
  TimestampMs from = 0;
  TimestampMs until = 0;
  std::optional<std::string> type;   // only this item type
  std::optional<std::string> theme;  // only items with this theme ("": with any theme)
  TimestampMs after_at = -1;
  Id after_id = 0;
  int limit = 100;
};

class ItemStore {
 public:
  virtual ~ItemStore() = default;
  // Inserts `item` (id, files and version ignored; version starts at 1).
  // Conflict if the slug is taken.
  virtual Result<Item> Create(const Item& item) = 0;
  virtual Result<Item> Get(Id id) = 0;
  virtual Result<Item> FindBySlug(const std::string& slug) = 0;
  // Several at once, in the order of `ids`; unknown ids are skipped.
  virtual Result<std::vector<Item>> GetMany(const std::vector<Id>& ids) = 0;
  // Reads, passes to `change`, writes back what it returns (every field but
  // id, slug, created_at, created_by and files) in one write transaction
  // (row locked on PostgreSQL), bumping the version.
  virtual Result<Item> Modify(Id id, const std::function<Result<Item>(Item)>& change) = 0;
  virtual Result<bool> SlugTaken(const std::string& slug) = 0;
  // The items with this DOI, or this match key (MatchKey), any lifecycle.
  virtual Result<std::vector<Item>> FindByDoi(const std::string& doi) = 0;
  virtual Result<std::vector<Item>> FindByMatchKey(const std::string& key) = 0;
  // Ids ascending after `after_id`, at most `limit` (reindexing).
  virtual Result<std::vector<Id>> ListIds(Id after_id, int limit) = 0;
  // In a lifecycle state, oldest update first (moderation queue).
  virtual Result<std::vector<Item>> ListByLifecycle(Lifecycle state, int limit) = 0;
  // Of an organisation, newest update first (any lifecycle).
  virtual Result<std::vector<Item>> ListByOrganisation(Id org_id, int limit) = 0;
  // Published or archived after publication (harvesting; see HarvestQuery).
  virtual Result<std::vector<Item>> Harvest(const HarvestQuery& q) = 0;
  // The oldest updated_at of any published or archived item (0 if none).
  virtual Result<TimestampMs> EarliestChange() = 0;
  // How many items each theme and type has among the published (OAI sets).
  virtual Result<std::vector<std::pair<std::string, std::string>>> HarvestSets() = 0;

  virtual Status AddRevision(const Revision& r) = 0;
  virtual Result<std::vector<Revision>> ListRevisions(Id item_id) = 0;  // newest first

  // Files. The bytes are stored once per checksum: a second upload of the
  // same bytes (to any item) only adds the file row. A new blob starts as
  // `blob.text_status` (pending for a PDF, not_pdf otherwise). The bytes
  // are read from `bytes` and stored in pieces (kBytePieceSize), so memory
  // stays constant whatever the file's size. REQUIRES: `blob.sha256` is
  // the SHA-256 of `bytes`.
  virtual Result<ItemFile> AddFile(const ItemFile& f, const Blob& blob, const ByteSource& bytes) = 0;
  Result<ItemFile> AddFile(const ItemFile& f, const Blob& blob, const std::string& bytes) {
    return AddFile(f, blob, StringByteSource(bytes));
  }
  virtual Result<ItemFile> GetFile(Id file_id) = 0;
  // A blob's bytes in one string (downloads).
  virtual Result<std::string> BlobBytes(const std::string& sha256) = 0;
  // A blob's bytes read a piece at a time (extraction): the source borrows
  // the store and reads from the database as it is read; not thread-safe.
  virtual Result<std::unique_ptr<ByteSource>> OpenBlob(const std::string& sha256) = 0;
  // Removes the file row; the blob and its pages go when no file uses them.
  virtual Status RemoveFile(Id file_id) = 0;
  // Blobs waiting for extraction, oldest first.
  virtual Result<std::vector<Blob>> PendingBlobs(int limit) = 0;
  // Stores what extraction found, replacing the blob's pages, in one
  // transaction; Conflict when the blob is no longer pending (another
  // instance did it).
  virtual Status SaveExtraction(const Blob& blob, const std::vector<PageText>& pages) = 0;
  // Pages [from, from + count) of a blob, by number.
  virtual Result<std::vector<PageText>> Pages(const std::string& sha256, int from, int count) = 0;
  virtual Result<PageText> GetPage(Id page_id) = 0;
  // Ids of pages ascending after `after_id` (reindexing).
  virtual Result<std::vector<Id>> ListPageIds(Id after_id, int limit) = 0;
  // Ids of the pages of a blob (to index them when it is extracted) and the
  // items whose files use a blob.
  virtual Result<std::vector<Id>> PageIdsOf(const std::string& sha256) = 0;
  virtual Result<std::vector<Id>> ItemsUsing(const std::string& sha256) = 0;
};

class TermStore {
 public:
  virtual ~TermStore() = default;
  // Every term by vocabulary, then position, then code.
  virtual Result<std::vector<Term>> List() = 0;
  // Inserts or replaces by (vocabulary, code).
  virtual Status Save(const Term& term) = 0;
};

struct Stores {
  ItemStore* items = nullptr;
  TermStore* terms = nullptr;
};

}  // namespace waymark::library
