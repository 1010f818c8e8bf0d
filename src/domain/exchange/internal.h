// Shared by the exchange's .cc files (services split by topic); not part of
// the module's interface. Validation helpers are pure and unit-tested in
// exchange_test.cc.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "domain/exchange/exchange_service.h"

namespace waymark::exchange::internal {

inline constexpr std::size_t kMaxQuote = 2000;     // an explicit quoted passage
inline constexpr std::size_t kDefaultQuote = 300;  // a whole quoted post, cut to this
inline constexpr std::size_t kMaxReason = 500;     // a report's reason
inline constexpr std::size_t kMaxGroupName = 200;
inline constexpr std::size_t kMaxGroupPurpose = 5000;
inline constexpr std::size_t kExcerpt = 200;  // post excerpts in the moderation queue

// Adds "utf8", "control_characters", "required" or "too_long" {"max"} for
// `field` to `errors`.
void CheckText(FieldErrors& errors, const std::string& field, std::string_view value, std::size_t max,
               bool required, bool multiline);

// Tags as typed -> lowercase, trimmed, spaces folded to '-', sorted, unique.
// Adds "too_many" {"max"}, "too_long" {"max"} or "invalid" {"value"} for
// "tags".
std::vector<std::string> NormalizeTags(const std::vector<std::string>& tags, FieldErrors& errors);
// One tag as NormalizeTags makes it, or nullopt when it is not a valid tag.
std::optional<std::string> NormalizeTag(std::string_view tag);

// "en", "fr" or "es" (empty means "en"); adds "invalid" for `field` otherwise.
std::string CheckLang(FieldErrors& errors, const std::string& field, std::string_view lang);

// At most `max_chars` code points of `text`, whitespace at the ends trimmed,
// with "…" when it was cut. `text` must be valid UTF-8.
std::string Excerpt(std::string_view text, std::size_t max_chars);

// True when `passage` (as typed: whitespace runs, a leading or trailing
// "…" or "..." aside) is a part of `body`, the quoted post's text.
bool QuoteMatches(std::string_view passage, std::string_view body);
// Shows each quote in `shown` from the quoted post in `all` (the thread's
// posts, hidden ones too) as the reader may see it: the stored passage while
// it still matches, else an excerpt of the current text; nothing, with
// quote_removed set, when the quoted post is gone or hidden and the reader
// does not see hidden posts.
void ResolveQuotes(std::vector<Post>& shown, const std::vector<Post>& all, bool sees_hidden);

// The roles that may act for an organisation (editor, moderator).
bool CanActFor(const Actor& actor, Id org_id);

// What the services share: the stores and the permission rules.
struct Core {
  accounts::Stores& accounts;
  ExchangeStores& stores;
  campaigns::CampaignService& campaigns;
  search::ChangeFeed& feed;
  const Clock& clock;
  const ExchangeOptions& options;

  Status Audit(const Actor& actor, std::string action, std::string entity_type, Id entity_id,
               std::map<std::string, std::string> details = {}) const;
  // Moderation is per organisation (CampaignService::CanModerate): a
  // campaign's thread is moderated by the lead organisation's moderators, a
  // group's threads by the moderators of its member organisations, the
  // Ideas board (no organisation's) by platform administrators only.
  // Administrators moderate everything.
  Result<bool> ModeratesThread(const Actor& actor, const Thread& t) const;
  // A reported post or campaign.
  Result<bool> ModeratesTarget(const Actor& actor, const Target& t) const;
  static bool ModeratesGroup(const Actor& actor, const std::vector<GroupMember>& members);

  // Groups.
  static std::optional<GroupMember> MemberOf(const std::vector<GroupMember>& members, Id org_id);
  // The actor's organisations that are full members, in membership order.
  static std::vector<Id> MemberOrgs(const Actor& actor, const std::vector<GroupMember>& members);
  static bool CanReadGroup(const Actor& actor, const Group& g, const std::vector<GroupMember>& members);
  // Admins, and editors of a coordinating member organisation.
  static bool CanManageGroup(const Actor& actor, const std::vector<GroupMember>& members);

  // NotFound unless the actor may read the thread (hidden ones: its moderators).
  Status CheckReadable(const Actor& actor, const Thread& t) const;
  // Unauthenticated / PermissionDenied / NotFound unless the actor may post
  // in the thread's place. Returns the organisation to credit, if any.
  Result<std::optional<Id>> CheckCanPost(const Actor& actor, const Thread& t) const;
  // Same for a thread not created yet.
  Result<std::optional<Id>> CheckCanPostIn(const Actor& actor, ThreadKind kind, std::optional<Id> campaign_id,
                                           std::optional<Id> group_id) const;

  // Queues every post of the campaign's thread for the search index again:
  // their audience follows the campaign's visibility and state.
  Status RefeedCampaignPosts(Id campaign_id) const;

  // Adds a notification for every follower of any of `targets` (once each),
  // except the actor, who passes `can_see` (given the follower as an actor).
  // Call inside the unit of work of the change.
  Status NotifyFollowers(const Actor& actor, const std::string& event, const std::vector<Target>& targets,
                         const Target& about, const std::string& title,
                         const std::function<bool(const Actor&)>& can_see) const;
};

}  // namespace waymark::exchange::internal
