// The consultations module's files and JSON: iCalendar, the organisers'
// registration CSV, the tracker as CSV and its Atom feed of progress
// updates, and the JSON API under /api/v1.
#include <map>

#include "core/strings.h"
#include "web/atom.h"
#include "web/consultations/consultations_module.h"
#include "web/consultations/ical.h"
#include "web/helpers.h"

namespace waymark::web {

using consultations::Consultation;
using consultations::Pick;
using http::Response;
using nlohmann::json;

namespace {

constexpr char kTypeError[] = "type";

// Readers of a JSON body's fields. Each returns InvalidArgument-like field
// errors (422, code "type") naming the field when the value has the wrong
// type; an absent or null field leaves `out` as it is.
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
  return Status::Ok();
}

Status ReadLocalized(const json& body, const char* field, consultations::Localized& out) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (it->is_string()) {
    out["en"] = it->get<std::string>();
    return Status::Ok();
  }
  if (!it->is_object()) return Site::FieldError(field, kTypeError, "must be an object of texts by language");
  for (const auto& [lang, v] : it->items()) {
    if (!v.is_string()) return Site::FieldError(field, kTypeError, "must be an object of texts by language");
    out[lang] = v.get<std::string>();
  }
  return Status::Ok();
}

Result<consultations::Person> PersonOf(const json& v, const char* field) {
  if (!v.is_object()) return Site::FieldError(field, kTypeError, "must be {name, role, organisation}");
  consultations::Person p;
  WM_RETURN_IF_ERROR(ReadString(v, "name", p.name));
  WM_RETURN_IF_ERROR(ReadString(v, "role", p.role));
  WM_RETURN_IF_ERROR(ReadString(v, "organisation", p.organisation));
  return p;
}

Status ReadOptionalId(const json& body, const char* field, std::optional<consultations::Id>& out) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_number_integer()) return Site::FieldError(field, kTypeError, "must be an integer id");
  out = it->get<consultations::Id>();
  return Status::Ok();
}

Result<consultations::ConsultationInput> ConsultationInputOf(const json& b) {
  consultations::ConsultationInput in;
  for (auto [field, out] :
       std::initializer_list<std::pair<const char*, std::string*>>{{"slug", &in.slug},
                                                                   {"title", &in.title},
                                                                   {"year", &in.year},
                                                                   {"edition", &in.edition},
                                                                   {"starts_on", &in.starts_on},
                                                                   {"ends_on", &in.ends_on},
                                                                   {"time_zone", &in.time_zone},
                                                                   {"venue", &in.venue},
                                                                   {"online_url", &in.online_url},
                                                                   {"status", &in.status},
                                                                   {"capacity", &in.capacity}}) {
    WM_RETURN_IF_ERROR(ReadString(b, field, *out));
  }
  WM_RETURN_IF_ERROR(ReadStrings(b, "organisers", in.organisers));
  WM_RETURN_IF_ERROR(ReadStrings(b, "languages", in.languages));
  WM_RETURN_IF_ERROR(ReadStrings(b, "participants", in.participants));
  return in;
}

Result<consultations::SessionInput> SessionInputOf(const json& b) {
  consultations::SessionInput in;
  WM_RETURN_IF_ERROR(ReadString(b, "starts", in.starts));
  WM_RETURN_IF_ERROR(ReadString(b, "ends", in.ends));
  WM_RETURN_IF_ERROR(ReadString(b, "type", in.type));
  WM_RETURN_IF_ERROR(ReadLocalized(b, "title", in.title));
  WM_RETURN_IF_ERROR(ReadLocalized(b, "description", in.description));
  WM_RETURN_IF_ERROR(ReadString(b, "conclusions", in.conclusions));
  WM_RETURN_IF_ERROR(ReadString(b, "online_url", in.online_url));
  if (auto it = b.find("moderator"); it != b.end() && !it->is_null()) {
    WM_ASSIGN_OR_RETURN(auto p, PersonOf(*it, "moderator"));
    in.moderator = p;
  }
  if (auto it = b.find("speakers"); it != b.end() && !it->is_null()) {
    if (!it->is_array()) return Site::FieldError("speakers", kTypeError, "must be an array");
    for (const auto& v : *it) {
      WM_ASSIGN_OR_RETURN(auto p, PersonOf(v, "speakers"));
      in.speakers.push_back(p);
    }
  }
  return in;
}

