// Pages of the futures module, and every route it registers.
#include <algorithm>
#include <cstdio>
#include <set>

#include "core/strings.h"
#include "web/futures/futures_module.h"
#include "web/helpers.h"

namespace waymark::web {

using futures::Phase;
using futures::Results;
using futures::Statement;
using futures::StatementResult;
using futures::Workshop;
using http::Response;
using nlohmann::json;

namespace {

std::string Num1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// One name per line (commas stay inside a name).
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  for (auto line : Split(text, '\n')) {
    std::string v(TrimAscii(line));
    if (!v.empty()) out.push_back(v);
  }
  return out;
}

}  // namespace

void FuturesModule::AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const {
  nav.push_back({40, "/futures", T(ctx, "nav_futures_workshops"), true, ""});
}

void FuturesModule::RegisterRoutes() {
  Route("GET", "/futures", Access::kPublic, &FuturesModule::ListPage);
  Route("POST", "/futures", Access::kSignedIn, &FuturesModule::CreateForm);
  Route("GET", "/futures/workshops/{slug}", Access::kPublic, &FuturesModule::BoardPage);
  Route("POST", "/futures/workshops/{slug}/settings", Access::kSignedIn, &FuturesModule::SettingsForm);
  Route("POST", "/futures/workshops/{slug}/phase", Access::kSignedIn, &FuturesModule::PhaseForm);
  Route("POST", "/futures/workshops/{slug}/statements", Access::kSignedIn, &FuturesModule::StatementForm);
  Route("POST", "/futures/workshops/{slug}/statements/{id}/rating", Access::kSignedIn,
        &FuturesModule::RatingForm);
  Route("POST", "/futures/workshops/{slug}/statements/{id}/vote", Access::kSignedIn,
        &FuturesModule::VoteForm);
  Route("POST", "/futures/workshops/{slug}/statements/{id}/unvote", Access::kSignedIn,
        &FuturesModule::UnvoteForm);
  Route("POST", "/futures/workshops/{slug}/statements/{id}/action-point", Access::kSignedIn,
        &FuturesModule::ActionPointForm);
  Route("GET", "/futures/workshops/{slug}/results", Access::kPublic, &FuturesModule::ResultsPage);
  Route("GET", "/futures/workshops/{slug}/results.svg", Access::kPublic, &FuturesModule::ResultsSvg);
  Route("GET", "/futures/workshops/{slug}/report", Access::kPublic, &FuturesModule::ReportPage);
  Route("GET", "/futures/workshops/{slug}/report.md", Access::kPublic, &FuturesModule::ReportMarkdown);
  Route("GET", "/futures/workshops/{slug}/report.json", Access::kPublic, &FuturesModule::ReportJson);
  Route("GET", "/futures/workshops/{slug}/events", Access::kPublic, &FuturesModule::Events);
  Route("GET", "/static/futures/{file}", Access::kPublic, &FuturesModule::StaticFile);

  Route("GET", "/api/v1/futures/workshops", Access::kPublic, &FuturesModule::ApiList);
  Route("POST", "/api/v1/futures/workshops", Access::kSignedIn, &FuturesModule::ApiCreate);
  Route("GET", "/api/v1/futures/workshops/{slug}", Access::kPublic, &FuturesModule::ApiGet);
  Route("PUT", "/api/v1/futures/workshops/{slug}", Access::kSignedIn, &FuturesModule::ApiUpdate);
  Route("POST", "/api/v1/futures/workshops/{slug}/phase", Access::kSignedIn, &FuturesModule::ApiPhase);
  Route("GET", "/api/v1/futures/workshops/{slug}/statements", Access::kPublic, &FuturesModule::ApiStatements);
  Route("POST", "/api/v1/futures/workshops/{slug}/statements", Access::kSignedIn,
        &FuturesModule::ApiAddStatement);
  Route("PUT", "/api/v1/futures/workshops/{slug}/statements/{id}/rating", Access::kSignedIn,
        &FuturesModule::ApiRate);
  Route("POST", "/api/v1/futures/workshops/{slug}/statements/{id}/votes", Access::kSignedIn,
        &FuturesModule::ApiVote);
  Route("DELETE", "/api/v1/futures/workshops/{slug}/statements/{id}/votes", Access::kSignedIn,
        &FuturesModule::ApiUnvote);
  Route("POST", "/api/v1/futures/workshops/{slug}/statements/{id}/action-point", Access::kSignedIn,
        &FuturesModule::ApiActionPoint);
  Route("GET", "/api/v1/futures/workshops/{slug}/results", Access::kPublic, &FuturesModule::ApiResults);
}

