#include "storage/survey/survey_stores.h"

#include "core/strings.h"
#include "storage/store_util.h"

namespace waymark::storage {
namespace {

using internal::NotFoundAs;
using internal::OptId;
using internal::ReadSnapshot;
using sql::Connection;
using sql::Row;
using survey::Answer;
using survey::Batch;
using survey::BatchState;
using survey::Id;

constexpr char kBatchColumns[] =
    "b.id, b.org_id, o.slug, o.name, b.label, b.country, b.lang, b.state, b.token, b.created_by, "
    "b.created_at, b.closed_at, b.withdrawn_at, b.withdraw_reason, b.withdrawn_answers, "
    "(SELECT COUNT(*) FROM survey_answers a WHERE a.batch_id = b.id) ";
constexpr char kBatchFrom[] = "FROM survey_batches b JOIN organisations o ON o.id = b.org_id ";

Batch BatchFromRow(const Row& r) {
  Batch b;
  b.id = r.Int(0);
  b.org_id = r.Int(1);
  b.org_slug = r.Text(2);
  b.org_name = r.Text(3);
  b.label = r.Text(4);
  b.country = r.Text(5);
  b.lang = r.Text(6);
  b.state = survey::ParseBatchState(r.Text(7)).value_or(BatchState::kClosed);
  b.token = r.Text(8);
  b.created_by = r.OptInt(9);
  b.created_at = r.Int(10);
  b.closed_at = r.OptInt(11);
  b.withdrawn_at = r.OptInt(12);
  b.withdraw_reason = r.Text(13);
  b.withdrawn_answers = r.Int(14);
  b.answers = r.Int(15);
  return b;
}

std::vector<std::string> Codes(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= joined.size()) {
    std::size_t end = joined.find(',', start);
    if (end == std::string::npos) end = joined.size();
    if (end > start) out.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Result<Batch> LoadBatch(Connection& c, Id id) {
  auto row = c.QueryOne(std::string("SELECT ") + kBatchColumns + kBatchFrom + "WHERE b.id = $1", {id});
  if (!row.ok()) return NotFoundAs(row.status(), "no survey batch " + std::to_string(id));
  return BatchFromRow(*row);
}

class SqlSurveyStore final : public survey::SurveyStore {
 public:
  explicit SqlSurveyStore(sql::Database& db) : db_(db) {}

  Result<Batch> CreateBatch(const Batch& b) override {
    return sql::Transact<Batch>(db_, true, [&](Connection& c) -> Result<Batch> {
      auto row = c.QueryOne(
          "INSERT INTO survey_batches(org_id, label, country, lang, state, token, created_by, created_at) "
          "VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
          {b.org_id, b.label, b.country, b.lang, std::string(survey::ToString(b.state)), b.token,
           OptId(b.created_by), b.created_at});
      if (!row.ok()) {
        if (row.status().IsConflict()) return Status::Conflict("the batch token is taken");
        if (internal::IsForeignKeyViolation(row.status()))
          return Status::NotFound("no such organisation or user");
        return row.status();
      }
      return LoadBatch(c, row->Int(0));
    });
  }

  Result<Batch> GetBatch(Id id) override {
    return ReadSnapshot<Batch>(db_, [&](Connection& c) { return LoadBatch(c, id); });
  }

  Result<Batch> FindBatchByToken(const std::string& token) override {
    return ReadSnapshot<Batch>(db_, [&](Connection& c) -> Result<Batch> {
      auto row =
          c.QueryOne(std::string("SELECT ") + kBatchColumns + kBatchFrom + "WHERE b.token = $1", {token});
      if (!row.ok()) return NotFoundAs(row.status(), "no such survey link");
      return BatchFromRow(*row);
    });
  }

  Result<std::vector<Batch>> ListBatches(const std::vector<Id>& org_ids, bool all) override {
    return ReadSnapshot<std::vector<Batch>>(db_, [&](Connection& c) -> Result<std::vector<Batch>> {
      std::vector<Batch> out;
      std::string order = "ORDER BY b.created_at DESC, b.id DESC";
      if (all) {
        WM_ASSIGN_OR_RETURN(auto rows,
                            c.Query(std::string("SELECT ") + kBatchColumns + kBatchFrom + order, {}));
        return internal::MapRows(rows, BatchFromRow);
      }
      for (const auto& batch : internal::InBatches(org_ids)) {
        WM_ASSIGN_OR_RETURN(
            auto rows, c.Query(std::string("SELECT ") + kBatchColumns + kBatchFrom + "WHERE b.org_id IN (" +
                                   internal::Placeholders(1, batch.size()) + ") " + order,
                               internal::IdParams(batch)));
        for (const auto& r : rows) out.push_back(BatchFromRow(r));
      }
      std::stable_sort(out.begin(), out.end(), [](const Batch& a, const Batch& b) {
        return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
      });
      return out;
    });
  }

  Result<Batch> SetBatchState(Id id, BatchState state, TimestampMs at, const std::string& reason) override {
    return sql::Transact<Batch>(db_, true, [&](Connection& c) -> Result<Batch> {
      std::string lock = c.dialect() == sql::Dialect::kPostgres ? " FOR UPDATE" : "";
      auto locked = c.QueryOne("SELECT state FROM survey_batches WHERE id = $1" + lock, {id});
      if (!locked.ok()) return NotFoundAs(locked.status(), "no survey batch " + std::to_string(id));
      std::string s(survey::ToString(state));
      if (state == BatchState::kWithdrawn) {
        // Answers that were being added wait for the row lock above and are
        // then refused (AddAnswer re-reads the state); those committed before
        // are all visible to this DELETE.
        WM_ASSIGN_OR_RETURN(std::int64_t deleted,
                            c.Execute("DELETE FROM survey_answers WHERE batch_id = $1", {id}));
        WM_RETURN_IF_ERROR(
            c.Execute("UPDATE survey_batches SET state=$2, withdrawn_at=$3, withdraw_reason=$4, "
                      "withdrawn_answers=withdrawn_answers+$5, closed_at=COALESCE(closed_at, $3) "
                      "WHERE id=$1",
                      {id, s, at, reason, deleted})
                .status());
      } else if (state == BatchState::kClosed) {
        WM_RETURN_IF_ERROR(
            c.Execute("UPDATE survey_batches SET state=$2, closed_at=$3 WHERE id=$1", {id, s, at}).status());
      } else {
        WM_RETURN_IF_ERROR(
            c.Execute("UPDATE survey_batches SET state=$2, closed_at=NULL WHERE id=$1", {id, s}).status());
      }
      return LoadBatch(c, id);
    });
  }

  Result<Answer> AddAnswer(const Answer& a) override {
    return sql::Transact<Answer>(db_, true, [&](Connection& c) -> Result<Answer> {
      // A share lock: waits for a withdrawal in progress, and makes one that
      // starts now wait for this insert (see SetBatchState).
      std::string lock = c.dialect() == sql::Dialect::kPostgres ? " FOR SHARE" : "";
      auto batch = c.QueryOne("SELECT state FROM survey_batches WHERE id = $1" + lock, {a.batch_id});
      if (!batch.ok()) return NotFoundAs(batch.status(), "no survey batch " + std::to_string(a.batch_id));
      if (batch->Text(0) != "open") return Status::Conflict("this survey is closed");
      auto row = c.QueryOne(
          "INSERT INTO survey_answers(batch_id, org_id, interview_country, lang, origin, destination, "
          "year_left, month_left, age_band, gender, reasons, env_reason, env_factors, env_how, "
          "submitted_from, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) "
          "RETURNING id",
          {a.batch_id, a.org_id, a.interview_country, a.lang, a.origin, a.destination,
           static_cast<std::int64_t>(a.year_left),
           a.month_left ? sql::Value(static_cast<std::int64_t>(*a.month_left)) : sql::Value(sql::Null{}),
           a.age_band, a.gender, JoinStrings(a.reasons, ","), a.env_reason, JoinStrings(a.env_factors, ","),
           a.env_how, a.submitted_from, a.created_at});
      if (!row.ok()) return row.status();
      Answer out = a;
      out.id = row->Int(0);
      return out;
    });
  }

  Result<std::int64_t> CountAnswersFrom(Id batch_id, const std::string& submitted_from,
                                        TimestampMs since) override {
    return ReadSnapshot<std::int64_t>(db_, [&](Connection& c) -> Result<std::int64_t> {
      WM_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT COUNT(*) FROM survey_answers WHERE batch_id=$1 AND "
                                            "submitted_from=$2 AND created_at >= $3",
                                            {batch_id, submitted_from, since}));
      return r.Int(0);
    });
  }

