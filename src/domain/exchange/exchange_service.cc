// ExchangeService: threads, posts, the Ideas board, follows and
// notifications. Groups are in groups.cc, reports and moderation in
// moderation.cc, search documents in documents.cc.
#include "domain/exchange/exchange_service.h"

#include <algorithm>
#include <utility>

#include "core/strings.h"
#include "domain/exchange/internal.h"

namespace waymark::exchange {
namespace {

using internal::Core;

constexpr int kMaxPage = 100;

int ClampLimit(int limit) { return std::clamp(limit, 1, kMaxPage); }

// The unit of a post and of the thread it starts, with their validation.
struct Draft {
  Thread thread;
  Post post;
};

void ValidatePost(FieldErrors& errors, const std::string& body, const std::string& lang, Post& out) {
  internal::CheckText(errors, "body", body, kMaxPostBody, /*required=*/true, /*multiline=*/true);
  out.body = std::string(TrimAscii(body));
  out.lang = internal::CheckLang(errors, "lang", lang);
}

}  // namespace

ExchangeService::ExchangeService(accounts::Stores accounts, ExchangeStores stores,
                                 campaigns::CampaignService& campaigns, search::ChangeFeed& feed,
                                 const Clock& clock, ExchangeOptions options)
    : accounts_(accounts),
      stores_(stores),
      campaigns_(campaigns),
      feed_(feed),
      clock_(clock),
      options_(options) {}

Result<Thread> ExchangeService::StartThread(const Actor& actor, const NewThread& in) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  if (!actor.user) return Status::Unauthenticated("sign in to start a thread");

  FieldErrors errors;
  Draft d;
  d.thread.kind = in.kind;
  if (in.kind == ThreadKind::kCampaign) {
    if (!in.campaign_id) errors.Add("campaign_id", "required", "is required");
    d.thread.campaign_id = in.campaign_id;
  }
  if (in.kind == ThreadKind::kGroup) {
    if (!in.group_id) errors.Add("group_id", "required", "is required");
    d.thread.group_id = in.group_id;
  }
  // A campaign's thread may take the campaign's title.
  internal::CheckText(errors, "title", in.title, kMaxThreadTitle, in.kind != ThreadKind::kCampaign, false);
  d.thread.title = std::string(TrimAscii(in.title));
  d.thread.tags = internal::NormalizeTags(in.tags, errors);
  ValidatePost(errors, in.body, in.lang, d.post);
  if (!errors.empty()) return errors.ToStatus();

  WM_ASSIGN_OR_RETURN(std::optional<Id> org,
                      core.CheckCanPostIn(actor, in.kind, in.campaign_id, in.group_id));
  if (in.kind == ThreadKind::kCampaign) {
    WM_ASSIGN_OR_RETURN(campaigns::Campaign c, campaigns_.Get(actor, *in.campaign_id));
    WM_ASSIGN_OR_RETURN(std::optional<Thread> existing, stores_.threads->ThreadForCampaign(c.id));
    if (existing) return Status::Conflict("the campaign already has a discussion thread");
    if (d.thread.title.empty()) d.thread.title = c.Text(d.post.lang).title;
  }

  TimestampMs now = clock_.NowMs();
  const accounts::User& user = *actor.user;
  d.thread.lang = d.post.lang;
  d.thread.author_id = user.id;
  d.thread.author_name = user.name;
  d.thread.organisation_id = org;
  d.thread.created_at = now;
  d.thread.last_post_at = now;
  d.post.author_id = user.id;
  d.post.author_name = user.name;
  d.post.created_at = now;

  return accounts::RunInUnit<Thread>(*accounts_.unit, [&]() -> Result<Thread> {
    WM_ASSIGN_OR_RETURN(Thread t, stores_.threads->CreateThread(d.thread));
    d.post.thread_id = t.id;
    WM_ASSIGN_OR_RETURN(Post p, stores_.threads->CreatePost(d.post));
    WM_RETURN_IF_ERROR(stores_.follows->Follow(user.id, Target{"thread", t.id}, now));
    WM_RETURN_IF_ERROR(feed_.Append("post", p.id));
    WM_RETURN_IF_ERROR(core.Audit(actor, "thread.create", "thread", t.id,
                                  {{"kind", std::string(ToString(t.kind))}, {"title", t.title}}));
    // The followers of the campaign or group hear of the new thread.
    std::vector<Target> around;
    if (t.campaign_id) around.push_back(Target{"campaign", *t.campaign_id});
    if (t.group_id) around.push_back(Target{"group", *t.group_id});
    WM_RETURN_IF_ERROR(
        core.NotifyFollowers(actor, "post.created", around, Target{"thread", t.id}, t.title,
                             [&](const Actor& who) { return core.CheckReadable(who, t).ok(); }));
    return stores_.threads->GetThread(t.id);
  });
}