// --- helpers ---

Result<Workshop> FuturesModule::FindWorkshop(const Context& ctx) {
  return services_.futures->FindWorkshop(ctx.req.params.at("slug"));
}

Result<futures::Id> FuturesModule::StatementId(const Context& ctx) const {
  const std::string& id = ctx.req.params.at("id");
  if (!IsDigits(id)) return Status::NotFound("no such statement");
  return std::stoll(id);
}

std::string FuturesModule::AreaLabel(const Context& ctx, const std::string& area) const {
  std::string key = "fu_area_" + area;
  const std::string& label = T(ctx, key);
  return label == key ? area : label;
}

void FuturesModule::AddErrors(const Context& ctx, const Status& error, json& model) const {
  json list = ErrorList(ctx, error);
  for (auto& e : list) {
    std::string key = "fu_field_" + e["field"].get<std::string>();
    const std::string& label = T(ctx, key);
    if (label != key) e["label"] = label;
  }
  model["errors"] = list;
  model["has_errors"] = true;
  for (const auto& [field, message] : FieldMessages(ctx, error)) model["error_" + field] = message;
}

json FuturesModule::WorkshopJson(const Context& ctx, const Workshop& w) const {
  json areas = json::array();
  for (const auto& a : w.areas) areas.push_back({{"code", a}, {"label", AreaLabel(ctx, a)}});
  std::string phase(futures::ToString(w.phase));
  json j = {{"id", w.id},
            {"slug", w.slug},
            {"title", w.title},
            {"horizon_year", w.horizon_year},
            {"areas", areas},
            {"groups", w.groups},
            {"vote_budget", w.vote_budget},
            {"phase", phase},
            {"phase_label", T(ctx, "fu_phase_" + phase)},
            {"facilitator", w.facilitator_name},
            {"consultation_id", w.consultation_id ? json(*w.consultation_id) : json(nullptr)},
            {"session_id", w.session_id ? json(*w.session_id) : json(nullptr)},
            {"version", w.version},
            {"href", Href(w)}};
  return j;
}

json FuturesModule::StatementJson(const Context& ctx, const Statement& s) const {
  return {{"id", s.id},
          {"area", s.area},
          {"area_label", AreaLabel(ctx, s.area)},
          {"group", s.group},
          {"kind", std::string(futures::ToString(s.kind))},
          {"text", s.text},
          {"drivers", s.drivers},
          {"signals", s.signals},
          {"author", s.author_name},
          {"action_point_id", s.point_id ? json(*s.point_id) : json(nullptr)}};
}

Response FuturesModule::AfterForm(Context& ctx, const Workshop& w, const Status& status,
                                  const std::string& flash, const std::string& form,
                                  const std::string& anchor) {
  if (status.ok()) return Response::Redirect(Href(w) + "?msg=" + flash + anchor);
  if (status.kind() != Status::Kind::kValidation) return Error(ctx, status);
  auto fresh = services_.futures->GetWorkshop(w.id);
  if (!fresh.ok()) return Error(ctx, fresh.status());
  return BoardView(ctx, *fresh, status, 422, form);
}

// --- list and creation ---

Response FuturesModule::ListPage(Context& ctx) { return ListView(ctx, Status::Ok()); }

Response FuturesModule::ListView(Context& ctx, const Status& error) {
  auto list = services_.futures->ListWorkshops();
  if (!list.ok()) return Error(ctx, list.status());
  json items = json::array();
  for (const auto& w : *list) items.push_back(WorkshopJson(ctx, w));
  json model = {{"items", items}, {"has_items", !items.empty()}, {"signed_in", ctx.user.has_value()}};
  model["may_link"] = services_.futures->MayLinkConsultation(ctx.actor());
  if (model["may_link"].get<bool>() && services_.consultations != nullptr) {
    auto cs = services_.consultations->ListConsultations();
    if (!cs.ok()) return Error(ctx, cs.status());
    json choices = json::array();
    for (const auto& c : *cs)
      choices.push_back({{"value", std::to_string(c.id)},
                         {"label", c.title},
                         {"selected", ctx.Form("consultation") == std::to_string(c.id)}});
    model["consultations"] = choices;
  }
  model["f_title"] = ctx.Form("title");
  model["f_horizon_year"] = ctx.HasForm("horizon_year") ? ctx.Form("horizon_year") : "2045";
  model["f_groups"] = ctx.Form("groups");
  model["f_vote_budget"] = ctx.HasForm("vote_budget") ? ctx.Form("vote_budget") : "5";
  model["f_session_id"] = ctx.Form("session_id");
  if (!error.ok()) AddErrors(ctx, error, model);
  return Page(ctx, "futures/list", T(ctx, "fu_title"), model, error.ok() ? 200 : 422);
}

