// AccountService: organisations, users and memberships, with the rules on who
// may change what. Every change is written to the audit log.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/countries.h"
#include "core/random.h"
#include "core/status.h"
#include "crypto/crypto.h"
#include "domain/accounts/model.h"
#include "domain/accounts/stores.h"

namespace waymark::accounts {

// Input for a new organisation; strings as typed, validated by the service.
struct OrganisationInput {
  std::string slug;
  std::string name;
  std::optional<std::string> acronym;
  std::string kind;
  std::optional<std::string> country;
  std::optional<std::string> website;
  std::string description;
  bool council_observer = false;
};

// A partial update: only the fields present change. Absent optional fields
// stay; a present empty string clears an optional field.
struct OrganisationPatch {
  std::optional<std::string> name;
  std::optional<std::string> acronym;
  std::optional<std::string> kind;
  std::optional<std::string> country;
  std::optional<std::string> website;
  std::optional<std::string> description;
  std::optional<bool> council_observer;
  // When set, the update applies only if the stored version is this one
  // (the version the user's form or If-Match header was based on).
  std::optional<std::int64_t> expected_version;
};

struct UserInput {
  std::string email;
  std::string name;
  std::string locale = "en";
  std::string password;  // at least kMinPasswordLength characters
  bool is_admin = false;
  bool must_change_password = false;
};

inline constexpr std::size_t kMinPasswordLength = 10;

class AccountService {
 public:
  AccountService(Stores stores, const Clock& clock, const CountryDirectory& countries,
                 crypto::PasswordPolicy password_policy)
      : stores_(stores), clock_(clock), countries_(countries), password_policy_(password_policy) {}

  // Platform admins only. Validation names each bad field; Conflict when the
  // slug is taken.
  Result<Organisation> CreateOrganisation(const Actor& actor, const OrganisationInput& input);
  // Admins, and the organisation's own editors and moderators.
  Result<Organisation> UpdateOrganisation(const Actor& actor, const std::string& slug,
                                          const OrganisationPatch& patch);
  Result<Organisation> GetOrganisation(const std::string& slug);
  // Those of `slugs` that exist, in one round trip (facet labels).
  Result<std::vector<Organisation>> GetOrganisations(const std::vector<std::string>& slugs);
  Result<std::vector<Organisation>> ListOrganisations(int limit, int offset);
  Result<int> CountOrganisations();
  // True when `actor` may edit `org`'s profile and content.
  static bool CanEditOrganisation(const Actor& actor, const Organisation& org);

  // Platform admins only (or the CLI).
  Result<User> CreateUser(const Actor& actor, const UserInput& input);
  Result<User> GetUser(Id id);
  Result<User> FindUserByEmail(const std::string& email);
  Result<std::vector<User>> ListUsers(const Actor& actor, int limit, int offset);
  Status SetAdmin(const Actor& actor, Id user_id, bool is_admin);
  Status SetMembership(const Actor& actor, Id user_id, const std::string& org_slug, const std::string& role);
  Status RemoveMembership(const Actor& actor, Id user_id, const std::string& org_slug);
  // A user changing their own password (needs the current one), or an admin
  // resetting someone's (then `current` is ignored and the user must change
  // it at next sign-in). Either way every session of the account ends and
  // every API token of it is revoked, in the same transaction: whoever held
  // the old password or a stolen session is out. The person changing their
  // own password gets a fresh session from AuthService::RenewSession.
  Status ChangePassword(const Actor& actor, Id user_id, const std::string& current, const std::string& next);
  // Sets a password without checks (admins: the admin reset, demo data, the
  // CLI); ends the account's sessions and revokes its tokens likewise.
  Status ResetPassword(const Actor& actor, Id user_id, const std::string& password, bool must_change);
  Status SetLocale(const Actor& actor, const std::string& locale);

  Result<std::vector<AuditEntry>> AuditTrail(const Actor& actor, int limit,
                                             const std::string& entity_type = "",
                                             const std::string& entity_id = "");

 private:
  Status Audit(const Actor& actor, std::string action, std::string entity_type, std::string entity_id,
               std::map<std::string, std::string> details = {});
  Status ValidateOrganisation(const Organisation& org, FieldErrors& errors);
  // Stores the new hash, ends every session and revokes every token of the
  // account, and audits `action`, all in one unit.
  Status SetPasswordAndSignOut(const Actor& actor, Id user_id, const std::string& hash, bool must_change,
                               const std::string& action);

  Stores stores_;
  const Clock& clock_;
  const CountryDirectory& countries_;
  crypto::PasswordPolicy password_policy_;
};

// Field validators shared with the HTTP forms.
bool IsValidEmail(std::string_view email);
bool IsValidSlug(std::string_view slug);

}  // namespace waymark::accounts
