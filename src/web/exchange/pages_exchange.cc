// Pages: the idea exchange. The Ideas board, threads and their posts (quote,
// "useful", report, follow), a campaign's discussion, working groups,
// notifications with the digest preference, and the moderation queue.
// Handlers are thin: read the form, call ExchangeService, render.
#include <algorithm>
#include <set>

#include "core/strings.h"
#include "text/markdown.h"
#include "web/exchange/exchange_module.h"
#include "web/helpers.h"

namespace waymark::web {

using accounts::Id;
using http::Response;
using nlohmann::json;

namespace {

constexpr int kIdeasPerPage = 20;
constexpr int kGroupsPerPage = 50;
constexpr std::size_t kMaxQuoteChars = 2000;

// "12" -> 12; anything else (empty, signs, letters, overflow) -> nullopt.
std::optional<Id> ParseId(std::string_view s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  Id v = std::stoll(std::string(s));
  if (v <= 0) return std::nullopt;
  return v;
}

Result<Id> PathId(const Context& ctx, const char* name = "id") {
  auto it = ctx.req.params.find(name);
  if (it == ctx.req.params.end()) return Status::NotFound("no such page");
  auto id = ParseId(it->second);
  if (!id) return Status::NotFound("no such page: '" + it->second + "' is not a number");
  return *id;
}

// "2026-11-29 21:04" (UTC) for people, the ISO form for <time datetime>.
json When(TimestampMs ms) {
  std::string iso = FormatIso8601(ms);
  std::string shown = iso.substr(0, 16);
  if (shown.size() > 10) shown[10] = ' ';
  return json{{"iso", iso}, {"text", shown}};
}

std::vector<std::string> SplitTags(const std::string& text) {
  std::vector<std::string> out;
  for (auto part : Split(text, ',')) {
    auto t = TrimAscii(part);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

// A post's body as quoted text: trimmed and cut to a sensible length.
std::string QuoteOf(const std::string& body) {
  std::string q(TrimAscii(body));
  if (q.size() > kMaxQuoteChars) q = SanitizeUtf8(q, kMaxQuoteChars) + "…";
  return q;
}

}  // namespace

void ExchangeModule::RegisterRoutes() {
  Route("GET", "/ideas", Access::kPublic, &ExchangeModule::Ideas);
  Route("GET", "/discussions", Access::kPublic, &ExchangeModule::DiscussionSearch);
  Route("GET", "/api/v1/posts", Access::kPublic, &ExchangeModule::ApiSearchPosts);
  Route("GET", "/ideas/new", Access::kSignedIn, &ExchangeModule::IdeaNew);
  Route("POST", "/ideas", Access::kSignedIn, &ExchangeModule::IdeaCreate);
  Route("GET", "/threads/{id}", Access::kPublic, &ExchangeModule::ThreadPage);
  Route("POST", "/threads/{id}/posts", Access::kSignedIn, &ExchangeModule::ThreadReply);
  Route("GET", "/campaigns/{id}/discussion", Access::kPublic, &ExchangeModule::CampaignDiscussion);
  Route("POST", "/campaigns/{id}/discussion", Access::kSignedIn, &ExchangeModule::CampaignDiscussionReply);
  Route("POST", "/posts/{id}/useful", Access::kSignedIn, &ExchangeModule::PostUseful);
  Route("POST", "/report", Access::kSignedIn, &ExchangeModule::ReportTarget);
  Route("POST", "/follow", Access::kSignedIn, &ExchangeModule::FollowTarget);
  Route("GET", "/groups", Access::kPublic, &ExchangeModule::Groups);
  Route("GET", "/groups/new", Access::kSignedIn, &ExchangeModule::GroupNew);
  Route("POST", "/groups/new", Access::kSignedIn, &ExchangeModule::GroupCreate);
  Route("GET", "/groups/{id}", Access::kPublic, &ExchangeModule::GroupPage);
  Route("POST", "/groups/{id}/threads", Access::kSignedIn, &ExchangeModule::GroupThreadCreate);
  Route("POST", "/groups/{id}/request", Access::kSignedIn, &ExchangeModule::GroupRequest);
  Route("POST", "/groups/{id}/invite", Access::kSignedIn, &ExchangeModule::GroupInvite);
  Route("POST", "/groups/{id}/accept", Access::kSignedIn, &ExchangeModule::GroupAccept);
  Route("POST", "/groups/{id}/leave", Access::kSignedIn, &ExchangeModule::GroupLeave);
  Route("POST", "/groups/{id}/campaigns", Access::kSignedIn, &ExchangeModule::GroupLinkCampaign);
  Route("GET", "/notifications", Access::kSignedIn, &ExchangeModule::NotificationsPage);
  Route("POST", "/notifications/read", Access::kSignedIn, &ExchangeModule::NotificationsRead);
  Route("POST", "/notifications/digest", Access::kSignedIn, &ExchangeModule::NotificationsDigest);
  Route("GET", "/moderation", Access::kSignedIn, &ExchangeModule::ModerationPage);
  Route("POST", "/moderation/resolve", Access::kSignedIn, &ExchangeModule::ModerationResolve);

  Route("GET", "/api/v1/threads", Access::kPublic, &ExchangeModule::ApiListThreads);
  Route("POST", "/api/v1/threads", Access::kSignedIn, &ExchangeModule::ApiCreateThread);
  Route("GET", "/api/v1/threads/{id}", Access::kPublic, &ExchangeModule::ApiGetThread);
  Route("POST", "/api/v1/threads/{id}/posts", Access::kSignedIn, &ExchangeModule::ApiReplyThread);
  Route("GET", "/api/v1/campaigns/{id}/posts", Access::kPublic, &ExchangeModule::ApiCampaignPosts);
  Route("POST", "/api/v1/campaigns/{id}/posts", Access::kSignedIn, &ExchangeModule::ApiCampaignReply);
  Route("POST", "/api/v1/posts/{id}/useful", Access::kSignedIn, &ExchangeModule::ApiMarkUseful);
  Route("DELETE", "/api/v1/posts/{id}/useful", Access::kSignedIn, &ExchangeModule::ApiUnmarkUseful);
  Route("GET", "/api/v1/groups", Access::kPublic, &ExchangeModule::ApiListGroups);
  Route("POST", "/api/v1/groups", Access::kSignedIn, &ExchangeModule::ApiCreateGroup);
  Route("GET", "/api/v1/groups/{id}", Access::kPublic, &ExchangeModule::ApiGetGroup);
  Route("POST", "/api/v1/groups/{id}/requests", Access::kSignedIn, &ExchangeModule::ApiGroupRequest);
  Route("POST", "/api/v1/groups/{id}/invitations", Access::kSignedIn, &ExchangeModule::ApiGroupInvite);
  Route("POST", "/api/v1/groups/{id}/accept", Access::kSignedIn, &ExchangeModule::ApiGroupAccept);
  Route("POST", "/api/v1/groups/{id}/leave", Access::kSignedIn, &ExchangeModule::ApiGroupLeave);
  Route("POST", "/api/v1/groups/{id}/campaigns", Access::kSignedIn, &ExchangeModule::ApiGroupLink);
  Route("POST", "/api/v1/follows", Access::kSignedIn, &ExchangeModule::ApiFollow);
  Route("DELETE", "/api/v1/follows", Access::kSignedIn, &ExchangeModule::ApiUnfollow);
  Route("GET", "/api/v1/notifications", Access::kSignedIn, &ExchangeModule::ApiNotifications);
  Route("POST", "/api/v1/notifications/read", Access::kSignedIn, &ExchangeModule::ApiNotificationsRead);
  Route("POST", "/api/v1/reports", Access::kSignedIn, &ExchangeModule::ApiReport);
}

// --- Shared --------------------------------------------------------------

void ExchangeModule::AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const {
  nav.push_back({30, "/ideas", T(ctx, "ex_nav_ideas"), true, ""});
  nav.push_back({40, "/groups", T(ctx, "ex_nav_groups"), true, ""});
  std::string unread;
  if (ctx.user && services_.exchange != nullptr) {
    auto n = services_.exchange->UnreadCount(ctx.actor());
    // The count is a courtesy: a failure here must not fail the page.
    if (n.ok() && *n > 0) unread = Fill(T(ctx, "ex_nav_unread"), "{n}", std::to_string(*n));
  }
  nav.push_back({50, "/notifications", T(ctx, "ex_nav_notifications"), ctx.user.has_value(), unread});
  nav.push_back({60, "/moderation", T(ctx, "ex_nav_moderation"), IsModerator(ctx), ""});
}

json ExchangeModule::ExErrorList(const Context& ctx, const Status& status) const {
  json list = ErrorList(ctx, status);
  for (auto& item : list) {
    std::string key = "ex_field_" + item.value("field", "");
    const std::string& label = T(ctx, key);
    if (label != key) item["label"] = label;
  }
  return list;
}

bool ExchangeModule::IsModerator(const Context& ctx) const {
  return ctx.user && campaigns::CampaignService::ModeratesAnywhere(ctx.actor());
}

namespace {

json LanguageOptions(const std::string& selected) {
  static const std::pair<const char*, const char*> kLangs[] = {
      {"en", "English"}, {"fr", "Français"}, {"es", "Español"}};
  json out = json::array();
  for (const auto& [code, name] : kLangs) {
    out.push_back({{"code", code}, {"name", name}, {"selected", selected == code}});
  }
  return out;
}

}  // namespace

// --- Ideas ---------------------------------------------------------------

Response ExchangeModule::Ideas(Context& ctx) {
  int page = PageParam(ctx.req);
  std::optional<std::string> tag;
  if (auto t = ctx.req.QueryParam("tag"); t && !TrimAscii(*t).empty()) tag = ToLowerAscii(TrimAscii(*t));
  auto total = services_.exchange->CountIdeas(tag);
  if (!total.ok()) return Error(ctx, total.status());
  auto ideas = services_.exchange->Ideas(ctx.actor(), tag, kIdeasPerPage, (page - 1) * kIdeasPerPage);
  if (!ideas.ok()) return Error(ctx, ideas.status());
  auto tags = services_.exchange->IdeaTags(30);
  if (!tags.ok()) return Error(ctx, tags.status());

  json rows = json::array();
  for (const auto& t : *ideas) {
    json tag_list = json::array();
    for (const auto& g : t.tags) tag_list.push_back({{"tag", g}, {"href", "/ideas?tag=" + PercentEncode(g)}});
    rows.push_back({{"id", t.id},
                    {"title", t.title},
                    {"href", "/threads/" + std::to_string(t.id)},
                    {"tags", tag_list},
                    {"has_tags", !t.tags.empty()},
                    {"author", t.author_name},
                    {"lang", t.lang},
                    {"replies", Fill(T(ctx, "ex_posts_count"), "{n}", std::to_string(t.post_count))},
                    {"useful", Fill(T(ctx, "ex_useful_count"), "{n}", std::to_string(t.useful_count))},
                    {"last", When(t.last_post_at)}});
  }
  json tag_options = json::array();
  for (const auto& [name, count] : *tags) {
    tag_options.push_back({{"tag", name},
                           {"count", count},
                           {"selected", tag && *tag == name},
                           {"href", "/ideas?tag=" + PercentEncode(name)}});
  }
  int pages = std::max(1, (*total + kIdeasPerPage - 1) / kIdeasPerPage);
  json model = {{"ideas", rows},
                {"tags", tag_options},
                {"has_tags", !tags->empty()},
                {"tag", tag ? json(*tag) : json(nullptr)},
                {"count_text", Fill(T(ctx, "ex_ideas_count"), "{n}", std::to_string(*total))},
                {"signed_in", ctx.user.has_value()}};
  if (pages > 1) {
    std::string base = "/ideas?" + (tag ? "tag=" + PercentEncode(*tag) + "&" : std::string()) + "page=";
    json pager = {{"page_text", Fill(Fill(T(ctx, "page_of"), "{page}", std::to_string(page)), "{pages}",
                                     std::to_string(pages))}};
    if (page > 1) pager["prev"] = base + std::to_string(page - 1);
    if (page < pages) pager["next"] = base + std::to_string(page + 1);
    model["pager"] = pager;
  }
  return Page(ctx, "exchange/ideas", T(ctx, "ex_ideas_title"), model);
}

Response ExchangeModule::IdeaForm(Context& ctx, const json& values, const Status& error, int status) {
  json model = values;
  model["langs"] = LanguageOptions(values.value("lang", ctx.lang));
  if (!error.ok()) {
    model["has_errors"] = true;
    model["error_list"] = ExErrorList(ctx, error);
    for (const auto& [field, message] : FieldMessages(ctx, error)) model[field + "_error"] = message;
  }
  return Page(ctx, "exchange/ideas_new", T(ctx, "ex_idea_new"), model, status);
}

Response ExchangeModule::IdeaNew(Context& ctx) {
  return IdeaForm(ctx, json{{"lang", ctx.lang}}, Status::Ok(), 200);
}

Response ExchangeModule::IdeaCreate(Context& ctx) {
  exchange::NewThread t;
  t.kind = exchange::ThreadKind::kIdea;
  t.title = ctx.Form("title");
  t.tags = SplitTags(ctx.Form("tags"));
  t.body = ctx.Form("body");
  t.lang = ctx.Form("lang").empty() ? ctx.lang : ctx.Form("lang");
  auto thread = services_.exchange->StartThread(ctx.actor(), t);
  if (!thread.ok()) {
    if (thread.status().kind() == Status::Kind::kValidation) {
      json values = {{"title", t.title}, {"tags", ctx.Form("tags")}, {"body", t.body}, {"lang", t.lang}};
      return IdeaForm(ctx, values, thread.status(), 422);
    }
    return Error(ctx, thread.status());
  }
  return Response::Redirect("/threads/" + std::to_string(thread->id) + "?msg=flash_saved");
}

// --- Threads -------------------------------------------------------------

Response ExchangeModule::RenderThread(Context& ctx, const std::optional<exchange::ThreadView>& view,
                                      std::optional<Id> campaign_id, const json& reply, const Status& error,
                                      int status) {
  json model = json::object();
  std::string base;  // the page's path
  std::string title;
  if (campaign_id) {
    base = "/campaigns/" + std::to_string(*campaign_id) + "/discussion";
    auto c = services_.campaigns->Get(ctx.actor(), *campaign_id);
    if (!c.ok()) return Error(ctx, c.status());
    const std::string& name = c->Text(ctx.lang).title;
    title = Fill(T(ctx, "ex_discussion_of"), "{title}", name);
    model["campaign"] = {{"href", "/campaigns/" + std::to_string(*campaign_id)}, {"title", name}};
    model["reply_action"] = base;
    model["follow_kind"] = "campaign";
    model["follow_id"] = *campaign_id;
  } else {
    const auto& t = view->thread;
    base = "/threads/" + std::to_string(t.id);
    title = t.title;
    model["reply_action"] = base + "/posts";
    model["follow_kind"] = "thread";
    model["follow_id"] = t.id;
    if (t.campaign_id) {
      model["campaign"] = {{"href", "/campaigns/" + std::to_string(*t.campaign_id) + "/discussion"},
                           {"title", T(ctx, "ex_campaign_discussion")}};
    }
    if (t.group_id) {
      model["group"] = {{"href", "/groups/" + std::to_string(*t.group_id)}};
    }
  }
  model["heading"] = title;
  model["base"] = base;
  model["signed_in"] = ctx.user.has_value();
  model["signin_href"] = "/signin?next=" + PercentEncode(base);

  json posts = json::array();
  if (view) {
    const auto& t = view->thread;
    json tags = json::array();
    for (const auto& g : t.tags) tags.push_back({{"tag", g}, {"href", "/ideas?tag=" + PercentEncode(g)}});
    model["tags"] = tags;
    model["has_tags"] = !t.tags.empty();
    model["thread_hidden"] = t.hidden;
    model["following"] = view->following;
    model["can_post"] = view->can_post;
    for (const auto& p : view->posts) {
      bool mine =
          std::find(view->useful_mine.begin(), view->useful_mine.end(), p.id) != view->useful_mine.end();
      std::string anchor = "post-" + std::to_string(p.id);
      json post = {{"id", p.id},
                   {"anchor", anchor},
                   {"author", p.author_name},
                   {"lang", p.lang},
                   {"when", When(p.created_at)},
                   {"body_html", text::RenderMarkdown(p.body)},
                   {"useful_count", p.useful_count},
                   {"useful_mine", mine},
                   {"useful_value", mine ? "0" : "1"},
                   {"useful_label", Fill(T(ctx, "ex_useful_button"), "{n}", std::to_string(p.useful_count))},
                   {"useful_text", Fill(T(ctx, "ex_useful_count"), "{n}", std::to_string(p.useful_count))},
                   {"hidden", p.hidden},
                   {"next", std::string(base).append("#").append(anchor)},
                   {"quote_href", base + "?quote=" + std::to_string(p.id) + "#reply"}};
      if (p.quote_of) {
        post["quote"] = {{"href", base + "#post-" + std::to_string(*p.quote_of)},
                         {"text", p.quote_removed ? T(ctx, "ex_quote_removed") : p.quote_text}};
      }
      posts.push_back(post);
    }
  } else {
    // A campaign without a discussion yet: anyone signed in may start it.
    model["can_post"] = ctx.user.has_value();
    model["following"] = false;
    if (ctx.user) {
      auto f = services_.exchange->IsFollowing(ctx.actor(), exchange::Target{"campaign", *campaign_id});
      if (f.ok()) model["following"] = *f;
    }
  }
  model["posts"] = posts;
  model["has_posts"] = !posts.empty();
  model["follow_next"] = base;

  json form = reply;
  form["langs"] = LanguageOptions(reply.value("lang", ctx.lang));
  if (!error.ok()) {
    form["has_errors"] = true;
    form["error_list"] = ExErrorList(ctx, error);
    for (const auto& [field, message] : FieldMessages(ctx, error)) form[field + "_error"] = message;
  }
  model["reply"] = form;
  return Page(ctx, "exchange/thread", title, model, status);
}

namespace {

// The reply form's values from a quote (?quote=N) or empty.
json ReplyFromQuery(const Context& ctx, const std::optional<exchange::ThreadView>& view) {
  json reply = {{"lang", ctx.lang}, {"body", ""}};
  auto q = ctx.req.QueryParam("quote");
  if (!q || !view) return reply;
  auto id = ParseId(*q);
  if (!id) return reply;
  for (const auto& p : view->posts) {
    if (p.id == *id) {
      reply["quote_of"] = std::to_string(p.id);
      reply["quote_author"] = p.author_name;
      reply["quote_text"] = QuoteOf(p.body);
    }
  }
  return reply;
}

json ReplyFromForm(const Context& ctx) {
  json reply = {{"body", ctx.Form("body")}, {"lang", ctx.Form("lang").empty() ? ctx.lang : ctx.Form("lang")}};
  if (!ctx.Form("quote_of").empty()) {
    reply["quote_of"] = ctx.Form("quote_of");
    reply["quote_text"] = ctx.Form("quote_text");
  }
  return reply;
}

Result<exchange::NewPost> PostFromForm(const Context& ctx) {
  exchange::NewPost p;
  p.body = ctx.Form("body");
  p.lang = ctx.Form("lang").empty() ? ctx.lang : ctx.Form("lang");
  if (!ctx.Form("quote_of").empty()) {
    auto id = ParseId(ctx.Form("quote_of"));
    if (!id) {
      FieldErrors e;
      e.Add("quote_of", "not_found", "is not a post of this thread");
      return e.ToStatus();
    }
    p.quote_of = *id;
    p.quote_text = ctx.Form("quote_text");
  }
  return p;
}

}  // namespace

Response ExchangeModule::ThreadPage(Context& ctx) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto view = services_.exchange->GetThread(ctx.actor(), *id);
  if (!view.ok()) return Error(ctx, view.status());
  std::optional<exchange::ThreadView> v = std::move(*view);
  return RenderThread(ctx, v, std::nullopt, ReplyFromQuery(ctx, v), Status::Ok(), 200);
}

Response ExchangeModule::ThreadReply(Context& ctx) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto in = PostFromForm(ctx);
  Result<exchange::Post> post =
      in.ok() ? services_.exchange->Reply(ctx.actor(), *id, *in) : Result<exchange::Post>(in.status());
  if (!post.ok()) {
    if (post.status().kind() != Status::Kind::kValidation) return Error(ctx, post.status());
    auto view = services_.exchange->GetThread(ctx.actor(), *id);
    if (!view.ok()) return Error(ctx, view.status());
    return RenderThread(ctx, std::optional<exchange::ThreadView>(std::move(*view)), std::nullopt,
                        ReplyFromForm(ctx), post.status(), 422);
  }
  return Response::Redirect("/threads/" + std::to_string(*id) + "#post-" + std::to_string(post->id));
}

Response ExchangeModule::CampaignDiscussion(Context& ctx) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto view = services_.exchange->CampaignThread(ctx.actor(), *id);
  if (!view.ok()) return Error(ctx, view.status());
  return RenderThread(ctx, *view, *id, ReplyFromQuery(ctx, *view), Status::Ok(), 200);
}

