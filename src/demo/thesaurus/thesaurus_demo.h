// Demo data of the thesaurus: twenty approved concepts of migration work,
// each with its usual terms in English, French and Spanish (the words of
// IOM's Glossary on Migration and of its partners' campaigns). Idempotent:
// what exists (by slug) is skipped.
#pragma once

#include "core/status.h"
#include "domain/thesaurus/thesaurus_service.h"

namespace waymark::demo {

// Returns how many concepts were added.
Result<int> LoadThesaurus(thesaurus::ThesaurusService& svc);

}  // namespace waymark::demo
