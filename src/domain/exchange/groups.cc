// ExchangeService: working groups and their membership by organisation.
#include <utility>

#include "core/strings.h"
#include "domain/accounts/account_service.h"
#include "domain/exchange/exchange_service.h"
#include "domain/exchange/internal.h"

namespace waymark::exchange {
namespace {

using internal::Core;

Result<Group> LoadGroup(GroupStore& groups, Id id) {
  auto g = groups.Get(id);
  if (!g.ok() && g.status().IsNotFound()) return Status::NotFound("no such group");
  return g;
}

Result<accounts::Organisation> LoadOrganisation(accounts::OrganisationStore& orgs, const std::string& slug) {
  auto org = orgs.FindBySlug(ToLowerAscii(TrimAscii(slug)));
  if (!org.ok() && org.status().IsNotFound()) {
    return Status::NotFound("no organisation '" + SanitizeUtf8(slug, 80) + "'");
  }
  return org;
}

GroupMember MemberRecord(const Group& g, const accounts::Organisation& org, MemberState state,
                         bool coordinator, TimestampMs at) {
  GroupMember m;
  m.group_id = g.id;
  m.organisation_id = org.id;
  m.organisation_slug = org.slug;
  m.organisation_name = org.name;
  m.state = state;
  m.coordinator = coordinator;
  m.at = at;
  return m;
}

// A members-only group's posts are indexed for its member organisations, so
// a change of membership changes who may find them: queue them again.
Status RefeedGroupPosts(ExchangeStores& stores, search::ChangeFeed& feed, const Group& g) {
  if (!g.members_only) return Status::Ok();
  ThreadFilter f;
  f.kind = ThreadKind::kGroup;
  f.group_id = g.id;
  f.include_hidden = true;
  f.limit = 100;
  for (f.offset = 0;; f.offset += f.limit) {
    WM_ASSIGN_OR_RETURN(std::vector<Thread> threads, stores.threads->ListThreads(f));
    for (const Thread& t : threads) {
      WM_ASSIGN_OR_RETURN(std::vector<Post> posts, stores.threads->ListPosts(t.id, true));
      for (const Post& p : posts) WM_RETURN_IF_ERROR(feed.Append("post", p.id));
    }
    if (static_cast<int>(threads.size()) < f.limit) return Status::Ok();
  }
}

}  // namespace

Result<Group> ExchangeService::CreateGroup(const Actor& actor, const NewGroup& in) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to create a group");
  FieldErrors errors;
  Group g;
  g.slug = ToLowerAscii(TrimAscii(in.slug));
  if (g.slug.empty()) {
    errors.Add("slug", "required", "is required");
  } else if (!accounts::IsValidSlug(g.slug)) {
    errors.Add("slug", "slug_format", "must be 2-40 characters of a-z, 0-9 and '-'");
  }
  internal::CheckText(errors, "name", in.name, internal::kMaxGroupName, true, false);
  g.name = std::string(TrimAscii(in.name));
  internal::CheckText(errors, "purpose", in.purpose, internal::kMaxGroupPurpose, false, true);
  g.purpose = std::string(TrimAscii(in.purpose));
  g.members_only = in.members_only;
  std::optional<accounts::Organisation> org;
  if (TrimAscii(in.organisation).empty()) {
    errors.Add("organisation", "required", "is required");
  } else {
    auto found = accounts_.organisations->FindBySlug(ToLowerAscii(TrimAscii(in.organisation)));
    if (found.ok()) {
      org = *std::move(found);
    } else if (found.status().IsNotFound()) {
      std::string shown = SanitizeUtf8(in.organisation, 80);
      errors.Add("organisation", "unknown", "'" + shown + "' is not an organisation", {{"value", shown}});
    } else {
      return found.status();
    }
  }
  if (!errors.empty()) return errors.ToStatus();
  if (!actor.IsAdmin() && !internal::CanActFor(actor, org->id)) {
    return Status::PermissionDenied("only the organisation's editors may found a group for it");
  }

  TimestampMs now = clock_.NowMs();
  g.created_by = actor.user ? actor.user->id : 0;
  g.created_at = now;
  auto created = accounts::RunInUnit<Group>(*accounts_.unit, [&]() -> Result<Group> {
    WM_ASSIGN_OR_RETURN(Group out, stores_.groups->Create(g));
    WM_RETURN_IF_ERROR(stores_.groups->SetMember(MemberRecord(out, *org, MemberState::kMember, true, now)));
    if (actor.user) WM_RETURN_IF_ERROR(stores_.follows->Follow(actor.user->id, Target{"group", out.id}, now));
    WM_RETURN_IF_ERROR(core.Audit(actor, "group.create", "group", out.id,
                                  {{"slug", out.slug},
                                   {"name", out.name},
                                   {"organisation", org->slug},
                                   {"members_only", out.members_only ? "true" : "false"}}));
    return out;
  });
  if (!created.ok() && created.status().IsConflict()) {
    return Status::Conflict("a group with slug '" + g.slug + "' already exists");
  }
  return created;
}

