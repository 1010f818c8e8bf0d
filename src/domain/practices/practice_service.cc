#include "domain/practices/practice_service.h"

#include <algorithm>
#include <set>

#include "core/fields.h"
#include "core/files.h"
#include "core/regions.h"
#include "core/slug.h"
#include "core/strings.h"
#include "crypto/crypto.h"

namespace waymark::practices {
namespace {

constexpr std::size_t kMaxSlug = 60;
constexpr int kMaxSlugAttempts = 8;
constexpr int kListLimit = 500;
constexpr int kMaxSearchLimit = 100;
constexpr int kMaxSearchOffset = 10000;
constexpr TimestampMs kHourMs = 3600 * 1000;
constexpr TimestampMs kDayMs = 24 * kHourMs;
constexpr TimestampMs kTermsTtlMs = 60 * 1000;

const std::vector<std::string>& Licences() {
  static const std::vector<std::string> kLicences = {"cc-by", "cc-by-sa", "cc-by-nc", "cc0",
                                                     "all-rights-reserved"};
  return kLicences;
}

std::string Shown(std::string_view s) { return SanitizeUtf8(s, 100); }
std::string Trimmed(std::string_view s) { return std::string(TrimAscii(s)); }

Status NotFoundPractice(Id id) { return Status::NotFound("no practice " + std::to_string(id)); }

// Trimmed, non-empty, sorted and unique.
std::vector<std::string> SortedUnique(const std::vector<std::string>& in) {
  std::set<std::string> set;
  for (const auto& raw : in) {
    std::string s = Trimmed(raw);
    if (!s.empty()) set.insert(std::move(s));
  }
  return {set.begin(), set.end()};
}

std::string FirstTitle(const Practice& p) {
  for (const char* lang : kLanguages) {
    auto it = p.texts.find(lang);
    if (it != p.texts.end() && !it->second.title.empty()) return it->second.title;
  }
  return {};
}

bool IsHttpUrl(std::string_view url) {
  return (StartsWith(url, "https://") || StartsWith(url, "http://")) && url.size() > 8 &&
         url.find_first_of(" \t\r\n<>\"") == std::string_view::npos;
}

// Is `code` an active term of `vocabulary` (or, for codes a practice
// already has, any term)?
bool KnownCode(const std::vector<Term>& terms, std::string_view vocabulary, std::string_view code,
               const std::vector<std::string>& kept) {
  for (const auto& t : terms) {
    if (t.vocabulary == vocabulary && t.code == code) {
      return t.active || std::find(kept.begin(), kept.end(), code) != kept.end();
    }
  }
  return false;
}

bool Released(const Practice& p) {
  return p.lifecycle == Lifecycle::kPublished ||
         ((p.lifecycle == Lifecycle::kArchived || p.lifecycle == Lifecycle::kMerged) && p.published_at);
}

bool IsMember(const Actor& actor, const std::optional<Id>& org) {
  return org && actor.user && actor.user->RoleIn(*org).has_value();
}

// A moderator's message to the contributor.
Message FromModerator(const Actor& actor, Id practice_id, const std::string& text, TimestampMs at) {
  Message m;
  m.practice_id = practice_id;
  m.at = at;
  m.from_moderator = true;
  if (actor.user) m.author_user_id = actor.user->id;
  m.author_name = actor.user ? actor.user->name : actor.label;
  m.text = text;
  return m;
}

bool EditsFor(const Actor& actor, Id org) {
  if (!actor.user) return false;
  auto role = actor.user->RoleIn(org);
  return role && (*role == accounts::Role::kEditor || *role == accounts::Role::kModerator);
}

}  // namespace

// --- pure helpers ---

std::string SniffFileType(const std::string& bytes) {
  std::string type = SniffMediaType(bytes);
  if (type == "application/pdf" || type == "image/png" || type == "image/jpeg") return type;
  return "";
}

bool IsPartialDate(std::string_view d) {
  if (d.size() == 10) return IsCalendarDate(d);
  std::string full(d);
  if (d.size() == 4) {
    full += "-01-01";
  } else if (d.size() == 7) {
    full += "-01";
  } else {
    return false;
  }
  return IsCalendarDate(full);
}

bool IsEmail(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  std::size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
    return false;
  std::string_view domain = email.substr(at + 1);
  std::size_t dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
  for (unsigned char c : email) {
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';') return false;
  }
  return true;
}

// --- permissions ---

bool PracticeService::CanModerate(const Actor& actor, const Practice& p) {
  if (actor.IsAdmin()) return true;
  if (!actor.user || !p.lead.org_id) return false;  // open contributions: administrators
  auto role = actor.user->RoleIn(*p.lead.org_id);
  return role && *role == accounts::Role::kModerator;
}

bool PracticeService::ModeratesAnywhere(const Actor& actor) {
  if (actor.IsAdmin()) return true;
  if (!actor.user) return false;
  return std::any_of(actor.user->memberships.begin(), actor.user->memberships.end(),
                     [](const accounts::Membership& m) { return m.role == accounts::Role::kModerator; });
}

bool PracticeService::CanEdit(const Actor& actor, const Practice& p) {
  if (actor.IsAdmin()) return true;
  if (!actor.user) return false;
  if (p.lead.org_id && EditsFor(actor, *p.lead.org_id)) return true;
  bool open = p.lifecycle == Lifecycle::kDraft || p.lifecycle == Lifecycle::kReturned;
  return open && p.contributor.user_id && *p.contributor.user_id == actor.user->id;
}

bool PracticeService::CanSee(const Actor& actor, const Practice& p) {
  if (actor.IsAdmin()) return true;
  if (IsMember(actor, p.lead.org_id)) return true;
  if (actor.user && p.contributor.user_id && *p.contributor.user_id == actor.user->id) return true;
  return Released(p);
}

Practice PracticeService::RedactFor(const Actor& actor, Practice p, bool* redacted) {
  if (redacted) *redacted = false;
  if (CanModerate(actor, p) || IsMember(actor, p.lead.org_id)) return p;
  if (actor.user && p.contributor.user_id && *p.contributor.user_id == actor.user->id) return p;
  p.contributor = Contributor{};
  p.status_token_hash.clear();
  p.status_expires_at = 0;
  p.submitted_from.clear();
  if (p.contacts_private) p.contacts.clear();
  if (p.summary_only || p.sensitivity == Sensitivity::kRestricted) {
    for (auto& [lang, text] : p.texts) text = LocalText{text.title, text.summary, {}, {}, {}, {}, {}, {}};
    p.places.clear();
    p.partners.clear();
    p.links.clear();
    p.files.clear();
    p.contacts.clear();
    p.start_date.reset();
    p.end_date.reset();
    if (redacted) *redacted = true;
  }
  return p;
}

// --- construction and vocabularies ---

PracticeService::PracticeService(accounts::Stores accounts, Stores stores, search::ChangeFeed& feed,
                                 const Clock& clock, Random& random, const CountryDirectory& countries,
                                 PracticeOptions options)
    : accounts_(accounts),
      stores_(stores),
      feed_(feed),
      clock_(clock),
      random_(random),
      countries_(countries),
      options_(options) {}

Status PracticeService::SeedVocabularies() {
  WM_ASSIGN_OR_RETURN(std::vector<Term> existing, stores_.terms->List());
  std::set<std::pair<std::string, std::string>> have;
  for (const auto& t : existing) have.emplace(t.vocabulary, t.code);
  for (const auto& t : SeedTerms()) {
    if (!have.count({t.vocabulary, t.code})) WM_RETURN_IF_ERROR(stores_.terms->Save(t));
  }
  std::lock_guard lock(terms_mu_);
  terms_loaded_at_ = 0;
  return Status::Ok();
}