Result<consultations::PointInput> PointInputOf(const json& b) {
  consultations::PointInput in;
  WM_RETURN_IF_ERROR(ReadString(b, "number", in.number));
  WM_RETURN_IF_ERROR(ReadOptionalId(b, "parent_id", in.parent_id));
  WM_RETURN_IF_ERROR(ReadLocalized(b, "text", in.text));
  WM_RETURN_IF_ERROR(ReadOptionalId(b, "session_id", in.session_id));
  WM_RETURN_IF_ERROR(ReadString(b, "target_date", in.target_date));
  WM_RETURN_IF_ERROR(ReadString(b, "weight", in.weight));
  WM_RETURN_IF_ERROR(ReadStrings(b, "themes", in.themes));
  if (auto it = b.find("owners"); it != b.end() && !it->is_null()) {
    if (!it->is_array()) return Site::FieldError("owners", kTypeError, "must be an array");
    for (const auto& v : *it) {
      consultations::OwnerInput o;
      if (v.is_string()) {
        // "iom", "all_csos", or an organisation's slug.
        std::string s = v.get<std::string>();
        bool kind = s == "iom" || s == "all_csos";
        o.kind = kind ? s : "organisation";
        if (!kind) o.organisation = s;
      } else if (v.is_object()) {
        WM_RETURN_IF_ERROR(ReadString(v, "kind", o.kind));
        WM_RETURN_IF_ERROR(ReadString(v, "organisation", o.organisation));
      } else {
        return Site::FieldError("owners", kTypeError, "must be strings or {kind, organisation}");
      }
      in.owners.push_back(o);
    }
  }
  if (auto it = b.find("links"); it != b.end() && !it->is_null()) {
    if (!it->is_array()) return Site::FieldError("links", kTypeError, "must be an array");
    for (const auto& v : *it) {
      std::string kind;
      consultations::PointLink l;
      if (!v.is_object() || !v.contains("target_id") || !v["target_id"].is_number_integer())
        return Site::FieldError("links", kTypeError, "must be {kind, target_id, label}");
      WM_RETURN_IF_ERROR(ReadString(v, "kind", kind));
      auto k = consultations::ParseLinkKind(kind);
      if (!k) return Site::FieldError("links", "link_invalid", "has an unknown kind");
      l.kind = *k;
      l.target_id = v["target_id"].get<consultations::Id>();
      WM_RETURN_IF_ERROR(ReadString(v, "label", l.label));
      in.links.push_back(l);
    }
  }
  if (auto it = b.find("milestones"); it != b.end() && !it->is_null()) {
    if (!it->is_array()) return Site::FieldError("milestones", kTypeError, "must be an array");
    for (const auto& v : *it) {
      if (!v.is_object()) return Site::FieldError("milestones", kTypeError, "must be {date, text, reached}");
      consultations::Milestone m;
      WM_RETURN_IF_ERROR(ReadString(v, "date", m.date));
      WM_RETURN_IF_ERROR(ReadString(v, "text", m.text));
      if (auto r = v.find("reached"); r != v.end() && r->is_boolean()) m.reached = r->get<bool>();
      in.milestones.push_back(m);
    }
  }
  return in;
}

std::string CsvRow(std::initializer_list<std::string> cells) {
  std::string row;
  for (const auto& c : cells) row += (row.empty() ? "" : ",") + CsvCell(c);
  return row + "\r\n";
}

