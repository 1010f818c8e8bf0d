// The storage the thesaurus needs. storage/thesaurus implements it over SQL
// for both backends; tests/conformance runs one suite against each.
//
// Thread-safe. Failures: Unavailable when the database cannot be reached,
// Conflict on a taken slug or a stale version, NotFound when nothing
// matches. Calls made inside accounts::UnitOfWork::Run join its transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/thesaurus/model.h"

namespace waymark::thesaurus {

class ConceptStore {
 public:
  virtual ~ConceptStore() = default;
  // Inserts (id and version ignored; version starts at 1). Conflict if the slug is taken.
  virtual Result<Concept> Create(const Concept& c) = 0;
  virtual Result<Concept> Get(Id id) = 0;
  virtual Result<Concept> FindBySlug(const std::string& slug) = 0;
  // Replaces terms, status and updated_at of concept c.id if its version is
  // still `expected_version` (Conflict otherwise), bumping the version.
  virtual Result<Concept> Update(const Concept& c, std::int64_t expected_version) = 0;
  // In a status (every status when nullopt), by slug.
  virtual Result<std::vector<Concept>> List(std::optional<ConceptStatus> status) = 0;
  // A cheap value that changes with every committed change (count, latest
  // update, sum of versions): another instance compares it to know when to
  // reload its synonyms.
  virtual Result<std::string> Stamp() = 0;
};

}  // namespace waymark::thesaurus
