#include "domain/thesaurus/thesaurus_service.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/fields.h"
#include "core/slug.h"
#include "core/strings.h"

namespace waymark::thesaurus {
namespace {

std::string Trimmed(std::string_view s) { return std::string(TrimAscii(s)); }
std::string Shown(std::string_view s) { return SanitizeUtf8(s, 100); }

bool IsLanguage(std::string_view l) {
  return std::find_if(std::begin(kLanguages), std::end(kLanguages), [&](const char* x) { return l == x; }) !=
         std::end(kLanguages);
}

std::size_t TermCount(const std::map<std::string, std::vector<std::string>>& terms) {
  std::size_t n = 0;
  for (const auto& [lang, list] : terms) n += list.size();
  return n;
}

}  // namespace

ThesaurusService::ThesaurusService(accounts::Stores accounts, ConceptStore& store, const Clock& clock)
    : accounts_(accounts), store_(store), clock_(clock) {}

bool ThesaurusService::Moderates(const Actor& actor) const {
  if (actor.IsAdmin()) return true;
  if (!actor.user) return false;
  return std::any_of(actor.user->memberships.begin(), actor.user->memberships.end(),
                     [](const accounts::Membership& m) { return m.role == accounts::Role::kModerator; });
}

bool ThesaurusService::CanEdit(const Actor& actor, const Concept& c) const {
  if (Moderates(actor)) return true;
  return actor.user && c.proposed_by == actor.user->id && c.status == ConceptStatus::kProposed;
}

bool ThesaurusService::CanSee(const Actor& actor, const Concept& c) const {
  if (c.status == ConceptStatus::kApproved || Moderates(actor)) return true;
  return actor.user && c.proposed_by == actor.user->id;
}

void ThesaurusService::CheckTerms(const std::map<std::string, std::vector<std::string>>& terms,
                                  std::map<std::string, std::vector<std::string>>& out, FieldErrors& errors) {
  for (const auto& [lang, list] : terms) {
    std::string field = "terms." + lang;
    if (!IsLanguage(lang)) {
      errors.Add(field, "language_unknown", "'" + Shown(lang) + "' is not one of en, fr, es",
                 {{"value", Shown(lang)}});
      continue;
    }
    std::vector<std::string> clean;
    for (const auto& raw : list) {
      std::string t = Trimmed(raw);
      if (t.empty()) continue;
      if (!CheckTextField(errors, field, t, kMaxTerm, false)) break;
      if (std::find(clean.begin(), clean.end(), t) == clean.end()) clean.push_back(std::move(t));
    }
    if (clean.size() > kMaxTermsPerLanguage) {
      errors.Add(field, "too_many", "has more than " + std::to_string(kMaxTermsPerLanguage) + " terms",
                 {{"max", std::to_string(kMaxTermsPerLanguage)}});
    }
    if (clean.empty()) {
      out.erase(lang);
    } else {
      out[lang] = std::move(clean);
    }
  }
}

Status ThesaurusService::Audit(const Actor& actor, const std::string& action, const Concept& c,
                               TimestampMs at) {
  return accounts_.audit->Record(accounts::AuditEntry::For(actor, at, "thesaurus.concept." + action,
                                                           "thesaurus_concept", std::to_string(c.id),
                                                           {{"slug", c.slug},
                                                            {"version", std::to_string(c.version)},
                                                            {"status", std::string(ToString(c.status))}}));
}

Result<Concept> ThesaurusService::Propose(const Actor& actor, const ConceptInput& input) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to propose a concept");
  FieldErrors errors;
  Concept c;
  if (input.terms) CheckTerms(*input.terms, c.terms, errors);
  if (errors.empty() && TermCount(c.terms) < 2)
    errors.Add("terms", "required", "needs at least two terms (in one language or several)");
  std::string wanted = input.slug ? Trimmed(*input.slug) : "";
  if (wanted.size() > kMaxSlug)
    errors.Add("slug", "too_long", "is longer than 60 characters", {{"max", "60"}});
  c.slug = Slugify(wanted.empty() ? c.Label("en") : wanted, kMaxSlug, "concept");
  if (!errors.empty()) return errors.ToStatus();
  auto taken = store_.FindBySlug(c.slug);
  if (taken.ok()) {
    errors.Add("slug", "th_slug_taken", "\"" + c.slug + "\" is taken", {{"value", c.slug}});
    return errors.ToStatus();
  }
  if (!taken.status().IsNotFound()) return taken.status();
  c.status = ConceptStatus::kProposed;
  c.created_at = c.updated_at = clock_.NowMs();
  if (actor.user) c.proposed_by = actor.user->id;
  auto made = accounts::RunInUnit<Concept>(*accounts_.unit, [&]() -> Result<Concept> {
    WM_ASSIGN_OR_RETURN(Concept saved, store_.Create(c));
    WM_RETURN_IF_ERROR(Audit(actor, "propose", saved, c.created_at));
    return saved;
  });
  if (made.ok()) Changed();
  return made;
}