Response CsvResponse(std::string body, const std::string& filename, const char* cache) {
  Response r;
  r.body = std::move(body);
  r.Set("Content-Type", "text/csv; charset=utf-8; header=present");
  r.Set("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  r.Set("Cache-Control", cache);
  return r;
}

std::string UpperAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

std::string HostOf(const std::string& base_url) {
  std::string host = base_url;
  if (auto p = host.find("://"); p != std::string::npos) host = host.substr(p + 3);
  if (auto p = host.find('/'); p != std::string::npos) host.resize(p);
  if (auto p = host.rfind(':'); p != std::string::npos && host.find(']') == std::string::npos) host.resize(p);
  return host.empty() ? "waymark" : host;
}

}  // namespace

// --- iCalendar ---

Response ConsultationsModule::Ics(const std::vector<Consultation>& list, const std::string& lang,
                                  const std::string& filename) {
  std::string host = HostOf(services_.base_url);
  std::string out;
  out += ical::Fold("BEGIN:VCALENDAR");
  out += ical::Fold("VERSION:2.0");
  out += ical::Fold("PRODID:-//Waymark//Consultations//EN");
  out += ical::Fold("CALSCALE:GREGORIAN");
  out += ical::Fold("METHOD:PUBLISH");
  out +=
      ical::Fold("X-WR-CALNAME:" + ical::EscapeText(list.size() == 1 ? list.front().title : "Consultations"));
  std::map<std::string, ical::Zone> zones;
  for (const auto& c : list) {
    auto zone_it = zones.find(c.time_zone);
    if (zone_it == zones.end()) {
      auto z = ical::Zone::Load(c.time_zone);
      if (!z.ok()) z = ical::Zone::Load("UTC");
      if (!z.ok()) return Response::Text(500, "no time zone database");
      zone_it = zones.emplace(c.time_zone, *z).first;
    }
    const ical::Zone& zone = zone_it->second;
    std::string stamp = ical::UtcStamp(c.updated_at / 1000);
    for (const auto& s : c.sessions) {
      auto from = zone.LocalToUtc(s.starts);
      auto to = zone.LocalToUtc(s.ends);
      if (!from.ok() || !to.ok()) continue;
      std::string url = !s.online_url.empty() ? s.online_url : c.online_url;
      std::string description = Pick(s.description, lang);
      if (s.moderator) description += (description.empty() ? "" : "\n") + ("Moderator: " + s.moderator->name);
      for (const auto& p : s.speakers) {
        description += (description.empty() ? "" : "\n") + p.name;
        if (!p.role.empty()) description += ", " + p.role;
        if (!p.organisation.empty()) description += " (" + p.organisation + ")";
      }
      description += (description.empty() ? "" : "\n\n") + c.title + " (" + c.time_zone + ")";
      out += ical::Fold("BEGIN:VEVENT");
      out += ical::Fold("UID:consultation-session-" + std::to_string(s.id) + "@" + host);
      out += ical::Fold("DTSTAMP:" + stamp);
      out += ical::Fold("DTSTART:" + ical::UtcStamp(*from));
      out += ical::Fold("DTEND:" + ical::UtcStamp(*to));
      out += ical::Fold("SUMMARY:" + ical::EscapeText(Pick(s.title, lang)));
      out += ical::Fold("DESCRIPTION:" + ical::EscapeText(description));
      std::string location = !c.venue.empty() ? c.venue : url;
      if (!location.empty()) out += ical::Fold("LOCATION:" + ical::EscapeText(location));
      if (!url.empty()) out += ical::Fold("URL:" + url);
      out += ical::Fold("CATEGORIES:" + UpperAscii(std::string(consultations::ToString(s.type))));
      out +=
          ical::Fold(std::string("STATUS:") +
                     (c.status == consultations::ConsultationStatus::kPlanned ? "TENTATIVE" : "CONFIRMED"));
      out += ical::Fold("END:VEVENT");
    }
  }
  out += ical::Fold("END:VCALENDAR");
  Response r;
  r.body = std::move(out);
  r.Set("Content-Type", "text/calendar; charset=utf-8");
  r.Set("Content-Disposition", "inline; filename=\"" + filename + "\"");
  r.Set("Cache-Control", "public, max-age=300");
  return r;
}