Response ExchangeModule::CampaignDiscussionReply(Context& ctx) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto in = PostFromForm(ctx);
  Result<exchange::Post> post = in.ok() ? services_.exchange->ReplyToCampaign(ctx.actor(), *id, *in)
                                        : Result<exchange::Post>(in.status());
  if (!post.ok()) {
    if (post.status().kind() != Status::Kind::kValidation) return Error(ctx, post.status());
    auto view = services_.exchange->CampaignThread(ctx.actor(), *id);
    if (!view.ok()) return Error(ctx, view.status());
    return RenderThread(ctx, *view, *id, ReplyFromForm(ctx), post.status(), 422);
  }
  return Response::Redirect("/campaigns/" + std::to_string(*id) + "/discussion#post-" +
                            std::to_string(post->id));
}

Response ExchangeModule::PostUseful(Context& ctx) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  bool useful = ctx.Form("useful") != "0";
  auto count = services_.exchange->MarkUseful(ctx.actor(), *id, useful);
  if (!count.ok()) return Error(ctx, count.status());
  return Response::Redirect(SafeNext(ctx.Form("next")));
}

Response ExchangeModule::ReportTarget(Context& ctx) {
  auto id = ParseId(ctx.Form("id"));
  if (!id) return Error(ctx, FieldError("id", "required", "must name what is reported"));
  Status s = services_.exchange->ReportTarget(ctx.actor(), exchange::Target{ctx.Form("kind"), *id},
                                              ctx.Form("reason"));
  std::string next = SafeNext(ctx.Form("next"));
  std::string fragment;
  if (auto hash = next.find('#'); hash != std::string::npos) {
    fragment = next.substr(hash);
    next = next.substr(0, hash);
  }
  std::string sep = next.find('?') == std::string::npos ? "?" : "&";
  if (s.IsConflict()) return Response::Redirect(next + sep + "msg=flash_ex_already_reported" + fragment);
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect(next + sep + "msg=flash_ex_reported" + fragment);
}

