// CampaignService: the campaigns database. Validation, the editorial
// lifecycle, who may see and change what, revisions, adaptation and lineage,
// media, the theme vocabulary, and search over campaigns.
//
// Rules:
// - Editors and moderators of the lead organisation (and admins) create and
//   edit its campaigns, and submit them. Drafts, submitted and returned
//   campaigns are seen only by the lead organisation's people and admins.
// - Moderation is per organisation: the lead organisation's moderators
//   publish, return (with a reason) and archive its campaigns; platform
//   administrators moderate every organisation's. A moderator of another
//   organisation is, for this campaign, like anyone else. The lead
//   organisation's editors may archive their own.
// - Published campaigns are seen according to their visibility: everyone,
//   signed-in people, or the lead organisation's members.
// - History: those who may edit or moderate a campaign see every revision;
//   everyone else sees only the revisions in which they would have seen the
//   campaign (released, not hidden, visible to them), without the
//   moderator's return reason, each compared with the previous one they see.
// - Lineage shows only the campaigns the reader may see, linked to their
//   nearest visible ancestor; hidden ones leave no id or depth gap.
// - Every change is a Revision, goes to the audit log and to the search
//   change feed, all in one unit of work. A conditional change checks the
//   permission before the version: who may not make it gets 403, never the
//   current version.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/countries.h"
#include "core/status.h"
#include "domain/accounts/stores.h"
#include "domain/campaigns/model.h"
#include "domain/campaigns/stores.h"
#include "domain/search/search.h"

namespace waymark::campaigns {

using accounts::Actor;

// Limits, checked by the service (and named in validation messages).
inline constexpr std::size_t kMaxTitle = 200;
inline constexpr std::size_t kMaxSummary = 1000;
inline constexpr std::size_t kMaxBody = 50000;
inline constexpr std::size_t kMaxOutcomes = 20000;
inline constexpr std::size_t kMaxListItems = 50;
inline constexpr std::size_t kMaxLabel = 80;
inline constexpr std::size_t kMaxContact = 300;
inline constexpr std::size_t kMaxReason = 2000;

// Fields as the user typed them. On create, absent means empty/default; on
// update, absent means "leave as it is". `texts` on update merges by
// language, and a language whose title, summary and body are all empty is
// removed.
struct CampaignInput {
  std::optional<std::string> organisation;  // lead organisation slug (create only)
  std::optional<std::map<std::string, LocalText>> texts;
  std::optional<std::vector<std::string>> partners;  // organisation slugs
  std::optional<std::vector<std::string>> countries;
  std::optional<std::vector<std::string>> themes;
  std::optional<std::vector<std::string>> channels;
  std::optional<std::vector<std::string>> audiences;
  std::optional<std::string> start_date;  // YYYY-MM-DD or "" to clear
  std::optional<std::string> end_date;
  std::optional<std::string> stage;       // idea, planned, running, ended
  std::optional<std::string> visibility;  // public, members, organisation
  std::optional<std::string> outcomes;
  std::optional<std::vector<Figure>> figures;
  std::optional<std::vector<std::string>> video_links;
  std::optional<std::string> licence;
  std::optional<std::string> contact;
  // When set, the change applies only if the stored version is this one.
  std::optional<std::int64_t> expected_version;
};

struct CampaignOptions {
  std::int64_t max_media_bytes = 5 * 1024 * 1024;
  int max_media_per_campaign = 20;
};

// A page of search results over campaigns.
struct CampaignSearch {
  search::Results results;
  std::vector<Campaign> campaigns;  // in the order of results.hits
};

// Told about every recorded change to a campaign, inside the change's unit
// of work, so that what it does commits with the change: the exchange
// notifies followers and re-indexes the campaign's discussion.
class CampaignObserver {
 public:
  virtual ~CampaignObserver() = default;
  // `action`: "create", "update", "submit", "publish", "return", "archive",
  // "adapt" (then `after` is the new adaptation).
  virtual Status OnCampaignChanged(const Actor& actor, const std::string& action, const Campaign& after) = 0;
};

class CampaignService {
 public:
  CampaignService(accounts::Stores accounts, CampaignStore& campaigns, ThemeStore& themes, MediaStore& media,
                  search::ChangeFeed& feed, const Clock& clock, const CountryDirectory& countries,
                  CampaignOptions options = {});

