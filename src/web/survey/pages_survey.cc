// Pages of the survey module, and every route it registers.
#include <algorithm>
#include <cmath>

#include "core/regions.h"
#include "core/strings.h"
#include "crypto/crypto.h"
#include "i18n/countries.h"
#include "web/helpers.h"
#include "web/survey/survey_module.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;
using survey::Batch;
using survey::BatchState;

namespace {

std::string UpperAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

template <std::size_t N>
json Options(const std::string_view (&codes)[N], const std::string& prefix,
             const std::vector<std::string>& chosen,
             const std::function<std::string(const std::string&)>& t) {
  json out = json::array();
  for (auto c : codes) {
    std::string code(c);
    out.push_back({{"code", code},
                   {"label", t(prefix + code)},
                   {"checked", std::find(chosen.begin(), chosen.end(), code) != chosen.end()}});
  }
  return out;
}

json CountryOptions(const i18n::Countries& countries, const std::string& lang, const std::string& chosen) {
  json out = json::array();
  for (const auto& [code, name] : countries.Sorted(lang)) {
    out.push_back({{"code", code}, {"name", name}, {"selected", code == chosen}});
  }
  return out;
}

std::string FormatTime(TimestampMs ms) { return FormatUtcMinute(ms); }

}  // namespace

void SurveyModule::AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const {
  nav.push_back({37, "/survey/results", T(ctx, "nav_survey"), true, ""});
}

void SurveyModule::RegisterRoutes() {
  Route("GET", "/survey/b/{token}", Access::kPublic, &SurveyModule::FormPage);
  Route("POST", "/survey/b/{token}", Access::kPublic, &SurveyModule::FormSubmit);
  Route("GET", "/survey/b/{token}/done", Access::kPublic, &SurveyModule::DonePage);
  Route("GET", "/survey/batches", Access::kSignedIn, &SurveyModule::BatchesPage);
  Route("POST", "/survey/batches", Access::kSignedIn, &SurveyModule::BatchCreate);
  Route("GET", "/survey/batches/{id}", Access::kSignedIn, &SurveyModule::BatchPage);
  Route("POST", "/survey/batches/{id}/close", Access::kSignedIn, &SurveyModule::BatchClose);
  Route("POST", "/survey/batches/{id}/withdraw", Access::kSignedIn, &SurveyModule::BatchWithdraw);
  Route("GET", "/survey/results", Access::kPublic, &SurveyModule::ResultsPage);

  Route("GET", "/api/v1/survey/results", Access::kPublic, &SurveyModule::ApiResults);
  Route("GET", "/api/v1/survey/results.csv", Access::kPublic, &SurveyModule::ApiResultsCsv);
  Route("GET", "/api/v1/survey/batches", Access::kSignedIn, &SurveyModule::ApiBatches);
  Route("POST", "/api/v1/survey/batches", Access::kSignedIn, &SurveyModule::ApiBatchCreate);
  Route("GET", "/api/v1/survey/batches/{id}", Access::kSignedIn, &SurveyModule::ApiBatch);
  Route("POST", "/api/v1/survey/batches/{id}/close", Access::kSignedIn, &SurveyModule::ApiBatchClose);
  Route("POST", "/api/v1/survey/batches/{id}/withdraw", Access::kSignedIn, &SurveyModule::ApiBatchWithdraw);
  Route("POST", "/api/v1/survey/b/{token}/answers", Access::kPublic, &SurveyModule::ApiAnswer);
}

// --- helpers ---

Result<survey::Id> SurveyModule::BatchId(const Context& ctx) const {
  const std::string& id = ctx.req.params.at("id");
  if (!IsDigits(id)) return Status::NotFound("no such batch");
  return std::stoll(id);
}

std::string SurveyModule::LinkOf(const Batch& b) const { return options_.base_url + "/survey/b/" + b.token; }

std::string SurveyModule::KeyLabel(const Context& ctx, const std::string& table,
                                   const std::string& key) const {
  if (table == "origin" || table == "destination") return countries_.Name(key, ctx.lang);
  if (table == "origin_region") {
    const Region* r = FindRegion(key);
    if (!r) return T(ctx, "sv_region_none");
    return std::string(ctx.lang == "fr" ? r->fr : ctx.lang == "es" ? r->es : r->en);
  }
  if (table == "year" || table == "organisation") return key;
  if (table == "lang") return T(ctx, "sv_lang_" + key);
  static const std::map<std::string, std::string> kPrefix = {
      {"env_reason", "sv_env_"}, {"env_factor", "sv_factor_"}, {"env_how", "sv_how_"},
      {"reason", "sv_reason_"},  {"age_band", "sv_age_"},      {"gender", "sv_gender_"}};
  auto it = kPrefix.find(table);
  return it == kPrefix.end() ? key : T(ctx, it->second + key);
}

