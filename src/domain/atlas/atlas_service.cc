#include "domain/atlas/atlas_service.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/fields.h"
#include "core/slug.h"
#include "core/strings.h"

namespace waymark::atlas {
namespace {

constexpr std::size_t kMaxSlug = 60;
constexpr int kMaxSlugAttempts = 8;
constexpr int kListLimit = 500;
constexpr int kMinYear = 1800;
constexpr int kMaxYear = 2200;
const char* const kLanguages[] = {"en", "fr", "es"};

std::string Trimmed(std::string_view s) { return std::string(TrimAscii(s)); }
std::string Shown(std::string_view s) { return SanitizeUtf8(s, 100); }

Status NotFoundCase(Id id) { return Status::NotFound("no case study " + std::to_string(id)); }

bool IsLanguage(std::string_view l) {
  return std::find(std::begin(kLanguages), std::end(kLanguages), l) != std::end(kLanguages);
}

std::optional<accounts::Role> RoleIn(const Actor& actor, Id org) {
  if (!actor.user) return std::nullopt;
  return actor.user->RoleIn(org);
}

// Trimmed, unique, in the order first given.
std::vector<std::string> Cleaned(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const auto& raw : in) {
    std::string s = Trimmed(raw);
    if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  return out;
}

void CheckCodes(FieldErrors& errors, const std::string& field, const std::vector<std::string>& values,
                const std::vector<std::string_view>& allowed) {
  if (values.size() > kMaxLinks) {
    errors.Add(field, "too_many", "has more than " + std::to_string(kMaxLinks) + " values");
    return;
  }
  for (const auto& v : values) {
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      errors.Add(field, "unknown_code", "'" + Shown(v) + "' is not one of the codes", {{"value", Shown(v)}});
      return;
    }
  }
}

std::vector<Id> UniqueIds(const std::vector<Id>& in) {
  std::vector<Id> out;
  for (Id id : in) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  return out;
}

}  // namespace

AtlasService::AtlasService(accounts::Stores accounts, Stores stores, const Clock& clock,
                           const CountryDirectory& countries, References* references)
    : accounts_(accounts), stores_(stores), clock_(clock), countries_(countries), references_(references) {}

// ---------------------------------------------------------------- who may do what

bool AtlasService::CanModerate(const Actor& actor, const CaseStudy& c) const {
  if (actor.IsAdmin()) return true;
  auto role = RoleIn(actor, c.org_id);
  return role && *role == accounts::Role::kModerator;
}

bool AtlasService::CanEdit(const Actor& actor, const CaseStudy& c) const {
  if (actor.IsAdmin()) return true;
  auto role = RoleIn(actor, c.org_id);
  if (!role) return false;
  if (*role == accounts::Role::kEditor || *role == accounts::Role::kModerator) return true;
  // A member edits what they wrote until it is published.
  return actor.user && c.created_by == actor.user->id && c.lifecycle != Lifecycle::kPublished &&
         c.lifecycle != Lifecycle::kArchived;
}

bool AtlasService::CanSee(const Actor& actor, const CaseStudy& c) const {
  if (c.lifecycle == Lifecycle::kPublished) return true;
  return actor.IsAdmin() || RoleIn(actor, c.org_id).has_value();
}

bool AtlasService::EditsGlossary(const Actor& actor) const {
  if (actor.IsAdmin()) return true;
  if (!actor.user) return false;
  return std::any_of(actor.user->memberships.begin(), actor.user->memberships.end(),
                     [](const accounts::Membership& m) { return m.role == accounts::Role::kModerator; });
}

// ---------------------------------------------------------------- case studies

Status AtlasService::CheckLinks(const std::vector<Id>& sources, const std::vector<Id>& figures,
                                FieldErrors& errors) {
  if (sources.size() > kMaxLinks) errors.Add("sources", "too_many", "has more than 50 items");
  if (figures.size() > kMaxLinks) errors.Add("figures", "too_many", "has more than 50 figures");
  if (references_ == nullptr) return Status::Ok();
  for (Id id : sources) {
    if (errors.Has("sources")) break;
    WM_ASSIGN_OR_RETURN(bool ok, references_->LibraryItemPublished(id));
    if (!ok) {
      errors.Add("sources", "unknown_item", "library item " + std::to_string(id) + " is not published",
                 {{"value", std::to_string(id)}});
    }
  }
  for (Id id : figures) {
    if (errors.Has("figures")) break;
    WM_ASSIGN_OR_RETURN(bool ok, references_->SavedQueryExists(id));
    if (!ok) {
      errors.Add("figures", "unknown_query", "saved evidence query " + std::to_string(id) + " does not exist",
                 {{"value", std::to_string(id)}});
    }
  }
  return Status::Ok();
}

