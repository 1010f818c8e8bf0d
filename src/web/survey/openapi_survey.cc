// The survey module's part of the OpenAPI document.
#include "web/openapi.h"
#include "web/survey/survey_module.h"

namespace waymark::web {

using nlohmann::json;
using namespace openapi;

void SurveyModule::AddOpenApi(OpenApiPart& part) const {
  part.tags.push_back("survey");
  json cell = {
      {"type", "object"},
      {"properties",
       {{"key", Str()},
        {"label", Str()},
        {"count", {{"type", "integer"}, {"nullable", true}, {"description", "null when suppressed"}}},
        {"suppressed", {{"type", "boolean"}, {"description", "true: fewer than min_cell answers"}}}}}};
  part.schemas["SurveyResults"] = {
      {"type", "object"},
      {"description",
       "Aggregates only. Counts from 1 to min_cell-1 are suppressed; in tables whose cells add up to the "
       "total, a lone suppressed cell takes the next smallest with it; fewer than min_cell answers in all "
       "publish no table (see docs/survey.md)."},
      {"properties",
       {{"min_cell", Int()},
        {"filters", {{"type", "object"}}},
        {"total", {{"type", "integer"}, {"nullable", true}}},
        {"total_suppressed", Bool()},
        {"tables",
         {{"type", "object"},
          {"additionalProperties",
           {{"type", "object"}, {"properties", {{"adds_up_to_total", Bool()}, {"cells", Arr(cell)}}}}}}}}}};
  part.schemas["SurveyBatch"] = {{"type", "object"},
                                 {"properties",
                                  {{"id", Int()},
                                   {"organisation", Str()},
                                   {"organisation_name", Str()},
                                   {"label", Str()},
                                   {"country", Str()},
                                   {"lang", Str()},
                                   {"state", {{"type", "string"}, {"enum", {"open", "closed", "withdrawn"}}}},
                                   {"answers", Int()},
                                   {"withdrawn_answers", Int()},
                                   {"withdraw_reason", Str()},
                                   {"created_at", Str()},
                                   {"token", Str()},
                                   {"link", Str()}}}};
  part.schemas["SurveyBatchInput"] = {
      {"type", "object"},
      {"required", {"organisation", "label", "country"}},
      {"properties", {{"organisation", Str()}, {"label", Str()}, {"country", Str()}, {"lang", Str()}}}};
  part.schemas["SurveyAnswerInput"] = {
      {"type", "object"},
      {"required", {"consent", "origin", "destination", "year", "age_band", "reasons", "env_reason"}},
      {"properties",
       {{"consent", {{"type", "string"}, {"enum", {"yes"}}}},
        {"lang", {{"type", "string"}, {"enum", {"en", "fr", "es"}}}},
        {"origin", Str()},
        {"destination", Str()},
        {"year", Str()},
        {"month", Str()},
        {"age_band", {{"type", "string"}, {"enum", {"under18", "18-29", "30-44", "45-59", "60plus"}}}},
        {"gender", {{"type", "string"}, {"enum", {"woman", "man", "other", "not_said"}}}},
        {"reasons", Arr({{"type", "string"},
                         {"enum", {"work", "family", "conflict", "education", "environment", "other"}}})},
        {"env_reason", {{"type", "string"}, {"enum", {"main", "one_of", "no", "dont_know"}}}},
        {"env_factors",
         Arr({{"type", "string"},
              {"enum", {"drought", "floods", "storms", "sea_level", "land", "heat", "crops", "other"}}})},
        {"env_how", {{"type", "string"}, {"enum", {"sudden", "slow", "both", "dont_know"}}}}}}};

  json filters = json::array({QueryParam("origin", "Country of origin, ISO 3166-1 alpha-3"),
                              QueryParam("year", "Year of leaving", Int()),
                              QueryParam("organisation", "Slug of the collecting organisation")});
  part.paths["/api/v1/survey/results"]["get"] =
      Op("surveyResults", "Aggregates of the survey answers (never individual answers)", "survey",
         {{"200", Resp("The aggregates", Ref("SurveyResults"))}, {"422", ErrResp("A filter is wrong")}},
         filters);
  part.paths["/api/v1/survey/results.csv"]["get"] = Op(
      "surveyResultsCsv", "The same aggregates as CSV (table, key, label, count, note)", "survey",
      {{"200", {{"description", "CSV, one cell per row"}, {"content", {{"text/csv", {{"schema", Str()}}}}}}},
       {"422", ErrResp("A filter is wrong")}},
      filters);
  part.paths["/api/v1/survey/batches"]["get"] =
      Op("surveyBatches", "The batches of the caller's organisations, with their counts", "survey",
         {{"200",
           Resp("The batches", {{"type", "object"}, {"properties", {{"items", Arr(Ref("SurveyBatch"))}}}})}},
         json::array(), nullptr, true);
  part.paths["/api/v1/survey/batches"]["post"] =
      Op("openSurveyBatch", "Open a batch for one of the caller's organisations", "survey",
         {{"201", Resp("The batch, with its private link", Ref("SurveyBatch"))},
          {"422", ErrResp("A field is missing or wrong; each is named")}},
         json::array(), JsonBody(Ref("SurveyBatchInput")), true);
  json id = json::array({PathParam("id", "Batch id", Int())});
  part.paths["/api/v1/survey/batches/{id}"]["get"] = Op(
      "getSurveyBatch", "One batch (its organisation's members)", "survey",
      {{"200", Resp("The batch", Ref("SurveyBatch"))}, {"404", ErrResp("No such batch")}}, id, nullptr, true);
  part.paths["/api/v1/survey/batches/{id}/close"]["post"] =
      Op("closeSurveyBatch", "Close a batch: its link takes no more answers", "survey",
         {{"200", Resp("The batch", Ref("SurveyBatch"))},
          {"404", ErrResp("No such batch")},
          {"409", ErrResp("Not open")}},
         id, nullptr, true);
  part.paths["/api/v1/survey/batches/{id}/withdraw"]["post"] =
      Op("withdrawSurveyBatch", "Withdraw a batch: its answers are deleted and every aggregate follows",
         "survey",
         {{"200", Resp("The batch", Ref("SurveyBatch"))},
          {"404", ErrResp("No such batch")},
          {"409", ErrResp("Already withdrawn")},
          {"422", ErrResp("The reason is missing")}},
         id, JsonBody({{"type", "object"}, {"required", {"reason"}}, {"properties", {{"reason", Str()}}}}),
         true);
  part.paths["/api/v1/survey/b/{token}/answers"]["post"] =
      Op("answerSurvey", "Send one answer through a batch's private link (consent required)", "survey",
         {{"201", Resp("Stored (the answer is not echoed)",
                       {{"type", "object"}, {"properties", {{"stored", Bool()}}}})},
          {"404", ErrResp("No such link")},
          {"409", ErrResp("The batch is closed")},
          {"422", ErrResp("A field is missing or wrong; each is named")},
          {"429", ErrResp("Too many answers from this address")}},
         json::array({PathParam("token", "The batch's private token (48 hex digits)")}),
         JsonBody(Ref("SurveyAnswerInput")));
}

}  // namespace waymark::web