Response FuturesModule::CreateForm(Context& ctx) {
  futures::WorkshopInput in;
  in.title = ctx.Form("title");
  in.horizon_year = ctx.Form("horizon_year");
  in.consultation = ctx.Form("consultation");
  in.session_id = ctx.Form("session_id");
  in.groups = Lines(ctx.Form("groups"));
  in.vote_budget = ctx.Form("vote_budget");
  auto w = services_.futures->CreateWorkshop(ctx.actor(), in);
  if (!w.ok()) {
    if (w.status().kind() == Status::Kind::kValidation) return ListView(ctx, w.status());
    return Error(ctx, w.status());
  }
  return Response::Redirect(Href(*w) + "?msg=flash_fu_created");
}

// --- the board ---

Response FuturesModule::BoardPage(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  return BoardView(ctx, *w, Status::Ok(), 200, "");
}

Response FuturesModule::BoardView(Context& ctx, const Workshop& w, const Status& error, int status,
                                  const std::string& form) {
  json model = WorkshopJson(ctx, w);
  bool signed_in = ctx.user.has_value();
  bool facilitator = services_.futures->MayFacilitate(ctx.actor(), w);
  model["signed_in"] = signed_in;
  model["can_facilitate"] = facilitator;
  model["in_statements"] = w.phase == Phase::kStatements;
  model["in_rating"] = w.phase == Phase::kRating;
  model["in_voting"] = w.phase == Phase::kVoting;
  model["in_closed"] = w.phase == Phase::kClosed;
  model["events_url"] = Href(w) + "/events";
  model["script_url"] = AssetUrl("board.js");
  json phases = json::array();
  for (Phase p : futures::kPhases) {
    std::string code(futures::ToString(p));
    phases.push_back({{"label", T(ctx, "fu_phase_" + code)}, {"current", p == w.phase}});
    if (futures::PhaseTransitionAllowed(w.phase, p) && facilitator)
      model["next_phase"] = {{"value", code}, {"label", T(ctx, "fu_open_" + code)}};
  }
  model["phases"] = phases;
  if (w.consultation_id && services_.consultations != nullptr) {
    auto c = services_.consultations->GetConsultation(*w.consultation_id);
    if (c.ok()) {
      json link = {{"title", c->title}, {"href", "/consultations/" + c->slug}};
      for (const auto& s : c->sessions) {
        if (w.session_id == s.id) link["session"] = consultations::Pick(s.title, ctx.lang);
      }
      model["consultation"] = link;
    }
  }

  auto statements = services_.futures->ListStatements(w.id);
  if (!statements.ok()) return Error(ctx, statements.status());
  auto mine = services_.futures->MyRatings(ctx.actor(), w.id);
  if (!mine.ok()) return Error(ctx, mine.status());
  auto votes = services_.futures->MyVotes(ctx.actor(), w.id);
  if (!votes.ok()) return Error(ctx, votes.status());
  int spent = 0;
  for (const auto& [id, n] : *votes) spent += n;
  bool may_vote = signed_in && w.phase == Phase::kVoting;
  json areas = json::array();
  int number = 0;
  std::map<futures::Id, int> numbers;
  for (const auto& s : *statements) numbers[s.id] = ++number;
  for (const auto& a : w.areas) {
    json predicted = json::array();
    json preferred = json::array();
    for (const auto& s : *statements) {
      if (s.area != a) continue;
      json j = StatementJson(ctx, s);
      j["label"] = "S" + std::to_string(numbers[s.id]);
      j["has_drivers"] = !s.drivers.empty();
      j["has_signals"] = !s.signals.empty();
      j["can_rate"] = signed_in && w.phase == Phase::kRating;
      auto r = mine->find(s.id);
      json lopts = json::array();
      json dopts = json::array();
      for (int v = 1; v <= 5; ++v) {
        lopts.push_back({{"value", v}, {"selected", r != mine->end() && r->second.likelihood == v}});
        dopts.push_back({{"value", v}, {"selected", r != mine->end() && r->second.desirability == v}});
      }
      j["likelihood_options"] = lopts;
      j["desirability_options"] = dopts;
      j["rated"] = r != mine->end();
      int mv = votes->count(s.id) ? votes->at(s.id) : 0;
      j["my_votes"] = mv;
      j["can_vote"] = may_vote && spent < w.vote_budget;
      j["can_unvote"] = may_vote && mv > 0;
      j["has_point"] = s.point_id.has_value();
      if (s.point_id) j["point_href"] = "/action-points/" + std::to_string(*s.point_id);
      (s.kind == futures::Kind::kPredicted ? predicted : preferred).push_back(j);
    }
    json columns = json::array();
    columns.push_back({{"kind_label", T(ctx, "fu_kind_predicted")},
                       {"items", predicted},
                       {"has_items", !predicted.empty()}});
    columns.push_back({{"kind_label", T(ctx, "fu_kind_preferred")},
                       {"items", preferred},
                       {"has_items", !preferred.empty()}});
    areas.push_back({{"anchor", "area-" + std::to_string(areas.size() + 1)},
                     {"label", AreaLabel(ctx, a)},
                     {"columns", columns}});
  }
  model["board_areas"] = areas;
  model["statement_count"] = statements->size();
  model["votes_spent"] = spent;
  model["votes_left"] = std::max(0, w.vote_budget - spent);
  model["votes_line"] = Fill(Fill(T(ctx, "fu_votes_line"), "{spent}", std::to_string(spent)), "{budget}",
                             std::to_string(w.vote_budget));

  // The statement form (statements phase).
  if (signed_in && w.phase == Phase::kStatements) {
    std::string area = form == "statement" ? ctx.Form("area") : "";
    std::string group = form == "statement" ? ctx.Form("group") : "";
    std::string kind = form == "statement" ? ctx.Form("kind") : "";
    json area_opts = json::array();
    for (const auto& a : w.areas)
      area_opts.push_back({{"value", a}, {"label", AreaLabel(ctx, a)}, {"selected", a == area}});
    json group_opts = json::array();
    for (const auto& g : w.groups) group_opts.push_back({{"value", g}, {"selected", g == group}});
    json kinds = json::array();
    for (const char* k : {"predicted", "preferred"})
      kinds.push_back(
          {{"value", k}, {"label", T(ctx, std::string("fu_kind_") + k)}, {"selected", kind == k}});
    model["statement_form"] = {{"areas", area_opts},
                               {"groups", group_opts},
                               {"kinds", kinds},
                               {"many_groups", w.groups.size() > 1},
                               {"f_text", form == "statement" ? ctx.Form("text") : ""},
                               {"f_drivers", form == "statement" ? ctx.Form("drivers") : ""},
                               {"f_signals", form == "statement" ? ctx.Form("signals") : ""}};
  }
  // The facilitator's settings (statements phase).
  if (facilitator && w.phase == Phase::kStatements) {
    std::string areas_text;
    for (const auto& a : w.areas) areas_text.append(AreaLabel(ctx, a)).append("\n");
    json settings = {{"f_title", w.title},
                     {"f_horizon_year", std::to_string(w.horizon_year)},
                     {"f_areas", areas_text},
                     {"f_groups", JoinStrings(w.groups, "\n")},
                     {"f_vote_budget", std::to_string(w.vote_budget)}};
    if (form == "settings") {
      for (const char* f : {"title", "horizon_year", "areas", "groups", "vote_budget"})
        settings[std::string("f_") + f] = ctx.Form(f);
    }
    model["settings_form"] = settings;
  }
  if (!error.ok()) AddErrors(ctx, error, model);
  model["form"] = form;
  return Page(ctx, "futures/board", w.title, model, status);
}