Result<std::vector<Term>> PracticeService::Terms() {
  TimestampMs now = clock_.NowMs();
  {
    std::lock_guard lock(terms_mu_);
    if (terms_loaded_at_ != 0 && now - terms_loaded_at_ < kTermsTtlMs) return terms_cache_;
  }
  WM_ASSIGN_OR_RETURN(std::vector<Term> terms, stores_.terms->List());
  std::lock_guard lock(terms_mu_);
  terms_cache_ = terms;
  terms_loaded_at_ = now;
  return terms;
}

Status PracticeService::SaveTerm(const Actor& actor, const Term& in) {
  if (!ModeratesAnywhere(actor)) return Status::PermissionDenied("only moderators edit the vocabularies");
  FieldErrors errors;
  Term t = in;
  t.code = Trimmed(t.code);
  if (!IsVocabulary(t.vocabulary)) errors.Add("vocabulary", "pr_unknown_code", "is not a vocabulary");
  bool code_ok =
      !t.code.empty() && t.code.size() <= 40 && std::all_of(t.code.begin(), t.code.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      });
  if (!code_ok) errors.Add("code", "pr_code_format", "must be 1 to 40 lowercase letters, digits or dashes");
  for (auto& [lang, label] : t.labels) {
    label = Trimmed(label);
    if (!IsLanguage(lang)) {
      errors.Add("labels", "pr_language", "has an unknown language '" + Shown(lang) + "'");
      continue;
    }
    CheckTextField(errors, "label." + lang, label, 200, false);
  }
  if (t.Label("en") == t.code && (t.labels.empty() || t.labels["en"].empty()))
    errors.Add("label.en", "required", "is required");
  if (!t.parent.empty() && t.vocabulary != "theme" && t.vocabulary != "guideline")
    errors.Add("parent", "pr_parent_not_allowed", "only themes and guidelines have a parent");
  WM_ASSIGN_OR_RETURN(std::vector<Term> terms, Terms());
  if (!t.parent.empty() && !KnownCode(terms, "phase", t.parent, {t.parent}))
    errors.Add("parent", "pr_unknown_code", "is not a phase");
  if (!errors.empty()) return errors.ToStatus();
  Status s = accounts::RunInUnit<bool>(*accounts_.unit, [&]() -> Result<bool> {
               WM_RETURN_IF_ERROR(stores_.terms->Save(t));
               WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
                   actor, clock_.NowMs(), "practice.term.save", "practice_term", t.vocabulary + ":" + t.code,
                   {{"active", t.active ? "1" : "0"}})));
               return true;
             }).status();
  std::lock_guard lock(terms_mu_);
  terms_loaded_at_ = 0;
  return s;
}

// --- validation ---

