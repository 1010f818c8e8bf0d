// JSON API for the idea exchange under /api/v1: threads and posts, the
// "useful" mark, working groups, follows, notifications and reports. Thin
// adapters from JSON to ExchangeService and back; unknown fields and wrong
// types are 422 naming the field.
#include <set>

#include "core/strings.h"
#include "web/exchange/exchange_module.h"

namespace waymark::web {

using accounts::Id;
using http::Response;
using nlohmann::json;

namespace {

constexpr int kDefaultPerPage = 20;

Result<Id> PathId(const Context& ctx) {
  const std::string& s = ctx.req.params.at("id");
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos ||
      std::stoll(s) <= 0) {
    return Status::NotFound("'" + s + "' is not an id");
  }
  return std::stoll(s);
}

// Reads the fields of a JSON object body, collecting every problem.
class Fields {
 public:
  Fields(const json& body, std::set<std::string> known) : body_(body) {
    for (auto it = body.begin(); it != body.end(); ++it) {
      if (!known.count(it.key())) errors_[it.key()] = "is not a known field";
    }
  }

  // A string; "" and not an error when absent and optional.
  std::string String(const char* field, bool required) {
    auto it = body_.find(field);
    if (it == body_.end() || it->is_null()) {
      if (required) errors_[field] = "is required";
      return "";
    }
    if (!it->is_string()) {
      errors_[field] = "must be a string";
      return "";
    }
    return it->get<std::string>();
  }

  std::optional<Id> Integer(const char* field, bool required) {
    auto it = body_.find(field);
    if (it == body_.end() || it->is_null()) {
      if (required) errors_[field] = "is required";
      return std::nullopt;
    }
    if (!it->is_number_integer() || it->get<long long>() <= 0) {
      errors_[field] = "must be a positive whole number";
      return std::nullopt;
    }
    return it->get<Id>();
  }

  std::optional<bool> Bool(const char* field) {
    auto it = body_.find(field);
    if (it == body_.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean()) {
      errors_[field] = "must be true or false";
      return std::nullopt;
    }
    return it->get<bool>();
  }

  std::vector<std::string> Strings(const char* field) {
    std::vector<std::string> out;
    auto it = body_.find(field);
    if (it == body_.end() || it->is_null()) return out;
    if (!it->is_array()) {
      errors_[field] = "must be a list of strings";
      return out;
    }
    for (const auto& v : *it) {
      if (!v.is_string()) {
        errors_[field] = "must be a list of strings";
        return {};
      }
      out.push_back(v.get<std::string>());
    }
    return out;
  }

  Status status() const { return errors_.empty() ? Status::Ok() : Status::Validation(errors_); }

 private:
  const json& body_;
  std::map<std::string, std::string> errors_;
};

Result<json> ObjectBody(const http::Request& req) {
  auto body = ParseJsonBody(req);
  if (!body.ok()) return body.status();
  if (!body->is_object()) return Status::InvalidArgument("the body must be a JSON object");
  return body;
}

Result<exchange::NewPost> ReadPost(const json& body) {
  Fields f(body, {"body", "lang", "quote_of", "quote_text"});
  exchange::NewPost p;
  p.body = f.String("body", true);
  std::string lang = f.String("lang", false);
  if (!lang.empty()) p.lang = lang;
  p.quote_of = f.Integer("quote_of", false);
  p.quote_text = f.String("quote_text", false);
  if (Status s = f.status(); !s.ok()) return s;
  return p;
}

}  // namespace

namespace {

json Author(Id id, const std::string& name) { return json{{"id", id}, {"name", name}}; }

json OptId(const std::optional<Id>& id) { return id ? json(*id) : json(nullptr); }

}  // namespace

json ExchangeModule::ThreadJson(const exchange::Thread& t) const {
  return json{{"id", t.id},
              {"kind", std::string(exchange::ToString(t.kind))},
              {"campaign_id", OptId(t.campaign_id)},
              {"group_id", OptId(t.group_id)},
              {"title", t.title},
              {"tags", t.tags},
              {"lang", t.lang},
              {"author", Author(t.author_id, t.author_name)},
              {"organisation_id", OptId(t.organisation_id)},
              {"post_count", t.post_count},
              {"useful_count", t.useful_count},
              {"hidden", t.hidden},
              {"created_at", FormatIso8601(t.created_at)},
              {"last_post_at", FormatIso8601(t.last_post_at)},
              {"url", "/api/v1/threads/" + std::to_string(t.id)},
              {"html_url", "/threads/" + std::to_string(t.id)}};
}