Result<Concept> ThesaurusService::Change(const Actor& actor, Id id,
                                         std::optional<std::int64_t> expected_version,
                                         const std::string& action,
                                         const std::function<Status(Concept&)>& apply) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to change a concept");
  TimestampMs now = clock_.NowMs();
  auto changed = accounts::RunInUnit<Concept>(*accounts_.unit, [&]() -> Result<Concept> {
    WM_ASSIGN_OR_RETURN(Concept c, store_.Get(id));
    if (!CanSee(actor, c)) return Status::NotFound("no concept " + std::to_string(id));
    // The permission before the version: who may not change it learns nothing of its version.
    WM_RETURN_IF_ERROR(apply(c));
    std::int64_t expected = expected_version.value_or(c.version);
    c.updated_at = now;
    WM_ASSIGN_OR_RETURN(Concept saved, store_.Update(c, expected));
    WM_RETURN_IF_ERROR(Audit(actor, action, saved, now));
    return saved;
  });
  if (changed.ok()) Changed();
  return changed;
}

Result<Concept> ThesaurusService::Edit(const Actor& actor, Id id, const ConceptInput& input) {
  return Change(actor, id, input.expected_version, "edit", [&](Concept& c) -> Status {
    if (!CanEdit(actor, c)) return Status::PermissionDenied("only moderators edit this concept");
    FieldErrors errors;
    if (input.slug && Trimmed(*input.slug) != c.slug)
      errors.Add("slug", "th_read_only", "cannot be changed after the concept is proposed");
    if (input.terms) CheckTerms(*input.terms, c.terms, errors);
    if (errors.empty() && TermCount(c.terms) < 2)
      errors.Add("terms", "required", "needs at least two terms (in one language or several)");
    if (!errors.empty()) return errors.ToStatus();
    return Status::Ok();
  });
}

Result<Concept> ThesaurusService::Approve(const Actor& actor, Id id,
                                          std::optional<std::int64_t> expected_version) {
  return Moderate(actor, id, expected_version, ConceptStatus::kApproved, "approve");
}

Result<Concept> ThesaurusService::Archive(const Actor& actor, Id id,
                                          std::optional<std::int64_t> expected_version) {
  return Moderate(actor, id, expected_version, ConceptStatus::kArchived, "archive");
}

Result<Concept> ThesaurusService::Moderate(const Actor& actor, Id id,
                                           std::optional<std::int64_t> expected_version, ConceptStatus status,
                                           const std::string& action) {
  return Change(actor, id, expected_version, action, [&](Concept& c) -> Status {
    if (!Moderates(actor)) return Status::PermissionDenied("only moderators " + action + " concepts");
    c.status = status;
    return Status::Ok();
  });
}

Result<Concept> ThesaurusService::Get(const Actor& actor, Id id) {
  auto c = store_.Get(id);
  if (!c.ok()) return c.status();
  if (!CanSee(actor, *c)) return Status::NotFound("no concept " + std::to_string(id));
  return c;
}

Result<Concept> ThesaurusService::FindBySlug(const std::string& slug) { return store_.FindBySlug(slug); }

Result<std::vector<Concept>> ThesaurusService::Approved() { return store_.List(ConceptStatus::kApproved); }

Result<std::vector<Concept>> ThesaurusService::Proposals(const Actor& actor) {
  if (!actor.user && !actor.is_operator) return std::vector<Concept>{};
  WM_ASSIGN_OR_RETURN(std::vector<Concept> all, store_.List(ConceptStatus::kProposed));
  if (Moderates(actor)) return all;
  std::erase_if(all, [&](const Concept& c) { return c.proposed_by != actor.user->id; });
  return all;
}

Result<int> ThesaurusService::ImportProposals(const Actor& actor, const std::vector<ConceptInput>& inputs) {
  if (!actor.IsAdmin()) return Status::PermissionDenied("only administrators import concepts");
  TimestampMs now = clock_.NowMs();
  std::vector<Concept> fresh;
  std::set<std::string> slugs;
  for (const auto& in : inputs) {
    FieldErrors errors;
    Concept c;
    if (in.terms) CheckTerms(*in.terms, c.terms, errors);
    std::string wanted = in.slug ? Trimmed(*in.slug) : "";
    c.slug = Slugify(wanted.empty() ? c.Label("en") : wanted, kMaxSlug, "concept");
    // An entry that would not be a valid proposal (one term only, a bad
    // term) is left out, as is one already present.
    if (!errors.empty() || TermCount(c.terms) < 2 || !slugs.insert(c.slug).second) continue;
    auto taken = store_.FindBySlug(c.slug);
    if (taken.ok()) continue;
    if (!taken.status().IsNotFound()) return taken.status();
    c.created_at = c.updated_at = now;
    if (actor.user) c.proposed_by = actor.user->id;
    fresh.push_back(std::move(c));
  }
  if (fresh.empty()) return 0;
  Status s = accounts_.unit->Run([&]() -> Status {
    for (const auto& c : fresh) {
      WM_ASSIGN_OR_RETURN(Concept saved, store_.Create(c));
      WM_RETURN_IF_ERROR(Audit(actor, "import", saved, now));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  Changed();
  return static_cast<int>(fresh.size());
}

Result<std::shared_ptr<const search::Thesaurus>> ThesaurusService::Snapshot() {
  WM_ASSIGN_OR_RETURN(std::vector<Concept> approved, store_.List(ConceptStatus::kApproved));
  auto t = std::make_shared<search::Thesaurus>();
  t->concepts.reserve(approved.size());
  for (auto& c : approved) t->concepts.push_back(std::move(c.terms));
  return std::shared_ptr<const search::Thesaurus>(std::move(t));
}

}  // namespace waymark::thesaurus
