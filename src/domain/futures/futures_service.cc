#include "domain/futures/futures_service.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

#include "core/fields.h"
#include "core/slug.h"
#include "core/strings.h"

namespace waymark::futures {
namespace {

std::string Trimmed(std::string_view s) { return std::string(TrimAscii(s)); }

std::optional<int> ParseInt(std::string_view s) {
  s = TrimAscii(s);
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool IsAllDigits(std::string_view s) {
  return !s.empty() && s.size() <= 18 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ValidSlug(const std::string& s) {
  return !s.empty() && s.size() <= 80 && s.front() != '-' && s.back() != '-' &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos && !IsAllDigits(s);
}

// A list of names: trimmed, non-empty, unique, each checked.
std::vector<std::string> CheckNames(FieldErrors& errors, const std::string& field,
                                    const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const auto& raw : in) {
    std::string v = Trimmed(raw);
    if (v.empty()) continue;
    if (!CheckTextField(errors, field, v, kMaxName, false)) return out;
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  if (out.size() > kMaxList) errors.Add(field, "too_many", "may hold at most 12 entries");
  return out;
}

}  // namespace

FuturesService::FuturesService(accounts::Stores accounts, FuturesStore& store, const Clock& clock,
                               consultations::ConsultationService* consultations)
    : accounts_(accounts), store_(store), clock_(clock), consultations_(consultations) {}

Status FuturesService::Audit(const Actor& actor, const std::string& action, const std::string& type, Id id,
                             std::map<std::string, std::string> details) {
  return accounts_.audit->Record(
      accounts::AuditEntry::For(actor, clock_.NowMs(), action, type, std::to_string(id), std::move(details)));
}

bool FuturesService::MayFacilitate(const Actor& actor, const Workshop& w) const {
  if (actor.IsAdmin()) return true;
  if (!actor.user) return false;
  if (actor.user->id == w.facilitator_id) return true;
  return std::any_of(actor.user->memberships.begin(), actor.user->memberships.end(),
                     [](const accounts::Membership& m) { return m.role >= accounts::Role::kModerator; });
}

bool FuturesService::MayLinkConsultation(const Actor& actor) const {
  return consultations_ != nullptr && consultations_->MayOrganise(actor);
}

Result<Workshop> FuturesService::Validate(const Actor& actor, const WorkshopInput& in, Workshop w,
                                          bool create) {
  FieldErrors errors;
  w.title = Trimmed(in.title);
  if (w.title.empty()) {
    errors.Add("title", "required", "is required");
  } else {
    CheckTextField(errors, "title", w.title, kMaxTitle, false);
  }
  std::string slug = Trimmed(in.slug);
  if (create) {
    if (!slug.empty() && !ValidSlug(slug))
      errors.Add("slug", "slug_format", "may hold only lowercase letters, digits and dashes");
    w.slug = slug;
  }
  auto year = ParseInt(in.horizon_year);
  if (!year || *year < 2000 || *year > 2200) {
    errors.Add("horizon_year", "number_invalid", "must be a year from 2000 to 2200");
  } else {
    w.horizon_year = *year;
  }
  if (!in.areas.empty() || create) {
    std::vector<std::string> areas = CheckNames(errors, "areas", in.areas);
    if (areas.empty() && in.areas.empty()) areas.assign(std::begin(kDefaultAreas), std::end(kDefaultAreas));
    if (areas.empty() && !errors.Has("areas")) errors.Add("areas", "required", "needs at least one area");
    w.areas = areas;
  }
  if (!in.groups.empty() || create) {
    std::vector<std::string> groups = CheckNames(errors, "groups", in.groups);
    if (groups.empty() && in.groups.empty()) groups = {"A"};
    if (groups.empty() && !errors.Has("groups")) errors.Add("groups", "required", "needs at least one group");
    w.groups = groups;
  }
  if (!TrimAscii(in.vote_budget).empty()) {
    auto b = ParseInt(in.vote_budget);
    if (!b || *b < 1 || *b > kMaxBudget) {
      errors.Add("vote_budget", "number_invalid", "must be a whole number from 1 to 50");
    } else {
      w.vote_budget = *b;
    }
  }
  std::string consultation = Trimmed(in.consultation);
  if (consultation.empty()) {
    if (!TrimAscii(in.session_id).empty())
      errors.Add("session_id", "fu_session_unknown", "needs a consultation");
    w.consultation_id.reset();
    w.session_id.reset();
  } else if (!MayLinkConsultation(actor)) {
    errors.Add("consultation", "fu_permission", "only organisers of consultations link a workshop to one");
  } else {
    auto c = consultations_->FindConsultation(consultation);
    if (!c.ok()) {
      if (!c.status().IsNotFound()) return c.status();
      errors.Add("consultation", "fu_consultation_unknown", "names no consultation");
    } else {
      w.consultation_id = c->id;
      w.session_id.reset();
      std::string sid = Trimmed(in.session_id);
      if (!sid.empty()) {
        bool found = false;
        if (IsAllDigits(sid)) {
          Id id = std::stoll(sid);
          found = std::any_of(c->sessions.begin(), c->sessions.end(),
                              [&](const consultations::Session& s) { return s.id == id; });
          if (found) w.session_id = id;
        }
        if (!found) errors.Add("session_id", "fu_session_unknown", "is not a session of that consultation");
      }
    }
  }
  if (!errors.empty()) return errors.ToStatus();
  return w;
}

Result<Workshop> FuturesService::CreateWorkshop(const Actor& actor, const WorkshopInput& in) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to run a workshop");
  WM_ASSIGN_OR_RETURN(Workshop w, Validate(actor, in, Workshop{}, true));
  if (actor.user) {
    w.facilitator_id = actor.user->id;
    w.facilitator_name = actor.user->name;
  }
  w.phase = Phase::kStatements;
  w.created_at = w.updated_at = clock_.NowMs();
  bool chosen = !w.slug.empty();
  std::string stem = chosen ? w.slug : Slugify(w.title, 60, "workshop");
  if (IsAllDigits(stem)) stem = "workshop-" + stem;
  for (int attempt = 1;; ++attempt) {
    w.slug = attempt == 1 ? stem : stem + "-" + std::to_string(attempt);
    auto made = accounts::RunInUnit<Workshop>(*accounts_.unit, [&]() -> Result<Workshop> {
      WM_ASSIGN_OR_RETURN(Workshop out, store_.CreateWorkshop(w));
      WM_RETURN_IF_ERROR(
          Audit(actor, "futures_workshop.create", "futures_workshop", out.id, {{"slug", out.slug}}));
      return out;
    });
    if (made.ok() || !made.status().IsConflict()) return made;
    if (chosen) return FieldStatus("slug", "slug_taken", "is taken");
    if (attempt >= 20) return made;
  }
}

Result<Workshop> FuturesService::UpdateWorkshop(const Actor& actor, Id id, const WorkshopInput& in) {
  WM_ASSIGN_OR_RETURN(Workshop cur, store_.GetWorkshop(id));
  if (!MayFacilitate(actor, cur)) return Status::PermissionDenied("only the facilitator edits the workshop");
  WorkshopInput input = in;
  // An empty consultation keeps the link as it is; "none" removes it (organisers only).
  Actor as = actor;
  std::string wanted = Trimmed(input.consultation);
  if (wanted == "none") {
    if (cur.consultation_id && !MayLinkConsultation(actor))
      return FieldStatus("consultation", "fu_permission",
                         "may be changed only by organisers of consultations");
    input.consultation.clear();
    input.session_id.clear();
  } else if (cur.consultation_id && (wanted.empty() || wanted == std::to_string(*cur.consultation_id))) {
    input.consultation = std::to_string(*cur.consultation_id);
    if (TrimAscii(input.session_id).empty() && cur.session_id)
      input.session_id = std::to_string(*cur.session_id);
    as = Actor::System();  // an unchanged link needs no organiser
  }
  WM_ASSIGN_OR_RETURN(Workshop next, Validate(as, input, cur, false));
  return accounts::RunInUnit<Workshop>(*accounts_.unit, [&]() -> Result<Workshop> {
    WM_ASSIGN_OR_RETURN(Workshop out, store_.ModifyWorkshop(id, [&](Workshop& w) -> Status {
      if (w.phase != Phase::kStatements) return WrongPhase(Phase::kStatements, w.phase);
      w.title = next.title;
      w.horizon_year = next.horizon_year;
      w.areas = next.areas;
      w.groups = next.groups;
      w.vote_budget = next.vote_budget;
      w.consultation_id = next.consultation_id;
      w.session_id = next.session_id;
      w.updated_at = clock_.NowMs();
      return Status::Ok();
    }));
    WM_RETURN_IF_ERROR(Audit(actor, "futures_workshop.update", "futures_workshop", out.id));
    return out;
  });
}

Result<Workshop> FuturesService::GetWorkshop(Id id) { return store_.GetWorkshop(id); }

Result<Workshop> FuturesService::FindWorkshop(const std::string& key) {
  if (key.empty() || key.size() > 80) return Status::NotFound("no such workshop");
  if (IsAllDigits(key)) return store_.GetWorkshop(std::stoll(key));
  return store_.FindWorkshopBySlug(key);
}

Result<std::vector<Workshop>> FuturesService::ListWorkshops() { return store_.ListWorkshops(); }

Result<Workshop> FuturesService::SetPhase(const Actor& actor, Id id, const std::string& phase) {
  WM_ASSIGN_OR_RETURN(Workshop cur, store_.GetWorkshop(id));
  if (!MayFacilitate(actor, cur))
    return Status::PermissionDenied("only the facilitator opens and closes phases");
  auto to = ParsePhase(Trimmed(phase));
  if (!to) return FieldStatus("phase", "fu_phase_unknown", "must be statements, rating, voting or closed");
  return accounts::RunInUnit<Workshop>(*accounts_.unit, [&]() -> Result<Workshop> {
    Phase from = Phase::kStatements;
    WM_ASSIGN_OR_RETURN(Workshop out, store_.ModifyWorkshop(id, [&](Workshop& w) -> Status {
      if (!PhaseTransitionAllowed(w.phase, *to))
        return FieldStatus(
            "phase", "fu_phase_transition",
            "cannot go from " + std::string(ToString(w.phase)) + " to " + std::string(ToString(*to)),
            {{"from", std::string(ToString(w.phase))}, {"to", std::string(ToString(*to))}});
      from = w.phase;
      w.phase = *to;
      w.updated_at = clock_.NowMs();
      return Status::Ok();
    }));
    WM_RETURN_IF_ERROR(Audit(actor, "futures_workshop.phase", "futures_workshop", out.id,
                             {{"from", std::string(ToString(from))}, {"to", std::string(ToString(*to))}}));
    return out;
  });
}

Result<Statement> FuturesService::AddStatement(const Actor& actor, Id workshop_id, const StatementInput& in) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to add a statement");
  WM_ASSIGN_OR_RETURN(Workshop w, store_.GetWorkshop(workshop_id));
  FieldErrors errors;
  Statement s;
  s.workshop_id = w.id;
  s.area = Trimmed(in.area);
  if (std::find(w.areas.begin(), w.areas.end(), s.area) == w.areas.end())
    errors.Add("area", "fu_area_unknown", "is not an area of this workshop");
  s.group = Trimmed(in.group);
  if (s.group.empty() && !w.groups.empty()) s.group = w.groups.front();
  if (std::find(w.groups.begin(), w.groups.end(), s.group) == w.groups.end())
    errors.Add("group", "fu_group_unknown", "is not a breakout group of this workshop");
  auto kind = ParseKind(Trimmed(in.kind));
  if (!kind) {
    errors.Add("kind", "kind_unknown", "must be predicted or preferred");
  } else {
    s.kind = *kind;
  }
  s.text = Trimmed(in.text);
  if (s.text.empty()) {
    errors.Add("text", "required", "is required");
  } else {
    CheckTextField(errors, "text", s.text, kMaxText, true);
  }
  s.drivers = Trimmed(in.drivers);
  CheckTextField(errors, "drivers", s.drivers, kMaxText, true);
  s.signals = Trimmed(in.signals);
  CheckTextField(errors, "signals", s.signals, kMaxText, true);
  if (!errors.empty()) return errors.ToStatus();
  if (actor.user) {
    s.author_id = actor.user->id;
    s.author_name = actor.user->name;
  }
  s.created_at = clock_.NowMs();
  return accounts::RunInUnit<Statement>(*accounts_.unit, [&]() -> Result<Statement> {
    WM_ASSIGN_OR_RETURN(Statement out, store_.AddStatement(s, [](const Workshop& cur) -> Status {
      return cur.phase == Phase::kStatements ? Status::Ok() : WrongPhase(Phase::kStatements, cur.phase);
    }));
    WM_RETURN_IF_ERROR(Audit(actor, "futures_statement.create", "futures_statement", out.id,
                             {{"workshop", std::to_string(workshop_id)}}));
    return out;
  });
}

Result<std::vector<Statement>> FuturesService::ListStatements(Id workshop_id) {
  return store_.ListStatements(workshop_id);
}

Result<Statement> FuturesService::StatementIn(Id workshop_id, Id statement_id) {
  auto s = store_.GetStatement(statement_id);
  if (!s.ok()) return s.status();
  if (s->workshop_id != workshop_id) return Status::NotFound("no such statement in this workshop");
  return s;
}

Result<Rating> FuturesService::Rate(const Actor& actor, Id workshop_id, Id statement_id,
                                    const std::string& likelihood, const std::string& desirability) {
  if (!actor.user) return Status::Unauthenticated("sign in to rate");
  WM_ASSIGN_OR_RETURN(Statement s, StatementIn(workshop_id, statement_id));
  FieldErrors errors;
  auto l = ParseInt(likelihood);
  if (!l || *l < 1 || *l > 5)
    errors.Add("likelihood", "fu_rating_range", "must be a whole number from 1 to 5");
  auto d = ParseInt(desirability);
  if (!d || *d < 1 || *d > 5)
    errors.Add("desirability", "fu_rating_range", "must be a whole number from 1 to 5");
  if (!errors.empty()) return errors.ToStatus();
  Rating r{s.id, actor.user->id, *l, *d, clock_.NowMs()};
  return store_.UpsertRating(workshop_id, r, [](const Workshop& w) -> Status {
    return w.phase == Phase::kRating ? Status::Ok() : WrongPhase(Phase::kRating, w.phase);
  });
}

Result<int> FuturesService::AddVote(const Actor& actor, Id workshop_id, Id statement_id) {
  if (!actor.user) return Status::Unauthenticated("sign in to vote");
  WM_ASSIGN_OR_RETURN(Workshop w, store_.GetWorkshop(workshop_id));
  WM_ASSIGN_OR_RETURN(Statement s, StatementIn(workshop_id, statement_id));
  Vote v{0, workshop_id, s.id, actor.user->id, clock_.NowMs()};
  return store_.AddVote(v, w.vote_budget, [](const Workshop& cur) -> Status {
    return cur.phase == Phase::kVoting ? Status::Ok() : WrongPhase(Phase::kVoting, cur.phase);
  });
}

Result<int> FuturesService::RemoveVote(const Actor& actor, Id workshop_id, Id statement_id) {
  if (!actor.user) return Status::Unauthenticated("sign in to vote");
  WM_ASSIGN_OR_RETURN(Statement s, StatementIn(workshop_id, statement_id));
  return store_.RemoveVote(workshop_id, s.id, actor.user->id, [](const Workshop& cur) -> Status {
    return cur.phase == Phase::kVoting ? Status::Ok() : WrongPhase(Phase::kVoting, cur.phase);
  });
}

Result<std::map<Id, Rating>> FuturesService::MyRatings(const Actor& actor, Id workshop_id) {
  std::map<Id, Rating> out;
  if (!actor.user) return out;
  WM_ASSIGN_OR_RETURN(auto all, store_.ListRatings(workshop_id));
  for (const auto& r : all) {
    if (r.user_id == actor.user->id) out[r.statement_id] = r;
  }
  return out;
}

Result<std::map<Id, int>> FuturesService::MyVotes(const Actor& actor, Id workshop_id) {
  std::map<Id, int> out;
  if (!actor.user) return out;
  WM_ASSIGN_OR_RETURN(auto all, store_.ListVotes(workshop_id));
  for (const auto& v : all) {
    if (v.user_id == actor.user->id) ++out[v.statement_id];
  }
  return out;
}

Result<Results> FuturesService::ComputeResults(Id workshop_id) {
  WM_ASSIGN_OR_RETURN(Workshop w, store_.GetWorkshop(workshop_id));
  WM_ASSIGN_OR_RETURN(auto statements, store_.ListStatements(workshop_id));
  WM_ASSIGN_OR_RETURN(auto ratings, store_.ListRatings(workshop_id));
  WM_ASSIGN_OR_RETURN(auto votes, store_.ListVotes(workshop_id));
  return futures::ComputeResults(w, statements, ratings, votes);
}

Result<Statement> FuturesService::MakeActionPoint(const Actor& actor, Id workshop_id, Id statement_id) {
  WM_ASSIGN_OR_RETURN(Workshop w, store_.GetWorkshop(workshop_id));
  if (!MayFacilitate(actor, w))
    return Status::PermissionDenied("only the facilitator turns statements into action points");
  if (!w.consultation_id || consultations_ == nullptr)
    return FieldStatus("consultation", "fu_consultation_missing",
                       "is not set: the workshop is not linked to one");
  if (w.phase != Phase::kClosed) return WrongPhase(Phase::kClosed, w.phase);
  WM_ASSIGN_OR_RETURN(Statement s, StatementIn(workshop_id, statement_id));
  if (s.point_id) return Status::Conflict("the statement is already an action point");
  consultations::PointInput in;
  in.number = "f" + std::to_string(s.id);
  in.text["en"] = s.text;
  in.session_id = w.session_id;
  in.owners = {{"iom", ""}, {"all_csos", ""}};
  in.themes = {"futures"};
  // The facilitator was checked above; ConsultationService lets only
  // organisers record points, so a facilitator who is not one acts through
  // an operator actor whose label still says who it was.
  Actor as = actor;
  if (!consultations_->MayOrganise(actor)) {
    as = Actor::System();
    as.label = "futures:" + actor.label;
    as.request_id = actor.request_id;
  }
  auto point = consultations_->CreatePoint(as, *w.consultation_id, in);
  if (!point.ok()) {
    if (point.status().IsConflict()) return Status::Conflict("the statement is already an action point");
    return point.status();
  }
  WM_ASSIGN_OR_RETURN(Statement out, store_.SetStatementPoint(s.id, point->id));
  WM_RETURN_IF_ERROR(Audit(actor, "futures_statement.action_point", "futures_statement", s.id,
                           {{"action_point", std::to_string(point->id)}}));
  return out;
}

}  // namespace waymark::futures
