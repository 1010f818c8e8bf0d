// The organisers' forms of the consultations module, without JavaScript: a
// new consultation (on /consultations), a session of the agenda and an
// action point (on the consultation's page); the edit pages of a
// consultation, a session and a point; a milestone and carrying a point
// over (on the point's page). A refused form is shown again with its errors
// and what was typed.
#include "core/strings.h"
#include "web/consultations/consultations_module.h"
#include "web/helpers.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;

namespace {

constexpr const char* kEchoed[] = {"title",          "year",
                                   "starts_on",      "ends_on",
                                   "time_zone",      "venue",
                                   "online_url",     "organisers",
                                   "participants",   "status",
                                   "capacity",       "date",
                                   "from",           "to",
                                   "type",           "title_en",
                                   "title_fr",       "title_es",
                                   "description_en", "description_fr",
                                   "description_es", "moderator_name",
                                   "moderator_role", "moderator_organisation",
                                   "speakers",       "conclusions",
                                   "number",         "parent",
                                   "text_en",        "text_fr",
                                   "text_es",        "session",
                                   "owners",         "target_date",
                                   "weight",         "themes",
                                   "edition",        "milestone_date",
                                   "milestone_text", "carry_to",
                                   "carry_number"};

consultations::Localized ByLanguage(const Context& ctx, const std::string& prefix) {
  consultations::Localized out;
  for (const char* lang : {"en", "fr", "es"}) {
    std::string v = ctx.Form(prefix + "_" + lang);
    if (!v.empty()) out[lang] = v;
  }
  return out;
}

// "Name; role; organisation", one person per line.
std::vector<consultations::Person> People(const std::string& text) {
  std::vector<consultations::Person> out;
  for (auto line : Split(text, '\n')) {
    std::string l(TrimAscii(line));
    if (l.empty()) continue;
    consultations::Person p;
    auto parts = Split(l, ';');
    if (!parts.empty()) p.name = std::string(TrimAscii(parts[0]));
    if (parts.size() > 1) p.role = std::string(TrimAscii(parts[1]));
    if (parts.size() > 2) p.organisation = std::string(TrimAscii(parts[2]));
    out.push_back(p);
  }
  return out;
}

std::optional<consultations::Id> OptionalId(const std::string& v) {
  if (v.empty() || !IsDigits(v) || v.size() > 18) return std::nullopt;
  return std::stoll(v);
}

// Owners as typed: iom, all_csos or organisations' short names.
std::vector<consultations::OwnerInput> OwnersOf(const std::string& text) {
  std::vector<consultations::OwnerInput> out;
  for (const auto& o : SplitList(text)) {
    bool kind = o == "iom" || o == "all_csos";
    out.push_back({kind ? o : "organisation", kind ? "" : o});
  }
  return out;
}

std::string OwnersText(const consultations::ActionPoint& p) {
  std::string out;
  for (const auto& o : p.owners) {
    if (!out.empty()) out += ", ";
    out += o.kind == consultations::OwnerKind::kOrganisation ? o.slug
                                                             : std::string(consultations::ToString(o.kind));
  }
  return out;
}

// The point as it is, as the input that would store it unchanged.
consultations::PointInput InputOf(const consultations::ActionPoint& p) {
  consultations::PointInput in;
  in.number = p.number;
  in.parent_id = p.parent_id;
  in.text = p.text;
  in.session_id = p.session_id;
  for (const auto& o : p.owners) in.owners.push_back({std::string(consultations::ToString(o.kind)), o.slug});
  in.target_date = p.target_date;
  in.weight = std::to_string(p.weight);
  in.themes = p.themes;
  in.links = p.links;
  in.milestones = p.milestones;
  return in;
}

// The version a form was based on; 0 (any) when absent.
Result<std::int64_t> FormVersion(const Context& ctx) {
  std::string v = ctx.Form("version");
  if (v.empty()) return std::int64_t{0};
  if (!IsDigits(v) || v.size() > 18) return Site::FieldError("version", "stale", "is not a version");
  return std::int64_t{std::stoll(v)};
}

std::string Lines(const std::vector<std::string>& list) { return JoinStrings(list, "\n"); }

json SessionFormValues(const consultations::Session& s) {
  json f = {{"f_date", s.starts.substr(0, 10)}, {"f_from", s.starts.substr(11)},
            {"f_to", s.ends.substr(11)},        {"f_type", std::string(consultations::ToString(s.type))},
            {"f_conclusions", s.conclusions},   {"f_online_url", s.online_url}};
  for (const char* lang : {"en", "fr", "es"}) {
    if (auto it = s.title.find(lang); it != s.title.end()) f[std::string("f_title_") + lang] = it->second;
    if (auto it = s.description.find(lang); it != s.description.end())
      f[std::string("f_description_") + lang] = it->second;
  }
  if (s.moderator) {
    f["f_moderator_name"] = s.moderator->name;
    f["f_moderator_role"] = s.moderator->role;
    f["f_moderator_organisation"] = s.moderator->organisation;
  }
  std::string speakers;
  for (const auto& p : s.speakers) {
    speakers.append(p.name).append("; ").append(p.role).append("; ").append(p.organisation).append("\n");
  }
  f["f_speakers"] = speakers;
  return f;
}

// What the session form sent; `day` when it names no date.
consultations::SessionInput SessionInputOf(const Context& ctx, const std::string& day) {
  consultations::SessionInput in;
  std::string date = ctx.Form("date").empty() ? day : ctx.Form("date");
  in.starts = date + "T" + ctx.Form("from");
  in.ends = date + "T" + ctx.Form("to");
  in.type = ctx.Form("type");
  in.title = ByLanguage(ctx, "title");
  in.description = ByLanguage(ctx, "description");
  if (!ctx.Form("moderator_name").empty() || !ctx.Form("moderator_organisation").empty())
    in.moderator = consultations::Person{ctx.Form("moderator_name"), ctx.Form("moderator_role"),
                                         ctx.Form("moderator_organisation")};
  in.speakers = People(ctx.Form("speakers"));
  in.conclusions = ctx.Form("conclusions");
  in.online_url = ctx.Form("online_url");
  return in;
}

// The choices of a select, labelled by `label`, the one equal to `current`
// selected.
template <typename Label>
json Choices(std::initializer_list<const char*> codes, const std::string& current, const Label& label) {
  json out = json::array();
  for (const char* code : codes)
    out.push_back({{"value", code}, {"label", label(code)}, {"selected", current == code}});
  return out;
}

}  // namespace