Result<Post> ExchangeService::Reply(const Actor& actor, Id thread_id, const NewPost& in) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  WM_ASSIGN_OR_RETURN(Thread t, stores_.threads->GetThread(thread_id));
  WM_RETURN_IF_ERROR(core.CheckCanPost(actor, t).status());

  FieldErrors errors;
  Post p;
  ValidatePost(errors, in.body, in.lang, p);
  if (in.quote_of) {
    auto quoted = stores_.threads->GetPost(*in.quote_of);
    if (!quoted.ok() && !quoted.status().IsNotFound()) return quoted.status();
    bool quotable = quoted.ok() && quoted->thread_id == t.id;
    if (quotable && quoted->hidden) {
      WM_ASSIGN_OR_RETURN(quotable, core.ModeratesThread(actor, t));
    }
    if (!quotable) {
      errors.Add("quote_of", "invalid", "is not a post of this thread");
    } else {
      p.quote_of = quoted->id;
      if (TrimAscii(in.quote_text).empty()) {
        p.quote_text = internal::Excerpt(quoted->body, internal::kDefaultQuote);
      } else {
        internal::CheckText(errors, "quote_text", in.quote_text, internal::kMaxQuote, false, true);
        p.quote_text = std::string(TrimAscii(in.quote_text));
        // A quote puts words in someone's mouth: they must be theirs.
        if (!errors.Has("quote_text") && !internal::QuoteMatches(p.quote_text, quoted->body)) {
          errors.Add("quote_text", "quote_mismatch", "is not a passage of the quoted post");
        }
      }
    }
  } else if (!TrimAscii(in.quote_text).empty()) {
    errors.Add("quote_of", "required", "is required with a quoted passage");
  }
  if (!errors.empty()) return errors.ToStatus();

  const accounts::User& user = *actor.user;
  TimestampMs now = clock_.NowMs();
  p.thread_id = t.id;
  p.author_id = user.id;
  p.author_name = user.name;
  p.created_at = now;
  return accounts::RunInUnit<Post>(*accounts_.unit, [&]() -> Result<Post> {
    WM_ASSIGN_OR_RETURN(Post created, stores_.threads->CreatePost(p));
    WM_RETURN_IF_ERROR(stores_.follows->Follow(user.id, Target{"thread", t.id}, now));
    WM_RETURN_IF_ERROR(feed_.Append("post", created.id));
    WM_RETURN_IF_ERROR(
        core.Audit(actor, "post.create", "post", created.id, {{"thread", std::to_string(t.id)}}));
    std::vector<Target> around{Target{"thread", t.id}};
    if (t.campaign_id) around.push_back(Target{"campaign", *t.campaign_id});
    if (t.group_id) around.push_back(Target{"group", *t.group_id});
    WM_RETURN_IF_ERROR(
        core.NotifyFollowers(actor, "post.created", around, Target{"thread", t.id}, t.title,
                             [&](const Actor& who) { return core.CheckReadable(who, t).ok(); }));
    return created;
  });
}

Result<ThreadView> ExchangeService::GetThread(const Actor& actor, Id thread_id) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  auto t = stores_.threads->GetThread(thread_id);
  if (!t.ok()) return t.status().IsNotFound() ? Status::NotFound("no such thread") : t.status();
  WM_RETURN_IF_ERROR(core.CheckReadable(actor, *t));
  ThreadView view;
  view.thread = *std::move(t);
  WM_ASSIGN_OR_RETURN(bool moderates, core.ModeratesThread(actor, view.thread));
  WM_ASSIGN_OR_RETURN(std::vector<Post> all, stores_.threads->ListPosts(thread_id, true));
  for (const Post& p : all) {
    if (moderates || !p.hidden) view.posts.push_back(p);
  }
  internal::ResolveQuotes(view.posts, all, moderates);
  if (actor.user) {
    std::vector<Id> ids;
    ids.reserve(view.posts.size());
    for (const Post& p : view.posts) ids.push_back(p.id);
    WM_ASSIGN_OR_RETURN(view.useful_mine, stores_.threads->UsefulMarksBy(actor.user->id, ids));
    WM_ASSIGN_OR_RETURN(view.following,
                        stores_.follows->IsFollowing(actor.user->id, Target{"thread", view.thread.id}));
  }
  auto can_post = core.CheckCanPost(actor, view.thread);
  if (!can_post.ok() && can_post.status().kind() == Status::Kind::kUnavailable) return can_post.status();
  view.can_post = can_post.ok();
  return view;
}