Status AtlasService::Apply(const CaseInput& in, CaseStudy& c, FieldErrors& errors, bool creating) {
  if (in.texts) {
    for (const auto& [lang, t] : *in.texts) {
      std::string prefix = "texts." + lang;
      if (!IsLanguage(lang)) {
        errors.Add(prefix, "language", "'" + Shown(lang) + "' is not one of en, fr, es");
        continue;
      }
      CaseText clean{Trimmed(t.title), Trimmed(t.summary), Trimmed(t.story), Trimmed(t.people)};
      CheckTextField(errors, prefix + ".title", clean.title, kMaxTitle, false);
      CheckTextField(errors, prefix + ".summary", clean.summary, kMaxSummary, true);
      CheckTextField(errors, prefix + ".story", clean.story, kMaxStory, true);
      CheckTextField(errors, prefix + ".people", clean.people, kMaxSummary, true);
      if (clean.title.empty() && clean.summary.empty() && clean.story.empty() && clean.people.empty()) {
        c.texts.erase(lang);
        continue;
      }
      if (clean.title.empty()) errors.Add(prefix + ".title", "required", "is required");
      if (clean.summary.empty()) errors.Add(prefix + ".summary", "required", "is required");
      c.texts[lang] = std::move(clean);
    }
  }
  if (c.texts.empty() && !errors.Has("texts")) {
    errors.Add("texts", "required", "needs a title and a summary in at least one of en, fr, es");
  }
  if (in.geometry) {
    auto g = geo::ParseGeoJson(*in.geometry);
    if (!g.ok()) {
      errors.Add("geometry", "geojson", g.status().message());
    } else {
      c.geometry = std::move(g).value();
    }
  } else if (creating) {
    errors.Add("geometry", "required", "is required: a GeoJSON point or area");
  }
  if (in.onset) {
    auto o = ParseOnset(Trimmed(*in.onset));
    if (!o) {
      errors.Add("onset", "unknown_code", "must be 'sudden' or 'slow'");
    } else {
      c.onset = *o;
    }
  }
  if (in.hazards) c.hazards = Cleaned(*in.hazards);
  CheckCodes(errors, "hazards", c.hazards, HazardCodes());
  if (c.hazards.empty()) errors.Add("hazards", "required", "needs at least one hazard");
  if (in.hazards && !in.onset && creating && !c.hazards.empty()) c.onset = UsualOnset(c.hazards.front());
  if (in.movements) c.movements = Cleaned(*in.movements);
  CheckCodes(errors, "movements", c.movements, MovementCodes());
  if (c.movements.empty()) errors.Add("movements", "required", "needs at least one kind of movement");
  if (in.countries) {
    c.countries.clear();
    for (const auto& raw : Cleaned(*in.countries)) {
      std::string code = raw;
      for (char& ch : code) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (!countries_.IsValidAlpha3(code)) {
        errors.Add("countries", "country_unknown", "'" + Shown(raw) + "' is not an ISO 3166 alpha-3 code",
                   {{"value", Shown(raw)}});
        break;
      }
      c.countries.push_back(code);
    }
    if (c.countries.size() > kMaxLinks) errors.Add("countries", "too_many", "has more than 50 countries");
  }
  if (in.year_from) c.year_from = *in.year_from;
  if (in.year_to) c.year_to = *in.year_to;
  auto year_ok = [](int y) { return y == 0 || (y >= kMinYear && y <= kMaxYear); };
  if (!year_ok(c.year_from)) errors.Add("year_from", "year", "must be a year from 1800 to 2200");
  if (!year_ok(c.year_to)) errors.Add("year_to", "year", "must be a year from 1800 to 2200");
  if (c.year_from && c.year_to && c.year_to < c.year_from)
    errors.Add("year_to", "order", "comes before year_from");
  if (in.sources) c.sources = UniqueIds(*in.sources);
  if (in.figures) c.figures = UniqueIds(*in.figures);
  if (in.sources || in.figures) {
    WM_RETURN_IF_ERROR(CheckLinks(in.sources ? c.sources : std::vector<Id>{},
                                  in.figures ? c.figures : std::vector<Id>{}, errors));
  }
  return Status::Ok();
}