Status PracticeService::Apply(const PracticeInput& in, Practice& p, FieldErrors& errors, bool creating,
                              const std::vector<Term>& terms) {
  auto text_field = [&](const std::optional<std::string>& value, const std::string& field, std::size_t max,
                        bool multiline, std::string& out) {
    if (!value) return;
    std::string v = multiline ? *value : Trimmed(*value);
    if (CheckTextField(errors, field, v, max, multiline)) out = std::move(v);
  };
  auto codes = [&](const std::optional<std::vector<std::string>>& value, const char* vocabulary,
                   const std::string& field, std::vector<std::string>& out) {
    if (!value) return;
    std::vector<std::string> list = SortedUnique(*value);
    if (list.size() > kMaxListItems) {
      errors.Add(field, "too_many", "has more than " + std::to_string(kMaxListItems) + " items");
      return;
    }
    for (const auto& code : list) {
      if (!KnownCode(terms, vocabulary, code, out)) {
        errors.Add(field, "pr_unknown_code", "has an unknown code '" + Shown(code) + "'",
                   {{"value", Shown(code)}});
        return;
      }
    }
    out = std::move(list);
  };

  if (in.texts) {
    for (const auto& [lang, t] : *in.texts) {
      if (!IsLanguage(lang)) {
        errors.Add("texts", "pr_language", "has an unknown language '" + Shown(lang) + "'",
                   {{"value", Shown(lang)}});
        continue;
      }
      LocalText clean;
      struct Part {
        const char* name;
        const std::string* in;
        std::string* out;
        std::size_t max;
        bool multiline;
      };
      const Part parts[] = {
          {"title", &t.title, &clean.title, kMaxTitle, false},
          {"summary", &t.summary, &clean.summary, kMaxSummary, true},
          {"problem", &t.problem, &clean.problem, kMaxLongText, true},
          {"description", &t.description, &clean.description, kMaxLongText, true},
          {"results", &t.results, &clean.results, kMaxLongText, true},
          {"lessons", &t.lessons, &clean.lessons, kMaxLongText, true},
          {"resources", &t.resources, &clean.resources, kMaxLongText, true},
          {"transferability", &t.transferability, &clean.transferability, kMaxLongText, true},
      };
      for (const auto& part : parts) {
        std::string v = part.multiline ? Trimmed(*part.in) : Trimmed(*part.in);
        if (CheckTextField(errors, std::string(part.name) + "." + lang, v, part.max, part.multiline))
          *part.out = std::move(v);
      }
      if (clean.Empty()) {
        p.texts.erase(lang);
      } else {
        if (clean.title.empty())
          errors.Add("title." + lang, "required", "is required when this language has text");
        p.texts[lang] = std::move(clean);
      }
    }
  }
  // Once: a language with text but no title is named as that language's title.
  bool language_title_missing = false;
  for (const char* lang : kLanguages) language_title_missing |= errors.Has(std::string("title.") + lang);
  if (FirstTitle(p).empty() && !language_title_missing)
    errors.Add("title", "required", "is required (in at least one language)");

  text_field(in.lead_name, "lead_name", kMaxName, false, p.lead.name);
  if (in.lead_actor) {
    std::string code = Trimmed(*in.lead_actor);
    if (!code.empty() && !KnownCode(terms, "actor", code, {p.lead.actor_kind})) {
      errors.Add("lead_actor", "pr_unknown_code", "has an unknown code '" + Shown(code) + "'",
                 {{"value", Shown(code)}});
    } else {
      p.lead.actor_kind = code;
    }
  }
  if (!p.lead.org_id && p.lead.name.empty()) errors.Add("lead_name", "required", "is required");

  if (in.partners) {
    if (in.partners->size() > kMaxListItems) {
      errors.Add("partners", "too_many", "has more than " + std::to_string(kMaxListItems) + " items");
    } else {
      std::vector<Party> out;
      for (const auto& raw : *in.partners) {
        Party party;
        std::string slug = Trimmed(raw.slug);
        if (!slug.empty()) {
          auto org = accounts_.organisations->FindBySlug(slug);
          if (!org.ok()) {
            errors.Add("partners", "org_unknown", "has an unknown organisation '" + Shown(slug) + "'",
                       {{"value", Shown(slug)}});
            continue;
          }
          party.org_id = org->id;
          party.slug = org->slug;
          party.name = org->name;
        } else {
          party.name = Trimmed(raw.name);
          if (party.name.empty()) continue;
          if (!CheckTextField(errors, "partners", party.name, kMaxName, false)) continue;
        }
        party.actor_kind = Trimmed(raw.actor_kind);
        if (!party.actor_kind.empty() && !KnownCode(terms, "actor", party.actor_kind, {})) {
          errors.Add("partners", "pr_unknown_code",
                     "has an unknown actor kind '" + Shown(party.actor_kind) + "'",
                     {{"value", Shown(party.actor_kind)}});
          continue;
        }
        out.push_back(std::move(party));
      }
      p.partners = std::move(out);
    }
  }

  if (in.places) {
    std::set<std::pair<std::string, PlaceRole>> seen;
    std::vector<Place> out;
    for (const auto& raw : *in.places) {
      std::string code = Trimmed(raw.country);
      for (char& c : code) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      if (code.empty()) continue;
      if (!countries_.IsValidAlpha3(code)) {
        errors.Add("places", "country_unknown",
                   "'" + Shown(code) + "' is not an ISO 3166-1 alpha-3 country code",
                   {{"value", Shown(code)}});
        continue;
      }
      if (seen.emplace(code, raw.role).second) out.push_back(Place{code, raw.role});
    }
    if (out.size() > kMaxListItems) {
      errors.Add("places", "too_many", "has more than " + std::to_string(kMaxListItems) + " items");
    } else {
      std::sort(out.begin(), out.end(), [](const Place& a, const Place& b) {
        return std::tie(a.country, a.role) < std::tie(b.country, b.role);
      });
      p.places = std::move(out);
    }
  }
  text_field(in.generalised_location, "generalised_location", kMaxName, false, p.generalised_location);

  auto date_field = [&](const std::optional<std::string>& value, const char* field,
                        std::optional<std::string>& out) {
    if (!value) return;
    std::string d = Trimmed(*value);
    if (d.empty()) {
      out.reset();
    } else if (!IsPartialDate(d)) {
      errors.Add(field, "pr_date", "must be a date written YYYY, YYYY-MM or YYYY-MM-DD",
                 {{"value", Shown(d)}});
    } else {
      out = d;
    }
  };
  date_field(in.start_date, "start_date", p.start_date);
  date_field(in.end_date, "end_date", p.end_date);
  if (p.start_date && p.end_date && *p.end_date < p.start_date->substr(0, p.end_date->size()))
    errors.Add("end_date", "pr_end_before_start", "is before the start date");

  codes(in.phases, "phase", "phases", p.phases);
  codes(in.crises, "crisis", "crises", p.crises);
  codes(in.guidelines, "guideline", "guidelines", p.guidelines);
  codes(in.themes, "theme", "themes", p.themes);
  codes(in.targets, "target", "targets", p.targets);
  codes(in.types, "type", "types", p.types);
  if (p.phases.empty() && !errors.Has("phases"))
    errors.Add("phases", "required", "choose at least one phase");
  text_field(in.crisis_other, "crisis_other", kMaxName, false, p.crisis_other);
  bool other = std::find(p.crises.begin(), p.crises.end(), "other") != p.crises.end();
  if (other && p.crisis_other.empty())
    errors.Add("crisis_other", "required", "describe the other kind of crisis");
  if (!other) p.crisis_other.clear();

  text_field(in.contacts, "contacts", kMaxContacts, true, p.contacts);
  if (in.links) {
    std::vector<Link> out;
    for (const auto& raw : *in.links) {
      Link l{Trimmed(raw.url), Trimmed(raw.label)};
      if (l.url.empty()) continue;
      if (l.url.size() > kMaxUrl || !IsHttpUrl(l.url)) {
        errors.Add("links", "pr_url", "'" + Shown(l.url) + "' is not an http(s) address",
                   {{"value", Shown(l.url)}});
        continue;
      }
      if (!CheckTextField(errors, "links", l.label, kMaxName, false)) continue;
      out.push_back(std::move(l));
    }
    if (out.size() > kMaxListItems) {
      errors.Add("links", "too_many", "has more than " + std::to_string(kMaxListItems) + " items");
    } else {
      p.links = std::move(out);
    }
  }
  if (in.licence) {
    std::string l = Trimmed(*in.licence);
    if (std::find(Licences().begin(), Licences().end(), l) == Licences().end()) {
      errors.Add("licence", "pr_unknown_code",
                 "is not one of cc-by, cc-by-sa, cc-by-nc, cc0, all-rights-reserved", {{"value", Shown(l)}});
    } else {
      p.licence = l;
    }
  }
  if (in.sensitivity) {
    auto s = ParseSensitivity(Trimmed(*in.sensitivity));
    if (!s) {
      errors.Add("sensitivity", "pr_unknown_code", "must be normal, sensitive or restricted",
                 {{"value", Shown(*in.sensitivity)}});
    } else {
      p.sensitivity = *s;
    }
  }
  if (in.contacts_private) p.contacts_private = *in.contacts_private;
  if (in.summary_only) p.summary_only = *in.summary_only;
  if (p.sensitivity == Sensitivity::kRestricted) p.summary_only = true;
  if (p.summary_only && p.generalised_location.empty())
    errors.Add("generalised_location", "required", "is required when only a summary is published");

  auto ids = [&](const std::optional<std::vector<Id>>& value, const char* field, std::vector<Id>& out) {
    if (!value) return;
    std::set<Id> set;
    for (Id id : *value) {
      if (id <= 0) {
        errors.Add(field, "pr_id", "has an id that is not a positive number");
        return;
      }
      set.insert(id);
    }
    if (set.size() > kMaxListItems) {
      errors.Add(field, "too_many", "has more than " + std::to_string(kMaxListItems) + " items");
      return;
    }
    out.assign(set.begin(), set.end());
  };
  ids(in.campaigns, "campaigns", p.campaigns);
  ids(in.threads, "threads", p.threads);

  if (creating) {
    text_field(in.contributor_name, "contributor_name", kMaxName, false, p.contributor.name);
    if (in.contributor_email && !Trimmed(*in.contributor_email).empty()) {
      std::string e = Trimmed(*in.contributor_email);
      if (!IsEmail(e)) {
        errors.Add("contributor_email", "email_format", "is not an e-mail address", {{"value", Shown(e)}});
      } else {
        p.contributor.email = e;
      }
    }
    if (in.contributor_lang && IsLanguage(*in.contributor_lang)) p.contributor.lang = *in.contributor_lang;
  }
  return Status::Ok();
}

// --- writing ---

std::string PracticeService::UniqueSlug(const std::string& title, int attempt) {
  std::string base = Slugify(title, kMaxSlug, "practice");
  if (attempt > 1) {
    // Someone took the free slug meanwhile (several saves of one title at
    // once): a random suffix makes the next candidate differ per writer.
    unsigned char r[3];
    random_.Fill(r, sizeof r);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string suffix = "-";
    for (unsigned char b : r) {
      suffix.push_back(kHex[b >> 4]);
      suffix.push_back(kHex[b & 15]);
    }
    std::string head = base.substr(0, kMaxSlug - suffix.size());
    while (!head.empty() && head.back() == '-') head.pop_back();
    base = head + suffix;
  }
  for (int n = 1;; ++n) {
    std::string candidate = base;
    if (n > 1) {
      std::string suffix = "-" + std::to_string(n);
      candidate = base.substr(0, kMaxSlug - suffix.size());
      while (!candidate.empty() && candidate.back() == '-') candidate.pop_back();
      candidate += suffix;
    }
    auto taken = stores_.practices->SlugTaken(candidate);
    if (!taken.ok() || !*taken) return candidate;
  }
}

std::string PracticeService::NewToken(Practice& p) {
  unsigned char bytes[24];
  random_.Fill(bytes, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token.push_back(kHex[b >> 4]);
    token.push_back(kHex[b & 15]);
  }
  p.status_token_hash = crypto::Sha256Hex(token);
  p.status_expires_at = clock_.NowMs() + options_.status_link_days * kDayMs;
  return token;
}