Response FuturesModule::SettingsForm(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  futures::WorkshopInput in;
  in.title = ctx.Form("title");
  in.horizon_year = ctx.Form("horizon_year");
  in.vote_budget = ctx.Form("vote_budget");
  in.groups = Lines(ctx.Form("groups"));
  // Areas come back as the labels shown; a default area's label is its code again.
  for (const auto& line : Lines(ctx.Form("areas"))) {
    std::string value = line;
    for (std::string_view code : futures::kDefaultAreas) {
      if (line == AreaLabel(ctx, std::string(code)) || line == code) value = std::string(code);
    }
    in.areas.push_back(value);
  }
  if (in.areas.empty()) in.areas.emplace_back("");  // an emptied list is an error, not the defaults
  if (in.groups.empty()) in.groups.emplace_back("");
  auto r = services_.futures->UpdateWorkshop(ctx.actor(), w->id, in);
  return AfterForm(ctx, *w, r.status(), "flash_fu_saved", "settings");
}

Response FuturesModule::PhaseForm(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto r = services_.futures->SetPhase(ctx.actor(), w->id, ctx.Form("phase"));
  return AfterForm(ctx, *w, r.status(), "flash_fu_phase", "phase");
}

Response FuturesModule::StatementForm(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  futures::StatementInput in{ctx.Form("area"), ctx.Form("group"),   ctx.Form("kind"),
                             ctx.Form("text"), ctx.Form("drivers"), ctx.Form("signals")};
  auto r = services_.futures->AddStatement(ctx.actor(), w->id, in);
  return AfterForm(ctx, *w, r.status(), "flash_fu_statement", "statement",
                   r.ok() ? "#statement-" + std::to_string(r->id) : "");
}

