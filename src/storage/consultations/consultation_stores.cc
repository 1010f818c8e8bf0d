#include "storage/consultations/consultation_stores.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "storage/store_util.h"

namespace waymark::storage {
namespace {

using consultations::ActionPoint;
using consultations::Consultation;
using consultations::ConsultationDocument;
using consultations::Id;
using consultations::Localized;
using consultations::Milestone;
using consultations::Owner;
using consultations::Person;
using consultations::PointFilter;
using consultations::PointLink;
using consultations::PointStatus;
using consultations::ProgressUpdate;
using consultations::Registration;
using consultations::RegistrationState;
using consultations::Revision;
using consultations::Session;
using internal::NotFoundAs;
using internal::OptId;
using internal::ReadSnapshot;
using Json = nlohmann::json;
using sql::Connection;
using sql::Row;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json Parsed(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_object() ? j : Json::object();
}

// A member of `j` as T, or `fallback` when it is missing or of another type.
template <typename T>
T Get(const Json& j, const char* key, T fallback = T{}) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  try {
    return it->get<T>();
  } catch (const Json::exception&) {
    return fallback;
  }
}

Json PersonJson(const Person& p) {
  return Json{{"name", p.name}, {"role", p.role}, {"organisation", p.organisation}};
}
Person PersonOf(const Json& j) {
  return Person{Get<std::string>(j, "name"), Get<std::string>(j, "role"),
                Get<std::string>(j, "organisation")};
}

// ---- consultations ----

Json ConsultationBody(const Consultation& c) {
  return Json{{"title", c.title},           {"edition", c.edition},     {"ends_on", c.ends_on},
              {"time_zone", c.time_zone},   {"venue", c.venue},         {"online_url", c.online_url},
              {"organisers", c.organisers}, {"languages", c.languages}, {"participants", c.participants},
              {"capacity", c.capacity}};
}

constexpr char kConsultationColumns[] =
    "SELECT id, slug, year, starts_on, status, version, created_at, updated_at, body FROM consultations ";

Consultation ConsultationFromRow(const Row& r) {
  Consultation c;
  c.id = r.Int(0);
  c.slug = r.Text(1);
  c.year = static_cast<int>(r.Int(2));
  c.starts_on = r.Text(3);
  c.status =
      consultations::ParseConsultationStatus(r.Text(4)).value_or(consultations::ConsultationStatus::kHeld);
  c.version = r.Int(5);
  c.created_at = r.Int(6);
  c.updated_at = r.Int(7);
  Json b = Parsed(r.Text(8));
  c.title = Get<std::string>(b, "title");
  c.edition = Get<int>(b, "edition");
  c.ends_on = Get<std::string>(b, "ends_on");
  c.time_zone = Get<std::string>(b, "time_zone");
  c.venue = Get<std::string>(b, "venue");
  c.online_url = Get<std::string>(b, "online_url");
  c.organisers = Get<std::vector<std::string>>(b, "organisers");
  c.languages = Get<std::vector<std::string>>(b, "languages");
  c.participants = Get<std::vector<std::string>>(b, "participants");
  c.capacity = Get<int>(b, "capacity");
  return c;
}

Json SessionBody(const Session& s) {
  Json speakers = Json::array();
  for (const auto& p : s.speakers) speakers.push_back(PersonJson(p));
  return Json{{"type", std::string(consultations::ToString(s.type))},
              {"title", s.title},
              {"description", s.description},
              {"moderator", s.moderator ? PersonJson(*s.moderator) : Json(nullptr)},
              {"speakers", speakers},
              {"conclusions", s.conclusions},
              {"online_url", s.online_url}};
}

Session SessionFromRow(const Row& r) {
  Session s;
  s.id = r.Int(0);
  s.consultation_id = r.Int(1);
  s.starts = r.Text(2);
  s.ends = r.Text(3);
  Json b = Parsed(r.Text(4));
  s.type = consultations::ParseSessionType(Get<std::string>(b, "type"))
               .value_or(consultations::SessionType::kPlenary);
  s.title = Get<Localized>(b, "title");
  s.description = Get<Localized>(b, "description");
  if (auto it = b.find("moderator"); it != b.end() && it->is_object()) s.moderator = PersonOf(*it);
  if (auto it = b.find("speakers"); it != b.end() && it->is_array()) {
    for (const auto& p : *it) s.speakers.push_back(PersonOf(p));
  }
  s.conclusions = Get<std::string>(b, "conclusions");
  s.online_url = Get<std::string>(b, "online_url");
  return s;
}

Json ConsultationSnapshot(const Consultation& c) {
  Json j = ConsultationBody(c);
  j["slug"] = c.slug;
  j["year"] = c.year;
  j["starts_on"] = c.starts_on;
  j["status"] = std::string(consultations::ToString(c.status));
  Json sessions = Json::array();
  for (const auto& s : c.sessions) {
    Json sj = SessionBody(s);
    sj["starts"] = s.starts;
    sj["ends"] = s.ends;
    sessions.push_back(sj);
  }
  j["sessions"] = sessions;
  return j;
}

Result<Consultation> LoadConsultation(Connection& c, const std::string& where, const sql::Params& params,
                                      const std::string& what) {
  auto row = c.QueryOne(std::string(kConsultationColumns) + where, params);
  if (!row.ok()) return NotFoundAs(row.status(), "no consultation " + what);
  Consultation out = ConsultationFromRow(*row);
  WM_ASSIGN_OR_RETURN(auto rows,
                      c.Query("SELECT id, consultation_id, starts, ends, body FROM consultation_sessions "
                              "WHERE consultation_id=$1 ORDER BY starts, ends, id",
                              {out.id}));
  out.sessions = internal::MapRows(rows, SessionFromRow);
  return out;
}

Status AddRevision(Connection& c, Revision rev, const std::string& type, Id id, std::int64_t version,
                   const Json& snapshot) {
  return c
      .Execute(
          "INSERT INTO consultation_revisions(entity_type, entity_id, version, at, actor_user_id, "
          "actor_label, "
          "action, note, snapshot) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
          {type, id, version, rev.at, OptId(rev.actor_user_id), rev.actor_label, rev.action, rev.note,
           Dump(snapshot)})
      .status();
}

// ---- action points ----

Json PointBody(const ActionPoint& p) {
  Json owners = Json::array();
  for (const auto& o : p.owners)
    owners.push_back(Json{{"kind", std::string(consultations::ToString(o.kind))},
                          {"org_id", o.org_id},
                          {"slug", o.slug},
                          {"name", o.name}});
  Json links = Json::array();
  for (const auto& l : p.links)
    links.push_back(Json{{"kind", std::string(consultations::ToString(l.kind))},
                         {"target_id", l.target_id},
                         {"label", l.label}});
  Json milestones = Json::array();
  for (const auto& m : p.milestones)
    milestones.push_back(Json{{"date", m.date}, {"text", m.text}, {"reached", m.reached}});
  return Json{{"text", p.text},     {"session_id", p.session_id ? Json(*p.session_id) : Json(nullptr)},
              {"owners", owners},   {"progress", p.progress},
              {"weight", p.weight}, {"themes", p.themes},
              {"links", links},     {"milestones", milestones}};
}

std::string OwnerKeys(const ActionPoint& p) {
  std::string keys = ",";
  for (const auto& o : p.owners) {
    keys += o.kind == consultations::OwnerKind::kOrganisation ? "org:" + std::to_string(o.org_id)
                                                              : std::string(consultations::ToString(o.kind));
    keys += ",";
  }
  return keys;
}

std::string ThemeKeys(const ActionPoint& p) {
  std::string keys = ",";
  for (const auto& t : p.themes) keys += t + ",";
  return keys;
}

constexpr char kPointColumns[] =
    "SELECT p.id, p.consultation_id, c.year, p.number, p.parent_id, p.status, p.target_date, p.carried_from, "
    "p.carried_to, p.version, p.created_at, p.updated_at, p.body, "
    "u.id, u.at, u.text, u.links, u.author_id, u.author_name, u.progress "
    "FROM action_points p JOIN consultations c ON c.id = p.consultation_id "
    "LEFT JOIN action_point_updates u ON u.id = (SELECT MAX(l.id) FROM action_point_updates l "
    "WHERE l.point_id = p.id) ";

ProgressUpdate UpdateFromRow(const Row& r, std::size_t at, Id point_id) {
  ProgressUpdate u;
  u.id = r.Int(at);
  u.point_id = point_id;
  u.at = r.Int(at + 1);
  u.text = r.Text(at + 2);
  Json links = Json::parse(r.Text(at + 3), nullptr, false);
  if (links.is_array()) {
    for (const auto& l : links) {
      if (l.is_string()) u.links.push_back(l.get<std::string>());
    }
  }
  u.author_id = r.OptInt(at + 4);
  u.author_name = r.Text(at + 5);
  u.progress = static_cast<int>(r.Int(at + 6));
  return u;
}

ActionPoint PointFromRow(const Row& r) {
  ActionPoint p;
  p.id = r.Int(0);
  p.consultation_id = r.Int(1);
  p.consultation_year = static_cast<int>(r.Int(2));
  p.number = r.Text(3);
  p.parent_id = r.OptInt(4);
  p.status = consultations::ParsePointStatus(r.Text(5)).value_or(PointStatus::kOpen);
  p.target_date = r.Text(6);
  p.carried_from = r.OptInt(7);
  p.carried_to = r.OptInt(8);
  p.version = r.Int(9);
  p.created_at = r.Int(10);
  p.updated_at = r.Int(11);
  Json b = Parsed(r.Text(12));
  p.text = Get<Localized>(b, "text");
  if (auto it = b.find("session_id"); it != b.end() && it->is_number_integer()) p.session_id = it->get<Id>();
  for (const auto& o : Get<Json>(b, "owners", Json::array())) {
    p.owners.push_back(Owner{consultations::ParseOwnerKind(Get<std::string>(o, "kind"))
                                 .value_or(consultations::OwnerKind::kAllCsos),
                             Get<Id>(o, "org_id"), Get<std::string>(o, "slug"), Get<std::string>(o, "name")});
  }
  p.progress = Get<int>(b, "progress");
  p.weight = Get<int>(b, "weight", 1);
  p.themes = Get<std::vector<std::string>>(b, "themes");
  for (const auto& l : Get<Json>(b, "links", Json::array())) {
    p.links.push_back(PointLink{consultations::ParseLinkKind(Get<std::string>(l, "kind"))
                                    .value_or(consultations::LinkKind::kCampaign),
                                Get<Id>(l, "target_id"), Get<std::string>(l, "label")});
  }
  for (const auto& m : Get<Json>(b, "milestones", Json::array()))
    p.milestones.push_back(
        Milestone{Get<std::string>(m, "date"), Get<std::string>(m, "text"), Get<bool>(m, "reached")});
  if (!r.IsNull(13)) p.latest = UpdateFromRow(r, 13, p.id);
  return p;
}

Json PointSnapshot(const ActionPoint& p) {
  Json j = PointBody(p);
  j["number"] = p.number;
  j["status"] = std::string(consultations::ToString(p.status));
  j["target_date"] = p.target_date;
  j["parent_id"] = p.parent_id ? Json(*p.parent_id) : Json(nullptr);
  j["carried_from"] = p.carried_from ? Json(*p.carried_from) : Json(nullptr);
  j["carried_to"] = p.carried_to ? Json(*p.carried_to) : Json(nullptr);
  return j;
}

Result<ActionPoint> LoadPoint(Connection& c, Id id) {
  auto row = c.QueryOne(std::string(kPointColumns) + "WHERE p.id=$1", {id});
  if (!row.ok()) return NotFoundAs(row.status(), "no action point " + std::to_string(id));
  return PointFromRow(*row);
}

Status PointWriteError(const Status& s) {
  if (s.IsConflict()) return Status::Conflict("the consultation already has a point with this number");
  if (internal::IsForeignKeyViolation(s)) return Status::NotFound("no such consultation or point");
  return s;
}

// ---- registrations ----

constexpr char kRegistrationColumns[] =
    "SELECT id, consultation_id, name, email, organisation, state, token, created_at, cancelled_at "
    "FROM consultation_registrations ";

Registration RegistrationFromRow(const Row& r) {
  Registration g;
  g.id = r.Int(0);
  g.consultation_id = r.Int(1);
  g.name = r.Text(2);
  g.email = r.Text(3);
  g.organisation = r.Text(4);
  g.state = consultations::ParseRegistrationState(r.Text(5)).value_or(RegistrationState::kCancelled);
  g.token = r.Text(6);
  g.created_at = r.Int(7);
  g.cancelled_at = r.OptInt(8);
  return g;
}

constexpr char kDocumentColumns[] =
    "SELECT id, consultation_id, library_item_id, kind, language, title, position, created_at "
    "FROM consultation_documents ";

ConsultationDocument DocumentFromRow(const Row& r) {
  ConsultationDocument d;
  d.id = r.Int(0);
  d.consultation_id = r.Int(1);
  d.library_item_id = r.Int(2);
  d.kind = consultations::ParseDocumentKind(r.Text(3)).value_or(consultations::DocumentKind::kOther);
  d.language = r.Text(4);
  d.title = r.Text(5);
  d.position = static_cast<int>(r.Int(6));
  d.created_at = r.Int(7);
  return d;
}

std::string LowerAscii(std::string s) {
  for (char& ch : s) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return s;
}

class SqlConsultationStore final : public consultations::ConsultationStore {
 public:
  explicit SqlConsultationStore(sql::Database& db) : db_(db) {}

