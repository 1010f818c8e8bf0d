// The futures module's part of the OpenAPI document.
#include "web/futures/futures_module.h"
#include "web/openapi.h"

namespace waymark::web {

using nlohmann::json;
using namespace openapi;

void FuturesModule::AddOpenApi(OpenApiPart& part) const {
  part.tags.push_back("futures");
  json mean_sd = {{"type", "object"},
                  {"properties", {{"mean", {{"type", "number"}}}, {"sd", {{"type", "number"}}}}}};
  part.schemas["FuturesWorkshop"] = {
      {"type", "object"},
      {"properties",
       {{"id", Int()},
        {"slug", Str()},
        {"title", Str()},
        {"horizon_year", Int()},
        {"areas", Arr({{"type", "object"}, {"properties", {{"code", Str()}, {"label", Str()}}}})},
        {"groups", Arr(Str())},
        {"vote_budget", Int()},
        {"phase", {{"type", "string"}, {"enum", {"statements", "rating", "voting", "closed"}}}},
        {"phase_label", Str()},
        {"facilitator", Str()},
        {"consultation_id", {{"type", "integer"}, {"nullable", true}}},
        {"session_id", {{"type", "integer"}, {"nullable", true}}},
        {"version", {{"type", "integer"}, {"description", "the change counter (the live board's event id)"}}},
        {"href", Str()},
        {"statements", Arr(Ref("FuturesStatement"))}}}};
  part.schemas["FuturesWorkshopInput"] = {
      {"type", "object"},
      {"required", {"title", "horizon_year"}},
      {"properties",
       {{"slug", Str()},
        {"title", Str()},
        {"horizon_year", Str()},
        {"consultation",
         {{"type", "string"}, {"description", "a consultation's id or slug (organisers only)"}}},
        {"session_id", Str()},
        {"areas", Arr(Str())},
        {"groups", Arr(Str())},
        {"vote_budget", Str()}}}};
  part.schemas["FuturesStatement"] = {{"type", "object"},
                                      {"properties",
                                       {{"id", Int()},
                                        {"area", Str()},
                                        {"area_label", Str()},
                                        {"group", Str()},
                                        {"kind", {{"type", "string"}, {"enum", {"predicted", "preferred"}}}},
                                        {"text", Str()},
                                        {"drivers", Str()},
                                        {"signals", Str()},
                                        {"author", Str()},
                                        {"action_point_id", {{"type", "integer"}, {"nullable", true}}}}}};
  json result_statement = {
      {"allOf",
       json::array({Ref("FuturesStatement"),
                    {{"type", "object"},
                     {"properties",
                      {{"label", Str()},
                       {"ratings",
                        {{"type", "object"},
                         {"description", "hidden: true when the statement's group has fewer than 5 raters"},
                         {"properties",
                          {{"hidden", Bool()},
                           {"reason", Str()},
                           {"raters", Int()},
                           {"likelihood", mean_sd},
                           {"desirability", mean_sd}}}}},
                       {"votes",
                        {{"type", "object"},
                         {"description", "hidden: true when the statement's group has fewer than 5 voters"},
                         {"properties", {{"hidden", Bool()}, {"reason", Str()}, {"count", Int()}}}}}}}}})}};
  part.schemas["FuturesResultStatement"] = result_statement;
  part.schemas["FuturesResults"] = {
      {"type", "object"},
      {"properties",
       {{"workshop", Ref("FuturesWorkshop")},
        {"min_group", Int()},
        {"statements", Int()},
        {"areas", Arr({{"type", "object"},
                       {"properties",
                        {{"area", Str()},
                         {"label", Str()},
                         {"predicted", Arr(Ref("FuturesResultStatement"))},
                         {"preferred", Arr(Ref("FuturesResultStatement"))}}}})},
        {"act_now", Arr(Ref("FuturesResultStatement"))},
        {"groups",
         Arr({{"type", "object"},
              {"properties", {{"group", Str()}, {"raters", json::object()}, {"voters", json::object()}}}})},
        {"raters", {{"description", "distinct raters, or {hidden: true}"}}},
        {"voters", {{"description", "distinct voters, or {hidden: true}"}}}}}};
  part.schemas["FuturesVotes"] = {
      {"type", "object"},
      {"properties", {{"statement_id", Int()}, {"votes_spent", Int()}, {"vote_budget", Int()}}}};

  json slug = json::array({PathParam("slug", "The workshop's slug or id")});
  json slug_id =
      json::array({PathParam("slug", "The workshop's slug or id"), PathParam("id", "Statement id", Int())});
  part.paths["/api/v1/futures/workshops"]["get"] =
      Op("listFuturesWorkshops", "Every migration-futures workshop, newest first", "futures",
         {{"200", Resp("The workshops",
                       {{"type", "object"}, {"properties", {{"items", Arr(Ref("FuturesWorkshop"))}}}})}});
  part.paths["/api/v1/futures/workshops"]["post"] =
      Op("createFuturesWorkshop", "Create a workshop; its creator facilitates it", "futures",
         {{"201", Resp("The workshop", Ref("FuturesWorkshop"))},
          {"422", ErrResp("A field is missing or wrong; each is named")}},
         json::array(), JsonBody(Ref("FuturesWorkshopInput")), true);
  part.paths["/api/v1/futures/workshops/{slug}"]["get"] =
      Op("getFuturesWorkshop", "A workshop with its statements", "futures",
         {{"200", Resp("The workshop", Ref("FuturesWorkshop"))}, {"404", ErrResp("No such workshop")}}, slug);
  part.paths["/api/v1/futures/workshops/{slug}"]["put"] =
      Op("updateFuturesWorkshop", "Edit the settings (facilitators, statements phase)", "futures",
         {{"200", Resp("The workshop", Ref("FuturesWorkshop"))},
          {"403", ErrResp("Not a facilitator")},
          {"422", ErrResp("A field is wrong, or the phase is past statements (phase)")}},
         slug, JsonBody(Ref("FuturesWorkshopInput")), true);
  part.paths["/api/v1/futures/workshops/{slug}/phase"]["post"] =
      Op("setFuturesPhase", "Open the next phase: statements -> rating -> voting -> closed (facilitators)",
         "futures",
         {{"200", Resp("The workshop", Ref("FuturesWorkshop"))},
          {"403", ErrResp("Not a facilitator")},
          {"422", ErrResp("Not the next phase (phase, code fu_phase_transition)")}},
         slug, JsonBody({{"type", "object"}, {"required", {"phase"}}, {"properties", {{"phase", Str()}}}}),
         true);
  part.paths["/api/v1/futures/workshops/{slug}/statements"]["get"] =
      Op("listFuturesStatements", "The workshop's statements, oldest first", "futures",
         {{"200", Resp("The statements",
                       {{"type", "object"},
                        {"properties", {{"items", Arr(Ref("FuturesStatement"))}, {"version", Int()}}}})},
          {"404", ErrResp("No such workshop")}},
         slug);
  part.paths["/api/v1/futures/workshops/{slug}/statements"]["post"] = Op(
      "addFuturesStatement", "Add a predicted or preferred statement (statements phase)", "futures",
      {{"201", Resp("The statement", Ref("FuturesStatement"))},
       {"422", ErrResp("A field is wrong (area, group, kind, text, ...) or the phase is another (phase)")}},
      slug,
      JsonBody({{"type", "object"},
                {"required", {"area", "kind", "text"}},
                {"properties",
                 {{"area", Str()},
                  {"group", Str()},
                  {"kind", {{"type", "string"}, {"enum", {"predicted", "preferred"}}}},
                  {"text", Str()},
                  {"drivers", Str()},
                  {"signals", Str()}}}}),
      true);
  part.paths["/api/v1/futures/workshops/{slug}/statements/{id}/rating"]["put"] =
      Op("rateFuturesStatement", "Rate a statement 1-5; rating again replaces it (rating phase)", "futures",
         {{"200",
           Resp("The rating",
                {{"type", "object"},
                 {"properties", {{"statement_id", Int()}, {"likelihood", Int()}, {"desirability", Int()}}}})},
          {"404", ErrResp("No such statement")},
          {"422", ErrResp("likelihood or desirability outside 1-5, or another phase (phase)")}},
         slug_id,
         JsonBody({{"type", "object"},
                   {"required", {"likelihood", "desirability"}},
                   {"properties", {{"likelihood", Int()}, {"desirability", Int()}}}}),
         true);
  part.paths["/api/v1/futures/workshops/{slug}/statements/{id}/votes"]["post"] =
      Op("voteFuturesStatement", "Spend one vote on the statement (voting phase)", "futures",
         {{"201", Resp("Votes spent", Ref("FuturesVotes"))},
          {"404", ErrResp("No such statement")},
          {"422", ErrResp("Over budget (votes, code fu_over_budget), or another phase (phase)")}},
         slug_id, nullptr, true);
  part.paths["/api/v1/futures/workshops/{slug}/statements/{id}/votes"]["delete"] =
      Op("unvoteFuturesStatement", "Take back one of your votes on the statement (voting phase)", "futures",
         {{"200", Resp("Votes spent", Ref("FuturesVotes"))}, {"404", ErrResp("No vote of yours there")}},
         slug_id, nullptr, true);
  part.paths["/api/v1/futures/workshops/{slug}/statements/{id}/action-point"]["post"] =
      Op("makeFuturesActionPoint",
         "Turn the statement into an action point of the linked consultation (facilitators, closed workshop)",
         "futures",
         {{"201", Resp("The statement with its action point", Ref("FuturesStatement"))},
          {"403", ErrResp("Not a facilitator")},
          {"409", ErrResp("Already an action point")},
          {"422", ErrResp("No linked consultation (consultation), or not closed (phase)")}},
         slug_id, nullptr, true);
  part.paths["/api/v1/futures/workshops/{slug}/results"]["get"] =
      Op("getFuturesResults", "Results by area, the act-now list; small groups hidden", "futures",
         {{"200", Resp("The results", Ref("FuturesResults"))}, {"404", ErrResp("No such workshop")}}, slug);
}

}  // namespace waymark::web