Response ExchangeModule::FollowTarget(Context& ctx) {
  auto id = ParseId(ctx.Form("id"));
  if (!id) return Error(ctx, FieldError("id", "required", "must name what to follow"));
  bool follow = ctx.Form("follow") != "0";
  Status s = services_.exchange->Follow(ctx.actor(), exchange::Target{ctx.Form("kind"), *id}, follow);
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect(SafeNext(ctx.Form("next")));
}

// --- Groups --------------------------------------------------------------

Response ExchangeModule::Groups(Context& ctx) {
  int page = PageParam(ctx.req);
  auto groups = services_.exchange->Groups(kGroupsPerPage + 1, (page - 1) * kGroupsPerPage);
  if (!groups.ok()) return Error(ctx, groups.status());
  bool more = static_cast<int>(groups->size()) > kGroupsPerPage;
  if (more) groups->pop_back();
  json rows = json::array();
  for (const auto& g : *groups) {
    rows.push_back({{"href", "/groups/" + std::to_string(g.id)},
                    {"name", g.name},
                    {"members_only", g.members_only},
                    {"purpose_html", text::RenderMarkdown(g.purpose)}});
  }
  json model = {{"groups", rows}, {"has_groups", !rows.empty()}, {"signed_in", ctx.user.has_value()}};
  if (page > 1 || more) {
    json pager = {{"page_text", Fill(T(ctx, "ex_page"), "{page}", std::to_string(page))}};
    if (page > 1) pager["prev"] = "/groups?page=" + std::to_string(page - 1);
    if (more) pager["next"] = "/groups?page=" + std::to_string(page + 1);
    model["pager"] = pager;
  }
  return Page(ctx, "exchange/groups", T(ctx, "ex_groups_title"), model);
}