Response FuturesModule::RatingForm(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto id = StatementId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto r = services_.futures->Rate(ctx.actor(), w->id, *id, ctx.Form("likelihood"), ctx.Form("desirability"));
  return AfterForm(ctx, *w, r.status(), "flash_fu_rated", "rating", "#statement-" + std::to_string(*id));
}

Response FuturesModule::VoteForm(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto id = StatementId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto r = services_.futures->AddVote(ctx.actor(), w->id, *id);
  return AfterForm(ctx, *w, r.status(), "flash_fu_voted", "vote", "#statement-" + std::to_string(*id));
}

Response FuturesModule::UnvoteForm(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto id = StatementId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto r = services_.futures->RemoveVote(ctx.actor(), w->id, *id);
  return AfterForm(ctx, *w, r.status(), "flash_fu_unvoted", "vote", "#statement-" + std::to_string(*id));
}

Response FuturesModule::ActionPointForm(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto id = StatementId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto r = services_.futures->MakeActionPoint(ctx.actor(), w->id, *id);
  if (!r.ok()) {
    if (r.status().kind() == Status::Kind::kValidation) return AfterForm(ctx, *w, r.status(), "", "point");
    return Error(ctx, r.status());
  }
  return Response::Redirect(Href(*w) + "/results?msg=flash_fu_point#act-now");
}

// --- results and report ---

namespace {

// Statements are numbered S1, S2, ... in the order they were written.
std::map<futures::Id, int> Numbers(const Results& r) {
  std::map<futures::Id, int> numbers;
  for (const auto& a : r.areas) {
    for (const auto* side : {&a.predicted, &a.preferred}) {
      for (const auto& s : *side) numbers[s.statement.id] = 0;
    }
  }
  int n = 0;
  for (auto& [id, num] : numbers) num = ++n;
  return numbers;
}

// The numbers of a statement for the pages: the hidden note instead of them
// when the small-group rule hides them.
json ResultNumbers(const StatementResult& r, const std::string& hidden, const std::string& label) {
  json j = {{"label", label},
            {"ratings_shown", r.ratings_shown},
            {"votes_shown", r.votes_shown},
            {"hidden", hidden}};
  if (r.ratings_shown) {
    j["raters"] = r.raters;
    j["likelihood"] = Num1(r.likelihood);
    j["likelihood_sd"] = Num1(r.likelihood_sd);
    j["desirability"] = Num1(r.desirability);
    j["desirability_sd"] = Num1(r.desirability_sd);
  }
  if (r.votes_shown) j["votes"] = r.votes;
  return j;
}

}  // namespace

std::string FuturesModule::Plot(const Context& ctx, const Results& r) const {
  std::map<futures::Id, int> numbers = Numbers(r);
  std::vector<PlotPoint> points;
  for (const auto& p : r.plotted) {
    points.push_back({"S" + std::to_string(numbers[p.statement.id]), p.statement.text,
                      p.statement.kind == futures::Kind::kPreferred, p.likelihood, p.desirability,
                      p.likelihood_sd, p.desirability_sd});
  }
  PlotText text{Fill(T(ctx, "fu_plot_title"), "{title}", r.workshop.title),
                T(ctx, "fu_plot_desc"),
                T(ctx, "fu_likelihood"),
                T(ctx, "fu_desirability"),
                T(ctx, "fu_kind_predicted"),
                T(ctx, "fu_kind_preferred"),
                T(ctx, "fu_hidden")};
  return PlotSvg(points, text);
}

