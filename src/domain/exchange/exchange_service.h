// ExchangeService: discussion under campaigns, the Ideas board, working
// groups, follows and notifications. ModerationService: reports and the
// moderation queue. DigestService: the e-mail digest.
//
// Rules:
// - Reading: a campaign's thread follows the campaign's visibility; Ideas
//   are public; a group's threads are readable by everyone signed in for
//   open groups, by member organisations' people (and administrators) for
//   members-only groups; being a moderator elsewhere opens nothing.
// - Moderation (hidden posts, reports) is per organisation: a campaign's
//   thread belongs to the lead organisation's moderators, a group's threads
//   to its member organisations' moderators, the Ideas board to platform
//   administrators, who moderate everything.
// - A quote must be a passage of the quoted post, and shows only while the
//   reader may see that post ("removed" otherwise).
// - Posting needs a signed-in user; in a group, the user's organisation must
//   be a member (PermissionDenied otherwise).
// - A post notifies the followers of its thread (and of the campaign or
//   group it belongs to), never its author. Authors follow what they start
//   or reply to.
// - Every change goes to the audit log and, for posts, the search change feed.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "domain/accounts/stores.h"
#include "domain/campaigns/campaign_service.h"
#include "domain/exchange/model.h"
#include "domain/exchange/stores.h"
#include "domain/search/search.h"

namespace waymark::exchange {

using accounts::Actor;

inline constexpr std::size_t kMaxThreadTitle = 200;
inline constexpr std::size_t kMaxPostBody = 20000;
inline constexpr std::size_t kMaxTags = 10;
inline constexpr std::size_t kMaxTag = 40;

struct NewThread {
  ThreadKind kind = ThreadKind::kIdea;
  std::optional<Id> campaign_id;  // for kCampaign (at most one thread per campaign)
  std::optional<Id> group_id;     // for kGroup
  std::string title;
  std::vector<std::string> tags;
  std::string body;  // the opening post
  std::string lang = "en";
};

struct NewPost {
  std::string body;
  std::string lang = "en";
  std::optional<Id> quote_of;  // a post in the same thread
  // The passage quoted; empty = the start of the post. Validation
  // "quote_mismatch" unless it is a part of the quoted post's text.
  std::string quote_text;
};

struct ThreadView {
  Thread thread;
  std::vector<Post> posts;      // visible ones; the thread's moderators also see hidden ones
  std::vector<Id> useful_mine;  // posts the reader marked useful
  bool following = false;
  bool can_post = false;
};

struct GroupView {
  Group group;
  std::vector<GroupMember> members;
  std::vector<Thread> threads;
  std::vector<campaigns::Campaign> campaigns;  // linked, visible to the reader
  std::optional<GroupMember> mine;             // the reader's organisation's membership
  bool can_read = false;
  bool can_post = false;
  bool can_manage = false;  // coordinator or admin
  bool following = false;
};

struct NewGroup {
  std::string slug;
  std::string name;
  std::string purpose;
  bool members_only = true;
  std::string organisation;  // the founding organisation (slug); becomes coordinator
};

// A page of search results over discussion posts.
struct PostSearch {
  search::Results results;
  struct Item {
    Post post;
    Thread thread;
  };
  std::vector<Item> items;  // in the order of results.hits
};

struct ExchangeOptions {
  int report_threshold = 3;  // open reports that hide a post or campaign
};

class ExchangeService final : public campaigns::CampaignObserver {
 public:
  ExchangeService(accounts::Stores accounts, ExchangeStores stores, campaigns::CampaignService& campaigns,
                  search::ChangeFeed& feed, const Clock& clock, ExchangeOptions options = {});

  // Threads and posts.
  Result<Thread> StartThread(const Actor& actor, const NewThread& t);
  Result<Post> Reply(const Actor& actor, Id thread_id, const NewPost& p);
  Result<ThreadView> GetThread(const Actor& actor, Id thread_id);
  // The campaign's thread (created on first post), with visibility checked.
  Result<std::optional<ThreadView>> CampaignThread(const Actor& actor, Id campaign_id);
  Result<Post> ReplyToCampaign(const Actor& actor, Id campaign_id, const NewPost& p);
  Result<std::vector<Thread>> Ideas(const Actor& actor, const std::optional<std::string>& tag, int limit,
                                    int offset);
  Result<int> CountIdeas(const std::optional<std::string>& tag);
  Result<std::vector<std::pair<std::string, int>>> IdeaTags(int limit);
  // Returns the post's new useful count.
  Result<int> MarkUseful(const Actor& actor, Id post_id, bool useful);