Response ExchangeModule::GroupForm(Context& ctx, const json& values, const Status& error, int status) {
  json model = values;
  std::string chosen = values.value("organisation", "");
  json orgs = json::array();
  for (const auto& m : ctx.user->memberships) {
    orgs.push_back({{"slug", m.organisation_slug},
                    {"name", m.organisation_name},
                    {"selected", m.organisation_slug == chosen}});
  }
  model["organisations"] = orgs;
  model["has_organisations"] = !orgs.empty();
  if (!error.ok()) {
    model["has_errors"] = true;
    model["error_list"] = ExErrorList(ctx, error);
    for (const auto& [field, message] : FieldMessages(ctx, error)) model[field + "_error"] = message;
  }
  return Page(ctx, "exchange/group_new", T(ctx, "ex_group_new"), model, status);
}

Response ExchangeModule::GroupNew(Context& ctx) {
  return GroupForm(ctx, json{{"members_only", true}}, Status::Ok(), 200);
}

Response ExchangeModule::GroupCreate(Context& ctx) {
  exchange::NewGroup g;
  g.slug = ctx.Form("slug");
  g.name = ctx.Form("name");
  g.purpose = ctx.Form("purpose");
  g.members_only = ctx.Form("members_only") == "1";
  g.organisation = ctx.Form("organisation");
  auto group = services_.exchange->CreateGroup(ctx.actor(), g);
  if (!group.ok()) {
    json values = {{"slug", g.slug},
                   {"name", g.name},
                   {"purpose", g.purpose},
                   {"members_only", g.members_only},
                   {"organisation", g.organisation}};
    const Status& s = group.status();
    if (s.kind() == Status::Kind::kValidation) return GroupForm(ctx, values, s, 422);
    if (s.IsConflict()) return GroupForm(ctx, values, FieldError("slug", "slug_taken", s.message()), 409);
    return Error(ctx, s);
  }
  return Response::Redirect("/groups/" + std::to_string(group->id) + "?msg=flash_saved");
}

