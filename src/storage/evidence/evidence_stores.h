// The evidence module's store (domain/evidence/stores.h) over sql::Database:
// incidents and displacement figures with their revisions, the incident
// aggregates (evidence_incident_cells, kept in step with every write),
// batches, quarantine, data officers and saved queries. The SQL is shared by
// both backends; see sql/sql.h for the placeholder convention and
// storage/migrations/0004_evidence.sql for the tables.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "domain/evidence/stores.h"
#include "sql/sql.h"
#include "storage/evidence/stats_memo.h"

namespace waymark::storage {

// Borrows `db`, which must outlive it. Thread-safe.
class SqlEvidenceStore final : public evidence::EvidenceStore {
 public:
  // Stats answers are kept in memory up to `stats_memo_bytes` (0: none),
  // each under the versions of the datasets it read (StatsMemo).
  static constexpr std::size_t kDefaultStatsMemoBytes = 4u << 20;
  explicit SqlEvidenceStore(sql::Database& db, std::size_t stats_memo_bytes = kDefaultStatsMemoBytes);
  ~SqlEvidenceStore() override;
  SqlEvidenceStore(const SqlEvidenceStore&) = delete;
  SqlEvidenceStore& operator=(const SqlEvidenceStore&) = delete;

  Result<evidence::Batch> CreateBatch(const evidence::Batch& b) override;
  Status FinishBatch(const evidence::Batch& b) override;
  Result<evidence::Batch> GetBatch(evidence::Id id) override;
  Result<std::vector<evidence::Batch>> ListBatches(int limit) override;

  Result<std::vector<evidence::RowOutcome>> ApplyIncidents(evidence::Id batch_id,
                                                           const std::vector<evidence::Incident>& records,
                                                           TimestampMs at, bool dry_run) override;
  Result<std::vector<evidence::RowOutcome>> ApplyDisplacement(
      evidence::Id batch_id, const std::vector<evidence::Displacement>& records, TimestampMs at,
      bool dry_run) override;

  Result<evidence::Incident> GetIncident(evidence::Id id) override;
  Result<evidence::Displacement> GetDisplacement(evidence::Id id) override;
  Result<std::vector<evidence::Incident>> ListIncidents(const evidence::IncidentFilter& f,
                                                        evidence::Page page) override;
  Result<std::vector<evidence::Displacement>> ListDisplacement(const evidence::DisplacementFilter& f,
                                                               evidence::Page page) override;
  Result<std::int64_t> CountIncidents(const evidence::IncidentFilter& f) override;
  Result<std::int64_t> CountDisplacement(const evidence::DisplacementFilter& f) override;

  Result<std::vector<Revision>> IncidentRevisions(evidence::Id incident_id) override;
  Result<std::vector<Revision>> DisplacementRevisions(evidence::Id displacement_id) override;

  Result<evidence::StatsTable> IncidentStats(const evidence::IncidentFilter& f,
                                             const evidence::StatsRequest& req) override;
  Result<evidence::StatsTable> DisplacementStats(const evidence::DisplacementFilter& f,
                                                 const evidence::StatsRequest& req,
                                                 std::int64_t min_cell) override;
  Result<std::vector<Facet>> IncidentFacet(const std::string& dataset, const std::string& dimension) override;
  Result<std::vector<Facet>> DisplacementFacet(const std::string& dataset,
                                               const std::string& dimension) override;
  Result<std::vector<Facet>> IncidentDatasets() override;
  Result<std::vector<Facet>> DisplacementDatasets() override;

  Result<evidence::QuarantinedRow> AddQuarantined(const evidence::QuarantinedRow& row) override;
  Result<evidence::QuarantinedRow> GetQuarantined(evidence::Id id) override;
  Result<std::vector<evidence::QuarantinedRow>> ListQuarantined(evidence::Id batch_id,
                                                                const std::string& status,
                                                                evidence::Page page) override;
  Result<std::int64_t> CountQuarantined(const std::string& status) override;
  Status ResolveQuarantined(const evidence::QuarantinedRow& row, const std::string& from) override;

  Result<bool> IsOfficer(evidence::Id user_id) override;
  Status SetOfficer(evidence::Id user_id, bool officer) override;
  Result<std::vector<evidence::Id>> ListOfficers() override;

  Result<evidence::SavedQuery> SaveQuery(const evidence::SavedQuery& q) override;
  Result<evidence::SavedQuery> GetQuery(evidence::Id id) override;
  Result<std::vector<evidence::SavedQuery>> ListQueries(int limit) override;

  // How many stats answers are kept now (for tests and metrics).
  std::size_t kept_stats() const { return stats_memo_.size(); }

 private:
  // A dry run writes nothing, so the parts its earlier chunks assigned are
  // remembered here: per dry-run batch, the records written per
  // "target\ndataset\nsource_id". Only the few newest dry-run batches are kept.
  using PartCounts = std::map<std::string, int>;
  PartCounts DryRunCounts(evidence::Id batch_id);
  // ApplyIncidents and ApplyDisplacement, by the record type's traits `T`.
  template <typename T>
  Result<std::vector<evidence::RowOutcome>> Apply(evidence::Id batch_id,
                                                  const std::vector<typename T::Record>& records,
                                                  TimestampMs at, bool dry_run);
  void KeepDryRunCounts(evidence::Id batch_id, PartCounts counts);
  // `compute` in a read snapshot; its answer kept in stats_memo_ under
  // `key` and the versions of `dataset` (every dataset when empty) as this
  // snapshot sees them. Inside a unit of work (uncommitted writes) nothing
  // is looked up or kept.
  Result<evidence::StatsTable> Memoized(
      const std::string& dataset, const std::string& key,
      const std::function<Result<evidence::StatsTable>(sql::Connection&)>& compute);

  sql::Database& db_;
  std::mutex dry_mu_;
  std::map<evidence::Id, PartCounts> dry_counts_;  // under dry_mu_
  StatsMemo stats_memo_;
};

}  // namespace waymark::storage
