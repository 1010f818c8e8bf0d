#include "storage/accounts/account_stores.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "storage/store_util.h"

namespace waymark::storage {
namespace {

using accounts::ApiToken;
using accounts::AuditEntry;
using accounts::Id;
using accounts::Membership;
using accounts::Organisation;
using accounts::Session;
using accounts::User;
using sql::Connection;
using sql::Row;

constexpr char kOrgColumns[] =
    "id, slug, name, acronym, kind, country, website, description, council_observer, created_at, "
    "updated_at, version";

Organisation OrgFromRow(const Row& r) {
  Organisation o;
  o.id = r.Int(0);
  o.slug = r.Text(1);
  o.name = r.Text(2);
  o.acronym = r.OptText(3);
  o.kind = accounts::ParseOrgKind(r.Text(4)).value_or(accounts::OrgKind::kOther);
  o.country = r.OptText(5);
  o.website = r.OptText(6);
  o.description = r.Text(7);
  o.council_observer = r.Bool(8);
  o.created_at = r.Int(9);
  o.updated_at = r.Int(10);
  o.version = r.Int(11);
  return o;
}

// Writes every mutable field of `org` and bumps the version, if the stored
// version is `version`. Returns the number of rows changed (0 or 1).
Result<std::int64_t> WriteIfVersion(Connection& c, const Organisation& org, std::int64_t version) {
  return c.Execute(
      "UPDATE organisations SET name=$2, acronym=$3, kind=$4, country=$5, website=$6, description=$7, "
      "council_observer=$8, updated_at=$9, version=version+1 WHERE id=$1 AND version=$10",
      {org.id, org.name, sql::Opt(org.acronym), std::string(accounts::ToString(org.kind)),
       sql::Opt(org.country), sql::Opt(org.website), org.description,
       static_cast<std::int64_t>(org.council_observer), org.updated_at, version});
}

class SqlOrganisationStore final : public accounts::OrganisationStore {
 public:
  explicit SqlOrganisationStore(sql::Database& db) : db_(db) {}

  Result<Organisation> Create(const Organisation& org) override {
    return sql::WithConnection<Organisation>(db_, [&](Connection& c) -> Result<Organisation> {
      WM_ASSIGN_OR_RETURN(
          Row r,
          c.QueryOne("INSERT INTO organisations(slug, name, acronym, kind, country, website, description, "
                     "council_observer, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) "
                     "RETURNING id",
                     {org.slug, org.name, sql::Opt(org.acronym), std::string(accounts::ToString(org.kind)),
                      sql::Opt(org.country), sql::Opt(org.website), org.description,
                      static_cast<std::int64_t>(org.council_observer), org.created_at, org.updated_at}));
      Organisation out = org;
      out.id = r.Int(0);
      return out;
    });
  }

  Status Update(const Organisation& org) override {
    return sql::TransactStatus(db_, true, [&](Connection& c) -> Status {
      WM_ASSIGN_OR_RETURN(std::int64_t n, WriteIfVersion(c, org, org.version));
      if (n == 1) return Status::Ok();
      auto exists = c.QueryOne("SELECT version FROM organisations WHERE id=$1", {org.id});
      if (!exists.ok()) {
        return exists.status().IsNotFound() ? Status::NotFound("no organisation " + std::to_string(org.id))
                                            : exists.status();
      }
      return Status::Conflict("organisation was changed by someone else (version " +
                              std::to_string(exists->Int(0)) + ", not " + std::to_string(org.version) + ")");
    });
  }

  Result<Organisation> Modify(const std::string& slug,
                              const std::function<Result<Organisation>(Organisation)>& change) override {
    return sql::Transact<Organisation>(db_, true, [&](Connection& c) -> Result<Organisation> {
      std::string lock = c.dialect() == sql::Dialect::kPostgres ? " FOR UPDATE" : "";
      auto row = c.QueryOne(std::string("SELECT ") + kOrgColumns + " FROM organisations WHERE slug=$1" + lock,
                            {slug});
      if (!row.ok())
        return row.status().IsNotFound() ? Status::NotFound("no such organisation") : row.status();
      Organisation before = OrgFromRow(*row);
      WM_ASSIGN_OR_RETURN(Organisation org, change(before));
      // Invariant: `change` may not re-key the record.
      assert(org.id == before.id && org.slug == before.slug);
      // The row is locked (or the database is) since the read: the version still matches.
      WM_RETURN_IF_ERROR(WriteIfVersion(c, org, before.version).status());
      org.version = before.version + 1;
      return org;
    });
  }