Response ExchangeModule::RenderGroup(Context& ctx, Id id, const json& thread_form, const Status& error,
                                     int status) {
  auto view = services_.exchange->GetGroup(ctx.actor(), id);
  if (!view.ok()) return Error(ctx, view.status());
  const auto& g = view->group;
  std::string base = "/groups/" + std::to_string(g.id);
  json members = json::array();
  std::set<std::string> member_slugs;
  for (const auto& m : view->members) {
    member_slugs.insert(m.organisation_slug);
    members.push_back({{"slug", m.organisation_slug},
                       {"name", m.organisation_name},
                       {"state", T(ctx, "ex_state_" + std::string(exchange::ToString(m.state)))},
                       {"coordinator", m.coordinator},
                       {"can_accept", view->can_manage && m.state == exchange::MemberState::kRequested}});
  }
  json threads = json::array();
  for (const auto& t : view->threads) {
    threads.push_back({{"href", "/threads/" + std::to_string(t.id)},
                       {"title", t.title},
                       {"author", t.author_name},
                       {"replies", Fill(T(ctx, "ex_posts_count"), "{n}", std::to_string(t.post_count))},
                       {"last", When(t.last_post_at)}});
  }
  json campaigns = json::array();
  std::set<Id> linked;
  for (const auto& c : view->campaigns) {
    linked.insert(c.id);
    campaigns.push_back({{"href", "/campaigns/" + std::to_string(c.id)}, {"title", c.Text(ctx.lang).title}});
  }
  json model = {{"id", g.id},
                {"base", base},
                {"name", g.name},
                {"purpose_html", text::RenderMarkdown(g.purpose)},
                {"members_only", g.members_only},
                {"members", members},
                {"threads", threads},
                {"has_threads", !threads.empty()},
                {"campaigns", campaigns},
                {"has_campaigns", !campaigns.empty()},
                {"can_read", view->can_read},
                {"can_post", view->can_post},
                {"can_manage", view->can_manage},
                {"following", view->following},
                {"signed_in", ctx.user.has_value()},
                {"signin_href", "/signin?next=" + PercentEncode(base)}};
  if (view->mine) {
    const auto& m = *view->mine;
    model["mine"] = {
        {"slug", m.organisation_slug},
        {"name", m.organisation_name},
        {"state", T(ctx, "ex_state_" + std::string(exchange::ToString(m.state)))},
        {"invited", m.state == exchange::MemberState::kInvited},
        {"leave_label",
         m.state == exchange::MemberState::kMember ? T(ctx, "ex_group_leave") : T(ctx, "ex_group_withdraw")}};
  } else if (ctx.user && !ctx.user->memberships.empty()) {
    json orgs = json::array();
    for (const auto& m : ctx.user->memberships) {
      if (!member_slugs.count(m.organisation_slug)) {
        orgs.push_back({{"slug", m.organisation_slug}, {"name", m.organisation_name}});
      }
    }
    if (!orgs.empty()) {
      model["request_orgs"] = orgs;
      model["has_request_orgs"] = true;
    }
  }
  if (view->can_manage) {
    auto all = services_.accounts->ListOrganisations(300, 0);
    if (!all.ok()) return Error(ctx, all.status());
    json orgs = json::array();
    for (const auto& o : *all) {
      if (!member_slugs.count(o.slug)) orgs.push_back({{"slug", o.slug}, {"name", o.name}});
    }
    if (!orgs.empty()) {
      model["invite_orgs"] = orgs;
      model["has_invite_orgs"] = true;
    }
  }
  if (view->can_post && services_.campaigns != nullptr) {
    // Campaigns the reader's organisations lead, to link to the group.
    json options = json::array();
    for (const auto& m : ctx.user->memberships) {
      auto mine = services_.campaigns->ForOrganisation(ctx.actor(), m.organisation_slug);
      if (!mine.ok()) continue;
      for (const auto& c : *mine) {
        if (linked.insert(c.id).second) {
          options.push_back({{"id", c.id}, {"title", c.Text(ctx.lang).title}});
        }
      }
    }
    if (!options.empty()) {
      model["link_campaigns"] = options;
      model["has_link_campaigns"] = true;
    }
  }
  json form = thread_form;
  form["langs"] = LanguageOptions(thread_form.value("lang", ctx.lang));
  if (!error.ok()) {
    form["has_errors"] = true;
    form["error_list"] = ExErrorList(ctx, error);
    for (const auto& [field, message] : FieldMessages(ctx, error)) form[field + "_error"] = message;
  }
  model["thread_form"] = form;
  return Page(ctx, "exchange/group", g.name, model, status);
}

