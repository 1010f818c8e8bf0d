// The storage the accounts module needs. storage/ implements these for every
// backend; tests/conformance runs one suite against each implementation.
//
// Every method is thread-safe. Failures: Unavailable when the database cannot
// be reached, Conflict on a unique key, NotFound when a lookup finds nothing.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/accounts/model.h"

namespace waymark::accounts {

class OrganisationStore {
 public:
  virtual ~OrganisationStore() = default;
  // Inserts `org` (id ignored) and returns it with its id. Conflict if the
  // slug is taken.
  virtual Result<Organisation> Create(const Organisation& org) = 0;
  // Replaces every field but id, slug and created_at, if the stored version
  // is still org.version, and bumps the version. Conflict when someone else
  // updated it since it was read; NotFound when it is gone.
  virtual Status Update(const Organisation& org) = 0;
  // Reads the organisation, passes it to `change`, and writes back what
  // `change` returns, all in one write transaction (the row is locked on
  // PostgreSQL), bumping the version. An error from `change` aborts the
  // transaction and is returned as it is; NotFound for an unknown slug.
  virtual Result<Organisation> Modify(const std::string& slug,
                                      const std::function<Result<Organisation>(Organisation)>& change) = 0;
  virtual Result<Organisation> FindBySlug(const std::string& slug) = 0;
  virtual Result<Organisation> FindById(Id id) = 0;
  // The organisations with these slugs, in one round trip, in no particular
  // order; a slug that names none is left out.
  virtual Result<std::vector<Organisation>> FindBySlugs(const std::vector<std::string>& slugs) = 0;
  // Ordered by name.
  virtual Result<std::vector<Organisation>> List(int limit, int offset) = 0;
  virtual Result<int> Count() = 0;
};

struct NewUser {
  std::string email;
  std::string name;
  std::string locale = "en";
  std::string password_hash;
  bool is_admin = false;
  bool must_change_password = false;
  TimestampMs created_at = 0;
};

class UserStore {
 public:
  virtual ~UserStore() = default;
  // Conflict if the e-mail (ignoring case) is taken.
  virtual Result<User> Create(const NewUser& user) = 0;
  virtual Result<User> FindById(Id id) = 0;
  // Case-insensitive.
  virtual Result<User> FindByEmail(const std::string& email) = 0;
  // Ordered by name; memberships included.
  virtual Result<std::vector<User>> List(int limit, int offset) = 0;
  // Updates name, locale and is_admin.
  virtual Status UpdateProfile(const User& user, TimestampMs now) = 0;
  // Update one column only, so that concurrent changes of others survive.
  virtual Status SetLocale(Id user_id, const std::string& locale, TimestampMs now) = 0;
  virtual Status SetAdmin(Id user_id, bool is_admin, TimestampMs now) = 0;
  virtual Result<std::string> PasswordHash(Id user_id) = 0;
  virtual Status SetPassword(Id user_id, const std::string& hash, bool must_change, TimestampMs now) = 0;
  // Adds the membership or changes its role.
  virtual Status SetMembership(Id user_id, Id org_id, Role role, TimestampMs now) = 0;
  // NotFound if there was no such membership.
  virtual Status RemoveMembership(Id user_id, Id org_id) = 0;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  virtual Status Create(const Session& session) = 0;
  // NotFound for unknown or expired (at `now`) sessions.
  virtual Result<Session> Find(const std::string& id_hash, TimestampMs now) = 0;
  virtual Status Touch(const std::string& id_hash, TimestampMs now) = 0;
  virtual Status Delete(const std::string& id_hash) = 0;
  // Ends every session of `user_id`; returns how many there were.
  virtual Result<int> DeleteForUser(Id user_id) = 0;
  // Returns how many were removed.
  virtual Result<int> DeleteExpired(TimestampMs now) = 0;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;
  virtual Result<ApiToken> Create(Id user_id, const std::string& name, const std::string& hash,
                                  TimestampMs now) = 0;
  // NotFound for unknown or revoked tokens.
  virtual Result<ApiToken> FindActiveByHash(const std::string& hash) = 0;
  virtual Status MarkUsed(Id token_id, TimestampMs now) = 0;
  // NotFound unless the token belongs to `user_id` and is active.
  virtual Status Revoke(Id token_id, Id user_id, TimestampMs now) = 0;
  // Revokes every active token of `user_id`; returns how many there were.
  virtual Result<int> RevokeAllForUser(Id user_id, TimestampMs now) = 0;
  virtual Result<std::vector<ApiToken>> ListForUser(Id user_id) = 0;
};

// Sign-in attempts by key ("pair:192.0.2.1 ana@example.org",
// "addr:192.0.2.1", "account:ana@example.org"). An attempt is recorded before
// its password is checked and forgotten when the password was right, so what
// stays recorded are failures (and attempts still being checked).
class ThrottleStore {
 public:
  virtual ~ThrottleStore() = default;
  // Records a failure outright (no limit, no attempt tag).
  virtual Status RecordFailure(const std::string& key, TimestampMs at) = 0;
  // Records at or after `since`, and the oldest of them.
  struct Window {
    int count = 0;
    TimestampMs oldest = 0;
  };
  virtual Result<Window> FailuresSince(const std::string& key, TimestampMs since) = 0;
  // Check and record in one step: counts each key's records at or after
  // `since`, passes the windows (in the order of `keys`) to `decide`, and
  // when it returns Ok records one entry per key at `at`, tagged `attempt`.
  // All of it happens in one write transaction holding every key's lock (on
  // PostgreSQL, advisory locks shared by every instance on the database), so
  // concurrent callers for the same key are decided one after the other and
  // each sees the others' records. An error from `decide` is returned as it
  // is and nothing is recorded.
  virtual Status Admit(const std::vector<std::string>& keys, TimestampMs since, TimestampMs at,
                       const std::string& attempt,
                       const std::function<Status(const std::vector<Window>&)>& decide) = 0;
  // Removes the records tagged `attempt` (an attempt that succeeded).
  virtual Status Forget(const std::string& attempt) = 0;
  virtual Status Clear(const std::string& key) = 0;
  // Drops records older than `before`.
  virtual Status Prune(TimestampMs before) = 0;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual Status Record(const AuditEntry& entry) = 0;
  // Newest first; optionally only for one entity.
  virtual Result<std::vector<AuditEntry>> List(int limit, const std::string& entity_type,
                                               const std::string& entity_id) = 0;
};

// Runs several store calls as one unit: they all commit or none does (a
// change and its audit entry, for example). Store calls made by `fn` on the
// calling thread join the unit; nested units join the outer one.
class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;
  virtual Status Run(const std::function<Status()>& fn) = 0;
};

// Runs `fn` as one unit and passes its value through.
template <typename T>
Result<T> RunInUnit(UnitOfWork& unit, const std::function<Result<T>()>& fn) {
  std::optional<T> out;
  Status s = unit.Run([&]() -> Status {
    Result<T> r = fn();
    if (!r.ok()) return r.status();
    out = std::move(r).value();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

// Everything the accounts module needs from storage, owned elsewhere.
struct Stores {
  OrganisationStore* organisations;
  UserStore* users;
  SessionStore* sessions;
  TokenStore* tokens;
  ThrottleStore* throttle;
  AuditLog* audit;
  UnitOfWork* unit;
};

}  // namespace waymark::accounts
