// AuthService: sign-in with throttling, server-side sessions, CSRF tokens and
// API tokens. Secrets handed to clients (session ids, API tokens) are stored
// only as SHA-256 digests.
#pragma once

#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/random.h"
#include "core/status.h"
#include "domain/accounts/model.h"
#include "domain/accounts/stores.h"

namespace waymark::accounts {

struct AuthOptions {
  // Sessions end this long after sign-in.
  TimestampMs session_ttl_ms = 7LL * 24 * 3600 * 1000;
  // last_seen_at is written at most this often per session.
  TimestampMs touch_interval_ms = 60 * 1000;
  // Failed sign-ins allowed within the window, counted per client address:
  // for one account from one address, and for all accounts from one address.
  // An address over either limit is refused (429) before any password check,
  // the right one included; other addresses are not affected.
  int max_failures_per_account = 5;
  int max_failures_per_address = 20;
  // Failed sign-ins for one account from all addresses together. Over it,
  // the account refuses further attempts only from addresses that have
  // already failed for it: an address with no failure for the account
  // always gets its password checked, so nobody can lock the owner out.
  int max_failures_per_account_all_addresses = 100;
  TimestampMs failure_window_ms = 15 * 60 * 1000;
};

struct SignedIn {
  std::string session_token;  // cookie value; shown once, stored hashed
  Session session;
  User user;
};

struct Authenticated {
  User user;
  Session session;  // empty id_hash for API tokens
};

struct NewToken {
  std::string token;  // shown once
  ApiToken record;
};

class AuthService {
 public:
  AuthService(Stores stores, const Clock& clock, Random& random, AuthOptions options)
      : stores_(stores), clock_(clock), random_(random), options_(options) {}

  // Checks the password and opens a new session (a fresh id, so any id the
  // client held before is useless: no session fixation). `client_addr` is
  // the client's address (behind a trusted proxy, the one it forwarded).
  // TooManyRequests when the limits of AuthOptions are reached: the check
  // and the recording of the attempt are one atomic step in the store, so
  // concurrent attempts cannot all slip under a limit. Unauthenticated for a
  // wrong e-mail or password (the same message for both).
  Result<SignedIn> SignIn(const std::string& email, const std::string& password,
                          const std::string& client_addr, const std::string& request_id);
  // Opens a fresh session for the signed-in person themselves, to replace
  // the one a password change ended (AccountService::ChangePassword ends
  // every session of the account). PermissionDenied without a person.
  Result<SignedIn> RenewSession(const Actor& actor);
  // Ends the session named by the cookie value. Unknown sessions are fine.
  Status SignOut(const std::string& session_token, const std::string& request_id);
  // The session and its user, or Unauthenticated.
  Result<Authenticated> AuthenticateSession(const std::string& session_token);
  // The token's user, or Unauthenticated. Records last use.
  Result<Authenticated> AuthenticateToken(const std::string& bearer);

  Result<NewToken> CreateToken(const Actor& actor, Id user_id, const std::string& name);
  Status RevokeToken(const Actor& actor, Id user_id, Id token_id);
  Result<std::vector<ApiToken>> ListTokens(const Actor& actor, Id user_id);

  // Removes expired sessions and old throttle records.
  Status Housekeeping();

 private:
  // The TooManyRequests for a window that is full, or Ok.
  Status Throttled(const ThrottleStore::Window& window, int limit, TimestampMs now) const;
  // A new session for `user`, not yet stored.
  SignedIn NewSession(User user, TimestampMs now);

  Stores stores_;
  const Clock& clock_;
  Random& random_;
  AuthOptions options_;
  // A real Argon2id hash to verify against when the e-mail is unknown.
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

}  // namespace waymark::accounts