Response ExchangeModule::GroupPage(Context& ctx) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  return RenderGroup(ctx, *id, json{{"lang", ctx.lang}}, Status::Ok(), 200);
}

Response ExchangeModule::GroupThreadCreate(Context& ctx) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  exchange::NewThread t;
  t.kind = exchange::ThreadKind::kGroup;
  t.group_id = *id;
  t.title = ctx.Form("title");
  t.body = ctx.Form("body");
  t.lang = ctx.Form("lang").empty() ? ctx.lang : ctx.Form("lang");
  auto thread = services_.exchange->StartThread(ctx.actor(), t);
  if (!thread.ok()) {
    if (thread.status().kind() == Status::Kind::kValidation) {
      return RenderGroup(ctx, *id, json{{"title", t.title}, {"body", t.body}, {"lang", t.lang}},
                         thread.status(), 422);
    }
    return Error(ctx, thread.status());
  }
  return Response::Redirect("/threads/" + std::to_string(thread->id) + "?msg=flash_saved");
}

Response ExchangeModule::GroupMembership(Context& ctx, const std::string& action) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  std::string org = ctx.Form("organisation");
  Status s;
  if (action == "request") {
    s = services_.exchange->RequestMembership(ctx.actor(), *id, org);
  } else if (action == "invite") {
    s = services_.exchange->Invite(ctx.actor(), *id, org);
  } else if (action == "accept") {
    s = services_.exchange->Accept(ctx.actor(), *id, org);
  } else if (action == "leave") {
    s = services_.exchange->Leave(ctx.actor(), *id, org);
  } else {
    auto campaign = ParseId(ctx.Form("campaign"));
    if (!campaign) return Error(ctx, FieldError("campaign", "required", "choose a campaign"));
    s = services_.exchange->LinkCampaign(ctx.actor(), *id, *campaign);
  }
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/groups/" + std::to_string(*id) + "?msg=flash_saved");
}