Response FuturesModule::ResultsPage(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto r = services_.futures->ComputeResults(w->id);
  if (!r.ok()) return Error(ctx, r.status());
  json model = WorkshopJson(ctx, *w);
  std::string hidden = T(ctx, "fu_hidden");
  bool facilitator = services_.futures->MayFacilitate(ctx.actor(), *w);
  std::map<futures::Id, int> numbers = Numbers(*r);
  auto entry = [&](const StatementResult& s) {
    json j = StatementJson(ctx, s.statement);
    j.update(ResultNumbers(s, hidden, "S" + std::to_string(numbers[s.statement.id])));
    j["has_point"] = s.statement.point_id.has_value();
    if (s.statement.point_id) j["point_href"] = "/action-points/" + std::to_string(*s.statement.point_id);
    j["can_make_point"] = facilitator && w->phase == Phase::kClosed && w->consultation_id.has_value() &&
                          !s.statement.point_id && services_.consultations != nullptr;
    return j;
  };
  json areas = json::array();
  for (const auto& a : r->areas) {
    json predicted = json::array();
    json preferred = json::array();
    for (const auto& s : a.predicted) predicted.push_back(entry(s));
    for (const auto& s : a.preferred) preferred.push_back(entry(s));
    areas.push_back({{"label", AreaLabel(ctx, a.area)}, {"predicted", predicted}, {"preferred", preferred}});
  }
  model["result_areas"] = areas;
  json act = json::array();
  for (const auto& s : r->act_now) act.push_back(entry(s));
  model["act_now"] = act;
  model["has_act_now"] = !act.empty();
  json groups = json::array();
  for (const auto& g : r->groups) {
    groups.push_back({{"group", g.group},
                      {"raters", g.raters_shown ? json(std::to_string(g.raters)) : json(hidden)},
                      {"voters", g.voters_shown ? json(std::to_string(g.voters)) : json(hidden)}});
  }
  model["group_counts"] = groups;
  model["svg"] = Plot(ctx, *r);
  model["hidden_note"] = hidden;
  model["no_link"] = !w->consultation_id.has_value();
  return Page(ctx, "futures/results", T(ctx, "fu_results") + ": " + w->title, model);
}

Response FuturesModule::ResultsSvg(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto r = services_.futures->ComputeResults(w->id);
  if (!r.ok()) return Error(ctx, r.status());
  Response resp;
  resp.status = 200;
  resp.body = R"(<?xml version="1.0" encoding="UTF-8"?>)"
              "\n" +
              Plot(ctx, *r);
  resp.Set("Content-Type", "image/svg+xml; charset=utf-8");
  resp.Set("Cache-Control", "no-cache");
  return resp;
}

Response FuturesModule::ReportPage(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto r = services_.futures->ComputeResults(w->id);
  if (!r.ok()) return Error(ctx, r.status());
  json model = WorkshopJson(ctx, *w);
  std::string hidden = T(ctx, "fu_hidden");
  std::map<futures::Id, int> numbers = Numbers(*r);
  auto entry = [&](const StatementResult& s) {
    json j = StatementJson(ctx, s.statement);
    j.update(ResultNumbers(s, hidden, "S" + std::to_string(numbers[s.statement.id])));
    j["has_drivers"] = !s.statement.drivers.empty();
    j["has_signals"] = !s.statement.signals.empty();
    if (s.statement.point_id) j["point_href"] = "/action-points/" + std::to_string(*s.statement.point_id);
    return j;
  };
  json areas = json::array();
  for (const auto& a : r->areas) {
    json predicted = json::array();
    json preferred = json::array();
    for (const auto& s : a.predicted) predicted.push_back(entry(s));
    for (const auto& s : a.preferred) preferred.push_back(entry(s));
    areas.push_back({{"label", AreaLabel(ctx, a.area)}, {"predicted", predicted}, {"preferred", preferred}});
  }
  model["result_areas"] = areas;
  json act = json::array();
  for (const auto& s : r->act_now) act.push_back(entry(s));
  model["act_now"] = act;
  model["has_act_now"] = !act.empty();
  model["svg"] = Plot(ctx, *r);
  model["print_css"] = AssetUrl("print.css");
  if (w->consultation_id && services_.consultations != nullptr) {
    auto c = services_.consultations->GetConsultation(*w->consultation_id);
    if (c.ok()) model["consultation"] = {{"title", c->title}, {"href", "/consultations/" + c->slug}};
  }
  return Page(ctx, "futures/report", T(ctx, "fu_report") + ": " + w->title, model);
}

