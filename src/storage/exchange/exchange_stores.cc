#include "storage/exchange/exchange_stores.h"

#include <algorithm>
#include <map>
#include <set>

#include "storage/store_util.h"

namespace waymark::storage {
namespace {

using exchange::DigestFrequency;
using exchange::Group;
using exchange::GroupMember;
using exchange::Id;
using exchange::MemberState;
using exchange::Notification;
using exchange::Post;
using exchange::Report;
using exchange::Target;
using exchange::Thread;
using exchange::ThreadFilter;
using exchange::ThreadKind;
using internal::Bool;
using internal::IdOrNull;
using internal::IdParams;
using internal::InBatches;
using internal::IsForeignKeyViolation;
using internal::NotFoundAs;
using internal::OptId;
using internal::Placeholders;
using internal::ReadSnapshot;
using sql::Connection;
using sql::Row;

Result<std::int64_t> Exec(sql::Database& db, const std::string& stmt, const sql::Params& params) {
  return sql::WithConnection<std::int64_t>(db, [&](Connection& c) { return c.Execute(stmt, params); });
}

// Runs a statement that must change one row; NotFound(`what`) when it changes none.
Status ExpectOne(sql::Database& db, const std::string& stmt, const sql::Params& params,
                 const std::string& what) {
  auto n = Exec(db, stmt, params);
  if (!n.ok()) return n.status();
  return *n == 0 ? Status::NotFound(what) : Status::Ok();
}

Result<std::vector<Id>> QueryIds(Connection& c, const std::string& stmt, const sql::Params& params) {
  WM_ASSIGN_OR_RETURN(auto rows, c.Query(stmt, params));
  std::vector<Id> ids;
  ids.reserve(rows.size());
  for (const auto& r : rows) ids.push_back(r.Int(0));
  return ids;
}

// --- Threads and posts ---

constexpr char kThreadColumns[] =
    "t.id, t.kind, t.campaign_id, t.group_id, t.title, t.lang, t.author_id, u.name, t.organisation_id, "
    "t.post_count, t.useful_count, t.hidden, t.created_at, t.last_post_at";
constexpr char kThreadFrom[] = " FROM threads t JOIN users u ON u.id = t.author_id";

Thread ThreadFromRow(const Row& r) {
  Thread t;
  t.id = r.Int(0);
  t.kind = exchange::ParseThreadKind(r.Text(1)).value_or(ThreadKind::kIdea);
  t.campaign_id = r.OptInt(2);
  t.group_id = r.OptInt(3);
  t.title = r.Text(4);
  t.lang = r.Text(5);
  t.author_id = r.Int(6);
  t.author_name = r.Text(7);
  t.organisation_id = r.OptInt(8);
  t.post_count = static_cast<int>(r.Int(9));
  t.useful_count = static_cast<int>(r.Int(10));
  t.hidden = r.Bool(11);
  t.created_at = r.Int(12);
  t.last_post_at = r.Int(13);
  return t;
}

// Fills in the threads' tags (sorted).
Status LoadTags(Connection& c, std::vector<Thread>& threads) {
  if (threads.empty()) return Status::Ok();
  std::map<Id, Thread*> by_id;
  std::vector<Id> ids;
  for (auto& t : threads) {
    by_id[t.id] = &t;
    ids.push_back(t.id);
  }
  for (const auto& batch : InBatches(ids)) {
    WM_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT thread_id, tag FROM thread_tags WHERE thread_id IN (" +
                                               Placeholders(1, batch.size()) + ")",
                                           IdParams(batch)));
    for (const auto& r : rows) {
      auto it = by_id.find(r.Int(0));
      if (it != by_id.end()) it->second->tags.push_back(r.Text(1));
    }
  }
  for (auto& t : threads) std::sort(t.tags.begin(), t.tags.end());
  return Status::Ok();
}

Result<Thread> LoadThread(Connection& c, Id id) {
  auto row = c.QueryOne(std::string("SELECT ") + kThreadColumns + kThreadFrom + " WHERE t.id=$1", {id});
  if (!row.ok()) return NotFoundAs(row.status(), "no thread " + std::to_string(id));
  std::vector<Thread> one{ThreadFromRow(*row)};
  WM_RETURN_IF_ERROR(LoadTags(c, one));
  return std::move(one.front());
}

// The WHERE clause (on threads t) and its parameters for a filter; the
// parameters start at $1.
std::string ThreadWhere(const ThreadFilter& f, sql::Params& params) {
  std::string where = " WHERE 1=1";
  auto next = [&](sql::Value v) {
    params.push_back(std::move(v));
    return "$" + std::to_string(params.size());
  };
  if (f.kind) where += " AND t.kind=" + next(std::string(exchange::ToString(*f.kind)));
  if (f.campaign_id) where += " AND t.campaign_id=" + next(*f.campaign_id);
  if (f.group_id) where += " AND t.group_id=" + next(*f.group_id);
  if (f.tag) {
    where +=
        " AND EXISTS (SELECT 1 FROM thread_tags g WHERE g.thread_id = t.id AND g.tag=" + next(*f.tag) + ")";
  }
  if (!f.include_hidden) where += " AND t.hidden=0";
  return where;
}

constexpr char kPostColumns[] =
    "p.id, p.thread_id, p.author_id, u.name, p.body, p.lang, p.quote_of, p.quote_text, p.useful_count, "
    "p.hidden, "
    "p.created_at";
constexpr char kPostFrom[] = " FROM posts p JOIN users u ON u.id = p.author_id";

Post PostFromRow(const Row& r) {
  Post p;
  p.id = r.Int(0);
  p.thread_id = r.Int(1);
  p.author_id = r.Int(2);
  p.author_name = r.Text(3);
  p.body = r.Text(4);
  p.lang = r.Text(5);
  p.quote_of = r.OptInt(6);
  p.quote_text = r.Text(7);
  p.useful_count = static_cast<int>(r.Int(8));
  p.hidden = r.Bool(9);
  p.created_at = r.Int(10);
  return p;
}

Result<Post> LoadPost(Connection& c, Id id) {
  auto row = c.QueryOne(std::string("SELECT ") + kPostColumns + kPostFrom + " WHERE p.id=$1", {id});
  if (!row.ok()) return NotFoundAs(row.status(), "no post " + std::to_string(id));
  return PostFromRow(*row);
}

class SqlThreadStore final : public exchange::ThreadStore {
 public:
  explicit SqlThreadStore(sql::Database& db) : db_(db) {}

