// AtlasService: case studies placed on the map, the glossary of key notions
// and the thematic pages of the Atlas.
//
// Rules:
// - Members of an organisation write case studies for it and submit them;
//   its editors and moderators edit them too; its moderators (and platform
//   administrators) publish, return with a reason and archive. Published
//   case studies are public; the others are seen by the organisation's
//   people and moderators only.
// - A case study has a title and a summary in at least one language, a
//   place (a GeoJSON point or area, checked: RFC 7946 positions, closed
//   rings, bounded size), an onset, at least one hazard and one kind of
//   movement from the fixed lists, and may cite library items (sources)
//   and saved evidence queries (figures).
// - The glossary and the thematic pages are the platform's: moderators of
//   any organisation and administrators edit them; everyone reads them.
// - Every change goes to the audit log; a case study's changes are also
//   revisions, in one unit of work.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/countries.h"
#include "core/status.h"
#include "domain/accounts/stores.h"
#include "domain/atlas/model.h"
#include "domain/atlas/stores.h"

namespace waymark::atlas {

using accounts::Actor;

inline constexpr std::size_t kMaxTitle = 300;
inline constexpr std::size_t kMaxSummary = 1000;
inline constexpr std::size_t kMaxStory = 50000;
inline constexpr std::size_t kMaxDefinition = 4000;
inline constexpr std::size_t kMaxLinks = 50;

// Fields as typed. On create, absent means empty; on update, absent means
// "leave as it is"; `texts` merges by language, and a language whose texts
// are all empty is removed.
struct CaseInput {
  std::optional<std::string> organisation;  // slug (create only)
  std::optional<std::map<std::string, CaseText>> texts;
  std::optional<std::string> geometry;  // GeoJSON text
  std::optional<std::string> onset;
  std::optional<std::vector<std::string>> hazards;
  std::optional<std::vector<std::string>> movements;
  std::optional<std::vector<std::string>> countries;
  std::optional<int> year_from;
  std::optional<int> year_to;
  std::optional<std::vector<Id>> sources;
  std::optional<std::vector<Id>> figures;
  std::optional<std::int64_t> expected_version;
};

// Filters of the public list (all optional).
struct CaseFilter {
  std::string hazard;
  std::string movement;
  std::string onset;
  std::string country;
};

// Tells whether the library items and saved evidence queries a case study
// cites exist (the app answers from those modules; the Atlas does not
// depend on them).
class References {
 public:
  virtual ~References() = default;
  virtual Result<bool> LibraryItemPublished(Id id) = 0;
  virtual Result<bool> SavedQueryExists(Id id) = 0;
};

class AtlasService {
 public:
  AtlasService(accounts::Stores accounts, Stores stores, const Clock& clock,
               const CountryDirectory& countries, References* references = nullptr);

  // Case studies.
  Result<CaseStudy> Create(const Actor& actor, const CaseInput& input);
  Result<CaseStudy> Update(const Actor& actor, Id id, const CaseInput& input);
  Result<CaseStudy> Submit(const Actor& actor, Id id, std::optional<std::int64_t> expected_version);
  Result<CaseStudy> Publish(const Actor& actor, Id id, std::optional<std::int64_t> expected_version);
  Result<CaseStudy> Return(const Actor& actor, Id id, const std::string& reason);
  Result<CaseStudy> Archive(const Actor& actor, Id id, const std::string& reason);
  // NotFound when `actor` may not see it.
  Result<CaseStudy> Get(const Actor& actor, Id id);
  // By slug, whatever its state (the operator's demo loader; NotFound when none).
  Result<CaseStudy> FindBySlug(const std::string& slug);
  // Published, filtered, newest first.
  Result<std::vector<CaseStudy>> ListPublished(const CaseFilter& filter);
  // What `actor` may moderate or edit: submitted ones for moderators, and
  // their organisations' drafts and returned ones.
  Result<std::vector<CaseStudy>> Queue(const Actor& actor);
  Result<std::vector<CaseRevision>> Revisions(const Actor& actor, Id id);
  bool CanEdit(const Actor& actor, const CaseStudy& c) const;
  bool CanModerate(const Actor& actor, const CaseStudy& c) const;

  // The glossary.
  Result<std::vector<GlossaryTerm>> Glossary();
  Result<GlossaryTerm> Term(const std::string& slug);
  // Creates (term.id 0) or replaces it at `expected_version`.
  Result<GlossaryTerm> SaveTerm(const Actor& actor, GlossaryTerm term, std::int64_t expected_version);

  // Thematic pages.
  Result<std::vector<Topic>> Topics();
  Result<Topic> TopicBySlug(const std::string& slug);
  Result<Topic> SaveTopic(const Actor& actor, Topic topic, std::int64_t expected_version);

  // Whether `actor` edits the glossary and thematic pages.
  bool EditsGlossary(const Actor& actor) const;

 private:
  Status Apply(const CaseInput& in, CaseStudy& c, FieldErrors& errors, bool creating);
  Result<CaseStudy> Transition(const Actor& actor, Id id, const std::string& action, const std::string& note,
                               std::optional<std::int64_t> expected_version,
                               const std::function<Status(const CaseStudy&)>& permit,
                               const std::function<Status(CaseStudy&)>& apply);
  Status Record(const Actor& actor, const std::string& action, const std::string& note,
                const CaseStudy& after);
  Status CheckLinks(const std::vector<Id>& sources, const std::vector<Id>& figures, FieldErrors& errors);
  std::string UniqueSlug(const std::string& title);
  bool CanSee(const Actor& actor, const CaseStudy& c) const;

  accounts::Stores accounts_;
  Stores stores_;
  const Clock& clock_;
  const CountryDirectory& countries_;
  References* references_;
};

}  // namespace waymark::atlas
