// The Atlas: case studies of places where people move because of sudden
// disasters and slow-onset processes, each placed on the map (a point or an
// area); the glossary of key notions; thematic pages that combine a map,
// text, case studies and figures. Plain values; no HTTP, JSON or SQL.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "domain/accounts/model.h"
#include "geo/geojson.h"

namespace waymark::atlas {

using accounts::Id;

// A case study's state, as a library item's: its organisation's members
// write and submit drafts, its moderators publish them or return them with
// a reason; archived case studies are withdrawn.
enum class Lifecycle { kDraft, kSubmitted, kReturned, kPublished, kArchived };
std::string_view ToString(Lifecycle l);
std::optional<Lifecycle> ParseLifecycle(std::string_view s);

// How fast the hazard strikes.
enum class Onset { kSudden, kSlow };
std::string_view ToString(Onset o);
std::optional<Onset> ParseOnset(std::string_view s);

// The codes of hazards and of kinds of movement (labels in the catalogues,
// atlas.<lang>.json: "hazard_<code>", "movement_<code>").
const std::vector<std::string_view>& HazardCodes();
const std::vector<std::string_view>& MovementCodes();
// The onset a hazard usually has (the form's default).
Onset UsualOnset(std::string_view hazard);

struct CaseText {
  std::string title;
  std::string summary;  // one or two sentences, plain text
  std::string story;    // Markdown
  std::string people;   // who is concerned, plain text
};

struct CaseStudy {
  Id id = 0;
  std::string slug;
  Id org_id = 0;
  std::string org_slug;                   // filled by the store
  std::map<std::string, CaseText> texts;  // by language: en, fr, es
  geo::Geometry geometry;                 // a point or an area
  Onset onset = Onset::kSudden;
  std::vector<std::string> hazards;    // HazardCodes()
  std::vector<std::string> movements;  // MovementCodes()
  std::vector<std::string> countries;  // ISO 3166-1 alpha-3
  int year_from = 0;                   // 0: unknown
  int year_to = 0;                     // 0: ongoing or unknown
  std::vector<Id> sources;             // library items
  std::vector<Id> figures;             // saved evidence queries
  Lifecycle lifecycle = Lifecycle::kDraft;
  std::string moderation_note;
  std::int64_t version = 1;
  Id created_by = 0;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
  std::optional<TimestampMs> published_at;

  // The text in `lang`, else English, else any.
  const CaseText& Text(std::string_view lang) const;
};

struct CaseRevision {
  Id id = 0;
  Id case_id = 0;
  std::int64_t version = 0;
  TimestampMs at = 0;
  Id actor_user_id = 0;
  std::string actor_label;
  std::string action;  // create, edit, publish, return, archive
  std::string note;
  CaseStudy snapshot;
};

struct GlossaryText {
  std::string term;
  std::string definition;            // plain text
  std::vector<std::string> aliases;  // other forms linked to the entry ("displaced persons")
};

// A key notion, defined in our own words, with its sources.
struct GlossaryTerm {
  Id id = 0;
  std::string slug;
  std::map<std::string, GlossaryText> texts;
  std::vector<Id> sources;  // library items
  std::string source_note;  // other sources, as text
  std::int64_t version = 1;
  TimestampMs updated_at = 0;

  const GlossaryText& Text(std::string_view lang) const;
};

struct TopicText {
  std::string title;
  std::string body;  // Markdown
};

// A thematic page: text, the case studies it draws on, figures, and which
// layer its map shows.
struct Topic {
  Id id = 0;
  std::string slug;
  std::map<std::string, TopicText> texts;
  std::vector<Id> cases;
  std::vector<Id> figures;
  bool displacement_layer = false;  // the evidence module's displacement choropleth under the cases
  int position = 0;                 // order on /atlas
  std::int64_t version = 1;
  TimestampMs updated_at = 0;

  const TopicText& Text(std::string_view lang) const;
};

}  // namespace waymark::atlas