  Result<Thread> CreateThread(const Thread& t) override {
    return sql::Transact<Thread>(db_, true, [&](Connection& c) -> Result<Thread> {
      auto row = c.QueryOne(
          "INSERT INTO threads(kind, campaign_id, group_id, title, lang, author_id, organisation_id, "
          "post_count, "
          "useful_count, hidden, created_at, last_post_at) VALUES ($1,$2,$3,$4,$5,$6,$7,0,0,$8,$9,$10) "
          "RETURNING id",
          {std::string(exchange::ToString(t.kind)), OptId(t.campaign_id), OptId(t.group_id), t.title, t.lang,
           t.author_id, OptId(t.organisation_id), Bool(t.hidden), t.created_at,
           t.last_post_at != 0 ? t.last_post_at : t.created_at});
      if (!row.ok()) {
        if (row.status().IsConflict())
          return Status::Conflict("the campaign already has a discussion thread");
        if (IsForeignKeyViolation(row.status())) {
          return Status::NotFound("no such campaign, group, author or organisation for the thread");
        }
        return row.status();
      }
      Id id = row->Int(0);
      for (const auto& tag : std::set<std::string>(t.tags.begin(), t.tags.end())) {
        WM_RETURN_IF_ERROR(
            c.Execute("INSERT INTO thread_tags(thread_id, tag) VALUES ($1,$2)", {id, tag}).status());
      }
      return LoadThread(c, id);
    });
  }

  Result<Thread> GetThread(Id id) override {
    return ReadSnapshot<Thread>(db_, [&](Connection& c) { return LoadThread(c, id); });
  }

