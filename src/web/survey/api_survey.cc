// The survey module's JSON and CSV: the aggregates (public), the batches
// (their organisations' members), and answers from an app (public, through a
// batch's private link, as the form).
#include "web/helpers.h"
#include "web/survey/survey_module.h"

namespace waymark::web {

std::string SurveyAddressKey(const Context& ctx);  // pages_survey.cc

using http::Response;
using nlohmann::json;

namespace {

// A string field of a JSON body ("" when absent); InvalidArgument naming it
// when it is there but not a string.
Status ReadString(const json& body, const char* field, std::string& out) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (it->is_number_integer()) {
    out = std::to_string(it->get<std::int64_t>());
    return Status::Ok();
  }
  if (!it->is_string()) return Site::FieldError(field, "sv_type", "must be a string");
  out = it->get<std::string>();
  return Status::Ok();
}

Status ReadStrings(const json& body, const char* field, std::vector<std::string>& out) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return Site::FieldError(field, "sv_type", "must be an array of strings");
  for (const auto& v : *it) {
    if (!v.is_string()) return Site::FieldError(field, "sv_type", "must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return Status::Ok();
}

}  // namespace

Response SurveyModule::ApiResults(Context& ctx) {
  auto filter = FilterFromQuery(ctx);
  if (!filter.ok()) return Error(ctx, filter.status());
  auto r = services_.survey->ComputeResults(*filter);
  if (!r.ok()) return Error(ctx, r.status());
  Response resp = Json(ctx, 200, ResultsJson(ctx, *filter, *r));
  resp.Set("Cache-Control", "public, max-age=60");
  return resp;
}

Response SurveyModule::ApiResultsCsv(Context& ctx) {
  auto filter = FilterFromQuery(ctx);
  if (!filter.ok()) return Error(ctx, filter.status());
  auto r = services_.survey->ComputeResults(*filter);
  if (!r.ok()) return Error(ctx, r.status());
  std::string fewer = "fewer than " + std::to_string(r->min_cell);
  std::string csv = "table,key,label,count,note\r\n";
  auto row = [&csv](const std::string& table, const std::string& key, const std::string& label,
                    const std::string& count, const std::string& note) {
    csv += CsvCell(table) + "," + CsvCell(key) + "," + CsvCell(label) + "," + CsvCell(count) + "," +
           CsvCell(note) + "\r\n";
  };
  if (r->total_suppressed) {
    row("total", "", "", "", fewer);
  } else {
    row("total", "", "", std::to_string(r->total), "");
  }
  for (const auto& t : r->tables) {
    for (const auto& c : t.cells) {
      row(t.name, c.key, KeyLabel(ctx, t.name, c.key), c.suppressed ? "" : std::to_string(c.count),
          c.suppressed ? fewer : "");
    }
  }
  Response resp;
  resp.body = std::move(csv);
  resp.Set("Content-Type", "text/csv; charset=utf-8; header=present");
  resp.Set("Content-Disposition", "attachment; filename=\"survey-results.csv\"");
  resp.Set("Cache-Control", "public, max-age=60");
  return resp;
}

Response SurveyModule::ApiBatches(Context& ctx) {
  auto batches = services_.survey->ListBatches(ctx.actor());
  if (!batches.ok()) return Error(ctx, batches.status());
  json items = json::array();
  for (const auto& b : *batches) items.push_back(BatchJson(b, true));
  return Json(ctx, 200, {{"items", items}});
}

Response SurveyModule::ApiBatchCreate(Context& ctx) {
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  if (!body->is_object()) return Error(ctx, Status::InvalidArgument("the body must be a JSON object"));
  survey::BatchInput in;
  for (auto [field, out] : {std::pair<const char*, std::string*>{"organisation", &in.organisation},
                            {"label", &in.label},
                            {"country", &in.country},
                            {"lang", &in.lang}}) {
    Status s = ReadString(*body, field, *out);
    if (!s.ok()) return Error(ctx, s);
  }
  auto b = services_.survey->OpenBatch(ctx.actor(), in);
  if (!b.ok()) return Error(ctx, b.status());
  Response r = Json(ctx, 201, BatchJson(*b, true));
  r.Set("Location", "/api/v1/survey/batches/" + std::to_string(b->id));
  return r;
}

Response SurveyModule::ApiBatch(Context& ctx) {
  auto id = BatchId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto b = services_.survey->GetBatch(ctx.actor(), *id);
  if (!b.ok()) return Error(ctx, b.status());
  return Json(ctx, 200, BatchJson(*b, true));
}

Response SurveyModule::ApiBatchClose(Context& ctx) {
  auto id = BatchId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto b = services_.survey->CloseBatch(ctx.actor(), *id);
  if (!b.ok()) return Error(ctx, b.status());
  return Json(ctx, 200, BatchJson(*b, true));
}

Response SurveyModule::ApiBatchWithdraw(Context& ctx) {
  auto id = BatchId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  std::string reason;
  if (body->is_object()) {
    Status s = ReadString(*body, "reason", reason);
    if (!s.ok()) return Error(ctx, s);
  }
  auto b = services_.survey->WithdrawBatch(ctx.actor(), *id, reason);
  if (!b.ok()) return Error(ctx, b.status());
  return Json(ctx, 200, BatchJson(*b, true));
}

Response SurveyModule::ApiAnswer(Context& ctx) {
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  if (!body->is_object()) return Error(ctx, Status::InvalidArgument("the body must be a JSON object"));
  survey::AnswerInput in;
  for (auto [field, out] : {std::pair<const char*, std::string*>{"consent", &in.consent},
                            {"lang", &in.lang},
                            {"origin", &in.origin},
                            {"destination", &in.destination},
                            {"year", &in.year},
                            {"month", &in.month},
                            {"age_band", &in.age_band},
                            {"gender", &in.gender},
                            {"env_reason", &in.env_reason},
                            {"env_how", &in.env_how}}) {
    Status s = ReadString(*body, field, *out);
    if (!s.ok()) return Error(ctx, s);
  }
  for (auto [field, out] : {std::pair<const char*, std::vector<std::string>*>{"reasons", &in.reasons},
                            {"env_factors", &in.env_factors}}) {
    Status s = ReadStrings(*body, field, *out);
    if (!s.ok()) return Error(ctx, s);
  }
  auto a = services_.survey->Submit(ctx.actor(), ctx.req.params.at("token"), in, SurveyAddressKey(ctx));
  if (!a.ok()) return Error(ctx, a.status());
  // The answer is not echoed: nothing individual leaves the server.
  return Json(ctx, 201, {{"stored", true}});
}

}  // namespace waymark::web
