// Demo data of the practices module: the dozen practices of
// practices_demo_data.cc, added through the service as their organisations
// (or, for the open contribution, its contributor) would, published unless
// marked to wait in the moderation queue, with their "we did this too".
// Needs the accounts demo. Idempotent: a practice whose slug exists is
// skipped.
#pragma once

#include "core/clock.h"
#include "core/status.h"
#include "domain/practices/practice_service.h"

namespace waymark::demo {

// Returns how many practices were added.
Result<int> LoadPractices(practices::PracticeService& svc, const Clock& clock);

}  // namespace waymark::demo
