// The idea exchange: discussion threads (under a campaign, on the Ideas
// board, inside a working group), posts, working groups, follows,
// notifications and reports. Plain values; no HTTP, JSON or SQL here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "domain/accounts/model.h"

namespace waymark::exchange {

using accounts::Id;

enum class ThreadKind { kCampaign, kIdea, kGroup };
std::string_view ToString(ThreadKind k);
std::optional<ThreadKind> ParseThreadKind(std::string_view s);

struct Thread {
  Id id = 0;
  ThreadKind kind = ThreadKind::kIdea;
  std::optional<Id> campaign_id;  // kCampaign
  std::optional<Id> group_id;     // kGroup
  std::string title;
  std::vector<std::string> tags;  // lowercase, sorted, unique (Ideas board)
  std::string lang = "en";        // language of the opening post
  Id author_id = 0;
  std::string author_name;
  std::optional<Id> organisation_id;  // the author's organisation when they posted, if any
  int post_count = 0;
  int useful_count = 0;  // sum over its posts
  bool hidden = false;
  TimestampMs created_at = 0;
  TimestampMs last_post_at = 0;
};

struct Post {
  Id id = 0;
  Id thread_id = 0;
  Id author_id = 0;
  std::string author_name;
  std::string body;  // Markdown
  std::string lang = "en";
  std::optional<Id> quote_of;  // the post this one quotes
  // The quoted passage, checked against the quoted post when posted. A
  // thread's view shows it only while the reader may see the quoted post.
  std::string quote_text;
  bool quote_removed = false;  // in a view: the quoted post is hidden from the reader
  int useful_count = 0;
  bool hidden = false;
  TimestampMs created_at = 0;
};

struct Group {
  Id id = 0;
  std::string slug;
  std::string name;
  std::string purpose;  // Markdown
  // Members-only groups: only member organisations' people read and post in
  // the group's threads. Open groups: everyone signed in reads; members post.
  bool members_only = true;
  Id created_by = 0;
  TimestampMs created_at = 0;
};

enum class MemberState { kInvited, kRequested, kMember };
std::string_view ToString(MemberState s);

struct GroupMember {
  Id group_id = 0;
  accounts::Id organisation_id = 0;
  std::string organisation_slug;
  std::string organisation_name;
  MemberState state = MemberState::kRequested;
  bool coordinator = false;  // coordinators invite and accept
  TimestampMs at = 0;
};

// What can be followed or reported.
struct Target {
  std::string kind;  // "campaign", "thread", "group", "post"
  Id id = 0;
  bool operator==(const Target&) const = default;
  bool operator<(const Target& o) const { return kind != o.kind ? kind < o.kind : id < o.id; }
};

struct Notification {
  Id id = 0;
  Id user_id = 0;
  // "post.created", "campaign.published", "campaign.returned", "campaign.updated",
  // "campaign.adapted", "group.invited", "group.requested", "group.joined"
  std::string event;
  Target target;
  std::string title;       // what it is about, as it was then
  std::string actor_name;  // who did it
  TimestampMs created_at = 0;
  std::optional<TimestampMs> read_at;
  bool emailed = false;
};

enum class DigestFrequency { kNone, kDaily, kWeekly };
std::string_view ToString(DigestFrequency f);
std::optional<DigestFrequency> ParseDigestFrequency(std::string_view s);

struct Report {
  Id id = 0;
  Target target;  // "campaign" or "post"
  Id reporter_id = 0;
  std::string reason;
  TimestampMs created_at = 0;
  std::optional<TimestampMs> resolved_at;
  std::string resolution;  // "restored", "removed"
};

// One entry of the moderation queue: something reported (open reports) or
// hidden.
struct ModerationItem {
  Target target;
  std::string title;    // campaign title or post excerpt
  std::string context;  // thread title for posts
  bool hidden = false;
  std::vector<Report> reports;  // open ones, oldest first
};

// The URL path of a target's page: /campaigns/12, /threads/3, /groups/5,
// /threads/3#post-9 (post needs its thread id).
std::string PathFor(const Target& t, Id thread_id_for_post = 0);

}  // namespace waymark::exchange