  Result<Consultation> CreateConsultation(const Consultation& in, Revision rev) override {
    return sql::Transact<Consultation>(db_, true, [&](Connection& c) -> Result<Consultation> {
      auto row = c.QueryOne(
          "INSERT INTO consultations(slug, year, starts_on, status, version, created_at, updated_at, body) "
          "VALUES ($1,$2,$3,$4,1,$5,$6,$7) RETURNING id",
          {in.slug, static_cast<std::int64_t>(in.year), in.starts_on,
           std::string(consultations::ToString(in.status)), in.created_at, in.updated_at,
           Dump(ConsultationBody(in))});
      if (!row.ok()) {
        if (row.status().IsConflict()) return Status::Conflict("the slug \"" + in.slug + "\" is taken");
        return row.status();
      }
      WM_ASSIGN_OR_RETURN(Consultation out, LoadConsultation(c, "WHERE id=$1", {row->Int(0)}, ""));
      WM_RETURN_IF_ERROR(AddRevision(c, rev, "consultation", out.id, out.version, ConsultationSnapshot(out)));
      return out;
    });
  }

  Result<Consultation> GetConsultation(Id id) override {
    return ReadSnapshot<Consultation>(
        db_, [&](Connection& c) { return LoadConsultation(c, "WHERE id=$1", {id}, std::to_string(id)); });
  }

