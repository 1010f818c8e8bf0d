#include "domain/evidence/evidence_service.h"

#include <algorithm>
#include <set>
#include <streambuf>
#include <utility>

#include "crypto/crypto.h"

namespace waymark::evidence {
namespace {

// Reads through to another stream buffer, hashing and counting every byte
// on the way, so the file is read once and never held whole.
class HashingBuf final : public std::streambuf {
 public:
  HashingBuf(std::streambuf* source, std::function<void(std::int64_t)> progress)
      : source_(source), progress_(std::move(progress)) {}

  std::string FinalHex() { return sha_.FinalHex(); }
  std::int64_t bytes() const { return bytes_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    std::streamsize n = source_->sgetn(buf_, sizeof buf_);
    if (n <= 0) return traits_type::eof();
    sha_.Update(std::string_view(buf_, static_cast<std::size_t>(n)));
    bytes_ += n;
    if (progress_) progress_(bytes_);
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::streambuf* source_;
  std::function<void(std::int64_t)> progress_;
  crypto::Sha256 sha_;
  std::int64_t bytes_ = 0;
  char buf_[64 * 1024];
};

const std::vector<std::string>& IncidentDimensions() {
  static const std::vector<std::string> v = {"year", "month", "region", "country", "route", "cause"};
  return v;
}
const std::vector<std::string>& IncidentMeasures() {
  static const std::vector<std::string> v = {"dead", "missing", "total", "incidents"};
  return v;
}
const std::vector<std::string>& DisplacementDimensions() {
  static const std::vector<std::string> v = {"year", "country", "cause", "hazard", "kind"};
  return v;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Names the first unknown or repeated value of a list parameter.
Status CheckList(const std::string& field, const std::vector<std::string>& values,
                 const std::function<bool(const std::string&)>& known, const std::string& allowed) {
  FieldErrors errors;
  std::set<std::string> seen;
  for (const auto& v : values) {
    if (!known(v)) {
      std::string message = "unknown value \"" + v;
      message.append("\" (allowed: ").append(allowed).append(")");
      errors.Add(field, "unknown_value", message, {{"value", v}});
      break;
    }
    if (!seen.insert(v).second) {
      errors.Add(field, "repeated_value", "\"" + v + "\" is given twice", {{"value", v}});
      break;
    }
  }
  return errors.empty() ? Status::Ok() : errors.ToStatus("invalid " + field);
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

// A row's outcome from its records' outcomes: any new record makes the row
// accepted, else any changed one updated, else it is unchanged.
RowOutcome Fold(const std::vector<RowOutcome>& outcomes, std::size_t begin, std::size_t end) {
  RowOutcome row = RowOutcome::kUnchanged;
  for (std::size_t i = begin; i < end; ++i) {
    if (outcomes[i] == RowOutcome::kAccepted) return RowOutcome::kAccepted;
    if (outcomes[i] == RowOutcome::kUpdated) row = RowOutcome::kUpdated;
  }
  return row;
}

void Count(Batch& b, RowOutcome o) {
  switch (o) {
    case RowOutcome::kAccepted: ++b.accepted; break;
    case RowOutcome::kUpdated: ++b.updated; break;
    case RowOutcome::kUnchanged: ++b.unchanged; break;
    case RowOutcome::kRejected: ++b.rejected; break;
  }
}

// Streams one file of Record rows into the store in chunks, keeping file
// order for the report.
template <typename Record>
class ImportRun {
 public:
  using Apply = std::function<Result<std::vector<RowOutcome>>(const std::vector<Record>&)>;
  using Quarantine = std::function<Result<Id>(const ParsedRow<Record>&)>;

  ImportRun(Batch& batch, std::size_t chunk, Apply apply, Quarantine quarantine, const ImportObserver& obs)
      : batch_(batch),
        chunk_(chunk),
        apply_(std::move(apply)),
        quarantine_(std::move(quarantine)),
        obs_(obs) {}

  Status Add(ParsedRow<Record>&& row) {
    pending_records_ += row.records.size();
    rows_.push_back(std::move(row));
    if (pending_records_ >= chunk_ || rows_.size() >= chunk_) return Flush();
    return Status::Ok();
  }

  Status Flush() {
    std::vector<Record> records;
    records.reserve(pending_records_);
    for (auto& r : rows_) {
      for (auto& rec : r.records) records.push_back(std::move(rec));
    }
    std::vector<RowOutcome> outcomes;
    if (!records.empty()) {
      auto applied = apply_(records);
      if (!applied.ok()) return applied.status();
      outcomes = std::move(applied).value();
      if (outcomes.size() != records.size())
        return Status::Internal("store returned a wrong number of outcomes");
    }
    std::size_t at = 0;
    for (auto& r : rows_) {
      RowReport report;
      report.line = r.line;
      report.notes = std::move(r.notes);
      const std::size_t n = r.records.size();  // moved from above, still counted
      if (r.rejected()) {
        report.outcome = RowOutcome::kRejected;
        auto q = quarantine_(r);
        if (!q.ok()) return q.status();
        report.quarantine_id = q.value();
        report.problems = std::move(r.problems);
      } else {
        report.outcome = Fold(outcomes, at, at + n);
        if (n == 0)
          report.notes.push_back(RowProblem{r.line, 0, "", "no figure in this row: nothing to store"});
      }
      at += n;
      Count(batch_, report.outcome);
      if (obs_.on_row) obs_.on_row(report);
    }
    rows_.clear();
    pending_records_ = 0;
    return Status::Ok();
  }

 private:
  Batch& batch_;
  std::size_t chunk_;
  Apply apply_;
  Quarantine quarantine_;
  const ImportObserver& obs_;
  std::vector<ParsedRow<Record>> rows_;
  std::size_t pending_records_ = 0;
};

}  // namespace

EvidenceService::EvidenceService(accounts::Stores accounts, EvidenceStore& store, const Clock& clock,
                                 EvidenceOptions options)
    : accounts_(accounts), store_(store), clock_(clock), options_(options) {}

Result<bool> EvidenceService::IsOfficer(const Actor& actor) {
  if (actor.IsAdmin()) return true;
  if (!actor.user) return false;
  return store_.IsOfficer(actor.user->id);
}

Status EvidenceService::RequireOfficer(const Actor& actor) {
  if (!actor.is_operator && !actor.user) return Status::Unauthenticated("sign in as a data officer");
  auto officer = IsOfficer(actor);
  if (!officer.ok()) return officer.status();
  if (!officer.value()) return Status::PermissionDenied("only data officers may do this");
  return Status::Ok();
}

bool EvidenceService::CanSeeRecords(const Actor& actor, const std::string& dataset) {
  const DatasetInfo* info = FindDataset(dataset);
  if (info == nullptr || info->publication == Publication::kRecords) return true;
  auto officer = IsOfficer(actor);
  return officer.ok() && officer.value();
}

Status EvidenceService::SetOfficer(const Actor& actor, Id user_id, bool officer) {
  if (!actor.IsAdmin()) return Status::PermissionDenied("only administrators appoint data officers");
  auto user = accounts_.users->FindById(user_id);
  if (!user.ok()) return user.status();
  Status s = store_.SetOfficer(user_id, officer);
  if (!s.ok()) return s;
  return accounts_.audit->Record(accounts::AuditEntry::For(
      actor, clock_.NowMs(), officer ? "evidence.officer_add" : "evidence.officer_remove", "user",
      std::to_string(user_id)));
}

Result<std::vector<Id>> EvidenceService::ListOfficers(const Actor& actor) {
  if (!actor.IsAdmin()) return Status::PermissionDenied("only administrators see the data officers");
  return store_.ListOfficers();
}

Result<Batch> EvidenceService::Import(const Actor& actor, std::istream& in, const ImportRequest& req,
                                      const ImportObserver& obs) {
  if (Status s = RequireOfficer(actor); !s.ok()) return s;
  const auto& formats = req.target == ImportTarget::kIncidents ? IncidentFormats() : DisplacementFormats();
  if (req.format != "auto" && !Contains(formats, req.format)) {
    FieldErrors e;
    e.Add("format", "unknown_value",
          "unknown format \"" + req.format + "\" (allowed: auto, " + Join(formats) + ")",
          {{"value", req.format}});
    return e.ToStatus("unknown format");
  }

  Batch batch;
  batch.target = req.target;
  batch.format = req.format;
  batch.filename = req.filename;
  batch.dry_run = req.dry_run;
  batch.imported_by = actor.user ? actor.user->id : 0;
  batch.imported_by_label = actor.label;
  batch.started_at = clock_.NowMs();
  if (!req.dry_run) {
    auto created = store_.CreateBatch(batch);
    if (!created.ok()) return created.status();
    batch = std::move(created).value();
  } else {
    batch.id = -(++dry_runs_);
  }

  HashingBuf hashing(in.rdbuf(), obs.on_progress);
  std::istream hashed(&hashing);
  FileShape shape;
  auto on_shape = [&](const FileShape& s) -> Status {
    shape = s;
    batch.dataset = s.dataset;
    batch.format = s.format;
    batch.columns_used = s.columns_used;
    batch.columns_ignored = s.columns_ignored;
    if (obs.on_shape) obs.on_shape(s);
    return Status::Ok();
  };
  const TimestampMs at = batch.started_at;
  const auto chunk = static_cast<std::size_t>(std::max(1, options_.chunk_rows));

  auto quarantine = [&](auto& row) -> Result<Id> {
    if (req.dry_run) return Id{0};
    QuarantinedRow q;
    q.batch_id = batch.id;
    q.target = req.target;
    q.dataset = shape.dataset;
    q.format = shape.format;
    q.line = row.line;
    q.header = shape.header;
    q.raw = row.raw;
    q.problems = row.problems;
    q.created_at = at;
    auto added = store_.AddQuarantined(q);
    if (!added.ok()) return added.status();
    return added.value().id;
  };

  Result<FileShape> parsed = Status::Internal("not parsed");
  ParseOptions popts;
  popts.format = req.format;
  popts.filename = req.filename;
  popts.hxl_cause = req.hxl_cause;
  Status flushed;
  if (req.target == ImportTarget::kIncidents) {
    ImportRun<Incident> run(
        batch, chunk,
        [&](const std::vector<Incident>& recs) {
          return store_.ApplyIncidents(batch.id, recs, at, req.dry_run);
        },
        quarantine, obs);
    parsed = ParseIncidents(hashed, popts, RowSink<Incident>{on_shape, [&](ParsedRow<Incident>&& r) {
                                                               return run.Add(std::move(r));
                                                             }});
    if (parsed.ok()) flushed = run.Flush();
  } else {
    ImportRun<Displacement> run(
        batch, chunk,
        [&](const std::vector<Displacement>& recs) {
          return store_.ApplyDisplacement(batch.id, recs, at, req.dry_run);
        },
        quarantine, obs);
    parsed = ParseDisplacement(
        hashed, popts,
        RowSink<Displacement>{on_shape, [&](ParsedRow<Displacement>&& r) { return run.Add(std::move(r)); }});
    if (parsed.ok()) flushed = run.Flush();
  }

  batch.sha256 = hashing.FinalHex();
  batch.bytes = hashing.bytes();
  batch.finished_at = clock_.NowMs();
  Status failure = !parsed.ok() ? parsed.status() : flushed;
  batch.status = failure.ok() ? "done" : "failed";
  if (!req.dry_run) {
    if (Status s = store_.FinishBatch(batch); !s.ok()) return s;
    std::map<std::string, std::string> details = {{"file", batch.filename},
                                                  {"sha256", batch.sha256},
                                                  {"format", batch.format},
                                                  {"dataset", batch.dataset},
                                                  {"accepted", std::to_string(batch.accepted)},
                                                  {"updated", std::to_string(batch.updated)},
                                                  {"unchanged", std::to_string(batch.unchanged)},
                                                  {"rejected", std::to_string(batch.rejected)},
                                                  {"status", batch.status}};
    if (Status s = accounts_.audit->Record(accounts::AuditEntry::For(actor, batch.finished_at,
                                                                     "evidence.import", "evidence_batch",
                                                                     std::to_string(batch.id), details));
        !s.ok()) {
      return s;
    }
  }
  if (!failure.ok()) return failure;
  if (req.dry_run) batch.id = 0;  // its stand-in id was never stored
  return batch;
}

Result<std::vector<Batch>> EvidenceService::ListBatches(const Actor& actor, int limit) {
  if (Status s = RequireOfficer(actor); !s.ok()) return s;
  return store_.ListBatches(std::clamp(limit, 1, 500));
}

Result<Batch> EvidenceService::GetBatch(const Actor& actor, Id id) {
  if (Status s = RequireOfficer(actor); !s.ok()) return s;
  return store_.GetBatch(id);
}

Result<StatsAnswer> EvidenceService::IncidentStats(const Actor& actor, const IncidentFilter& f,
                                                   const StatsRequest& req) {
  (void)actor;  // incident datasets are record-level public
  if (Status s = CheckList(
          "group_by", req.group_by, [](const std::string& v) { return Contains(IncidentDimensions(), v); },
          Join(IncidentDimensions()));
      !s.ok()) {
    return s;
  }
  if (req.measures.empty()) {
    FieldErrors e;
    e.Add("measure", "required", "name at least one measure (" + Join(IncidentMeasures()) + ")");
    return e.ToStatus("no measure");
  }
  if (Status s = CheckList(
          "measure", req.measures, [](const std::string& v) { return Contains(IncidentMeasures(), v); },
          Join(IncidentMeasures()));
      !s.ok()) {
    return s;
  }
  auto table = store_.IncidentStats(f, req);
  if (!table.ok()) return table.status();
  StatsAnswer a;
  a.table = std::move(table).value();
  a.dataset = FindDataset(f.dataset);
  return a;
}

Result<StatsAnswer> EvidenceService::DisplacementStats(const Actor& actor, const DisplacementFilter& f,
                                                       const StatsRequest& req) {
  if (Status s = CheckList(
          "group_by", req.group_by,
          [](const std::string& v) { return Contains(DisplacementDimensions(), v); },
          Join(DisplacementDimensions()));
      !s.ok()) {
    return s;
  }
  if (req.measures.empty()) {
    FieldErrors e;
    e.Add("measure", "required", "name at least one measure (" + Join(FigureKinds()) + ")");
    return e.ToStatus("no measure");
  }
  if (Status s = CheckList(
          "measure", req.measures, [](const std::string& v) { return IsKnownFigureKind(v); },
          Join(FigureKinds()));
      !s.ok()) {
    return s;
  }
  StatsAnswer a;
  a.dataset = FindDataset(f.dataset);
  a.aggregates_only = a.dataset != nullptr && a.dataset->publication == Publication::kAggregates;
  a.min_cell = a.aggregates_only && !CanSeeRecords(actor, f.dataset) ? options_.min_cell : 0;
  auto table = store_.DisplacementStats(f, req, a.min_cell);
  if (!table.ok()) return table.status();
  a.table = std::move(table).value();
  return a;
}

Result<std::vector<Incident>> EvidenceService::ListIncidents(const Actor& actor, const IncidentFilter& f,
                                                             Page page) {
  if (!CanSeeRecords(actor, f.dataset)) {
    return Status::PermissionDenied("dataset " + f.dataset + " is published as aggregates only");
  }
  page.limit = std::clamp(page.limit, 1, 1000);
  return store_.ListIncidents(f, page);
}

Result<std::vector<Displacement>> EvidenceService::ListDisplacement(const Actor& actor,
                                                                    const DisplacementFilter& f, Page page) {
  if (!CanSeeRecords(actor, f.dataset)) {
    return Status::PermissionDenied("dataset " + f.dataset + " is published as aggregates only");
  }
  page.limit = std::clamp(page.limit, 1, 1000);
  return store_.ListDisplacement(f, page);
}

Result<std::int64_t> EvidenceService::CountIncidents(const Actor& actor, const IncidentFilter& f) {
  if (!CanSeeRecords(actor, f.dataset)) {
    return Status::PermissionDenied("dataset " + f.dataset + " is published as aggregates only");
  }
  return store_.CountIncidents(f);
}

Result<std::int64_t> EvidenceService::CountDisplacement(const Actor& actor, const DisplacementFilter& f) {
  if (!CanSeeRecords(actor, f.dataset)) {
    return Status::PermissionDenied("dataset " + f.dataset + " is published as aggregates only");
  }
  return store_.CountDisplacement(f);
}

Result<Incident> EvidenceService::GetIncident(const Actor& actor, Id id) {
  auto i = store_.GetIncident(id);
  if (!i.ok()) return i.status();
  if (!CanSeeRecords(actor, i.value().dataset)) return Status::NotFound("no such incident");
  return i;
}

Result<Displacement> EvidenceService::GetDisplacement(const Actor& actor, Id id) {
  auto d = store_.GetDisplacement(id);
  if (!d.ok()) return d.status();
  if (!CanSeeRecords(actor, d.value().dataset)) return Status::NotFound("no such figure");
  return d;
}

Result<std::vector<EvidenceStore::Revision>> EvidenceService::IncidentRevisions(const Actor& actor, Id id) {
  auto i = GetIncident(actor, id);
  if (!i.ok()) return i.status();
  return store_.IncidentRevisions(id);
}

Status EvidenceService::RecordExport(const Actor& actor, ImportTarget target, const std::string& format,
                                     const std::string& query) {
  std::string q = query.size() > options_.max_query ? query.substr(0, options_.max_query) : query;
  return accounts_.audit->Record(accounts::AuditEntry::For(actor, clock_.NowMs(), "evidence.export",
                                                           ImportTargetName(target), "",
                                                           {{"format", format}, {"query", q}}));
}

Result<std::vector<QuarantinedRow>> EvidenceService::ListQuarantined(const Actor& actor, Id batch_id,
                                                                     const std::string& status, Page page) {
  if (Status s = RequireOfficer(actor); !s.ok()) return s;
  if (!status.empty() && status != "open" && status != "resubmitted" && status != "discarded") {
    FieldErrors e;
    e.Add("status", "unknown_value",
          "unknown status \"" + status + "\" (allowed: open, resubmitted, discarded)");
    return e.ToStatus("unknown status");
  }
  page.limit = std::clamp(page.limit, 1, 500);
  return store_.ListQuarantined(batch_id, status, page);
}

Result<QuarantinedRow> EvidenceService::GetQuarantined(const Actor& actor, Id id) {
  if (Status s = RequireOfficer(actor); !s.ok()) return s;
  return store_.GetQuarantined(id);
}

Result<std::int64_t> EvidenceService::CountOpenQuarantine(const Actor& actor) {
  if (Status s = RequireOfficer(actor); !s.ok()) return s;
  return store_.CountQuarantined("open");
}

Result<RowReport> EvidenceService::Resubmit(const Actor& actor, Id quarantine_id,
                                            const std::string& corrected) {
  if (Status s = RequireOfficer(actor); !s.ok()) return s;
  auto got = store_.GetQuarantined(quarantine_id);
  if (!got.ok()) return got.status();
  QuarantinedRow row = std::move(got).value();
  if (row.status != "open") return Status::Conflict("this row is already " + row.status);
  if (corrected.size() > (1u << 20)) return Status::PayloadTooLarge("a corrected row is at most 1 MiB");

  RowReport report;
  report.line = row.line;
  report.quarantine_id = row.id;
  std::vector<RowOutcome> outcomes;
  std::size_t records = 0;

  Batch batch;
  batch.target = row.target;
  batch.dataset = row.dataset;
  batch.format = row.format;
  batch.filename =
      "quarantine row " + std::to_string(row.id) + " (batch " + std::to_string(row.batch_id) + ")";
  batch.imported_by = actor.user ? actor.user->id : 0;
  batch.imported_by_label = actor.label;
  batch.started_at = clock_.NowMs();
  batch.sha256 = crypto::Sha256Hex(corrected);
  batch.bytes = static_cast<std::int64_t>(corrected.size());

  // Claim the row first: of two officers resubmitting it (or one discarding
  // it) at once, only the one whose claim moves it out of "open" writes
  // anything; the other gets Conflict before any side effect.
  {
    QuarantinedRow claim = row;
    claim.status = "resubmitting";
    if (Status s = store_.ResolveQuarantined(claim, "open"); !s.ok()) return s;
  }
  // Gives the row back (still open) when the correction fails or cannot be written.
  auto release = [&](std::vector<RowProblem> problems) -> Status {
    QuarantinedRow back = row;
    back.raw = corrected;
    back.problems = std::move(problems);
    back.status = "open";
    return store_.ResolveQuarantined(back, "resubmitting");
  };

  auto reject = [&](std::vector<RowProblem> problems) -> Result<RowReport> {
    if (Status s = release(problems); !s.ok()) return s;
    FieldErrors e;
    const RowProblem& p = problems.front();
    e.Add(p.field.empty() ? "row" : p.field, "rejected",
          "line " + std::to_string(p.line) + ", column " + std::to_string(p.column) + ": " + p.reason);
    return e.ToStatus("the corrected row is still rejected");
  };

  auto write = [&](auto parsed, auto apply) -> Result<RowReport> {
    if (parsed.rejected()) return reject(parsed.problems);
    // A row parsed alone cannot know its file's name: it belongs where its batch put it.
    for (auto& rec : parsed.records) rec.dataset = row.dataset;
    auto created = store_.CreateBatch(batch);
    if (!created.ok()) return created.status();
    batch = std::move(created).value();
    records = parsed.records.size();
    if (records > 0) {
      auto applied = apply(batch.id, parsed.records);
      if (!applied.ok()) return applied.status();
      outcomes = std::move(applied).value();
    }
    report.outcome = Fold(outcomes, 0, outcomes.size());
    report.notes = parsed.notes;
    Count(batch, report.outcome);
    return report;
  };

  Result<RowReport> done = Status::Internal("not parsed");
  if (row.target == ImportTarget::kIncidents) {
    done = write(ReparseIncident(row.format, row.header, corrected, row.line),
                 [&](Id b, const std::vector<Incident>& recs) {
                   return store_.ApplyIncidents(b, recs, batch.started_at, false);
                 });
  } else {
    done = write(ReparseDisplacement(row.format, row.header, corrected, row.line),
                 [&](Id b, const std::vector<Displacement>& recs) {
                   return store_.ApplyDisplacement(b, recs, batch.started_at, false);
                 });
  }
  if (!done.ok()) {
    if (done.status().kind() != Status::Kind::kValidation) (void)release(row.problems);
    return done;
  }

  batch.finished_at = clock_.NowMs();
  batch.status = "done";
  if (Status s = store_.FinishBatch(batch); !s.ok()) return s;
  row.raw = corrected;
  row.problems.clear();
  row.status = "resubmitted";
  row.resolution = "accepted in batch " + std::to_string(batch.id);
  row.resolved_by = actor.user ? actor.user->id : 0;
  row.resolved_at = batch.finished_at;
  if (Status s = store_.ResolveQuarantined(row, "resubmitting"); !s.ok()) return s;
  if (Status s = accounts_.audit->Record(accounts::AuditEntry::For(
          actor, batch.finished_at, "evidence.quarantine_resubmit", "evidence_quarantine",
          std::to_string(row.id),
          {{"batch", std::to_string(batch.id)}, {"outcome", RowOutcomeName(done.value().outcome)}}));
      !s.ok()) {
    return s;
  }
  return done;
}

Status EvidenceService::Discard(const Actor& actor, Id quarantine_id, const std::string& reason) {
  if (Status s = RequireOfficer(actor); !s.ok()) return s;
  std::string why(reason);
  while (!why.empty() &&
         (why.back() == ' ' || why.back() == '\n' || why.back() == '\r' || why.back() == '\t')) {
    why.pop_back();
  }
  why.erase(0, why.find_first_not_of(" \t\r\n") == std::string::npos ? why.size()
                                                                     : why.find_first_not_of(" \t\r\n"));
  FieldErrors e;
  if (why.empty()) e.Add("reason", "required", "say why this row is discarded");
  if (why.size() > options_.max_reason) {
    e.Add("reason", "too_long", "at most " + std::to_string(options_.max_reason) + " bytes",
          {{"max", std::to_string(options_.max_reason)}});
  }
  if (!e.empty()) return e.ToStatus();
  auto got = store_.GetQuarantined(quarantine_id);
  if (!got.ok()) return got.status();
  QuarantinedRow row = std::move(got).value();
  if (row.status != "open") return Status::Conflict("this row is already " + row.status);
  row.status = "discarded";
  row.resolution = why;
  row.resolved_by = actor.user ? actor.user->id : 0;
  row.resolved_at = clock_.NowMs();
  if (Status s = store_.ResolveQuarantined(row, "open"); !s.ok()) return s;
  return accounts_.audit->Record(
      accounts::AuditEntry::For(actor, row.resolved_at, "evidence.quarantine_discard", "evidence_quarantine",
                                std::to_string(row.id), {{"reason", why}}));
}

Result<SavedQuery> EvidenceService::SaveQuery(const Actor& actor, SavedQuery q) {
  if (Status s = RequireOfficer(actor); !s.ok()) return s;
  FieldErrors e;
  if (q.title.empty()) e.Add("title", "required", "give the figure a title");
  if (q.title.size() > 200) e.Add("title", "too_long", "at most 200 bytes", {{"max", "200"}});
  if (q.query.empty()) e.Add("query", "required", "the query is empty");
  if (q.query.size() > options_.max_query) {
    e.Add("query", "too_long", "at most " + std::to_string(options_.max_query) + " bytes",
          {{"max", std::to_string(options_.max_query)}});
  }
  if (!e.empty()) return e.ToStatus();
  q.id = 0;
  q.created_by = actor.user ? actor.user->id : 0;
  q.created_at = clock_.NowMs();
  return store_.SaveQuery(q);
}

Result<SavedQuery> EvidenceService::GetQuery(Id id) { return store_.GetQuery(id); }

Result<std::vector<SavedQuery>> EvidenceService::ListQueries(int limit) {
  return store_.ListQueries(std::clamp(limit, 1, 500));
}

}  // namespace waymark::evidence
