// Demo data of the idea exchange (see exchange_demo.cc). Needs the accounts
// and campaigns demos; `campaigns` maps demo keys to campaign ids.
#pragma once

#include <map>
#include <string>

#include "core/status.h"
#include "domain/accounts/account_service.h"
#include "domain/exchange/exchange_service.h"

namespace waymark::demo {

// The discussion under a demo campaign just added (`key` as in the
// campaigns demo; only "i-am-a-migrant" has one).
Status AddCampaignDiscussion(accounts::AccountService& accounts, exchange::ExchangeService& svc,
                             const std::string& key, accounts::Id campaign_id);

// The ideas and the working group, once the campaigns demo has added its
// campaigns (`campaigns_added` > 0).
Status LoadExchange(accounts::AccountService& accounts, exchange::ExchangeService& svc,
                    const std::map<std::string, accounts::Id>& campaigns, int campaigns_added);

}  // namespace waymark::demo