Result<survey::ResultsFilter> SurveyModule::FilterFromQuery(const Context& ctx) const {
  survey::ResultsFilter f;
  f.origin = ctx.req.QueryParam("origin").value_or("");
  f.organisation = ctx.req.QueryParam("organisation").value_or("");
  std::string year(TrimAscii(ctx.req.QueryParam("year").value_or("")));
  if (!year.empty()) {
    if (!IsDigits(year) || year.size() > 4) return FieldError("year", "sv_year_range", "must be a year");
    f.year = std::stoi(year);
  }
  return f;
}

json SurveyModule::ResultsJson(const Context& ctx, const survey::ResultsFilter& filter,
                               const survey::Results& r) const {
  json tables = json::object();
  for (const auto& t : r.tables) {
    json cells = json::array();
    for (const auto& c : t.cells) {
      json cell = {{"key", c.key}, {"label", KeyLabel(ctx, t.name, c.key)}};
      cell["count"] = c.suppressed ? json(nullptr) : json(c.count);
      cell["suppressed"] = c.suppressed;
      cells.push_back(cell);
    }
    tables[t.name] = {{"adds_up_to_total", t.partition}, {"cells", cells}};
  }
  json filters = json::object();
  filters["origin"] = filter.origin.empty() ? json(nullptr) : json(filter.origin);
  filters["year"] = filter.year ? json(*filter.year) : json(nullptr);
  filters["organisation"] = filter.organisation.empty() ? json(nullptr) : json(filter.organisation);
  return {{"min_cell", r.min_cell},
          {"filters", filters},
          {"total", r.total_suppressed ? json(nullptr) : json(r.total)},
          {"total_suppressed", r.total_suppressed},
          {"tables", tables}};
}

json SurveyModule::BatchJson(const Batch& b, bool with_link) const {
  json j = {{"id", b.id},
            {"organisation", b.org_slug},
            {"organisation_name", b.org_name},
            {"label", b.label},
            {"country", b.country},
            {"lang", b.lang},
            {"state", std::string(survey::ToString(b.state))},
            {"answers", b.answers},
            {"withdrawn_answers", b.withdrawn_answers},
            {"withdraw_reason", b.withdraw_reason},
            {"created_at", FormatTime(b.created_at)}};
  if (with_link && b.state == BatchState::kOpen) {
    j["token"] = b.token;
    j["link"] = LinkOf(b);
  }
  return j;
}

std::string SurveyModule::Chart(const Context& ctx, const survey::Table& t, int min_cell) const {
  // Horizontal bars, one row per cell; suppressed cells are drawn as an
  // outline with "fewer than k" and no length that gives their count away.
  constexpr int kRow = 28;
  constexpr int kLabelW = 190;
  constexpr int kBarW = 220;
  std::int64_t max = 1;
  for (const auto& c : t.cells) max = std::max(max, c.count);
  int height = kRow * static_cast<int>(t.cells.size()) + 8;
  std::string fewer = Fill(T(ctx, "sv_fewer_than"), "{k}", std::to_string(min_cell));
  std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"survey-chart\" role=\"img\" viewBox=\"0 0 " +
      std::to_string(kLabelW + kBarW + 120) + " " + std::to_string(height) + "\" aria-labelledby=\"chart-" +
      t.name + "\">";
  int y = 4;
  for (const auto& c : t.cells) {
    std::string label = XmlEscape(KeyLabel(ctx, t.name, c.key));
    svg += "<text x=\"" + std::to_string(kLabelW - 6) + "\" y=\"" + std::to_string(y + 18) +
           "\" text-anchor=\"end\" font-size=\"13\" fill=\"currentColor\">" + label + "</text>";
    if (c.suppressed) {
      svg += "<rect x=\"" + std::to_string(kLabelW) + "\" y=\"" + std::to_string(y + 4) +
             "\" width=\"16\" height=\"18\" fill=\"none\" stroke=\"#767676\" stroke-dasharray=\"3 2\"/>";
      svg += "<text x=\"" + std::to_string(kLabelW + 22) + "\" y=\"" + std::to_string(y + 18) +
             "\" font-size=\"13\" fill=\"currentColor\">" + XmlEscape(fewer) + "</text>";
    } else {
      int w = static_cast<int>(std::lround(static_cast<double>(c.count) * kBarW / static_cast<double>(max)));
      svg += "<rect x=\"" + std::to_string(kLabelW) + "\" y=\"" + std::to_string(y + 4) + "\" width=\"" +
             std::to_string(w) + "\" height=\"18\" fill=\"#1f5f8b\"/>";
      svg += "<text x=\"" + std::to_string(kLabelW + w + 6) + "\" y=\"" + std::to_string(y + 18) +
             "\" font-size=\"13\" fill=\"currentColor\">" + std::to_string(c.count) + "</text>";
    }
    y += kRow;
  }
  return svg + "</svg>";
}

