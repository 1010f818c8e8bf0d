// The organisers' forms of the consultations module, without JavaScript: a
// new consultation (on /consultations), a session of the agenda and an
// action point (on the consultation's page). A refused form is shown again
// with its errors and what was typed.
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
                                   "weight",         "themes"};

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
  if (v.empty() || !IsDigits(v)) return std::nullopt;
  return std::stoll(v);
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
  consultations::SessionInput in;
  std::string date = ctx.Form("date").empty() ? c->starts_on : ctx.Form("date");
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
  for (const auto& o : SplitList(ctx.Form("owners"))) {
    bool kind = o == "iom" || o == "all_csos";
    in.owners.push_back({kind ? o : "organisation", kind ? "" : o});
  }
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

}  // namespace waymark::web
