// The storage the evidence module needs. storage/evidence implements these
// over SQL for both backends; tests/conformance runs one suite against each.
//
// Thread-safe. Failures: Unavailable when the database cannot be reached,
// Conflict on a unique key, NotFound when nothing matches.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/evidence/model.h"

namespace waymark::evidence {

// ---------------------------------------------------------------- queries

// Filters shared by the record lists, the downloads and the aggregates.
// Empty strings and zeros mean "any". Values are the stored ones (region and
// route names as the publisher writes them; cause and kind codes; ISO codes).
struct IncidentFilter {
  std::string dataset = "mmp";
  std::string region, country, route;  // country: the incident country's name
  std::optional<Cause> cause;
  PartialDate from, to;  // inclusive, by year and month (a day is ignored)
};

struct DisplacementFilter {
  std::string dataset = "idmc-gidd";
  std::string country;  // code
  std::optional<DisplacementCause> cause;
  std::string hazard;              // hazard type name, "Flood"
  std::string kind;                // a figure kind code
  int from_year = 0, to_year = 0;  // inclusive
};

// Dimensions and measures are the codes of the API:
//   incidents:    group_by year, month, region, country, route, cause;
//                 measures dead, missing, total, incidents (blank counts add 0)
//   displacement: group_by year, country, cause, hazard, kind;
//                 measures are figure kinds (new_displacements, idps, refugees, ...)
// A multi-cause incident counts once in each of its causes' groups.
struct StatsRequest {
  std::vector<std::string> group_by;
  std::vector<std::string> measures;
};

struct StatsRow {
  std::vector<std::string> keys;     // in group_by order; years as decimal text
  std::vector<std::int64_t> values;  // in measures order
  bool operator==(const StatsRow&) const = default;
};

struct StatsTable {
  std::vector<StatsRow> rows;  // ordered by keys (years numerically)
  // Records left out of every sum because 0 < value < min_cell.
  std::int64_t suppressed = 0;
};

// A page of records, by id, after `after_id`.
struct Page {
  Id after_id = 0;
  int limit = 50;
};

// ---------------------------------------------------------------- stores

class EvidenceStore {
 public:
  virtual ~EvidenceStore() = default;

  // Batches. CreateBatch fills id; FinishBatch writes what is known once the
  // file is read: counts, status, format, dataset, columns, sha256, bytes and
  // finished_at of `b`.
  virtual Result<Batch> CreateBatch(const Batch& b) = 0;
  virtual Status FinishBatch(const Batch& b) = 0;
  virtual Result<Batch> GetBatch(Id id) = 0;
  // Newest first.
  virtual Result<std::vector<Batch>> ListBatches(int limit) = 0;

  // Writes `records` of one batch in one transaction. A record is matched on
  // (dataset, source_id, part), where the store assigns part: 1 + the number
  // of records with this (dataset, source_id) that this batch has already
  // written (so split incidents that share an id keep their file order).
  // New: inserted with version 1 and a revision -> kAccepted. Same
  // CanonicalText as stored -> kUnchanged (nothing written). Otherwise the
  // record is replaced, version + 1, and a revision written -> kUpdated.
  // The aggregates the stats read are kept in step in the same transaction.
  // With dry_run nothing is written (the outcomes are what would happen)
  // and batch_id names no stored batch: a dry run has an id of its own,
  // negative, under which the store numbers its parts across chunks.
  virtual Result<std::vector<RowOutcome>> ApplyIncidents(Id batch_id, const std::vector<Incident>& records,
                                                         TimestampMs at, bool dry_run) = 0;
  virtual Result<std::vector<RowOutcome>> ApplyDisplacement(Id batch_id,
                                                            const std::vector<Displacement>& records,
                                                            TimestampMs at, bool dry_run) = 0;

  virtual Result<Incident> GetIncident(Id id) = 0;
  virtual Result<Displacement> GetDisplacement(Id id) = 0;
  // Matching records in id order; the page's limit is capped at 1000.
  virtual Result<std::vector<Incident>> ListIncidents(const IncidentFilter& f, Page page) = 0;
  virtual Result<std::vector<Displacement>> ListDisplacement(const DisplacementFilter& f, Page page) = 0;
  virtual Result<std::int64_t> CountIncidents(const IncidentFilter& f) = 0;
  virtual Result<std::int64_t> CountDisplacement(const DisplacementFilter& f) = 0;

  // Revisions: the canonical text of each version, newest first.
  struct Revision {
    std::int64_t version = 0;
    Id batch_id = 0;
    TimestampMs at = 0;
    std::string text;
  };
  virtual Result<std::vector<Revision>> IncidentRevisions(Id incident_id) = 0;
  virtual Result<std::vector<Revision>> DisplacementRevisions(Id displacement_id) = 0;

  // Aggregates. Incidents: no suppression. Displacement: a record whose
  // value is above 0 and below min_cell (0 = none) is left out of every sum
  // and counted in `suppressed`. Unknown codes in `req` are the caller's bug.
  virtual Result<StatsTable> IncidentStats(const IncidentFilter& f, const StatsRequest& req) = 0;
  virtual Result<StatsTable> DisplacementStats(const DisplacementFilter& f, const StatsRequest& req,
                                               std::int64_t min_cell) = 0;
  // Distinct values for the filter forms, with their record counts, most first.
  struct Facet {
    std::string value;
    std::int64_t count = 0;
  };
  // dimension: region, country, route (incidents); country, hazard, kind (displacement)
  virtual Result<std::vector<Facet>> IncidentFacet(const std::string& dataset,
                                                   const std::string& dimension) = 0;
  virtual Result<std::vector<Facet>> DisplacementFacet(const std::string& dataset,
                                                       const std::string& dimension) = 0;
  // Datasets that hold records, with their record counts.
  virtual Result<std::vector<Facet>> IncidentDatasets() = 0;
  virtual Result<std::vector<Facet>> DisplacementDatasets() = 0;

  // Quarantine. AddQuarantined fills id (created_at is the caller's). It is
  // idempotent: when an open row with the same dataset and raw text exists
  // (the same bad row imported again), that row is returned and nothing is added.
  virtual Result<QuarantinedRow> AddQuarantined(const QuarantinedRow& row) = 0;
  virtual Result<QuarantinedRow> GetQuarantined(Id id) = 0;
  // status "" = any; oldest first within a batch, newest batch first.
  virtual Result<std::vector<QuarantinedRow>> ListQuarantined(Id batch_id, const std::string& status,
                                                              Page page) = 0;
  virtual Result<std::int64_t> CountQuarantined(const std::string& status) = 0;
  // Sets status, resolution, resolved_by and resolved_at, only while the row
  // is "open" (else Conflict), and replaces raw and problems with the
  // given ones (a correction that still fails stays open with them).
  // `from` is the status the row must have (the change is atomic): a
  // resubmission first claims an open row ("open" -> "resubmitting"), then
  // resolves it or gives it back.
  virtual Status ResolveQuarantined(const QuarantinedRow& row, const std::string& from) = 0;

  // Data officers: people allowed to import and to see aggregates-only
  // datasets record by record (administrators always are).
  virtual Result<bool> IsOfficer(Id user_id) = 0;
  virtual Status SetOfficer(Id user_id, bool officer) = 0;
  virtual Result<std::vector<Id>> ListOfficers() = 0;

  // Saved queries that campaigns cite.
  virtual Result<SavedQuery> SaveQuery(const SavedQuery& q) = 0;
  virtual Result<SavedQuery> GetQuery(Id id) = 0;
  virtual Result<std::vector<SavedQuery>> ListQueries(int limit) = 0;
};

}  // namespace waymark::evidence