std::string AtlasService::UniqueSlug(const std::string& title) {
  std::string base = Slugify(title, kMaxSlug, "case");
  std::string candidate = base;
  for (int i = 2; i < 2 + kMaxSlugAttempts; ++i) {
    auto found = stores_.cases->FindBySlug(candidate);
    if (!found.ok()) return candidate;  // NotFound (or unreadable: Create reports it)
    candidate = base.substr(0, kMaxSlug - 4) + "-" + std::to_string(i);
  }
  return base + "-" + std::to_string(clock_.NowMs() % 100000);
}

Status AtlasService::Record(const Actor& actor, const std::string& action, const std::string& note,
                            const CaseStudy& after) {
  TimestampMs now = clock_.NowMs();
  CaseRevision r;
  r.case_id = after.id;
  r.version = after.version;
  r.at = now;
  if (actor.user) r.actor_user_id = actor.user->id;
  r.actor_label = actor.user ? actor.user->name : actor.label;
  r.action = action;
  r.note = note;
  r.snapshot = after;
  WM_RETURN_IF_ERROR(stores_.cases->AddRevision(r));
  std::map<std::string, std::string> details = {{"slug", after.slug},
                                                {"version", std::to_string(after.version)},
                                                {"lifecycle", std::string(ToString(after.lifecycle))}};
  if (!note.empty()) details["note"] = note;
  return accounts_.audit->Record(accounts::AuditEntry::For(actor, now, "atlas.case." + action, "atlas_case",
                                                           std::to_string(after.id), std::move(details)));
}

Result<CaseStudy> AtlasService::Create(const Actor& actor, const CaseInput& input) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to add a case study");
  FieldErrors errors;
  CaseStudy c;
  std::string slug = input.organisation ? Trimmed(*input.organisation) : "";
  if (slug.empty()) {
    errors.Add("organisation", "required", "is required");
  } else {
    auto org = accounts_.organisations->FindBySlug(slug);
    if (!org.ok()) {
      if (!org.status().IsNotFound()) return org.status();
      errors.Add("organisation", "org_unknown", "is not an organisation", {{"value", Shown(slug)}});
    } else {
      if (!actor.IsAdmin() && !RoleIn(actor, org->id))
        return Status::PermissionDenied("only members of " + org->name + " add case studies on its behalf");
      c.org_id = org->id;
    }
  }
  WM_RETURN_IF_ERROR(Apply(input, c, errors, true));
  if (!errors.empty()) return errors.ToStatus();
  if (actor.user) c.created_by = actor.user->id;
  c.lifecycle = Lifecycle::kDraft;
  c.created_at = c.updated_at = clock_.NowMs();
  // Concurrent creates with one title may pick the same free slug (on
  // PostgreSQL units of work run side by side): the loser tries the next.
  for (int attempt = 0;; ++attempt) {
    auto created = accounts::RunInUnit<CaseStudy>(*accounts_.unit, [&]() -> Result<CaseStudy> {
      c.slug = UniqueSlug(c.Text("en").title);
      WM_ASSIGN_OR_RETURN(CaseStudy stored, stores_.cases->Create(c));
      WM_RETURN_IF_ERROR(Record(actor, "create", "", stored));
      return stored;
    });
    if (created.ok() || !created.status().IsConflict() || attempt >= kMaxSlugAttempts) return created;
  }
}

Result<CaseStudy> AtlasService::Transition(const Actor& actor, Id id, const std::string& action,
                                           const std::string& note,
                                           std::optional<std::int64_t> expected_version,
                                           const std::function<Status(const CaseStudy&)>& permit,
                                           const std::function<Status(CaseStudy&)>& apply) {
  return accounts::RunInUnit<CaseStudy>(*accounts_.unit, [&]() -> Result<CaseStudy> {
    auto after = stores_.cases->Modify(id, [&](CaseStudy c) -> Result<CaseStudy> {
      if (!CanSee(actor, c)) return NotFoundCase(id);
      WM_RETURN_IF_ERROR(permit(c));
      if (expected_version && *expected_version != c.version) {
        return Status::Conflict("the case study was changed by someone else since version " +
                                std::to_string(*expected_version) + "; it is now at version " +
                                std::to_string(c.version));
      }
      WM_RETURN_IF_ERROR(apply(c));
      c.updated_at = clock_.NowMs();
      return c;
    });
    if (!after.ok()) return after.status();
    WM_RETURN_IF_ERROR(Record(actor, action, note, *after));
    return after;
  });
}

