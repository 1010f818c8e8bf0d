#include "domain/accounts/account_service.h"

#include "core/strings.h"

namespace waymark::accounts {
namespace {

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxAcronym = 20;
constexpr std::size_t kMaxWebsite = 500;
constexpr std::size_t kMaxDescription = 5000;
constexpr std::size_t kMaxPassword = 1024;

std::optional<std::string> EmptyToNull(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  std::string t(TrimAscii(*s));
  if (t.empty()) return std::nullopt;
  return t;
}

void CheckText(FieldErrors& errors, const std::string& field, const std::string& value, std::size_t max,
               bool required, bool multiline = false) {
  if (!IsValidUtf8(value)) {
    errors.Add(field, "utf8", "is not valid UTF-8");
  } else if (HasControlCharacters(value, multiline)) {
    errors.Add(field, "control_characters", "contains control characters");
  } else if (required && TrimAscii(value).empty()) {
    errors.Add(field, "required", "is required");
  } else if (Utf8Length(value) > max) {
    errors.Add(field, "too_long", "is longer than " + std::to_string(max) + " characters",
               {{"max", std::to_string(max)}});
  }
}

}  // namespace

bool IsValidEmail(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  if (!IsValidUtf8(email)) return false;
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at != email.rfind('@')) return false;
  std::string_view domain = email.substr(at + 1);
  if (domain.empty() || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.') {
    return false;
  }
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == '"' || c == ',') {
      return false;
    }
  }
  return true;
}