  Result<std::vector<Thread>> ListThreads(const ThreadFilter& f) override {
    return ReadSnapshot<std::vector<Thread>>(db_, [&](Connection& c) -> Result<std::vector<Thread>> {
      sql::Params params;
      std::string where = ThreadWhere(f, params);
      params.emplace_back(static_cast<std::int64_t>(std::max(f.limit, 0)));
      std::string limit = "$" + std::to_string(params.size());
      params.emplace_back(static_cast<std::int64_t>(std::max(f.offset, 0)));
      std::string offset = "$" + std::to_string(params.size());
      WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kThreadColumns + kThreadFrom + where +
                                                 " ORDER BY t.last_post_at DESC, t.id DESC LIMIT " + limit +
                                                 " OFFSET " + offset,
                                             params));
      std::vector<Thread> out = internal::MapRows(rows, ThreadFromRow);
      WM_RETURN_IF_ERROR(LoadTags(c, out));
      return out;
    });
  }

  Result<int> CountThreads(const ThreadFilter& f) override {
    return sql::WithConnection<int>(db_, [&](Connection& c) -> Result<int> {
      sql::Params params;
      std::string where = ThreadWhere(f, params);
      WM_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT COUNT(*) FROM threads t" + where, params));
      return static_cast<int>(r.Int(0));
    });
  }

  Result<std::optional<Thread>> ThreadForCampaign(Id campaign_id) override {
    return ReadSnapshot<std::optional<Thread>>(db_, [&](Connection& c) -> Result<std::optional<Thread>> {
      WM_ASSIGN_OR_RETURN(auto ids,
                          QueryIds(c, "SELECT id FROM threads WHERE campaign_id=$1", {campaign_id}));
      if (ids.empty()) return std::optional<Thread>();
      WM_ASSIGN_OR_RETURN(Thread t, LoadThread(c, ids.front()));
      return std::optional<Thread>(std::move(t));
    });
  }

  Result<std::vector<std::pair<std::string, int>>> IdeaTags(int limit) override {
    using Out = std::vector<std::pair<std::string, int>>;
    return sql::WithConnection<Out>(db_, [&](Connection& c) -> Result<Out> {
      WM_ASSIGN_OR_RETURN(
          auto rows, c.Query("SELECT g.tag, COUNT(*) FROM thread_tags g JOIN threads t ON t.id = g.thread_id "
                             "WHERE t.kind='idea' AND t.hidden=0 GROUP BY g.tag "
                             "ORDER BY COUNT(*) DESC, g.tag LIMIT $1",
                             {static_cast<std::int64_t>(limit)}));
      Out out;
      out.reserve(rows.size());
      for (const auto& r : rows) out.emplace_back(r.Text(0), static_cast<int>(r.Int(1)));
      return out;
    });
  }

  Status SetThreadHidden(Id id, bool hidden) override {
    return ExpectOne(db_, "UPDATE threads SET hidden=$2 WHERE id=$1", {id, Bool(hidden)},
                     "no thread " + std::to_string(id));
  }

  Result<Post> CreatePost(const Post& p) override {
    return sql::Transact<Post>(db_, true, [&](Connection& c) -> Result<Post> {
      // Bump the thread first: it locks the thread row, and says whether there is one.
      WM_ASSIGN_OR_RETURN(
          std::int64_t n,
          c.Execute("UPDATE threads SET post_count = post_count + 1, last_post_at = CASE WHEN "
                    "last_post_at < $2 THEN $2 ELSE last_post_at END WHERE id=$1",
                    {p.thread_id, p.created_at}));
      if (n == 0) return Status::NotFound("no thread " + std::to_string(p.thread_id));
      auto row = c.QueryOne(
          "INSERT INTO posts(thread_id, author_id, body, lang, quote_of, quote_text, useful_count, hidden, "
          "created_at) VALUES ($1,$2,$3,$4,$5,$6,0,$7,$8) RETURNING id",
          {p.thread_id, p.author_id, p.body, p.lang, OptId(p.quote_of), p.quote_text, Bool(p.hidden),
           p.created_at});
      if (!row.ok()) {
        if (IsForeignKeyViolation(row.status())) return Status::NotFound("no such author or quoted post");
        return row.status();
      }
      return LoadPost(c, row->Int(0));
    });
  }

  Result<Post> GetPost(Id id) override {
    return sql::WithConnection<Post>(db_, [&](Connection& c) { return LoadPost(c, id); });
  }

  Result<std::vector<Post>> ListPosts(Id thread_id, bool include_hidden) override {
    return sql::WithConnection<std::vector<Post>>(db_, [&](Connection& c) -> Result<std::vector<Post>> {
      WM_ASSIGN_OR_RETURN(
          auto rows, c.Query(std::string("SELECT ") + kPostColumns + kPostFrom + " WHERE p.thread_id=$1" +
                                 (include_hidden ? "" : " AND p.hidden=0") + " ORDER BY p.id",
                             {thread_id}));
      return internal::MapRows(rows, PostFromRow);
    });
  }

  Result<bool> MarkUseful(Id post_id, Id user_id) override {
    return sql::Transact<bool>(db_, true, [&](Connection& c) -> Result<bool> {
      auto thread = c.QueryOne("SELECT thread_id FROM posts WHERE id=$1", {post_id});
      if (!thread.ok()) return NotFoundAs(thread.status(), "no post " + std::to_string(post_id));
      auto added = c.Execute(
          "INSERT INTO post_useful(post_id, user_id) VALUES ($1,$2) ON CONFLICT (post_id, user_id) DO "
          "NOTHING",
          {post_id, user_id});
      if (!added.ok()) {
        if (IsForeignKeyViolation(added.status()))
          return Status::NotFound("no person " + std::to_string(user_id));
        return added.status();
      }
      if (*added == 0) return false;
      WM_RETURN_IF_ERROR(CountUseful(c, post_id, thread->Int(0), +1));
      return true;
    });
  }

  Result<bool> UnmarkUseful(Id post_id, Id user_id) override {
    return sql::Transact<bool>(db_, true, [&](Connection& c) -> Result<bool> {
      auto thread = c.QueryOne("SELECT thread_id FROM posts WHERE id=$1", {post_id});
      if (!thread.ok()) return NotFoundAs(thread.status(), "no post " + std::to_string(post_id));
      WM_ASSIGN_OR_RETURN(
          std::int64_t removed,
          c.Execute("DELETE FROM post_useful WHERE post_id=$1 AND user_id=$2", {post_id, user_id}));
      if (removed == 0) return false;
      WM_RETURN_IF_ERROR(CountUseful(c, post_id, thread->Int(0), -1));
      return true;
    });
  }

  Result<std::vector<Id>> UsefulMarksBy(Id user_id, const std::vector<Id>& post_ids) override {
    return sql::WithConnection<std::vector<Id>>(db_, [&](Connection& c) -> Result<std::vector<Id>> {
      std::vector<Id> out;
      for (const auto& batch : InBatches(post_ids)) {
        sql::Params params{user_id};
        for (Id id : batch) params.emplace_back(id);
        WM_ASSIGN_OR_RETURN(auto ids,
                            QueryIds(c,
                                     "SELECT post_id FROM post_useful WHERE user_id=$1 AND post_id IN (" +
                                         Placeholders(2, batch.size()) + ")",
                                     params));
        out.insert(out.end(), ids.begin(), ids.end());
      }
      std::sort(out.begin(), out.end());
      return out;
    });
  }

  Status SetPostHidden(Id id, bool hidden) override {
    return ExpectOne(db_, "UPDATE posts SET hidden=$2 WHERE id=$1", {id, Bool(hidden)},
                     "no post " + std::to_string(id));
  }

  Result<std::vector<Id>> ListPostIds(Id after_id, int limit) override {
    return sql::WithConnection<std::vector<Id>>(db_, [&](Connection& c) {
      return QueryIds(c, "SELECT id FROM posts WHERE id > $1 ORDER BY id LIMIT $2",
                      {after_id, static_cast<std::int64_t>(limit)});
    });
  }

 private:
  static Status CountUseful(Connection& c, Id post_id, Id thread_id, std::int64_t delta) {
    WM_RETURN_IF_ERROR(
        c.Execute("UPDATE posts SET useful_count = useful_count + $2 WHERE id=$1", {post_id, delta})
            .status());
    return c.Execute("UPDATE threads SET useful_count = useful_count + $2 WHERE id=$1", {thread_id, delta})
        .status();
  }

  sql::Database& db_;
};