Result<std::vector<Group>> ExchangeService::Groups(int limit, int offset) {
  return stores_.groups->List(std::clamp(limit, 1, 100), std::max(0, offset));
}

Result<GroupView> ExchangeService::GetGroup(const Actor& actor, Id group_id) {
  WM_ASSIGN_OR_RETURN(Group g, LoadGroup(*stores_.groups, group_id));
  GroupView view;
  WM_ASSIGN_OR_RETURN(view.members, stores_.groups->Members(g.id));
  view.can_read = Core::CanReadGroup(actor, g, view.members);
  std::vector<Id> mine = Core::MemberOrgs(actor, view.members);
  view.can_post = actor.user.has_value() && !mine.empty();
  view.can_manage = Core::CanManageGroup(actor, view.members);
  if (actor.user) {
    // The reader's organisation: a full member first, else any pending one.
    if (!mine.empty()) {
      view.mine = Core::MemberOf(view.members, mine.front());
    } else {
      for (const accounts::Membership& m : actor.user->memberships) {
        if (auto gm = Core::MemberOf(view.members, m.organisation_id)) {
          view.mine = gm;
          break;
        }
      }
    }
    WM_ASSIGN_OR_RETURN(view.following, stores_.follows->IsFollowing(actor.user->id, Target{"group", g.id}));
  }
  if (view.can_read) {
    ThreadFilter f;
    f.kind = ThreadKind::kGroup;
    f.group_id = g.id;
    f.include_hidden = Core::ModeratesGroup(actor, view.members);
    f.limit = 100;
    WM_ASSIGN_OR_RETURN(view.threads, stores_.threads->ListThreads(f));
    WM_ASSIGN_OR_RETURN(std::vector<Id> linked, stores_.groups->LinkedCampaigns(g.id));
    for (Id id : linked) {
      auto c = campaigns_.Get(actor, id);
      if (c.ok()) {
        view.campaigns.push_back(*std::move(c));
      } else if (!c.status().IsNotFound()) {
        return c.status();
      }
    }
  }
  view.group = std::move(g);
  return view;
}

Status ExchangeService::RequestMembership(const Actor& actor, Id group_id, const std::string& org_slug) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to join a group");
  WM_ASSIGN_OR_RETURN(Group g, LoadGroup(*stores_.groups, group_id));
  WM_ASSIGN_OR_RETURN(accounts::Organisation org, LoadOrganisation(*accounts_.organisations, org_slug));
  if (!actor.IsAdmin() && !internal::CanActFor(actor, org.id)) {
    return Status::PermissionDenied("only the organisation's editors may ask to join for it");
  }
  TimestampMs now = clock_.NowMs();
  return accounts_.unit->Run([&]() -> Status {
    WM_ASSIGN_OR_RETURN(std::optional<GroupMember> existing, stores_.groups->Member(g.id, org.id));
    if (existing && existing->state == MemberState::kMember) {
      return Status::Conflict(org.name + " is already a member of the group");
    }
    if (existing && existing->state == MemberState::kRequested) return Status::Ok();  // asked already
    // Asking after an invitation is agreeing to it.
    bool joins = existing && existing->state == MemberState::kInvited;
    MemberState state = joins ? MemberState::kMember : MemberState::kRequested;
    WM_RETURN_IF_ERROR(stores_.groups->SetMember(MemberRecord(g, org, state, false, now)));
    if (joins) WM_RETURN_IF_ERROR(RefeedGroupPosts(stores_, feed_, g));
    WM_RETURN_IF_ERROR(core.Audit(actor, joins ? "group.join" : "group.request", "group", g.id,
                                  {{"organisation", org.slug}}));
    return core.NotifyFollowers(actor, joins ? "group.joined" : "group.requested", {Target{"group", g.id}},
                                Target{"group", g.id}, g.name, nullptr);
  });
}

Status ExchangeService::Invite(const Actor& actor, Id group_id, const std::string& org_slug) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to invite");
  WM_ASSIGN_OR_RETURN(Group g, LoadGroup(*stores_.groups, group_id));
  WM_ASSIGN_OR_RETURN(accounts::Organisation org, LoadOrganisation(*accounts_.organisations, org_slug));
  TimestampMs now = clock_.NowMs();
  return accounts_.unit->Run([&]() -> Status {
    WM_ASSIGN_OR_RETURN(std::vector<GroupMember> members, stores_.groups->Members(g.id));
    if (!Core::CanManageGroup(actor, members)) {
      return Status::PermissionDenied("only the group's coordinators may invite organisations");
    }
    std::optional<GroupMember> existing = Core::MemberOf(members, org.id);
    if (existing && existing->state == MemberState::kMember) {
      return Status::Conflict(org.name + " is already a member of the group");
    }
    if (existing && existing->state == MemberState::kInvited) return Status::Ok();  // invited already
    // Inviting an organisation that asked to join is accepting it.
    bool joins = existing && existing->state == MemberState::kRequested;
    MemberState state = joins ? MemberState::kMember : MemberState::kInvited;
    WM_RETURN_IF_ERROR(stores_.groups->SetMember(MemberRecord(g, org, state, false, now)));
    if (joins) WM_RETURN_IF_ERROR(RefeedGroupPosts(stores_, feed_, g));
    WM_RETURN_IF_ERROR(core.Audit(actor, joins ? "group.accept" : "group.invite", "group", g.id,
                                  {{"organisation", org.slug}}));
    return core.NotifyFollowers(actor, joins ? "group.joined" : "group.invited", {Target{"group", g.id}},
                                Target{"group", g.id}, g.name, nullptr);
  });
}