bool IsValidSlug(std::string_view slug) {
  if (slug.size() < 2 || slug.size() > 40) return false;
  if (slug.front() == '-' || slug.back() == '-') return false;
  for (char c : slug) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool AccountService::CanEditOrganisation(const Actor& actor, const Organisation& org) {
  if (actor.IsAdmin()) return true;
  if (!actor.user) return false;
  auto role = actor.user->RoleIn(org.id);
  return role && (*role == Role::kEditor || *role == Role::kModerator);
}

Status AccountService::Audit(const Actor& actor, std::string action, std::string entity_type,
                             std::string entity_id, std::map<std::string, std::string> details) {
  return stores_.audit->Record(AuditEntry::For(actor, clock_.NowMs(), std::move(action),
                                               std::move(entity_type), std::move(entity_id),
                                               std::move(details)));
}

Status AccountService::ValidateOrganisation(const Organisation& org, FieldErrors& errors) {
  CheckText(errors, "name", org.name, kMaxName, true);
  if (org.acronym) CheckText(errors, "acronym", *org.acronym, kMaxAcronym, false);
  CheckText(errors, "description", org.description, kMaxDescription, false, /*multiline=*/true);
  if (org.country && !countries_.IsValidAlpha3(*org.country)) {
    errors.Add("country", "country_unknown",
               "'" + *org.country + "' is not an ISO 3166-1 alpha-3 country code", {{"value", *org.country}});
  }
  if (org.website) {
    const std::string& w = *org.website;
    if (!IsValidUtf8(w) || HasControlCharacters(w, false)) {
      errors.Add("website", "website_scheme", "must be an http:// or https:// address");
    } else if (w.size() > kMaxWebsite) {
      errors.Add("website", "too_long", "is longer than " + std::to_string(kMaxWebsite) + " characters",
                 {{"max", std::to_string(kMaxWebsite)}});
    } else if (!(StartsWith(w, "https://") || StartsWith(w, "http://")) ||
               w.find_first_of(" \t\r\n<>\"") != std::string::npos ||
               w.size() <= std::string_view("https://").size()) {
      errors.Add("website", "website_scheme", "must be an http:// or https:// address");
    }
  }
  if (errors.empty()) return Status::Ok();
  return errors.ToStatus();
}

Result<Organisation> AccountService::CreateOrganisation(const Actor& actor, const OrganisationInput& input) {
  if (!actor.IsAdmin()) return Status::PermissionDenied("only administrators create organisations");
  FieldErrors errors;
  Organisation org;
  org.slug = ToLowerAscii(TrimAscii(input.slug));
  if (!IsValidSlug(org.slug)) {
    errors.Add("slug", "slug_format", "must be 2-40 characters of a-z, 0-9 and '-'");
  }
  org.name = std::string(TrimAscii(input.name));
  org.acronym = EmptyToNull(input.acronym);
  auto kind = ParseOrgKind(input.kind);
  if (!kind) {
    errors.Add("kind", "kind_unknown",
               "'" + input.kind +
                   "' is not one of iom, cso, migrant_association, trade_union, research, "
                   "government, other",
               {{"value", input.kind}});
  } else {
    org.kind = *kind;
  }
  org.country = EmptyToNull(input.country);
  if (org.country) {
    std::string upper = *org.country;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    org.country = upper;
  }
  org.website = EmptyToNull(input.website);
  org.description = input.description;
  org.council_observer = input.council_observer;
  Status v = ValidateOrganisation(org, errors);
  if (!v.ok()) return v;
  org.created_at = org.updated_at = clock_.NowMs();
  // The record and its audit entry commit together or not at all.
  auto created = RunInUnit<Organisation>(*stores_.unit, [&]() -> Result<Organisation> {
    WM_ASSIGN_OR_RETURN(Organisation out, stores_.organisations->Create(org));
    WM_RETURN_IF_ERROR(Audit(actor, "organisation.create", "organisation", org.slug,
                             {{"name", org.name}, {"kind", std::string(ToString(org.kind))}}));
    return out;
  });
  if (!created.ok() && created.status().IsConflict()) {
    return Status::Conflict("an organisation with slug '" + org.slug + "' already exists");
  }
  return created;
}

Result<Organisation> AccountService::UpdateOrganisation(const Actor& actor, const std::string& slug,
                                                        const OrganisationPatch& patch) {
  std::map<std::string, std::string> changed;
  // Read, check, change and write in one transaction: two editors saving at
  // once are applied one after the other, and neither undoes the other.
  auto updated = RunInUnit<Organisation>(*stores_.unit, [&]() -> Result<Organisation> {
    auto modified = stores_.organisations->Modify(slug, [&](Organisation org) -> Result<Organisation> {
      if (!CanEditOrganisation(actor, org)) {
        return Status::PermissionDenied("only administrators and the organisation's editors may edit it");
      }
      if (patch.expected_version && *patch.expected_version != org.version) {
        return Status::Conflict("the organisation was changed by someone else since version " +
                                std::to_string(*patch.expected_version) + "; it is now at version " +
                                std::to_string(org.version));
      }
      FieldErrors errors;
      if (patch.name) {
        org.name = std::string(TrimAscii(*patch.name));
        changed["name"] = org.name;
      }
      if (patch.acronym) {
        org.acronym = EmptyToNull(patch.acronym);
        changed["acronym"] = org.acronym.value_or("");
      }
      if (patch.kind) {
        auto kind = ParseOrgKind(*patch.kind);
        if (!kind) {
          errors.Add("kind", "kind_unknown", "'" + *patch.kind + "' is not a known kind of organisation",
                     {{"value", *patch.kind}});
        } else {
          org.kind = *kind;
          changed["kind"] = *patch.kind;
        }
      }
      if (patch.country) {
        org.country = EmptyToNull(patch.country);
        if (org.country) {
          for (char& c : *org.country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        changed["country"] = org.country.value_or("");
      }
      if (patch.website) {
        org.website = EmptyToNull(patch.website);
        changed["website"] = org.website.value_or("");
      }
      if (patch.description) {
        org.description = *patch.description;
        changed["description"] = "(changed)";
      }
      if (patch.council_observer) {
        if (!actor.IsAdmin() && *patch.council_observer != org.council_observer) {
          errors.Add("council_observer", "admin_only", "only administrators may change observer status");
        }
        org.council_observer = *patch.council_observer;
        changed["council_observer"] = org.council_observer ? "true" : "false";
      }
      WM_RETURN_IF_ERROR(ValidateOrganisation(org, errors));
      org.updated_at = clock_.NowMs();
      return org;
    });
    if (!modified.ok()) return modified.status();
    WM_RETURN_IF_ERROR(Audit(actor, "organisation.update", "organisation", modified->slug, changed));
    return modified;
  });
  if (!updated.ok() && updated.status().IsNotFound())
    return Status::NotFound("no organisation '" + slug + "'");
  return updated;
}

Result<Organisation> AccountService::GetOrganisation(const std::string& slug) {
  auto org = stores_.organisations->FindBySlug(slug);
  if (!org.ok() && org.status().IsNotFound()) {
    return Status::NotFound("no organisation '" + slug + "'");
  }
  return org;
}

Result<std::vector<Organisation>> AccountService::GetOrganisations(const std::vector<std::string>& slugs) {
  return stores_.organisations->FindBySlugs(slugs);
}

Result<std::vector<Organisation>> AccountService::ListOrganisations(int limit, int offset) {
  return stores_.organisations->List(limit, offset);
}

Result<int> AccountService::CountOrganisations() { return stores_.organisations->Count(); }

Result<User> AccountService::CreateUser(const Actor& actor, const UserInput& input) {
  if (!actor.IsAdmin()) return Status::PermissionDenied("only administrators add people");
  FieldErrors errors;
  std::string email(TrimAscii(input.email));
  if (!IsValidEmail(email)) errors.Add("email", "email_format", "is not an e-mail address");
  CheckText(errors, "name", input.name, kMaxName, true);
  if (!IsSupportedLocale(input.locale)) errors.Add("locale", "locale_unknown", "must be one of en, fr, es");
  if (Utf8Length(input.password) < kMinPasswordLength) {
    errors.Add("password", "too_short",
               "must be at least " + std::to_string(kMinPasswordLength) + " characters",
               {{"min", std::to_string(kMinPasswordLength)}});
  } else if (input.password.size() > kMaxPassword) {
    errors.Add("password", "too_long", "is longer than " + std::to_string(kMaxPassword) + " bytes",
               {{"max", std::to_string(kMaxPassword)}});
  }
  if (!errors.empty()) return errors.ToStatus();
  WM_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(input.password, password_policy_));
  NewUser u;
  u.email = email;
  u.name = std::string(TrimAscii(input.name));
  u.locale = input.locale;
  u.password_hash = hash;
  u.is_admin = input.is_admin;
  u.must_change_password = input.must_change_password;
  u.created_at = clock_.NowMs();
  auto created = RunInUnit<User>(*stores_.unit, [&]() -> Result<User> {
    WM_ASSIGN_OR_RETURN(User out, stores_.users->Create(u));
    WM_RETURN_IF_ERROR(Audit(actor, "user.create", "user", std::to_string(out.id),
                             {{"email", email}, {"is_admin", input.is_admin ? "true" : "false"}}));
    return out;
  });
  if (!created.ok() && created.status().IsConflict()) {
    return Status::Conflict("a person with e-mail '" + email + "' already exists");
  }
  return created;
}

Result<User> AccountService::GetUser(Id id) { return stores_.users->FindById(id); }

Result<User> AccountService::FindUserByEmail(const std::string& email) {
  return stores_.users->FindByEmail(std::string(TrimAscii(email)));
}

Result<std::vector<User>> AccountService::ListUsers(const Actor& actor, int limit, int offset) {
  if (!actor.IsAdmin()) return Status::PermissionDenied("only administrators list people");
  return stores_.users->List(limit, offset);
}

Status AccountService::SetAdmin(const Actor& actor, Id user_id, bool is_admin) {
  if (!actor.IsAdmin()) return Status::PermissionDenied("only administrators change roles");
  WM_ASSIGN_OR_RETURN(User user, stores_.users->FindById(user_id));
  if (actor.user && actor.user->id == user_id && !is_admin) {
    {
      FieldErrors e;
      e.Add("is_admin", "admin_self", "you cannot remove your own administrator role");
      return e.ToStatus();
    }
  }
  return stores_.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(stores_.users->SetAdmin(user.id, is_admin, clock_.NowMs()));
    return Audit(actor, "user.admin", "user", std::to_string(user_id),
                 {{"is_admin", is_admin ? "true" : "false"}});
  });
}

