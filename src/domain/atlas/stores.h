// The storage the Atlas needs. storage/atlas implements these over SQL for
// both backends; tests/conformance runs one suite against each.
//
// Thread-safe. Failures: Unavailable when the database cannot be reached,
// Conflict on a unique key, NotFound when nothing matches. Calls made inside
// accounts::UnitOfWork::Run join its transaction.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/atlas/model.h"

namespace waymark::atlas {

class CaseStore {
 public:
  virtual ~CaseStore() = default;
  // Inserts (id and version ignored; version starts at 1). Conflict if the slug is taken.
  virtual Result<CaseStudy> Create(const CaseStudy& c) = 0;
  virtual Result<CaseStudy> Get(Id id) = 0;
  virtual Result<CaseStudy> FindBySlug(const std::string& slug) = 0;
  // Reads, passes to `change`, writes back what it returns (every field but
  // id, slug, org_id, created_at and created_by) in one write transaction
  // (row locked on PostgreSQL), bumping the version.
  virtual Result<CaseStudy> Modify(Id id, const std::function<Result<CaseStudy>(CaseStudy)>& change) = 0;
  // In a lifecycle state, newest publication or update first.
  virtual Result<std::vector<CaseStudy>> ListByLifecycle(Lifecycle state, int limit) = 0;
  // Of an organisation, any state, newest update first.
  virtual Result<std::vector<CaseStudy>> ListByOrganisation(Id org_id, int limit) = 0;
  // Several at once, in the order of `ids`; unknown ids are skipped.
  virtual Result<std::vector<CaseStudy>> GetMany(const std::vector<Id>& ids) = 0;
  virtual Status AddRevision(const CaseRevision& r) = 0;
  virtual Result<std::vector<CaseRevision>> ListRevisions(Id case_id) = 0;  // newest first
};

class GlossaryStore {
 public:
  virtual ~GlossaryStore() = default;
  // Inserts when id is 0 (Conflict if the slug is taken), else replaces the
  // term if its version is still `expected_version` (Conflict otherwise),
  // bumping it.
  virtual Result<GlossaryTerm> Save(const GlossaryTerm& term, std::int64_t expected_version) = 0;
  virtual Result<GlossaryTerm> FindBySlug(const std::string& slug) = 0;
  virtual Result<std::vector<GlossaryTerm>> List() = 0;  // by slug
  virtual Status Remove(Id id) = 0;
};

class TopicStore {
 public:
  virtual ~TopicStore() = default;
  // As GlossaryStore::Save.
  virtual Result<Topic> Save(const Topic& topic, std::int64_t expected_version) = 0;
  virtual Result<Topic> FindBySlug(const std::string& slug) = 0;
  virtual Result<std::vector<Topic>> List() = 0;  // by position, then slug
};

struct Stores {
  CaseStore* cases = nullptr;
  GlossaryStore* glossary = nullptr;
  TopicStore* topics = nullptr;
};

}  // namespace waymark::atlas