Status ExchangeService::Accept(const Actor& actor, Id group_id, const std::string& org_slug) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to accept");
  WM_ASSIGN_OR_RETURN(Group g, LoadGroup(*stores_.groups, group_id));
  WM_ASSIGN_OR_RETURN(accounts::Organisation org, LoadOrganisation(*accounts_.organisations, org_slug));
  TimestampMs now = clock_.NowMs();
  return accounts_.unit->Run([&]() -> Status {
    WM_ASSIGN_OR_RETURN(std::vector<GroupMember> members, stores_.groups->Members(g.id));
    std::optional<GroupMember> existing = Core::MemberOf(members, org.id);
    if (!existing) return Status::NotFound(org.name + " has neither asked to join nor been invited");
    if (existing->state == MemberState::kMember) return Status::Conflict(org.name + " is already a member");
    if (existing->state == MemberState::kRequested && !Core::CanManageGroup(actor, members)) {
      return Status::PermissionDenied("only the group's coordinators may accept a request to join");
    }
    if (existing->state == MemberState::kInvited && !actor.IsAdmin() && !internal::CanActFor(actor, org.id)) {
      return Status::PermissionDenied("only the invited organisation's editors may accept the invitation");
    }
    GroupMember m = *existing;
    m.state = MemberState::kMember;
    m.at = now;
    WM_RETURN_IF_ERROR(stores_.groups->SetMember(m));
    WM_RETURN_IF_ERROR(RefeedGroupPosts(stores_, feed_, g));
    WM_RETURN_IF_ERROR(
        core.Audit(actor, "group.accept", "group", g.id,
                   {{"organisation", org.slug}, {"was", std::string(ToString(existing->state))}}));
    return core.NotifyFollowers(actor, "group.joined", {Target{"group", g.id}}, Target{"group", g.id}, g.name,
                                nullptr);
  });
}

Status ExchangeService::Leave(const Actor& actor, Id group_id, const std::string& org_slug) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to leave");
  WM_ASSIGN_OR_RETURN(Group g, LoadGroup(*stores_.groups, group_id));
  WM_ASSIGN_OR_RETURN(accounts::Organisation org, LoadOrganisation(*accounts_.organisations, org_slug));
  return accounts_.unit->Run([&]() -> Status {
    WM_ASSIGN_OR_RETURN(std::vector<GroupMember> members, stores_.groups->Members(g.id));
    std::optional<GroupMember> existing = Core::MemberOf(members, org.id);
    if (!existing) return Status::NotFound(org.name + " is not in the group");
    // The organisation itself leaves (or declines, or withdraws); a
    // coordinator may also remove it.
    if (!internal::CanActFor(actor, org.id) && !Core::CanManageGroup(actor, members)) {
      return Status::PermissionDenied(
          "only the organisation's editors or the group's coordinators may do that");
    }
    if (existing->coordinator && existing->state == MemberState::kMember) {
      int coordinators = 0;
      int others = 0;
      for (const GroupMember& m : members) {
        if (m.state != MemberState::kMember) continue;
        if (m.coordinator) ++coordinators;
        if (m.organisation_id != org.id) ++others;
      }
      if (coordinators == 1 && others > 0) {
        return Status::Conflict(
            "the group's last coordinating organisation cannot leave while others remain");
      }
    }
    WM_RETURN_IF_ERROR(stores_.groups->RemoveMember(g.id, org.id));
    if (existing->state == MemberState::kMember) WM_RETURN_IF_ERROR(RefeedGroupPosts(stores_, feed_, g));
    return core.Audit(actor, "group.leave", "group", g.id,
                      {{"organisation", org.slug}, {"was", std::string(ToString(existing->state))}});
  });
}

Status ExchangeService::LinkCampaign(const Actor& actor, Id group_id, Id campaign_id) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to link a campaign");
  WM_ASSIGN_OR_RETURN(Group g, LoadGroup(*stores_.groups, group_id));
  WM_ASSIGN_OR_RETURN(std::vector<GroupMember> members, stores_.groups->Members(g.id));
  if (!actor.IsAdmin() && Core::MemberOrgs(actor, members).empty()) {
    return Status::PermissionDenied("only member organisations may link campaigns to the group");
  }
  WM_ASSIGN_OR_RETURN(campaigns::Campaign c, campaigns_.Get(actor, campaign_id));
  return accounts_.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(stores_.groups->LinkCampaign(g.id, c.id, clock_.NowMs()));
    return core.Audit(actor, "group.link_campaign", "group", g.id, {{"campaign", std::to_string(c.id)}});
  });
}

}  // namespace waymark::exchange
