// The storage the exchange needs; SQL implementations in storage/, one
// conformance suite for both backends. Same conventions as
// domain/accounts/stores.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/exchange/model.h"

namespace waymark::exchange {

struct ThreadFilter {
  std::optional<ThreadKind> kind;
  std::optional<Id> campaign_id;
  std::optional<Id> group_id;
  std::optional<std::string> tag;
  bool include_hidden = false;
  int limit = 20;
  int offset = 0;
};

class ThreadStore {
 public:
  virtual ~ThreadStore() = default;
  virtual Result<Thread> CreateThread(const Thread& t) = 0;
  virtual Result<Thread> GetThread(Id id) = 0;
  // Most recent activity first.
  virtual Result<std::vector<Thread>> ListThreads(const ThreadFilter& f) = 0;
  virtual Result<int> CountThreads(const ThreadFilter& f) = 0;
  // The campaign's discussion thread, if it has one.
  virtual Result<std::optional<Thread>> ThreadForCampaign(Id campaign_id) = 0;
  // Tags in use on the Ideas board with their thread counts, most used first.
  virtual Result<std::vector<std::pair<std::string, int>>> IdeaTags(int limit) = 0;
  virtual Status SetThreadHidden(Id id, bool hidden) = 0;

  // Adds the post and bumps the thread's post_count and last_post_at.
  virtual Result<Post> CreatePost(const Post& p) = 0;
  virtual Result<Post> GetPost(Id id) = 0;
  // Oldest first.
  virtual Result<std::vector<Post>> ListPosts(Id thread_id, bool include_hidden) = 0;
  // True if the mark was added, false if the user had already marked it.
  virtual Result<bool> MarkUseful(Id post_id, Id user_id) = 0;
  // True if a mark was removed.
  virtual Result<bool> UnmarkUseful(Id post_id, Id user_id) = 0;
  // Which of `post_ids` the user has marked useful.
  virtual Result<std::vector<Id>> UsefulMarksBy(Id user_id, const std::vector<Id>& post_ids) = 0;
  virtual Status SetPostHidden(Id id, bool hidden) = 0;
  // For reindexing.
  virtual Result<std::vector<Id>> ListPostIds(Id after_id, int limit) = 0;
};

class GroupStore {
 public:
  virtual ~GroupStore() = default;
  virtual Result<Group> Create(const Group& g) = 0;  // Conflict on slug
  virtual Result<Group> Get(Id id) = 0;
  virtual Result<Group> FindBySlug(const std::string& slug) = 0;
  virtual Result<std::vector<Group>> List(int limit, int offset) = 0;  // by name
  virtual Status Update(const Group& g) = 0;                           // name, purpose, members_only
  // Adds or changes an organisation's membership.
  virtual Status SetMember(const GroupMember& m) = 0;
  virtual Status RemoveMember(Id group_id, Id org_id) = 0;  // NotFound if absent
  virtual Result<std::vector<GroupMember>> Members(Id group_id) = 0;
  virtual Result<std::optional<GroupMember>> Member(Id group_id, Id org_id) = 0;
  virtual Status LinkCampaign(Id group_id, Id campaign_id, TimestampMs at) = 0;  // idempotent
  virtual Status UnlinkCampaign(Id group_id, Id campaign_id) = 0;
  virtual Result<std::vector<Id>> LinkedCampaigns(Id group_id) = 0;
};

class FollowStore {
 public:
  virtual ~FollowStore() = default;
  virtual Status Follow(Id user_id, const Target& t, TimestampMs at) = 0;  // idempotent
  virtual Status Unfollow(Id user_id, const Target& t) = 0;                // idempotent
  virtual Result<bool> IsFollowing(Id user_id, const Target& t) = 0;
  virtual Result<std::vector<Id>> Followers(const Target& t) = 0;
  virtual Result<std::vector<Target>> Following(Id user_id) = 0;
};

class NotificationStore {
 public:
  virtual ~NotificationStore() = default;
  virtual Status Add(const Notification& n) = 0;
  // Newest first.
  virtual Result<std::vector<Notification>> List(Id user_id, bool unread_only, int limit) = 0;
  virtual Result<int> CountUnread(Id user_id) = 0;
  // One (id) or all (nullopt) of the user's notifications.
  virtual Status MarkRead(Id user_id, std::optional<Id> id, TimestampMs at) = 0;
  // Not yet e-mailed, oldest first.
  virtual Result<std::vector<Notification>> Unemailed(Id user_id, int limit) = 0;
  virtual Status MarkEmailed(const std::vector<Id>& ids) = 0;

  virtual Result<DigestFrequency> Frequency(Id user_id) = 0;  // kNone when never set
  virtual Status SetFrequency(Id user_id, DigestFrequency f) = 0;
  // Users whose digest is `f` and whose last digest was before `before`
  // (or never sent).
  virtual Result<std::vector<Id>> DigestsDue(DigestFrequency f, TimestampMs before) = 0;
  virtual Status MarkDigestSent(Id user_id, TimestampMs at) = 0;
};

class ReportStore {
 public:
  virtual ~ReportStore() = default;
  // Conflict when this reporter already has an open report on the target.
  virtual Result<Report> Add(const Report& r) = 0;
  virtual Result<int> CountOpen(const Target& t) = 0;
  // Inside a transaction: holds the target's row until the transaction ends,
  // so that concurrent reports on one target count and decide one after the
  // other (a row lock on PostgreSQL; SQLite's write transactions are serial).
  virtual Status LockTarget(const Target& t) = 0;
  // Targets with open reports, oldest report first, with those reports.
  virtual Result<std::vector<std::pair<Target, std::vector<Report>>>> Open(int limit) = 0;
  // Resolves every open report on the target.
  virtual Status Resolve(const Target& t, const std::string& resolution, TimestampMs at) = 0;
};

struct ExchangeStores {
  ThreadStore* threads;
  GroupStore* groups;
  FollowStore* follows;
  NotificationStore* notifications;
  ReportStore* reports;
};

}  // namespace waymark::exchange
