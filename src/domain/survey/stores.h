// The storage the survey module needs. storage/survey implements it over SQL
// for both backends; tests/conformance runs one suite against each.
//
// Thread-safe. Failures: Unavailable when the database cannot be reached,
// Conflict on a unique key or a batch that no longer takes answers,
// NotFound when nothing matches. Calls made inside accounts::UnitOfWork::Run
// join its transaction.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "domain/survey/model.h"

namespace waymark::survey {

class SurveyStore {
 public:
  virtual ~SurveyStore() = default;
  // Inserts `b` (id and counts ignored) and returns it as stored. Conflict if
  // the token is taken; NotFound if the organisation is unknown.
  virtual Result<Batch> CreateBatch(const Batch& b) = 0;
  // With its organisation's slug and name and its answer count.
  virtual Result<Batch> GetBatch(Id id) = 0;
  virtual Result<Batch> FindBatchByToken(const std::string& token) = 0;
  // The batches of these organisations (every batch when `all`), newest first.
  virtual Result<std::vector<Batch>> ListBatches(const std::vector<Id>& org_ids, bool all) = 0;
  // Sets state, closed_at / withdrawn_at (whichever the state needs, at `at`)
  // and the reason. Withdrawing also deletes the batch's answers and records
  // how many there were, in the same transaction. Takes the batch's row lock
  // first (PostgreSQL), so an answer being added either commits before and is
  // deleted, or waits and is refused. Returns the batch as it now is.
  virtual Result<Batch> SetBatchState(Id id, BatchState state, TimestampMs at, const std::string& reason) = 0;

  // Inserts `a` if its batch is still open (Conflict otherwise; NotFound for
  // an unknown batch); the batch row is read under a share lock so that a
  // concurrent withdrawal cannot miss it. Returns the answer with its id.
  virtual Result<Answer> AddAnswer(const Answer& a) = 0;
  // Answers sent from `submitted_from` to `batch_id` since `since`.
  virtual Result<std::int64_t> CountAnswersFrom(Id batch_id, const std::string& submitted_from,
                                                TimestampMs since) = 0;
  // Every answer matching `filter` (org_id, origin, year), from one
  // snapshot, for aggregation. Withdrawn batches hold none.
  virtual Result<std::vector<Answer>> ListAnswers(const ResultsFilter& filter) = 0;
};

}  // namespace waymark::survey