// --- Working groups ---

constexpr char kGroupColumns[] = "id, slug, name, purpose, members_only, created_by, created_at";

Group GroupFromRow(const Row& r) {
  Group g;
  g.id = r.Int(0);
  g.slug = r.Text(1);
  g.name = r.Text(2);
  g.purpose = r.Text(3);
  g.members_only = r.Bool(4);
  g.created_by = r.OptInt(5).value_or(0);
  g.created_at = r.Int(6);
  return g;
}

MemberState ParseMemberState(const std::string& s) {
  for (MemberState m : {MemberState::kInvited, MemberState::kRequested, MemberState::kMember}) {
    if (exchange::ToString(m) == s) return m;
  }
  return MemberState::kRequested;
}

constexpr char kMemberSelect[] =
    "SELECT m.group_id, m.organisation_id, o.slug, o.name, m.state, m.coordinator, m.at FROM group_members m "
    "JOIN organisations o ON o.id = m.organisation_id";

GroupMember MemberFromRow(const Row& r) {
  GroupMember m;
  m.group_id = r.Int(0);
  m.organisation_id = r.Int(1);
  m.organisation_slug = r.Text(2);
  m.organisation_name = r.Text(3);
  m.state = ParseMemberState(r.Text(4));
  m.coordinator = r.Bool(5);
  m.at = r.Int(6);
  return m;
}

class SqlGroupStore final : public exchange::GroupStore {
 public:
  explicit SqlGroupStore(sql::Database& db) : db_(db) {}

