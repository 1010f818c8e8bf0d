// Practices: effective practices to protect migrants caught in crises, as
// the MICIC contribution portal collects them. Plain values; no HTTP, JSON
// or SQL here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "domain/accounts/model.h"

namespace waymark::practices {

using accounts::Id;

// Where a practice is in its editorial life. Anonymous contributions start
// as kSubmitted; members' drafts as kDraft. kMerged: folded into another
// practice (merged_into); kRejected: spam or out of scope, with the reason.
enum class Lifecycle { kDraft, kSubmitted, kReturned, kPublished, kArchived, kMerged, kRejected };
std::string_view ToString(Lifecycle s);
std::optional<Lifecycle> ParseLifecycle(std::string_view s);

// How careful the publication must be. kSensitive and kRestricted are shown
// to moderators with a warning; kRestricted is never published in full: the
// public sees the summary and the generalised location only.
enum class Sensitivity { kNormal, kSensitive, kRestricted };
std::string_view ToString(Sensitivity s);
std::optional<Sensitivity> ParseSensitivity(std::string_view s);

// The vocabularies moderators edit. Codes are stable; labels per language.
inline constexpr const char* kVocabularies[] = {
    "phase",      // crisis preparedness, emergency response, post-crisis action
    "crisis",     // conflict, natural disaster, other (with a description)
    "theme",      // under a phase (parent = phase code)
    "guideline",  // MICIC principles and guidelines (parent = phase code, or "" for principles)
    "actor",      // kind of actor: state, local authority, civil society, ...
    "target",     // target group: migrants in transit, women, children, ...
    "type",       // type of practice: agreement, hotline, training, ...
};
bool IsVocabulary(std::string_view v);

struct Term {
  std::string vocabulary;                     // one of kVocabularies
  std::string code;                           // "preparedness"
  std::string parent;                         // a theme's phase code; "" at the top
  std::map<std::string, std::string> labels;  // {"en": ..., "fr": ..., "es": ...}
  int position = 0;                           // order within its vocabulary
  bool active = true;                         // inactive: kept on old practices, not offered
  bool operator==(const Term&) const = default;
  // The label in `lang`, falling back to English, then the code.
  const std::string& Label(const std::string& lang) const;
};

// The seeded vocabularies, in our own words after the structure of the MICIC
// Guidelines (2016) and the MICIC repository of practices.
const std::vector<Term>& SeedTerms();

// The languages a practice may be written in.
inline constexpr const char* kLanguages[] = {"en", "fr", "es"};
bool IsLanguage(std::string_view lang);

// The parts of a practice written in one language. Which parts exist in
// which language is what marks each part's language.
struct LocalText {
  std::string title;
  std::string summary;          // a paragraph; always public once published
  std::string problem;          // what problem it answers
  std::string description;      // what was done (Markdown)
  std::string results;          // results and how they are known (Markdown)
  std::string lessons;          // lessons learned (Markdown)
  std::string resources;        // what it cost and needed
  std::string transferability;  // what another organisation would need to do it
  bool operator==(const LocalText&) const = default;
  bool Empty() const;
};

// An organisation taking part: a registered one (org_id) or one named by
// an anonymous contributor.
struct Party {
  std::optional<Id> org_id;
  std::string slug;        // filled in by the store for a registered organisation
  std::string name;        // as typed, or the registered organisation's name
  std::string actor_kind;  // "actor" vocabulary code
  bool operator==(const Party&) const = default;
};

// Countries and the part they played.
enum class PlaceRole { kCrisis, kOrigin, kTransit, kDestination };
std::string_view ToString(PlaceRole r);
std::optional<PlaceRole> ParsePlaceRole(std::string_view r);
struct Place {
  std::string country;  // ISO 3166-1 alpha-3
  PlaceRole role = PlaceRole::kCrisis;
  bool operator==(const Place&) const = default;
};

struct Link {
  std::string url;    // http(s)
  std::string label;  // optional
  bool operator==(const Link&) const = default;
};

// A document attached to a practice (PDF or image). Bytes in the store.
struct File {
  Id id = 0;
  Id practice_id = 0;
  std::string filename;
  std::string content_type;  // from the content, never from the name
  std::int64_t size = 0;
  std::string sha256;
  TimestampMs created_at = 0;
  bool operator==(const File&) const = default;
};

// Who sent it in: a signed-in user, or a person known by e-mail only.
struct Contributor {
  std::optional<Id> user_id;
  std::string name;
  std::string email;
  std::string lang = "en";  // language of the e-mails sent to them
  bool operator==(const Contributor&) const = default;
};

struct Practice {
  Id id = 0;
  std::string slug;                        // unique, from the first title; immutable
  std::map<std::string, LocalText> texts;  // by language; at least one with a title