json ExchangeModule::PostJson(const exchange::Post& p, bool useful_mine) const {
  return json{{"id", p.id},
              {"thread_id", p.thread_id},
              {"author", Author(p.author_id, p.author_name)},
              {"body", p.body},
              {"lang", p.lang},
              {"quote_of", OptId(p.quote_of)},
              {"quote_text", p.quote_removed ? json(nullptr) : json(p.quote_text)},
              {"quote_removed", p.quote_removed},
              {"useful_count", p.useful_count},
              {"useful", useful_mine},
              {"hidden", p.hidden},
              {"created_at", FormatIso8601(p.created_at)},
              {"html_url", "/threads/" + std::to_string(p.thread_id) + "#post-" + std::to_string(p.id)}};
}

json ExchangeModule::GroupJson(const exchange::Group& g) const {
  return json{{"id", g.id},
              {"slug", g.slug},
              {"name", g.name},
              {"purpose", g.purpose},
              {"members_only", g.members_only},
              {"created_at", FormatIso8601(g.created_at)},
              {"url", "/api/v1/groups/" + std::to_string(g.id)},
              {"html_url", "/groups/" + std::to_string(g.id)}};
}

json ExchangeModule::ThreadViewJson(const exchange::ThreadView& v) const {
  json j = ThreadJson(v.thread);
  json posts = json::array();
  for (const auto& p : v.posts) {
    bool mine = std::find(v.useful_mine.begin(), v.useful_mine.end(), p.id) != v.useful_mine.end();
    posts.push_back(PostJson(p, mine));
  }
  j["posts"] = posts;
  j["following"] = v.following;
  j["can_post"] = v.can_post;
  return j;
}

// --- Threads and posts ---------------------------------------------------

Response ExchangeModule::ApiListThreads(Context& ctx) {
  int page = 1, per_page = kDefaultPerPage;
  Status s = ApiPaging(ctx.req, page, per_page);
  if (!s.ok()) return Error(ctx, s);
  std::string kind = ctx.req.QueryParam("kind").value_or("idea");
  if (kind != "idea") {
    return Error(ctx,
                 Status::Validation({{"kind", "'" + kind +
                                                  "' cannot be listed here: use kind=idea, "
                                                  "/api/v1/campaigns/{id}/posts or /api/v1/groups/{id}"}}));
  }
  std::optional<std::string> tag;
  if (auto t = ctx.req.QueryParam("tag"); t && !t->empty()) tag = ToLowerAscii(TrimAscii(*t));
  auto total = services_.exchange->CountIdeas(tag);
  if (!total.ok()) return Error(ctx, total.status());
  auto items = services_.exchange->Ideas(ctx.actor(), tag, per_page, (page - 1) * per_page);
  if (!items.ok()) return Error(ctx, items.status());
  json list = json::array();
  for (const auto& t : *items) list.push_back(ThreadJson(t));
  return Json(ctx, 200, json{{"items", list}, {"total", *total}, {"page", page}, {"per_page", per_page}});
}

Response ExchangeModule::ApiCreateThread(Context& ctx) {
  auto body = ObjectBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  Fields f(*body, {"kind", "title", "tags", "body", "lang", "group_id", "campaign_id"});
  exchange::NewThread t;
  std::string kind = f.String("kind", false);
  t.title = f.String("title", true);
  t.tags = f.Strings("tags");
  t.body = f.String("body", true);
  std::string lang = f.String("lang", false);
  if (!lang.empty()) t.lang = lang;
  t.group_id = f.Integer("group_id", false);
  t.campaign_id = f.Integer("campaign_id", false);
  Status s = f.status();
  if (!s.ok()) return Error(ctx, s);
  if (kind.empty()) kind = t.group_id ? "group" : (t.campaign_id ? "campaign" : "idea");
  auto parsed = exchange::ParseThreadKind(kind);
  if (!parsed) {
    return Error(ctx, Status::Validation({{"kind", "'" + kind + "' is not one of idea, group, campaign"}}));
  }
  t.kind = *parsed;
  auto thread = services_.exchange->StartThread(ctx.actor(), t);
  if (!thread.ok()) return Error(ctx, thread.status());
  auto view = services_.exchange->GetThread(ctx.actor(), thread->id);
  Response r = Json(ctx, 201, view.ok() ? ThreadViewJson(*view) : ThreadJson(*thread));
  r.Set("Location", "/api/v1/threads/" + std::to_string(thread->id));
  return r;
}

