#include "domain/accounts/auth_service.h"

#include "core/strings.h"
#include "crypto/crypto.h"

namespace waymark::accounts {
namespace {

constexpr std::size_t kSecretBytes = 32;  // 256-bit session ids and tokens
constexpr char kTokenPrefix[] = "wm_";

Status BadCredentials() { return Status::Unauthenticated("wrong e-mail or password"); }

}  // namespace

Status AuthService::Throttled(const ThrottleStore::Window& window, int limit, TimestampMs now) const {
  if (window.count < limit) return Status::Ok();
  TimestampMs wait_ms = window.oldest + options_.failure_window_ms - now;
  int retry = static_cast<int>((wait_ms + 999) / 1000);
  return Status::TooManyRequests("too many failed sign-ins; try again later", retry < 1 ? 1 : retry);
}

SignedIn AuthService::NewSession(User user, TimestampMs now) {
  SignedIn out;
  out.session_token = random_.Token(kSecretBytes);
  out.session.id_hash = crypto::Sha256Hex(out.session_token);
  out.session.user_id = user.id;
  out.session.csrf_token = random_.Token(kSecretBytes);
  out.session.created_at = now;
  out.session.last_seen_at = now;
  out.session.expires_at = now + options_.session_ttl_ms;
  out.user = std::move(user);
  return out;
}

Result<SignedIn> AuthService::SignIn(const std::string& email, const std::string& password,
                                     const std::string& client_addr, const std::string& request_id) {
  TimestampMs now = clock_.NowMs();
  // Whatever arrives, the throttle keys and the audit entry hold valid text.
  std::string clean_email = SanitizeUtf8(TrimAscii(email), 254);
  std::string addr = SanitizeUtf8(client_addr, 64);
  std::string email_key = ToLowerAscii(clean_email);
  // An address holds no space, so the pair key cannot be forged from parts.
  std::string pair_key = "pair:" + addr + " " + email_key;
  std::string addr_key = "addr:" + addr;
  std::string account_key = "account:" + email_key;

  // Admitted attempts are counted before the (slow) password check, in the
  // same atomic step as the limits are checked; a right password takes its
  // attempt back below.
  std::string attempt = random_.Token(16);
  WM_RETURN_IF_ERROR(stores_.throttle->Admit(
      {pair_key, addr_key, account_key}, now - options_.failure_window_ms, now, attempt,
      [&](const std::vector<ThrottleStore::Window>& w) -> Status {
        WM_RETURN_IF_ERROR(Throttled(w[0], options_.max_failures_per_account, now));
        WM_RETURN_IF_ERROR(Throttled(w[1], options_.max_failures_per_address, now));
        // The account-wide limit never refuses an address that has not
        // failed for this account (no lock-out of the owner by others).
        if (w[0].count > 0) {
          WM_RETURN_IF_ERROR(Throttled(w[2], options_.max_failures_per_account_all_addresses, now));
        }
        return Status::Ok();
      }));

  auto fail = [&]() -> Status {
    WM_RETURN_IF_ERROR(
        stores_.audit->Record(AuditEntry::For(Actor::Anonymous(request_id), now, "session.signin_failed",
                                              "account", clean_email, {{"addr", addr}})));
    return BadCredentials();
  };

  // An address that is not clean text cannot belong to an account.
  Result<User> user = clean_email == TrimAscii(email) ? stores_.users->FindByEmail(clean_email)
                                                      : Result<User>(Status::NotFound("no such person"));
  if (!user.ok()) {
    if (!user.status().IsNotFound()) return user.status();
    // Spend the same effort as a real check so timing does not reveal
    // which e-mail addresses have accounts.
    std::call_once(dummy_once_, [&] {
      auto h = crypto::HashPassword(random_.Token(16), crypto::PasswordPolicy{});
      if (h.ok()) dummy_hash_ = *h;
    });
    (void)crypto::VerifyPassword(password, dummy_hash_);
    return fail();
  }
  WM_ASSIGN_OR_RETURN(std::string hash, stores_.users->PasswordHash(user->id));
  if (!crypto::VerifyPassword(password, hash)) return fail();

  SignedIn out = NewSession(std::move(user).value(), now);
  AuditEntry e = AuditEntry::For(Actor::ForUser(out.user, request_id), now, "session.signin", "user",
                                 std::to_string(out.user.id), {{"addr", addr}});
  WM_RETURN_IF_ERROR(stores_.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(stores_.throttle->Forget(attempt));
    WM_RETURN_IF_ERROR(stores_.throttle->Clear(pair_key));
    WM_RETURN_IF_ERROR(stores_.throttle->Clear(account_key));
    WM_RETURN_IF_ERROR(stores_.sessions->Create(out.session));
    return stores_.audit->Record(e);
  }));
  return out;
}

Result<SignedIn> AuthService::RenewSession(const Actor& actor) {
  if (!actor.user) return Status::PermissionDenied("sign in first");
  TimestampMs now = clock_.NowMs();
  WM_ASSIGN_OR_RETURN(User user, stores_.users->FindById(actor.user->id));
  SignedIn out = NewSession(std::move(user), now);
  WM_RETURN_IF_ERROR(stores_.sessions->Create(out.session));
  return out;
}

