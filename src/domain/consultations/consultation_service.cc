#include "domain/consultations/consultation_service.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "core/fields.h"
#include "core/slug.h"
#include "core/strings.h"

namespace waymark::consultations {
namespace {

constexpr std::size_t kTokenBytes = 24;  // 48 hex digits
constexpr int kMaxTokenAttempts = 4;
constexpr std::size_t kMaxList = 100;

std::string Trimmed(std::string_view s) { return std::string(TrimAscii(s)); }

std::optional<int> ParseInt(std::string_view s) {
  int v = 0;
  s = TrimAscii(s);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool IsHttpUrl(std::string_view s) {
  return (s.starts_with("https://") || s.starts_with("http://")) && s.size() <= 2000 &&
         s.find_first_of(" \t\r\n<>\"") == std::string_view::npos;
}

bool IsLanguage(std::string_view l) {
  return std::find(std::begin(kLanguages), std::end(kLanguages), l) != std::end(kLanguages);
}

bool IsToken(std::string_view t) {
  return t.size() == 2 * kTokenBytes && t.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool IsEmail(std::string_view e) {
  auto at = e.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < e.size() && e.size() <= 254 &&
         e.find_first_of(" \t\r\n,;<>\"") == std::string_view::npos &&
         e.find('@', at + 1) == std::string_view::npos;
}

// Checks a list of short lines (names, organisers): each trimmed, non-empty,
// at most kMaxShort characters; the field names the list.
std::vector<std::string> CheckList(FieldErrors& errors, const std::string& field,
                                   const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const auto& raw : in) {
    std::string v = Trimmed(raw);
    if (v.empty()) continue;
    if (!CheckTextField(errors, field, v, kMaxShort, false)) return {};
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  if (out.size() > kMaxList) errors.Add(field, "too_many", "has too many entries");
  return out;
}

// Checks texts by language: only en/fr/es, each within `max`; at least one
// when `required`.
Localized CheckLocalized(FieldErrors& errors, const std::string& field, const Localized& in, std::size_t max,
                         bool multiline, bool required) {
  Localized out;
  for (const auto& [lang, raw] : in) {
    std::string v = multiline ? raw : Trimmed(raw);
    if (TrimAscii(v).empty()) continue;
    if (!IsLanguage(lang)) {
      errors.Add(field, "locale_unknown", "has a language other than en, fr or es");
      return out;
    }
    if (!CheckTextField(errors, std::string(field).append("_").append(lang), v, max, multiline)) continue;
    out[lang] = v;
  }
  if (required && out.empty()) errors.Add(field, "required", "is required in at least one language");
  return out;
}

std::optional<Person> CheckPerson(FieldErrors& errors, const std::string& field, const Person& in) {
  Person p{Trimmed(in.name), Trimmed(in.role), Trimmed(in.organisation)};
  if (p.name.empty()) {
    if (!p.role.empty() || !p.organisation.empty()) errors.Add(field, "required", "needs a name");
    return std::nullopt;
  }
  for (const std::string* v : {&p.name, &p.role, &p.organisation}) {
    if (!CheckTextField(errors, field, *v, kMaxShort, false)) return std::nullopt;
  }
  return p;
}

// The date of a checked "YYYY-MM-DDTHH:MM".
std::string DateOf(const std::string& local) { return local.substr(0, 10); }

}  // namespace

ConsultationService::ConsultationService(accounts::Stores accounts, ConsultationStore& store,
                                         const Clock& clock, Random& random, exchange::Mailer* mailer,
                                         ConsultationOptions options)
    : accounts_(accounts),
      store_(store),
      clock_(clock),
      random_(random),
      mailer_(mailer),
      options_(std::move(options)) {}

std::string ConsultationService::Today() const { return FormatIso8601(clock_.NowMs()).substr(0, 10); }

Status ConsultationService::Audit(const Actor& actor, const std::string& action, const std::string& type,
                                  Id id, std::map<std::string, std::string> details) {
  return accounts_.audit->Record(
      accounts::AuditEntry::For(actor, clock_.NowMs(), action, type, std::to_string(id), std::move(details)));
}

Revision ConsultationService::MakeRevision(const Actor& actor, const std::string& action,
                                           const std::string& note) const {
  Revision r;
  r.at = clock_.NowMs();
  if (actor.user) r.actor_user_id = actor.user->id;
  r.actor_label = actor.user ? actor.user->name : actor.label;
  r.action = action;
  r.note = note;
  return r;
}

// ---- consultations ----

Result<Consultation> ConsultationService::Validate(const ConsultationInput& in, Consultation c) {
  FieldErrors errors;
  std::string title = Trimmed(in.title);
  if (title.empty()) {
    errors.Add("title", "required", "is required");
  } else {
    CheckTextField(errors, "title", title, kMaxTitle, false);
  }
  c.title = title;
  auto year = ParseInt(in.year);
  if (!year || *year < kMinYear || *year > kMaxYear) {
    errors.Add("year", "year_invalid", "must be a year between 1990 and 2100");
  } else {
    c.year = *year;
  }
  c.edition = 0;
  if (!TrimAscii(in.edition).empty()) {
    auto ed = ParseInt(in.edition);
    if (!ed || *ed < 0 || *ed > 1000) {
      errors.Add("edition", "number_invalid", "must be a whole number");
    } else {
      c.edition = *ed;
    }
  }
  c.starts_on = Trimmed(in.starts_on);
  c.ends_on = Trimmed(in.ends_on);
  if (c.ends_on.empty()) c.ends_on = c.starts_on;
  if (!IsDate(c.starts_on)) errors.Add("starts_on", "date_invalid", "must be a date (YYYY-MM-DD)");
  if (!IsDate(c.ends_on)) {
    errors.Add("ends_on", "date_invalid", "must be a date (YYYY-MM-DD)");
  } else if (IsDate(c.starts_on) && c.ends_on < c.starts_on) {
    errors.Add("ends_on", "end_before_start", "is before the first day");
  }
  if (year && IsDate(c.starts_on) && c.starts_on.substr(0, 4) != std::to_string(*year))
    errors.Add("starts_on", "year_mismatch", "is not in the consultation's year");
  c.time_zone = Trimmed(in.time_zone);
  if (c.time_zone.empty()) c.time_zone = "Europe/Zurich";
  if (!IsZoneName(c.time_zone)) errors.Add("time_zone", "zone_invalid", "must be an IANA time zone name");
  c.venue = Trimmed(in.venue);
  CheckTextField(errors, "venue", c.venue, kMaxShort, false);
  c.online_url = Trimmed(in.online_url);
  if (!c.online_url.empty() && !IsHttpUrl(c.online_url))
    errors.Add("online_url", "url_invalid", "must be an http(s) address");
  if (c.venue.empty() && c.online_url.empty())
    errors.Add("venue", "required", "is required unless the consultation is online");
  c.organisers = CheckList(errors, "organisers", in.organisers);
  c.participants = CheckList(errors, "participants", in.participants);
  c.languages.clear();
  for (const auto& l : in.languages) {
    std::string v = Trimmed(l);
    if (v.empty()) continue;
    if (!IsLanguage(v)) {
      errors.Add("languages", "locale_unknown", "must be en, fr or es");
    } else if (std::find(c.languages.begin(), c.languages.end(), v) == c.languages.end()) {
      c.languages.push_back(v);
    }
  }
  if (c.languages.empty()) c.languages = {"en", "fr", "es"};
  std::string status = Trimmed(in.status);
  if (status.empty()) status = std::string(ToString(c.status));
  auto st = ParseConsultationStatus(status);
  if (!st) {
    errors.Add("status", "status_unknown", "must be planned, held or report_published");
  } else {
    c.status = *st;
  }
  c.capacity = 0;
  if (!TrimAscii(in.capacity).empty()) {
    auto cap = ParseInt(in.capacity);
    if (!cap || *cap < 0 || *cap > 100000) {
      errors.Add("capacity", "number_invalid", "must be a whole number from 0");
    } else {
      c.capacity = *cap;
    }
  }
  std::string slug = Trimmed(in.slug);
  if (slug.empty() && c.slug.empty() && year)
    slug = std::to_string(*year) + (c.edition > 0 ? "-" + std::to_string(c.edition) : "");
  if (!slug.empty()) {
    if (slug != Slugify(slug, 60, "")) {
      errors.Add("slug", "slug_invalid", "may hold only lowercase letters, digits and hyphens");
    } else {
      c.slug = slug;
    }
  }
  if (!errors.empty()) return errors.ToStatus();
  return c;
}

Result<Consultation> ConsultationService::CreateConsultation(const Actor& actor,
                                                             const ConsultationInput& in) {
  if (!MayOrganise(actor)) return Status::PermissionDenied("only organisers create consultations");
  WM_ASSIGN_OR_RETURN(Consultation c, Validate(in, Consultation{}));
  c.created_at = c.updated_at = clock_.NowMs();
  return accounts::RunInUnit<Consultation>(*accounts_.unit, [&]() -> Result<Consultation> {
    WM_ASSIGN_OR_RETURN(Consultation made, store_.CreateConsultation(c, MakeRevision(actor, "create", "")));
    WM_RETURN_IF_ERROR(Audit(actor, "consultation.create", "consultation", made.id, {{"slug", made.slug}}));
    return made;
  });
}

Result<Consultation> ConsultationService::UpdateConsultation(const Actor& actor, Id id, std::int64_t version,
                                                             const ConsultationInput& in) {
  if (!MayOrganise(actor)) return Status::PermissionDenied("only organisers edit consultations");
  WM_ASSIGN_OR_RETURN(Consultation old, store_.GetConsultation(id));
  WM_ASSIGN_OR_RETURN(Consultation c, Validate(in, old));
  // Sessions already placed must still fall within the dates.
  for (const auto& s : old.sessions) {
    if (DateOf(s.starts) < c.starts_on || DateOf(s.ends) > c.ends_on) {
      FieldErrors e;
      e.Add("starts_on", "outside_dates", "leaves sessions of the agenda outside the consultation's dates");
      return e.ToStatus();
    }
  }
  c.version = version;
  c.updated_at = clock_.NowMs();
  return accounts::RunInUnit<Consultation>(*accounts_.unit, [&]() -> Result<Consultation> {
    WM_ASSIGN_OR_RETURN(Consultation out, store_.UpdateConsultation(c, MakeRevision(actor, "edit", "")));
    std::map<std::string, std::string> details{{"version", std::to_string(out.version)}};
    if (old.status != out.status) details["status"] = std::string(ToString(out.status));
    WM_RETURN_IF_ERROR(Audit(actor, "consultation.edit", "consultation", id, std::move(details)));
    return out;
  });
}

Result<Consultation> ConsultationService::GetConsultation(Id id) { return store_.GetConsultation(id); }

Result<Consultation> ConsultationService::FindConsultation(const std::string& key) {
  auto by_slug = store_.FindConsultationBySlug(key);
  if (by_slug.ok() || !by_slug.status().IsNotFound()) return by_slug;
  auto id = ParseInt(key);
  if (id && *id > 0 && key.find_first_not_of("0123456789") == std::string::npos)
    return store_.GetConsultation(*id);
  return by_slug;
}

Result<std::vector<Consultation>> ConsultationService::ListConsultations() {
  return store_.ListConsultations();
}

// ---- sessions ----

Result<Session> ConsultationService::ValidateSession(const Consultation& c, const SessionInput& in,
                                                     Id session_id) {
  FieldErrors errors;
  Session s;
  s.id = session_id;
  s.consultation_id = c.id;
  s.starts = Trimmed(in.starts);
  s.ends = Trimmed(in.ends);
  bool times_ok = true;
  if (!IsLocalDateTime(s.starts)) {
    errors.Add("starts", "datetime_invalid", "must be a local date and time (YYYY-MM-DDTHH:MM)");
    times_ok = false;
  }
  if (!IsLocalDateTime(s.ends)) {
    errors.Add("ends", "datetime_invalid", "must be a local date and time (YYYY-MM-DDTHH:MM)");
    times_ok = false;
  }
  auto type = ParseSessionType(Trimmed(in.type));
  if (!type) {
    errors.Add("type", "type_unknown", "must be plenary, panel, breakout or interactive");
  } else {
    s.type = *type;
  }
  if (times_ok) {
    if (s.ends <= s.starts) {
      errors.Add("ends", "end_before_start", "must be after the start");
    } else if (DateOf(s.starts) < c.starts_on || DateOf(s.ends) > c.ends_on) {
      errors.Add("starts", "outside_dates", "is outside the consultation's dates");
    } else if (type) {
      for (const auto& other : c.sessions) {
        if (other.id == session_id) continue;
        bool side_by_side = s.type == SessionType::kBreakout && other.type == SessionType::kBreakout;
        if (!side_by_side && s.starts < other.ends && other.starts < s.ends) {
          errors.Add("starts", "session_overlap", "overlaps the session \"" + Pick(other.title, "en") + "\"",
                     {{"session", Pick(other.title, "en")}});
          break;
        }
      }
    }
  }
  s.title = CheckLocalized(errors, "title", in.title, kMaxTitle, false, true);
  s.description = CheckLocalized(errors, "description", in.description, kMaxLong, true, false);
  if (in.moderator) s.moderator = CheckPerson(errors, "moderator", *in.moderator);
  for (const auto& p : in.speakers) {
    if (auto checked = CheckPerson(errors, "speakers", p)) s.speakers.push_back(*checked);
  }
  if (s.speakers.size() > kMaxList) errors.Add("speakers", "too_many", "has too many entries");
  s.conclusions = in.conclusions;
  CheckTextField(errors, "conclusions", s.conclusions, kMaxLong, true);
  s.online_url = Trimmed(in.online_url);
  if (!s.online_url.empty() && !IsHttpUrl(s.online_url))
    errors.Add("online_url", "url_invalid", "must be an http(s) address");
  if (!errors.empty()) return errors.ToStatus();
  return s;
}

Result<Session> ConsultationService::AddSession(const Actor& actor, Id consultation_id,
                                                const SessionInput& in) {
  if (!MayOrganise(actor)) return Status::PermissionDenied("only organisers edit the agenda");
  WM_ASSIGN_OR_RETURN(Consultation c, store_.GetConsultation(consultation_id));
  WM_ASSIGN_OR_RETURN(Session s, ValidateSession(c, in, 0));
  c.updated_at = clock_.NowMs();
  return accounts::RunInUnit<Session>(*accounts_.unit, [&]() -> Result<Session> {
    WM_ASSIGN_OR_RETURN(Session made, store_.AddSession(s));
    WM_ASSIGN_OR_RETURN(Consultation out,
                        store_.UpdateConsultation(c, MakeRevision(actor, "agenda", "session added")));
    (void)out;
    WM_RETURN_IF_ERROR(Audit(actor, "consultation.session_add", "consultation", consultation_id,
                             {{"session", std::to_string(made.id)}}));
    return made;
  });
}

Result<Session> ConsultationService::UpdateSession(const Actor& actor, Id consultation_id, Id session_id,
                                                   const SessionInput& in) {
  if (!MayOrganise(actor)) return Status::PermissionDenied("only organisers edit the agenda");
  WM_ASSIGN_OR_RETURN(Consultation c, store_.GetConsultation(consultation_id));
  if (std::none_of(c.sessions.begin(), c.sessions.end(),
                   [&](const Session& s) { return s.id == session_id; }))
    return Status::NotFound("no such session");
  WM_ASSIGN_OR_RETURN(Session s, ValidateSession(c, in, session_id));
  c.updated_at = clock_.NowMs();
  return accounts::RunInUnit<Session>(*accounts_.unit, [&]() -> Result<Session> {
    WM_ASSIGN_OR_RETURN(Session out, store_.UpdateSession(s));
    WM_RETURN_IF_ERROR(
        store_.UpdateConsultation(c, MakeRevision(actor, "agenda", "session edited")).status());
    WM_RETURN_IF_ERROR(Audit(actor, "consultation.session_edit", "consultation", consultation_id,
                             {{"session", std::to_string(session_id)}}));
    return out;
  });
}

Status ConsultationService::DeleteSession(const Actor& actor, Id consultation_id, Id session_id) {
  if (!MayOrganise(actor)) return Status::PermissionDenied("only organisers edit the agenda");
  WM_ASSIGN_OR_RETURN(Consultation c, store_.GetConsultation(consultation_id));
  c.updated_at = clock_.NowMs();
  return accounts_.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(store_.DeleteSession(consultation_id, session_id));
    WM_RETURN_IF_ERROR(
        store_.UpdateConsultation(c, MakeRevision(actor, "agenda", "session removed")).status());
    return Audit(actor, "consultation.session_delete", "consultation", consultation_id,
                 {{"session", std::to_string(session_id)}});
  });
}

// ---- action points ----

Result<ActionPoint> ConsultationService::ValidatePoint(const Consultation& c, const PointInput& in,
                                                       ActionPoint p) {
  FieldErrors errors;
  p.consultation_id = c.id;
  p.consultation_year = c.year;
  p.number = Trimmed(in.number);
  if (p.number.empty()) {
    errors.Add("number", "required", "is required");
  } else if (p.number.size() > 20 ||
             p.number.find_first_not_of("0123456789.abcdefghijklmnopqrstuvwxyz") != std::string::npos) {
    errors.Add("number", "number_invalid", "may hold only digits, letters and dots (\"3\", \"3.1\")");
  }
  p.text = CheckLocalized(errors, "text", in.text, kMaxLong, true, true);
  p.parent_id = in.parent_id;
  if (p.parent_id) {
    if (*p.parent_id == p.id) {
      errors.Add("parent", "parent_invalid", "cannot be the point itself");
    } else {
      auto parent = store_.GetPoint(*p.parent_id);
      if (!parent.ok() && !parent.status().IsNotFound()) return parent.status();
      if (!parent.ok() || parent->consultation_id != c.id || parent->parent_id)
        errors.Add("parent", "parent_invalid", "must be a top-level point of the same consultation");
    }
  }
  p.session_id = in.session_id;
  if (p.session_id && std::none_of(c.sessions.begin(), c.sessions.end(),
                                   [&](const Session& s) { return s.id == *p.session_id; }))
    errors.Add("session", "session_unknown", "is not a session of this consultation");
  p.owners.clear();
  for (const auto& o : in.owners) {
    auto kind = ParseOwnerKind(Trimmed(o.kind));
    if (!kind) {
      errors.Add("owners", "owner_unknown", "must be iom, organisation or all_csos");
      continue;
    }
    Owner owner{*kind, 0, "", ""};
    if (*kind == OwnerKind::kOrganisation) {
      auto org = accounts_.organisations->FindBySlug(Trimmed(o.organisation));
      if (!org.ok()) {
        if (!org.status().IsNotFound()) return org.status();
        errors.Add("owners", "org_unknown", "names no registered organisation");
        continue;
      }
      owner.org_id = org->id;
      owner.slug = org->slug;
      owner.name = org->name;
    }
    if (std::find(p.owners.begin(), p.owners.end(), owner) == p.owners.end()) p.owners.push_back(owner);
  }
  if (p.owners.empty() && !errors.Has("owners")) errors.Add("owners", "required", "needs at least one owner");
  p.target_date = Trimmed(in.target_date);
  if (!p.target_date.empty() && !IsDate(p.target_date))
    errors.Add("target_date", "date_invalid", "must be a date (YYYY-MM-DD)");
  p.weight = 1;
  if (!TrimAscii(in.weight).empty()) {
    auto w = ParseInt(in.weight);
    if (!w || *w < 1 || *w > 100) {
      errors.Add("weight", "number_invalid", "must be a whole number from 1 to 100");
    } else {
      p.weight = *w;
    }
  }
  p.themes = CheckList(errors, "themes", in.themes);
  p.links.clear();
  for (const auto& l : in.links) {
    if (l.target_id <= 0) {
      errors.Add("links", "link_invalid", "must name what implements the point by its id");
      continue;
    }
    PointLink link = l;
    link.label = Trimmed(l.label);
    if (!CheckTextField(errors, "links", link.label, kMaxShort, false)) continue;
    if (std::find(p.links.begin(), p.links.end(), link) == p.links.end()) p.links.push_back(link);
  }
  p.milestones.clear();
  for (const auto& m : in.milestones) {
    Milestone ms{Trimmed(m.date), Trimmed(m.text), m.reached};
    if (!IsDate(ms.date)) {
      errors.Add("milestones", "date_invalid", "need a date (YYYY-MM-DD)");
      continue;
    }
    if (ms.text.empty()) {
      errors.Add("milestones", "required", "need a text");
      continue;
    }
    if (CheckTextField(errors, "milestones", ms.text, kMaxShort, false)) p.milestones.push_back(ms);
  }
  std::sort(p.milestones.begin(), p.milestones.end(),
            [](const Milestone& a, const Milestone& b) { return a.date < b.date; });
  if (!errors.empty()) return errors.ToStatus();
  return p;
}

Result<ActionPoint> ConsultationService::CreatePoint(const Actor& actor, Id consultation_id,
                                                     const PointInput& in) {
  if (!MayOrganise(actor)) return Status::PermissionDenied("only organisers record action points");
  WM_ASSIGN_OR_RETURN(Consultation c, store_.GetConsultation(consultation_id));
  WM_ASSIGN_OR_RETURN(ActionPoint p, ValidatePoint(c, in, ActionPoint{}));
  p.created_at = p.updated_at = clock_.NowMs();
  return accounts::RunInUnit<ActionPoint>(*accounts_.unit, [&]() -> Result<ActionPoint> {
    WM_ASSIGN_OR_RETURN(ActionPoint made, store_.CreatePoint(p, MakeRevision(actor, "create", "")));
    WM_RETURN_IF_ERROR(Audit(actor, "action_point.create", "action_point", made.id,
                             {{"consultation", c.slug}, {"number", made.number}}));
    return made;
  });
}

Result<ActionPoint> ConsultationService::UpdatePoint(const Actor& actor, Id id, std::int64_t version,
                                                     const PointInput& in) {
  if (!MayOrganise(actor)) return Status::PermissionDenied("only organisers edit action points");
  WM_ASSIGN_OR_RETURN(ActionPoint old, store_.GetPoint(id));
  WM_ASSIGN_OR_RETURN(Consultation c, store_.GetConsultation(old.consultation_id));
  WM_ASSIGN_OR_RETURN(ActionPoint p, ValidatePoint(c, in, old));
  TimestampMs now = clock_.NowMs();
  return accounts::RunInUnit<ActionPoint>(*accounts_.unit, [&]() -> Result<ActionPoint> {
    WM_ASSIGN_OR_RETURN(ActionPoint out, store_.ModifyPoint(
                                             id, version,
                                             [&](ActionPoint& cur) {
                                               // Status, progress and carry-over have their own paths.
                                               p.status = cur.status;
                                               p.progress = cur.progress;
                                               p.carried_from = cur.carried_from;
                                               p.carried_to = cur.carried_to;
                                               p.version = cur.version;
                                               p.created_at = cur.created_at;
                                               p.updated_at = now;
                                               cur = p;
                                               return Status::Ok();
                                             },
                                             MakeRevision(actor, "edit", "")));
    WM_RETURN_IF_ERROR(
        Audit(actor, "action_point.edit", "action_point", id, {{"version", std::to_string(out.version)}}));
    return out;
  });
}

Result<ActionPoint> ConsultationService::GetPoint(Id id) { return store_.GetPoint(id); }

Status ConsultationService::FollowPoint(const Actor& actor, Id point_id, bool follow) {
  if (!actor.user) return Status::Unauthenticated("sign in to follow an action point");
  if (options_.follows == nullptr) return Status::Unavailable("action points cannot be followed here");
  WM_RETURN_IF_ERROR(store_.GetPoint(point_id).status());
  exchange::Target t{kPointFollowKind, point_id};
  Id user_id = actor.user->id;
  return accounts_.unit->Run([&]() -> Status {
    WM_ASSIGN_OR_RETURN(bool before, options_.follows->IsFollowing(user_id, t));
    if (before == follow) return Status::Ok();
    if (follow) {
      WM_RETURN_IF_ERROR(options_.follows->Follow(user_id, t, clock_.NowMs()));
    } else {
      WM_RETURN_IF_ERROR(options_.follows->Unfollow(user_id, t));
    }
    return Audit(actor, follow ? "follow.add" : "follow.remove", kPointFollowKind, point_id);
  });
}

Result<bool> ConsultationService::IsFollowingPoint(const Actor& actor, Id point_id) {
  if (!actor.user || options_.follows == nullptr) return false;
  return options_.follows->IsFollowing(actor.user->id, exchange::Target{kPointFollowKind, point_id});
}

Result<std::vector<Id>> ConsultationService::PointFollowers(Id point_id) {
  if (options_.follows == nullptr) return std::vector<Id>{};
  return options_.follows->Followers(exchange::Target{kPointFollowKind, point_id});
}

bool ConsultationService::HoldsRole(const Actor& actor, const ActionPoint& p, accounts::Role least) const {
  if (actor.IsAdmin()) return true;
  if (!actor.user) return false;
  auto at_least = [&](accounts::Role r) { return static_cast<int>(r) >= static_cast<int>(least); };
  for (const auto& m : actor.user->memberships) {
    if (!at_least(m.role)) continue;
    bool is_iom = m.organisation_slug == options_.iom_slug;
    for (const auto& o : p.owners) {
      if (o.kind == OwnerKind::kIom && is_iom) return true;
      if (o.kind == OwnerKind::kAllCsos && !is_iom) return true;
      if (o.kind == OwnerKind::kOrganisation && o.org_id == m.organisation_id) return true;
    }
  }
  return false;
}

bool ConsultationService::MayPostProgress(const Actor& actor, const ActionPoint& p) const {
  return HoldsRole(actor, p, accounts::Role::kEditor);
}

bool ConsultationService::MayChangeStatus(const Actor& actor, const ActionPoint& p) const {
  return HoldsRole(actor, p, accounts::Role::kModerator);
}

Result<ProgressUpdate> ConsultationService::PostProgress(const Actor& actor, Id point_id,
                                                         const ProgressInput& in) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to post progress");
  WM_ASSIGN_OR_RETURN(ActionPoint p, store_.GetPoint(point_id));
  if (!MayPostProgress(actor, p))
    return Status::PermissionDenied("only editors of the point's owners post its progress");
  FieldErrors errors;
  ProgressUpdate u;
  u.point_id = point_id;
  u.text = in.text;
  if (TrimAscii(u.text).empty()) {
    errors.Add("text", "required", "is required");
  } else {
    CheckTextField(errors, "text", u.text, kMaxLong, true);
  }
  for (const auto& l : in.links) {
    std::string v = Trimmed(l);
    if (v.empty()) continue;
    if (!IsHttpUrl(v)) {
      errors.Add("links", "url_invalid", "must be http(s) addresses");
      break;
    }
    u.links.push_back(v);
  }
  if (u.links.size() > 20) errors.Add("links", "too_many", "has too many entries");
  if (!TrimAscii(in.progress).empty()) {
    auto pr = ParseInt(in.progress);
    if (!pr || *pr < 0 || *pr > 100) {
      errors.Add("progress", "number_invalid", "must be a whole number from 0 to 100");
    } else {
      u.progress = *pr;
    }
  }
  if (p.status == PointStatus::kCarriedOver)
    errors.Add("text", "point_closed",
               "cannot be added: the point was carried over; follow its continuation");
  if (!errors.empty()) return errors.ToStatus();
  u.at = clock_.NowMs();
  if (actor.user) u.author_id = actor.user->id;
  u.author_name = actor.user ? actor.user->name : actor.label;
  return accounts::RunInUnit<ProgressUpdate>(*accounts_.unit, [&]() -> Result<ProgressUpdate> {
    WM_ASSIGN_OR_RETURN(ProgressUpdate made, store_.AddUpdate(u));
    WM_RETURN_IF_ERROR(store_
                           .ModifyPoint(
                               point_id, 0,
                               [&](ActionPoint& cur) {
                                 if (u.progress >= 0) cur.progress = u.progress;
                                 cur.updated_at = u.at;
                                 return Status::Ok();
                               },
                               MakeRevision(actor, "progress", ""))
                           .status());
    WM_RETURN_IF_ERROR(Audit(actor, "action_point.progress", "action_point", point_id,
                             {{"update", std::to_string(made.id)}}));
    return made;
  });
}

