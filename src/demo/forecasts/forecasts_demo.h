// The forecasts demo: the three validation cases of the Flee model
// (Burundi 2015, CAR 2013, Mali 2012) read from `dir` (the shared data's
// flee folder, never copied into the repository), published, with Flee's
// default rule parameters (simsetting.yml), each with one run of one seed
// queued. Running them at load would take too long (CAR: about 220 million
// agent-days, seconds in a release build, minutes in a sanitizer build), so
// the runner does it in the background. Idempotent.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "domain/forecasts/forecast_service.h"

namespace waymark::demo {

// One line per case: added, present, or the reason it was skipped (a
// missing `dir` gives one line and no error).
Result<std::vector<std::string>> LoadForecasts(forecasts::ForecastService& service, const std::string& dir);

// The files of one case as a stored scenario holds them (input/…,
// validation/…, input/simsetting.yml); NotFound when the folder is missing.
Result<std::vector<forecasts::ScenarioFile>> CaseFiles(const std::string& dir, const std::string& name);

}  // namespace waymark::demo