Status AccountService::SetMembership(const Actor& actor, Id user_id, const std::string& org_slug,
                                     const std::string& role_name) {
  if (!actor.IsAdmin()) return Status::PermissionDenied("only administrators change memberships");
  auto role = ParseRole(role_name);
  if (!role) {
    {
      FieldErrors e;
      e.Add("role", "role_unknown", "'" + role_name + "' is not one of member, editor, moderator",
            {{"value", role_name}});
      return e.ToStatus();
    }
  }
  WM_ASSIGN_OR_RETURN(Organisation org, GetOrganisation(org_slug));
  WM_ASSIGN_OR_RETURN(User user, stores_.users->FindById(user_id));
  return stores_.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(stores_.users->SetMembership(user.id, org.id, *role, clock_.NowMs()));
    return Audit(actor, "membership.set", "user", std::to_string(user_id),
                 {{"organisation", org.slug}, {"role", role_name}});
  });
}

Status AccountService::RemoveMembership(const Actor& actor, Id user_id, const std::string& org_slug) {
  if (!actor.IsAdmin()) return Status::PermissionDenied("only administrators change memberships");
  WM_ASSIGN_OR_RETURN(Organisation org, GetOrganisation(org_slug));
  return stores_.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(stores_.users->RemoveMembership(user_id, org.id));
    return Audit(actor, "membership.remove", "user", std::to_string(user_id), {{"organisation", org.slug}});
  });
}