Status PracticeService::Record(const Actor& actor, const std::string& action, const std::string& note,
                               const Practice& after) {
  TimestampMs now = clock_.NowMs();
  Revision r;
  r.practice_id = after.id;
  r.version = after.version;
  r.at = now;
  if (actor.user) r.actor_user_id = actor.user->id;
  r.actor_label = actor.user                                                ? actor.user->name
                  : (!actor.is_operator && !after.contributor.name.empty()) ? after.contributor.name
                                                                            : actor.label;
  r.action = action;
  r.note = note;
  r.snapshot = after;
  WM_RETURN_IF_ERROR(stores_.practices->AddRevision(r));
  std::map<std::string, std::string> details = {
      {"slug", after.slug},
      {"version", std::to_string(after.version)},
      {"lifecycle", std::string(ToString(after.lifecycle))},
  };
  if (!note.empty()) details["note"] = note;
  if (after.merged_into) details["merged_into"] = std::to_string(*after.merged_into);
  WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
      actor, now, "practice." + action, "practice", std::to_string(after.id), std::move(details))));
  return feed_.Append("practice", after.id);
}

Result<Practice> PracticeService::Insert(const Actor& actor, Practice p, const std::string& action) {
  for (int attempt = 1;; ++attempt) {
    p.slug = UniqueSlug(FirstTitle(p), attempt);
    auto created = accounts::RunInUnit<Practice>(*accounts_.unit, [&]() -> Result<Practice> {
      WM_ASSIGN_OR_RETURN(Practice out, stores_.practices->Create(p));
      WM_RETURN_IF_ERROR(Record(actor, action, "", out));
      return out;
    });
    if (created.ok() || !created.status().IsConflict() || attempt >= kMaxSlugAttempts) return created;
  }
}

Result<Submitted> PracticeService::SubmitOpen(const Actor& actor, const PracticeInput& input,
                                              const OpenGuard& guard, const std::vector<Upload>& files) {
  TimestampMs now = clock_.NowMs();
  auto form_error = [](const char* code, const char* message, const char* summary) {
    FieldErrors e;
    e.Add("form", code, message);
    return e.ToStatus(summary);
  };
  if (guard.honeypot_filled) {
    return form_error("pr_automated", "was not sent by a person (a field meant to stay empty was filled)",
                      "the form looks automated");
  }
  if (!guard.form_shown_at) {
    return form_error("pr_form_expired", "has expired or was not issued by this site; send it again",
                      "the form could not be verified");
  }
  if (now - *guard.form_shown_at < options_.min_fill_ms) {
    return form_error("pr_too_fast", "was sent too fast; take a moment to check it and send it again",
                      "the form was sent too fast");
  }
  if (!guard.address_key.empty()) {
    WM_ASSIGN_OR_RETURN(std::int64_t recent,
                        stores_.practices->CountSubmittedFrom(guard.address_key, now - kHourMs));
    if (recent >= options_.max_open_per_hour) {
      return Status::TooManyRequests(
          "too many practices sent from this address in the last hour; try again later", 3600);
    }
  }
  WM_ASSIGN_OR_RETURN(std::vector<Term> terms, Terms());
  Practice p;
  FieldErrors errors;
  if (input.organisation && !Trimmed(*input.organisation).empty())
    errors.Add("organisation", "pr_sign_in", "only signed-in members submit on an organisation's behalf");
  WM_RETURN_IF_ERROR(Apply(input, p, errors, true, terms));
  if (p.contributor.email.empty() && !errors.Has("contributor_email"))
    errors.Add("contributor_email", "required",
               "is required: the link to follow your practice is sent there");
  if (static_cast<int>(files.size()) > options_.max_files)
    errors.Add("files", "too_many", "has more than " + std::to_string(options_.max_files) + " files");
  for (const auto& f : files) {
    if (static_cast<std::int64_t>(f.bytes.size()) > options_.max_file_bytes) {
      errors.Add("files", "pr_file_too_large",
                 "'" + Shown(SanitizeFilename(f.filename)) + "' is larger than the limit",
                 {{"value", Shown(SanitizeFilename(f.filename))}});
    } else if (SniffFileType(f.bytes).empty()) {
      errors.Add("files", "pr_file_type",
                 "'" + Shown(SanitizeFilename(f.filename)) +
                     "' is not a PDF, PNG or JPEG file, whatever its name says",
                 {{"value", Shown(SanitizeFilename(f.filename))}});
    }
  }
  if (!errors.empty()) return errors.ToStatus();
  if (actor.user) p.contributor.user_id = actor.user->id;
  p.lifecycle = Lifecycle::kSubmitted;
  p.submitted_from = guard.address_key;
  p.created_at = p.updated_at = now;
  Submitted out;
  out.status_token = NewToken(p);
  for (int attempt = 1;; ++attempt) {
    p.slug = UniqueSlug(FirstTitle(p), attempt);
    auto created = accounts::RunInUnit<Practice>(*accounts_.unit, [&]() -> Result<Practice> {
      WM_ASSIGN_OR_RETURN(Practice made, stores_.practices->Create(p));
      for (const auto& f : files) {
        File meta;
        meta.practice_id = made.id;
        meta.filename = SanitizeFilename(f.filename);
        meta.content_type = SniffFileType(f.bytes);
        meta.size = static_cast<std::int64_t>(f.bytes.size());
        meta.sha256 = crypto::Sha256Hex(f.bytes);
        meta.created_at = now;
        WM_ASSIGN_OR_RETURN(File stored, stores_.practices->AddFile(meta, f.bytes));
        // The same bytes twice are stored (and listed) once.
        bool listed = std::any_of(made.files.begin(), made.files.end(),
                                  [&](const File& x) { return x.id == stored.id; });
        if (!listed) made.files.push_back(stored);
      }
      WM_RETURN_IF_ERROR(Record(actor, "submit", "", made));
      return made;
    });
    if (created.ok()) {
      out.practice = std::move(*created);
      return out;
    }
    if (!created.status().IsConflict() || attempt >= kMaxSlugAttempts) return created.status();
  }
}

Result<Practice> PracticeService::Create(const Actor& actor, const PracticeInput& input) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to save a draft");
  WM_ASSIGN_OR_RETURN(std::vector<Term> terms, Terms());
  FieldErrors errors;
  Practice p;
  std::string slug = input.organisation ? Trimmed(*input.organisation) : "";
  if (slug.empty()) {
    errors.Add("organisation", "required", "is required");
  } else {
    auto org = accounts_.organisations->FindBySlug(slug);
    if (!org.ok()) {
      if (!org.status().IsNotFound()) return org.status();
      errors.Add("organisation", "org_unknown", "is not an organisation", {{"value", Shown(slug)}});
    } else {
      if (!actor.IsAdmin() && !IsMember(actor, org->id))
        return Status::PermissionDenied("only members of " + org->name + " write practices on its behalf");
      p.lead.org_id = org->id;
      p.lead.slug = org->slug;
      p.lead.name = org->name;
    }
  }
  PracticeInput in = input;
  in.contributor_name.reset();
  in.contributor_email.reset();
  WM_RETURN_IF_ERROR(Apply(in, p, errors, true, terms));
  if (!errors.empty()) return errors.ToStatus();
  if (actor.user) {
    p.contributor.user_id = actor.user->id;
    p.contributor.name = actor.user->name;
    p.contributor.email = actor.user->email;
  }
  p.lifecycle = Lifecycle::kDraft;
  p.created_at = p.updated_at = clock_.NowMs();
  return Insert(actor, std::move(p), "create");
}

Result<Practice> PracticeService::Transition(const Actor& actor, Id id, const std::string& action,
                                             const std::string& note,
                                             std::optional<std::int64_t> expected_version,
                                             const std::function<Status(const Practice&)>& permit,
                                             const std::function<Status(Practice&)>& apply) {
  auto result = accounts::RunInUnit<Practice>(*accounts_.unit, [&]() -> Result<Practice> {
    auto after = stores_.practices->Modify(id, [&](Practice p) -> Result<Practice> {
      if (!CanSee(actor, p)) return NotFoundPractice(id);
      WM_RETURN_IF_ERROR(permit(p));
      if (expected_version && *expected_version != p.version) {
        return Status::Conflict("the practice was changed by someone else since version " +
                                std::to_string(*expected_version) + "; it is now at version " +
                                std::to_string(p.version));
      }
      WM_RETURN_IF_ERROR(apply(p));
      p.updated_at = clock_.NowMs();
      return p;
    });
    if (!after.ok()) return after.status();
    WM_RETURN_IF_ERROR(Record(actor, action, note, *after));
    return after;
  });
  if (!result.ok() && result.status().IsNotFound() &&
      result.status().message().find("no practice") == std::string::npos)
    return NotFoundPractice(id);
  return result;
}