Result<ActionPoint> ConsultationService::SetStatus(const Actor& actor, Id point_id,
                                                   const std::string& status_in, std::int64_t version,
                                                   const std::string& note_in) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to change a status");
  WM_ASSIGN_OR_RETURN(ActionPoint p, store_.GetPoint(point_id));
  if (!MayChangeStatus(actor, p))
    return Status::PermissionDenied("only moderators of the point's owners change its status");
  auto to = ParsePointStatus(Trimmed(status_in));
  FieldErrors errors;
  if (!to) errors.Add("status", "status_unknown", "must be open, in_progress, done or dropped");
  std::string note = Trimmed(note_in);
  CheckTextField(errors, "note", note, kMaxShort, false);
  if (!errors.empty()) return errors.ToStatus();
  PointStatus from = p.status;
  auto changed = accounts::RunInUnit<ActionPoint>(*accounts_.unit, [&]() -> Result<ActionPoint> {
    WM_ASSIGN_OR_RETURN(
        ActionPoint out,
        store_.ModifyPoint(
            point_id, version,
            [&](ActionPoint& cur) -> Status {
              from = cur.status;
              if (!TransitionAllowed(cur.status, *to)) {
                FieldErrors e;
                e.Add("status", "status_transition",
                      "cannot go from " + std::string(ToString(cur.status)) + " to " +
                          std::string(ToString(*to)),
                      {{"from", std::string(ToString(cur.status))}, {"to", std::string(ToString(*to))}});
                return e.ToStatus();
              }
              cur.status = *to;
              if (*to == PointStatus::kDone) cur.progress = 100;
              cur.updated_at = clock_.NowMs();
              return Status::Ok();
            },
            MakeRevision(actor, "status", std::string(ToString(*to)) + (note.empty() ? "" : ": " + note))));
    WM_RETURN_IF_ERROR(Audit(actor, "action_point.status", "action_point", point_id,
                             {{"from", std::string(ToString(from))}, {"to", std::string(ToString(*to))}}));
    return out;
  });
  if (changed.ok() && options_.on_status_change) options_.on_status_change(actor, *changed, from);
  return changed;
}