  Result<Group> Create(const Group& g) override {
    return sql::WithConnection<Group>(db_, [&](Connection& c) -> Result<Group> {
      auto row = c.QueryOne(
          "INSERT INTO working_groups(slug, name, purpose, members_only, created_by, created_at) "
          "VALUES ($1,$2,$3,$4,$5,$6) RETURNING id",
          {g.slug, g.name, g.purpose, Bool(g.members_only), IdOrNull(g.created_by), g.created_at});
      if (!row.ok()) {
        if (row.status().IsConflict()) return Status::Conflict("the slug \"" + g.slug + "\" is taken");
        return row.status();
      }
      Group out = g;
      out.id = row->Int(0);
      return out;
    });
  }

  Result<Group> Get(Id id) override { return FindWhere("id=$1", {id}); }
  Result<Group> FindBySlug(const std::string& slug) override { return FindWhere("slug=$1", {slug}); }

  Result<std::vector<Group>> List(int limit, int offset) override {
    return sql::WithConnection<std::vector<Group>>(db_, [&](Connection& c) -> Result<std::vector<Group>> {
      WM_ASSIGN_OR_RETURN(auto rows,
                          c.Query(std::string("SELECT ") + kGroupColumns +
                                      " FROM working_groups ORDER BY name, id LIMIT $1 OFFSET $2",
                                  {static_cast<std::int64_t>(limit), static_cast<std::int64_t>(offset)}));
      return internal::MapRows(rows, GroupFromRow);
    });
  }

  Status Update(const Group& g) override {
    return ExpectOne(db_, "UPDATE working_groups SET name=$2, purpose=$3, members_only=$4 WHERE id=$1",
                     {g.id, g.name, g.purpose, Bool(g.members_only)}, "no group " + std::to_string(g.id));
  }

  Status SetMember(const GroupMember& m) override {
    auto n = Exec(
        db_,
        "INSERT INTO group_members(group_id, organisation_id, state, coordinator, at) "
        "VALUES ($1,$2,$3,$4,$5) ON CONFLICT (group_id, organisation_id) DO UPDATE SET "
        "state = excluded.state, coordinator = excluded.coordinator, at = excluded.at",
        {m.group_id, m.organisation_id, std::string(exchange::ToString(m.state)), Bool(m.coordinator), m.at});
    if (!n.ok() && IsForeignKeyViolation(n.status()))
      return Status::NotFound("no such group or organisation");
    return n.status();
  }

  Status RemoveMember(Id group_id, Id org_id) override {
    return ExpectOne(db_, "DELETE FROM group_members WHERE group_id=$1 AND organisation_id=$2",
                     {group_id, org_id}, "the organisation is not in the group");
  }

  Result<std::vector<GroupMember>> Members(Id group_id) override {
    return sql::WithConnection<std::vector<GroupMember>>(
        db_, [&](Connection& c) -> Result<std::vector<GroupMember>> {
          WM_ASSIGN_OR_RETURN(
              auto rows,
              c.Query(std::string(kMemberSelect) + " WHERE m.group_id=$1 ORDER BY o.name, o.id", {group_id}));
          return internal::MapRows(rows, MemberFromRow);
        });
  }

  Result<std::optional<GroupMember>> Member(Id group_id, Id org_id) override {
    return sql::WithConnection<std::optional<GroupMember>>(
        db_, [&](Connection& c) -> Result<std::optional<GroupMember>> {
          WM_ASSIGN_OR_RETURN(
              auto rows, c.Query(std::string(kMemberSelect) + " WHERE m.group_id=$1 AND m.organisation_id=$2",
                                 {group_id, org_id}));
          if (rows.empty()) return std::optional<GroupMember>();
          return std::optional<GroupMember>(MemberFromRow(rows.front()));
        });
  }

  Status LinkCampaign(Id group_id, Id campaign_id, TimestampMs at) override {
    auto n = Exec(db_,
                  "INSERT INTO group_campaigns(group_id, campaign_id, at) VALUES ($1,$2,$3) "
                  "ON CONFLICT (group_id, campaign_id) DO NOTHING",
                  {group_id, campaign_id, at});
    if (!n.ok() && IsForeignKeyViolation(n.status())) return Status::NotFound("no such group or campaign");
    return n.status();
  }

  Status UnlinkCampaign(Id group_id, Id campaign_id) override {
    return Exec(db_, "DELETE FROM group_campaigns WHERE group_id=$1 AND campaign_id=$2",
                {group_id, campaign_id})
        .status();
  }

  Result<std::vector<Id>> LinkedCampaigns(Id group_id) override {
    return sql::WithConnection<std::vector<Id>>(db_, [&](Connection& c) {
      return QueryIds(c, "SELECT campaign_id FROM group_campaigns WHERE group_id=$1 ORDER BY at, campaign_id",
                      {group_id});
    });
  }