  Result<Organisation> FindBySlug(const std::string& slug) override { return FindWhere("slug=$1", {slug}); }
  Result<Organisation> FindById(Id id) override { return FindWhere("id=$1", {id}); }

  Result<std::vector<Organisation>> FindBySlugs(const std::vector<std::string>& slugs) override {
    std::vector<Organisation> out;
    if (slugs.empty()) return out;
    return sql::WithConnection<std::vector<Organisation>>(
        db_, [&](Connection& c) -> Result<std::vector<Organisation>> {
          // Batches of a fixed size keep the statement cache small and the
          // parameters under every backend's limit.
          constexpr std::size_t kBatch = 32;
          for (std::size_t from = 0; from < slugs.size(); from += kBatch) {
            const std::size_t n = std::min(kBatch, slugs.size() - from);
            sql::Params params(slugs.begin() + static_cast<std::ptrdiff_t>(from),
                               slugs.begin() + static_cast<std::ptrdiff_t>(from + n));
            WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kOrgColumns +
                                                       " FROM organisations WHERE slug IN (" +
                                                       internal::Placeholders(1, n) + ")",
                                                   params));
            for (auto& o : internal::MapRows(rows, OrgFromRow)) out.push_back(std::move(o));
          }
          return out;
        });
  }

  Result<std::vector<Organisation>> List(int limit, int offset) override {
    return sql::WithConnection<std::vector<Organisation>>(
        db_, [&](Connection& c) -> Result<std::vector<Organisation>> {
          WM_ASSIGN_OR_RETURN(auto rows,
                              c.Query(std::string("SELECT ") + kOrgColumns +
                                          " FROM organisations ORDER BY name, id LIMIT $1 OFFSET $2",
                                      {static_cast<std::int64_t>(limit), static_cast<std::int64_t>(offset)}));
          return internal::MapRows(rows, OrgFromRow);
        });
  }

  Result<int> Count() override {
    return sql::WithConnection<int>(db_, [&](Connection& c) -> Result<int> {
      WM_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT COUNT(*) FROM organisations", {}));
      return static_cast<int>(r.Int(0));
    });
  }

 private:
  Result<Organisation> FindWhere(const std::string& where, const sql::Params& params) {
    return sql::WithConnection<Organisation>(db_, [&](Connection& c) -> Result<Organisation> {
      auto r =
          c.QueryOne(std::string("SELECT ") + kOrgColumns + " FROM organisations WHERE " + where, params);
      if (!r.ok()) return r.status().IsNotFound() ? Status::NotFound("no such organisation") : r.status();
      return OrgFromRow(*r);
    });
  }

  sql::Database& db_;
};

constexpr char kUserColumns[] = "id, email, name, locale, is_admin, must_change_password, created_at";

User UserFromRow(const Row& r) {
  User u;
  u.id = r.Int(0);
  u.email = r.Text(1);
  u.name = r.Text(2);
  u.locale = r.Text(3);
  u.is_admin = r.Bool(4);
  u.must_change_password = r.Bool(5);
  u.created_at = r.Int(6);
  return u;
}

Status LoadMemberships(Connection& c, User& u) {
  WM_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("SELECT m.organisation_id, o.slug, o.name, m.role FROM memberships m "
              "JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id=$1 ORDER BY o.name",
              {u.id}));
  u.memberships.clear();
  for (const auto& r : rows) {
    Membership m;
    m.organisation_id = r.Int(0);
    m.organisation_slug = r.Text(1);
    m.organisation_name = r.Text(2);
    m.role = accounts::ParseRole(r.Text(3)).value_or(accounts::Role::kMember);
    u.memberships.push_back(std::move(m));
  }
  return Status::Ok();
}

class SqlUserStore final : public accounts::UserStore {
 public:
  explicit SqlUserStore(sql::Database& db) : db_(db) {}