Result<CaseStudy> AtlasService::Update(const Actor& actor, Id id, const CaseInput& input) {
  if (input.organisation) {
    FieldErrors errors;
    errors.Add("organisation", "immutable", "cannot be changed");
    return errors.ToStatus();
  }
  return Transition(
      actor, id, "edit", "", input.expected_version,
      [&](const CaseStudy& c) -> Status {
        if (!CanEdit(actor, c)) return Status::PermissionDenied("you may not edit this case study");
        return Status::Ok();
      },
      [&](CaseStudy& c) -> Status {
        FieldErrors errors;
        WM_RETURN_IF_ERROR(Apply(input, c, errors, false));
        if (!errors.empty()) return errors.ToStatus();
        return Status::Ok();
      });
}

Result<CaseStudy> AtlasService::Submit(const Actor& actor, Id id,
                                       std::optional<std::int64_t> expected_version) {
  return Transition(
      actor, id, "submit", "", expected_version,
      [&](const CaseStudy& c) -> Status {
        if (!CanEdit(actor, c) && !RoleIn(actor, c.org_id))
          return Status::PermissionDenied("only its organisation submits a case study");
        if (c.lifecycle != Lifecycle::kDraft && c.lifecycle != Lifecycle::kReturned)
          return Status::Conflict("only a draft or a returned case study is submitted; this one is " +
                                  std::string(ToString(c.lifecycle)));
        return Status::Ok();
      },
      [](CaseStudy& c) -> Status {
        c.lifecycle = Lifecycle::kSubmitted;
        c.moderation_note.clear();
        return Status::Ok();
      });
}

Result<CaseStudy> AtlasService::Publish(const Actor& actor, Id id,
                                        std::optional<std::int64_t> expected_version) {
  return Transition(
      actor, id, "publish", "", expected_version,
      [&](const CaseStudy& c) -> Status {
        if (!CanModerate(actor, c))
          return Status::PermissionDenied("only its moderators publish a case study");
        if (c.lifecycle == Lifecycle::kPublished)
          return Status::Conflict("the case study is already published");
        if (c.lifecycle == Lifecycle::kArchived)
          return Status::Conflict("an archived case study stays archived");
        return Status::Ok();
      },
      [&](CaseStudy& c) -> Status {
        c.lifecycle = Lifecycle::kPublished;
        c.moderation_note.clear();
        if (!c.published_at) c.published_at = clock_.NowMs();
        return Status::Ok();
      });
}

Result<CaseStudy> AtlasService::Return(const Actor& actor, Id id, const std::string& reason) {
  std::string why = Trimmed(reason);
  if (why.empty()) {
    FieldErrors errors;
    errors.Add("reason", "required", "is required: say what to change");
    return errors.ToStatus();
  }
  return Transition(
      actor, id, "return", why, std::nullopt,
      [&](const CaseStudy& c) -> Status {
        if (!CanModerate(actor, c))
          return Status::PermissionDenied("only its moderators return a case study");
        if (c.lifecycle != Lifecycle::kSubmitted)
          return Status::Conflict("only a submitted case study is returned; this one is " +
                                  std::string(ToString(c.lifecycle)));
        return Status::Ok();
      },
      [&](CaseStudy& c) -> Status {
        c.lifecycle = Lifecycle::kReturned;
        c.moderation_note = why;
        return Status::Ok();
      });
}

Result<CaseStudy> AtlasService::Archive(const Actor& actor, Id id, const std::string& reason) {
  std::string why = Trimmed(reason);
  if (why.empty()) {
    FieldErrors errors;
    errors.Add("reason", "required", "is required");
    return errors.ToStatus();
  }
  return Transition(
      actor, id, "archive", why, std::nullopt,
      [&](const CaseStudy& c) -> Status {
        if (!CanModerate(actor, c))
          return Status::PermissionDenied("only its moderators archive a case study");
        if (c.lifecycle == Lifecycle::kArchived)
          return Status::Conflict("the case study is already archived");
        return Status::Ok();
      },
      [&](CaseStudy& c) -> Status {
        c.lifecycle = Lifecycle::kArchived;
        c.moderation_note = why;
        return Status::Ok();
      });
}