Result<Practice> PracticeService::Update(const Actor& actor, Id id, const PracticeInput& input) {
  WM_ASSIGN_OR_RETURN(std::vector<Term> terms, Terms());
  PracticeInput in = input;
  in.organisation.reset();
  return Transition(
      actor, id, "update", "", input.expected_version,
      [&](const Practice& p) -> Status {
        if (!CanEdit(actor, p) && !CanModerate(actor, p))
          return Status::PermissionDenied("you may not edit this practice");
        if (p.lifecycle == Lifecycle::kMerged || p.lifecycle == Lifecycle::kRejected)
          return Status::Conflict("a " + std::string(ToString(p.lifecycle)) + " practice is not edited");
        return Status::Ok();
      },
      [&](Practice& p) -> Status {
        FieldErrors errors;
        WM_RETURN_IF_ERROR(Apply(in, p, errors, false, terms));
        if (!errors.empty()) return errors.ToStatus();
        return Status::Ok();
      });
}

Result<Practice> PracticeService::Submit(const Actor& actor, Id id,
                                         std::optional<std::int64_t> expected_version) {
  return Transition(
      actor, id, "submit", "", expected_version,
      [&](const Practice& p) -> Status {
        if (!CanEdit(actor, p) && !IsMember(actor, p.lead.org_id))
          return Status::PermissionDenied("only its organisation's members submit a practice");
        if (p.lifecycle != Lifecycle::kDraft && p.lifecycle != Lifecycle::kReturned)
          return Status::Conflict("cannot submit a " + std::string(ToString(p.lifecycle)) + " practice");
        return Status::Ok();
      },
      [&](Practice& p) -> Status {
        p.lifecycle = Lifecycle::kSubmitted;
        return Status::Ok();
      });
}

Result<Practice> PracticeService::Publish(const Actor& actor, Id id,
                                          std::optional<std::int64_t> expected_version) {
  return Transition(
      actor, id, "publish", "", expected_version,
      [&](const Practice& p) -> Status {
        if (!CanModerate(actor, p)) return Status::PermissionDenied("only its moderators publish a practice");
        if (p.lifecycle != Lifecycle::kSubmitted && p.lifecycle != Lifecycle::kArchived)
          return Status::Conflict("cannot publish a " + std::string(ToString(p.lifecycle)) + " practice");
        return Status::Ok();
      },
      [&](Practice& p) -> Status {
        p.lifecycle = Lifecycle::kPublished;
        p.moderation_note.clear();
        if (!p.published_at) p.published_at = clock_.NowMs();
        return Status::Ok();
      });
}

Result<Practice> PracticeService::Return(const Actor& actor, Id id, const std::string& questions,
                                         std::optional<std::int64_t> expected_version) {
  std::string q = Trimmed(questions);
  FieldErrors errors;
  if (q.empty()) errors.Add("questions", "required", "say what the contributor should answer or change");
  CheckTextField(errors, "questions", q, kMaxMessage, true);
  if (!errors.empty()) return errors.ToStatus();
  return Transition(
      actor, id, "return", q, expected_version,
      [&](const Practice& p) -> Status {
        if (!CanModerate(actor, p)) return Status::PermissionDenied("only its moderators return a practice");
        if (p.lifecycle != Lifecycle::kSubmitted)
          return Status::Conflict("cannot return a " + std::string(ToString(p.lifecycle)) + " practice");
        return Status::Ok();
      },
      [&](Practice& p) -> Status {
        p.lifecycle = Lifecycle::kReturned;
        p.moderation_note = q;
        if (!p.status_token_hash.empty())
          p.status_expires_at =
              std::max(p.status_expires_at, clock_.NowMs() + options_.status_link_days * kDayMs);
        return stores_.practices->AddMessage(FromModerator(actor, p.id, q, clock_.NowMs())).status();
      });
}

Result<Practice> PracticeService::Reject(const Actor& actor, Id id, const std::string& reason) {
  std::string r = Trimmed(reason);
  FieldErrors errors;
  if (r.empty()) errors.Add("reason", "required", "say why it is rejected");
  CheckTextField(errors, "reason", r, kMaxMessage, true);
  if (!errors.empty()) return errors.ToStatus();
  return Transition(
      actor, id, "reject", r, std::nullopt,
      [&](const Practice& p) -> Status {
        if (!CanModerate(actor, p)) return Status::PermissionDenied("only its moderators reject a practice");
        if (p.lifecycle != Lifecycle::kSubmitted && p.lifecycle != Lifecycle::kReturned)
          return Status::Conflict("cannot reject a " + std::string(ToString(p.lifecycle)) + " practice");
        return Status::Ok();
      },
      [&](Practice& p) -> Status {
        p.lifecycle = Lifecycle::kRejected;
        p.moderation_note = r;
        // The contributor reads why through the status link.
        return stores_.practices->AddMessage(FromModerator(actor, p.id, r, clock_.NowMs())).status();
      });
}

Result<Practice> PracticeService::Archive(const Actor& actor, Id id, const std::string& reason) {
  std::string r = Trimmed(reason);
  FieldErrors errors;
  CheckTextField(errors, "reason", r, kMaxMessage, true);
  if (!errors.empty()) return errors.ToStatus();
  return Transition(
      actor, id, "archive", r, std::nullopt,
      [&](const Practice& p) -> Status {
        bool own_editor = p.lead.org_id && EditsFor(actor, *p.lead.org_id);
        if (!CanModerate(actor, p) && !own_editor)
          return Status::PermissionDenied("only its moderators and editors archive a practice");
        if (p.lifecycle != Lifecycle::kPublished)
          return Status::Conflict("cannot archive a " + std::string(ToString(p.lifecycle)) + " practice");
        return Status::Ok();
      },
      [&](Practice& p) -> Status {
        p.lifecycle = Lifecycle::kArchived;
        p.moderation_note = r;
        return Status::Ok();
      });
}

Result<Practice> PracticeService::Merge(const Actor& actor, Id id, Id into, const std::string& reason) {
  std::string r = Trimmed(reason);
  FieldErrors errors;
  if (into == id) errors.Add("into", "pr_merge_self", "a practice cannot be merged into itself");
  CheckTextField(errors, "reason", r, kMaxMessage, true);
  if (!errors.empty()) return errors.ToStatus();
  auto target = stores_.practices->Get(into);
  if (!target.ok()) {
    if (target.status().IsNotFound())
      return Status::Validation({{"into", "is not a practice"}}, "no practice " + std::to_string(into));
    return target.status();
  }
  if (target->lifecycle != Lifecycle::kPublished)
    return Status::Validation({{"into", "is not a published practice"}}, "merge into a published practice");
  return Transition(
      actor, id, "merge", r, std::nullopt,
      [&](const Practice& p) -> Status {
        if (!CanModerate(actor, p)) return Status::PermissionDenied("only its moderators merge a practice");
        if (p.lifecycle == Lifecycle::kMerged || p.lifecycle == Lifecycle::kRejected)
          return Status::Conflict("cannot merge a " + std::string(ToString(p.lifecycle)) + " practice");
        return Status::Ok();
      },
      [&](Practice& p) -> Status {
        p.lifecycle = Lifecycle::kMerged;
        p.merged_into = into;
        p.moderation_note = r;
        return Status::Ok();
      });
}