  Result<User> Create(const accounts::NewUser& nu) override {
    return sql::WithConnection<User>(db_, [&](Connection& c) -> Result<User> {
      WM_ASSIGN_OR_RETURN(
          Row r, c.QueryOne("INSERT INTO users(email, email_key, name, locale, password_hash, is_admin, "
                            "must_change_password, created_at, updated_at) VALUES "
                            "($1,$2,$3,$4,$5,$6,$7,$8,$8) RETURNING id",
                            {nu.email, ToLowerAscii(nu.email), nu.name, nu.locale, nu.password_hash,
                             static_cast<std::int64_t>(nu.is_admin),
                             static_cast<std::int64_t>(nu.must_change_password), nu.created_at}));
      User u;
      u.id = r.Int(0);
      u.email = nu.email;
      u.name = nu.name;
      u.locale = nu.locale;
      u.is_admin = nu.is_admin;
      u.must_change_password = nu.must_change_password;
      u.created_at = nu.created_at;
      return u;
    });
  }

  Result<User> FindById(Id id) override { return FindWhere("id=$1", {id}); }
  Result<User> FindByEmail(const std::string& email) override {
    return FindWhere("email_key=$1", {ToLowerAscii(email)});
  }

  Result<std::vector<User>> List(int limit, int offset) override {
    return sql::WithConnection<std::vector<User>>(db_, [&](Connection& c) -> Result<std::vector<User>> {
      WM_ASSIGN_OR_RETURN(
          auto rows,
          c.Query(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY name, id LIMIT $1 OFFSET $2",
                  {static_cast<std::int64_t>(limit), static_cast<std::int64_t>(offset)}));
      std::vector<User> out;
      for (const auto& r : rows) {
        User u = UserFromRow(r);
        WM_RETURN_IF_ERROR(LoadMemberships(c, u));
        out.push_back(std::move(u));
      }
      return out;
    });
  }

  Status UpdateProfile(const User& u, TimestampMs now) override {
    return ExpectOne("UPDATE users SET name=$2, locale=$3, is_admin=$4, updated_at=$5 WHERE id=$1",
                     {u.id, u.name, u.locale, static_cast<std::int64_t>(u.is_admin), now});
  }

  Status SetLocale(Id user_id, const std::string& locale, TimestampMs now) override {
    return ExpectOne("UPDATE users SET locale=$2, updated_at=$3 WHERE id=$1", {user_id, locale, now});
  }

  Status SetAdmin(Id user_id, bool is_admin, TimestampMs now) override {
    return ExpectOne("UPDATE users SET is_admin=$2, updated_at=$3 WHERE id=$1",
                     {user_id, static_cast<std::int64_t>(is_admin), now});
  }

  Result<std::string> PasswordHash(Id user_id) override {
    return sql::WithConnection<std::string>(db_, [&](Connection& c) -> Result<std::string> {
      auto r = c.QueryOne("SELECT password_hash FROM users WHERE id=$1", {user_id});
      if (!r.ok()) return r.status().IsNotFound() ? Status::NotFound("no such person") : r.status();
      return r->Text(0);
    });
  }

  Status SetPassword(Id user_id, const std::string& hash, bool must_change, TimestampMs now) override {
    return ExpectOne("UPDATE users SET password_hash=$2, must_change_password=$3, updated_at=$4 WHERE id=$1",
                     {user_id, hash, static_cast<std::int64_t>(must_change), now});
  }

  Status SetMembership(Id user_id, Id org_id, accounts::Role role, TimestampMs now) override {
    return sql::WithConnection<std::int64_t>(
               db_,
               [&](Connection& c) {
                 return c.Execute(
                     "INSERT INTO memberships(user_id, organisation_id, role, created_at) VALUES "
                     "($1,$2,$3,$4) "
                     "ON CONFLICT (user_id, organisation_id) DO UPDATE SET role = excluded.role",
                     {user_id, org_id, std::string(accounts::ToString(role)), now});
               })
        .status();
  }

  Status RemoveMembership(Id user_id, Id org_id) override {
    return ExpectOne("DELETE FROM memberships WHERE user_id=$1 AND organisation_id=$2", {user_id, org_id});
  }

 private:
  Result<User> FindWhere(const std::string& where, const sql::Params& params) {
    return sql::WithConnection<User>(db_, [&](Connection& c) -> Result<User> {
      auto r = c.QueryOne(std::string("SELECT ") + kUserColumns + " FROM users WHERE " + where, params);
      if (!r.ok()) return r.status().IsNotFound() ? Status::NotFound("no such person") : r.status();
      User u = UserFromRow(*r);
      WM_RETURN_IF_ERROR(LoadMemberships(c, u));
      return u;
    });
  }

  Status ExpectOne(const std::string& stmt, const sql::Params& params) {
    auto n = sql::WithConnection<std::int64_t>(db_, [&](Connection& c) { return c.Execute(stmt, params); });
    if (!n.ok()) return n.status();
    return *n == 0 ? Status::NotFound("no such record") : Status::Ok();
  }