Response FuturesModule::ReportMarkdown(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto r = services_.futures->ComputeResults(w->id);
  if (!r.ok()) return Error(ctx, r.status());
  Response resp = Response::Text(200, ResultsMarkdown(ctx, *r));
  resp.Set("Content-Type", "text/markdown; charset=utf-8");
  resp.Set("Content-Disposition", "inline; filename=\"futures-" + w->slug + ".md\"");
  return resp;
}

Response FuturesModule::ReportJson(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  auto r = services_.futures->ComputeResults(w->id);
  if (!r.ok()) return Error(ctx, r.status());
  return Json(ctx, 200, ResultsJson(ctx, *r));
}

json FuturesModule::ResultsJson(const Context& ctx, const Results& r) const {
  std::map<futures::Id, int> numbers = Numbers(r);
  auto entry = [&](const StatementResult& s) {
    json j = StatementJson(ctx, s.statement);
    j["label"] = "S" + std::to_string(numbers[s.statement.id]);
    if (s.ratings_shown) {
      j["ratings"] = {{"hidden", false},
                      {"raters", s.raters},
                      {"likelihood", {{"mean", s.likelihood}, {"sd", s.likelihood_sd}}},
                      {"desirability", {{"mean", s.desirability}, {"sd", s.desirability_sd}}}};
    } else {
      j["ratings"] = {{"hidden", true}, {"reason", "fewer than 5 people"}};
    }
    if (s.votes_shown) {
      j["votes"] = {{"hidden", false}, {"count", s.votes}};
    } else {
      j["votes"] = {{"hidden", true}, {"reason", "fewer than 5 people"}};
    }
    return j;
  };
  json areas = json::array();
  for (const auto& a : r.areas) {
    json predicted = json::array();
    json preferred = json::array();
    for (const auto& s : a.predicted) predicted.push_back(entry(s));
    for (const auto& s : a.preferred) preferred.push_back(entry(s));
    areas.push_back({{"area", a.area},
                     {"label", AreaLabel(ctx, a.area)},
                     {"predicted", predicted},
                     {"preferred", preferred}});
  }
  json act = json::array();
  for (const auto& s : r.act_now) act.push_back(entry(s));
  json groups = json::array();
  for (const auto& g : r.groups) {
    json gj = {{"group", g.group}};
    gj["raters"] = g.raters_shown ? json(g.raters) : json{{"hidden", true}};
    gj["voters"] = g.voters_shown ? json(g.voters) : json{{"hidden", true}};
    groups.push_back(gj);
  }
  json out = {{"workshop", WorkshopJson(ctx, r.workshop)},
              {"min_group", futures::kMinGroup},
              {"statements", r.statements},
              {"areas", areas},
              {"act_now", act},
              {"groups", groups}};
  out["raters"] = r.raters_shown ? json(r.raters) : json{{"hidden", true}};
  out["voters"] = r.voters_shown ? json(r.voters) : json{{"hidden", true}};
  return out;
}