// --- the contributor's status link ---

Result<std::pair<Practice, std::vector<Message>>> PracticeService::ByStatusToken(const std::string& token) {
  if (token.size() != 48 || token.find_first_not_of("0123456789abcdef") != std::string::npos)
    return Status::NotFound("this status link is not valid: check that it was copied whole");
  auto p = stores_.practices->FindByStatusToken(crypto::Sha256Hex(token));
  if (!p.ok()) {
    if (p.status().IsNotFound())
      return Status::NotFound("this status link is not valid: check that it was copied whole");
    return p.status();
  }
  if (clock_.NowMs() >= p->status_expires_at)
    return Status::NotFound("this status link has expired; write to the moderators to get a new one");
  WM_ASSIGN_OR_RETURN(std::vector<Message> messages, stores_.practices->ListMessages(p->id));
  return std::make_pair(std::move(*p), std::move(messages));
}

Result<Practice> PracticeService::Answer(const Actor& actor, const std::string& token,
                                         const std::string& text, const PracticeInput& input) {
  WM_ASSIGN_OR_RETURN(auto found, ByStatusToken(token));
  std::string answer = Trimmed(text);
  FieldErrors errors;
  if (answer.empty()) errors.Add("answer", "required", "write your answer");
  CheckTextField(errors, "answer", answer, kMaxMessage, true);
  if (!errors.empty()) return errors.ToStatus();
  WM_ASSIGN_OR_RETURN(std::vector<Term> terms, Terms());
  PracticeInput in = input;
  in.organisation.reset();
  in.contributor_name.reset();
  in.contributor_email.reset();
  Id id = found.first.id;
  Actor contributor = actor;
  if (!contributor.user) contributor.label = "contributor";
  auto result = accounts::RunInUnit<Practice>(*accounts_.unit, [&]() -> Result<Practice> {
    auto after = stores_.practices->Modify(id, [&](Practice p) -> Result<Practice> {
      if (p.lifecycle == Lifecycle::kReturned) {
        FieldErrors e;
        WM_RETURN_IF_ERROR(Apply(in, p, e, false, terms));
        if (!e.empty()) return e.ToStatus();
        p.lifecycle = Lifecycle::kSubmitted;
      } else if (p.lifecycle != Lifecycle::kSubmitted) {
        return Status::Conflict("this practice is " + std::string(ToString(p.lifecycle)) +
                                "; it no longer takes answers here");
      }
      p.status_expires_at =
          std::max(p.status_expires_at, clock_.NowMs() + options_.status_link_days * kDayMs);
      p.updated_at = clock_.NowMs();
      return p;
    });
    if (!after.ok()) return after.status();
    Message m;
    m.practice_id = id;
    m.at = clock_.NowMs();
    m.from_moderator = false;
    if (actor.user) m.author_user_id = actor.user->id;
    m.author_name = after->contributor.name;
    m.text = answer;
    WM_RETURN_IF_ERROR(stores_.practices->AddMessage(m).status());
    WM_RETURN_IF_ERROR(Record(contributor, "answer", "", *after));
    return after;
  });
  return result;
}

Result<std::vector<Message>> PracticeService::Messages(const Actor& actor, Id id) {
  WM_ASSIGN_OR_RETURN(Practice p, VisibleOrNotFound(actor, id));
  if (!CanModerate(actor, p) && !IsMember(actor, p.lead.org_id))
    return Status::PermissionDenied("only its moderators and organisation read the conversation");
  return stores_.practices->ListMessages(id);
}

Result<Message> PracticeService::Ask(const Actor& actor, Id id, const std::string& text) {
  WM_ASSIGN_OR_RETURN(Practice p, VisibleOrNotFound(actor, id));
  if (!CanModerate(actor, p)) return Status::PermissionDenied("only its moderators write to the contributor");
  std::string q = Trimmed(text);
  FieldErrors errors;
  if (q.empty()) errors.Add("text", "required", "is required");
  CheckTextField(errors, "text", q, kMaxMessage, true);
  if (!errors.empty()) return errors.ToStatus();
  return accounts::RunInUnit<Message>(*accounts_.unit, [&]() -> Result<Message> {
    Message m = FromModerator(actor, id, q, clock_.NowMs());
    WM_ASSIGN_OR_RETURN(Message stored, stores_.practices->AddMessage(m));
    WM_RETURN_IF_ERROR(accounts_.audit->Record(
        accounts::AuditEntry::For(actor, m.at, "practice.ask", "practice", std::to_string(id), {})));
    return stored;
  });
}

// --- reading ---

Result<Practice> PracticeService::VisibleOrNotFound(const Actor& actor, Id id) {
  auto p = stores_.practices->Get(id);
  if (!p.ok()) return p.status().IsNotFound() ? NotFoundPractice(id) : p.status();
  if (!CanSee(actor, *p)) return NotFoundPractice(id);
  return p;
}

Result<Practice> PracticeService::Get(const Actor& actor, Id id) {
  WM_ASSIGN_OR_RETURN(Practice p, VisibleOrNotFound(actor, id));
  return RedactFor(actor, std::move(p));
}

Result<PracticeView> PracticeService::View(const Actor& actor, Id id) {
  WM_ASSIGN_OR_RETURN(Practice p, VisibleOrNotFound(actor, id));
  PracticeView v;
  v.merged_into = p.merged_into;
  WM_ASSIGN_OR_RETURN(v.adoptions, stores_.practices->ListAdoptions(id));
  WM_ASSIGN_OR_RETURN(v.collections, stores_.practices->CollectionsOf(id));
  v.practice = RedactFor(actor, std::move(p), &v.redacted);
  return v;
}

Result<PracticeView> PracticeService::ViewBySlug(const Actor& actor, const std::string& slug) {
  auto p = stores_.practices->FindBySlug(slug);
  if (!p.ok())
    return p.status().IsNotFound() ? Status::NotFound("no practice '" + Shown(slug) + "'") : p.status();
  return View(actor, p->id);
}