Result<std::optional<ThreadView>> ExchangeService::CampaignThread(const Actor& actor, Id campaign_id) {
  WM_ASSIGN_OR_RETURN(campaigns::Campaign c, campaigns_.Get(actor, campaign_id));
  WM_ASSIGN_OR_RETURN(std::optional<Thread> t, stores_.threads->ThreadForCampaign(c.id));
  if (!t) return std::optional<ThreadView>();
  WM_ASSIGN_OR_RETURN(ThreadView view, GetThread(actor, t->id));
  return std::optional<ThreadView>(std::move(view));
}

Result<Post> ExchangeService::ReplyToCampaign(const Actor& actor, Id campaign_id, const NewPost& p) {
  if (!actor.user) return Status::Unauthenticated("sign in to post");
  WM_ASSIGN_OR_RETURN(campaigns::Campaign c, campaigns_.Get(actor, campaign_id));
  WM_ASSIGN_OR_RETURN(std::optional<Thread> t, stores_.threads->ThreadForCampaign(c.id));
  if (!t) {
    // The first post opens the thread; a quote has nothing to quote yet.
    NewThread nt;
    nt.kind = ThreadKind::kCampaign;
    nt.campaign_id = c.id;
    nt.body = p.body;
    nt.lang = p.lang;
    auto started = StartThread(actor, nt);
    if (started.ok()) {
      WM_ASSIGN_OR_RETURN(std::vector<Post> posts, stores_.threads->ListPosts(started->id, true));
      if (posts.empty()) return Status::Internal("the new thread has no post");
      return posts.front();
    }
    if (!started.status().IsConflict()) return started.status();
    // Someone else opened it at the same moment: reply there.
    WM_ASSIGN_OR_RETURN(t, stores_.threads->ThreadForCampaign(c.id));
    if (!t) return started.status();
  }
  return Reply(actor, t->id, p);
}

Result<std::vector<Thread>> ExchangeService::Ideas(const Actor& actor, const std::optional<std::string>& tag,
                                                   int limit, int offset) {
  ThreadFilter f;
  f.kind = ThreadKind::kIdea;
  if (tag && !TrimAscii(*tag).empty()) {
    std::optional<std::string> t = internal::NormalizeTag(*tag);
    if (!t) return std::vector<Thread>{};  // no thread has an invalid tag
    f.tag = *t;
  }
  f.include_hidden = actor.IsAdmin();  // the Ideas board is moderated by administrators
  f.limit = ClampLimit(limit);
  f.offset = std::max(0, offset);
  return stores_.threads->ListThreads(f);
}

Result<int> ExchangeService::CountIdeas(const std::optional<std::string>& tag) {
  ThreadFilter f;
  f.kind = ThreadKind::kIdea;
  if (tag && !TrimAscii(*tag).empty()) {
    std::optional<std::string> t = internal::NormalizeTag(*tag);
    if (!t) return 0;
    f.tag = *t;
  }
  return stores_.threads->CountThreads(f);
}

Result<std::vector<std::pair<std::string, int>>> ExchangeService::IdeaTags(int limit) {
  return stores_.threads->IdeaTags(ClampLimit(limit));
}

Result<int> ExchangeService::MarkUseful(const Actor& actor, Id post_id, bool useful) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  if (!actor.user) return Status::Unauthenticated("sign in to mark posts useful");
  auto p = stores_.threads->GetPost(post_id);
  if (!p.ok()) return p.status().IsNotFound() ? Status::NotFound("no such post") : p.status();
  WM_ASSIGN_OR_RETURN(Thread t, stores_.threads->GetThread(p->thread_id));
  if (p->hidden) {
    WM_ASSIGN_OR_RETURN(bool moderates, core.ModeratesThread(actor, t));
    if (!moderates) return Status::NotFound("no such post");
  }
  WM_RETURN_IF_ERROR(core.CheckReadable(actor, t));
  Id user_id = actor.user->id;
  return accounts::RunInUnit<int>(*accounts_.unit, [&]() -> Result<int> {
    bool changed = false;
    if (useful) {
      WM_ASSIGN_OR_RETURN(changed, stores_.threads->MarkUseful(post_id, user_id));
    } else {
      WM_ASSIGN_OR_RETURN(changed, stores_.threads->UnmarkUseful(post_id, user_id));
    }
    if (changed) {
      WM_RETURN_IF_ERROR(core.Audit(actor, useful ? "post.useful" : "post.not_useful", "post", post_id));
    }
    WM_ASSIGN_OR_RETURN(Post after, stores_.threads->GetPost(post_id));
    return after.useful_count;
  });
}