std::map<std::string, std::string> ConsultationsModule::FormEcho(const Context& ctx) {
  std::map<std::string, std::string> out;
  for (const char* name : kEchoed) {
    if (ctx.HasForm(name)) out[name] = ctx.Form(name);
  }
  return out;
}

Response ConsultationsModule::CreateForm(Context& ctx) {
  consultations::ConsultationInput in;
  in.title = ctx.Form("title");
  in.year = ctx.Form("year");
  in.starts_on = ctx.Form("starts_on");
  in.ends_on = ctx.Form("ends_on");
  in.time_zone = ctx.Form("time_zone");
  in.venue = ctx.Form("venue");
  in.online_url = ctx.Form("online_url");
  in.organisers = SplitList(ctx.Form("organisers"));
  in.participants = SplitList(ctx.Form("participants"));
  in.status = ctx.Form("status");
  in.capacity = ctx.Form("capacity");
  auto c = services_.consultations->CreateConsultation(ctx.actor(), in);
  if (!c.ok()) {
    if (c.status().kind() != Status::Kind::kValidation) return Error(ctx, c.status());
    return ListView(ctx, c.status());
  }
  return Response::Redirect("/consultations/" + c->slug + "?msg=flash_cn_created");
}

Response ConsultationsModule::SessionForm(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  consultations::SessionInput in = SessionInputOf(ctx, c->starts_on);
  auto s = services_.consultations->AddSession(ctx.actor(), c->id, in);
  if (!s.ok()) {
    if (s.status().kind() != Status::Kind::kValidation) return Error(ctx, s.status());
    return ConsultationView(ctx, *c, {}, s.status(), 422, "session_form");
  }
  return Response::Redirect("/consultations/" + c->slug + "?msg=flash_cn_session_added#session-" +
                            std::to_string(s->id));
}

Response ConsultationsModule::PointForm(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  consultations::PointInput in;
  in.number = ctx.Form("number");
  in.parent_id = OptionalId(ctx.Form("parent"));
  in.text = ByLanguage(ctx, "text");
  in.session_id = OptionalId(ctx.Form("session"));
  in.owners = OwnersOf(ctx.Form("owners"));
  in.target_date = ctx.Form("target_date");
  in.weight = ctx.Form("weight");
  in.themes = SplitList(ctx.Form("themes"));
  auto p = services_.consultations->CreatePoint(ctx.actor(), c->id, in);
  if (!p.ok()) {
    if (p.status().kind() != Status::Kind::kValidation) return Error(ctx, p.status());
    return ConsultationView(ctx, *c, {}, p.status(), 422, "point_form");
  }
  return Response::Redirect("/action-points/" + std::to_string(p->id) + "?msg=flash_cn_point_added");
}

