// The storage the futures module needs. storage/futures implements it over
// SQL for both backends; tests/conformance runs one suite against each.
//
// Thread-safe. Every write locks its workshop's row and bumps the
// workshop's change counter (version) in the same transaction, so that the
// checks a write makes (the phase, the vote budget) and the write itself
// cannot interleave with another request's. Failures: Unavailable when the
// database cannot be reached, Conflict on a unique key (a slug), NotFound
// when nothing matches; a `check`'s error is returned as is, nothing
// written.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/futures/model.h"

namespace waymark::futures {

// Called under the workshop's lock with the workshop as stored.
using Check = std::function<Status(const Workshop&)>;

class FuturesStore {
 public:
  virtual ~FuturesStore() = default;

  // Inserts `w` (id and version ignored). Conflict when the slug is taken.
  virtual Result<Workshop> CreateWorkshop(const Workshop& w) = 0;
  virtual Result<Workshop> GetWorkshop(Id id) = 0;
  virtual Result<Workshop> FindWorkshopBySlug(const std::string& slug) = 0;
  // Newest first.
  virtual Result<std::vector<Workshop>> ListWorkshops() = 0;
  // Locks the workshop, lets `change` edit it (its error returned as is,
  // nothing written), writes it with the version bumped.
  virtual Result<Workshop> ModifyWorkshop(Id id, const std::function<Status(Workshop&)>& change) = 0;

  // Inserts `s` after `check` passed.
  virtual Result<Statement> AddStatement(const Statement& s, const Check& check) = 0;
  virtual Result<Statement> GetStatement(Id id) = 0;
  // Oldest first.
  virtual Result<std::vector<Statement>> ListStatements(Id workshop_id) = 0;
  // Records the action point made of a statement (Conflict when it has one).
  virtual Result<Statement> SetStatementPoint(Id statement_id, Id point_id) = 0;

  // Inserts or replaces the person's rating of the statement.
  virtual Result<Rating> UpsertRating(Id workshop_id, const Rating& r, const Check& check) = 0;
  virtual Result<std::vector<Rating>> ListRatings(Id workshop_id) = 0;

  // Adds one vote while the person has spent fewer than `budget` votes in
  // the workshop (the count and the insert under the workshop's lock);
  // Validation naming "votes" (code over_budget) otherwise. Returns how many
  // of their votes are spent now.
  virtual Result<int> AddVote(const Vote& v, int budget, const Check& check) = 0;
  // Takes back one of the person's votes on the statement (NotFound when
  // they have none there). Returns how many are spent now.
  virtual Result<int> RemoveVote(Id workshop_id, Id statement_id, Id user_id, const Check& check) = 0;
  virtual Result<std::vector<Vote>> ListVotes(Id workshop_id) = 0;
};

}  // namespace waymark::futures
