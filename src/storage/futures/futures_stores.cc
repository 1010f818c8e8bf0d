#include "storage/futures/futures_stores.h"

#include <nlohmann/json.hpp>

#include "storage/store_util.h"

namespace waymark::storage {
namespace {

using futures::Check;
using futures::Id;
using futures::Rating;
using futures::Statement;
using futures::Vote;
using futures::Workshop;
using internal::NotFoundAs;
using internal::OptId;
using Json = nlohmann::json;
using sql::Connection;
using sql::Row;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json Parsed(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_object() ? j : Json::object();
}

template <typename T>
T Get(const Json& j, const char* key, T fallback = T{}) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  try {
    return it->get<T>();
  } catch (const Json::exception&) {
    return fallback;
  }
}

// ---- workshops ----

Json WorkshopBody(const Workshop& w) {
  return Json{
      {"title", w.title},   {"horizon_year", w.horizon_year}, {"areas", w.areas},
      {"groups", w.groups}, {"vote_budget", w.vote_budget},   {"facilitator_name", w.facilitator_name}};
}

constexpr char kWorkshopColumns[] =
    "SELECT id, slug, consultation_id, session_id, phase, facilitator_id, version, created_at, updated_at, "
    "body "
    "FROM futures_workshops ";

Workshop WorkshopFromRow(const Row& r) {
  Workshop w;
  w.id = r.Int(0);
  w.slug = r.Text(1);
  w.consultation_id = r.OptInt(2);
  w.session_id = r.OptInt(3);
  w.phase = futures::ParsePhase(r.Text(4)).value_or(futures::Phase::kClosed);
  w.facilitator_id = r.OptInt(5).value_or(0);
  w.version = r.Int(6);
  w.created_at = r.Int(7);
  w.updated_at = r.Int(8);
  Json b = Parsed(r.Text(9));
  w.title = Get<std::string>(b, "title");
  w.horizon_year = Get<int>(b, "horizon_year");
  w.areas = Get<std::vector<std::string>>(b, "areas");
  w.groups = Get<std::vector<std::string>>(b, "groups");
  w.vote_budget = Get<int>(b, "vote_budget", 5);
  w.facilitator_name = Get<std::string>(b, "facilitator_name");
  return w;
}

Result<Workshop> LoadWorkshop(Connection& c, Id id) {
  auto row = c.QueryOne(std::string(kWorkshopColumns) + "WHERE id=$1", {id});
  if (!row.ok()) return NotFoundAs(row.status(), "no workshop " + std::to_string(id));
  return WorkshopFromRow(*row);
}

// Bumps the workshop's change counter (which locks its row until the
// transaction ends: a row lock on PostgreSQL; SQLite's BEGIN IMMEDIATE
// holds the write lock already), then reads it and runs `check`.
Result<Workshop> LockAndCheck(Connection& c, Id workshop_id, TimestampMs at, const Check& check) {
  WM_ASSIGN_OR_RETURN(auto n, c.Execute("UPDATE futures_workshops SET version=version+1, "
                                        "updated_at=CASE WHEN updated_at > $2 THEN updated_at ELSE $2 END "
                                        "WHERE id=$1",
                                        {workshop_id, at}));
  if (n == 0) return Status::NotFound("no workshop " + std::to_string(workshop_id));
  WM_ASSIGN_OR_RETURN(Workshop w, LoadWorkshop(c, workshop_id));
  if (check) WM_RETURN_IF_ERROR(check(w));
  return w;
}

// ---- statements ----

constexpr char kStatementColumns[] =
    "SELECT id, workshop_id, area, breakout, kind, author_id, point_id, created_at, body FROM "
    "futures_statements ";

Statement StatementFromRow(const Row& r) {
  Statement s;
  s.id = r.Int(0);
  s.workshop_id = r.Int(1);
  s.area = r.Text(2);
  s.group = r.Text(3);
  s.kind = futures::ParseKind(r.Text(4)).value_or(futures::Kind::kPredicted);
  s.author_id = r.OptInt(5).value_or(0);
  s.point_id = r.OptInt(6);
  s.created_at = r.Int(7);
  Json b = Parsed(r.Text(8));
  s.text = Get<std::string>(b, "text");
  s.drivers = Get<std::string>(b, "drivers");
  s.signals = Get<std::string>(b, "signals");
  s.author_name = Get<std::string>(b, "author_name");
  return s;
}

Result<Statement> LoadStatement(Connection& c, Id id) {
  auto row = c.QueryOne(std::string(kStatementColumns) + "WHERE id=$1", {id});
  if (!row.ok()) return NotFoundAs(row.status(), "no statement " + std::to_string(id));
  return StatementFromRow(*row);
}

}  // namespace

struct FuturesStores::Impl final : futures::FuturesStore {
  explicit Impl(sql::Database& db) : db_(db) {}