  Result<std::vector<Answer>> ListAnswers(const survey::ResultsFilter& f) override {
    // The filters are always bound (NULL meaning "all"), so that there is one
    // statement to prepare.
    return ReadSnapshot<std::vector<Answer>>(db_, [&](Connection& c) -> Result<std::vector<Answer>> {
      WM_ASSIGN_OR_RETURN(
          auto rows,
          c.Query("SELECT a.id, a.batch_id, a.org_id, a.interview_country, a.lang, a.origin, a.destination, "
                  "a.year_left, a.month_left, a.age_band, a.gender, a.reasons, a.env_reason, a.env_factors, "
                  "a.env_how FROM survey_answers a JOIN survey_batches b ON b.id = a.batch_id "
                  "WHERE b.state <> 'withdrawn' AND (a.origin = $1 OR $1 = '') "
                  "AND (a.year_left = $2 OR $2 = 0) AND (a.org_id = $3 OR $3 = 0) ORDER BY a.id",
                  {f.origin, static_cast<std::int64_t>(f.year.value_or(0)), f.org_id.value_or(0)}));
      std::vector<Answer> out;
      out.reserve(rows.size());
      for (const auto& r : rows) {
        Answer a;
        a.id = r.Int(0);
        a.batch_id = r.Int(1);
        a.org_id = r.Int(2);
        a.interview_country = r.Text(3);
        a.lang = r.Text(4);
        a.origin = r.Text(5);
        a.destination = r.Text(6);
        a.year_left = static_cast<int>(r.Int(7));
        if (auto m = r.OptInt(8)) a.month_left = static_cast<int>(*m);
        a.age_band = r.Text(9);
        a.gender = r.Text(10);
        a.reasons = Codes(r.Text(11));
        a.env_reason = r.Text(12);
        a.env_factors = Codes(r.Text(13));
        a.env_how = r.Text(14);
        out.push_back(std::move(a));
      }
      return out;
    });
  }

 private:
  sql::Database& db_;
};

}  // namespace

struct SurveyStores::Impl {
  explicit Impl(sql::Database& db) : store(db) {}
  SqlSurveyStore store;
};

SurveyStores::SurveyStores(sql::Database& db) : impl_(std::make_unique<Impl>(db)) {}
SurveyStores::~SurveyStores() = default;
survey::SurveyStore& SurveyStores::store() { return impl_->store; }

}  // namespace waymark::storage