// --- the form behind the private link ---

Response SurveyModule::FormPage(Context& ctx) {
  auto batch = services_.survey->BatchForLink(ctx.req.params.at("token"));
  if (!batch.ok()) return Error(ctx, batch.status());
  if (batch->state == BatchState::kOpen && ctx.req.QueryParam("consent").value_or("") == "yes") {
    survey::AnswerInput values;
    values.destination = batch->country;
    return QuestionsView(ctx, *batch, values, Status::Ok(), 200);
  }
  std::string action = "/survey/b/" + ctx.req.params.at("token");
  json langs = json::array();
  for (const char* code : {"en", "fr", "es"}) {
    langs.push_back({{"code", code},
                     {"name", T(ctx, std::string("sv_lang_") + code)},
                     {"href", action + "?lang=" + code},
                     {"current", ctx.lang == code}});
  }
  json model = {{"action", action},
                {"langs", langs},
                {"has_langs", true},
                {"lang", ctx.lang},
                {"closed", batch->state != BatchState::kOpen},
                {"organisation", batch->org_name}};
  return Page(ctx, "survey/consent", T(ctx, "sv_title"), model);
}

Response SurveyModule::QuestionsView(Context& ctx, const Batch& batch, const survey::AnswerInput& v,
                                     const Status& error, int status) {
  auto t = [&](const std::string& key) { return T(ctx, key); };
  auto one = [](const std::string& s) { return std::vector<std::string>{s}; };
  json model = {
      {"action", "/survey/b/" + batch.token},
      {"organisation", batch.org_name},
      {"lang", ctx.lang},
      {"origins", CountryOptions(countries_, ctx.lang, v.origin)},
      {"destinations", CountryOptions(countries_, ctx.lang, v.destination)},
      {"year", v.year},
      {"month", v.month},
      {"months", json::array()},
      {"ages", Options(survey::kAgeBands, "sv_age_", one(v.age_band), t)},
      {"genders", Options(survey::kGenders, "sv_gender_", one(v.gender), t)},
      {"reasons", Options(survey::kReasons, "sv_reason_", v.reasons, t)},
      {"env_reasons", Options(survey::kEnvReasons, "sv_env_", one(v.env_reason), t)},
      {"factors", Options(survey::kEnvFactors, "sv_factor_", v.env_factors, t)},
      {"hows", Options(survey::kEnvHows, "sv_how_", one(v.env_how), t)},
  };
  for (int m = 1; m <= 12; ++m) {
    model["months"].push_back({{"value", std::to_string(m)},
                               {"label", T(ctx, "sv_month_" + std::to_string(m))},
                               {"selected", v.month == std::to_string(m)}});
  }
  if (!error.ok()) {
    model["errors"] = ErrorList(ctx, error);
    model["has_errors"] = true;
    for (const auto& [field, message] : FieldMessages(ctx, error)) model["error_" + field] = message;
  }
  return Page(ctx, "survey/questions", T(ctx, "sv_title"), model, status);
}

namespace {

survey::AnswerInput AnswerFromForm(const Context& ctx) {
  survey::AnswerInput in;
  in.consent = ctx.Form("consent");
  in.lang = ctx.Form("lang");
  in.origin = ctx.Form("origin");
  in.destination = ctx.Form("destination");
  in.year = ctx.Form("year");
  in.month = ctx.Form("month");
  in.age_band = ctx.Form("age_band");
  in.gender = ctx.Form("gender");
  in.reasons = ctx.FormAll("reasons");
  in.env_reason = ctx.Form("env_reason");
  in.env_factors = ctx.FormAll("env_factors");
  in.env_how = ctx.Form("env_how");
  return in;
}

}  // namespace

