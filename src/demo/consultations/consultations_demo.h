// Demo data of the consultations module: the 2015 consultation of the
// appendix of PRODUCT.md (Geneva, 18 September 2015, four sessions from
// 9:15 to 17:30, the participating organisations, short conclusions in our
// own words), its report (a small generated PDF, in the library) and its seven action points with plausible
// progress from 2016 on, linked to the demo campaigns and the inclusion working group. Dates of the progress
// updates are those of the story (a clock of its own moves through them). Needs the accounts demo.
// Idempotent: nothing is added when the consultation "2015" exists.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/random.h"
#include "core/status.h"
#include "domain/accounts/stores.h"
#include "domain/consultations/documents.h"
#include "domain/consultations/stores.h"

namespace waymark::demo {

struct ConsultationLinks {
  // Demo campaigns' ids by their demo key ("movement-against-xenophobia").
  std::map<std::string, consultations::Id> campaigns;
  // The working group on migrant inclusion and integration.
  std::optional<consultations::Id> inclusion_group;
  // Where the consultation's report goes (the library, through the app); may
  // be null: then the demo has no documents.
  consultations::DocumentLibrary* documents = nullptr;
};

// Returns how many action points were added.
Result<int> LoadConsultations(accounts::Stores accounts, consultations::ConsultationStore& store,
                              Random& random, const ConsultationLinks& links);

}  // namespace waymark::demo
