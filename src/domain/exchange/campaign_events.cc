// What the exchange does when a campaign changes: tell the people who follow
// it. Runs inside the campaign change's unit of work.
#include "domain/exchange/exchange_service.h"

namespace waymark::exchange {

Status ExchangeService::OnCampaignChanged(const Actor& actor, const std::string& action,
                                          const campaigns::Campaign& after) {
  const std::string& title = after.Text("en").title;
  // Whoever starts a campaign follows it, so they hear when it is published
  // or returned.
  if ((action == "create" || action == "adapt") && actor.user) {
    WM_RETURN_IF_ERROR(stores_.follows->Follow(actor.user->id, Target{"campaign", after.id}, clock_.NowMs()));
  }
  if (action == "publish") return Notify(actor, "campaign.published", Target{"campaign", after.id}, title);
  if (action == "return") return Notify(actor, "campaign.returned", Target{"campaign", after.id}, title);
  if (action == "archive") return Notify(actor, "campaign.updated", Target{"campaign", after.id}, title);
  if (action == "update" && after.lifecycle == campaigns::Lifecycle::kPublished) {
    return Notify(actor, "campaign.updated", Target{"campaign", after.id}, title);
  }
  if (action == "adapt" && after.adapted_from) {
    // The source's followers hear that their campaign travels; the draft
    // itself is not visible to them yet, so the link is to the source.
    return Notify(actor, "campaign.adapted", Target{"campaign", *after.adapted_from}, title);
  }
  return Status::Ok();
}

}  // namespace waymark::exchange
