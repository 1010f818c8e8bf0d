#include "domain/accounts/model.h"

namespace waymark::accounts {

std::string_view ToString(OrgKind kind) {
  switch (kind) {
    case OrgKind::kIom: return "iom";
    case OrgKind::kCso: return "cso";
    case OrgKind::kMigrantAssociation: return "migrant_association";
    case OrgKind::kTradeUnion: return "trade_union";
    case OrgKind::kResearch: return "research";
    case OrgKind::kGovernment: return "government";
    case OrgKind::kOther: return "other";
  }
  return "other";
}

const std::vector<OrgKind>& AllOrgKinds() {
  static const std::vector<OrgKind> kinds = {
      OrgKind::kIom,        OrgKind::kCso,      OrgKind::kMigrantAssociation,
      OrgKind::kTradeUnion, OrgKind::kResearch, OrgKind::kGovernment,
      OrgKind::kOther};
  return kinds;
}

std::optional<OrgKind> ParseOrgKind(std::string_view s) {
  for (OrgKind k : AllOrgKinds()) {
    if (ToString(k) == s) return k;
  }
  return std::nullopt;
}

std::string_view ToString(Role role) {
  switch (role) {
    case Role::kMember: return "member";
    case Role::kEditor: return "editor";
    case Role::kModerator: return "moderator";
  }
  return "member";
}

std::optional<Role> ParseRole(std::string_view s) {
  if (s == "member") return Role::kMember;
  if (s == "editor") return Role::kEditor;
  if (s == "moderator") return Role::kModerator;
  return std::nullopt;
}

bool IsSupportedLocale(std::string_view locale) {
  for (auto l : kLocales) {
    if (l == locale) return true;
  }
  return false;
}

AuditEntry AuditEntry::For(const Actor& actor, TimestampMs at, std::string action, std::string entity_type,
                           std::string entity_id, std::map<std::string, std::string> details) {
  AuditEntry e;
  e.at = at;
  if (actor.user) e.actor_user_id = actor.user->id;
  e.actor_label = actor.label;
  e.action = std::move(action);
  e.entity_type = std::move(entity_type);
  e.entity_id = std::move(entity_id);
  e.details = std::move(details);
  e.request_id = actor.request_id;
  return e;
}

std::optional<Role> User::RoleIn(Id org_id) const {
  for (const auto& m : memberships) {
    if (m.organisation_id == org_id) return m.role;
  }
  return std::nullopt;
}

}  // namespace waymark::accounts