Result<ActionPoint> ConsultationService::CarryOver(const Actor& actor, Id point_id, Id target,
                                                   const std::string& number_in) {
  if (!MayOrganise(actor)) return Status::PermissionDenied("only organisers carry points over");
  WM_ASSIGN_OR_RETURN(ActionPoint p, store_.GetPoint(point_id));
  WM_ASSIGN_OR_RETURN(Consultation from, store_.GetConsultation(p.consultation_id));
  auto to = store_.GetConsultation(target);
  FieldErrors errors;
  if (!to.ok()) {
    if (!to.status().IsNotFound()) return to.status();
    errors.Add("consultation", "consultation_unknown", "names no consultation");
  } else if (to->starts_on <= from.starts_on) {
    errors.Add("consultation", "carry_over_older", "must be later than the point's own consultation");
  }
  if (p.parent_id) errors.Add("point", "carry_over_sub_point", "is a sub-point: carry its parent over");
  if (p.status == PointStatus::kDone || p.status == PointStatus::kDropped ||
      p.status == PointStatus::kCarriedOver)
    errors.Add("status", "status_transition",
               "a point that is " + std::string(ToString(p.status)) + " cannot be carried over");
  if (!errors.empty()) return errors.ToStatus();
  ActionPoint next = p;
  next.id = 0;
  next.consultation_id = to->id;
  next.consultation_year = to->year;
  next.number = Trimmed(number_in).empty() ? p.number : Trimmed(number_in);
  next.session_id.reset();
  next.status = p.status == PointStatus::kInProgress ? PointStatus::kInProgress : PointStatus::kOpen;
  next.carried_from = p.id;
  next.carried_to.reset();
  next.created_at = next.updated_at = clock_.NowMs();
  next.latest.reset();
  std::string note = "from " + from.slug + " #" + p.number;
  return accounts::RunInUnit<ActionPoint>(*accounts_.unit, [&]() -> Result<ActionPoint> {
    WM_ASSIGN_OR_RETURN(ActionPoint made, store_.CreatePoint(next, MakeRevision(actor, "carry_over", note)));
    WM_RETURN_IF_ERROR(store_
                           .ModifyPoint(
                               point_id, 0,
                               [&](ActionPoint& cur) -> Status {
                                 if (cur.status == PointStatus::kCarriedOver)
                                   return Status::Conflict("the point was carried over meanwhile");
                                 cur.status = PointStatus::kCarriedOver;
                                 cur.carried_to = made.id;
                                 cur.updated_at = made.created_at;
                                 return Status::Ok();
                               },
                               MakeRevision(actor, "carry_over", "to " + to->slug + " #" + made.number))
                           .status());
    WM_RETURN_IF_ERROR(Audit(actor, "action_point.carry_over", "action_point", point_id,
                             {{"to_consultation", to->slug}, {"new_point", std::to_string(made.id)}}));
    return made;
  });
}