  Result<Consultation> FindConsultationBySlug(const std::string& slug) override {
    return ReadSnapshot<Consultation>(
        db_, [&](Connection& c) { return LoadConsultation(c, "WHERE slug=$1", {slug}, "\"" + slug + "\""); });
  }

  Result<std::vector<Consultation>> ListConsultations() override {
    return ReadSnapshot<std::vector<Consultation>>(
        db_, [&](Connection& c) -> Result<std::vector<Consultation>> {
          WM_ASSIGN_OR_RETURN(
              auto rows,
              c.Query(std::string(kConsultationColumns) + "ORDER BY year DESC, starts_on DESC, id DESC", {}));
          return internal::MapRows(rows, ConsultationFromRow);
        });
  }

  Result<Consultation> UpdateConsultation(const Consultation& in, Revision rev) override {
    return sql::Transact<Consultation>(db_, true, [&](Connection& c) -> Result<Consultation> {
      std::string lock = c.dialect() == sql::Dialect::kPostgres ? " FOR UPDATE" : "";
      auto locked = c.QueryOne("SELECT version FROM consultations WHERE id=$1" + lock, {in.id});
      if (!locked.ok()) return NotFoundAs(locked.status(), "no consultation " + std::to_string(in.id));
      if (locked->Int(0) != in.version)
        return Status::Conflict("the consultation was changed meanwhile (version " +
                                std::to_string(locked->Int(0)) + ")");
      auto done = c.Execute(
          "UPDATE consultations SET slug=$2, year=$3, starts_on=$4, status=$5, updated_at=$6, body=$7, "
          "version=version+1 WHERE id=$1",
          {in.id, in.slug, static_cast<std::int64_t>(in.year), in.starts_on,
           std::string(consultations::ToString(in.status)), in.updated_at, Dump(ConsultationBody(in))});
      if (!done.ok())
        return done.status().IsConflict() ? Status::Conflict("the slug \"" + in.slug + "\" is taken")
                                          : done.status();
      WM_ASSIGN_OR_RETURN(Consultation out, LoadConsultation(c, "WHERE id=$1", {in.id}, ""));
      WM_RETURN_IF_ERROR(AddRevision(c, rev, "consultation", out.id, out.version, ConsultationSnapshot(out)));
      return out;
    });
  }