  sql::Database& db_;
};

class SqlSessionStore final : public accounts::SessionStore {
 public:
  explicit SqlSessionStore(sql::Database& db) : db_(db) {}

  Status Create(const Session& s) override {
    return sql::WithConnection<std::int64_t>(
               db_,
               [&](Connection& c) {
                 return c.Execute(
                     "INSERT INTO sessions(id_hash, user_id, csrf_token, created_at, expires_at, "
                     "last_seen_at) "
                     "VALUES ($1,$2,$3,$4,$5,$6)",
                     {s.id_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at, s.last_seen_at});
               })
        .status();
  }

  Result<Session> Find(const std::string& id_hash, TimestampMs now) override {
    return sql::WithConnection<Session>(db_, [&](Connection& c) -> Result<Session> {
      auto r = c.QueryOne(
          "SELECT id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at FROM sessions "
          "WHERE id_hash=$1 AND expires_at > $2",
          {id_hash, now});
      if (!r.ok()) return r.status().IsNotFound() ? Status::NotFound("no such session") : r.status();
      Session s;
      s.id_hash = r->Text(0);
      s.user_id = r->Int(1);
      s.csrf_token = r->Text(2);
      s.created_at = r->Int(3);
      s.expires_at = r->Int(4);
      s.last_seen_at = r->Int(5);
      return s;
    });
  }

  Status Touch(const std::string& id_hash, TimestampMs now) override {
    return Exec("UPDATE sessions SET last_seen_at=$2 WHERE id_hash=$1", {id_hash, now}).status();
  }
  Status Delete(const std::string& id_hash) override {
    return Exec("DELETE FROM sessions WHERE id_hash=$1", {id_hash}).status();
  }
  Result<int> DeleteForUser(Id user_id) override {
    auto n = Exec("DELETE FROM sessions WHERE user_id=$1", {user_id});
    if (!n.ok()) return n.status();
    return static_cast<int>(*n);
  }
  Result<int> DeleteExpired(TimestampMs now) override {
    auto n = Exec("DELETE FROM sessions WHERE expires_at <= $1", {now});
    if (!n.ok()) return n.status();
    return static_cast<int>(*n);
  }

 private:
  Result<std::int64_t> Exec(const std::string& stmt, const sql::Params& params) {
    return sql::WithConnection<std::int64_t>(db_, [&](Connection& c) { return c.Execute(stmt, params); });
  }
  sql::Database& db_;
};

constexpr char kTokenColumns[] = "id, user_id, name, created_at, last_used_at, revoked_at";

ApiToken TokenFromRow(const Row& r) {
  ApiToken t;
  t.id = r.Int(0);
  t.user_id = r.Int(1);
  t.name = r.Text(2);
  t.created_at = r.Int(3);
  t.last_used_at = r.OptInt(4);
  t.revoked_at = r.OptInt(5);
  return t;
}

class SqlTokenStore final : public accounts::TokenStore {
 public:
  explicit SqlTokenStore(sql::Database& db) : db_(db) {}

  Result<ApiToken> Create(Id user_id, const std::string& name, const std::string& hash,
                          TimestampMs now) override {
    return sql::WithConnection<ApiToken>(db_, [&](Connection& c) -> Result<ApiToken> {
      WM_ASSIGN_OR_RETURN(Row r, c.QueryOne("INSERT INTO api_tokens(user_id, name, token_hash, created_at) "
                                            "VALUES ($1,$2,$3,$4) RETURNING id",
                                            {user_id, name, hash, now}));
      ApiToken t;
      t.id = r.Int(0);
      t.user_id = user_id;
      t.name = name;
      t.created_at = now;
      return t;
    });
  }

  Result<ApiToken> FindActiveByHash(const std::string& hash) override {
    return sql::WithConnection<ApiToken>(db_, [&](Connection& c) -> Result<ApiToken> {
      auto r = c.QueryOne(std::string("SELECT ") + kTokenColumns +
                              " FROM api_tokens WHERE token_hash=$1 AND revoked_at IS NULL",
                          {hash});
      if (!r.ok()) return r.status().IsNotFound() ? Status::NotFound("no such token") : r.status();
      return TokenFromRow(*r);
    });
  }

