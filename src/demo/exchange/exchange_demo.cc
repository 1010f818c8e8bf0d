// Demo data of the idea exchange: a short discussion under "I am a
// Migrant", two ideas on the board and the working group of action point 3
// of the 2015 consultation. Added only with the demo campaigns (when the
// campaigns demo added some), so running it again adds nothing.
#include "demo/exchange/exchange_demo.h"

#include <optional>

namespace waymark::demo {

namespace {

struct DemoPeople {
  accounts::Actor editor;
  accounts::Actor admin;
};

// The demo's editor and administrator; nullopt when they are not there.
std::optional<DemoPeople> People(accounts::AccountService& accounts) {
  auto editor = accounts.FindUserByEmail("editor@demo.waymark.example");
  auto admin = accounts.FindUserByEmail("admin@demo.waymark.example");
  if (!editor.ok() || !admin.ok()) return std::nullopt;
  return DemoPeople{accounts::Actor::ForUser(*editor, "demo"), accounts::Actor::ForUser(*admin, "demo")};
}

}  // namespace

Status AddCampaignDiscussion(accounts::AccountService& accounts, exchange::ExchangeService& svc,
                             const std::string& key, accounts::Id campaign_id) {
  if (key != "i-am-a-migrant") return Status::Ok();
  auto people = People(accounts);
  if (!people) return Status::Ok();
  const accounts::Actor& ed = people->editor;
  const accounts::Actor& ad = people->admin;
  // A short exchange under the adaptation, between the demo people.
  exchange::NewPost q;
  q.lang = "en";
  q.body = "How did you choose whose stories to show first? We picked people our commuters meet every day.";
  WM_ASSIGN_OR_RETURN(exchange::Post first, svc.ReplyToCampaign(ed, campaign_id, q));
  exchange::NewPost a;
  a.lang = "en";
  a.quote_of = first.id;
  a.body = "We started with stories from the countries where we had offices, then opened it to everyone.";
  return svc.ReplyToCampaign(ad, campaign_id, a).status();
}

Status LoadExchange(accounts::AccountService& accounts, exchange::ExchangeService& svc,
                    const std::map<std::string, accounts::Id>& campaigns, int campaigns_added) {
  if (campaigns_added == 0) return Status::Ok();
  auto people = People(accounts);
  if (!people) return Status::Ok();
  const accounts::Actor& ed = people->editor;
  const accounts::Actor& ad = people->admin;

  // Two ideas on the board and the working group of action point 3.
  exchange::NewThread idea;
  idea.kind = exchange::ThreadKind::kIdea;
  idea.title = "Migrant footballers as ambassadors";
  idea.tags = {"sport", "young-people"};
  idea.lang = "en";
  idea.body = "Local clubs could pair players who came as migrants with schools. Has anyone tried this?";
  WM_RETURN_IF_ERROR(svc.StartThread(ed, idea).status());
  exchange::NewThread idee;
  idee.kind = exchange::ThreadKind::kIdea;
  idee.title = "Des radios communautaires contre les rumeurs";
  idee.tags = {"radio", "rumeurs"};
  idee.lang = "fr";
  idee.body = "Une émission hebdomadaire où des migrants répondent aux rumeurs entendues au marché.";
  WM_RETURN_IF_ERROR(svc.StartThread(ad, idee).status());

  exchange::NewGroup g;
  g.slug = "inclusion-integration";
  g.name = "Working group on migrant inclusion and integration";
  g.purpose = "Set up after action point 3 of the 2015 consultation: share what works, plan joint campaigns.";
  g.members_only = false;
  g.organisation = "iom";
  auto group = svc.CreateGroup(ad, g);
  if (group.ok()) {
    auto linked = campaigns.find("migrants-contribute");
    if (linked != campaigns.end()) WM_RETURN_IF_ERROR(svc.LinkCampaign(ad, group->id, linked->second));
  } else if (!group.status().IsConflict()) {
    return group.status();
  }
  return Status::Ok();
}

}  // namespace waymark::demo