  // Validation names each bad field ("title", "countries", ...) with a code;
  // PermissionDenied unless an editor of the organisation.
  Result<Campaign> Create(const Actor& actor, const CampaignInput& input);
  // Conflict when input.expected_version is stale.
  Result<Campaign> Update(const Actor& actor, Id id, const CampaignInput& input);
  // Workflow. Each checks the current state (Conflict "cannot publish a
  // draft", ...) and, when given, the expected version.
  Result<Campaign> Submit(const Actor& actor, Id id, std::optional<std::int64_t> expected_version = {});
  Result<Campaign> Publish(const Actor& actor, Id id, std::optional<std::int64_t> expected_version = {});
  Result<Campaign> Return(const Actor& actor, Id id, const std::string& reason,
                          std::optional<std::int64_t> expected_version = {});
  Result<Campaign> Archive(const Actor& actor, Id id, std::optional<std::int64_t> expected_version = {});
  // A new draft for `org_slug` (an organisation the actor edits for), copied
  // from a campaign the actor can see, with adapted_from set. Title gets no
  // prefix; the page marks it as an adaptation.
  Result<Campaign> Adapt(const Actor& actor, Id source, const std::string& org_slug);

  // NotFound when it does not exist or the actor may not see it.
  Result<Campaign> Get(const Actor& actor, Id id);
  Result<Campaign> GetBySlug(const Actor& actor, const std::string& slug);
  // The family of `id` (from its origin down), only campaigns the actor can
  // see; titles in `lang`.
  Result<Lineage> GetLineage(const Actor& actor, Id id, const std::string& lang);
  // The revisions the actor may see (RevisionsFor), newest first.
  Result<std::vector<Revision>> History(const Actor& actor, Id id);
  // NotFound also when the actor may not see that revision.
  Result<Revision> GetRevision(const Actor& actor, Id id, std::int64_t version);
  // What changed in `version` since the previous revision the actor may
  // see; empty for the first one they see.
  Result<std::vector<FieldChange>> RevisionChanges(const Actor& actor, Id id, std::int64_t version);
  // Campaigns of one organisation the actor can see, any lifecycle.
  Result<std::vector<Campaign>> ForOrganisation(const Actor& actor, const std::string& org_slug);
  // Submitted campaigns waiting for the actor to moderate them: of the
  // organisations they moderate (all for admins); moderators only.
  Result<std::vector<Campaign>> AwaitingModeration(const Actor& actor);
  // Published public campaigns, newest first (Atom feed).
  Result<std::vector<Campaign>> RecentlyPublished(int limit);

  // Ranked, faceted search over published campaigns the actor may see.
  Result<CampaignSearch> Search(const Actor& actor, search::Query query);

  // Media. Unsupported media type unless the content is PNG, JPEG, GIF,
  // WebP or PDF (whatever the name says); PayloadTooLarge over the limit.
  Result<Media> AddMedia(const Actor& actor, Id campaign_id, const std::string& filename,
                         const std::string& bytes, const std::string& caption);
  Status RemoveMedia(const Actor& actor, Id media_id);
  // The record and its bytes, if the actor may see the campaign.
  Result<std::pair<Media, std::string>> GetMedia(const Actor& actor, Id media_id);

  // The theme vocabulary; admins save.
  Result<std::vector<Theme>> Themes();
  Status SaveTheme(const Actor& actor, const Theme& theme);