  Status MarkUsed(Id token_id, TimestampMs now) override {
    return sql::WithConnection<std::int64_t>(
               db_,
               [&](Connection& c) {
                 return c.Execute("UPDATE api_tokens SET last_used_at=$2 WHERE id=$1", {token_id, now});
               })
        .status();
  }

  Status Revoke(Id token_id, Id user_id, TimestampMs now) override {
    auto n = sql::WithConnection<std::int64_t>(db_, [&](Connection& c) {
      return c.Execute(
          "UPDATE api_tokens SET revoked_at=$3 WHERE id=$1 AND user_id=$2 AND revoked_at IS NULL",
          {token_id, user_id, now});
    });
    if (!n.ok()) return n.status();
    return *n == 0 ? Status::NotFound("no such active token") : Status::Ok();
  }

  Result<int> RevokeAllForUser(Id user_id, TimestampMs now) override {
    auto n = sql::WithConnection<std::int64_t>(db_, [&](Connection& c) {
      return c.Execute("UPDATE api_tokens SET revoked_at=$2 WHERE user_id=$1 AND revoked_at IS NULL",
                       {user_id, now});
    });
    if (!n.ok()) return n.status();
    return static_cast<int>(*n);
  }

  Result<std::vector<ApiToken>> ListForUser(Id user_id) override {
    return sql::WithConnection<std::vector<ApiToken>>(
        db_, [&](Connection& c) -> Result<std::vector<ApiToken>> {
          WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kTokenColumns +
                                                     " FROM api_tokens WHERE user_id=$1 ORDER BY id",
                                                 {user_id}));
          std::vector<ApiToken> out;
          out.reserve(rows.size());
          for (const auto& r : rows) out.push_back(TokenFromRow(r));
          return out;
        });
  }

 private:
  sql::Database& db_;
};

// The advisory lock of one throttle key on PostgreSQL: the key's 32-bit
// FNV-1a hash under a class of its own ("WmTh"), apart from the other locks
// (which are single 64-bit constants). Colliding keys merely share a lock.
std::int64_t ThrottleLockId(std::string_view key) {
  std::uint32_t h = 2166136261u;
  for (unsigned char ch : key) {
    h ^= ch;
    h *= 16777619u;
  }
  return (std::int64_t{0x576d5468} << 32) | static_cast<std::int64_t>(h);
}

class SqlThrottleStore final : public accounts::ThrottleStore {
 public:
  explicit SqlThrottleStore(sql::Database& db) : db_(db) {}

  Status RecordFailure(const std::string& key, TimestampMs at) override {
    return Exec("INSERT INTO signin_failures(key, at) VALUES ($1,$2)", {key, at});
  }

  Result<Window> FailuresSince(const std::string& key, TimestampMs since) override {
    return sql::WithConnection<Window>(db_, [&](Connection& c) { return Count(c, key, since); });
  }

  Status Admit(const std::vector<std::string>& keys, TimestampMs since, TimestampMs at,
               const std::string& attempt,
               const std::function<Status(const std::vector<Window>&)>& decide) override {
    return sql::TransactStatus(db_, true, [&](Connection& c) -> Status {
      if (c.dialect() == sql::Dialect::kPostgres) {
        // SQLite's write lock already serialises this transaction against
        // every other writer. On PostgreSQL each key gets an advisory lock,
        // taken in ascending order of lock id so two callers never deadlock.
        std::vector<std::int64_t> locks;
        locks.reserve(keys.size());
        for (const auto& key : keys) locks.push_back(ThrottleLockId(key));
        std::sort(locks.begin(), locks.end());
        locks.erase(std::unique(locks.begin(), locks.end()), locks.end());
        for (std::int64_t id : locks) {
          WM_RETURN_IF_ERROR(c.Query("SELECT pg_advisory_xact_lock($1)", {id}).status());
        }
      }
      std::vector<Window> windows;
      for (const auto& key : keys) {
        WM_ASSIGN_OR_RETURN(Window w, Count(c, key, since));
        windows.push_back(w);
      }
      WM_RETURN_IF_ERROR(decide(windows));
      for (const auto& key : keys) {
        WM_RETURN_IF_ERROR(
            c.Execute("INSERT INTO signin_failures(key, at, attempt) VALUES ($1,$2,$3)", {key, at, attempt})
                .status());
      }
      return Status::Ok();
    });
  }

  Status Forget(const std::string& attempt) override {
    return Exec("DELETE FROM signin_failures WHERE attempt=$1", {attempt});
  }