Result<PointFilter> ConsultationService::ParseFilter(const std::string& year_in, const std::string& owner_in,
                                                     const std::string& status_in,
                                                     const std::string& theme_in) {
  PointFilter f;
  FieldErrors errors;
  if (!TrimAscii(year_in).empty()) {
    auto year = ParseInt(year_in);
    if (!year || *year < kMinYear || *year > kMaxYear) {
      errors.Add("year", "year_invalid", "must be a year between 1990 and 2100");
    } else {
      f.year = *year;
    }
  }
  std::string owner = Trimmed(owner_in);
  if (!owner.empty()) {
    auto kind = ParseOwnerKind(owner);
    if (kind && *kind != OwnerKind::kOrganisation) {
      f.owner_kind = kind;
    } else {
      auto org = accounts_.organisations->FindBySlug(owner);
      if (org.ok()) {
        f.owner_org = org->id;
      } else if (org.status().IsNotFound()) {
        errors.Add("owner", "owner_unknown", "must be iom, all_csos or an organisation's slug");
      } else {
        return org.status();
      }
    }
  }
  if (!TrimAscii(status_in).empty()) {
    auto st = ParsePointStatus(Trimmed(status_in));
    if (!st) {
      errors.Add("status", "status_unknown", "must be open, in_progress, done, dropped or carried_over");
    } else {
      f.status = st;
    }
  }
  f.theme = Trimmed(theme_in);
  if (f.theme.size() > kMaxShort || f.theme.find(',') != std::string::npos)
    errors.Add("theme", "theme_invalid", "is not a theme");
  if (!errors.empty()) return errors.ToStatus();
  return f;
}