Result<std::vector<Revision>> PracticeService::History(const Actor& actor, Id id) {
  WM_ASSIGN_OR_RETURN(Practice p, VisibleOrNotFound(actor, id));
  WM_ASSIGN_OR_RETURN(std::vector<Revision> all, stores_.practices->ListRevisions(id));
  if (CanModerate(actor, p) || IsMember(actor, p.lead.org_id)) return all;
  // Everyone else: the released states, redacted, without moderators' notes.
  std::vector<Revision> out;
  for (auto& r : all) {
    if (!Released(r.snapshot)) continue;
    r.note.clear();
    r.actor_user_id.reset();
    if (!r.snapshot.lead.org_id) r.actor_label.clear();
    r.snapshot = RedactFor(actor, std::move(r.snapshot));
    r.snapshot.moderation_note.clear();
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<Practice>> PracticeService::AwaitingModeration(const Actor& actor) {
  if (!ModeratesAnywhere(actor)) return Status::PermissionDenied("only moderators see the moderation queue");
  WM_ASSIGN_OR_RETURN(std::vector<Practice> all,
                      stores_.practices->ListByLifecycle(Lifecycle::kSubmitted, kListLimit));
  std::vector<Practice> out;
  for (auto& p : all) {
    if (CanModerate(actor, p)) out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<Practice>> PracticeService::ForOrganisation(const Actor& actor,
                                                               const std::string& org_slug) {
  auto org = accounts_.organisations->FindBySlug(org_slug);
  if (!org.ok())
    return org.status().IsNotFound() ? Status::NotFound("no organisation '" + Shown(org_slug) + "'")
                                     : org.status();
  WM_ASSIGN_OR_RETURN(std::vector<Practice> all, stores_.practices->ListByOrganisation(org->id, kListLimit));
  std::vector<Practice> out;
  for (auto& p : all) {
    if (CanSee(actor, p)) out.push_back(RedactFor(actor, std::move(p)));
  }
  return out;
}

Result<std::vector<Practice>> PracticeService::RecentlyPublished(int limit) {
  WM_ASSIGN_OR_RETURN(std::vector<Practice> all,
                      stores_.practices->ListPublished(std::clamp(limit, 1, kListLimit)));
  Actor anyone = Actor::Anonymous("");
  for (auto& p : all) p = RedactFor(anyone, std::move(p));
  return all;
}

// --- adoptions, collections, files ---

Result<Adoption> PracticeService::AddAdoption(const Actor& actor, Id practice_id, const std::string& org_slug,
                                              const Adoption& fields) {
  if (!actor.user && !actor.is_operator)
    return Status::Unauthenticated("sign in to say your organisation did this too");
  WM_ASSIGN_OR_RETURN(Practice p, VisibleOrNotFound(actor, practice_id));
  if (p.lifecycle != Lifecycle::kPublished)
    return Status::Conflict("only a published practice can be adopted");
  FieldErrors errors;
  Adoption a = fields;
  a.practice_id = practice_id;
  auto org = accounts_.organisations->FindBySlug(Trimmed(org_slug));
  if (!org.ok()) {
    if (!org.status().IsNotFound()) return org.status();
    errors.Add("organisation", "org_unknown", "is not an organisation", {{"value", Shown(org_slug)}});
  } else {
    if (!actor.IsAdmin() && !IsMember(actor, org->id))
      return Status::PermissionDenied("only members of " + org->name + " record what it did");
    if (p.lead.org_id && *p.lead.org_id == org->id)
      errors.Add("organisation", "pr_own_practice", "leads this practice already");
    a.organisation = Party{org->id, org->slug, org->name, ""};
  }
  a.country = Trimmed(a.country);
  for (char& c : a.country) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (!countries_.IsValidAlpha3(a.country))
    errors.Add("country", "country_unknown",
               "'" + Shown(a.country) + "' is not an ISO 3166-1 alpha-3 country code",
               {{"value", Shown(a.country)}});
  for (auto* d : {&a.start_date, &a.end_date}) {
    if (*d && Trimmed(**d).empty()) d->reset();
    if (*d && !IsPartialDate(Trimmed(**d)))
      errors.Add(d == &a.start_date ? "start_date" : "end_date", "pr_date",
                 "must be a date written YYYY, YYYY-MM or YYYY-MM-DD", {{"value", Shown(**d)}});
  }
  a.results = Trimmed(a.results);
  CheckTextField(errors, "results", a.results, kMaxLongText, true);
  if (!IsLanguage(a.lang)) a.lang = "en";
  if (!errors.empty()) return errors.ToStatus();
  a.created_by = actor.user ? actor.user->id : 0;
  a.created_at = clock_.NowMs();
  return accounts::RunInUnit<Adoption>(*accounts_.unit, [&]() -> Result<Adoption> {
    WM_ASSIGN_OR_RETURN(Adoption stored, stores_.practices->AddAdoption(a));
    WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
        actor, a.created_at, "practice.adoption.add", "practice", std::to_string(practice_id),
        {{"adoption", std::to_string(stored.id)},
         {"organisation", a.organisation.slug},
         {"country", a.country}})));
    WM_RETURN_IF_ERROR(feed_.Append("practice", practice_id));
    return stored;
  });
}

Status PracticeService::RemoveAdoption(const Actor& actor, Id adoption_id) {
  WM_ASSIGN_OR_RETURN(Adoption a, stores_.practices->GetAdoption(adoption_id));
  WM_ASSIGN_OR_RETURN(Practice p, VisibleOrNotFound(actor, a.practice_id));
  bool own = actor.user && (a.created_by == actor.user->id ||
                            (a.organisation.org_id && EditsFor(actor, *a.organisation.org_id)));
  if (!own && !CanModerate(actor, p)) return Status::PermissionDenied("you may not remove this record");
  return accounts::RunInUnit<bool>(
             *accounts_.unit,
             [&]() -> Result<bool> {
               WM_RETURN_IF_ERROR(stores_.practices->RemoveAdoption(adoption_id));
               WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
                   actor, clock_.NowMs(), "practice.adoption.remove", "practice",
                   std::to_string(a.practice_id), {{"adoption", std::to_string(adoption_id)}})));
               WM_RETURN_IF_ERROR(feed_.Append("practice", a.practice_id));
               return true;
             })
      .status();
}

Status PracticeService::Collect(const Actor& actor, Id group_id, Id practice_id, bool is_member) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to collect practices");
  if (!is_member && !actor.IsAdmin())
    return Status::PermissionDenied("only the group's members collect practices");
  WM_ASSIGN_OR_RETURN(Practice p, VisibleOrNotFound(actor, practice_id));
  if (p.lifecycle != Lifecycle::kPublished)
    return Status::Conflict("only a published practice can be collected");
  Collection c{group_id, practice_id, actor.user ? actor.user->id : 0, clock_.NowMs()};
  return accounts::RunInUnit<bool>(
             *accounts_.unit,
             [&]() -> Result<bool> {
               WM_RETURN_IF_ERROR(stores_.practices->AddCollection(c));
               WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
                   actor, c.added_at, "practice.collect", "practice", std::to_string(practice_id),
                   {{"group", std::to_string(group_id)}})));
               return true;
             })
      .status();
}

Status PracticeService::Uncollect(const Actor& actor, Id group_id, Id practice_id, bool is_member) {
  if (!is_member && !actor.IsAdmin())
    return Status::PermissionDenied("only the group's members change its collection");
  return accounts::RunInUnit<bool>(
             *accounts_.unit,
             [&]() -> Result<bool> {
               WM_RETURN_IF_ERROR(stores_.practices->RemoveCollection(group_id, practice_id));
               WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
                   actor, clock_.NowMs(), "practice.uncollect", "practice", std::to_string(practice_id),
                   {{"group", std::to_string(group_id)}})));
               return true;
             })
      .status();
}

Result<std::vector<Practice>> PracticeService::CollectedBy(const Actor& actor, Id group_id) {
  WM_ASSIGN_OR_RETURN(std::vector<Collection> all, stores_.practices->CollectedBy(group_id));
  std::vector<Id> ids;
  ids.reserve(all.size());
  for (const auto& c : all) ids.push_back(c.practice_id);
  WM_ASSIGN_OR_RETURN(std::vector<Practice> found, stores_.practices->GetMany(ids));
  std::vector<Practice> out;
  for (auto& p : found) {
    if (CanSee(actor, p) && Released(p)) out.push_back(RedactFor(actor, std::move(p)));
  }
  return out;
}

Result<File> PracticeService::AddFile(const Actor& actor, Id practice_id, const std::string& filename,
                                      const std::string& bytes) {
  WM_ASSIGN_OR_RETURN(Practice p, VisibleOrNotFound(actor, practice_id));
  if (!CanEdit(actor, p) && !CanModerate(actor, p))
    return Status::PermissionDenied("you may not add files here");
  if (static_cast<std::int64_t>(bytes.size()) > options_.max_file_bytes)
    return Status::PayloadTooLarge("the file is larger than " + std::to_string(options_.max_file_bytes) +
                                   " bytes");
  std::string type = SniffFileType(bytes);
  if (type.empty())
    return Status::UnsupportedMediaType("'" + Shown(SanitizeFilename(filename)) +
                                        "' is not a PDF, PNG or JPEG file, whatever its name says");
  if (static_cast<int>(p.files.size()) >= options_.max_files)
    return Status::Conflict("a practice has at most " + std::to_string(options_.max_files) + " files");
  File meta;
  meta.practice_id = practice_id;
  meta.filename = SanitizeFilename(filename);
  meta.content_type = type;
  meta.size = static_cast<std::int64_t>(bytes.size());
  meta.sha256 = crypto::Sha256Hex(bytes);
  meta.created_at = clock_.NowMs();
  return accounts::RunInUnit<File>(*accounts_.unit, [&]() -> Result<File> {
    WM_ASSIGN_OR_RETURN(File stored, stores_.practices->AddFile(meta, bytes));
    WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
        actor, meta.created_at, "practice.file.add", "practice", std::to_string(practice_id),
        {{"file", std::to_string(stored.id)}, {"filename", stored.filename}, {"sha256", stored.sha256}})));
    return stored;
  });
}

