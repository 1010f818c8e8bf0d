// Demo data of the survey module: a few hundred synthetic answers in six
// batches of the demo organisations (several countries of interview and
// languages), drawn from a random generator seeded by the caller, so that
// the same seed gives the same answers. One batch is withdrawn (its answers
// deleted), one closed. Needs the accounts demo. Idempotent: nothing is
// added when a demo batch exists already.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "domain/survey/survey_service.h"

namespace waymark::demo {

// Returns how many answers were kept (after the withdrawal).
Result<int> LoadSurvey(survey::SurveyService& svc, std::uint64_t seed);

}  // namespace waymark::demo