 private:
  Result<Group> FindWhere(const std::string& where, const sql::Params& params) {
    return sql::WithConnection<Group>(db_, [&](Connection& c) -> Result<Group> {
      auto row =
          c.QueryOne(std::string("SELECT ") + kGroupColumns + " FROM working_groups WHERE " + where, params);
      if (!row.ok()) return NotFoundAs(row.status(), "no such group");
      return GroupFromRow(*row);
    });
  }

  sql::Database& db_;
};

// --- Follows ---

class SqlFollowStore final : public exchange::FollowStore {
 public:
  explicit SqlFollowStore(sql::Database& db) : db_(db) {}

  Status Follow(Id user_id, const Target& t, TimestampMs at) override {
    auto n = Exec(db_,
                  "INSERT INTO follows(user_id, target_kind, target_id, at) VALUES ($1,$2,$3,$4) "
                  "ON CONFLICT (user_id, target_kind, target_id) DO NOTHING",
                  {user_id, t.kind, t.id, at});
    if (!n.ok() && IsForeignKeyViolation(n.status()))
      return Status::NotFound("no person " + std::to_string(user_id));
    return n.status();
  }

  Status Unfollow(Id user_id, const Target& t) override {
    return Exec(db_, "DELETE FROM follows WHERE user_id=$1 AND target_kind=$2 AND target_id=$3",
                {user_id, t.kind, t.id})
        .status();
  }

  Result<bool> IsFollowing(Id user_id, const Target& t) override {
    return sql::WithConnection<bool>(db_, [&](Connection& c) -> Result<bool> {
      WM_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT 1 FROM follows WHERE user_id=$1 AND target_kind=$2 AND "
                                             "target_id=$3",
                                             {user_id, t.kind, t.id}));
      return !rows.empty();
    });
  }

  Result<std::vector<Id>> Followers(const Target& t) override {
    return sql::WithConnection<std::vector<Id>>(db_, [&](Connection& c) {
      return QueryIds(c, "SELECT user_id FROM follows WHERE target_kind=$1 AND target_id=$2 ORDER BY user_id",
                      {t.kind, t.id});
    });
  }

  Result<std::vector<Target>> Following(Id user_id) override {
    return sql::WithConnection<std::vector<Target>>(db_, [&](Connection& c) -> Result<std::vector<Target>> {
      WM_ASSIGN_OR_RETURN(auto rows,
                          c.Query("SELECT target_kind, target_id FROM follows WHERE user_id=$1", {user_id}));
      std::vector<Target> out;
      out.reserve(rows.size());
      for (const auto& r : rows) out.push_back(Target{r.Text(0), r.Int(1)});
      std::sort(out.begin(), out.end());
      return out;
    });
  }

 private:
  sql::Database& db_;
};

// --- Notifications and digests ---

constexpr char kNotificationColumns[] =
    "id, user_id, event, target_kind, target_id, title, actor_name, created_at, read_at, emailed";

Notification NotificationFromRow(const Row& r) {
  Notification n;
  n.id = r.Int(0);
  n.user_id = r.Int(1);
  n.event = r.Text(2);
  n.target = Target{r.Text(3), r.Int(4)};
  n.title = r.Text(5);
  n.actor_name = r.Text(6);
  n.created_at = r.Int(7);
  n.read_at = r.OptInt(8);
  n.emailed = r.Bool(9);
  return n;
}

class SqlNotificationStore final : public exchange::NotificationStore {
 public:
  explicit SqlNotificationStore(sql::Database& db) : db_(db) {}

  Status Add(const Notification& n) override {
    auto done = Exec(
        db_,
        "INSERT INTO notifications(user_id, event, target_kind, target_id, title, actor_name, created_at, "
        "read_at, emailed) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
        {n.user_id, n.event, n.target.kind, n.target.id, n.title, n.actor_name, n.created_at,
         OptId(n.read_at), Bool(n.emailed)});
    if (!done.ok() && IsForeignKeyViolation(done.status())) {
      return Status::NotFound("no person " + std::to_string(n.user_id));
    }
    return done.status();
  }

  Result<std::vector<Notification>> List(Id user_id, bool unread_only, int limit) override {
    return Select(std::string(" WHERE user_id=$1") + (unread_only ? " AND read_at IS NULL" : "") +
                      " ORDER BY created_at DESC, id DESC LIMIT $2",
                  {user_id, static_cast<std::int64_t>(limit)});
  }

  Result<int> CountUnread(Id user_id) override {
    return sql::WithConnection<int>(db_, [&](Connection& c) -> Result<int> {
      WM_ASSIGN_OR_RETURN(
          Row r,
          c.QueryOne("SELECT COUNT(*) FROM notifications WHERE user_id=$1 AND read_at IS NULL", {user_id}));
      return static_cast<int>(r.Int(0));
    });
  }

