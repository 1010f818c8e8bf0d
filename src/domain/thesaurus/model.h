// The thesaurus's model: a concept of migration work named by its terms in
// English, French and Spanish (issue 15).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace waymark::thesaurus {

using Id = std::int64_t;

// The languages a concept has terms in, in display order.
inline constexpr const char* kLanguages[] = {"en", "fr", "es"};

// proposed -> approved -> archived; an archived concept may be approved
// again. Only approved concepts are synonyms in search.
enum class ConceptStatus { kProposed, kApproved, kArchived };

std::string_view ToString(ConceptStatus s);
std::optional<ConceptStatus> ParseConceptStatus(std::string_view s);

struct Concept {
  Id id = 0;
  std::string slug;
  // Language ("en", "fr", "es") -> its terms, the preferred one first.
  // Languages without terms are absent.
  std::map<std::string, std::vector<std::string>> terms;
  ConceptStatus status = ConceptStatus::kProposed;
  std::int64_t version = 1;  // bumped by every change (If-Match, the form's version)
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
  Id proposed_by = 0;  // the person who proposed it; 0 for the operator (demo, CLI)

  // The preferred term in `lang`, else in English, French, Spanish; else the slug.
  std::string Label(std::string_view lang) const;
};

}  // namespace waymark::thesaurus
