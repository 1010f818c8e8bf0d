#include "domain/thesaurus/model.h"

namespace waymark::thesaurus {

std::string_view ToString(ConceptStatus s) {
  switch (s) {
    case ConceptStatus::kProposed: return "proposed";
    case ConceptStatus::kApproved: return "approved";
    case ConceptStatus::kArchived: return "archived";
  }
  return "proposed";
}

std::optional<ConceptStatus> ParseConceptStatus(std::string_view s) {
  if (s == "proposed") return ConceptStatus::kProposed;
  if (s == "approved") return ConceptStatus::kApproved;
  if (s == "archived") return ConceptStatus::kArchived;
  return std::nullopt;
}

std::string Concept::Label(std::string_view lang) const {
  auto it = terms.find(std::string(lang));
  if (it != terms.end() && !it->second.empty()) return it->second.front();
  for (const char* l : kLanguages) {
    it = terms.find(l);
    if (it != terms.end() && !it->second.empty()) return it->second.front();
  }
  return slug;
}

}  // namespace waymark::thesaurus
