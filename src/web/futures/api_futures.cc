// The futures module's JSON API under /api/v1/futures.
#include "web/futures/futures_module.h"
#include "web/helpers.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;

namespace {

constexpr char kTypeError[] = "type";

// A string field (numbers accepted as their text); absent or null leaves
// `out` as it is; another type is a field error naming it.
Status ReadString(const json& body, const char* field, std::string& out) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (it->is_number_integer()) {
    out = std::to_string(it->get<std::int64_t>());
    return Status::Ok();
  }
  if (!it->is_string()) return Site::FieldError(field, kTypeError, "must be a string");
  out = it->get<std::string>();
  return Status::Ok();
}

Status ReadStrings(const json& body, const char* field, std::vector<std::string>& out) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return Site::FieldError(field, kTypeError, "must be an array of strings");
  for (const auto& v : *it) {
    if (!v.is_string()) return Site::FieldError(field, kTypeError, "must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  if (out.empty()) out.emplace_back("");  // an empty list is an error, not the defaults
  return Status::Ok();
}

Result<json> ObjectBody(const http::Request& req) {
  WM_ASSIGN_OR_RETURN(json body, ParseJsonBody(req));
  if (!body.is_object()) return Site::FieldError("body", kTypeError, "must be a JSON object");
  return body;
}

Result<futures::WorkshopInput> WorkshopInputOf(const json& b) {
  futures::WorkshopInput in;
  WM_RETURN_IF_ERROR(ReadString(b, "slug", in.slug));
  WM_RETURN_IF_ERROR(ReadString(b, "title", in.title));
  WM_RETURN_IF_ERROR(ReadString(b, "horizon_year", in.horizon_year));
  WM_RETURN_IF_ERROR(ReadString(b, "consultation", in.consultation));
  WM_RETURN_IF_ERROR(ReadString(b, "session_id", in.session_id));
  WM_RETURN_IF_ERROR(ReadStrings(b, "areas", in.areas));
  WM_RETURN_IF_ERROR(ReadStrings(b, "groups", in.groups));
  WM_RETURN_IF_ERROR(ReadString(b, "vote_budget", in.vote_budget));
  return in;
}

}  // namespace

Response FuturesModule::ApiList(Context& ctx) {
  auto list = services_.futures->ListWorkshops();
  if (!list.ok()) return Error(ctx, list.status());
  json items = json::array();
  for (const auto& w : *list) items.push_back(WorkshopJson(ctx, w));
  return Json(ctx, 200, {{"items", items}});
}

Response FuturesModule::ApiCreate(Context& ctx) {
  auto body = ObjectBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  auto in = WorkshopInputOf(*body);
  if (!in.ok()) return Error(ctx, in.status());
  auto w = services_.futures->CreateWorkshop(ctx.actor(), *in);
  if (!w.ok()) return Error(ctx, w.status());
  Response r = Json(ctx, 201, WorkshopJson(ctx, *w));
  r.Set("Location", "/api/v1/futures/workshops/" + w->slug);
  return r;
}

Response FuturesModule::ApiGet(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  json j = WorkshopJson(ctx, *w);
  auto statements = services_.futures->ListStatements(w->id);
  if (!statements.ok()) return Error(ctx, statements.status());
  json items = json::array();
  for (const auto& s : *statements) items.push_back(StatementJson(ctx, s));
  j["statements"] = items;
  return Json(ctx, 200, j);
}

Response FuturesModule::ApiUpdate(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto body = ObjectBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  auto in = WorkshopInputOf(*body);
  if (!in.ok()) return Error(ctx, in.status());
  auto out = services_.futures->UpdateWorkshop(ctx.actor(), w->id, *in);
  if (!out.ok()) return Error(ctx, out.status());
  return Json(ctx, 200, WorkshopJson(ctx, *out));
}

Response FuturesModule::ApiPhase(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto body = ObjectBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  std::string phase;
  if (Status s = ReadString(*body, "phase", phase); !s.ok()) return Error(ctx, s);
  auto out = services_.futures->SetPhase(ctx.actor(), w->id, phase);
  if (!out.ok()) return Error(ctx, out.status());
  return Json(ctx, 200, WorkshopJson(ctx, *out));
}

Response FuturesModule::ApiStatements(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto statements = services_.futures->ListStatements(w->id);
  if (!statements.ok()) return Error(ctx, statements.status());
  json items = json::array();
  for (const auto& s : *statements) items.push_back(StatementJson(ctx, s));
  return Json(ctx, 200, {{"items", items}, {"version", w->version}});
}

Response FuturesModule::ApiAddStatement(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto body = ObjectBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  futures::StatementInput in;
  for (auto [field, out] :
       std::initializer_list<std::pair<const char*, std::string*>>{{"area", &in.area},
                                                                   {"group", &in.group},
                                                                   {"kind", &in.kind},
                                                                   {"text", &in.text},
                                                                   {"drivers", &in.drivers},
                                                                   {"signals", &in.signals}}) {
    if (Status s = ReadString(*body, field, *out); !s.ok()) return Error(ctx, s);
  }
  auto s = services_.futures->AddStatement(ctx.actor(), w->id, in);
  if (!s.ok()) return Error(ctx, s.status());
  return Json(ctx, 201, StatementJson(ctx, *s));
}

Response FuturesModule::ApiRate(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto id = StatementId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto body = ObjectBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  std::string likelihood;
  std::string desirability;
  if (Status s = ReadString(*body, "likelihood", likelihood); !s.ok()) return Error(ctx, s);
  if (Status s = ReadString(*body, "desirability", desirability); !s.ok()) return Error(ctx, s);
  auto r = services_.futures->Rate(ctx.actor(), w->id, *id, likelihood, desirability);
  if (!r.ok()) return Error(ctx, r.status());
  return Json(
      ctx, 200,
      {{"statement_id", r->statement_id}, {"likelihood", r->likelihood}, {"desirability", r->desirability}});
}

Response FuturesModule::ApiVote(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto id = StatementId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto n = services_.futures->AddVote(ctx.actor(), w->id, *id);
  if (!n.ok()) return Error(ctx, n.status());
  return Json(ctx, 201, {{"statement_id", *id}, {"votes_spent", *n}, {"vote_budget", w->vote_budget}});
}

Response FuturesModule::ApiUnvote(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto id = StatementId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto n = services_.futures->RemoveVote(ctx.actor(), w->id, *id);
  if (!n.ok()) return Error(ctx, n.status());
  return Json(ctx, 200, {{"statement_id", *id}, {"votes_spent", *n}, {"vote_budget", w->vote_budget}});
}

Response FuturesModule::ApiActionPoint(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto id = StatementId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto s = services_.futures->MakeActionPoint(ctx.actor(), w->id, *id);
  if (!s.ok()) return Error(ctx, s.status());
  json j = StatementJson(ctx, *s);
  j["action_point_href"] = "/action-points/" + std::to_string(s->point_id.value_or(0));
  return Json(ctx, 201, j);
}

Response FuturesModule::ApiResults(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto r = services_.futures->ComputeResults(w->id);
  if (!r.ok()) return Error(ctx, r.status());
  return Json(ctx, 200, ResultsJson(ctx, *r));
}

}  // namespace waymark::web
