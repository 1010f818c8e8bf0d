// Demo data for `serve --demo`: each module's demo (src/demo/<module>/), run
// in order. Idempotent: running it again adds only what is missing.
#pragma once

#include <string>
#include <vector>

#include "core/random.h"
#include "core/status.h"
#include "demo/accounts/accounts_demo.h"
#include "domain/accounts/account_service.h"

namespace waymark::app {

using DemoReport = demo::AccountsReport;

// The organisations of the 2015 IOM-CSO Consultations and three invented
// people (an administrator, an editor and a member).
Result<DemoReport> LoadDemo(accounts::AccountService& accounts, Random& random);

class Runtime;
// What the other modules add on top (campaigns, then the idea exchange).
// Needs LoadDemo first. Returns how many campaigns were added.
Result<int> LoadDemoCampaigns(Runtime& runtime);

// The evidence module's demo: the publishers' files in config.evidence_demo_dir.
// Returns one line per file imported or skipped.
Result<std::vector<std::string>> LoadDemoEvidence(Runtime& runtime);

// The practices module's demo: a dozen practices, one with a "we did this
// too", two waiting for moderation. Returns how many were added.
Result<int> LoadDemoPractices(Runtime& runtime);
// The library demo (domain/demo/library): items, their PDFs and their text.
Result<int> LoadDemoLibrary(Runtime& runtime);
// The Atlas demo (domain/demo/atlas): case studies, glossary, thematic pages; after the library's.
Result<int> LoadDemoAtlas(Runtime& runtime);
// Synthetic survey answers in a few batches of the demo organisations, one
// batch withdrawn. Needs LoadDemo first. Returns how many answers were kept.
Result<int> LoadDemoSurvey(Runtime& runtime);
// The 2015 consultation and its action points (after the campaigns and the
// exchange demo, whose campaigns and working group the points link to).
Result<int> LoadDemoConsultations(Runtime& runtime);
// The 2015 consultation's migration-futures workshop (after the consultations demo).
Result<int> LoadDemoFutures(Runtime& runtime);

// The forecasts demo: the three Flee validation cases of
// config.forecast_demo_dir (one line and nothing else when it is missing),
// published, each with a run queued (it completes in the background once
// the runner starts). Returns one line per case.
Result<std::vector<std::string>> LoadDemoForecasts(Runtime& runtime);
// The thesaurus demo: twenty approved concepts with their en/fr/es terms.
// Returns how many were added.
Result<int> LoadDemoThesaurus(Runtime& runtime);

}  // namespace waymark::app