  Result<Session> AddSession(const Session& s) override {
    return sql::Transact<Session>(db_, true, [&](Connection& c) -> Result<Session> {
      auto row = c.QueryOne(
          "INSERT INTO consultation_sessions(consultation_id, starts, ends, body) VALUES ($1,$2,$3,$4) "
          "RETURNING id",
          {s.consultation_id, s.starts, s.ends, Dump(SessionBody(s))});
      if (!row.ok())
        return internal::IsForeignKeyViolation(row.status()) ? Status::NotFound("no such consultation")
                                                             : row.status();
      Session out = s;
      out.id = row->Int(0);
      return out;
    });
  }

  Result<Session> UpdateSession(const Session& s) override {
    return sql::Transact<Session>(db_, true, [&](Connection& c) -> Result<Session> {
      WM_ASSIGN_OR_RETURN(auto n,
                          c.Execute("UPDATE consultation_sessions SET starts=$3, ends=$4, body=$5 "
                                    "WHERE id=$1 AND consultation_id=$2",
                                    {s.id, s.consultation_id, s.starts, s.ends, Dump(SessionBody(s))}));
      if (n == 0) return Status::NotFound("no such session");
      return s;
    });
  }

  Status DeleteSession(Id consultation_id, Id session_id) override {
    return sql::Transact<bool>(db_, true,
                               [&](Connection& c) -> Result<bool> {
                                 WM_ASSIGN_OR_RETURN(
                                     auto n, c.Execute("DELETE FROM consultation_sessions WHERE id=$1 AND "
                                                       "consultation_id=$2",
                                                       {session_id, consultation_id}));
                                 if (n == 0) return Status::NotFound("no such session");
                                 return true;
                               })
        .status();
  }