// --- editing ---

Result<consultations::Session> ConsultationsModule::FindSession(const Context& ctx,
                                                                const consultations::Consultation& c) const {
  const std::string& id = ctx.req.params.at("session");
  for (const auto& s : c.sessions) {
    if (IsDigits(id) && id.size() <= 18 && s.id == std::stoll(id)) return s;
  }
  return Status::NotFound("no such session");
}

Response ConsultationsModule::EditPage(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  if (!services_.consultations->MayOrganise(ctx.actor()))
    return Error(ctx, Status::PermissionDenied("only organisers edit consultations"));
  return EditView(ctx, *c, Status::Ok());
}

Response ConsultationsModule::EditView(Context& ctx, const consultations::Consultation& c,
                                       const Status& error, const std::string& form) {
  json model = ConsultationJson(ctx, c, true);
  std::string status(consultations::ToString(c.status));
  if (error.ok() || !form.empty()) {
    model["f_title"] = c.title;
    model["f_year"] = std::to_string(c.year);
    model["f_edition"] = c.edition > 0 ? std::to_string(c.edition) : "";
    model["f_starts_on"] = c.starts_on;
    model["f_ends_on"] = c.ends_on;
    model["f_time_zone"] = c.time_zone;
    model["f_venue"] = c.venue;
    model["f_online_url"] = c.online_url;
    model["f_organisers"] = JoinStrings(c.organisers, ", ");
    model["f_participants"] = Lines(c.participants);
    model["f_capacity"] = std::to_string(c.capacity);
  } else {
    Errors(ctx, error, model);
    for (const auto& [k, v] : FormEcho(ctx)) model["f_" + k] = v;
    status = ctx.Form("status");
  }
  // The documents, with the upload form (its errors and what was typed
  // after a refused upload).
  auto documents = DocumentsJson(ctx, c.id);
  if (!documents.ok()) return Error(ctx, documents.status());
  model["documents"] = *documents;
  model["has_documents"] = !documents->empty();
  // Its own key names ("d_"), so that none falls back on the consultation
  // form's in the template.
  json doc_form = json::object();
  bool refused = !error.ok() && form == "document_form";
  if (refused) {
    json errors = json::object();
    Errors(ctx, error, errors);
    for (const auto& [k, v] : errors.items()) doc_form["d_" + k] = v;
    doc_form["d_title"] = ctx.Form("title");
  }
  std::string kind = refused ? ctx.Form("kind") : "report";
  std::string language = refused ? ctx.Form("language") : "en";
  doc_form["kinds"] = Choices({"report", "agenda", "other"}, kind,
                              [&](const char* code) { return T(ctx, std::string("cn_doc_kind_") + code); });
  doc_form["languages"] = Choices({"en", "fr", "es"}, language,
                                  [&](const char* code) { return T(ctx, std::string("cn_lang_") + code); });
  model["document_form"] = doc_form;
  model["statuses"] = Choices({"planned", "held", "report_published"}, status,
                              [&](const char* code) { return T(ctx, std::string("cn_status_") + code); });
  json sessions = json::array();
  for (const auto& s : c.sessions)
    sessions.push_back({{"id", s.id},
                        {"title", consultations::Pick(s.title, ctx.lang)},
                        {"date", s.starts.substr(0, 10)},
                        {"from", s.starts.substr(11)},
                        {"to", s.ends.substr(11)}});
  model["session_links"] = sessions;
  model["has_sessions"] = !sessions.empty();
  return View(ctx, "consultations/edit", T(ctx, "cn_edit_consultation") + ": " + c.title, model,
              error.ok() ? 200 : 422);
}