Result<CaseStudy> AtlasService::Get(const Actor& actor, Id id) {
  auto c = stores_.cases->Get(id);
  if (!c.ok()) return c.status().IsNotFound() ? NotFoundCase(id) : c.status();
  if (!CanSee(actor, *c)) return NotFoundCase(id);
  return c;
}

Result<CaseStudy> AtlasService::FindBySlug(const std::string& slug) {
  return stores_.cases->FindBySlug(slug);
}

Result<std::vector<CaseStudy>> AtlasService::ListPublished(const CaseFilter& filter) {
  WM_ASSIGN_OR_RETURN(std::vector<CaseStudy> all,
                      stores_.cases->ListByLifecycle(Lifecycle::kPublished, kListLimit));
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return x.empty() || std::find(v.begin(), v.end(), x) != v.end();
  };
  std::vector<CaseStudy> out;
  for (auto& c : all) {
    if (!has(c.hazards, filter.hazard) || !has(c.movements, filter.movement) ||
        !has(c.countries, filter.country))
      continue;
    if (!filter.onset.empty() && ToString(c.onset) != filter.onset) continue;
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<CaseStudy>> AtlasService::Queue(const Actor& actor) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to see your case studies");
  std::vector<CaseStudy> out;
  std::set<Id> seen;
  auto add = [&](std::vector<CaseStudy> list) {
    for (auto& c : list) {
      if (seen.insert(c.id).second) out.push_back(std::move(c));
    }
  };
  if (actor.IsAdmin()) {
    WM_ASSIGN_OR_RETURN(auto submitted, stores_.cases->ListByLifecycle(Lifecycle::kSubmitted, kListLimit));
    add(std::move(submitted));
  }
  if (actor.user) {
    for (const auto& m : actor.user->memberships) {
      WM_ASSIGN_OR_RETURN(auto mine, stores_.cases->ListByOrganisation(m.organisation_id, kListLimit));
      std::erase_if(mine, [](const CaseStudy& c) {
        return c.lifecycle == Lifecycle::kPublished || c.lifecycle == Lifecycle::kArchived;
      });
      add(std::move(mine));
    }
  }
  return out;
}

Result<std::vector<CaseRevision>> AtlasService::Revisions(const Actor& actor, Id id) {
  WM_ASSIGN_OR_RETURN(CaseStudy c, Get(actor, id));
  WM_ASSIGN_OR_RETURN(std::vector<CaseRevision> all, stores_.cases->ListRevisions(c.id));
  if (CanEdit(actor, c) || CanModerate(actor, c)) return all;
  // The public sees what was published.
  std::erase_if(all, [](const CaseRevision& r) {
    return r.snapshot.lifecycle != Lifecycle::kPublished && r.snapshot.lifecycle != Lifecycle::kArchived;
  });
  return all;
}

// ---------------------------------------------------------------- glossary and topics

Result<std::vector<GlossaryTerm>> AtlasService::Glossary() { return stores_.glossary->List(); }

Result<GlossaryTerm> AtlasService::Term(const std::string& slug) {
  return stores_.glossary->FindBySlug(slug);
}