  Result<ActionPoint> CreatePoint(const ActionPoint& p, Revision rev) override {
    return sql::Transact<ActionPoint>(db_, true, [&](Connection& c) -> Result<ActionPoint> {
      auto row = c.QueryOne(
          "INSERT INTO action_points(consultation_id, number, parent_id, status, target_date, owner_keys, "
          "theme_keys, carried_from, carried_to, version, created_at, updated_at, body) "
          "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,1,$10,$11,$12) RETURNING id",
          {p.consultation_id, p.number, OptId(p.parent_id), std::string(consultations::ToString(p.status)),
           p.target_date, OwnerKeys(p), ThemeKeys(p), OptId(p.carried_from), OptId(p.carried_to),
           p.created_at, p.updated_at, Dump(PointBody(p))});
      if (!row.ok()) return PointWriteError(row.status());
      WM_ASSIGN_OR_RETURN(ActionPoint out, LoadPoint(c, row->Int(0)));
      WM_RETURN_IF_ERROR(AddRevision(c, rev, "action_point", out.id, out.version, PointSnapshot(out)));
      return out;
    });
  }

  Result<ActionPoint> GetPoint(Id id) override {
    return ReadSnapshot<ActionPoint>(db_, [&](Connection& c) { return LoadPoint(c, id); });
  }

