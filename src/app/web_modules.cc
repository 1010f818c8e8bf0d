#include "app/web_modules.h"

#include "web/accounts/accounts_module.h"
#include "web/atlas/atlas_module.h"
#include "web/campaigns/campaigns_module.h"
#include "web/consultations/consultations_module.h"
#include "web/evidence/evidence_module.h"
#include "web/exchange/exchange_module.h"
#include "web/forecasts/forecasts_module.h"
#include "web/futures/futures_module.h"
#include "web/library/library_module.h"
#include "web/practices/practices_module.h"
#include "web/survey/survey_module.h"
#include "web/thesaurus/thesaurus_module.h"

namespace waymark::app {

std::vector<std::unique_ptr<web::Module>> WebModules(web::Site& site, Runtime& runtime) {
  std::vector<std::unique_ptr<web::Module>> modules;
  modules.push_back(std::make_unique<web::AccountsModule>(
      site, web::AccountsModule::Services{&runtime.accounts(), &runtime.auth()}));
  modules.push_back(std::make_unique<web::CampaignsModule>(
      site, web::CampaignsModule::Services{&runtime.accounts(), &runtime.campaigns()}));
  modules.push_back(std::make_unique<web::ExchangeModule>(
      site, web::ExchangeModule::Services{&runtime.accounts(), &runtime.campaigns(), &runtime.exchange()}));
  modules.push_back(std::make_unique<web::EvidenceModule>(
      site, web::EvidenceModule::Services{&runtime.evidence(), &runtime.accounts()}));
  web::PracticesModule::Services ps{&runtime.accounts(),      &runtime.practices(), &runtime.campaigns(),
                                    &runtime.exchange(),      &runtime.clock(),     {},
                                    runtime.config().base_url};
  if (mail::SmtpMailer* mailer = runtime.mailer()) {
    ps.send_mail = [mailer](const std::string& to, const std::string& subject, const std::string& text) {
      return mailer->Send(exchange::Email{to, subject, text});
    };
  }
  modules.push_back(std::make_unique<web::PracticesModule>(site, std::move(ps)));
  modules.push_back(std::make_unique<web::LibraryModule>(
      site, web::LibraryModule::Services{&runtime.accounts(), &runtime.library(), &runtime.clock(),
                                         runtime.config().base_url}));
  modules.push_back(std::make_unique<web::AtlasModule>(
      site, web::AtlasModule::Services{&runtime.accounts(), &runtime.atlas(), &runtime.evidence(),
                                       &runtime.library(), &runtime.clock()}));
  modules.push_back(std::make_unique<web::SurveyModule>(
      site, web::SurveyModule::Services{&runtime.accounts(), &runtime.survey()}));
  modules.push_back(std::make_unique<web::ConsultationsModule>(
      site, web::ConsultationsModule::Services{&runtime.accounts(), &runtime.consultations(),
                                               &runtime.clock(), runtime.config().base_url}));
  modules.push_back(std::make_unique<web::FuturesModule>(
      site, web::FuturesModule::Services{&runtime.futures(), &runtime.consultations()}));
  modules.push_back(
      std::make_unique<web::ForecastsModule>(site, web::ForecastsModule::Services{&runtime.forecasts()}));
  modules.push_back(std::make_unique<web::ThesaurusModule>(
      site, web::ThesaurusModule::Services{&runtime.thesaurus(), &runtime.atlas()}));
  return modules;
}

}  // namespace waymark::app