Response ExchangeModule::ApiGetThread(Context& ctx) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto view = services_.exchange->GetThread(ctx.actor(), *id);
  if (!view.ok()) return Error(ctx, view.status());
  return Json(ctx, 200, ThreadViewJson(*view));
}

Response ExchangeModule::ApiReplyThread(Context& ctx) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto body = ObjectBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  auto in = ReadPost(*body);
  if (!in.ok()) return Error(ctx, in.status());
  auto post = services_.exchange->Reply(ctx.actor(), *id, *in);
  if (!post.ok()) return Error(ctx, post.status());
  Response r = Json(ctx, 201, PostJson(*post, false));
  r.Set("Location", "/api/v1/threads/" + std::to_string(*id) + "#post-" + std::to_string(post->id));
  return r;
}

Response ExchangeModule::ApiCampaignPosts(Context& ctx) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto view = services_.exchange->CampaignThread(ctx.actor(), *id);
  if (!view.ok()) return Error(ctx, view.status());
  if (!*view) return Json(ctx, 200, json{{"thread", nullptr}, {"posts", json::array()}});
  json thread = ThreadViewJson(**view);
  json posts = thread["posts"];
  thread.erase("posts");
  return Json(ctx, 200, json{{"thread", thread}, {"posts", posts}});
}

Response ExchangeModule::ApiCampaignReply(Context& ctx) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto body = ObjectBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  auto in = ReadPost(*body);
  if (!in.ok()) return Error(ctx, in.status());
  auto post = services_.exchange->ReplyToCampaign(ctx.actor(), *id, *in);
  if (!post.ok()) return Error(ctx, post.status());
  Response r = Json(ctx, 201, PostJson(*post, false));
  r.Set("Location", "/api/v1/campaigns/" + std::to_string(*id) + "/posts#post-" + std::to_string(post->id));
  return r;
}

Response ExchangeModule::ApiMarkUseful(Context& ctx) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto count = services_.exchange->MarkUseful(ctx.actor(), *id, true);
  if (!count.ok()) return Error(ctx, count.status());
  return Json(ctx, 200, json{{"post_id", *id}, {"useful", true}, {"useful_count", *count}});
}

Response ExchangeModule::ApiUnmarkUseful(Context& ctx) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto count = services_.exchange->MarkUseful(ctx.actor(), *id, false);
  if (!count.ok()) return Error(ctx, count.status());
  return Json(ctx, 200, json{{"post_id", *id}, {"useful", false}, {"useful_count", *count}});
}

// --- Groups --------------------------------------------------------------

Response ExchangeModule::ApiListGroups(Context& ctx) {
  int page = 1, per_page = kDefaultPerPage;
  Status s = ApiPaging(ctx.req, page, per_page);
  if (!s.ok()) return Error(ctx, s);
  auto groups = services_.exchange->Groups(per_page, (page - 1) * per_page);
  if (!groups.ok()) return Error(ctx, groups.status());
  json items = json::array();
  for (const auto& g : *groups) items.push_back(GroupJson(g));
  return Json(ctx, 200, json{{"items", items}, {"page", page}, {"per_page", per_page}});
}

Response ExchangeModule::ApiCreateGroup(Context& ctx) {
  auto body = ObjectBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  Fields f(*body, {"slug", "name", "purpose", "members_only", "organisation"});
  exchange::NewGroup g;
  g.slug = f.String("slug", true);
  g.name = f.String("name", true);
  g.purpose = f.String("purpose", false);
  g.members_only = f.Bool("members_only").value_or(true);
  g.organisation = f.String("organisation", true);
  if (Status s = f.status(); !s.ok()) return Error(ctx, s);
  auto group = services_.exchange->CreateGroup(ctx.actor(), g);
  if (!group.ok()) return Error(ctx, group.status());
  Response r = Json(ctx, 201, GroupJson(*group));
  r.Set("Location", "/api/v1/groups/" + std::to_string(group->id));
  return r;
}