  Result<std::vector<ActionPoint>> ListPoints(const PointFilter& f) override {
    return ReadSnapshot<std::vector<ActionPoint>>(
        db_, [&](Connection& c) -> Result<std::vector<ActionPoint>> {
          std::string where = "WHERE 1=1";
          sql::Params params;
          auto add = [&](const std::string& cond, sql::Value v) {
            params.push_back(std::move(v));
            where += " AND " + cond + "$" + std::to_string(params.size());
          };
          if (f.year) add("c.year=", static_cast<std::int64_t>(*f.year));
          if (f.consultation_id) add("p.consultation_id=", *f.consultation_id);
          if (f.status) add("p.status=", std::string(consultations::ToString(*f.status)));
          if (f.owner_org) {
            add("p.owner_keys LIKE ", "%,org:" + std::to_string(*f.owner_org) + ",%");
          } else if (f.owner_kind) {
            add("p.owner_keys LIKE ", "%," + std::string(consultations::ToString(*f.owner_kind)) + ",%");
          }
          if (!f.theme.empty() && f.theme.find_first_of("%_,") == std::string::npos)
            add("p.theme_keys LIKE ", "%," + f.theme + ",%");
          WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kPointColumns) + where +
                                                     " ORDER BY c.year, c.starts_on, p.consultation_id, p.id",
                                                 params));
          auto points = internal::MapRows(rows, PointFromRow);
          // Each consultation's points (contiguous) by number: "4", "4.1", "10".
          for (auto first = points.begin(); first != points.end();) {
            auto last = std::find_if(first, points.end(), [&](const ActionPoint& p) {
              return p.consultation_id != first->consultation_id;
            });
            std::stable_sort(first, last, [](const ActionPoint& a, const ActionPoint& b) {
              return consultations::NumberLess(a.number, b.number);
            });
            first = last;
          }
          return points;
        });
  }

  Result<ActionPoint> ModifyPoint(Id id, std::int64_t expected_version,
                                  const std::function<Status(ActionPoint&)>& change, Revision rev) override {
    return sql::Transact<ActionPoint>(db_, true, [&](Connection& c) -> Result<ActionPoint> {
      std::string lock = c.dialect() == sql::Dialect::kPostgres ? " FOR UPDATE" : "";
      auto locked = c.QueryOne("SELECT version FROM action_points WHERE id=$1" + lock, {id});
      if (!locked.ok()) return NotFoundAs(locked.status(), "no action point " + std::to_string(id));
      if (expected_version != 0 && locked->Int(0) != expected_version)
        return Status::Conflict("the action point was changed meanwhile (version " +
                                std::to_string(locked->Int(0)) + ")");
      WM_ASSIGN_OR_RETURN(ActionPoint p, LoadPoint(c, id));
      WM_RETURN_IF_ERROR(change(p));
      auto done = c.Execute(
          "UPDATE action_points SET number=$2, parent_id=$3, status=$4, target_date=$5, owner_keys=$6, "
          "theme_keys=$7, carried_from=$8, carried_to=$9, updated_at=$10, body=$11, version=version+1 "
          "WHERE id=$1",
          {id, p.number, OptId(p.parent_id), std::string(consultations::ToString(p.status)), p.target_date,
           OwnerKeys(p), ThemeKeys(p), OptId(p.carried_from), OptId(p.carried_to), p.updated_at,
           Dump(PointBody(p))});
      if (!done.ok()) return PointWriteError(done.status());
      WM_ASSIGN_OR_RETURN(ActionPoint out, LoadPoint(c, id));
      WM_RETURN_IF_ERROR(AddRevision(c, rev, "action_point", out.id, out.version, PointSnapshot(out)));
      return out;
    });
  }

  Result<ProgressUpdate> AddUpdate(const ProgressUpdate& u) override {
    return sql::Transact<ProgressUpdate>(db_, true, [&](Connection& c) -> Result<ProgressUpdate> {
      auto row = c.QueryOne(
          "INSERT INTO action_point_updates(point_id, at, text, links, author_id, author_name, progress) "
          "VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
          {u.point_id, u.at, u.text, Dump(Json(u.links)), OptId(u.author_id), u.author_name,
           static_cast<std::int64_t>(u.progress)});
      if (!row.ok())
        return internal::IsForeignKeyViolation(row.status()) ? Status::NotFound("no such action point")
                                                             : row.status();
      ProgressUpdate out = u;
      out.id = row->Int(0);
      return out;
    });
  }

  Result<std::vector<ProgressUpdate>> ListUpdates(Id point_id) override {
    return QueryUpdates("WHERE point_id=$1 ORDER BY at, id", {point_id});
  }

  Result<std::vector<ProgressUpdate>> RecentUpdates(int limit) override {
    return QueryUpdates("ORDER BY at DESC, id DESC LIMIT $1", {static_cast<std::int64_t>(limit)});
  }

  Result<std::vector<Revision>> ListRevisions(const std::string& entity_type, Id entity_id) override {
    return ReadSnapshot<std::vector<Revision>>(db_, [&](Connection& c) -> Result<std::vector<Revision>> {
      WM_ASSIGN_OR_RETURN(
          auto rows, c.Query("SELECT id, entity_type, entity_id, version, at, actor_user_id, actor_label, "
                             "action, note FROM consultation_revisions WHERE entity_type=$1 AND "
                             "entity_id=$2 ORDER BY version DESC",
                             {entity_type, entity_id}));
      return internal::MapRows(rows, [](const Row& r) {
        Revision v;
        v.id = r.Int(0);
        v.entity_type = r.Text(1);
        v.entity_id = r.Int(2);
        v.version = r.Int(3);
        v.at = r.Int(4);
        v.actor_user_id = r.OptInt(5);
        v.actor_label = r.Text(6);
        v.action = r.Text(7);
        v.note = r.Text(8);
        return v;
      });
    });
  }

  Result<Registration> Register(const Registration& g, int capacity) override {
    return sql::Transact<Registration>(db_, true, [&](Connection& c) -> Result<Registration> {
      std::string lock = c.dialect() == sql::Dialect::kPostgres ? " FOR UPDATE" : "";
      auto locked = c.QueryOne("SELECT id FROM consultations WHERE id=$1" + lock, {g.consultation_id});
      if (!locked.ok()) return NotFoundAs(locked.status(), "no such consultation");
      WM_ASSIGN_OR_RETURN(Row n, c.QueryOne("SELECT COUNT(*) FROM consultation_registrations WHERE "
                                            "consultation_id=$1 AND state='confirmed'",
                                            {g.consultation_id}));
      Registration out = g;
      out.state = n.Int(0) < capacity ? RegistrationState::kConfirmed : RegistrationState::kWaitlisted;
      auto row = c.QueryOne(
          "INSERT INTO consultation_registrations(consultation_id, name, email, email_key, organisation, "
          "state, "
          "token, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
          {g.consultation_id, g.name, g.email, LowerAscii(g.email), g.organisation,
           std::string(consultations::ToString(out.state)), g.token, g.created_at});
      if (!row.ok()) return row.status();
      out.id = row->Int(0);
      return out;
    });
  }

  Result<Registration> FindRegistration(const std::string& token) override {
    return ReadSnapshot<Registration>(db_, [&](Connection& c) -> Result<Registration> {
      auto row = c.QueryOne(std::string(kRegistrationColumns) + "WHERE token=$1", {token});
      if (!row.ok()) return NotFoundAs(row.status(), "no such registration");
      return RegistrationFromRow(*row);
    });
  }

  Result<std::pair<Registration, std::optional<Registration>>> CancelRegistration(const std::string& token,
                                                                                  TimestampMs at) override {
    using Out = std::pair<Registration, std::optional<Registration>>;
    return sql::Transact<Out>(db_, true, [&](Connection& c) -> Result<Out> {
      auto found = c.QueryOne(std::string(kRegistrationColumns) + "WHERE token=$1", {token});
      if (!found.ok()) return NotFoundAs(found.status(), "no such registration");
      Registration g = RegistrationFromRow(*found);
      std::string lock = c.dialect() == sql::Dialect::kPostgres ? " FOR UPDATE" : "";
      WM_RETURN_IF_ERROR(
          c.QueryOne("SELECT id FROM consultations WHERE id=$1" + lock, {g.consultation_id}).status());
      WM_ASSIGN_OR_RETURN(auto n, c.Execute("UPDATE consultation_registrations SET state='cancelled', "
                                            "cancelled_at=$2 WHERE id=$1 AND state<>'cancelled'",
                                            {g.id, at}));
      if (n == 0) return Status::Conflict("the registration is already cancelled");
      bool held_place = g.state == RegistrationState::kConfirmed;
      g.state = RegistrationState::kCancelled;
      g.cancelled_at = at;
      Out out{g, std::nullopt};
      if (!held_place) return out;
      WM_ASSIGN_OR_RETURN(auto next,
                          c.Query(std::string(kRegistrationColumns) +
                                      "WHERE consultation_id=$1 AND state='waitlisted' ORDER BY id LIMIT 1",
                                  {g.consultation_id}));
      if (next.empty()) return out;
      Registration promoted = RegistrationFromRow(next.front());
      WM_RETURN_IF_ERROR(
          c.Execute("UPDATE consultation_registrations SET state='confirmed' WHERE id=$1", {promoted.id})
              .status());
      promoted.state = RegistrationState::kConfirmed;
      out.second = promoted;
      return out;
    });
  }

  Result<std::vector<Registration>> ListRegistrations(Id consultation_id) override {
    return ReadSnapshot<std::vector<Registration>>(
        db_, [&](Connection& c) -> Result<std::vector<Registration>> {
          WM_ASSIGN_OR_RETURN(
              auto rows, c.Query(std::string(kRegistrationColumns) + "WHERE consultation_id=$1 ORDER BY id",
                                 {consultation_id}));
          return internal::MapRows(rows, RegistrationFromRow);
        });
  }

  Result<ConsultationDocument> AddDocument(const ConsultationDocument& d) override {
    return sql::Transact<ConsultationDocument>(db_, true, [&](Connection& c) -> Result<ConsultationDocument> {
      std::string lock = c.dialect() == sql::Dialect::kPostgres ? " FOR UPDATE" : "";
      auto locked = c.QueryOne("SELECT id FROM consultations WHERE id=$1" + lock, {d.consultation_id});
      if (!locked.ok()) return NotFoundAs(locked.status(), "no such consultation");
      WM_ASSIGN_OR_RETURN(Row last,
                          c.QueryOne("SELECT COALESCE(MAX(position), 0) FROM consultation_documents "
                                     "WHERE consultation_id=$1",
                                     {d.consultation_id}));
      ConsultationDocument out = d;
      out.position = static_cast<int>(last.Int(0)) + 1;
      WM_ASSIGN_OR_RETURN(
          Row row,
          c.QueryOne("INSERT INTO consultation_documents(consultation_id, "
                     "library_item_id, kind, language, title, position, created_at) "
                     "VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
                     {d.consultation_id, d.library_item_id, std::string(consultations::ToString(d.kind)),
                      d.language, d.title, static_cast<std::int64_t>(out.position), d.created_at}));
      out.id = row.Int(0);
      return out;
    });
  }

  Result<std::vector<ConsultationDocument>> ListDocuments(Id consultation_id) override {
    return ReadSnapshot<std::vector<ConsultationDocument>>(
        db_, [&](Connection& c) -> Result<std::vector<ConsultationDocument>> {
          WM_ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kDocumentColumns) +
                                                     "WHERE consultation_id=$1 ORDER BY position, id",
                                                 {consultation_id}));
          return internal::MapRows(rows, DocumentFromRow);
        });
  }

  Result<ConsultationDocument> RemoveDocument(Id consultation_id, Id document_id) override {
    return sql::Transact<ConsultationDocument>(db_, true, [&](Connection& c) -> Result<ConsultationDocument> {
      auto found = c.QueryOne(std::string(kDocumentColumns) + "WHERE id=$1 AND consultation_id=$2",
                              {document_id, consultation_id});
      if (!found.ok()) return NotFoundAs(found.status(), "no such document");
      WM_ASSIGN_OR_RETURN(auto n, c.Execute("DELETE FROM consultation_documents WHERE id=$1", {document_id}));
      if (n == 0) return Status::NotFound("no such document");
      return DocumentFromRow(*found);
    });
  }

 private:
  Result<std::vector<ProgressUpdate>> QueryUpdates(const std::string& tail, const sql::Params& params) {
    return ReadSnapshot<std::vector<ProgressUpdate>>(
        db_, [&](Connection& c) -> Result<std::vector<ProgressUpdate>> {
          WM_ASSIGN_OR_RETURN(auto rows,
                              c.Query("SELECT point_id, id, at, text, links, author_id, author_name, "
                                      "progress FROM action_point_updates " +
                                          tail,
                                      params));
          return internal::MapRows(rows, [](const Row& r) { return UpdateFromRow(r, 1, r.Int(0)); });
        });
  }

  sql::Database& db_;
};

}  // namespace

struct ConsultationStores::Impl {
  explicit Impl(sql::Database& db) : store(db) {}
  SqlConsultationStore store;
};

ConsultationStores::ConsultationStores(sql::Database& db) : impl_(std::make_unique<Impl>(db)) {}
ConsultationStores::~ConsultationStores() = default;
consultations::ConsultationStore& ConsultationStores::store() { return impl_->store; }

}  // namespace waymark::storage
