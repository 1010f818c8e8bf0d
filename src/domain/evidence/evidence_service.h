// EvidenceService: imports, the publication policy of each dataset, the
// quarantine, aggregates and record lists, data officers, saved queries.
//
// Rules:
// - Importing and the quarantine are for data officers (people an
//   administrator made officers, and administrators) and the command line.
// - Every row of a file is accounted for: accepted (new), updated (a new
//   version of a record with the same key), unchanged, or rejected (kept in
//   quarantine with its line, column and reason). A file it cannot read at
//   all is refused before any row (InvalidArgument naming line and column).
// - Records are written in chunks, each in one transaction; the batch keeps
//   the file's sha256, size, format, who imported it and when, and its counts.
// - A dataset with Publication::kAggregates is never listed record by record
//   to the public (PermissionDenied), and its public aggregates leave out
//   every record below min_cell (counted in `suppressed`), so that no total
//   includes a value that is not itself shown. Officers see everything.
// - Exports of records and imports go to the audit log with who and what.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "domain/accounts/stores.h"
#include "domain/evidence/model.h"
#include "domain/evidence/parse.h"
#include "domain/evidence/stores.h"

namespace waymark::evidence {

using accounts::Actor;

struct EvidenceOptions {
  std::int64_t min_cell = 5;  // k for aggregates-only datasets
  int chunk_rows = 2000;      // records per write transaction
  std::size_t max_reason = 2000;
  std::size_t max_query = 2000;
};

struct ImportRequest {
  ImportTarget target = ImportTarget::kIncidents;
  std::string format = "auto";
  std::string filename;  // shown on the batch; its base name picks an HXL dataset code
  bool dry_run = false;
  DisplacementCause hxl_cause = DisplacementCause::kOther;
};

// One line of the row-by-row report.
struct RowReport {
  std::int64_t line = 0;
  RowOutcome outcome = RowOutcome::kAccepted;
  std::vector<RowProblem> problems;  // rejected rows
  std::vector<RowProblem> notes;     // decisions taken on accepted rows
  Id quarantine_id = 0;              // rejected rows (0 in a dry run)
};

struct ImportObserver {
  std::function<void(const FileShape&)> on_shape;  // once the header is read
  std::function<void(const RowReport&)> on_row;    // every row, in file order
  std::function<void(std::int64_t bytes)> on_progress;
};

// The public's view and the officer's view of a stats request.
struct StatsAnswer {
  StatsTable table;
  const DatasetInfo* dataset = nullptr;
  bool aggregates_only = false;
  std::int64_t min_cell = 0;  // the k applied (0 = none)
};

class EvidenceService {
 public:
  EvidenceService(accounts::Stores accounts, EvidenceStore& store, const Clock& clock,
                  EvidenceOptions options = {});

  // Reads `in` to the end. PermissionDenied unless an officer or the CLI.
  // The returned batch carries the counts.
  Result<Batch> Import(const Actor& actor, std::istream& in, const ImportRequest& req,
                       const ImportObserver& obs);

  Result<bool> IsOfficer(const Actor& actor);
  // Admins only.
  Status SetOfficer(const Actor& actor, Id user_id, bool officer);
  Result<std::vector<Id>> ListOfficers(const Actor& actor);

  Result<std::vector<Batch>> ListBatches(const Actor& actor, int limit);
  Result<Batch> GetBatch(const Actor& actor, Id id);

  // Stats: validates group_by and measures (Validation naming the field
  // and the unknown value) and applies the dataset's policy.
  Result<StatsAnswer> IncidentStats(const Actor& actor, const IncidentFilter& f, const StatsRequest& req);
  Result<StatsAnswer> DisplacementStats(const Actor& actor, const DisplacementFilter& f,
                                        const StatsRequest& req);

  // Record lists; PermissionDenied for an aggregates-only dataset unless an officer.
  Result<std::vector<Incident>> ListIncidents(const Actor& actor, const IncidentFilter& f, Page page);
  Result<std::vector<Displacement>> ListDisplacement(const Actor& actor, const DisplacementFilter& f,
                                                     Page page);
  Result<std::int64_t> CountIncidents(const Actor& actor, const IncidentFilter& f);
  Result<std::int64_t> CountDisplacement(const Actor& actor, const DisplacementFilter& f);
  Result<Incident> GetIncident(const Actor& actor, Id id);
  Result<Displacement> GetDisplacement(const Actor& actor, Id id);
  Result<std::vector<EvidenceStore::Revision>> IncidentRevisions(const Actor& actor, Id id);

  // Writes "evidence.export" to the audit log: what (format, target) and the query.
  Status RecordExport(const Actor& actor, ImportTarget target, const std::string& format,
                      const std::string& query);

  // Quarantine (officers).
  Result<std::vector<QuarantinedRow>> ListQuarantined(const Actor& actor, Id batch_id,
                                                      const std::string& status, Page page);
  Result<QuarantinedRow> GetQuarantined(const Actor& actor, Id id);
  // Parses `corrected` with the row's header and format; accepted -> written
  // (in a batch of its own) and the row resolved; still bad -> the row stays
  // open with the new problems, which are returned as a Validation status.
  Result<RowReport> Resubmit(const Actor& actor, Id quarantine_id, const std::string& corrected);
  Status Discard(const Actor& actor, Id quarantine_id, const std::string& reason);
  Result<std::int64_t> CountOpenQuarantine(const Actor& actor);

  // Saved queries (officers save; anyone reads).
  Result<SavedQuery> SaveQuery(const Actor& actor, SavedQuery q);
  Result<SavedQuery> GetQuery(Id id);
  Result<std::vector<SavedQuery>> ListQueries(int limit);

  const EvidenceOptions& options() const { return options_; }

 private:
  Status RequireOfficer(const Actor& actor);
  bool CanSeeRecords(const Actor& actor, const std::string& dataset);

  accounts::Stores accounts_;
  EvidenceStore& store_;
  const Clock& clock_;
  EvidenceOptions options_;
  // A dry run writes no batch: it gets a negative id of its own, so that
  // the store can number the parts of its repeated ids apart from any other.
  std::atomic<Id> dry_runs_{0};
};

}  // namespace waymark::evidence