Response ExchangeModule::ApiGetGroup(Context& ctx) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto view = services_.exchange->GetGroup(ctx.actor(), *id);
  if (!view.ok()) return Error(ctx, view.status());
  json j = GroupJson(view->group);
  auto member = [](const exchange::GroupMember& m) {
    return json{{"organisation", m.organisation_slug},
                {"organisation_name", m.organisation_name},
                {"state", std::string(exchange::ToString(m.state))},
                {"coordinator", m.coordinator},
                {"at", FormatIso8601(m.at)}};
  };
  json members = json::array();
  for (const auto& m : view->members) members.push_back(member(m));
  json threads = json::array();
  for (const auto& t : view->threads) threads.push_back(ThreadJson(t));
  json campaigns = json::array();
  for (const auto& c : view->campaigns) {
    campaigns.push_back({{"id", c.id}, {"slug", c.slug}, {"title", c.Text(ctx.lang).title}});
  }
  j["members"] = members;
  j["threads"] = view->can_read ? threads : json::array();
  j["campaigns"] = campaigns;
  j["mine"] = view->mine ? member(*view->mine) : json(nullptr);
  j["can_read"] = view->can_read;
  j["can_post"] = view->can_post;
  j["can_manage"] = view->can_manage;
  j["following"] = view->following;
  return Json(ctx, 200, j);
}

Response ExchangeModule::ApiGroupAction(Context& ctx, const std::string& action) {
  auto id = PathId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto body = ObjectBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  Status s;
  if (action == "link") {
    Fields f(*body, {"campaign_id"});
    auto campaign = f.Integer("campaign_id", true);
    if (Status bad = f.status(); !bad.ok()) return Error(ctx, bad);
    s = services_.exchange->LinkCampaign(ctx.actor(), *id, *campaign);
  } else {
    Fields f(*body, {"organisation"});
    std::string org = f.String("organisation", true);
    if (Status bad = f.status(); !bad.ok()) return Error(ctx, bad);
    if (action == "request") {
      s = services_.exchange->RequestMembership(ctx.actor(), *id, org);
    } else if (action == "invite") {
      s = services_.exchange->Invite(ctx.actor(), *id, org);
    } else if (action == "accept") {
      s = services_.exchange->Accept(ctx.actor(), *id, org);
    } else {
      s = services_.exchange->Leave(ctx.actor(), *id, org);
    }
  }
  if (!s.ok()) return Error(ctx, s);
  return ApiGetGroup(ctx);
}

Response ExchangeModule::ApiGroupRequest(Context& ctx) { return ApiGroupAction(ctx, "request"); }
Response ExchangeModule::ApiGroupInvite(Context& ctx) { return ApiGroupAction(ctx, "invite"); }
Response ExchangeModule::ApiGroupAccept(Context& ctx) { return ApiGroupAction(ctx, "accept"); }
Response ExchangeModule::ApiGroupLeave(Context& ctx) { return ApiGroupAction(ctx, "leave"); }
Response ExchangeModule::ApiGroupLink(Context& ctx) { return ApiGroupAction(ctx, "link"); }

// --- Follows, notifications, reports -------------------------------------

namespace {

// {"kind","id"} from the body, or ?kind=&id= for a DELETE without a body.
Result<exchange::Target> ReadTarget(const http::Request& req) {
  if (req.method == "DELETE" && TrimAscii(req.body).empty()) {
    std::string kind = req.QueryParam("kind").value_or("");
    std::string id = req.QueryParam("id").value_or("");
    std::map<std::string, std::string> errors;
    if (kind.empty()) errors["kind"] = "is required";
    if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) {
      errors["id"] = "must be a positive whole number";
    }
    if (!errors.empty()) return Status::Validation(errors);
    return exchange::Target{kind, std::stoll(id)};
  }
  auto body = ObjectBody(req);
  if (!body.ok()) return body.status();
  Fields f(*body, {"kind", "id"});
  exchange::Target t;
  t.kind = f.String("kind", true);
  auto id = f.Integer("id", true);
  if (Status s = f.status(); !s.ok()) return s;
  t.id = *id;
  return t;
}

}  // namespace