  Result<Workshop> CreateWorkshop(const Workshop& w) override {
    return sql::Transact<Workshop>(db_, true, [&](Connection& c) -> Result<Workshop> {
      auto row = c.QueryOne(
          "INSERT INTO futures_workshops(slug, consultation_id, session_id, phase, facilitator_id, version, "
          "created_at, updated_at, body) VALUES ($1,$2,$3,$4,$5,1,$6,$7,$8) RETURNING id",
          {w.slug, OptId(w.consultation_id), OptId(w.session_id), std::string(futures::ToString(w.phase)),
           w.facilitator_id > 0 ? sql::Value(w.facilitator_id) : sql::Value(sql::Null{}), w.created_at,
           w.updated_at, Dump(WorkshopBody(w))});
      if (!row.ok())
        return row.status().IsConflict() ? Status::Conflict("the slug \"" + w.slug + "\" is taken")
                                         : row.status();
      return LoadWorkshop(c, row->Int(0));
    });
  }

  Result<Workshop> GetWorkshop(Id id) override {
    return sql::WithConnection<Workshop>(db_, [&](Connection& c) { return LoadWorkshop(c, id); });
  }

  Result<Workshop> FindWorkshopBySlug(const std::string& slug) override {
    return sql::WithConnection<Workshop>(db_, [&](Connection& c) -> Result<Workshop> {
      auto row = c.QueryOne(std::string(kWorkshopColumns) + "WHERE slug=$1", {slug});
      if (!row.ok()) return NotFoundAs(row.status(), "no workshop \"" + slug + "\"");
      return WorkshopFromRow(*row);
    });
  }

  Result<std::vector<Workshop>> ListWorkshops() override {
    return sql::WithConnection<std::vector<Workshop>>(
        db_, [&](Connection& c) -> Result<std::vector<Workshop>> {
          WM_ASSIGN_OR_RETURN(
              auto rows, c.Query(std::string(kWorkshopColumns) + "ORDER BY created_at DESC, id DESC", {}));
          return internal::MapRows(rows, WorkshopFromRow);
        });
  }

  Result<Workshop> ModifyWorkshop(Id id, const std::function<Status(Workshop&)>& change) override {
    return sql::Transact<Workshop>(db_, true, [&](Connection& c) -> Result<Workshop> {
      WM_ASSIGN_OR_RETURN(Workshop w, LockAndCheck(c, id, 0, nullptr));
      WM_RETURN_IF_ERROR(change(w));
      WM_RETURN_IF_ERROR(
          c.Execute("UPDATE futures_workshops SET consultation_id=$2, session_id=$3, phase=$4, "
                    "updated_at=$5, body=$6 WHERE id=$1",
                    {id, OptId(w.consultation_id), OptId(w.session_id),
                     std::string(futures::ToString(w.phase)), w.updated_at, Dump(WorkshopBody(w))})
              .status());
      return LoadWorkshop(c, id);
    });
  }

  Result<Statement> AddStatement(const Statement& s, const Check& check) override {
    return sql::Transact<Statement>(db_, true, [&](Connection& c) -> Result<Statement> {
      WM_RETURN_IF_ERROR(LockAndCheck(c, s.workshop_id, s.created_at, check).status());
      Json body{
          {"text", s.text}, {"drivers", s.drivers}, {"signals", s.signals}, {"author_name", s.author_name}};
      WM_ASSIGN_OR_RETURN(
          Row row, c.QueryOne("INSERT INTO futures_statements(workshop_id, area, breakout, kind, author_id, "
                              "created_at, body) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
                              {s.workshop_id, s.area, s.group, std::string(futures::ToString(s.kind)),
                               s.author_id > 0 ? sql::Value(s.author_id) : sql::Value(sql::Null{}),
                               s.created_at, Dump(body)}));
      return LoadStatement(c, row.Int(0));
    });
  }

  Result<Statement> GetStatement(Id id) override {
    return sql::WithConnection<Statement>(db_, [&](Connection& c) { return LoadStatement(c, id); });
  }

  Result<std::vector<Statement>> ListStatements(Id workshop_id) override {
    return sql::WithConnection<std::vector<Statement>>(
        db_, [&](Connection& c) -> Result<std::vector<Statement>> {
          WM_ASSIGN_OR_RETURN(
              auto rows,
              c.Query(std::string(kStatementColumns) + "WHERE workshop_id=$1 ORDER BY id", {workshop_id}));
          return internal::MapRows(rows, StatementFromRow);
        });
  }

  Result<Statement> SetStatementPoint(Id statement_id, Id point_id) override {
    return sql::Transact<Statement>(db_, true, [&](Connection& c) -> Result<Statement> {
      WM_ASSIGN_OR_RETURN(Statement s, LoadStatement(c, statement_id));
      WM_RETURN_IF_ERROR(LockAndCheck(c, s.workshop_id, 0, nullptr).status());
      WM_ASSIGN_OR_RETURN(
          auto n, c.Execute("UPDATE futures_statements SET point_id=$2 WHERE id=$1 AND point_id IS NULL",
                            {statement_id, point_id}));
      if (n == 0) return Status::Conflict("the statement is already an action point");
      return LoadStatement(c, statement_id);
    });
  }

