// Pages of the consultations module, and every route it registers.
#include <algorithm>
#include <ctime>
#include <set>

#include "core/strings.h"
#include "text/markdown.h"
#include "web/consultations/consultations_module.h"
#include "web/helpers.h"

namespace waymark::web {

using consultations::ActionPoint;
using consultations::Consultation;
using consultations::ConsultationStatus;
using consultations::Pick;
using consultations::PointStatus;
using http::Response;
using nlohmann::json;

namespace {

// The model with every empty string made null, so that a template's
// {{#field}} section is left out for an empty value as for a missing one.
json Blanked(json j) {
  if (j.is_string() && j.get_ref<const std::string&>().empty()) return nullptr;
  if (j.is_object() || j.is_array()) {
    for (auto& v : j) v = Blanked(std::move(v));
  }
  return j;
}

}  // namespace

std::string ConsultationTime(TimestampMs ms) { return FormatUtcMinute(ms); }

void ConsultationsModule::AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const {
  nav.push_back({38, "/consultations", T(ctx, "nav_consultations"), true, ""});
  nav.push_back({39, "/action-points", T(ctx, "nav_action_points"), true, ""});
}

void ConsultationsModule::RegisterRoutes() {
  Route("GET", "/consultations", Access::kPublic, &ConsultationsModule::ListPage);
  Route("GET", "/consultations.ics", Access::kPublic, &ConsultationsModule::AllIcs);
  Route("GET", "/consultations/{key}", Access::kPublic, &ConsultationsModule::ConsultationPage);
  Route("POST", "/consultations", Access::kSignedIn, &ConsultationsModule::CreateForm);
  Route("POST", "/consultations/{key}/register", Access::kPublic, &ConsultationsModule::Register);
  Route("POST", "/consultations/{key}/sessions", Access::kSignedIn, &ConsultationsModule::SessionForm);
  Route("POST", "/consultations/{key}/action-points", Access::kSignedIn, &ConsultationsModule::PointForm);
  Route("GET", "/consultations/{key}/edit", Access::kSignedIn, &ConsultationsModule::EditPage);
  Route("POST", "/consultations/{key}/edit", Access::kSignedIn, &ConsultationsModule::EditForm);
  Route("GET", "/consultations/{key}/sessions/{session}/edit", Access::kSignedIn,
        &ConsultationsModule::SessionEditPage);
  Route("POST", "/consultations/{key}/sessions/{session}/edit", Access::kSignedIn,
        &ConsultationsModule::SessionEditForm);
  StreamingRoute("POST", "/consultations/{key}/documents", Access::kSignedIn,
                 &ConsultationsModule::DocumentForm);
  Route("POST", "/consultations/{key}/documents/{doc}/delete", Access::kSignedIn,
        &ConsultationsModule::DocumentRemoveForm);
  Route("GET", "/consultations/{key}/registrations.csv", Access::kSignedIn,
        &ConsultationsModule::RegistrationsCsv);
  Route("GET", "/registrations/{token}", Access::kPublic, &ConsultationsModule::RegistrationPage);
  Route("POST", "/registrations/{token}/cancel", Access::kPublic, &ConsultationsModule::RegistrationCancel);
  Route("GET", "/action-points", Access::kPublic, &ConsultationsModule::TrackerPage);
  Route("GET", "/action-points.csv", Access::kPublic, &ConsultationsModule::TrackerCsv);
  Route("GET", "/action-points.atom", Access::kPublic, &ConsultationsModule::TrackerAtom);
  Route("GET", "/action-points/{id}", Access::kPublic, &ConsultationsModule::PointPage);
  Route("POST", "/action-points/{id}/progress", Access::kSignedIn, &ConsultationsModule::PointProgress);
  Route("POST", "/action-points/{id}/status", Access::kSignedIn, &ConsultationsModule::PointStatusChange);
  Route("GET", "/action-points/{id}/edit", Access::kSignedIn, &ConsultationsModule::PointEditPage);
  Route("POST", "/action-points/{id}/edit", Access::kSignedIn, &ConsultationsModule::PointEditForm);
  Route("POST", "/action-points/{id}/milestones", Access::kSignedIn, &ConsultationsModule::MilestoneForm);
  Route("POST", "/action-points/{id}/carry-over", Access::kSignedIn, &ConsultationsModule::CarryOverForm);
  Route("POST", "/action-points/{id}/follow", Access::kSignedIn, &ConsultationsModule::FollowForm);

  Route("GET", "/api/v1/consultations", Access::kPublic, &ConsultationsModule::ApiList);
  Route("POST", "/api/v1/consultations", Access::kSignedIn, &ConsultationsModule::ApiCreate);
  Route("GET", "/api/v1/consultations/{key}", Access::kPublic, &ConsultationsModule::ApiGet);
  Route("PUT", "/api/v1/consultations/{key}", Access::kSignedIn, &ConsultationsModule::ApiUpdate);
  Route("POST", "/api/v1/consultations/{key}/sessions", Access::kSignedIn,
        &ConsultationsModule::ApiAddSession);
  Route("POST", "/api/v1/consultations/{key}/action-points", Access::kSignedIn,
        &ConsultationsModule::ApiAddPoint);
  Route("POST", "/api/v1/consultations/{key}/registrations", Access::kPublic,
        &ConsultationsModule::ApiRegister);
  Route("GET", "/api/v1/consultations/{key}/registrations", Access::kSignedIn,
        &ConsultationsModule::ApiRegistrations);
  Route("GET", "/api/v1/consultations/{key}/documents", Access::kPublic, &ConsultationsModule::ApiDocuments);
  StreamingRoute("POST", "/api/v1/consultations/{key}/documents", Access::kSignedIn,
                 &ConsultationsModule::ApiAddDocument);
  Route("DELETE", "/api/v1/consultations/{key}/documents/{doc}", Access::kSignedIn,
        &ConsultationsModule::ApiRemoveDocument);
  Route("DELETE", "/api/v1/registrations/{token}", Access::kPublic,
        &ConsultationsModule::ApiCancelRegistration);
  Route("GET", "/api/v1/action-points", Access::kPublic, &ConsultationsModule::ApiTracker);
  Route("GET", "/api/v1/action-points/{id}", Access::kPublic, &ConsultationsModule::ApiPoint);
  Route("POST", "/api/v1/action-points/{id}/progress", Access::kSignedIn, &ConsultationsModule::ApiProgress);
  Route("POST", "/api/v1/action-points/{id}/status", Access::kSignedIn, &ConsultationsModule::ApiStatus);
  Route("POST", "/api/v1/action-points/{id}/carry-over", Access::kSignedIn,
        &ConsultationsModule::ApiCarryOver);
  Route("PUT", "/api/v1/action-points/{id}/follow", Access::kSignedIn, &ConsultationsModule::ApiFollow);
  Route("DELETE", "/api/v1/action-points/{id}/follow", Access::kSignedIn, &ConsultationsModule::ApiFollow);
}

// --- helpers ---

Result<Consultation> ConsultationsModule::FindConsultation(const std::string& key) {
  if (key.empty() || key.size() > 80) return Status::NotFound("no such consultation");
  return services_.consultations->FindConsultation(key);
}

Result<consultations::Id> ConsultationsModule::PointId(const Context& ctx) const {
  const std::string& id = ctx.req.params.at("id");
  if (!IsDigits(id) || id.size() > 18) return Status::NotFound("no such action point");
  return std::stoll(id);
}

Result<consultations::PointFilter> ConsultationsModule::FilterFromQuery(const Context& ctx) const {
  auto q = [&](const char* name) { return ctx.req.QueryParam(name).value_or(""); };
  return services_.consultations->ParseFilter(q("year"), q("owner"), q("status"), q("theme"));
}

std::string ConsultationsModule::OwnerLabel(const Context& ctx, const consultations::Owner& o) const {
  if (o.kind == consultations::OwnerKind::kOrganisation) return o.name;
  return T(ctx, "cn_owner_" + std::string(consultations::ToString(o.kind)));
}

std::string ConsultationsModule::LinkHref(const consultations::PointLink& l) {
  std::string id = std::to_string(l.target_id);
  switch (l.kind) {
    case consultations::LinkKind::kCampaign: return "/campaigns/" + id;
    case consultations::LinkKind::kWorkingGroup: return "/groups/" + id;
    case consultations::LinkKind::kThread: return "/threads/" + id;
    case consultations::LinkKind::kPractice: return "/practices/" + id;
    case consultations::LinkKind::kLibraryItem: return "/library/" + id;
    case consultations::LinkKind::kEvidenceQuery: return "/api/v1/evidence/queries/" + id;
  }
  return "/";
}

json ConsultationsModule::SessionJson(const Context& ctx, const consultations::Session& s) const {
  json speakers = json::array();
  for (const auto& p : s.speakers)
    speakers.push_back({{"name", p.name}, {"role", p.role}, {"organisation", p.organisation}});
  json j = {{"id", s.id},
            {"starts", s.starts},
            {"ends", s.ends},
            {"date", s.starts.substr(0, 10)},
            {"from", s.starts.substr(11)},
            {"to", s.ends.substr(11)},
            {"type", std::string(consultations::ToString(s.type))},
            {"type_label", T(ctx, "cn_type_" + std::string(consultations::ToString(s.type)))},
            {"title", Pick(s.title, ctx.lang)},
            {"description", Pick(s.description, ctx.lang)},
            {"titles", s.title.empty() ? json::object() : json(s.title)},
            {"descriptions", s.description.empty() ? json::object() : json(s.description)},
            {"speakers", speakers},
            {"has_speakers", !speakers.empty()},
            {"conclusions", s.conclusions},
            {"conclusions_html", text::RenderMarkdown(s.conclusions)},
            {"has_conclusions", !s.conclusions.empty()},
            {"online_url", s.online_url}};
  j["moderator"] = s.moderator ? json{{"name", s.moderator->name},
                                      {"role", s.moderator->role},
                                      {"organisation", s.moderator->organisation}}
                               : json(nullptr);
  return j;
}

json ConsultationsModule::ConsultationJson(const Context& ctx, const Consultation& c,
                                           bool with_sessions) const {
  json j = {{"id", c.id},
            {"slug", c.slug},
            {"title", c.title},
            {"year", c.year},
            {"edition", c.edition},
            {"starts_on", c.starts_on},
            {"ends_on", c.ends_on},
            {"time_zone", c.time_zone},
            {"venue", c.venue},
            {"online_url", c.online_url},
            {"organisers", c.organisers},
            {"languages", c.languages},
            {"participants", c.participants},
            {"status", std::string(consultations::ToString(c.status))},
            {"status_label", T(ctx, "cn_status_" + std::string(consultations::ToString(c.status)))},
            {"capacity", c.capacity},
            {"version", c.version},
            {"href", "/consultations/" + c.slug},
            {"ics", "/consultations/" + c.slug + ".ics"}};
  if (with_sessions) {
    json sessions = json::array();
    for (const auto& s : c.sessions) sessions.push_back(SessionJson(ctx, s));
    j["sessions"] = sessions;
  }
  return j;
}

json ConsultationsModule::UpdateJson(const consultations::ProgressUpdate& u) const {
  return {{"id", u.id},
          {"point_id", u.point_id},
          {"at", ConsultationTime(u.at)},
          {"text", u.text},
          {"links", u.links},
          {"author", u.author_name},
          {"progress", u.progress >= 0 ? json(u.progress) : json(nullptr)}};
}

json ConsultationsModule::PointJson(const Context& ctx, const ActionPoint& p,
                                    const std::string& today) const {
  json owners = json::array();
  std::string owner_names;
  for (const auto& o : p.owners) {
    std::string label = OwnerLabel(ctx, o);
    owners.push_back({{"kind", std::string(consultations::ToString(o.kind))},
                      {"organisation", o.slug.empty() ? json(nullptr) : json(o.slug)},
                      {"name", label}});
    owner_names += (owner_names.empty() ? "" : ", ") + label;
  }
  json links = json::array();
  for (const auto& l : p.links)
    links.push_back({{"kind", std::string(consultations::ToString(l.kind))},
                     {"target_id", l.target_id},
                     {"label", l.label},
                     {"href", LinkHref(l)}});
  json milestones = json::array();
  for (const auto& m : p.milestones)
    milestones.push_back({{"date", m.date}, {"text", m.text}, {"reached", m.reached}});
  std::string status(consultations::ToString(p.status));
  json j = {{"id", p.id},
            {"href", "/action-points/" + std::to_string(p.id)},
            {"consultation_id", p.consultation_id},
            {"year", p.consultation_year},
            {"number", p.number},
            {"parent_id", p.parent_id ? json(*p.parent_id) : json(nullptr)},
            {"is_sub_point", p.parent_id.has_value()},
            {"text", Pick(p.text, ctx.lang)},
            {"texts", p.text.empty() ? json::object() : json(p.text)},
            {"session_id", p.session_id ? json(*p.session_id) : json(nullptr)},
            {"owners", owners},
            {"owner_names", owner_names},
            {"target_date", p.target_date},
            {"status", status},
            {"status_label", T(ctx, "cn_point_" + status)},
            {"progress", p.progress},
            {"weight", p.weight},
            {"overdue", consultations::IsOverdue(p, today)},
            {"themes", p.themes},
            {"links", links},
            {"has_links", !links.empty()},
            {"milestones", milestones},
            {"has_milestones", !milestones.empty()},
            {"carried_from", p.carried_from ? json(*p.carried_from) : json(nullptr)},
            {"carried_to", p.carried_to ? json(*p.carried_to) : json(nullptr)},
            {"version", p.version},
            {"updated_at", ConsultationTime(p.updated_at)}};
  j["latest"] = p.latest ? UpdateJson(*p.latest) : json(nullptr);
  return j;
}

json ConsultationsModule::RegistrationJson(const consultations::Registration& r) const {
  return {{"id", r.id},
          {"consultation_id", r.consultation_id},
          {"name", r.name},
          {"email", r.email},
          {"organisation", r.organisation},
          {"state", std::string(consultations::ToString(r.state))},
          {"created_at", ConsultationTime(r.created_at)}};
}

json ConsultationsModule::SummaryJson(const Context& ctx, const consultations::TrackerSummary& s) const {
  json by_status = json::object();
  std::string line = Fill(Fill(T(ctx, "cn_summary"), "{year}", std::to_string(s.since_year)), "{n}",
                          std::to_string(s.total));
  for (PointStatus st : consultations::kPointStatuses) {
    auto it = s.by_status.find(st);
    int n = it == s.by_status.end() ? 0 : it->second;
    by_status[std::string(consultations::ToString(st))] = n;
    if (n > 0)
      line +=
          ", " + T(ctx, "cn_point_" + std::string(consultations::ToString(st))) + ": " + std::to_string(n);
  }
  if (s.overdue > 0) line += "; " + T(ctx, "cn_overdue") + ": " + std::to_string(s.overdue);
  return {{"since_year", s.since_year ? json(s.since_year) : json(nullptr)},
          {"total", s.total},
          {"by_status", by_status},
          {"overdue", s.overdue},
          {"line", s.total > 0 ? line : T(ctx, "cn_summary_none")}};
}

Response ConsultationsModule::View(Context& ctx, const std::string& tmpl, const std::string& title,
                                   json model, int status) {
  return Page(ctx, tmpl, title, Blanked(std::move(model)), status);
}

json ConsultationsModule::Errors(const Context& ctx, const Status& error, json& model) const {
  json list = ErrorList(ctx, error);
  for (auto& e : list) {
    // This module's own labels first: field names such as "year" mean
    // something else in other modules' catalogues.
    std::string key = "cn_field_" + e["field"].get<std::string>();
    const std::string& label = T(ctx, key);
    if (label != key) e["label"] = label;
  }
  model["errors"] = list;
  model["has_errors"] = true;
  for (const auto& [field, message] : FieldMessages(ctx, error)) model["error_" + field] = message;
  return list;
}

// --- consultations ---

Response ConsultationsModule::ListPage(Context& ctx) { return ListView(ctx, Status::Ok()); }

Response ConsultationsModule::ListView(Context& ctx, const Status& error) {
  auto list = services_.consultations->ListConsultations();
  if (!list.ok()) return Error(ctx, list.status());
  json items = json::array();
  for (const auto& c : *list) {
    json item = ConsultationJson(ctx, c, false);
    if (c.ends_on == c.starts_on) item["ends_on"] = nullptr;  // one day
    items.push_back(item);
  }
  json model = {{"items", items}, {"has_items", !items.empty()}};
  model["can_organise"] = services_.consultations->MayOrganise(ctx.actor());
  if (model["can_organise"].get<bool>()) model["create_form"] = json::object();
  if (!error.ok()) {
    json form = json::object();
    Errors(ctx, error, form);
    for (const auto& [k, v] : FormEcho(ctx)) form["f_" + k] = v;
    model["create_form"] = form;
  }
  return View(ctx, "consultations/list", T(ctx, "cn_title"), model, error.ok() ? 200 : 422);
}

Response ConsultationsModule::ConsultationPage(Context& ctx) {
  std::string key = ctx.req.params.at("key");
  bool ics = key.size() > 4 && key.ends_with(".ics");
  if (ics) key.resize(key.size() - 4);
  auto c = FindConsultation(key);
  if (!c.ok()) return Error(ctx, c.status());
  if (ics) return Ics({*c}, ctx.lang, "consultation-" + c->slug + ".ics");
  return ConsultationView(ctx, *c, {}, Status::Ok(), 200);
}

Response ConsultationsModule::ConsultationView(Context& ctx, const Consultation& c,
                                               const consultations::RegistrationInput& values,
                                               const Status& error, int status, const std::string& form) {
  json model = ConsultationJson(ctx, c, true);
  if (c.ends_on == c.starts_on) model["ends_on"] = nullptr;  // one day
  model["has_sessions"] = !c.sessions.empty();
  model["has_participants"] = !c.participants.empty();
  model["organisers_line"] = JoinStrings(c.organisers, ", ");
  consultations::PointFilter f;
  f.consultation_id = c.id;
  auto tracker = services_.consultations->Track(f);
  if (!tracker.ok()) return Error(ctx, tracker.status());
  json points = json::array();
  for (const auto& p : tracker->points) points.push_back(PointJson(ctx, p, tracker->today));
  model["points"] = points;
  model["has_points"] = !points.empty();
  auto documents = DocumentsJson(ctx, c.id);
  if (!documents.ok()) return Error(ctx, documents.status());
  model["documents"] = *documents;
  model["has_documents"] = !documents->empty();
  model["open_registration"] = c.status == ConsultationStatus::kPlanned && c.capacity > 0;
  model["can_organise"] = services_.consultations->MayOrganise(ctx.actor());
  model["reg_name"] = values.name;
  model["reg_email"] = values.email;
  model["reg_organisation"] = values.organisation;
  if (model["can_organise"].get<bool>()) {
    json types = json::array();
    for (const char* code : {"plenary", "panel", "breakout", "interactive"})
      types.push_back({{"value", code}, {"label", T(ctx, std::string("cn_type_") + code)}});
    model["session_types"] = types;
    json sessions = json::array();
    for (const auto& s : c.sessions) sessions.push_back({{"id", s.id}, {"title", Pick(s.title, ctx.lang)}});
    model["session_choices"] = sessions;
    json parents = json::array();
    for (const auto& p : tracker->points) {
      if (!p.parent_id) parents.push_back({{"id", p.id}, {"number", p.number}});
    }
    model["parent_choices"] = parents;
    model["day"] = c.starts_on;
    model["session_form"] = json::object();
    model["point_form"] = json::object();
  }
  if (!error.ok()) {
    if (form == "register") {
      Errors(ctx, error, model);
    } else {
      // An organiser's form: its own errors, and what was typed kept.
      json errors = json::object();
      Errors(ctx, error, errors);
      model[form] = errors;
      for (const auto& [k, v] : FormEcho(ctx)) model[form]["f_" + k] = v;
    }
  }
  return View(ctx, "consultations/consultation", c.title, model, status);
}

Response ConsultationsModule::Register(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  consultations::RegistrationInput in{ctx.Form("name"), ctx.Form("email"), ctx.Form("organisation")};
  auto r = services_.consultations->Register(ctx.actor(), c->id, in);
  if (!r.ok()) {
    if (r.status().kind() == Status::Kind::kValidation) return ConsultationView(ctx, *c, in, r.status(), 422);
    return Error(ctx, r.status());
  }
  std::string flash = r->state == consultations::RegistrationState::kConfirmed ? "flash_cn_registered"
                                                                               : "flash_cn_waitlisted";
  return Response::Redirect("/registrations/" + r->token + "?msg=" + flash);
}

Response ConsultationsModule::RegistrationPage(Context& ctx) {
  auto r = services_.consultations->FindRegistration(ctx.req.params.at("token"));
  if (!r.ok()) return Error(ctx, r.status());
  auto c = services_.consultations->GetConsultation(r->consultation_id);
  if (!c.ok()) return Error(ctx, c.status());
  json model = RegistrationJson(*r);
  model["token"] = r->token;
  model["consultation"] = ConsultationJson(ctx, *c, false);
  model["state_label"] = T(ctx, "cn_reg_" + std::string(consultations::ToString(r->state)));
  model["can_cancel"] = r->state != consultations::RegistrationState::kCancelled;
  Response resp = View(ctx, "consultations/registration", c->title, model);
  resp.Set("Cache-Control", "no-store");
  resp.Set("Referrer-Policy", "no-referrer");
  return resp;
}

Response ConsultationsModule::RegistrationCancel(Context& ctx) {
  const std::string& token = ctx.req.params.at("token");
  auto r = services_.consultations->CancelRegistration(token);
  if (!r.ok()) return Error(ctx, r.status());
  return Response::Redirect("/registrations/" + token + "?msg=flash_cn_cancelled");
}

// --- action points ---

Response ConsultationsModule::TrackerPage(Context& ctx) {
  auto q = [&](const char* name) { return ctx.req.QueryParam(name).value_or(""); };
  auto filter = FilterFromQuery(ctx);
  json model = {{"year", q("year")}, {"owner", q("owner")}, {"status", q("status")}, {"theme", q("theme")}};
  std::string query = ctx.req.target.find('?') != std::string::npos
                          ? ctx.req.target.substr(ctx.req.target.find('?'))
                          : std::string();
  model["json_href"] = "/api/v1/action-points" + query;
  model["csv_href"] = "/action-points.csv" + query;
  // The choices come from every point, whatever the filter.
  auto all = services_.consultations->Track({});
  if (!all.ok()) return Error(ctx, all.status());
  std::set<int> years;
  std::set<std::string> themes;
  std::map<std::string, std::string> owners;  // value -> label
  for (const auto& p : all->points) {
    years.insert(p.consultation_year);
    for (const auto& t : p.themes) themes.insert(t);
    for (const auto& o : p.owners) {
      owners[o.kind == consultations::OwnerKind::kOrganisation
                 ? o.slug
                 : std::string(consultations::ToString(o.kind))] = OwnerLabel(ctx, o);
    }
  }
  json year_opts = json::array();
  for (int y : years)
    year_opts.push_back({{"value", std::to_string(y)}, {"selected", q("year") == std::to_string(y)}});
  json theme_opts = json::array();
  for (const auto& t : themes) theme_opts.push_back({{"value", t}, {"selected", q("theme") == t}});
  json status_opts = json::array();
  for (PointStatus st : consultations::kPointStatuses) {
    std::string code(consultations::ToString(st));
    status_opts.push_back(
        {{"value", code}, {"label", T(ctx, "cn_point_" + code)}, {"selected", q("status") == code}});
  }
  json owner_opts = json::array();
  for (const auto& [value, label] : owners)
    owner_opts.push_back({{"value", value}, {"label", label}, {"selected", q("owner") == value}});
  model["years"] = year_opts;
  model["themes"] = theme_opts;
  model["statuses"] = status_opts;
  model["owners"] = owner_opts;
  if (!filter.ok()) {
    if (filter.status().kind() != Status::Kind::kValidation) return Error(ctx, filter.status());
    Errors(ctx, filter.status(), model);
    return View(ctx, "consultations/tracker", T(ctx, "cn_tracker_title"), model, 422);
  }
  bool unfiltered =
      !filter->year && !filter->owner_kind && !filter->owner_org && !filter->status && filter->theme.empty();
  // Unfiltered, the list is the one just read for the choices.
  auto t = unfiltered ? all : services_.consultations->Track(*filter);
  if (!t.ok()) return Error(ctx, t.status());
  json points = json::array();
  for (const auto& p : t->points) points.push_back(PointJson(ctx, p, t->today));
  model["points"] = points;
  model["has_points"] = !points.empty();
  model["summary"] = SummaryJson(ctx, all->summary);
  // The filtered count only when a filter narrows the list; unfiltered it
  // would repeat the summary above.
  if (!unfiltered) model["filtered_summary"] = SummaryJson(ctx, t->summary);
  return View(ctx, "consultations/tracker", T(ctx, "cn_tracker_title"), model);
}

Response ConsultationsModule::PointPage(Context& ctx) {
  auto id = PointId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto p = services_.consultations->GetPoint(*id);
  if (!p.ok()) return Error(ctx, p.status());
  return PointView(ctx, *p, Status::Ok(), 200);
}

Response ConsultationsModule::PointView(Context& ctx, const ActionPoint& p, const Status& error, int status,
                                        const std::string& form) {
  std::string today = services_.consultations->Today();
  json model = PointJson(ctx, p, today);
  auto c = services_.consultations->GetConsultation(p.consultation_id);
  if (!c.ok()) return Error(ctx, c.status());
  model["consultation"] = ConsultationJson(ctx, *c, false);
  for (const auto& s : c->sessions) {
    if (p.session_id == s.id) model["session"] = SessionJson(ctx, s);
  }
  auto subs = services_.consultations->SubPoints(p.id);
  if (!subs.ok()) return Error(ctx, subs.status());
  json sub = json::array();
  for (const auto& s : *subs) sub.push_back(PointJson(ctx, s, today));
  model["sub_points"] = sub;
  model["has_sub_points"] = !sub.empty();
  if (!subs->empty()) {
    consultations::PointFilter f;
    f.consultation_id = p.consultation_id;
    auto t = services_.consultations->Track(f);
    if (!t.ok()) return Error(ctx, t.status());
    for (const auto& x : t->points) {
      if (x.id == p.id) model["progress"] = x.progress;
    }
  }
  auto updates = services_.consultations->ListUpdates(p.id);
  if (!updates.ok()) return Error(ctx, updates.status());
  json ups = json::array();
  for (auto it = updates->rbegin(); it != updates->rend(); ++it) {
    json u = UpdateJson(*it);
    u["html"] = text::RenderMarkdown(it->text);
    ups.push_back(u);
  }
  model["updates"] = ups;
  model["has_updates"] = !ups.empty();
  auto revs = services_.consultations->ListRevisions("action_point", p.id);
  if (!revs.ok()) return Error(ctx, revs.status());
  json history = json::array();
  for (const auto& r : *revs)
    history.push_back({{"version", r.version},
                       {"at", ConsultationTime(r.at)},
                       {"who", r.actor_label},
                       {"action", r.action},
                       {"note", r.note}});
  model["history"] = history;
  model["can_post"] =
      services_.consultations->MayPostProgress(ctx.actor(), p) && p.status != PointStatus::kCarriedOver;
  json next = json::array();
  for (PointStatus st : consultations::kPointStatuses) {
    if (!consultations::TransitionAllowed(p.status, st)) continue;
    std::string code(consultations::ToString(st));
    next.push_back({{"value", code}, {"label", T(ctx, "cn_point_" + code)}});
  }
  model["next_statuses"] = next;
  model["can_status"] = services_.consultations->MayChangeStatus(ctx.actor(), p) && !next.empty();
  model["form_text"] = ctx.Form("text");
  model["form_links"] = ctx.Form("links");
  model["form_progress"] = ctx.Form("progress");
  if (ctx.actor().user) {
    auto following = services_.consultations->IsFollowingPoint(ctx.actor(), p.id);
    if (!following.ok()) return Error(ctx, following.status());
    model["can_follow"] = true;
    model["following"] = *following;
  }
  if (services_.consultations->MayOrganise(ctx.actor())) {
    model["can_organise"] = true;
    model["milestone_form"] = json::object();
    if (p.status != PointStatus::kCarriedOver && !p.parent_id) {
      // Any other consultation may be chosen: an older one is refused with
      // the field's error, as the API does.
      auto list = services_.consultations->ListConsultations();
      if (!list.ok()) return Error(ctx, list.status());
      json targets = json::array();
      for (const auto& x : *list) {
        if (x.id == p.consultation_id) continue;
        targets.push_back(
            {{"value", x.slug}, {"label", x.title}, {"selected", ctx.Form("carry_to") == x.slug}});
      }
      if (!targets.empty()) model["carry_form"] = {{"targets", targets}};
    }
  }
  if (!error.ok()) {
    if (form.empty()) {
      Errors(ctx, error, model);
    } else {
      // An organiser's form: its own errors, and what was typed kept.
      json errors = model.contains(form) ? model[form] : json::object();
      Errors(ctx, error, errors);
      for (const auto& [k, v] : FormEcho(ctx)) errors["f_" + k] = v;
      model[form] = errors;
    }
  }
  std::string title = T(ctx, "cn_point") + " " + std::to_string(p.consultation_year) + "/" + p.number;
  return View(ctx, "consultations/point", title, model, status);
}

Response ConsultationsModule::PointProgress(Context& ctx) {
  auto id = PointId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  consultations::ProgressInput in{ctx.Form("text"), SplitList(ctx.Form("links")), ctx.Form("progress")};
  auto r = services_.consultations->PostProgress(ctx.actor(), *id, in);
  if (!r.ok()) {
    if (r.status().kind() != Status::Kind::kValidation) return Error(ctx, r.status());
    auto p = services_.consultations->GetPoint(*id);
    if (!p.ok()) return Error(ctx, p.status());
    return PointView(ctx, *p, r.status(), 422);
  }
  return Response::Redirect("/action-points/" + std::to_string(*id) + "?msg=flash_cn_progress");
}

Response ConsultationsModule::PointStatusChange(Context& ctx) {
  auto id = PointId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  std::int64_t version = 0;
  std::string v = ctx.Form("version");
  if (!v.empty()) {
    if (!IsDigits(v) || v.size() > 18) return Error(ctx, FieldError("version", "stale", "is not a version"));
    version = std::stoll(v);
  }
  auto r =
      services_.consultations->SetStatus(ctx.actor(), *id, ctx.Form("status"), version, ctx.Form("note"));
  if (!r.ok()) {
    if (r.status().kind() != Status::Kind::kValidation) return Error(ctx, r.status());
    auto p = services_.consultations->GetPoint(*id);
    if (!p.ok()) return Error(ctx, p.status());
    return PointView(ctx, *p, r.status(), 422);
  }
  return Response::Redirect("/action-points/" + std::to_string(*id) + "?msg=flash_cn_status");
}

}  // namespace waymark::web