Response ConsultationsModule::AllIcs(Context& ctx) {
  auto list = services_.consultations->ListConsultations();
  if (!list.ok()) return Error(ctx, list.status());
  std::vector<Consultation> full;
  for (const auto& c : *list) {
    auto one = services_.consultations->GetConsultation(c.id);
    if (!one.ok()) return Error(ctx, one.status());
    full.push_back(std::move(*one));
  }
  return Ics(full, ctx.lang, "consultations.ics");
}

// --- CSV and Atom ---

Response ConsultationsModule::RegistrationsCsv(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  auto list = services_.consultations->ListRegistrations(ctx.actor(), c->id);
  if (!list.ok()) return Error(ctx, list.status());
  std::string csv = CsvRow({"id", "name", "email", "organisation", "state", "registered_at"});
  for (const auto& r : *list)
    csv += CsvRow({std::to_string(r.id), r.name, r.email, r.organisation,
                   std::string(consultations::ToString(r.state)), ConsultationTime(r.created_at)});
  return CsvResponse(std::move(csv), "registrations-" + c->slug + ".csv", "private, no-store");
}

Response ConsultationsModule::TrackerCsv(Context& ctx) {
  auto filter = FilterFromQuery(ctx);
  if (!filter.ok()) return Error(ctx, filter.status());
  auto t = services_.consultations->Track(*filter);
  if (!t.ok()) return Error(ctx, t.status());
  std::string csv = CsvRow({"year", "number", "text", "owners", "status", "progress", "target_date",
                            "overdue", "themes", "latest_update_at", "latest_update", "url"});
  for (const auto& p : t->points) {
    std::string owners;
    for (const auto& o : p.owners) owners += (owners.empty() ? "" : "; ") + OwnerLabel(ctx, o);
    csv += CsvRow({std::to_string(p.consultation_year), p.number, Pick(p.text, ctx.lang), owners,
                   std::string(consultations::ToString(p.status)), std::to_string(p.progress), p.target_date,
                   consultations::IsOverdue(p, t->today) ? "yes" : "no", JoinStrings(p.themes, "; "),
                   p.latest ? ConsultationTime(p.latest->at) : "", p.latest ? p.latest->text : "",
                   services_.base_url + "/action-points/" + std::to_string(p.id)});
  }
  return CsvResponse(std::move(csv), "action-points.csv", "public, max-age=60");
}

Response ConsultationsModule::TrackerAtom(Context& ctx) {
  auto updates = services_.consultations->RecentUpdates(50);
  if (!updates.ok()) return Error(ctx, updates.status());
  const std::string& origin = services_.base_url;
  TimestampMs newest = 0;
  for (const auto& u : *updates) newest = std::max(newest, u.at);
  atom::Feed feed{ctx.lang, "tag:waymark.org,2015:action-points", "Waymark: " + T(ctx, "cn_feed_title"),
                  newest,   origin + "/action-points.atom",       origin + "/action-points",
                  {}};
  std::map<consultations::Id, consultations::ActionPoint> points;
  for (const auto& u : *updates) {
    auto it = points.find(u.point_id);
    if (it == points.end()) {
      auto p = services_.consultations->GetPoint(u.point_id);
      if (!p.ok()) return Error(ctx, p.status());
      it = points.emplace(u.point_id, *p).first;
    }
    const auto& p = it->second;
    std::string title = std::to_string(p.consultation_year) + "/" + p.number + ": " + Pick(p.text, ctx.lang);
    feed.entries.push_back({"tag:waymark.org,2015:action-point-update:" + std::to_string(u.id),
                            title,
                            origin + "/action-points/" + std::to_string(p.id),
                            u.at,
                            std::nullopt,
                            {u.author_name, ""},
                            {},
                            u.text});
  }
  return atom::ToResponse(feed);
}

