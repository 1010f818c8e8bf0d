// The storage the practices module needs. storage/practices implements these
// over SQL for both backends; tests/conformance runs one suite against each.
//
// Thread-safe. Failures: Unavailable when the database cannot be reached,
// Conflict on a unique key, NotFound when nothing matches. Calls made inside
// accounts::UnitOfWork::Run join its transaction.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/practices/model.h"

namespace waymark::practices {

class PracticeStore {
 public:
  virtual ~PracticeStore() = default;
  // Inserts `p` (id, files and version ignored; version starts at 1).
  // Conflict if the slug is taken. Returns it as stored, with the names and
  // slugs of registered organisations filled in.
  virtual Result<Practice> Create(const Practice& p) = 0;
  virtual Result<Practice> Get(Id id) = 0;
  virtual Result<Practice> FindBySlug(const std::string& slug) = 0;
  // NotFound unless a practice has this status token hash.
  virtual Result<Practice> FindByStatusToken(const std::string& token_hash) = 0;
  // Several at once, in the order of `ids`; unknown ids are skipped.
  virtual Result<std::vector<Practice>> GetMany(const std::vector<Id>& ids) = 0;
  // Reads, passes to `change`, writes back what it returns (every field but
  // id, slug, created_at and files) in one write transaction (row locked on
  // PostgreSQL), bumping the version. An error from `change` aborts.
  virtual Result<Practice> Modify(Id id, const std::function<Result<Practice>(Practice)>& change) = 0;
  virtual Result<bool> SlugTaken(const std::string& slug) = 0;
  // Ids ascending after `after_id`, at most `limit` (reindexing).
  virtual Result<std::vector<Id>> ListIds(Id after_id, int limit) = 0;
  // Published practices, newest publication first (feeds).
  virtual Result<std::vector<Practice>> ListPublished(int limit) = 0;
  // In a lifecycle state, oldest update first (moderation queue).
  virtual Result<std::vector<Practice>> ListByLifecycle(Lifecycle state, int limit) = 0;
  // Led by a registered organisation, newest update first (any lifecycle).
  virtual Result<std::vector<Practice>> ListByOrganisation(Id org_id, int limit) = 0;
  // How many practices were submitted from `submitted_from` since `since`
  // (created_at >= since).
  virtual Result<std::int64_t> CountSubmittedFrom(const std::string& submitted_from, TimestampMs since) = 0;

  virtual Status AddRevision(const Revision& r) = 0;
  // Newest first.
  virtual Result<std::vector<Revision>> ListRevisions(Id practice_id) = 0;

  // Returns the message with id and its fields as stored.
  virtual Result<Message> AddMessage(const Message& m) = 0;
  // Oldest first.
  virtual Result<std::vector<Message>> ListMessages(Id practice_id) = 0;

  virtual Result<Adoption> AddAdoption(const Adoption& a) = 0;
  virtual Result<Adoption> GetAdoption(Id adoption_id) = 0;
  virtual Status RemoveAdoption(Id adoption_id) = 0;
  // Oldest first, with registered organisations' names filled in.
  virtual Result<std::vector<Adoption>> ListAdoptions(Id practice_id) = 0;

  // Conflict if already collected.
  virtual Status AddCollection(const Collection& c) = 0;
  virtual Status RemoveCollection(Id group_id, Id practice_id) = 0;
  virtual Result<std::vector<Collection>> CollectionsOf(Id practice_id) = 0;
  // The practices a group collected, newest addition first.
  virtual Result<std::vector<Collection>> CollectedBy(Id group_id) = 0;

  // Files: bytes stored once per checksum and practice.
  virtual Result<File> AddFile(const File& f, const std::string& bytes) = 0;
  virtual Result<File> GetFile(Id file_id) = 0;
  virtual Result<std::string> FileBytes(Id file_id) = 0;
  virtual Status RemoveFile(Id file_id) = 0;
};

class TermStore {
 public:
  virtual ~TermStore() = default;
  // Every term of every vocabulary, by vocabulary, then position, then code.
  virtual Result<std::vector<Term>> List() = 0;
  // Inserts or replaces by (vocabulary, code).
  virtual Status Save(const Term& term) = 0;
};

struct Stores {
  PracticeStore* practices = nullptr;
  TermStore* terms = nullptr;
};

}  // namespace waymark::practices