std::string FuturesModule::ResultsMarkdown(const Context& ctx, const Results& r) const {
  std::map<futures::Id, int> numbers = Numbers(r);
  // Markdown's special characters in typed text, escaped.
  auto esc = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '\n' || c == '\r') {
        out.push_back(' ');
        continue;
      }
      if (std::string_view("\\`*_[]<>#|").find(c) != std::string_view::npos) out.push_back('\\');
      out.push_back(c);
    }
    return out;
  };
  std::string hidden = T(ctx, "fu_hidden");
  auto numbers_of = [&](const StatementResult& s) {
    std::string line;
    if (s.ratings_shown) {
      line.append(T(ctx, "fu_likelihood"))
          .append(" ")
          .append(Num1(s.likelihood))
          .append(" ± ")
          .append(Num1(s.likelihood_sd))
          .append(", ")
          .append(T(ctx, "fu_desirability"))
          .append(" ")
          .append(Num1(s.desirability))
          .append(" ± ")
          .append(Num1(s.desirability_sd))
          .append(" (")
          .append(std::to_string(s.raters))
          .append(" ")
          .append(T(ctx, "fu_raters"))
          .append(")");
    } else {
      line.append(T(ctx, "fu_ratings")).append(": ").append(hidden);
    }
    line.append("; ").append(T(ctx, "fu_votes")).append(": ");
    line.append(s.votes_shown ? std::to_string(s.votes) : hidden);
    return line;
  };
  const Workshop& w = r.workshop;
  std::string md;
  md.append("# ").append(esc(w.title)).append("\n\n");
  md.append(T(ctx, "fu_horizon")).append(": ").append(std::to_string(w.horizon_year)).append(" · ");
  md.append(T(ctx, "fu_phase"))
      .append(": ")
      .append(T(ctx, "fu_phase_" + std::string(futures::ToString(w.phase))));
  md.append("\n\n");
  md.append(Fill(T(ctx, "fu_small_group_rule"), "{n}", std::to_string(futures::kMinGroup))).append("\n");
  for (const auto& a : r.areas) {
    md.append("\n## ").append(esc(AreaLabel(ctx, a.area))).append("\n");
    for (const auto* side : {&a.predicted, &a.preferred}) {
      bool predicted = side == &a.predicted;
      md.append("\n### ")
          .append(T(ctx, predicted ? "fu_kind_predicted" : "fu_kind_preferred"))
          .append("\n\n");
      if (side->empty()) md.append("- ").append(T(ctx, "fu_none_yet")).append("\n");
      for (const auto& s : *side) {
        md.append("- **S").append(std::to_string(numbers[s.statement.id])).append("** (");
        md.append(T(ctx, "fu_group")).append(" ").append(esc(s.statement.group)).append("): ");
        md.append(esc(s.statement.text)).append("  \n  ").append(numbers_of(s)).append("\n");
        if (!s.statement.drivers.empty())
          md.append("  - ")
              .append(T(ctx, "fu_drivers"))
              .append(": ")
              .append(esc(s.statement.drivers))
              .append("\n");
        if (!s.statement.signals.empty())
          md.append("  - ")
              .append(T(ctx, "fu_signals"))
              .append(": ")
              .append(esc(s.statement.signals))
              .append("\n");
        if (s.statement.point_id)
          md.append("  - ")
              .append(T(ctx, "fu_action_point"))
              .append(": /action-points/")
              .append(std::to_string(*s.statement.point_id))
              .append("\n");
      }
    }
  }
  md.append("\n## ").append(T(ctx, "fu_act_now")).append("\n\n");
  if (r.act_now.empty()) md.append(T(ctx, "fu_act_now_none")).append("\n");
  int rank = 0;
  for (const auto& s : r.act_now) {
    md.append(std::to_string(++rank))
        .append(". **S")
        .append(std::to_string(numbers[s.statement.id]))
        .append("** ");
    md.append(esc(s.statement.text)).append(" (").append(std::to_string(s.votes)).append(" ");
    md.append(T(ctx, "fu_votes")).append(")\n");
  }
  return md;
}

// --- the live board's stream ---

// A short stream (docs/futures.md, "Live board"): the server answers a
// whole response at once and a held-open stream would occupy a worker
// thread, so it says the board's version, asks the browser to come back in
// three seconds, tells it to refresh when its version is older, and ends.
Response FuturesModule::Events(Context& ctx) {
  auto w = FindWorkshop(ctx);
  if (!w.ok()) return Error(ctx, w.status());
  std::string seen(TrimAscii(ctx.req.Header("last-event-id")));
  if (seen.empty()) seen = ctx.req.QueryParam("v").value_or("");
  std::int64_t client = -1;
  if (IsDigits(seen)) client = std::stoll(seen);
  std::string body = "retry: 3000\n";
  std::string id = std::to_string(w->version);
  if (client >= 0 && client < w->version) {
    body.append("id: ").append(id).append("\nevent: changed\ndata: {\"version\":").append(id).append("}\n\n");
  } else {
    // Nothing new: only the version, as the last event id (an event
    // without data sets it without firing).
    body.append(": up to date\nid: ").append(id).append("\n\n");
  }
  Response resp;
  resp.status = 200;
  resp.body = std::move(body);
  resp.Set("Content-Type", "text/event-stream; charset=utf-8");
  resp.Set("Cache-Control", "no-store");
  resp.Set("X-Accel-Buffering", "no");
  return resp;
}

}  // namespace waymark::web
