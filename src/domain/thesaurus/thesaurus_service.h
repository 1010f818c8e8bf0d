// ThesaurusService: the moderated multilingual thesaurus of migration terms
// (issue 15). Each concept names one notion in English, French and Spanish;
// the approved ones are the search index's synonyms across languages, so a
// reader in one language finds the same concept in the other two.
//
// Rules:
// - Any signed-in person proposes a concept; it stays a proposal until a
//   moderator (of any organisation) or an administrator approves it.
// - Moderators and administrators edit, approve and archive any concept;
//   the person who proposed one edits it while it is a proposal.
// - Approved concepts are public; a proposal or an archived concept is
//   seen by moderators and by its proposer only (NotFound for the others).
// - A concept has at least two terms in all (a synonym needs another term),
//   at most kMaxTermsPerLanguage per language, each one line of at most
//   kMaxTerm characters; its slug is unique.
// - Every change goes to the audit log in the same unit of work, and then
//   `on_change` runs (the app reloads the search index's synonyms there,
//   before the request that made the change answers).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "domain/accounts/stores.h"
#include "domain/search/search.h"
#include "domain/thesaurus/model.h"
#include "domain/thesaurus/stores.h"

namespace waymark::thesaurus {

using accounts::Actor;

inline constexpr std::size_t kMaxTerm = 200;
inline constexpr std::size_t kMaxTermsPerLanguage = 10;
inline constexpr std::size_t kMaxSlug = 60;

// Fields as typed. On propose, absent means empty; on edit, absent means
// "leave as it is"; `terms` replaces the terms of the languages it names
// (an empty list removes a language).
struct ConceptInput {
  std::optional<std::string> slug;  // propose only; from the first term when empty
  std::optional<std::map<std::string, std::vector<std::string>>> terms;
  std::optional<std::int64_t> expected_version;  // edit, approve, archive
};

class ThesaurusService {
 public:
  ThesaurusService(accounts::Stores accounts, ConceptStore& store, const Clock& clock);

  // Called after every committed change, on the thread that made it.
  // REQUIRES: set before the service is shared between threads.
  void SetOnChange(std::function<void()> on_change) { on_change_ = std::move(on_change); }

  Result<Concept> Propose(const Actor& actor, const ConceptInput& input);
  Result<Concept> Edit(const Actor& actor, Id id, const ConceptInput& input);
  Result<Concept> Approve(const Actor& actor, Id id, std::optional<std::int64_t> expected_version);
  Result<Concept> Archive(const Actor& actor, Id id, std::optional<std::int64_t> expected_version);
  // NotFound when `actor` may not see it.
  Result<Concept> Get(const Actor& actor, Id id);
  // By slug, any status (the operator's demo loader).
  Result<Concept> FindBySlug(const std::string& slug);
  Result<std::vector<Concept>> Approved();
  // The proposals `actor` may see: every one for moderators, their own for
  // other signed-in people, none for anonymous readers.
  Result<std::vector<Concept>> Proposals(const Actor& actor);
  // Adds each input not already present (by slug) as a proposal, in one
  // unit of work; administrators only. Returns how many were added.
  Result<int> ImportProposals(const Actor& actor, const std::vector<ConceptInput>& inputs);

  // The approved concepts as the search index's synonyms.
  Result<std::shared_ptr<const search::Thesaurus>> Snapshot();
  // Changes with every committed change (see ConceptStore::Stamp).
  Result<std::string> Stamp() { return store_.Stamp(); }

  bool Moderates(const Actor& actor) const;
  bool CanEdit(const Actor& actor, const Concept& c) const;

 private:
  // Validates and cleans `terms` into `out`; problems go to `errors`.
  static void CheckTerms(const std::map<std::string, std::vector<std::string>>& terms,
                         std::map<std::string, std::vector<std::string>>& out, FieldErrors& errors);
  Result<Concept> Change(const Actor& actor, Id id, std::optional<std::int64_t> expected_version,
                         const std::string& action, const std::function<Status(Concept&)>& apply);
  // Approve and Archive: moderators set the status.
  Result<Concept> Moderate(const Actor& actor, Id id, std::optional<std::int64_t> expected_version,
                           ConceptStatus status, const std::string& action);
  Status Audit(const Actor& actor, const std::string& action, const Concept& c, TimestampMs at);
  bool CanSee(const Actor& actor, const Concept& c) const;
  void Changed() const {
    if (on_change_) on_change_();
  }

  accounts::Stores accounts_;
  ConceptStore& store_;
  const Clock& clock_;
  std::function<void()> on_change_;
};

}  // namespace waymark::thesaurus
