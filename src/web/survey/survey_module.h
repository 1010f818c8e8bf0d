// The survey module of the web layer ("asking migrants directly"): the form
// behind a batch's private link (consent first, then the questions; no
// JavaScript, small, big touch targets), the organisations' batches (open,
// close, withdraw), and the results, only as aggregates under the minimum
// cell size: a page with a server-drawn SVG chart, JSON and CSV.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/accounts/account_service.h"
#include "domain/survey/survey_service.h"
#include "web/module.h"

namespace waymark::web {

class SurveyModule final : public Module {
 public:
  struct Services {
    accounts::AccountService* accounts = nullptr;
    survey::SurveyService* survey = nullptr;
  };
  SurveyModule(Site& site, Services services) : Module(site), services_(services) {}

  void AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const override;
  void AddOpenApi(OpenApiPart& part) const override;  // openapi_survey.cc

 private:
  void RegisterRoutes() override;

  // Pages (pages_survey.cc).
  http::Response FormPage(Context& ctx);
  http::Response FormSubmit(Context& ctx);
  http::Response DonePage(Context& ctx);
  http::Response BatchesPage(Context& ctx);
  http::Response BatchCreate(Context& ctx);
  http::Response BatchPage(Context& ctx);
  http::Response BatchClose(Context& ctx);
  http::Response BatchWithdraw(Context& ctx);
  http::Response ResultsPage(Context& ctx);

  // JSON and CSV (api_survey.cc).
  http::Response ApiResults(Context& ctx);
  http::Response ApiResultsCsv(Context& ctx);
  http::Response ApiBatches(Context& ctx);
  http::Response ApiBatchCreate(Context& ctx);
  http::Response ApiBatch(Context& ctx);
  http::Response ApiBatchClose(Context& ctx);
  http::Response ApiBatchWithdraw(Context& ctx);
  http::Response ApiAnswer(Context& ctx);

  // Shared.
  http::Response QuestionsView(Context& ctx, const survey::Batch& batch, const survey::AnswerInput& values,
                               const Status& error, int status);
  http::Response BatchesView(Context& ctx, const survey::BatchInput& values, const Status& error, int status);
  http::Response BatchView(Context& ctx, const survey::Batch& batch, const std::string& reason,
                           const Status& error, int status);
  // ?origin=&year=&organisation=; Validation naming a bad one.
  Result<survey::ResultsFilter> FilterFromQuery(const Context& ctx) const;
  // A cell's key in the reader's language (country and region names, codes' labels).
  std::string KeyLabel(const Context& ctx, const std::string& table, const std::string& key) const;
  nlohmann::json ResultsJson(const Context& ctx, const survey::ResultsFilter& filter,
                             const survey::Results& r) const;
  nlohmann::json BatchJson(const survey::Batch& b, bool with_link) const;
  std::string LinkOf(const survey::Batch& b) const;
  // The SVG bar chart of one table (drawn on the server).
  std::string Chart(const Context& ctx, const survey::Table& t, int min_cell) const;
  Result<survey::Id> BatchId(const Context& ctx) const;

  Services services_;
};

}  // namespace waymark::web