Result<GlossaryTerm> AtlasService::SaveTerm(const Actor& actor, GlossaryTerm term,
                                            std::int64_t expected_version) {
  if (!EditsGlossary(actor)) return Status::PermissionDenied("only moderators edit the glossary");
  FieldErrors errors;
  std::map<std::string, GlossaryText> clean;
  for (const auto& [lang, t] : term.texts) {
    std::string prefix = "texts." + lang;
    if (!IsLanguage(lang)) {
      errors.Add(prefix, "language", "'" + Shown(lang) + "' is not one of en, fr, es");
      continue;
    }
    GlossaryText g{Trimmed(t.term), Trimmed(t.definition), Cleaned(t.aliases)};
    if (g.term.empty() && g.definition.empty()) continue;
    CheckTextField(errors, prefix + ".term", g.term, kMaxTitle, false);
    CheckTextField(errors, prefix + ".definition", g.definition, kMaxDefinition, true);
    if (g.term.empty()) errors.Add(prefix + ".term", "required", "is required");
    if (g.definition.empty()) errors.Add(prefix + ".definition", "required", "is required");
    if (g.aliases.size() > 10) errors.Add(prefix + ".aliases", "too_many", "has more than 10 aliases");
    for (const auto& a : g.aliases) {
      if (!CheckTextField(errors, prefix + ".aliases", a, kMaxTitle, false)) break;
    }
    clean[lang] = std::move(g);
  }
  if (clean.empty())
    errors.Add("texts", "required", "needs a term and a definition in at least one language");
  term.texts = std::move(clean);
  CheckTextField(errors, "source_note", term.source_note, kMaxDefinition, true);
  term.sources = UniqueIds(term.sources);
  WM_RETURN_IF_ERROR(CheckLinks(term.sources, {}, errors));
  if (term.id == 0) {
    std::string wanted = Trimmed(term.slug);
    term.slug =
        Slugify(wanted.empty() && !term.texts.empty() ? term.Text("en").term : wanted, kMaxSlug, "term");
  }
  if (!errors.empty()) return errors.ToStatus();
  term.updated_at = clock_.NowMs();
  return accounts::RunInUnit<GlossaryTerm>(*accounts_.unit, [&]() -> Result<GlossaryTerm> {
    WM_ASSIGN_OR_RETURN(GlossaryTerm saved, stores_.glossary->Save(term, expected_version));
    WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
        actor, term.updated_at, term.id == 0 ? "atlas.term.create" : "atlas.term.edit", "atlas_term",
        std::to_string(saved.id), {{"slug", saved.slug}})));
    return saved;
  });
}

Result<std::vector<Topic>> AtlasService::Topics() { return stores_.topics->List(); }

Result<Topic> AtlasService::TopicBySlug(const std::string& slug) { return stores_.topics->FindBySlug(slug); }

Result<Topic> AtlasService::SaveTopic(const Actor& actor, Topic topic, std::int64_t expected_version) {
  if (!EditsGlossary(actor)) return Status::PermissionDenied("only moderators edit the thematic pages");
  FieldErrors errors;
  std::map<std::string, TopicText> clean;
  for (const auto& [lang, t] : topic.texts) {
    std::string prefix = "texts." + lang;
    if (!IsLanguage(lang)) {
      errors.Add(prefix, "language", "'" + Shown(lang) + "' is not one of en, fr, es");
      continue;
    }
    TopicText x{Trimmed(t.title), Trimmed(t.body)};
    if (x.title.empty() && x.body.empty()) continue;
    CheckTextField(errors, prefix + ".title", x.title, kMaxTitle, false);
    CheckTextField(errors, prefix + ".body", x.body, kMaxStory, true);
    if (x.title.empty()) errors.Add(prefix + ".title", "required", "is required");
    clean[lang] = std::move(x);
  }
  if (clean.empty()) errors.Add("texts", "required", "needs a title in at least one language");
  topic.texts = std::move(clean);
  topic.cases = UniqueIds(topic.cases);
  if (topic.cases.size() > kMaxLinks) errors.Add("cases", "too_many", "has more than 50 case studies");
  if (!topic.cases.empty() && !errors.Has("cases")) {
    WM_ASSIGN_OR_RETURN(std::vector<CaseStudy> found, stores_.cases->GetMany(topic.cases));
    for (Id id : topic.cases) {
      bool ok = std::any_of(found.begin(), found.end(), [&](const CaseStudy& c) {
        return c.id == id && c.lifecycle == Lifecycle::kPublished;
      });
      if (!ok) {
        errors.Add("cases", "unknown_case", "case study " + std::to_string(id) + " is not published",
                   {{"value", std::to_string(id)}});
        break;
      }
    }
  }
  topic.figures = UniqueIds(topic.figures);
  WM_RETURN_IF_ERROR(CheckLinks({}, topic.figures, errors));
  if (topic.id == 0) {
    std::string wanted = Trimmed(topic.slug);
    topic.slug =
        Slugify(wanted.empty() && !topic.texts.empty() ? topic.Text("en").title : wanted, kMaxSlug, "topic");
  }
  if (!errors.empty()) return errors.ToStatus();
  topic.updated_at = clock_.NowMs();
  return accounts::RunInUnit<Topic>(*accounts_.unit, [&]() -> Result<Topic> {
    WM_ASSIGN_OR_RETURN(Topic saved, stores_.topics->Save(topic, expected_version));
    WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
        actor, topic.updated_at, topic.id == 0 ? "atlas.topic.create" : "atlas.topic.edit", "atlas_topic",
        std::to_string(saved.id), {{"slug", saved.slug}})));
    return saved;
  });
}

}  // namespace waymark::atlas
