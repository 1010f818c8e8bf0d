// The practices module of the web layer: the open contribution portal
// (a form that needs no account and no JavaScript, the contributor's
// private status link), members' drafts, moderation, the list with search
// and facets, the practice page (similar practices, "we did this too",
// collections by working groups), the phase x crisis matrix, the
// vocabularies, its JSON API, CSV and Atom.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/accounts/account_service.h"
#include "domain/campaigns/campaign_service.h"
#include "domain/exchange/exchange_service.h"
#include "domain/practices/practice_service.h"
#include "domain/search/search.h"
#include "web/module.h"

namespace waymark::web {

class PracticesModule final : public Module {
 public:
  // Sends one e-mail (to, subject, text); empty when no SMTP is configured.
  using SendMail = std::function<Status(const std::string&, const std::string&, const std::string&)>;
  struct Services {
    accounts::AccountService* accounts = nullptr;
    practices::PracticeService* practices = nullptr;
    campaigns::CampaignService* campaigns = nullptr;
    exchange::ExchangeService* exchange = nullptr;
    const Clock* clock = nullptr;  // stamps the form (minimum fill time)
    SendMail send_mail;
    std::string base_url;  // for the links in e-mails
  };
  PracticesModule(Site& site, Services services);

  void AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const override;
  void AddOpenApi(OpenApiPart& part) const override;  // openapi_practices.cc

 private:
  void RegisterRoutes() override;

  // Pages (pages_practices.cc).
  http::Response List(Context& ctx);
  http::Response MatrixPage(Context& ctx);
  http::Response PracticePage(Context& ctx);
  http::Response NewForm(Context& ctx);
  http::Response SubmitForm(Context& ctx);
  http::Response EditForm(Context& ctx);
  http::Response SaveEdit(Context& ctx);
  http::Response Action(Context& ctx);  // submit, publish, return, reject, archive, merge, ask
  http::Response StatusPage(Context& ctx);
  // The status page, with `answer` kept and `error` shown (422) when given.
  http::Response StatusView(Context& ctx, const std::string& answer, const Status& error, int status);
  http::Response StatusAnswer(Context& ctx);
  http::Response AdoptionAdd(Context& ctx);
  http::Response AdoptionForm(Context& ctx, const practices::PracticeView& view, const Status& error);
  http::Response AdoptionRemove(Context& ctx);
  http::Response CollectionAdd(Context& ctx);
  http::Response CollectionRemove(Context& ctx);
  http::Response GroupPractices(Context& ctx);
  http::Response FileDownload(Context& ctx);
  http::Response HistoryPage(Context& ctx);
  http::Response Moderation(Context& ctx);
  http::Response TermsPage(Context& ctx);
  http::Response TermSave(Context& ctx);
  http::Response PrintCss(Context& ctx);

  // JSON, CSV and Atom (api_practices.cc).
  http::Response ApiList(Context& ctx);
  http::Response ApiGet(Context& ctx);
  http::Response ApiCreate(Context& ctx);
  http::Response ApiPatch(Context& ctx);
  http::Response ApiAction(Context& ctx);
  http::Response ApiSimilar(Context& ctx);
  http::Response ApiRevisions(Context& ctx);
  http::Response ApiMatrix(Context& ctx);
  http::Response ApiTerms(Context& ctx);
  http::Response Csv(Context& ctx);
  http::Response Atom(Context& ctx);

  // Shared (pages_practices.cc).
  http::Response FormPage(Context& ctx, const practices::Practice* existing, const nlohmann::json& values,
                          const Status& error, int status);
  Result<practices::PracticeView> Find(Context& ctx, const std::string& id_or_slug);
  // The query from ?q=&phase=... (repeatable or comma lists); Validation
  // naming a bad parameter.
  Result<search::Query> QueryFromRequest(const Context& ctx, int default_per_page) const;
  nlohmann::json Card(const Context& ctx, const practices::Practice& p,
                      const std::vector<practices::Term>& terms) const;
  nlohmann::json PracticeJson(const practices::Practice& p) const;
  std::string Label(const std::vector<practices::Term>& terms, const std::string& vocabulary,
                    const std::string& code, const std::string& lang) const;
  std::string FormStamp() const;
  std::optional<TimestampMs> CheckStamp(const std::string& stamp) const;
  void MailStatusLink(const Context& ctx, const practices::Practice& p, const std::string& token) const;
  bool IsGroupMember(Context& ctx, accounts::Id group_id) const;

  Services services_;
  std::string stamp_key_;  // signs the form's time stamp (minimum fill time)
};

}  // namespace waymark::web
