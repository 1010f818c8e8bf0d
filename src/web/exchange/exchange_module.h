// The idea exchange of the web layer: discussions under campaigns, the Ideas
// board, working groups, "useful" marks, follows and notifications, reports
// and the moderation queue, discussion search, and their JSON API.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/accounts/account_service.h"
#include "domain/campaigns/campaign_service.h"
#include "domain/exchange/exchange_service.h"
#include "web/module.h"

namespace waymark::web {

class ExchangeModule final : public Module {
 public:
  struct Services {
    accounts::AccountService* accounts = nullptr;
    campaigns::CampaignService* campaigns = nullptr;
    exchange::ExchangeService* exchange = nullptr;
  };
  ExchangeModule(Site& site, Services services) : Module(site), services_(services) {}

  // Ideas, groups, notifications (with the unread count), moderation.
  void AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const override;
  void AddOpenApi(OpenApiPart& part) const override;

 private:
  void RegisterRoutes() override;  // pages_exchange.cc

  // Discussion search (pages_search.cc).
  http::Response DiscussionSearch(Context& ctx);
  http::Response ApiSearchPosts(Context& ctx);
  Result<exchange::PostSearch> RunPostSearch(Context& ctx, const std::string& lang_param, int page,
                                             int per_page);
  bool IsModerator(const Context& ctx) const;
  // ErrorList with the exchange's field labels (ex_field_<field>).
  nlohmann::json ExErrorList(const Context& ctx, const Status& status) const;
  // Pages (pages_exchange.cc).
  http::Response Ideas(Context& ctx);
  http::Response IdeaNew(Context& ctx);
  http::Response IdeaCreate(Context& ctx);
  http::Response IdeaForm(Context& ctx, const nlohmann::json& values, const Status& error, int status);
  http::Response ThreadPage(Context& ctx);
  http::Response ThreadReply(Context& ctx);
  http::Response CampaignDiscussion(Context& ctx);
  http::Response CampaignDiscussionReply(Context& ctx);
  // The thread (or a campaign's discussion, `view` empty when it has no
  // posts yet) with its reply form; `reply` holds the form's values.
  http::Response RenderThread(Context& ctx, const std::optional<exchange::ThreadView>& view,
                              std::optional<accounts::Id> campaign_id, const nlohmann::json& reply,
                              const Status& error, int status);
  http::Response PostUseful(Context& ctx);
  http::Response ReportTarget(Context& ctx);
  http::Response FollowTarget(Context& ctx);
  http::Response Groups(Context& ctx);
  http::Response GroupNew(Context& ctx);
  http::Response GroupCreate(Context& ctx);
  http::Response GroupForm(Context& ctx, const nlohmann::json& values, const Status& error, int status);
  http::Response GroupPage(Context& ctx);
  http::Response RenderGroup(Context& ctx, accounts::Id id, const nlohmann::json& thread_form,
                             const Status& error, int status);
  http::Response GroupThreadCreate(Context& ctx);
  http::Response GroupRequest(Context& ctx);
  http::Response GroupInvite(Context& ctx);
  http::Response GroupAccept(Context& ctx);
  http::Response GroupLeave(Context& ctx);
  http::Response GroupLinkCampaign(Context& ctx);
  http::Response GroupMembership(Context& ctx, const std::string& action);
  http::Response NotificationsPage(Context& ctx);
  http::Response NotificationsRead(Context& ctx);
  http::Response NotificationsDigest(Context& ctx);
  http::Response ModerationPage(Context& ctx);
  http::Response ModerationResolve(Context& ctx);
  // JSON API (api_exchange.cc).
  nlohmann::json ThreadJson(const exchange::Thread& t) const;
  nlohmann::json PostJson(const exchange::Post& p, bool useful_mine) const;
  nlohmann::json GroupJson(const exchange::Group& g) const;
  nlohmann::json ThreadViewJson(const exchange::ThreadView& v) const;
  http::Response ApiListThreads(Context& ctx);
  http::Response ApiCreateThread(Context& ctx);
  http::Response ApiGetThread(Context& ctx);
  http::Response ApiReplyThread(Context& ctx);
  http::Response ApiCampaignPosts(Context& ctx);
  http::Response ApiCampaignReply(Context& ctx);
  http::Response ApiMarkUseful(Context& ctx);
  http::Response ApiUnmarkUseful(Context& ctx);
  http::Response ApiListGroups(Context& ctx);
  http::Response ApiCreateGroup(Context& ctx);
  http::Response ApiGetGroup(Context& ctx);
  http::Response ApiGroupRequest(Context& ctx);
  http::Response ApiGroupInvite(Context& ctx);
  http::Response ApiGroupAccept(Context& ctx);
  http::Response ApiGroupLeave(Context& ctx);
  http::Response ApiGroupLink(Context& ctx);
  http::Response ApiGroupAction(Context& ctx, const std::string& action);
  http::Response ApiFollow(Context& ctx);
  http::Response ApiUnfollow(Context& ctx);
  http::Response ApiNotifications(Context& ctx);
  http::Response ApiNotificationsRead(Context& ctx);
  http::Response ApiReport(Context& ctx);

  Services services_;
};

}  // namespace waymark::web