Response ExchangeModule::ApiFollow(Context& ctx) {
  auto t = ReadTarget(ctx.req);
  if (!t.ok()) return Error(ctx, t.status());
  Status s = services_.exchange->Follow(ctx.actor(), *t, true);
  if (!s.ok()) return Error(ctx, s);
  return Json(ctx, 200, json{{"kind", t->kind}, {"id", t->id}, {"following", true}});
}

Response ExchangeModule::ApiUnfollow(Context& ctx) {
  auto t = ReadTarget(ctx.req);
  if (!t.ok()) return Error(ctx, t.status());
  Status s = services_.exchange->Follow(ctx.actor(), *t, false);
  if (!s.ok()) return Error(ctx, s);
  return Json(ctx, 200, json{{"kind", t->kind}, {"id", t->id}, {"following", false}});
}

Response ExchangeModule::ApiNotifications(Context& ctx) {
  bool unread_only = false;
  if (auto u = ctx.req.QueryParam("unread"); u && !u->empty()) {
    if (*u != "true" && *u != "false" && *u != "1" && *u != "0") {
      return Error(ctx, Status::Validation({{"unread", "must be true or false"}}));
    }
    unread_only = *u == "true" || *u == "1";
  }
  int limit = 50;
  if (auto l = ctx.req.QueryParam("limit"); l && !l->empty()) {
    std::size_t used = 0;
    try {
      long n = std::stol(*l, &used);
      if (used != l->size() || n < 1 || n > 200) throw std::out_of_range("limit");
      limit = static_cast<int>(n);
    } catch (...) {
      return Error(ctx, Status::Validation({{"limit", "must be a whole number from 1 to 200"}}));
    }
  }
  auto items = services_.exchange->Notifications(ctx.actor(), unread_only, limit);
  if (!items.ok()) return Error(ctx, items.status());
  auto unread = services_.exchange->UnreadCount(ctx.actor());
  if (!unread.ok()) return Error(ctx, unread.status());
  json list = json::array();
  for (const auto& n : *items) {
    list.push_back({{"id", n.id},
                    {"event", n.event},
                    {"target", {{"kind", n.target.kind}, {"id", n.target.id}}},
                    {"title", n.title},
                    {"actor_name", n.actor_name},
                    {"created_at", FormatIso8601(n.created_at)},
                    {"read_at", n.read_at ? json(FormatIso8601(*n.read_at)) : json(nullptr)},
                    {"html_url", exchange::PathFor(n.target)}});
  }
  return Json(ctx, 200, json{{"items", list}, {"unread", *unread}});
}

Response ExchangeModule::ApiNotificationsRead(Context& ctx) {
  std::optional<Id> id;
  if (!TrimAscii(ctx.req.body).empty()) {
    auto body = ObjectBody(ctx.req);
    if (!body.ok()) return Error(ctx, body.status());
    Fields f(*body, {"id"});
    id = f.Integer("id", false);
    if (Status s = f.status(); !s.ok()) return Error(ctx, s);
  }
  Status s = services_.exchange->MarkRead(ctx.actor(), id);
  if (!s.ok()) return Error(ctx, s);
  auto unread = services_.exchange->UnreadCount(ctx.actor());
  if (!unread.ok()) return Error(ctx, unread.status());
  return Json(ctx, 200, json{{"unread", *unread}});
}

Response ExchangeModule::ApiReport(Context& ctx) {
  auto body = ObjectBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  Fields f(*body, {"kind", "id", "reason"});
  exchange::Target t;
  t.kind = f.String("kind", true);
  auto id = f.Integer("id", true);
  std::string reason = f.String("reason", false);
  if (Status s = f.status(); !s.ok()) return Error(ctx, s);
  t.id = *id;
  Status s = services_.exchange->ReportTarget(ctx.actor(), t, reason);
  if (!s.ok()) return Error(ctx, s);
  return Json(ctx, 201, json{{"kind", t.kind}, {"id", t.id}, {"reason", reason}, {"reported", true}});
}

}  // namespace waymark::web
