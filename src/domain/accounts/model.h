// Accounts: organisations, people, their roles, sessions, tokens and the
// audit log. Plain values; no HTTP, JSON or SQL here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace waymark::accounts {

using Id = std::int64_t;

enum class OrgKind { kIom, kCso, kMigrantAssociation, kTradeUnion, kResearch, kGovernment, kOther };
std::string_view ToString(OrgKind kind);
std::optional<OrgKind> ParseOrgKind(std::string_view s);
const std::vector<OrgKind>& AllOrgKinds();

struct Organisation {
  Id id = 0;
  std::string slug;  // short lowercase acronym, unique, immutable: "iom", "jcwi"
  std::string name;
  std::optional<std::string> acronym;
  OrgKind kind = OrgKind::kCso;
  std::optional<std::string> country;  // ISO 3166-1 alpha-3
  std::optional<std::string> website;  // http(s) URL
  std::string description;
  bool council_observer = false;  // observer of the IOM Council
  std::int64_t version = 1;       // bumped by every update; for optimistic concurrency
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

// Roles inside one organisation, in increasing order of power.
enum class Role { kMember, kEditor, kModerator };
std::string_view ToString(Role role);
std::optional<Role> ParseRole(std::string_view s);

struct Membership {
  Id organisation_id = 0;
  std::string organisation_slug;
  std::string organisation_name;
  Role role = Role::kMember;
};

inline constexpr std::string_view kLocales[] = {"en", "fr", "es"};
bool IsSupportedLocale(std::string_view locale);

struct User {
  Id id = 0;
  std::string email;  // as typed; unique without regard to case
  std::string name;
  std::string locale = "en";
  bool is_admin = false;  // platform administrator
  bool must_change_password = false;
  TimestampMs created_at = 0;
  std::vector<Membership> memberships;

  // The user's role in `org_id`, if a member.
  std::optional<Role> RoleIn(Id org_id) const;
};

struct Session {
  std::string id_hash;  // SHA-256 of the cookie value; the value is never stored
  Id user_id = 0;
  std::string csrf_token;
  TimestampMs created_at = 0;
  TimestampMs expires_at = 0;
  TimestampMs last_seen_at = 0;
};

struct ApiToken {
  Id id = 0;
  Id user_id = 0;
  std::string name;
  TimestampMs created_at = 0;
  std::optional<TimestampMs> last_used_at;
  std::optional<TimestampMs> revoked_at;
};

// Who is acting: a signed-in user (by session or token) or the operator at
// the command line.
struct Actor {
  std::optional<User> user;  // the signed-in person, if any
  std::string label;         // "user:12", "cli", "system", "anonymous"
  std::string request_id;    // for the audit log; empty outside HTTP
  // The operator at the command line or the server itself (demo data):
  // trusted like a platform admin. Never true for a web request.
  bool is_operator = false;

  static Actor Cli() { return Actor{std::nullopt, "cli", "", true}; }
  static Actor System() { return Actor{std::nullopt, "system", "", true}; }
  static Actor Anonymous(std::string request_id) {
    return Actor{std::nullopt, "anonymous", std::move(request_id), false};
  }
  static Actor ForUser(User u, std::string request_id) {
    std::string label = "user:" + std::to_string(u.id);
    return Actor{std::move(u), std::move(label), std::move(request_id), false};
  }
  bool IsAdmin() const { return is_operator || (user && user->is_admin); }
};

struct AuditEntry {
  // An entry for `actor` doing `action` to the record (entity_type, entity_id) at `at`.
  static AuditEntry For(const Actor& actor, TimestampMs at, std::string action, std::string entity_type,
                        std::string entity_id, std::map<std::string, std::string> details = {});

  Id id = 0;
  TimestampMs at = 0;
  std::optional<Id> actor_user_id;
  std::string actor_label;
  std::string action;       // "organisation.update"
  std::string entity_type;  // "organisation"
  std::string entity_id;    // "jcwi"
  std::map<std::string, std::string> details;
  std::string request_id;
};

}  // namespace waymark::accounts