  // May publish, return, archive and see the hidden content of what belongs
  // to organisation `org_id`: its moderators, and platform administrators.
  static bool CanModerate(const Actor& actor, Id org_id);
  // Moderates some organisation (or all, as an administrator): may open the
  // moderation queues, which show only what they may moderate.
  static bool ModeratesAnywhere(const Actor& actor);
  // The search audiences `actor` belongs to (search::Query::audience):
  // "public", "members" when signed in, "org:<id>" per membership; empty
  // (everything) for administrators.
  static std::vector<std::string> SearchAudience(const Actor& actor);
  static bool CanEdit(const Actor& actor, const Campaign& c);
  static bool CanSee(const Actor& actor, const Campaign& c);
  // Those who may edit or moderate `c` see its every revision.
  static bool SeesEveryRevision(const Actor& actor, const Campaign& c);
  // The revisions of `c` (all of them, any order) that `actor` may see,
  // oldest first. For readers who do not see every revision: only those
  // whose snapshot was released, not hidden and visible to them, with the
  // return reason removed and `changed` counted from the previous revision
  // kept (empty for the first).
  static std::vector<Revision> RevisionsFor(const Actor& actor, const Campaign& c, std::vector<Revision> all);

  // The search document for a campaign (NotFound unless published and not hidden).
  Result<search::Document> SearchDocument(Id id);
  CampaignStore& store() { return campaigns_; }
  void SetObserver(CampaignObserver* observer) { observer_ = observer; }
  // The index Search reads (not owned; set once at start, before serving).
  // Until it is set, Search is Unavailable.
  void SetIndex(search::Index* index) { index_ = index; }

 private:
  // Changes a campaign the actor can see: `permit` says whether the actor
  // may (checked before the expected version), `apply` makes the change.
  Result<Campaign> Transition(const Actor& actor, Id id, const std::string& action,
                              std::optional<std::int64_t> expected_version,
                              const std::function<Status(const Campaign&)>& permit,
                              const std::function<Status(Campaign&)>& apply);
  // The revisions of campaign `id` the actor may see, oldest first.
  Result<std::vector<Revision>> VisibleRevisions(const Actor& actor, Id id);
  Status Record(const Actor& actor, const std::string& action, const Campaign& before, const Campaign& after);
  Status Apply(const CampaignInput& in, Campaign& c, FieldErrors& errors, bool creating);
  std::string UniqueSlug(const std::string& title);
  // Inserts a new campaign (slug made here, retried if taken meanwhile) with
  // its revision, audit entry and change-feed entry. `action`: create, adapt.
  Result<Campaign> Insert(const Actor& actor, Campaign c, const std::string& action);

  accounts::Stores accounts_;
  CampaignStore& campaigns_;
  ThemeStore& themes_;
  MediaStore& media_;
  search::ChangeFeed& feed_;
  const Clock& clock_;
  const CountryDirectory& countries_;
  CampaignOptions options_;
  CampaignObserver* observer_ = nullptr;
  search::Index* index_ = nullptr;
};

// What an upload's bytes are: "image/png", "image/jpeg", "image/gif",
// "image/webp", "application/pdf", or "" for anything else.
std::string SniffMediaType(const std::string& bytes);

// Longest slug; UniqueSlug keeps its "-2" suffixes within it too.
inline constexpr std::size_t kMaxSlug = 60;
// The slug stem for a title: letters folded to ASCII ("é" -> "e"), lowercase,
// other characters as single dashes, at most kMaxSlug characters, no dash at
// either end; "campaign" when nothing is left.
std::string SlugFromTitle(std::string_view title);
// An uploaded file's name made safe to store and show: the part after the
// last '/' or '\\', control characters and invalid UTF-8 dropped, trimmed,
// at most 120 characters; "file" when nothing is left.
std::string SanitizeFilename(std::string_view name);
// True for a real calendar date written YYYY-MM-DD.
bool IsValidDate(std::string_view date);

// The search documents for campaigns, for the Indexer.
class CampaignDocuments final : public search::DocumentSource {
 public:
  explicit CampaignDocuments(CampaignService& service) : service_(service) {}
  Result<search::Document> Load(const std::string& kind, Id id) override;
  Result<std::vector<Id>> ListIds(const std::string& kind, Id after_id, int limit) override;
  std::vector<std::string> Kinds() const override { return {"campaign"}; }

 private:
  CampaignService& service_;
};

}  // namespace waymark::campaigns
