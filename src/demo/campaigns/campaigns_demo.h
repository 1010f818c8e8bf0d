// Demo data of the campaigns module: the campaigns named in the 2015
// consultation report ("I am an Immigrant" and its adaptation "I am a
// Migrant", "Migrants Contribute", the video competition, the Movement
// against Xenophobia and its spread), published. Needs the accounts demo.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "core/status.h"
#include "domain/accounts/account_service.h"
#include "domain/campaigns/campaign_service.h"

namespace waymark::demo {

struct CampaignsReport {
  int added = 0;
  // Each demo campaign's id, by its key in the demo list ("i-am-a-migrant").
  std::map<std::string, accounts::Id> ids;
};

// Called right after each campaign it adds, with its demo key and id (other
// modules' demo data about that campaign goes in at that point, so ids and
// the audit log come out in the order of a real history).
using CampaignAdded = std::function<Status(const std::string& key, accounts::Id id)>;

Result<CampaignsReport> LoadCampaigns(accounts::AccountService& accounts, campaigns::CampaignService& svc,
                                      const CampaignAdded& added = {});

}  // namespace waymark::demo
