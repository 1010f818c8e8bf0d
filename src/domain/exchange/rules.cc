// The permission rules the exchange's services share.
#include <set>

#include "core/strings.h"
#include "domain/exchange/internal.h"

namespace waymark::exchange::internal {

Status Core::Audit(const Actor& actor, std::string action, std::string entity_type, Id entity_id,
                   std::map<std::string, std::string> details) const {
  return accounts.audit->Record(accounts::AuditEntry::For(actor, clock.NowMs(), std::move(action),
                                                          std::move(entity_type), std::to_string(entity_id),
                                                          std::move(details)));
}

Result<bool> Core::ModeratesThread(const Actor& actor, const Thread& t) const {
  if (actor.IsAdmin()) return true;
  if (!actor.user) return false;
  switch (t.kind) {
    case ThreadKind::kIdea: return false;  // the shared board: administrators
    case ThreadKind::kCampaign: {
      if (!t.campaign_id) return false;
      auto c = campaigns.store().Get(*t.campaign_id);
      if (!c.ok()) return c.status().IsNotFound() ? Result<bool>(false) : c.status();
      return campaigns::CampaignService::CanModerate(actor, c->organisation.id);
    }
    case ThreadKind::kGroup: {
      if (!t.group_id) return false;
      WM_ASSIGN_OR_RETURN(std::vector<GroupMember> members, stores.groups->Members(*t.group_id));
      return ModeratesGroup(actor, members);
    }
  }
  return false;
}

Result<bool> Core::ModeratesTarget(const Actor& actor, const Target& t) const {
  if (actor.IsAdmin()) return true;
  if (t.kind == "campaign") {
    auto c = campaigns.store().Get(t.id);
    if (!c.ok()) return c.status().IsNotFound() ? Result<bool>(false) : c.status();
    return campaigns::CampaignService::CanModerate(actor, c->organisation.id);
  }
  if (t.kind == "post") {
    auto p = stores.threads->GetPost(t.id);
    if (!p.ok()) return p.status().IsNotFound() ? Result<bool>(false) : p.status();
    WM_ASSIGN_OR_RETURN(Thread thread, stores.threads->GetThread(p->thread_id));
    return ModeratesThread(actor, thread);
  }
  return false;
}

bool Core::ModeratesGroup(const Actor& actor, const std::vector<GroupMember>& members) {
  if (actor.IsAdmin()) return true;
  for (const GroupMember& m : members) {
    if (m.state == MemberState::kMember &&
        campaigns::CampaignService::CanModerate(actor, m.organisation_id)) {
      return true;
    }
  }
  return false;
}

std::optional<GroupMember> Core::MemberOf(const std::vector<GroupMember>& members, Id org_id) {
  for (const GroupMember& m : members) {
    if (m.organisation_id == org_id) return m;
  }
  return std::nullopt;
}

std::vector<Id> Core::MemberOrgs(const Actor& actor, const std::vector<GroupMember>& members) {
  std::vector<Id> out;
  if (!actor.user) return out;
  for (const accounts::Membership& mine : actor.user->memberships) {
    auto m = MemberOf(members, mine.organisation_id);
    if (m && m->state == MemberState::kMember) out.push_back(mine.organisation_id);
  }
  return out;
}

bool Core::CanReadGroup(const Actor& actor, const Group& g, const std::vector<GroupMember>& members) {
  // Moderators of other organisations are outsiders here like anyone else.
  if (actor.IsAdmin()) return true;
  if (!actor.user) return false;
  if (!g.members_only) return true;
  return !MemberOrgs(actor, members).empty();
}

bool Core::CanManageGroup(const Actor& actor, const std::vector<GroupMember>& members) {
  if (actor.IsAdmin()) return true;
  for (const GroupMember& m : members) {
    if (m.state == MemberState::kMember && m.coordinator && CanActFor(actor, m.organisation_id)) return true;
  }
  return false;
}

Status Core::CheckReadable(const Actor& actor, const Thread& t) const {
  if (t.hidden) {
    WM_ASSIGN_OR_RETURN(bool moderates, ModeratesThread(actor, t));
    if (!moderates) return Status::NotFound("no such thread");
  }
  switch (t.kind) {
    case ThreadKind::kIdea: return Status::Ok();
    case ThreadKind::kCampaign: {
      if (!t.campaign_id) return Status::NotFound("no such thread");
      auto c = campaigns.Get(actor, *t.campaign_id);
      if (!c.ok()) return c.status().IsNotFound() ? Status::NotFound("no such thread") : c.status();
      return Status::Ok();
    }
    case ThreadKind::kGroup: {
      if (!t.group_id) return Status::NotFound("no such thread");
      WM_ASSIGN_OR_RETURN(Group g, stores.groups->Get(*t.group_id));
      WM_ASSIGN_OR_RETURN(std::vector<GroupMember> members, stores.groups->Members(g.id));
      if (!CanReadGroup(actor, g, members)) return Status::NotFound("no such thread");
      return Status::Ok();
    }
  }
  return Status::NotFound("no such thread");
}

Result<std::optional<Id>> Core::CheckCanPostIn(const Actor& actor, ThreadKind kind,
                                               std::optional<Id> campaign_id,
                                               std::optional<Id> group_id) const {
  if (!actor.user) return Status::Unauthenticated("sign in to post");
  std::optional<Id> first_org;
  if (!actor.user->memberships.empty()) first_org = actor.user->memberships.front().organisation_id;
  switch (kind) {
    case ThreadKind::kIdea: return first_org;
    case ThreadKind::kCampaign: {
      if (!campaign_id) return Status::NotFound("no such campaign");
      auto c = campaigns.Get(actor, *campaign_id);
      if (!c.ok()) return c.status();
      return first_org;
    }
    case ThreadKind::kGroup: {
      if (!group_id) return Status::NotFound("no such group");
      WM_ASSIGN_OR_RETURN(Group g, stores.groups->Get(*group_id));
      WM_ASSIGN_OR_RETURN(std::vector<GroupMember> members, stores.groups->Members(g.id));
      // Groups and their members are public; reading their threads is not.
      std::vector<Id> orgs = MemberOrgs(actor, members);
      if (orgs.empty()) return Status::PermissionDenied("only member organisations may post in this group");
      return std::optional<Id>(orgs.front());
    }
  }
  return Status::NotFound("no such place to post");
}

Result<std::optional<Id>> Core::CheckCanPost(const Actor& actor, const Thread& t) const {
  if (t.hidden) {
    WM_ASSIGN_OR_RETURN(bool moderates, ModeratesThread(actor, t));
    if (!moderates) return Status::NotFound("no such thread");
  }
  // In a group, a signed-in outsider is told that only members post (the
  // group is public); elsewhere, what one cannot read does not exist.
  if (t.kind != ThreadKind::kGroup) WM_RETURN_IF_ERROR(CheckReadable(actor, t));
  return CheckCanPostIn(actor, t.kind, t.campaign_id, t.group_id);
}

Status Core::RefeedCampaignPosts(Id campaign_id) const {
  WM_ASSIGN_OR_RETURN(std::optional<Thread> t, stores.threads->ThreadForCampaign(campaign_id));
  if (!t) return Status::Ok();
  WM_ASSIGN_OR_RETURN(std::vector<Post> posts, stores.threads->ListPosts(t->id, true));
  for (const Post& p : posts) WM_RETURN_IF_ERROR(feed.Append("post", p.id));
  return Status::Ok();
}

Status Core::NotifyFollowers(const Actor& actor, const std::string& event, const std::vector<Target>& targets,
                             const Target& about, const std::string& title,
                             const std::function<bool(const Actor&)>& can_see) const {
  std::set<Id> seen;
  if (actor.user) seen.insert(actor.user->id);  // never tell people about their own doing
  std::string actor_name = actor.user ? actor.user->name : actor.label;
  TimestampMs now = clock.NowMs();
  for (const Target& t : targets) {
    WM_ASSIGN_OR_RETURN(std::vector<Id> followers, stores.follows->Followers(t));
    for (Id user_id : followers) {
      if (!seen.insert(user_id).second) continue;
      if (can_see) {
        auto user = accounts.users->FindById(user_id);
        if (!user.ok()) {
          if (user.status().IsNotFound()) continue;
          return user.status();
        }
        if (!can_see(Actor::ForUser(*std::move(user), actor.request_id))) continue;
      }
      Notification n;
      n.user_id = user_id;
      n.event = event;
      n.target = about;
      n.title = title;
      n.actor_name = actor_name;
      n.created_at = now;
      WM_RETURN_IF_ERROR(stores.notifications->Add(n));
    }
  }
  return Status::Ok();
}

}  // namespace waymark::exchange::internal