Status AccountService::ChangePassword(const Actor& actor, Id user_id, const std::string& current,
                                      const std::string& next) {
  bool self = actor.user && actor.user->id == user_id;
  if (!self && !actor.IsAdmin()) return Status::PermissionDenied("not your account");
  if (self) {
    WM_ASSIGN_OR_RETURN(std::string hash, stores_.users->PasswordHash(user_id));
    if (!crypto::VerifyPassword(current, hash)) {
      {
        FieldErrors e;
        e.Add("current_password", "password_wrong", "is not your current password");
        return e.ToStatus();
      }
    }
    if (current == next) {
      {
        FieldErrors e;
        e.Add("password", "password_unchanged", "must differ from the current password");
        return e.ToStatus();
      }
    }
  }
  if (Utf8Length(next) < kMinPasswordLength) {
    {
      FieldErrors e;
      e.Add("password", "too_short", "must be at least " + std::to_string(kMinPasswordLength) + " characters",
            {{"min", std::to_string(kMinPasswordLength)}});
      return e.ToStatus();
    }
  }
  if (next.size() > kMaxPassword) {
    {
      FieldErrors e;
      e.Add("password", "too_long", "is longer than " + std::to_string(kMaxPassword) + " bytes",
            {{"max", std::to_string(kMaxPassword)}});
      return e.ToStatus();
    }
  }
  WM_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(next, password_policy_));
  return SetPasswordAndSignOut(actor, user_id, hash, !self, "user.password");
}

Status AccountService::SetPasswordAndSignOut(const Actor& actor, Id user_id, const std::string& hash,
                                             bool must_change, const std::string& action) {
  TimestampMs now = clock_.NowMs();
  return stores_.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(stores_.users->SetPassword(user_id, hash, must_change, now));
    WM_ASSIGN_OR_RETURN(int sessions, stores_.sessions->DeleteForUser(user_id));
    WM_ASSIGN_OR_RETURN(int tokens, stores_.tokens->RevokeAllForUser(user_id, now));
    return Audit(actor, action, "user", std::to_string(user_id),
                 {{"sessions_ended", std::to_string(sessions)}, {"tokens_revoked", std::to_string(tokens)}});
  });
}

Status AccountService::ResetPassword(const Actor& actor, Id user_id, const std::string& password,
                                     bool must_change) {
  if (!actor.IsAdmin()) return Status::PermissionDenied("only administrators reset passwords");
  WM_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(password, password_policy_));
  return SetPasswordAndSignOut(actor, user_id, hash, must_change, "user.password_reset");
}

Status AccountService::SetLocale(const Actor& actor, const std::string& locale) {
  if (!actor.user) return Status::Unauthenticated("sign in first");
  if (!IsSupportedLocale(locale)) {
    FieldErrors e;
    e.Add("lang", "locale_unknown", "must be one of en, fr, es");
    return e.ToStatus();
  }
  return stores_.users->SetLocale(actor.user->id, locale, clock_.NowMs());
}

Result<std::vector<AuditEntry>> AccountService::AuditTrail(const Actor& actor, int limit,
                                                           const std::string& entity_type,
                                                           const std::string& entity_id) {
  if (!actor.IsAdmin()) return Status::PermissionDenied("only administrators read the audit log");
  return stores_.audit->List(limit, entity_type, entity_id);
}

}  // namespace waymark::accounts
