#include "app/demo.h"

#include "app/runtime.h"
#include "demo/atlas/atlas_demo.h"
#include "demo/campaigns/campaigns_demo.h"
#include "demo/consultations/consultations_demo.h"
#include "demo/evidence/evidence_demo.h"
#include "demo/exchange/exchange_demo.h"
#include "demo/forecasts/forecasts_demo.h"
#include "demo/futures/futures_demo.h"
#include "demo/library/library_demo.h"
#include "demo/practices/practices_demo.h"
#include "demo/survey/survey_demo.h"
#include "demo/thesaurus/thesaurus_demo.h"

namespace waymark::app {

Result<DemoReport> LoadDemo(accounts::AccountService& accounts, Random& random) {
  return demo::LoadAccounts(accounts, random);
}

Result<int> LoadDemoCampaigns(Runtime& runtime) {
  // Each campaign's discussion goes in right after the campaign, as it would.
  auto discussion = [&runtime](const std::string& key, accounts::Id id) {
    return demo::AddCampaignDiscussion(runtime.accounts(), runtime.exchange(), key, id);
  };
  WM_ASSIGN_OR_RETURN(demo::CampaignsReport campaigns,
                      demo::LoadCampaigns(runtime.accounts(), runtime.campaigns(), discussion));
  WM_RETURN_IF_ERROR(
      demo::LoadExchange(runtime.accounts(), runtime.exchange(), campaigns.ids, campaigns.added));
  return campaigns.added;
}

Result<std::vector<std::string>> LoadDemoEvidence(Runtime& runtime) {
  WM_ASSIGN_OR_RETURN(demo::EvidenceReport r,
                      demo::LoadEvidence(runtime.evidence(), runtime.config().evidence_demo_dir));
  std::vector<std::string> lines = r.imported;
  for (const auto& s : r.skipped) lines.push_back("skipped " + s);
  return lines;
}

Result<int> LoadDemoPractices(Runtime& runtime) {
  return demo::LoadPractices(runtime.practices(), runtime.clock());
}

Result<int> LoadDemoLibrary(Runtime& runtime) {
  return demo::LoadLibrary(runtime.library(), runtime.pdf_extractor());
}

Result<int> LoadDemoAtlas(Runtime& runtime) { return demo::LoadAtlas(runtime.atlas(), runtime.library()); }
Result<int> LoadDemoSurvey(Runtime& runtime) {
  // A fixed seed: the same answers on every machine.
  return demo::LoadSurvey(runtime.survey(), 20151218);
}

Result<int> LoadDemoConsultations(Runtime& runtime) {
  demo::ConsultationLinks links;
  // Run again, the campaigns demo adds nothing and gives the demo campaigns' ids.
  WM_ASSIGN_OR_RETURN(demo::CampaignsReport campaigns,
                      demo::LoadCampaigns(runtime.accounts(), runtime.campaigns(),
                                          [](const std::string&, accounts::Id) { return Status::Ok(); }));
  links.campaigns = campaigns.ids;
  WM_ASSIGN_OR_RETURN(auto groups, runtime.exchange().Groups(500, 0));
  for (const auto& g : groups) {
    if (g.slug == "inclusion-integration") links.inclusion_group = g.id;
  }
  // The report goes to the library (the library demo runs before this one).
  links.documents = &runtime.consultation_documents();
  return demo::LoadConsultations(runtime.account_stores(), runtime.consultation_store(), runtime.random(),
                                 links);
}

Result<int> LoadDemoFutures(Runtime& runtime) {
  return demo::LoadFutures(runtime.accounts(), runtime.futures(), runtime.consultations(), runtime.random());
}

Result<std::vector<std::string>> LoadDemoForecasts(Runtime& runtime) {
  return demo::LoadForecasts(runtime.forecasts(), runtime.config().forecast_demo_dir);
}

Result<int> LoadDemoThesaurus(Runtime& runtime) { return demo::LoadThesaurus(runtime.thesaurus()); }

}  // namespace waymark::app