  Party lead;  // lead organisation
  std::vector<Party> partners;
  std::vector<Place> places;              // sorted by country, then role; unique
  std::string generalised_location;       // "West Africa": shown instead of places when summary_only
  std::optional<std::string> start_date;  // YYYY, YYYY-MM or YYYY-MM-DD
  std::optional<std::string> end_date;

  // Classification: vocabulary codes, each list sorted and unique.
  std::vector<std::string> phases;  // at least one
  std::vector<std::string> crises;
  std::string crisis_other;  // describes the "other" crisis type
  std::vector<std::string> guidelines;
  std::vector<std::string> themes;
  std::vector<std::string> targets;
  std::vector<std::string> types;

  std::string contacts;  // free text: names, e-mails, phones
  std::vector<Link> links;
  std::vector<File> files;  // read-only here; managed through the store
  std::string licence = "cc-by";

  Sensitivity sensitivity = Sensitivity::kNormal;
  bool contacts_private = false;  // contacts shown to moderators only
  bool summary_only = false;      // publish only the summary and the generalised location

  // Links to other modules' content, by id.
  std::vector<Id> campaigns;
  std::vector<Id> threads;

  Lifecycle lifecycle = Lifecycle::kDraft;
  std::optional<Id> merged_into;
  std::string moderation_note;  // why it was returned, merged, rejected or archived

  Contributor contributor;
  std::string status_token_hash;  // SHA-256 (hex) of the private status link's token
  TimestampMs status_expires_at = 0;
  std::string submitted_from;  // keyed hash of the submitting address (rate limits)

  std::int64_t version = 1;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
  std::optional<TimestampMs> published_at;

  // The text in `lang`, else English, else the first there is.
  const LocalText& Text(const std::string& lang) const;
  std::vector<std::string> Languages() const;
  // Every actor kind: the lead's and the partners'.
  std::vector<std::string> ActorKinds() const;
  // The year it started (or was created), for the year facet.
  std::string Year() const;
};

// One saved state: every edit and every workflow step.
struct Revision {
  Id practice_id = 0;
  std::int64_t version = 0;
  TimestampMs at = 0;
  std::optional<Id> actor_user_id;
  std::string actor_label;
  std::string action;  // create, submit, update, publish, return, answer, merge, reject, archive, ...
  std::string note;    // the moderator's reason, if any
  Practice snapshot;
};

// The conversation between moderators and the contributor.
struct Message {
  Id id = 0;
  Id practice_id = 0;
  TimestampMs at = 0;
  bool from_moderator = false;
  std::optional<Id> author_user_id;
  std::string author_name;
  std::string text;
  bool operator==(const Message&) const = default;
};

// "We did this too": another organisation applied the practice elsewhere.
struct Adoption {
  Id id = 0;
  Id practice_id = 0;
  Party organisation;
  std::string country;  // alpha-3
  std::optional<std::string> start_date;
  std::optional<std::string> end_date;
  std::string results;  // Markdown
  std::string lang = "en";
  Id created_by = 0;
  TimestampMs created_at = 0;
  bool operator==(const Adoption&) const = default;
};

// A working group (exchange) that collects a practice.
struct Collection {
  Id group_id = 0;
  Id practice_id = 0;
  Id added_by = 0;
  TimestampMs added_at = 0;
  bool operator==(const Collection&) const = default;
};

}  // namespace waymark::practices