Result<Tracker> ConsultationService::Track(const PointFilter& filter) {
  PointFilter all;
  all.consultation_id = filter.consultation_id;
  all.year = filter.year;
  WM_ASSIGN_OR_RETURN(auto everything, store_.ListPoints(all));
  std::map<Id, std::vector<ActionPoint>> children_of;
  for (const auto& p : everything) {
    if (p.parent_id) children_of[*p.parent_id].push_back(p);
  }
  std::map<Id, int> weighted;
  for (const auto& p : everything) weighted[p.id] = WeightedProgress(p, children_of);
  // Without a filter on owner, status or theme the list is the one just read.
  bool narrower = filter.owner_kind || filter.owner_org || filter.status || !filter.theme.empty();
  std::vector<ActionPoint> points;
  if (narrower) {
    WM_ASSIGN_OR_RETURN(points, store_.ListPoints(filter));
  } else {
    points = std::move(everything);
  }
  for (auto& p : points) {
    auto it = weighted.find(p.id);
    if (it != weighted.end()) p.progress = it->second;
  }
  Tracker t;
  t.today = Today();
  t.summary = Summarise(points, t.today);
  t.points = std::move(points);
  return t;
}

Result<std::vector<ActionPoint>> ConsultationService::SubPoints(Id point_id) {
  WM_ASSIGN_OR_RETURN(ActionPoint p, store_.GetPoint(point_id));
  PointFilter f;
  f.consultation_id = p.consultation_id;
  WM_ASSIGN_OR_RETURN(auto points, store_.ListPoints(f));
  std::vector<ActionPoint> out;
  for (auto& c : points) {
    if (c.parent_id == point_id) out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<ProgressUpdate>> ConsultationService::ListUpdates(Id point_id) {
  return store_.ListUpdates(point_id);
}

Result<std::vector<ProgressUpdate>> ConsultationService::RecentUpdates(int limit) {
  return store_.RecentUpdates(std::clamp(limit, 1, 500));
}

Result<std::vector<Revision>> ConsultationService::ListRevisions(const std::string& entity_type, Id id) {
  return store_.ListRevisions(entity_type, id);
}

// ---- registration ----

Result<Registration> ConsultationService::Register(const Actor& actor, Id consultation_id,
                                                   const RegistrationInput& in) {
  WM_ASSIGN_OR_RETURN(Consultation c, store_.GetConsultation(consultation_id));
  if (c.status != ConsultationStatus::kPlanned || c.capacity <= 0)
    return Status::Conflict("this consultation takes no registrations");
  FieldErrors errors;
  Registration r;
  r.consultation_id = c.id;
  r.name = Trimmed(in.name);
  if (r.name.empty()) {
    errors.Add("name", "required", "is required");
  } else {
    CheckTextField(errors, "name", r.name, kMaxShort, false);
  }
  r.email = Trimmed(in.email);
  if (!IsEmail(r.email)) errors.Add("email", "email_invalid", "must be an e-mail address");
  r.organisation = Trimmed(in.organisation);
  CheckTextField(errors, "organisation", r.organisation, kMaxShort, false);
  if (!errors.empty()) return errors.ToStatus();
  r.created_at = clock_.NowMs();
  for (int attempt = 1;; ++attempt) {
    r.token = random_.Hex(kTokenBytes);
    auto made = accounts::RunInUnit<Registration>(*accounts_.unit, [&]() -> Result<Registration> {
      WM_ASSIGN_OR_RETURN(Registration out, store_.Register(r, c.capacity));
      WM_RETURN_IF_ERROR(
          Audit(actor, "consultation.register", "consultation", c.id,
                {{"registration", std::to_string(out.id)}, {"state", std::string(ToString(out.state))}}));
      return out;
    });
    if (made.ok()) {
      SendConfirmation(c, *made);
      return made;
    }
    if (!made.status().IsConflict() || attempt >= kMaxTokenAttempts) return made;
    // Conflict: the address already registered, or (rarely) a token clash.
    auto again = store_.FindRegistration(r.token);
    if (!again.ok()) {
      FieldErrors e;
      e.Add("email", "already_registered", "is already registered for this consultation");
      return e.ToStatus();
    }
  }
}

void ConsultationService::SendConfirmation(const Consultation& c, const Registration& r) {
  if (!mailer_) return;
  exchange::Email e;
  e.to = r.email;
  bool confirmed = r.state == RegistrationState::kConfirmed;
  e.subject = c.title + (confirmed ? ": your place is confirmed" : ": you are on the waiting list");
  e.text = "Hello " + r.name + ",\n\n" +
           (confirmed ? "Your place at " + c.title + " (" + c.starts_on + ", " +
                            (c.venue.empty() ? c.online_url : c.venue) + ") is confirmed.\n"
                      : "You are on the waiting list for " + c.title +
                            ". We will write again if a place frees up.\n") +
           "\nTo cancel: " + options_.public_url + "/registrations/" + r.token + "\n";
  (void)mailer_->Send(e);  // a lost e-mail does not undo the registration
}

Result<Registration> ConsultationService::FindRegistration(const std::string& token) {
  if (!IsToken(token)) return Status::NotFound("no such registration");
  return store_.FindRegistration(token);
}

Result<Registration> ConsultationService::CancelRegistration(const std::string& token) {
  if (!IsToken(token)) return Status::NotFound("no such registration");
  auto out = accounts::RunInUnit<std::pair<Registration, std::optional<Registration>>>(
      *accounts_.unit, [&]() -> Result<std::pair<Registration, std::optional<Registration>>> {
        WM_ASSIGN_OR_RETURN(auto pair, store_.CancelRegistration(token, clock_.NowMs()));
        std::map<std::string, std::string> details{{"registration", std::to_string(pair.first.id)}};
        if (pair.second) details["promoted"] = std::to_string(pair.second->id);
        WM_RETURN_IF_ERROR(Audit(Actor::Anonymous(""), "consultation.unregister", "consultation",
                                 pair.first.consultation_id, std::move(details)));
        return pair;
      });
  if (!out.ok()) return out.status();
  if (out->second) {
    auto c = store_.GetConsultation(out->first.consultation_id);
    if (c.ok()) SendConfirmation(*c, *out->second);
  }
  return out->first;
}

Result<std::vector<Registration>> ConsultationService::ListRegistrations(const Actor& actor,
                                                                         Id consultation_id) {
  if (!MayOrganise(actor)) return Status::PermissionDenied("only organisers see registrations");
  WM_RETURN_IF_ERROR(store_.GetConsultation(consultation_id).status());
  return store_.ListRegistrations(consultation_id);
}

}  // namespace waymark::consultations
