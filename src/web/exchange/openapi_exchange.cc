// The idea exchange's part of the OpenAPI document: threads, posts, groups, follows, notifications, reports.
#include "web/exchange/exchange_module.h"
#include "web/openapi.h"

namespace waymark::web {

using namespace openapi;  // NOLINT(google-build-using-namespace): the builders read as a schema language

void ExchangeModule::AddOpenApi(OpenApiPart& part) const {
  part.tags.push_back("exchange");
  json any_object = {{"type", "object"}, {"additionalProperties", true}};
  part.schemas["Thread"] = any_object;
  part.schemas["Post"] = any_object;
  part.schemas["Group"] = any_object;
  part.schemas["ListOf"] = {{"type", "object"},
                            {"properties", {{"items", Arr(any_object)}, {"total", Int()}}},
                            {"additionalProperties", true}};
  json paging = PagingParams();
  json idp = PathParam("id", "Campaign id (or slug)");

  // The idea exchange.
  json tid = PathParam("id", "Thread id", Int());
  json any = {{"type", "object"}, {"additionalProperties", true}};
  json post_search = paging;
  post_search.push_back(
      QueryParam("q", "Words to search for in the discussions (stemmed, accent-insensitive)"));
  post_search.push_back(QueryParam("lang", "Only posts written in this language: en, fr or es"));
  part.paths["/api/v1/posts"]["get"] =
      Op("searchPosts", "Search the posts of every discussion the caller may read", "exchange",
         {{"200", Resp("Posts with marked snippets, the total and language facet counts", any)},
          {"422", ErrResp("Bad parameters")}},
         post_search);
  part.paths["/api/v1/threads"]["get"] = Op("listThreads", "Threads on the Ideas board", "exchange",
                                            {{"200", Resp("Threads", Ref("ListOf"))}}, paging);
  part.paths["/api/v1/threads"]["post"] =
      Op("createThread", "Start a thread", "exchange",
         {{"201", Resp("Created", Ref("Thread"))}, {"422", ErrResp("Invalid fields")}}, json::array(),
         JsonBody(any), true);
  part.paths["/api/v1/threads/{id}"]["get"] =
      Op("getThread", "One thread with its posts", "exchange",
         {{"200", Resp("The thread", Ref("Thread"))}, {"404", ErrResp("Not found")}}, json::array({tid}));
  part.paths["/api/v1/threads/{id}/posts"]["post"] =
      Op("replyToThread", "Post a reply (may quote)", "exchange",
         {{"201", Resp("Created", Ref("Post"))},
          {"403", ErrResp("Not a member of the group")},
          {"422", ErrResp("Invalid fields")}},
         json::array({tid}), JsonBody(any), true);
  part.paths["/api/v1/campaigns/{id}/posts"]["get"] =
      Op("listCampaignPosts", "The discussion under a campaign", "exchange",
         {{"200", Resp("Posts", Ref("ListOf"))}}, json::array({idp}));
  part.paths["/api/v1/campaigns/{id}/posts"]["post"] =
      Op("postOnCampaign", "Post in a campaign's discussion", "exchange",
         {{"201", Resp("Created", Ref("Post"))}, {"422", ErrResp("Invalid fields")}}, json::array({idp}),
         JsonBody(any), true);
  part.paths["/api/v1/posts/{id}/useful"]["post"] =
      Op("markPostUseful", "Mark a post useful", "exchange", {{"200", Resp("The post", Ref("Post"))}},
         json::array({PathParam("id", "Post id", Int())}), nullptr, true);
  part.paths["/api/v1/groups"]["get"] =
      Op("listGroups", "Working groups", "exchange", {{"200", Resp("Groups", Ref("ListOf"))}}, paging);
  part.paths["/api/v1/groups"]["post"] =
      Op("createGroup", "Create a working group", "exchange",
         {{"201", Resp("Created", Ref("Group"))}, {"422", ErrResp("Invalid fields")}}, json::array(),
         JsonBody(any), true);
  json gid = PathParam("id", "Group id or slug");
  part.paths["/api/v1/groups/{id}"]["get"] =
      Op("getGroup", "One working group", "exchange",
         {{"200", Resp("The group", Ref("Group"))}, {"404", ErrResp("Not found")}}, json::array({gid}));
  part.paths["/api/v1/posts/{id}/useful"]["delete"] =
      Op("unmarkPostUseful", "Take back a useful mark", "exchange", {{"200", Resp("The post", Ref("Post"))}},
         json::array({PathParam("id", "Post id", Int())}), nullptr, true);
  struct GroupAction {
    const char* path;
    const char* id;
    const char* summary;
  };
  for (const GroupAction& a :
       {GroupAction{"requests", "requestToJoinGroup",
                    "Ask for the caller's organisation to join ({organisation})"},
        GroupAction{"invitations", "inviteToGroup",
                    "Invite an organisation ({organisation}); group admins only"},
        GroupAction{"accept", "acceptGroupInvitation", "Accept an invitation or a request ({organisation})"},
        GroupAction{"leave", "leaveGroup", "Take an organisation out of the group ({organisation})"},
        GroupAction{"campaigns", "linkCampaignToGroup", "Link a campaign to the group ({campaign_id})"}}) {
    part.paths[std::string("/api/v1/groups/{id}/") + a.path]["post"] =
        Op(a.id, a.summary, "exchange",
           {{"200", Resp("The group", Ref("Group"))},
            {"403", ErrResp("Not allowed")},
            {"404", ErrResp("Not found")},
            {"422", ErrResp("Invalid fields")}},
           json::array({gid}), JsonBody(any), true);
  }
  json follow = JsonBody(any);
  part.paths["/api/v1/follows"]["post"] =
      Op("follow", "Follow a thread, group or campaign ({kind, id})", "exchange",
         {{"200", Resp("Following", any)}, {"404", ErrResp("Not found")}, {"422", ErrResp("Invalid fields")}},
         json::array(), follow, true);
  part.paths["/api/v1/follows"]["delete"] =
      Op("unfollow", "Stop following ({kind, id} in the body or the query)", "exchange",
         {{"200", Resp("Not following", any)}, {"422", ErrResp("Invalid fields")}},
         json::array({QueryParam("kind", "thread, group or campaign"), QueryParam("id", "Its id")}), nullptr,
         true);
  part.paths["/api/v1/notifications"]["get"] =
      Op("listNotifications", "The caller's notifications, newest first", "exchange",
         {{"200", Resp("Notifications", Ref("ListOf"))}}, paging, nullptr, true);
  part.paths["/api/v1/notifications/read"]["post"] = Op(
      "markNotificationsRead", "Mark one ({id}) or every notification read", "exchange",
      {{"200", Resp("Done", any)}, {"422", ErrResp("Invalid fields")}}, json::array(), JsonBody(any), true);
  part.paths["/api/v1/reports"]["post"] = Op(
      "report", "Report a post or campaign to its moderators ({kind: post|campaign, id, reason})", "exchange",
      {{"201", Resp("Reported", any)}, {"404", ErrResp("No such item")}, {"422", ErrResp("Invalid fields")}},
      json::array(), JsonBody(any), true);
}

}  // namespace waymark::web
