// ExchangeService: reports, hiding after too many, and the moderation queue.
#include <utility>

#include "core/strings.h"
#include "domain/exchange/exchange_service.h"
#include "domain/exchange/internal.h"

namespace waymark::exchange {
namespace {

using internal::Core;

constexpr int kQueueSize = 200;

Status CheckReportable(const Target& t) {
  if (t.kind != "campaign" && t.kind != "post") {
    return Status::InvalidArgument("only a campaign or a post can be reported, not '" +
                                   SanitizeUtf8(t.kind, 40) + "'");
  }
  return Status::Ok();
}

// Sets the hidden flag of a post or campaign and tells the search index.
Status SetHidden(Core& core, const Target& t, bool hidden) {
  if (t.kind == "post") {
    WM_RETURN_IF_ERROR(core.stores.threads->SetPostHidden(t.id, hidden));
  } else {
    WM_RETURN_IF_ERROR(core.campaigns.store().SetHidden(t.id, hidden));
    WM_RETURN_IF_ERROR(core.RefeedCampaignPosts(t.id));
  }
  return core.feed.Append(t.kind, t.id);
}

}  // namespace

Status ExchangeService::ReportTarget(const Actor& actor, const Target& t, const std::string& reason) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  if (!actor.user) return Status::Unauthenticated("sign in to report");
  WM_RETURN_IF_ERROR(CheckReportable(t));
  FieldErrors errors;
  internal::CheckText(errors, "reason", reason, internal::kMaxReason, /*required=*/true, /*multiline=*/true);
  if (!errors.empty()) return errors.ToStatus();

  // Only what the reporter can see can be reported.
  if (t.kind == "campaign") {
    WM_RETURN_IF_ERROR(campaigns_.Get(actor, t.id).status());
  } else {
    auto p = stores_.threads->GetPost(t.id);
    if (!p.ok()) return p.status().IsNotFound() ? Status::NotFound("no such post") : p.status();
    WM_ASSIGN_OR_RETURN(Thread thread, stores_.threads->GetThread(p->thread_id));
    if (p->hidden) {
      WM_ASSIGN_OR_RETURN(bool moderates, core.ModeratesThread(actor, thread));
      if (!moderates) return Status::NotFound("no such post");
    }
    WM_RETURN_IF_ERROR(core.CheckReadable(actor, thread));
  }

  Report r;
  r.target = t;
  r.reporter_id = actor.user->id;
  r.reason = std::string(TrimAscii(reason));
  r.created_at = clock_.NowMs();
  Status s = accounts_.unit->Run([&]() -> Status {
    // Without the lock, concurrent reports each counted only their own and
    // the committed ones: the target was hidden several times, or never.
    WM_RETURN_IF_ERROR(stores_.reports->LockTarget(t));
    WM_ASSIGN_OR_RETURN(Report added, stores_.reports->Add(r));
    WM_RETURN_IF_ERROR(
        core.Audit(actor, "report.create", t.kind, t.id, {{"report", std::to_string(added.id)}}));
    WM_ASSIGN_OR_RETURN(int open, stores_.reports->CountOpen(t));
    if (open < options_.report_threshold) return Status::Ok();
    bool hidden = false;
    if (t.kind == "post") {
      WM_ASSIGN_OR_RETURN(Post p, stores_.threads->GetPost(t.id));
      hidden = p.hidden;
    } else {
      WM_ASSIGN_OR_RETURN(campaigns::Campaign c, campaigns_.store().Get(t.id));
      hidden = c.hidden;
    }
    if (hidden) return Status::Ok();
    WM_RETURN_IF_ERROR(SetHidden(core, t, true));
    return core.Audit(actor, t.kind + ".hide", t.kind, t.id,
                      {{"reports", std::to_string(open)}, {"reason", "report threshold"}});
  });
  if (s.IsConflict()) return Status::Conflict("you have already reported this");
  return s;
}

Result<std::vector<ModerationItem>> ExchangeService::ModerationQueue(const Actor& actor) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to moderate");
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  if (!campaigns::CampaignService::ModeratesAnywhere(actor)) {
    return Status::PermissionDenied("only moderators see the moderation queue");
  }
  std::string lang = actor.user ? actor.user->locale : "en";
  WM_ASSIGN_OR_RETURN(auto open, stores_.reports->Open(kQueueSize));
  std::vector<ModerationItem> out;
  out.reserve(open.size());
  for (auto& [target, reports] : open) {
    // Each moderator sees what is theirs to moderate.
    WM_ASSIGN_OR_RETURN(bool moderates, core.ModeratesTarget(actor, target));
    if (!moderates) continue;
    ModerationItem item;
    item.target = target;
    item.reports = std::move(reports);
    if (target.kind == "post") {
      auto p = stores_.threads->GetPost(target.id);
      if (!p.ok()) {
        if (p.status().IsNotFound()) continue;
        return p.status();
      }
      item.title = internal::Excerpt(p->body, internal::kExcerpt);
      item.hidden = p->hidden;
      WM_ASSIGN_OR_RETURN(Thread thread, stores_.threads->GetThread(p->thread_id));
      item.context = thread.title;
    } else if (target.kind == "campaign") {
      auto c = campaigns_.store().Get(target.id);
      if (!c.ok()) {
        if (c.status().IsNotFound()) continue;
        return c.status();
      }
      item.title = c->Text(lang).title;
      item.hidden = c->hidden;
    }
    out.push_back(std::move(item));
  }
  return out;
}

Status ExchangeService::Resolve(const Actor& actor, const Target& t, const std::string& decision) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to moderate");
  WM_RETURN_IF_ERROR(CheckReportable(t));
  WM_ASSIGN_OR_RETURN(bool moderates, core.ModeratesTarget(actor, t));
  if (!moderates) {
    return Status::PermissionDenied("only moderators of the organisation it belongs to resolve its reports");
  }
  std::string d = ToLowerAscii(TrimAscii(decision));
  if (d != "restore" && d != "remove") {
    FieldErrors errors;
    std::string shown = SanitizeUtf8(decision, 40);
    errors.Add("decision", "invalid", "'" + shown + "' is not one of restore, remove", {{"value", shown}});
    return errors.ToStatus();
  }
  if (t.kind == "post") {
    auto p = stores_.threads->GetPost(t.id);
    if (!p.ok()) return p.status().IsNotFound() ? Status::NotFound("no such post") : p.status();
  } else {
    auto c = campaigns_.store().Get(t.id);
    if (!c.ok()) return c.status().IsNotFound() ? Status::NotFound("no such campaign") : c.status();
  }
  bool restore = d == "restore";
  return accounts_.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(SetHidden(core, t, !restore));
    WM_RETURN_IF_ERROR(stores_.reports->Resolve(t, restore ? "restored" : "removed", clock_.NowMs()));
    return core.Audit(actor, t.kind + (restore ? ".restore" : ".remove"), t.kind, t.id);
  });
}

}  // namespace waymark::exchange