Status PracticeService::RemoveFile(const Actor& actor, Id file_id) {
  WM_ASSIGN_OR_RETURN(File f, stores_.practices->GetFile(file_id));
  WM_ASSIGN_OR_RETURN(Practice p, VisibleOrNotFound(actor, f.practice_id));
  if (!CanEdit(actor, p) && !CanModerate(actor, p))
    return Status::PermissionDenied("you may not remove files here");
  return accounts::RunInUnit<bool>(
             *accounts_.unit,
             [&]() -> Result<bool> {
               WM_RETURN_IF_ERROR(stores_.practices->RemoveFile(file_id));
               WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
                   actor, clock_.NowMs(), "practice.file.remove", "practice", std::to_string(f.practice_id),
                   {{"file", std::to_string(file_id)}})));
               return true;
             })
      .status();
}

Result<std::pair<File, std::string>> PracticeService::GetFile(const Actor& actor, Id file_id) {
  WM_ASSIGN_OR_RETURN(File f, stores_.practices->GetFile(file_id));
  WM_ASSIGN_OR_RETURN(Practice p, VisibleOrNotFound(actor, f.practice_id));
  bool redacted = false;
  RedactFor(actor, p, &redacted);
  if (redacted) return Status::NotFound("no file " + std::to_string(file_id));
  WM_ASSIGN_OR_RETURN(std::string bytes, stores_.practices->FileBytes(file_id));
  return std::make_pair(std::move(f), std::move(bytes));
}

// --- search ---

Result<search::Document> PracticeService::SearchDocument(Id id) {
  WM_ASSIGN_OR_RETURN(Practice full, stores_.practices->Get(id));
  if (full.lifecycle != Lifecycle::kPublished) return NotFoundPractice(id);
  Practice p = RedactFor(Actor::Anonymous(""), full);
  search::Document d;
  d.kind = "practice";
  d.id = p.id;
  for (const auto& [lang, t] : p.texts) {
    std::string body = t.summary;
    for (const std::string* part : {&t.problem, &t.description, &t.results, &t.lessons, &t.transferability}) {
      if (!part->empty()) body += "\n\n" + *part;
    }
    d.texts[lang] = search::Document::Text{t.title, body};
  }
  std::set<std::string> countries;
  std::set<std::string> regions;
  for (const auto& place : full.places) {
    if (!p.places.empty()) countries.insert(place.country);
    // The region is coarse enough to say even of a summary-only practice.
    if (const Region* r = SubRegionOf(place.country)) regions.insert(std::string(r->code));
  }
  d.facets["country"] = {countries.begin(), countries.end()};
  d.facets["region"] = {regions.begin(), regions.end()};
  d.facets["phase"] = p.phases;
  d.facets["crisis"] = p.crises;
  d.facets["guideline"] = p.guidelines;
  d.facets["theme"] = p.themes;
  d.facets["target"] = p.targets;
  d.facets["ptype"] = p.types;
  d.facets["actor"] = full.ActorKinds();
  d.facets["year"] = {full.Year()};  // a year is coarse enough to say of a summary-only practice
  if (p.lead.org_id) d.facets["org"] = {p.lead.slug};
  d.audience = {"public"};
  d.date = p.published_at.value_or(p.created_at);
  return d;
}

Result<PracticeSearch> PracticeService::Search(const Actor& actor, search::Query query) {
  if (index_ == nullptr) return Status::Unavailable("search is not available yet");
  query.audience.clear();
  if (!actor.IsAdmin()) query.audience = {"public"};
  query.filters["kind"] = {"practice"};
  query.limit = std::clamp(query.limit, 1, kMaxSearchLimit);
  query.offset = std::clamp(query.offset, 0, kMaxSearchOffset);
  WM_ASSIGN_OR_RETURN(search::Results results, index_->Search(query));
  std::vector<Id> ids;
  for (const auto& hit : results.hits) {
    if (hit.kind == "practice") ids.push_back(hit.id);
  }
  WM_ASSIGN_OR_RETURN(std::vector<Practice> found, stores_.practices->GetMany(ids));
  std::map<Id, Practice> by_id;
  for (auto& p : found) by_id.emplace(p.id, std::move(p));
  // The index may lag the database: drop what is no longer published.
  PracticeSearch out;
  std::vector<search::Hit> kept;
  for (auto& hit : results.hits) {
    auto it = by_id.find(hit.id);
    if (hit.kind != "practice" || it == by_id.end() || it->second.lifecycle != Lifecycle::kPublished)
      continue;
    out.practices.push_back(RedactFor(actor, std::move(it->second)));
    kept.push_back(std::move(hit));
  }
  results.hits = std::move(kept);
  out.results = std::move(results);
  return out;
}

Result<std::vector<Practice>> PracticeService::Similar(const Actor& actor, Id id, int limit) {
  search::Query q;
  q.like = std::make_pair(std::string("practice"), id);
  q.limit = limit;
  WM_ASSIGN_OR_RETURN(PracticeSearch found, Search(actor, q));
  return std::move(found.practices);
}

Result<Matrix> PracticeService::CountMatrix(const search::Query& filters) {
  if (index_ == nullptr) return Status::Unavailable("search is not available yet");
  WM_ASSIGN_OR_RETURN(std::vector<Term> terms, Terms());
  Matrix m;
  for (const auto& t : terms) {
    if (t.vocabulary == "phase" && t.active) m.phases.push_back(t.code);
    if (t.vocabulary == "crisis" && t.active) m.crises.push_back(t.code);
  }
  search::Query q = filters;
  q.like.reset();
  q.audience = {"public"};
  q.filters["kind"] = {"practice"};
  q.filters.erase("phase");
  q.filters.erase("crisis");
  q.limit = 1;
  q.offset = 0;
  q.facets = {"phase", "crisis"};
  WM_ASSIGN_OR_RETURN(search::Results all, index_->Search(q));
  m.total = all.total;
  for (const auto& [code, n] : all.facets["phase"]) m.phase_totals[code] = n;
  for (const auto& [code, n] : all.facets["crisis"]) m.crisis_totals[code] = n;
  q.facets = {"phase"};
  for (const auto& crisis : m.crises) {
    if (m.crisis_totals[crisis] == 0) continue;
    q.filters["crisis"] = {crisis};
    WM_ASSIGN_OR_RETURN(search::Results row, index_->Search(q));
    for (const auto& [code, n] : row.facets["phase"]) m.counts[{crisis, code}] = n;
  }
  return m;
}

Result<search::Document> PracticeDocuments::Load(const std::string& kind, Id id) {
  if (kind != "practice") return Status::NotFound("not a practice document");
  return service_.SearchDocument(id);
}

Result<std::vector<Id>> PracticeDocuments::ListIds(const std::string& kind, Id after_id, int limit) {
  if (kind != "practice") return std::vector<Id>{};
  return service_.store().ListIds(after_id, limit);
}

}  // namespace waymark::practices
