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
  // Failed sign-ins allowed per account and per address within the window.
  int max_failures_per_account = 5;
  int max_failures_per_address = 20;
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
  // client held before is useless: no session fixation). TooManyRequests
  // when the account or the address has failed too often recently;
  // Unauthenticated for a wrong e-mail or password (the same message for
  // both).
  Result<SignedIn> SignIn(const std::string& email, const std::string& password,
                          const std::string& remote_addr, const std::string& request_id);
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
  Status CheckThrottle(const std::string& key, int limit, TimestampMs now);

  Stores stores_;
  const Clock& clock_;
  Random& random_;
  AuthOptions options_;
  // A real Argon2id hash to verify against when the e-mail is unknown.
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

}  // namespace waymark::accounts