  Result<Rating> UpsertRating(Id workshop_id, const Rating& r, const Check& check) override {
    return sql::Transact<Rating>(db_, true, [&](Connection& c) -> Result<Rating> {
      WM_RETURN_IF_ERROR(LockAndCheck(c, workshop_id, r.at, check).status());
      WM_RETURN_IF_ERROR(
          c.Execute("INSERT INTO futures_ratings(statement_id, user_id, workshop_id, likelihood, "
                    "desirability, at) "
                    "VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (statement_id, user_id) DO UPDATE SET "
                    "likelihood=excluded.likelihood, desirability=excluded.desirability, at=excluded.at",
                    {r.statement_id, r.user_id, workshop_id, static_cast<std::int64_t>(r.likelihood),
                     static_cast<std::int64_t>(r.desirability), r.at})
              .status());
      return r;
    });
  }

  Result<std::vector<Rating>> ListRatings(Id workshop_id) override {
    return sql::WithConnection<std::vector<Rating>>(db_, [&](Connection& c) -> Result<std::vector<Rating>> {
      WM_ASSIGN_OR_RETURN(auto rows,
                          c.Query("SELECT statement_id, user_id, likelihood, desirability, at FROM "
                                  "futures_ratings WHERE workshop_id=$1 ORDER BY statement_id, user_id",
                                  {workshop_id}));
      return internal::MapRows(rows, [](const Row& r) {
        return Rating{r.Int(0), r.Int(1), static_cast<int>(r.Int(2)), static_cast<int>(r.Int(3)), r.Int(4)};
      });
    });
  }

  Result<int> AddVote(const Vote& v, int budget, const Check& check) override {
    return sql::Transact<int>(db_, true, [&](Connection& c) -> Result<int> {
      WM_RETURN_IF_ERROR(LockAndCheck(c, v.workshop_id, v.at, check).status());
      WM_ASSIGN_OR_RETURN(auto rows,
                          c.Query("SELECT slot FROM futures_votes WHERE workshop_id=$1 AND user_id=$2 "
                                  "ORDER BY slot",
                                  {v.workshop_id, v.user_id}));
      if (static_cast<int>(rows.size()) >= budget)
        return futures::FieldStatus("votes", "fu_over_budget",
                                    "are all spent (" + std::to_string(budget) + "); take one back first",
                                    {{"budget", std::to_string(budget)}});
      std::int64_t slot = 1;
      for (const auto& r : rows) {
        if (r.Int(0) != slot) break;
        ++slot;
      }
      auto done = c.Execute(
          "INSERT INTO futures_votes(workshop_id, statement_id, user_id, slot, at) VALUES ($1,$2,$3,$4,$5)",
          {v.workshop_id, v.statement_id, v.user_id, slot, v.at});
      if (!done.ok()) {
        if (done.status().IsConflict())
          return futures::FieldStatus("votes", "fu_over_budget", "are all spent; take one back first",
                                      {{"budget", std::to_string(budget)}});
        return done.status();
      }
      return static_cast<int>(rows.size()) + 1;
    });
  }

  Result<int> RemoveVote(Id workshop_id, Id statement_id, Id user_id, const Check& check) override {
    return sql::Transact<int>(db_, true, [&](Connection& c) -> Result<int> {
      WM_RETURN_IF_ERROR(LockAndCheck(c, workshop_id, 0, check).status());
      auto row = c.QueryOne(
          "SELECT MAX(slot) FROM futures_votes WHERE workshop_id=$1 AND statement_id=$2 AND "
          "user_id=$3",
          {workshop_id, statement_id, user_id});
      if (!row.ok()) return row.status();
      if (row->IsNull(0)) return Status::NotFound("no vote of yours on this statement");
      WM_RETURN_IF_ERROR(
          c.Execute("DELETE FROM futures_votes WHERE workshop_id=$1 AND user_id=$2 AND slot=$3",
                    {workshop_id, user_id, row->Int(0)})
              .status());
      WM_ASSIGN_OR_RETURN(Row n,
                          c.QueryOne("SELECT COUNT(*) FROM futures_votes WHERE workshop_id=$1 AND user_id=$2",
                                     {workshop_id, user_id}));
      return static_cast<int>(n.Int(0));
    });
  }

  Result<std::vector<Vote>> ListVotes(Id workshop_id) override {
    return sql::WithConnection<std::vector<Vote>>(db_, [&](Connection& c) -> Result<std::vector<Vote>> {
      WM_ASSIGN_OR_RETURN(auto rows,
                          c.Query("SELECT id, workshop_id, statement_id, user_id, at FROM futures_votes "
                                  "WHERE workshop_id=$1 ORDER BY id",
                                  {workshop_id}));
      return internal::MapRows(rows, [](const Row& r) {
        return Vote{r.Int(0), r.Int(1), r.Int(2), r.Int(3), r.Int(4)};
      });
    });
  }

  sql::Database& db_;
};

FuturesStores::FuturesStores(sql::Database& db) : impl_(std::make_unique<Impl>(db)) {}
FuturesStores::~FuturesStores() = default;
futures::FuturesStore& FuturesStores::store() { return *impl_; }

}  // namespace waymark::storage