  // Working groups.
  Result<Group> CreateGroup(const Actor& actor, const NewGroup& g);
  Result<std::vector<Group>> Groups(int limit, int offset);
  Result<GroupView> GetGroup(const Actor& actor, Id group_id);
  // An organisation's editor asks to join.
  Status RequestMembership(const Actor& actor, Id group_id, const std::string& org_slug);
  // A coordinator invites an organisation.
  Status Invite(const Actor& actor, Id group_id, const std::string& org_slug);
  // Accepts: a coordinator accepting a request, or the invited
  // organisation's editor accepting an invitation.
  Status Accept(const Actor& actor, Id group_id, const std::string& org_slug);
  Status Leave(const Actor& actor, Id group_id, const std::string& org_slug);
  Status LinkCampaign(const Actor& actor, Id group_id, Id campaign_id);

  // Follows and notifications.
  Status Follow(const Actor& actor, const Target& t, bool follow);
  Result<bool> IsFollowing(const Actor& actor, const Target& t);
  Result<std::vector<Notification>> Notifications(const Actor& actor, bool unread_only, int limit);
  Result<int> UnreadCount(const Actor& actor);
  Status MarkRead(const Actor& actor, std::optional<Id> id);
  Status SetDigest(const Actor& actor, const std::string& frequency);
  Result<DigestFrequency> Digest(const Actor& actor);
  // Tells the followers of `t` about `event` (campaign workflow calls this).
  Status Notify(const Actor& actor, const std::string& event, const Target& t, const std::string& title);
  // CampaignObserver: publish, return and update notify the campaign's
  // followers (and re-index its discussion, whose audience may change);
  // an adaptation notifies the source's followers.
  Status OnCampaignChanged(const Actor& actor, const std::string& action,
                           const campaigns::Campaign& after) override;

  // Reports and moderation.
  // Conflict if the actor already reported it; hides the target when its
  // open reports reach the threshold.
  Status ReportTarget(const Actor& actor, const Target& t, const std::string& reason);
  // Moderators only; each sees what is reported in the places they moderate.
  Result<std::vector<ModerationItem>> ModerationQueue(const Actor& actor);
  // "restore" (unhide, dismiss reports) or "remove" (keep hidden, resolve).
  Status Resolve(const Actor& actor, const Target& t, const std::string& decision);

  // Ranked search over the posts of every discussion the actor may read
  // (Ideas, campaign threads, working groups); facets as asked in `query`.
  Result<PostSearch> SearchPosts(const Actor& actor, search::Query query);
  void SetIndex(search::Index* index) { index_ = index; }

  // The search document for a post (NotFound when hidden or in a place the
  // public cannot read... audiences say who can).
  Result<search::Document> SearchDocument(Id post_id);

 private:
  accounts::Stores accounts_;
  ExchangeStores stores_;
  campaigns::CampaignService& campaigns_;
  search::ChangeFeed& feed_;
  const Clock& clock_;
  ExchangeOptions options_;
  search::Index* index_ = nullptr;
};

class PostDocuments final : public search::DocumentSource {
 public:
  PostDocuments(ExchangeService& service, ThreadStore& threads) : service_(service), threads_(threads) {}
  Result<search::Document> Load(const std::string& kind, Id id) override;
  Result<std::vector<Id>> ListIds(const std::string& kind, Id after_id, int limit) override;
  std::vector<std::string> Kinds() const override { return {"post"}; }

 private:
  ExchangeService& service_;
  ThreadStore& threads_;
};

// Sending e-mail; mail/ implements it over SMTP.
struct Email {
  std::string to;
  std::string subject;
  std::string text;  // plain text, UTF-8
};
class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual Status Send(const Email& email) = 0;
};

// Renders one user's digest text in their language; the web layer supplies
// it (it knows the catalogues and URLs).
using DigestRenderer =
    std::function<Email(const accounts::User& user, const std::vector<Notification>& items)>;

class DigestService {
 public:
  DigestService(accounts::Stores accounts, NotificationStore& notifications, Mailer& mailer,
                DigestRenderer render, const Clock& clock)
      : accounts_(accounts),
        notifications_(notifications),
        mailer_(mailer),
        render_(std::move(render)),
        clock_(clock) {}
  // Sends every digest that is due at clock.Now(): daily ones whose last
  // was over a day ago, weekly over a week, if there is anything unemailed.
  // Returns how many e-mails were sent. A send failure leaves the
  // notifications unemailed for the next run.
  Result<int> SendDue();

 private:
  accounts::Stores accounts_;
  NotificationStore& notifications_;
  Mailer& mailer_;
  DigestRenderer render_;
  const Clock& clock_;
};

}  // namespace waymark::exchange
