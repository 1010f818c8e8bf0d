// The campaigns module of the web layer: the campaigns database (list with
// search and facets, pages, the editing workflow, media, history, lineage,
// moderation, the theme vocabulary), its JSON API and its feeds (Atom, CSV).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/accounts/account_service.h"
#include "domain/campaigns/campaign_service.h"
#include "domain/search/search.h"
#include "web/module.h"

namespace waymark::web {

class CampaignsModule final : public Module {
 public:
  struct Services {
    accounts::AccountService* accounts = nullptr;
    campaigns::CampaignService* campaigns = nullptr;
  };
  CampaignsModule(Site& site, Services services) : Module(site), services_(services) {}

  void AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const override;
  void AddOpenApi(OpenApiPart& part) const override;

 private:
  void RegisterRoutes() override;  // pages_campaigns.cc

  // Pages (pages_campaigns.cc).
  http::Response CampaignsList(Context& ctx);
  http::Response CampaignNew(Context& ctx);
  http::Response CampaignCreate(Context& ctx);
  http::Response CampaignPage(Context& ctx);
  http::Response CampaignEdit(Context& ctx);
  http::Response CampaignUpdate(Context& ctx);
  http::Response CampaignAction(Context& ctx);  // submit, publish, return, archive, adapt
  http::Response CampaignMediaUpload(Context& ctx);
  http::Response CampaignMediaRemove(Context& ctx);
  http::Response MediaFile(Context& ctx);
  http::Response CampaignHistory(Context& ctx);
  http::Response CampaignRevisionPage(Context& ctx);
  http::Response CampaignLineagePage(Context& ctx);
  http::Response CampaignLineageSvg(Context& ctx);
  http::Response ModerationCampaigns(Context& ctx);
  http::Response AdminThemes(Context& ctx);
  http::Response AdminThemeSave(Context& ctx);
  http::Response CampaignForm(Context& ctx, const campaigns::Campaign* existing, const nlohmann::json& values,
                              const Status& error, int status);
  http::Response CampaignMediaPage(Context& ctx, int status, const std::string& message);
  Result<campaigns::Campaign> FindCampaign(Context& ctx, const std::string& id_or_slug);
  nlohmann::json CampaignCard(const Context& ctx, const campaigns::Campaign& c,
                              const std::vector<campaigns::Theme>& themes) const;
  std::string ChannelLabel(const Context& ctx, const std::string& code) const;
  // JSON API (api_campaigns.cc).
  http::Response ApiListCampaigns(Context& ctx);
  http::Response ApiGetCampaign(Context& ctx);
  http::Response ApiCreateCampaign(Context& ctx);
  http::Response ApiPatchCampaign(Context& ctx);
  http::Response ApiCampaignAction(Context& ctx);  // submit, publish, return, archive, adapt
  http::Response ApiCampaignLineage(Context& ctx);
  http::Response ApiCampaignRevisions(Context& ctx);
  http::Response ApiCampaignMedia(Context& ctx);
  http::Response ApiThemes(Context& ctx);
  nlohmann::json CampaignJson(const campaigns::Campaign& c) const;
  // The search query from ?q=&country=... (repeatable or comma lists);
  // Validation naming a bad parameter.
  Result<search::Query> CampaignQueryFromRequest(const Context& ctx, int default_per_page) const;
  // Feeds (feeds.cc).
  http::Response CampaignsAtom(Context& ctx);
  http::Response CampaignsCsv(Context& ctx);

  Services services_;
};

}  // namespace waymark::web