Status ExchangeService::Follow(const Actor& actor, const Target& t, bool follow) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  if (!actor.user) return Status::Unauthenticated("sign in to follow");
  if (follow) {
    // Only what the actor can see may be followed.
    if (t.kind == "campaign") {
      WM_RETURN_IF_ERROR(campaigns_.Get(actor, t.id).status());
    } else if (t.kind == "thread") {
      auto thread = stores_.threads->GetThread(t.id);
      if (!thread.ok())
        return thread.status().IsNotFound() ? Status::NotFound("no such thread") : thread.status();
      WM_RETURN_IF_ERROR(core.CheckReadable(actor, *thread));
    } else if (t.kind == "group") {
      auto g = stores_.groups->Get(t.id);
      if (!g.ok()) return g.status().IsNotFound() ? Status::NotFound("no such group") : g.status();
    } else {
      return Status::InvalidArgument("only a campaign, thread or group can be followed, not '" + t.kind +
                                     "'");
    }
  } else if (t.kind != "campaign" && t.kind != "thread" && t.kind != "group") {
    return Status::InvalidArgument("only a campaign, thread or group can be followed, not '" + t.kind + "'");
  }
  Id user_id = actor.user->id;
  return accounts_.unit->Run([&]() -> Status {
    WM_ASSIGN_OR_RETURN(bool before, stores_.follows->IsFollowing(user_id, t));
    if (before == follow) return Status::Ok();
    if (follow) {
      WM_RETURN_IF_ERROR(stores_.follows->Follow(user_id, t, clock_.NowMs()));
    } else {
      WM_RETURN_IF_ERROR(stores_.follows->Unfollow(user_id, t));
    }
    return core.Audit(actor, follow ? "follow.add" : "follow.remove", t.kind, t.id);
  });
}

Result<bool> ExchangeService::IsFollowing(const Actor& actor, const Target& t) {
  if (!actor.user) return false;
  return stores_.follows->IsFollowing(actor.user->id, t);
}

Result<std::vector<Notification>> ExchangeService::Notifications(const Actor& actor, bool unread_only,
                                                                 int limit) {
  if (!actor.user) return Status::Unauthenticated("sign in to see notifications");
  return stores_.notifications->List(actor.user->id, unread_only, ClampLimit(limit));
}

Result<int> ExchangeService::UnreadCount(const Actor& actor) {
  if (!actor.user) return 0;
  return stores_.notifications->CountUnread(actor.user->id);
}

Status ExchangeService::MarkRead(const Actor& actor, std::optional<Id> id) {
  if (!actor.user) return Status::Unauthenticated("sign in to see notifications");
  return stores_.notifications->MarkRead(actor.user->id, id, clock_.NowMs());
}

Status ExchangeService::SetDigest(const Actor& actor, const std::string& frequency) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  if (!actor.user) return Status::Unauthenticated("sign in to choose a digest");
  std::optional<DigestFrequency> f = ParseDigestFrequency(ToLowerAscii(TrimAscii(frequency)));
  if (!f) {
    FieldErrors errors;
    std::string shown = SanitizeUtf8(frequency, 40);
    errors.Add("frequency", "invalid", "'" + shown + "' is not one of none, daily, weekly",
               {{"value", shown}});
    return errors.ToStatus();
  }
  Id user_id = actor.user->id;
  return accounts_.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(stores_.notifications->SetFrequency(user_id, *f));
    return core.Audit(actor, "digest.set", "user", user_id, {{"frequency", std::string(ToString(*f))}});
  });
}

Result<DigestFrequency> ExchangeService::Digest(const Actor& actor) {
  if (!actor.user) return Status::Unauthenticated("sign in to choose a digest");
  return stores_.notifications->Frequency(actor.user->id);
}

Status ExchangeService::Notify(const Actor& actor, const std::string& event, const Target& t,
                               const std::string& title) {
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  std::function<bool(const Actor&)> can_see;
  if (t.kind == "campaign") {
    can_see = [&](const Actor& who) { return campaigns_.Get(who, t.id).ok(); };
  } else if (t.kind == "thread") {
    can_see = [&](const Actor& who) {
      auto thread = stores_.threads->GetThread(t.id);
      return thread.ok() && core.CheckReadable(who, *thread).ok();
    };
  }
  return accounts_.unit->Run([&]() -> Status {
    // A workflow step may change who can read the campaign's discussion.
    if (t.kind == "campaign") WM_RETURN_IF_ERROR(core.RefeedCampaignPosts(t.id));
    return core.NotifyFollowers(actor, event, {t}, t, title, can_see);
  });
}

}  // namespace waymark::exchange