Response ConsultationsModule::EditForm(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  auto version = FormVersion(ctx);
  if (!version.ok()) return Error(ctx, version.status());
  consultations::ConsultationInput in;
  in.slug = c->slug;
  in.title = ctx.Form("title");
  in.year = ctx.Form("year");
  in.edition = ctx.Form("edition");
  in.starts_on = ctx.Form("starts_on");
  in.ends_on = ctx.Form("ends_on");
  in.time_zone = ctx.Form("time_zone");
  in.venue = ctx.Form("venue");
  in.online_url = ctx.Form("online_url");
  in.organisers = SplitList(ctx.Form("organisers"));
  in.languages = c->languages;
  in.participants = SplitList(ctx.Form("participants"));
  in.status = ctx.Form("status");
  in.capacity = ctx.Form("capacity");
  auto out = services_.consultations->UpdateConsultation(ctx.actor(), c->id,
                                                         *version == 0 ? c->version : *version, in);
  if (!out.ok()) {
    if (out.status().kind() != Status::Kind::kValidation) return Error(ctx, out.status());
    return EditView(ctx, *c, out.status());
  }
  return Response::Redirect("/consultations/" + out->slug + "?msg=flash_cn_edited");
}

Response ConsultationsModule::SessionEditPage(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  auto s = FindSession(ctx, *c);
  if (!s.ok()) return Error(ctx, s.status());
  if (!services_.consultations->MayOrganise(ctx.actor()))
    return Error(ctx, Status::PermissionDenied("only organisers edit the agenda"));
  return SessionEditView(ctx, *c, *s, Status::Ok());
}

Response ConsultationsModule::SessionEditView(Context& ctx, const consultations::Consultation& c,
                                              const consultations::Session& s, const Status& error) {
  json model = {{"consultation", ConsultationJson(ctx, c, false)}, {"id", s.id}, {"slug", c.slug}};
  std::string type(consultations::ToString(s.type));
  if (error.ok()) {
    model.update(SessionFormValues(s));
  } else {
    Errors(ctx, error, model);
    for (const auto& [k, v] : FormEcho(ctx)) model["f_" + k] = v;
    type = ctx.Form("type");
  }
  model["session_types"] = Choices({"plenary", "panel", "breakout", "interactive"}, type,
                                   [&](const char* code) { return T(ctx, std::string("cn_type_") + code); });
  return View(ctx, "consultations/session_edit",
              T(ctx, "cn_edit_session") + ": " + consultations::Pick(s.title, ctx.lang), model,
              error.ok() ? 200 : 422);
}

Response ConsultationsModule::SessionEditForm(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  auto old = FindSession(ctx, *c);
  if (!old.ok()) return Error(ctx, old.status());
  consultations::SessionInput in = SessionInputOf(ctx, old->starts.substr(0, 10));
  auto s = services_.consultations->UpdateSession(ctx.actor(), c->id, old->id, in);
  if (!s.ok()) {
    if (s.status().kind() != Status::Kind::kValidation) return Error(ctx, s.status());
    return SessionEditView(ctx, *c, *old, s.status());
  }
  return Response::Redirect("/consultations/" + c->slug + "?msg=flash_cn_session_edited#session-" +
                            std::to_string(s->id));
}

Response ConsultationsModule::PointEditPage(Context& ctx) {
  auto id = PointId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto p = services_.consultations->GetPoint(*id);
  if (!p.ok()) return Error(ctx, p.status());
  if (!services_.consultations->MayOrganise(ctx.actor()))
    return Error(ctx, Status::PermissionDenied("only organisers edit action points"));
  return PointEditView(ctx, *p, Status::Ok());
}

Response ConsultationsModule::PointEditView(Context& ctx, const consultations::ActionPoint& p,
                                            const Status& error) {
  auto c = services_.consultations->GetConsultation(p.consultation_id);
  if (!c.ok()) return Error(ctx, c.status());
  json model = PointJson(ctx, p, services_.consultations->Today());
  model["consultation"] = ConsultationJson(ctx, *c, false);
  std::string parent = p.parent_id ? std::to_string(*p.parent_id) : "";
  std::string session = p.session_id ? std::to_string(*p.session_id) : "";
  if (error.ok()) {
    model["f_number"] = p.number;
    for (const char* lang : {"en", "fr", "es"}) {
      if (auto it = p.text.find(lang); it != p.text.end()) model[std::string("f_text_") + lang] = it->second;
    }
    model["f_owners"] = OwnersText(p);
    model["f_target_date"] = p.target_date;
    model["f_weight"] = std::to_string(p.weight);
    model["f_themes"] = JoinStrings(p.themes, ", ");
  } else {
    Errors(ctx, error, model);
    for (const auto& [k, v] : FormEcho(ctx)) model["f_" + k] = v;
    parent = ctx.Form("parent");
    session = ctx.Form("session");
  }
  json sessions = json::array();
  for (const auto& s : c->sessions)
    sessions.push_back({{"id", s.id},
                        {"title", consultations::Pick(s.title, ctx.lang)},
                        {"selected", std::to_string(s.id) == session}});
  model["session_choices"] = sessions;
  consultations::PointFilter f;
  f.consultation_id = c->id;
  auto tracker = services_.consultations->Track(f);
  if (!tracker.ok()) return Error(ctx, tracker.status());
  json parents = json::array();
  for (const auto& x : tracker->points) {
    if (!x.parent_id && x.id != p.id)
      parents.push_back({{"id", x.id}, {"number", x.number}, {"selected", std::to_string(x.id) == parent}});
  }
  model["parent_choices"] = parents;
  return View(ctx, "consultations/point_edit",
              T(ctx, "cn_edit_point") + " " + std::to_string(p.consultation_year) + "/" + p.number, model,
              error.ok() ? 200 : 422);
}