Status AuthService::SignOut(const std::string& session_token, const std::string& request_id) {
  std::string id_hash = crypto::Sha256Hex(session_token);
  auto session = stores_.sessions->Find(id_hash, clock_.NowMs());
  if (!session.ok()) return session.status().IsNotFound() ? Status::Ok() : session.status();
  User who;
  who.id = session->user_id;
  AuditEntry e = AuditEntry::For(Actor::ForUser(who, request_id), clock_.NowMs(), "session.signout", "user",
                                 std::to_string(session->user_id));
  return stores_.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(stores_.sessions->Delete(id_hash));
    return stores_.audit->Record(e);
  });
}

Result<Authenticated> AuthService::AuthenticateSession(const std::string& session_token) {
  if (session_token.empty() || session_token.size() > 128) {
    return Status::Unauthenticated("no session");
  }
  TimestampMs now = clock_.NowMs();
  auto session = stores_.sessions->Find(crypto::Sha256Hex(session_token), now);
  if (!session.ok()) {
    if (session.status().IsNotFound()) return Status::Unauthenticated("session expired or unknown");
    return session.status();
  }
  if (now - session->last_seen_at >= options_.touch_interval_ms) {
    WM_RETURN_IF_ERROR(stores_.sessions->Touch(session->id_hash, now));
    session->last_seen_at = now;
  }
  auto user = stores_.users->FindById(session->user_id);
  if (!user.ok()) {
    if (user.status().IsNotFound()) return Status::Unauthenticated("account removed");
    return user.status();
  }
  return Authenticated{std::move(user).value(), std::move(session).value()};
}

Result<Authenticated> AuthService::AuthenticateToken(const std::string& bearer) {
  if (!StartsWith(bearer, kTokenPrefix) || bearer.size() > 128) {
    return Status::Unauthenticated("malformed API token");
  }
  auto token = stores_.tokens->FindActiveByHash(crypto::Sha256Hex(bearer));
  if (!token.ok()) {
    if (token.status().IsNotFound()) return Status::Unauthenticated("unknown or revoked API token");
    return token.status();
  }
  TimestampMs now = clock_.NowMs();
  if (!token->last_used_at || now - *token->last_used_at >= options_.touch_interval_ms) {
    WM_RETURN_IF_ERROR(stores_.tokens->MarkUsed(token->id, now));
  }
  auto user = stores_.users->FindById(token->user_id);
  if (!user.ok()) {
    if (user.status().IsNotFound()) return Status::Unauthenticated("account removed");
    return user.status();
  }
  return Authenticated{std::move(user).value(), Session{}};
}

Result<NewToken> AuthService::CreateToken(const Actor& actor, Id user_id, const std::string& name) {
  bool self = actor.user && actor.user->id == user_id;
  if (!self && !actor.IsAdmin()) return Status::PermissionDenied("not your account");
  std::string label(TrimAscii(name));
  if (label.empty()) label = "token";
  if (Utf8Length(label) > 100 || !IsValidUtf8(label)) {
    FieldErrors e;
    e.Add("name", "too_long", "must be at most 100 characters", {{"max", "100"}});
    return e.ToStatus();
  }
  NewToken out;
  out.token = kTokenPrefix + random_.Token(kSecretBytes);
  Status s = stores_.unit->Run([&]() -> Status {
    WM_ASSIGN_OR_RETURN(out.record,
                        stores_.tokens->Create(user_id, label, crypto::Sha256Hex(out.token), clock_.NowMs()));
    return stores_.audit->Record(
        AuditEntry::For(actor, clock_.NowMs(), "token.create", "user", std::to_string(user_id),
                        {{"token_id", std::to_string(out.record.id)}, {"name", label}}));
  });
  if (!s.ok()) return s;
  return out;
}

Status AuthService::RevokeToken(const Actor& actor, Id user_id, Id token_id) {
  bool self = actor.user && actor.user->id == user_id;
  if (!self && !actor.IsAdmin()) return Status::PermissionDenied("not your account");
  AuditEntry e = AuditEntry::For(actor, clock_.NowMs(), "token.revoke", "user", std::to_string(user_id),
                                 {{"token_id", std::to_string(token_id)}});
  return stores_.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(stores_.tokens->Revoke(token_id, user_id, clock_.NowMs()));
    return stores_.audit->Record(e);
  });
}

Result<std::vector<ApiToken>> AuthService::ListTokens(const Actor& actor, Id user_id) {
  bool self = actor.user && actor.user->id == user_id;
  if (!self && !actor.IsAdmin()) return Status::PermissionDenied("not your account");
  return stores_.tokens->ListForUser(user_id);
}

Status AuthService::Housekeeping() {
  TimestampMs now = clock_.NowMs();
  WM_RETURN_IF_ERROR(stores_.sessions->DeleteExpired(now).status());
  return stores_.throttle->Prune(now - options_.failure_window_ms);
}

}  // namespace waymark::accounts