Response ExchangeModule::GroupRequest(Context& ctx) { return GroupMembership(ctx, "request"); }
Response ExchangeModule::GroupInvite(Context& ctx) { return GroupMembership(ctx, "invite"); }
Response ExchangeModule::GroupAccept(Context& ctx) { return GroupMembership(ctx, "accept"); }
Response ExchangeModule::GroupLeave(Context& ctx) { return GroupMembership(ctx, "leave"); }
Response ExchangeModule::GroupLinkCampaign(Context& ctx) { return GroupMembership(ctx, "link"); }

// --- Notifications -------------------------------------------------------

Response ExchangeModule::NotificationsPage(Context& ctx) {
  auto items = services_.exchange->Notifications(ctx.actor(), false, 100);
  if (!items.ok()) return Error(ctx, items.status());
  auto digest = services_.exchange->Digest(ctx.actor());
  if (!digest.ok()) return Error(ctx, digest.status());
  json rows = json::array();
  bool any_unread = false;
  for (const auto& n : *items) {
    std::string event = n.event;
    std::replace(event.begin(), event.end(), '.', '_');
    std::string key = "ex_event_" + event;
    std::string what = T(ctx, key);
    if (what == key) what = n.event;
    any_unread = any_unread || !n.read_at;
    rows.push_back({{"id", n.id},
                    {"event", Fill(what, "{who}", n.actor_name)},
                    {"title", n.title},
                    {"href", exchange::PathFor(n.target)},
                    {"unread", !n.read_at},
                    {"when", When(n.created_at)}});
  }
  json freqs = json::array();
  for (auto f : {exchange::DigestFrequency::kNone, exchange::DigestFrequency::kDaily,
                 exchange::DigestFrequency::kWeekly}) {
    std::string code(exchange::ToString(f));
    freqs.push_back({{"value", code}, {"label", T(ctx, "ex_digest_" + code)}, {"checked", f == *digest}});
  }
  json model = {
      {"items", rows}, {"has_items", !rows.empty()}, {"any_unread", any_unread}, {"frequencies", freqs}};
  return Page(ctx, "exchange/notifications", T(ctx, "ex_notifications_title"), model);
}