// --- JSON API ---

Response ConsultationsModule::ApiList(Context& ctx) {
  auto list = services_.consultations->ListConsultations();
  if (!list.ok()) return Error(ctx, list.status());
  json items = json::array();
  for (const auto& c : *list) items.push_back(ConsultationJson(ctx, c, false));
  return Json(ctx, 200, {{"items", items}});
}

Response ConsultationsModule::ApiCreate(Context& ctx) {
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  auto in = ConsultationInputOf(*body);
  if (!in.ok()) return Error(ctx, in.status());
  auto c = services_.consultations->CreateConsultation(ctx.actor(), *in);
  if (!c.ok()) return Error(ctx, c.status());
  Response r = Json(ctx, 201, ConsultationJson(ctx, *c, true));
  r.Set("Location", "/api/v1/consultations/" + c->slug);
  return r;
}

Response ConsultationsModule::ApiGet(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  json j = ConsultationJson(ctx, *c, true);
  consultations::PointFilter f;
  f.consultation_id = c->id;
  auto t = services_.consultations->Track(f);
  if (!t.ok()) return Error(ctx, t.status());
  json points = json::array();
  for (const auto& p : t->points) points.push_back(PointJson(ctx, p, t->today));
  j["action_points"] = points;
  return Json(ctx, 200, j);
}

Response ConsultationsModule::ApiUpdate(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  auto in = ConsultationInputOf(*body);
  if (!in.ok()) return Error(ctx, in.status());
  std::int64_t version = c->version;
  if (auto v = body->find("version"); v != body->end() && !v->is_null()) {
    if (!v->is_number_integer()) return Error(ctx, FieldError("version", kTypeError, "must be an integer"));
    version = v->get<std::int64_t>();
  }
  auto out = services_.consultations->UpdateConsultation(ctx.actor(), c->id, version, *in);
  if (!out.ok()) return Error(ctx, out.status());
  return Json(ctx, 200, ConsultationJson(ctx, *out, true));
}

Response ConsultationsModule::ApiAddSession(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  auto in = SessionInputOf(*body);
  if (!in.ok()) return Error(ctx, in.status());
  auto s = services_.consultations->AddSession(ctx.actor(), c->id, *in);
  if (!s.ok()) return Error(ctx, s.status());
  return Json(ctx, 201, SessionJson(ctx, *s));
}

Response ConsultationsModule::ApiAddPoint(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  auto in = PointInputOf(*body);
  if (!in.ok()) return Error(ctx, in.status());
  auto p = services_.consultations->CreatePoint(ctx.actor(), c->id, *in);
  if (!p.ok()) return Error(ctx, p.status());
  return Json(ctx, 201, PointJson(ctx, *p, services_.consultations->Today()));
}

Response ConsultationsModule::ApiRegister(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  consultations::RegistrationInput in;
  for (auto [field, out] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"name", &in.name}, {"email", &in.email}, {"organisation", &in.organisation}}) {
    Status s = ReadString(*body, field, *out);
    if (!s.ok()) return Error(ctx, s);
  }
  auto r = services_.consultations->Register(ctx.actor(), c->id, in);
  if (!r.ok()) return Error(ctx, r.status());
  json j = RegistrationJson(*r);
  j["cancel_url"] = services_.base_url + "/registrations/" + r->token;
  j["token"] = r->token;
  return Json(ctx, 201, j);
}

Response ConsultationsModule::ApiRegistrations(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  auto list = services_.consultations->ListRegistrations(ctx.actor(), c->id);
  if (!list.ok()) return Error(ctx, list.status());
  json items = json::array();
  for (const auto& r : *list) items.push_back(RegistrationJson(r));
  return Json(ctx, 200, {{"items", items}, {"capacity", c->capacity}});
}