  Status MarkRead(Id user_id, std::optional<Id> id, TimestampMs at) override {
    if (!id) {
      return Exec(db_, "UPDATE notifications SET read_at=$2 WHERE user_id=$1 AND read_at IS NULL",
                  {user_id, at})
          .status();
    }
    return sql::TransactStatus(db_, true, [&](Connection& c) -> Status {
      WM_ASSIGN_OR_RETURN(
          auto rows, c.Query("SELECT read_at FROM notifications WHERE id=$1 AND user_id=$2", {*id, user_id}));
      if (rows.empty()) return Status::NotFound("no notification " + std::to_string(*id));
      if (!rows.front().IsNull(0)) return Status::Ok();  // read already: keep the first time
      return c.Execute("UPDATE notifications SET read_at=$2 WHERE id=$1", {*id, at}).status();
    });
  }

  Result<std::vector<Notification>> Unemailed(Id user_id, int limit) override {
    return Select(" WHERE user_id=$1 AND emailed=0 ORDER BY created_at, id LIMIT $2",
                  {user_id, static_cast<std::int64_t>(limit)});
  }

  Status MarkEmailed(const std::vector<Id>& ids) override {
    if (ids.empty()) return Status::Ok();
    return sql::TransactStatus(db_, true, [&](Connection& c) -> Status {
      for (const auto& batch : InBatches(ids)) {
        WM_RETURN_IF_ERROR(c.Execute("UPDATE notifications SET emailed=1 WHERE id IN (" +
                                         Placeholders(1, batch.size()) + ")",
                                     IdParams(batch))
                               .status());
      }
      return Status::Ok();
    });
  }

  Result<DigestFrequency> Frequency(Id user_id) override {
    return sql::WithConnection<DigestFrequency>(db_, [&](Connection& c) -> Result<DigestFrequency> {
      WM_ASSIGN_OR_RETURN(auto rows,
                          c.Query("SELECT frequency FROM digest_preferences WHERE user_id=$1", {user_id}));
      if (rows.empty()) return DigestFrequency::kNone;
      return exchange::ParseDigestFrequency(rows.front().Text(0)).value_or(DigestFrequency::kNone);
    });
  }

  Status SetFrequency(Id user_id, DigestFrequency f) override {
    auto n = Exec(db_,
                  "INSERT INTO digest_preferences(user_id, frequency) VALUES ($1,$2) "
                  "ON CONFLICT (user_id) DO UPDATE SET frequency = excluded.frequency",
                  {user_id, std::string(exchange::ToString(f))});
    if (!n.ok() && IsForeignKeyViolation(n.status()))
      return Status::NotFound("no person " + std::to_string(user_id));
    return n.status();
  }

  Result<std::vector<Id>> DigestsDue(DigestFrequency f, TimestampMs before) override {
    return sql::WithConnection<std::vector<Id>>(db_, [&](Connection& c) {
      return QueryIds(c,
                      "SELECT user_id FROM digest_preferences WHERE frequency=$1 AND "
                      "(last_sent_at IS NULL OR last_sent_at < $2) ORDER BY user_id",
                      {std::string(exchange::ToString(f)), before});
    });
  }

  Status MarkDigestSent(Id user_id, TimestampMs at) override {
    auto n = Exec(db_,
                  "INSERT INTO digest_preferences(user_id, frequency, last_sent_at) VALUES ($1,$2,$3) "
                  "ON CONFLICT (user_id) DO UPDATE SET last_sent_at = excluded.last_sent_at",
                  {user_id, std::string(exchange::ToString(DigestFrequency::kNone)), at});
    if (!n.ok() && IsForeignKeyViolation(n.status()))
      return Status::NotFound("no person " + std::to_string(user_id));
    return n.status();
  }

 private:
  Result<std::vector<Notification>> Select(const std::string& rest, const sql::Params& params) {
    return sql::WithConnection<std::vector<Notification>>(
        db_, [&](Connection& c) -> Result<std::vector<Notification>> {
          WM_ASSIGN_OR_RETURN(
              auto rows,
              c.Query(std::string("SELECT ") + kNotificationColumns + " FROM notifications" + rest, params));
          return internal::MapRows(rows, NotificationFromRow);
        });
  }

  sql::Database& db_;
};

// --- Reports ---

constexpr char kReportColumns[] =
    "id, target_kind, target_id, reporter_id, reason, created_at, resolved_at, resolution";