// A hash of the sender's address for the hourly limit (the address itself is never stored).
std::string SurveyAddressKey(const Context& ctx) {
  return crypto::Sha256Hex("waymark-survey:" + ctx.client_addr);
}

Response SurveyModule::FormSubmit(Context& ctx) {
  const std::string& token = ctx.req.params.at("token");
  survey::AnswerInput in = AnswerFromForm(ctx);
  if (in.lang.empty()) in.lang = ctx.lang;
  auto r = services_.survey->Submit(ctx.actor(), token, in, SurveyAddressKey(ctx));
  if (!r.ok()) {
    if (r.status().kind() != Status::Kind::kValidation) return Error(ctx, r.status());
    auto batch = services_.survey->BatchForLink(token);
    if (!batch.ok()) return Error(ctx, batch.status());
    if (r.status().field_codes().count("consent")) {
      // No consent: nothing was kept, and the questions are not shown again.
      json model = {
          {"action", "/survey/b/" + token},  {"lang", ctx.lang},
          {"langs", json::array()},          {"closed", false},
          {"organisation", batch->org_name}, {"consent_error", FieldMessages(ctx, r.status())["consent"]}};
      return Page(ctx, "survey/consent", T(ctx, "sv_title"), model, 422);
    }
    return QuestionsView(ctx, *batch, in, r.status(), 422);
  }
  return Response::Redirect("/survey/b/" + token + "/done");
}

Response SurveyModule::DonePage(Context& ctx) {
  const std::string& token = ctx.req.params.at("token");
  auto batch = services_.survey->BatchForLink(token);
  if (!batch.ok()) return Error(ctx, batch.status());
  bool declined = ctx.req.QueryParam("declined").value_or("") == "1";
  json model = {
      {"declined", declined}, {"again", "/survey/b/" + token}, {"open", batch->state == BatchState::kOpen}};
  return Page(ctx, "survey/done", T(ctx, "sv_title"), model);
}

// --- batches ---

Response SurveyModule::BatchesView(Context& ctx, const survey::BatchInput& values, const Status& error,
                                   int status) {
  auto batches = services_.survey->ListBatches(ctx.actor());
  if (!batches.ok()) return Error(ctx, batches.status());
  json items = json::array();
  for (const auto& b : *batches) {
    json j = BatchJson(b, false);
    j["state_label"] = T(ctx, "sv_state_" + std::string(survey::ToString(b.state)));
    j["country_name"] = countries_.Name(b.country, ctx.lang);
    items.push_back(j);
  }
  json orgs = json::array();
  if (ctx.user) {
    for (const auto& m : ctx.user->memberships) {
      orgs.push_back({{"slug", m.organisation_slug},
                      {"name", m.organisation_name},
                      {"selected", m.organisation_slug == values.organisation}});
    }
  }
  json langs = json::array();
  for (const char* code : {"en", "fr", "es"}) {
    langs.push_back({{"code", code},
                     {"name", T(ctx, std::string("sv_lang_") + code)},
                     {"selected", values.lang.empty() ? ctx.lang == code : values.lang == code}});
  }
  json model = {{"items", items},        {"has_items", !items.empty()},
                {"orgs", orgs},          {"can_open", !orgs.empty()},
                {"label", values.label}, {"countries", CountryOptions(countries_, ctx.lang, values.country)},
                {"langs", langs}};
  if (!error.ok()) {
    model["errors"] = ErrorList(ctx, error);
    model["has_errors"] = true;
    for (const auto& [field, message] : FieldMessages(ctx, error)) model["error_" + field] = message;
  }
  return Page(ctx, "survey/batches", T(ctx, "sv_batches_title"), model, status);
}

Response SurveyModule::BatchesPage(Context& ctx) { return BatchesView(ctx, {}, Status::Ok(), 200); }

Response SurveyModule::BatchCreate(Context& ctx) {
  survey::BatchInput in{ctx.Form("organisation"), ctx.Form("label"), ctx.Form("country"), ctx.Form("lang")};
  auto b = services_.survey->OpenBatch(ctx.actor(), in);
  if (!b.ok()) {
    if (b.status().kind() == Status::Kind::kValidation) return BatchesView(ctx, in, b.status(), 422);
    return Error(ctx, b.status());
  }
  return Response::Redirect("/survey/batches/" + std::to_string(b->id) + "?msg=flash_sv_opened");
}