Response ConsultationsModule::ApiCancelRegistration(Context& ctx) {
  auto r = services_.consultations->CancelRegistration(ctx.req.params.at("token"));
  if (!r.ok()) return Error(ctx, r.status());
  return Json(ctx, 200, RegistrationJson(*r));
}

Response ConsultationsModule::ApiTracker(Context& ctx) {
  auto filter = FilterFromQuery(ctx);
  if (!filter.ok()) return Error(ctx, filter.status());
  auto t = services_.consultations->Track(*filter);
  if (!t.ok()) return Error(ctx, t.status());
  json items = json::array();
  for (const auto& p : t->points) items.push_back(PointJson(ctx, p, t->today));
  Response r =
      Json(ctx, 200, {{"summary", SummaryJson(ctx, t->summary)}, {"today", t->today}, {"items", items}});
  r.Set("Cache-Control", "public, max-age=60");
  return r;
}

Response ConsultationsModule::ApiPoint(Context& ctx) {
  auto id = PointId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto p = services_.consultations->GetPoint(*id);
  if (!p.ok()) return Error(ctx, p.status());
  json j = PointJson(ctx, *p, services_.consultations->Today());
  auto updates = services_.consultations->ListUpdates(*id);
  if (!updates.ok()) return Error(ctx, updates.status());
  json ups = json::array();
  for (const auto& u : *updates) ups.push_back(UpdateJson(u));
  j["updates"] = ups;
  auto revs = services_.consultations->ListRevisions("action_point", *id);
  if (!revs.ok()) return Error(ctx, revs.status());
  json history = json::array();
  for (const auto& r : *revs)
    history.push_back({{"version", r.version},
                       {"at", ConsultationTime(r.at)},
                       {"who", r.actor_label},
                       {"action", r.action},
                       {"note", r.note}});
  j["history"] = history;
  return Json(ctx, 200, j);
}

Response ConsultationsModule::ApiProgress(Context& ctx) {
  auto id = PointId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  consultations::ProgressInput in;
  Status s = ReadString(*body, "text", in.text);
  if (s.ok()) s = ReadStrings(*body, "links", in.links);
  if (s.ok()) s = ReadString(*body, "progress", in.progress);
  if (!s.ok()) return Error(ctx, s);
  auto u = services_.consultations->PostProgress(ctx.actor(), *id, in);
  if (!u.ok()) return Error(ctx, u.status());
  return Json(ctx, 201, UpdateJson(*u));
}

Response ConsultationsModule::ApiStatus(Context& ctx) {
  auto id = PointId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  std::string status, note;
  Status s = ReadString(*body, "status", status);
  if (s.ok()) s = ReadString(*body, "note", note);
  if (!s.ok()) return Error(ctx, s);
  std::int64_t version = 0;
  if (auto v = body->find("version"); v != body->end() && !v->is_null()) {
    if (!v->is_number_integer()) return Error(ctx, FieldError("version", kTypeError, "must be an integer"));
    version = v->get<std::int64_t>();
  }
  auto p = services_.consultations->SetStatus(ctx.actor(), *id, status, version, note);
  if (!p.ok()) return Error(ctx, p.status());
  return Json(ctx, 200, PointJson(ctx, *p, services_.consultations->Today()));
}

Response ConsultationsModule::ApiCarryOver(Context& ctx) {
  auto id = PointId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  std::string target, number;
  Status s = ReadString(*body, "consultation", target);
  if (s.ok()) s = ReadString(*body, "number", number);
  if (!s.ok()) return Error(ctx, s);
  auto c = FindConsultation(target);
  if (!c.ok()) {
    if (!c.status().IsNotFound()) return Error(ctx, c.status());
    return Error(ctx, FieldError("consultation", "consultation_unknown", "names no consultation"));
  }
  auto p = services_.consultations->CarryOver(ctx.actor(), *id, c->id, number);
  if (!p.ok()) return Error(ctx, p.status());
  return Json(ctx, 201, PointJson(ctx, *p, services_.consultations->Today()));
}

}  // namespace waymark::web
