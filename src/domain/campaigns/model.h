// Campaigns: perception-change and inclusion campaigns, their revisions,
// media and lineage. Plain values; no HTTP, JSON or SQL here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "domain/accounts/model.h"

namespace waymark::campaigns {

using accounts::Id;

// Where a campaign is in its editorial life.
enum class Lifecycle { kDraft, kSubmitted, kPublished, kReturned, kArchived };
std::string_view ToString(Lifecycle s);
std::optional<Lifecycle> ParseLifecycle(std::string_view s);

// What the campaign itself is doing in the world ("status" in the API).
enum class Stage { kIdea, kPlanned, kRunning, kEnded };
std::string_view ToString(Stage s);
std::optional<Stage> ParseStage(std::string_view s);
const std::vector<Stage>& AllStages();

// Who may read it once published (drafts are only ever seen by the lead
// organisation, moderators and admins).
enum class Visibility { kPublic, kMembers, kOrganisation };
std::string_view ToString(Visibility v);
std::optional<Visibility> ParseVisibility(std::string_view v);

// Fixed vocabularies (codes; the web layer translates their labels).
const std::vector<std::string>& Channels();  // posters, video, social_media, events, press, crowdfunding, ...
const std::vector<std::string>& Licences();  // cc-by, cc-by-sa, cc-by-nc, cc0, all-rights-reserved
bool IsChannel(std::string_view code);
bool IsLicence(std::string_view code);

// Title, summary and body in one language. The body is Markdown.
struct LocalText {
  std::string title;
  std::string summary;
  std::string body;
  bool operator==(const LocalText&) const = default;
};

// A named figure among the outcomes: {"reach", 1200000}.
struct Figure {
  std::string name;
  std::int64_t value = 0;
  bool operator==(const Figure&) const = default;
};

struct OrgRef {
  Id id = 0;
  std::string slug;
  std::string name;
  bool operator==(const OrgRef& o) const { return id == o.id; }
};

// An uploaded image or PDF. The bytes live in the MediaStore.
struct Media {
  Id id = 0;
  Id campaign_id = 0;
  std::string filename;  // as uploaded, sanitised
  std::string
      content_type;  // from the content: image/png, image/jpeg, image/gif, image/webp, application/pdf
  std::int64_t size = 0;
  std::string sha256;
  std::string caption;
  TimestampMs created_at = 0;
  bool operator==(const Media&) const = default;
};

// A campaign theme; admins edit the vocabulary. Labels by language.
struct Theme {
  std::string code;                           // "xenophobia"
  std::map<std::string, std::string> labels;  // {"en": "Xenophobia", "fr": "Xénophobie", ...}
  bool active = true;
  // The label in `lang`, falling back to English, then the code.
  const std::string& Label(const std::string& lang) const;
};

struct Campaign {
  Id id = 0;
  std::string slug;                        // unique, from the first title; immutable
  std::map<std::string, LocalText> texts;  // by language: "en", "fr", "es"; at least one
  OrgRef organisation;                     // the lead organisation
  std::vector<OrgRef> partners;
  std::vector<std::string> countries;     // ISO 3166-1 alpha-3, sorted, unique
  std::vector<std::string> themes;        // Theme codes, sorted, unique
  std::vector<std::string> channels;      // Channels() codes
  std::vector<std::string> audiences;     // short free labels: "young people"
  std::optional<std::string> start_date;  // YYYY-MM-DD
  std::optional<std::string> end_date;
  Stage stage = Stage::kIdea;
  Lifecycle lifecycle = Lifecycle::kDraft;
  Visibility visibility = Visibility::kPublic;
  std::string outcomes;  // Markdown
  std::vector<Figure> figures;
  std::vector<std::string> video_links;  // http(s) URLs
  std::vector<Media> media;              // read-only here; managed through the MediaStore
  std::string licence = "cc-by";
  std::string contact;
  std::optional<Id> adapted_from;
  std::string return_reason;  // set when a moderator returned it
  bool hidden = false;        // hidden pending a moderator after too many reports
  std::int64_t version = 1;
  Id created_by = 0;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
  std::optional<TimestampMs> published_at;

  // The text in `lang`, else English, else the first there is.
  const LocalText& Text(const std::string& lang) const;
  std::vector<std::string> Languages() const;
};

// One saved state of a campaign: every edit and every workflow step.
struct Revision {
  Id campaign_id = 0;
  std::int64_t version = 0;
  TimestampMs at = 0;
  std::optional<Id> actor_user_id;
  std::string actor_label;
  std::string action;                // "create", "update", "submit", "publish", "return", "archive", "adapt"
  std::vector<std::string> changed;  // field names that differ from the previous revision
  Campaign snapshot;
};

// One changed field between two revisions, for the history page.
struct FieldChange {
  std::string field;   // "title.en", "countries", "stage", ...
  std::string before;  // a readable rendering; lists joined by ", "
  std::string after;
};
// The fields that differ between `a` and `b` (media and bookkeeping excluded).
std::vector<FieldChange> Diff(const Campaign& a, const Campaign& b);

// The family of campaigns that share an origin.
struct LineageNode {
  Id id = 0;
  std::string slug;
  std::string title;  // in the reader's language
  OrgRef organisation;
  std::vector<std::string> countries;
  std::optional<Id> adapted_from;  // the nearest ancestor the reader sees
  int depth = 0;                   // 0 for an origin; counts only campaigns the reader sees
  Lifecycle lifecycle = Lifecycle::kDraft;
};
// Campaigns the reader may not see are left out (their visible descendants
// move up), so it may have several origins.
struct Lineage {
  Id root = 0;
  std::vector<LineageNode> nodes;        // depth-first from the origin, children by creation
  std::map<std::string, int> countries;  // country -> campaigns in the family reaching it
};

}  // namespace waymark::campaigns