Response ConsultationsModule::PointEditForm(Context& ctx) {
  auto id = PointId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto version = FormVersion(ctx);
  if (!version.ok()) return Error(ctx, version.status());
  auto old = services_.consultations->GetPoint(*id);
  if (!old.ok()) return Error(ctx, old.status());
  // Links and milestones are not on this form: they are kept.
  consultations::PointInput in = InputOf(*old);
  in.number = ctx.Form("number");
  in.parent_id = OptionalId(ctx.Form("parent"));
  in.text = ByLanguage(ctx, "text");
  in.session_id = OptionalId(ctx.Form("session"));
  in.owners = OwnersOf(ctx.Form("owners"));
  in.target_date = ctx.Form("target_date");
  in.weight = ctx.Form("weight");
  in.themes = SplitList(ctx.Form("themes"));
  auto p = services_.consultations->UpdatePoint(ctx.actor(), *id, *version, in);
  if (!p.ok()) {
    if (p.status().kind() != Status::Kind::kValidation) return Error(ctx, p.status());
    return PointEditView(ctx, *old, p.status());
  }
  return Response::Redirect("/action-points/" + std::to_string(*id) + "?msg=flash_cn_point_edited");
}

Response ConsultationsModule::MilestoneForm(Context& ctx) {
  auto id = PointId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto version = FormVersion(ctx);
  if (!version.ok()) return Error(ctx, version.status());
  auto old = services_.consultations->GetPoint(*id);
  if (!old.ok()) return Error(ctx, old.status());
  consultations::PointInput in = InputOf(*old);
  in.milestones.push_back({ctx.Form("milestone_date"), ctx.Form("milestone_text"), false});
  auto p = services_.consultations->UpdatePoint(ctx.actor(), *id, *version, in);
  if (!p.ok()) {
    if (p.status().kind() != Status::Kind::kValidation) return Error(ctx, p.status());
    return PointView(ctx, *old, p.status(), 422, "milestone_form");
  }
  return Response::Redirect("/action-points/" + std::to_string(*id) + "?msg=flash_cn_milestone_added");
}

Response ConsultationsModule::CarryOverForm(Context& ctx) {
  auto id = PointId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  if (!services_.consultations->MayOrganise(ctx.actor()))
    return Error(ctx, Status::PermissionDenied("only organisers carry points over"));
  auto old = services_.consultations->GetPoint(*id);
  if (!old.ok()) return Error(ctx, old.status());
  std::string target = ctx.Form("carry_to");
  auto c =
      target.empty() ? Result<consultations::Consultation>(Status::NotFound("")) : FindConsultation(target);
  Result<consultations::ActionPoint> p =
      c.ok() ? services_.consultations->CarryOver(ctx.actor(), *id, c->id, ctx.Form("carry_number"))
             : Result<consultations::ActionPoint>(
                   c.status().IsNotFound()
                       ? FieldError("consultation", target.empty() ? "required" : "consultation_unknown",
                                    target.empty() ? "is required" : "names no consultation")
                       : c.status());
  if (!p.ok()) {
    if (p.status().kind() != Status::Kind::kValidation) return Error(ctx, p.status());
    return PointView(ctx, *old, p.status(), 422, "carry_form");
  }
  return Response::Redirect("/action-points/" + std::to_string(p->id) + "?msg=flash_cn_carried_over");
}

}  // namespace waymark::web