Response SurveyModule::BatchView(Context& ctx, const Batch& b, const std::string& reason, const Status& error,
                                 int status) {
  json model = BatchJson(b, true);
  model["state_label"] = T(ctx, "sv_state_" + std::string(survey::ToString(b.state)));
  model["country_name"] = countries_.Name(b.country, ctx.lang);
  model["is_open"] = b.state == BatchState::kOpen;
  model["can_withdraw"] = b.state != BatchState::kWithdrawn;
  model["is_withdrawn"] = b.state == BatchState::kWithdrawn;
  model["reason"] = reason;
  if (!error.ok()) {
    auto fields = FieldMessages(ctx, error);
    model["error_reason"] = fields.count("reason") ? fields["reason"] : error.message();
  }
  return Page(ctx, "survey/batch", b.label, model, status);
}

Response SurveyModule::BatchPage(Context& ctx) {
  auto id = BatchId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto b = services_.survey->GetBatch(ctx.actor(), *id);
  if (!b.ok()) return Error(ctx, b.status());
  return BatchView(ctx, *b, "", Status::Ok(), 200);
}

Response SurveyModule::BatchClose(Context& ctx) {
  auto id = BatchId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto b = services_.survey->CloseBatch(ctx.actor(), *id);
  if (!b.ok()) return Error(ctx, b.status());
  return Response::Redirect("/survey/batches/" + std::to_string(*id) + "?msg=flash_sv_closed");
}

Response SurveyModule::BatchWithdraw(Context& ctx) {
  auto id = BatchId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto b = services_.survey->WithdrawBatch(ctx.actor(), *id, ctx.Form("reason"));
  if (!b.ok()) {
    if (b.status().kind() != Status::Kind::kValidation) return Error(ctx, b.status());
    auto current = services_.survey->GetBatch(ctx.actor(), *id);
    if (!current.ok()) return Error(ctx, current.status());
    return BatchView(ctx, *current, ctx.Form("reason"), b.status(), 422);
  }
  return Response::Redirect("/survey/batches/" + std::to_string(*id) + "?msg=flash_sv_withdrawn");
}

// --- results ---

Response SurveyModule::ResultsPage(Context& ctx) {
  auto filter = FilterFromQuery(ctx);
  Result<survey::Results> r = filter.ok() ? services_.survey->ComputeResults(*filter) : filter.status();
  json model = {
      {"origin", ctx.req.QueryParam("origin").value_or("")},
      {"year", ctx.req.QueryParam("year").value_or("")},
      {"organisation", ctx.req.QueryParam("organisation").value_or("")},
      {"min_cell", services_.survey->min_cell()},
      {"fewer", Fill(T(ctx, "sv_fewer_than"), "{k}", std::to_string(services_.survey->min_cell()))}};
  model["origins"] = CountryOptions(countries_, ctx.lang, UpperAscii(model["origin"].get<std::string>()));
  std::string query = ctx.req.target.find('?') != std::string::npos
                          ? ctx.req.target.substr(ctx.req.target.find('?'))
                          : std::string();
  model["json_href"] = "/api/v1/survey/results" + query;
  model["csv_href"] = "/api/v1/survey/results.csv" + query;
  if (!r.ok()) {
    if (r.status().kind() != Status::Kind::kValidation) return Error(ctx, r.status());
    model["errors"] = ErrorList(ctx, r.status());
    model["has_errors"] = true;
    return Page(ctx, "survey/results", T(ctx, "sv_results_title"), model, 422);
  }
  model["total"] = r->total;
  model["total_suppressed"] = r->total_suppressed;
  model["has_tables"] = !r->tables.empty() && r->total > 0;
  json tables = json::array();
  for (const auto& t : r->tables) {
    json rows = json::array();
    for (const auto& c : t.cells) {
      if (c.count == 0 && !c.suppressed && (t.name == "origin" || t.name == "destination")) continue;
      rows.push_back({{"label", KeyLabel(ctx, t.name, c.key)},
                      {"key", c.key},
                      {"count", c.suppressed ? model["fewer"].get<std::string>() : std::to_string(c.count)},
                      {"suppressed", c.suppressed}});
    }
    json table = {{"name", t.name}, {"title", T(ctx, "sv_table_" + t.name)}, {"rows", rows}};
    if (t.name == "env_reason" || t.name == "env_factor") table["chart"] = Chart(ctx, t, r->min_cell);
    tables.push_back(table);
  }
  model["tables"] = tables;
  return Page(ctx, "survey/results", T(ctx, "sv_results_title"), model);
}

}  // namespace waymark::web