Response ExchangeModule::NotificationsRead(Context& ctx) {
  std::optional<Id> id;
  if (!ctx.Form("id").empty()) {
    id = ParseId(ctx.Form("id"));
    if (!id) return Error(ctx, FieldError("id", "required", "is not a notification number"));
  }
  Status s = services_.exchange->MarkRead(ctx.actor(), id);
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/notifications");
}

Response ExchangeModule::NotificationsDigest(Context& ctx) {
  Status s = services_.exchange->SetDigest(ctx.actor(), ctx.Form("frequency"));
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/notifications?msg=flash_saved");
}

// --- Moderation ----------------------------------------------------------

Response ExchangeModule::ModerationPage(Context& ctx) {
  auto queue = services_.exchange->ModerationQueue(ctx.actor());
  if (!queue.ok()) return Error(ctx, queue.status());
  json items = json::array();
  for (const auto& item : *queue) {
    json reports = json::array();
    for (const auto& r : item.reports)
      reports.push_back({{"reason", r.reason}, {"when", When(r.created_at)}});
    json row = {
        {"kind", item.target.kind},
        {"kind_label", T(ctx, "ex_kind_" + item.target.kind)},
        {"id", item.target.id},
        {"title", item.title},
        {"hidden", item.hidden},
        {"reports", reports},
        {"report_count", Fill(T(ctx, "ex_reports_count"), "{n}", std::to_string(item.reports.size()))}};
    if (item.target.kind != "post") row["href"] = exchange::PathFor(item.target);
    if (!item.context.empty()) row["context"] = item.context;
    items.push_back(row);
  }
  json model = {{"items", items}, {"has_items", !items.empty()}};
  return Page(ctx, "exchange/moderation", T(ctx, "ex_moderation_title"), model);
}

Response ExchangeModule::ModerationResolve(Context& ctx) {
  auto id = ParseId(ctx.Form("id"));
  if (!id) return Error(ctx, FieldError("id", "required", "must name what is resolved"));
  Status s =
      services_.exchange->Resolve(ctx.actor(), exchange::Target{ctx.Form("kind"), *id}, ctx.Form("decision"));
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/moderation?msg=flash_saved");
}

}  // namespace waymark::web