  Status Clear(const std::string& key) override {
    return Exec("DELETE FROM signin_failures WHERE key=$1", {key});
  }
  Status Prune(TimestampMs before) override {
    return Exec("DELETE FROM signin_failures WHERE at < $1", {before});
  }

 private:
  static Result<Window> Count(Connection& c, const std::string& key, TimestampMs since) {
    WM_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT COUNT(*), MIN(at) FROM signin_failures "
                                          "WHERE key=$1 AND at >= $2",
                                          {key, since}));
    Window w;
    w.count = static_cast<int>(r.Int(0));
    w.oldest = r.OptInt(1).value_or(0);
    return w;
  }
  Status Exec(const std::string& stmt, const sql::Params& params) {
    return sql::WithConnection<std::int64_t>(db_, [&](Connection& c) { return c.Execute(stmt, params); })
        .status();
  }
  sql::Database& db_;
};

class SqlAuditLog final : public accounts::AuditLog {
 public:
  explicit SqlAuditLog(sql::Database& db) : db_(db) {}

  Status Record(const AuditEntry& e) override {
    nlohmann::json details = nlohmann::json::object();
    for (const auto& [k, v] : e.details) details[k] = v;
    return sql::WithConnection<std::int64_t>(
               db_,
               [&](Connection& c) {
                 return c.Execute(
                     "INSERT INTO audit_log(at, actor_user_id, actor_label, action, entity_type, entity_id, "
                     "details, request_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
                     {e.at, e.actor_user_id ? sql::Value(*e.actor_user_id) : sql::Value(sql::Null{}),
                      e.actor_label, e.action, e.entity_type, e.entity_id,
                      details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), e.request_id});
               })
        .status();
  }

  Result<std::vector<AuditEntry>> List(int limit, const std::string& entity_type,
                                       const std::string& entity_id) override {
    return sql::WithConnection<
        std::vector<AuditEntry>>(db_, [&](Connection& c) -> Result<std::vector<AuditEntry>> {
      std::string q =
          "SELECT id, at, actor_user_id, actor_label, action, entity_type, entity_id, details, request_id "
          "FROM audit_log";
      sql::Params params{static_cast<std::int64_t>(limit)};
      if (!entity_type.empty()) {
        q += " WHERE entity_type=$2 AND entity_id=$3";
        params.emplace_back(entity_type);
        params.emplace_back(entity_id);
      }
      q += " ORDER BY id DESC LIMIT $1";
      WM_ASSIGN_OR_RETURN(auto rows, c.Query(q, params));
      std::vector<AuditEntry> out;
      for (const auto& r : rows) {
        AuditEntry e;
        e.id = r.Int(0);
        e.at = r.Int(1);
        e.actor_user_id = r.OptInt(2);
        e.actor_label = r.Text(3);
        e.action = r.Text(4);
        e.entity_type = r.Text(5);
        e.entity_id = r.Text(6);
        auto j = nlohmann::json::parse(r.Text(7), nullptr, false);
        if (j.is_object()) {
          for (auto it = j.begin(); it != j.end(); ++it) {
            if (it->is_string()) e.details[it.key()] = it->get<std::string>();
          }
        }
        e.request_id = r.Text(8);
        out.push_back(std::move(e));
      }
      return out;
    });
  }

 private:
  sql::Database& db_;
};

class SqlUnitOfWork final : public accounts::UnitOfWork {
 public:
  explicit SqlUnitOfWork(sql::Database& db) : db_(db) {}
  Status Run(const std::function<Status()>& fn) override { return db_.InTransaction(fn); }

 private:
  sql::Database& db_;
};

}  // namespace

struct AccountStores::Impl {
  explicit Impl(sql::Database& db)
      : organisations(db), users(db), sessions(db), tokens(db), throttle(db), audit(db), unit(db) {}
  SqlOrganisationStore organisations;
  SqlUserStore users;
  SqlSessionStore sessions;
  SqlTokenStore tokens;
  SqlThrottleStore throttle;
  SqlAuditLog audit;
  SqlUnitOfWork unit;
};

AccountStores::AccountStores(sql::Database& db) : impl_(std::make_unique<Impl>(db)) {}
AccountStores::~AccountStores() = default;

accounts::Stores AccountStores::stores() {
  return accounts::Stores{&impl_->organisations, &impl_->users, &impl_->sessions, &impl_->tokens,
                          &impl_->throttle,      &impl_->audit, &impl_->unit};
}

}  // namespace waymark::storage