Report ReportFromRow(const Row& r) {
  Report x;
  x.id = r.Int(0);
  x.target = Target{r.Text(1), r.Int(2)};
  x.reporter_id = r.Int(3);
  x.reason = r.Text(4);
  x.created_at = r.Int(5);
  x.resolved_at = r.OptInt(6);
  x.resolution = r.Text(7);
  return x;
}

class SqlReportStore final : public exchange::ReportStore {
 public:
  explicit SqlReportStore(sql::Database& db) : db_(db) {}

  Result<Report> Add(const Report& r) override {
    return sql::WithConnection<Report>(db_, [&](Connection& c) -> Result<Report> {
      auto row = c.QueryOne(
          "INSERT INTO reports(target_kind, target_id, reporter_id, reason, created_at) VALUES "
          "($1,$2,$3,$4,$5) "
          "RETURNING id",
          {r.target.kind, r.target.id, r.reporter_id, r.reason, r.created_at});
      if (!row.ok()) {
        if (row.status().IsConflict()) return Status::Conflict("you have already reported this");
        if (IsForeignKeyViolation(row.status())) {
          return Status::NotFound("no person " + std::to_string(r.reporter_id));
        }
        return row.status();
      }
      Report out = r;
      out.id = row->Int(0);
      out.resolved_at.reset();
      out.resolution.clear();
      return out;
    });
  }

  Status LockTarget(const Target& t) override {
    // A no-op write: the portable way to take the row lock (SQLite has no
    // SELECT ... FOR UPDATE).
    const char* statement = t.kind == "campaign" ? "UPDATE campaigns SET hidden=hidden WHERE id=$1"
                                                 : "UPDATE posts SET hidden=hidden WHERE id=$1";
    return sql::WithConnection<std::int64_t>(db_, [&](Connection& c) { return c.Execute(statement, {t.id}); })
        .status();
  }

  Result<int> CountOpen(const Target& t) override {
    return sql::WithConnection<int>(db_, [&](Connection& c) -> Result<int> {
      WM_ASSIGN_OR_RETURN(Row r,
                          c.QueryOne("SELECT COUNT(*) FROM reports WHERE target_kind=$1 AND target_id=$2 AND "
                                     "resolved_at IS NULL",
                                     {t.kind, t.id}));
      return static_cast<int>(r.Int(0));
    });
  }

  Result<std::vector<std::pair<Target, std::vector<Report>>>> Open(int limit) override {
    using Out = std::vector<std::pair<Target, std::vector<Report>>>;
    return ReadSnapshot<Out>(db_, [&](Connection& c) -> Result<Out> {
      WM_ASSIGN_OR_RETURN(auto targets,
                          c.Query("SELECT target_kind, target_id, MIN(created_at) AS first_at FROM reports "
                                  "WHERE resolved_at IS NULL GROUP BY target_kind, target_id "
                                  "ORDER BY first_at, target_kind, target_id LIMIT $1",
                                  {static_cast<std::int64_t>(limit)}));
      Out out;
      out.reserve(targets.size());
      for (const auto& t : targets) {
        Target target{t.Text(0), t.Int(1)};
        WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kReportColumns +
                                                   " FROM reports WHERE target_kind=$1 AND target_id=$2 AND "
                                                   "resolved_at IS NULL ORDER BY created_at, id",
                                               {target.kind, target.id}));
        std::vector<Report> reports;
        reports.reserve(rows.size());
        for (const auto& r : rows) reports.push_back(ReportFromRow(r));
        out.emplace_back(std::move(target), std::move(reports));
      }
      return out;
    });
  }

  Status Resolve(const Target& t, const std::string& resolution, TimestampMs at) override {
    return Exec(db_,
                "UPDATE reports SET resolved_at=$3, resolution=$4 WHERE target_kind=$1 AND target_id=$2 AND "
                "resolved_at IS NULL",
                {t.kind, t.id, at, resolution})
        .status();
  }

 private:
  sql::Database& db_;
};

}  // namespace

struct ExchangeStores::Impl {
  explicit Impl(sql::Database& db) : threads(db), groups(db), follows(db), notifications(db), reports(db) {}
  SqlThreadStore threads;
  SqlGroupStore groups;
  SqlFollowStore follows;
  SqlNotificationStore notifications;
  SqlReportStore reports;
};

ExchangeStores::ExchangeStores(sql::Database& db) : impl_(std::make_unique<Impl>(db)) {}
ExchangeStores::~ExchangeStores() = default;

exchange::ExchangeStores ExchangeStores::stores() {
  return exchange::ExchangeStores{&impl_->threads, &impl_->groups, &impl_->follows, &impl_->notifications,
                                  &impl_->reports};
}

}  // namespace waymark::storage
