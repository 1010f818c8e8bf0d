#include "domain/library/library_service.h"

#include <algorithm>
#include <set>

#include "core/fields.h"
#include "core/files.h"
#include "core/regions.h"
#include "core/slug.h"
#include "core/strings.h"
#include "crypto/crypto.h"
#include "domain/library/bibtex.h"
#include "domain/library/identifiers.h"
#include "domain/library/ris.h"

namespace waymark::library {
namespace {

constexpr std::size_t kMaxSlug = 60;
constexpr int kMaxSlugAttempts = 8;
constexpr int kListLimit = 500;
constexpr int kMaxSearchLimit = 100;
constexpr int kMaxSearchOffset = 10000;
constexpr TimestampMs kTermsTtlMs = 60 * 1000;
// The text of an item's files that its own search document carries (the
// page documents carry every page).
constexpr std::size_t kMaxHiddenBytes = 4 * 1024 * 1024;
constexpr int kMaxPageCount = 5000;
constexpr std::size_t kMaxPageBytes = 256 * 1024;

std::string Shown(std::string_view s) { return SanitizeUtf8(s, 100); }
std::string Trimmed(std::string_view s) { return std::string(TrimAscii(s)); }

Status NotFoundItem(Id id) { return Status::NotFound("no library item " + std::to_string(id)); }

std::vector<std::string> SortedUnique(const std::vector<std::string>& in) {
  std::set<std::string> set;
  for (const auto& raw : in) {
    std::string s = Trimmed(raw);
    if (!s.empty()) set.insert(std::move(s));
  }
  return {set.begin(), set.end()};
}

std::string FirstTitle(const Item& item) { return item.Title("en"); }

bool IsMember(const Actor& actor, const std::optional<Id>& org) {
  return org && actor.user && actor.user->RoleIn(*org).has_value();
}

bool EditsFor(const Actor& actor, Id org) {
  if (!actor.user) return false;
  auto role = actor.user->RoleIn(org);
  return role && (*role == accounts::Role::kEditor || *role == accounts::Role::kModerator);
}

bool KnownTerm(const std::vector<Term>& terms, std::string_view vocabulary, std::string_view code,
               const std::vector<std::string>& kept) {
  for (const auto& t : terms) {
    if (t.vocabulary == vocabulary && t.code == code) {
      return t.active || std::find(kept.begin(), kept.end(), code) != kept.end();
    }
  }
  return false;
}

// "2019", "2019-05" or "2019-05-31" into a PartialDate; nullopt when it is
// not a real date.
std::optional<PartialDate> ParseDate(std::string_view d) {
  auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  PartialDate out;
  if (d.size() != 4 && d.size() != 7 && d.size() != 10) return std::nullopt;
  if (!digits(d.substr(0, 4))) return std::nullopt;
  out.year = std::stoi(std::string(d.substr(0, 4)));
  if (out.year < 1000 || out.year > 2999) return std::nullopt;
  if (d.size() >= 7) {
    if (d[4] != '-' || !digits(d.substr(5, 2))) return std::nullopt;
    out.month = std::stoi(std::string(d.substr(5, 2)));
    if (out.month < 1 || out.month > 12) return std::nullopt;
  }
  if (d.size() == 10) {
    if (d[7] != '-' || !digits(d.substr(8, 2)) || !IsCalendarDate(d)) return std::nullopt;
    out.day = std::stoi(std::string(d.substr(8, 2)));
  }
  return out;
}

// Fills `to`'s empty bibliographic fields from `from`; true if any was.
bool FillEmpty(Item& to, const Item& from) {
  bool changed = false;
  auto fill = [&](std::string& a, const std::string& b) {
    if (a.empty() && !b.empty()) {
      a = b;
      changed = true;
    }
  };
  fill(to.publisher, from.publisher);
  fill(to.publisher_place, from.publisher_place);
  fill(to.container_title, from.container_title);
  fill(to.volume, from.volume);
  fill(to.issue, from.issue);
  fill(to.pages, from.pages);
  fill(to.edition, from.edition);
  fill(to.doc_language, from.doc_language);
  fill(to.doi, from.doi);
  fill(to.isbn, from.isbn);
  fill(to.url, from.url);
  for (const auto& [lang, text] : from.texts) {
    LocalText& mine = to.texts[lang];
    fill(mine.title, text.title);
    fill(mine.abstract, text.abstract);
  }
  if (to.authors.empty() && !from.authors.empty()) {
    to.authors = from.authors;
    changed = true;
  }
  if (to.date.Empty() && !from.date.Empty()) {
    to.date = from.date;
    changed = true;
  }
  if (to.keywords.empty() && !from.keywords.empty()) {
    to.keywords = from.keywords;
    changed = true;
  }
  return changed;
}

// Checks one author: a person needs a family name; an organisation its
// name; no part too long or with control characters.
void CheckName(FieldErrors& errors, const std::string& field, const Name& n) {
  if (n.literal.empty() && n.family.empty()) {
    errors.Add(field, "lib_name_required", "needs a family name or an organisation's name");
    return;
  }
  CheckTextField(errors, field, n.literal, kMaxField, false);
  CheckTextField(errors, field, n.family, kMaxField, false);
  CheckTextField(errors, field, n.given, kMaxField, false);
}

}  // namespace

// --- permissions ---

bool LibraryService::CanModerate(const Actor& actor, const Item& item) {
  if (actor.IsAdmin()) return true;
  if (!actor.user || !item.org_id) return false;
  auto role = actor.user->RoleIn(*item.org_id);
  return role && *role == accounts::Role::kModerator;
}

bool LibraryService::ModeratesAnywhere(const Actor& actor) {
  if (actor.IsAdmin()) return true;
  if (!actor.user) return false;
  return std::any_of(actor.user->memberships.begin(), actor.user->memberships.end(),
                     [](const accounts::Membership& m) { return m.role == accounts::Role::kModerator; });
}

bool LibraryService::CanEdit(const Actor& actor, const Item& item) {
  if (actor.IsAdmin()) return true;
  if (!actor.user) return false;
  if (item.org_id && EditsFor(actor, *item.org_id)) return true;
  bool open = item.lifecycle == Lifecycle::kDraft || item.lifecycle == Lifecycle::kReturned;
  return open && item.created_by && *item.created_by == actor.user->id;
}

bool LibraryService::CanSee(const Actor& actor, const Item& item) {
  if (actor.IsAdmin() || IsMember(actor, item.org_id)) return true;
  return item.lifecycle == Lifecycle::kPublished;
}

// --- construction and vocabularies ---

LibraryService::LibraryService(accounts::Stores accounts, Stores stores, search::ChangeFeed& feed,
                               const Clock& clock, Random& random, const CountryDirectory& countries,
                               LibraryOptions options)
    : accounts_(accounts),
      stores_(stores),
      feed_(feed),
      clock_(clock),
      random_(random),
      countries_(countries),
      options_(options) {}

Status LibraryService::SeedVocabularies() {
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

Result<std::vector<Term>> LibraryService::Terms() {
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

Status LibraryService::SaveTerm(const Actor& actor, const Term& in) {
  if (!ModeratesAnywhere(actor)) return Status::PermissionDenied("only moderators edit the vocabularies");
  FieldErrors errors;
  Term t = in;
  t.code = Trimmed(t.code);
  if (t.vocabulary != "theme" && t.vocabulary != "keyword")
    errors.Add("vocabulary", "lib_unknown_code", "is not a vocabulary (theme or keyword)");
  bool code_ok =
      !t.code.empty() && t.code.size() <= 40 && std::all_of(t.code.begin(), t.code.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      });
  if (!code_ok) errors.Add("code", "lib_code_format", "must be 1 to 40 lowercase letters, digits or dashes");
  for (auto& [lang, label] : t.labels) {
    label = Trimmed(label);
    if (!IsLanguage(lang)) {
      errors.Add("labels", "lib_language", "has an unknown language '" + Shown(lang) + "'");
      continue;
    }
    CheckTextField(errors, "label." + lang, label, 200, false);
  }
  if (t.labels["en"].empty()) errors.Add("label.en", "required", "is required");
  if (!errors.empty()) return errors.ToStatus();
  Status s = accounts::RunInUnit<bool>(*accounts_.unit, [&]() -> Result<bool> {
               WM_RETURN_IF_ERROR(stores_.terms->Save(t));
               WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
                   actor, clock_.NowMs(), "library.term.save", "library_term", t.vocabulary + ":" + t.code,
                   {{"active", t.active ? "1" : "0"}})));
               return true;
             }).status();
  std::lock_guard lock(terms_mu_);
  terms_loaded_at_ = 0;
  return s;
}

// --- validation ---

Status LibraryService::Apply(const ItemInput& in, Item& item, FieldErrors& errors, bool creating,
                             const std::vector<Term>& terms) {
  auto text = [&](const std::optional<std::string>& value, const std::string& field, std::string& target) {
    if (!value) return;
    std::string v = Trimmed(*value);
    if (CheckTextField(errors, field, v, kMaxField, false)) target = std::move(v);
  };
  if (in.type) {
    if (IsItemType(*in.type)) {
      item.type = *in.type;
    } else {
      errors.Add("type", "lib_unknown_code", "is not an item type", {{"value", Shown(*in.type)}});
    }
  }
  if (in.texts) {
    for (const auto& [lang, t] : *in.texts) {
      if (!IsLanguage(lang)) {
        errors.Add("texts", "lib_language", "has an unknown language '" + Shown(lang) + "'");
        continue;
      }
      LocalText v{Trimmed(t.title), Trimmed(t.abstract)};
      bool ok = CheckTextField(errors, "title." + lang, v.title, kMaxTitle, false);
      ok = CheckTextField(errors, "abstract." + lang, v.abstract, kMaxAbstract, true) && ok;
      if (!ok) continue;
      if (v.title.empty() && v.abstract.empty()) {
        item.texts.erase(lang);
      } else {
        item.texts[lang] = std::move(v);
      }
    }
  }
  if (creating || in.texts) {
    bool titled = std::any_of(item.texts.begin(), item.texts.end(),
                              [](const auto& e) { return !e.second.title.empty(); });
    if (!titled && !errors.Has("title.en"))
      errors.Add("title.en", "required", "is required in at least one language");
    for (const auto& [lang, t] : item.texts) {
      if (t.title.empty() && !t.abstract.empty())
        errors.Add("title." + lang, "required", "is required when the abstract is written in this language");
    }
  }
  if (in.authors) {
    if (in.authors->size() > kMaxAuthors) {
      errors.Add("authors", "lib_too_many", "has more than " + std::to_string(kMaxAuthors) + " names");
    } else {
      std::vector<Name> authors;
      for (std::size_t i = 0; i < in.authors->size(); ++i) {
        Name n = (*in.authors)[i];
        n.family = Trimmed(n.family);
        n.given = Trimmed(n.given);
        n.literal = Trimmed(n.literal);
        if (n.family.empty() && n.given.empty() && n.literal.empty()) continue;  // an empty form row
        CheckName(errors, "authors." + std::to_string(i), n);
        authors.push_back(std::move(n));
      }
      item.authors = std::move(authors);
    }
  }
  text(in.publisher, "publisher", item.publisher);
  text(in.publisher_place, "publisher_place", item.publisher_place);
  text(in.container_title, "container_title", item.container_title);
  text(in.volume, "volume", item.volume);
  text(in.issue, "issue", item.issue);
  text(in.pages, "pages", item.pages);
  text(in.edition, "edition", item.edition);
  if (in.date) {
    std::string d = Trimmed(*in.date);
    if (d.empty()) {
      item.date = {};
    } else if (auto parsed = ParseDate(d)) {
      item.date = *parsed;
    } else {
      errors.Add("date", "lib_date", "must be a year (2019), a month (2019-05) or a day (2019-05-31)",
                 {{"value", Shown(d)}});
    }
  }
  if (in.doc_language) {
    std::string l = ToLowerAscii(TrimAscii(*in.doc_language));
    bool ok = l.empty() || ((l.size() == 2 || l.size() == 3) &&
                            std::all_of(l.begin(), l.end(), [](char c) { return c >= 'a' && c <= 'z'; }));
    if (ok) {
      item.doc_language = l;
    } else {
      errors.Add("doc_language", "lib_language_code",
                 "must be a language code of two or three letters (en, fr)");
    }
  }
  if (in.themes) {
    std::vector<std::string> themes = SortedUnique(*in.themes);
    for (const auto& code : themes) {
      if (!KnownTerm(terms, "theme", code, item.themes))
        errors.Add("themes", "lib_unknown_code", "has an unknown theme '" + Shown(code) + "'");
    }
    if (themes.size() > kMaxListItems) errors.Add("themes", "lib_too_many", "has too many themes");
    item.themes = std::move(themes);
  }
  if (in.keywords) {
    std::vector<std::string> keywords = SortedUnique(*in.keywords);
    for (const auto& k : keywords) CheckTextField(errors, "keywords", k, 100, false);
    if (keywords.size() > kMaxListItems) errors.Add("keywords", "lib_too_many", "has too many keywords");
    item.keywords = std::move(keywords);
  }
  if (in.countries) {
    std::vector<std::string> countries;
    for (const auto& raw : SortedUnique(*in.countries)) {
      std::string code = raw;
      for (char& c : code) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      if (!countries_.IsValidAlpha3(code)) {
        errors.Add("countries", "country_unknown", "has an unknown country code '" + Shown(raw) + "'",
                   {{"value", Shown(raw)}});
        continue;
      }
      countries.push_back(std::move(code));
    }
    if (countries.size() > kMaxListItems) errors.Add("countries", "lib_too_many", "has too many countries");
    item.countries = std::move(countries);
  }
  if (in.regions) {
    std::vector<std::string> regions = SortedUnique(*in.regions);
    for (const auto& code : regions) {
      if (FindRegion(code) == nullptr)
        errors.Add("regions", "lib_unknown_code", "has an unknown UN M49 region '" + Shown(code) + "'");
    }
    item.regions = std::move(regions);
  }
  auto identifier = [&](const std::optional<std::string>& value, const std::string& field,
                        std::string& target, Result<std::string> (*normalize)(std::string_view)) {
    if (!value) return;
    std::string v = Trimmed(*value);
    if (v.empty()) {
      target.clear();
      return;
    }
    auto n = normalize(v);
    if (n.ok()) {
      target = *n;
    } else {
      errors.Add(field, "lib_identifier", n.status().message(), {{"value", Shown(v)}});
    }
  };
  identifier(in.doi, "doi", item.doi, &NormalizeDoi);
  identifier(in.isbn, "isbn", item.isbn, &NormalizeIsbn);
  identifier(in.handle, "handle", item.handle, &NormalizeHandle);
  identifier(in.url, "url", item.url, &NormalizeUrl);
  if (in.licence) {
    if (IsLicence(*in.licence)) {
      item.licence = *in.licence;
    } else {
      errors.Add("licence", "lib_unknown_code", "is not a licence we know", {{"value", Shown(*in.licence)}});
    }
  }
  return Status::Ok();
}

// --- writing ---

std::string LibraryService::UniqueSlug(const std::string& title, int attempt) {
  std::string base = Slugify(title, kMaxSlug, "item");
  if (attempt > 1) {
    // Someone took the free slug meanwhile: a random suffix makes the next
    // candidate differ per writer.
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
    auto taken = stores_.items->SlugTaken(candidate);
    if (!taken.ok() || !*taken) return candidate;
  }
}

Status LibraryService::Record(const Actor& actor, const std::string& action, const std::string& note,
                              const Item& after) {
  TimestampMs now = clock_.NowMs();
  Revision r;
  r.item_id = after.id;
  r.version = after.version;
  r.at = now;
  if (actor.user) r.actor_user_id = actor.user->id;
  r.actor_label = actor.user ? actor.user->name : actor.label;
  r.action = action;
  r.note = note;
  r.snapshot = after;
  r.snapshot.files.clear();
  WM_RETURN_IF_ERROR(stores_.items->AddRevision(r));
  std::map<std::string, std::string> details = {
      {"slug", after.slug},
      {"version", std::to_string(after.version)},
      {"lifecycle", std::string(ToString(after.lifecycle))},
  };
  if (!note.empty()) details["note"] = note;
  WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
      actor, now, "library." + action, "library_item", std::to_string(after.id), std::move(details))));
  return feed_.Append("library", after.id);
}

Result<Item> LibraryService::Insert(const Actor& actor, Item item, const std::string& action,
                                    const std::string& note) {
  for (int attempt = 1;; ++attempt) {
    item.slug = UniqueSlug(FirstTitle(item), attempt);
    auto created = accounts::RunInUnit<Item>(*accounts_.unit, [&]() -> Result<Item> {
      WM_ASSIGN_OR_RETURN(Item out, stores_.items->Create(item));
      WM_RETURN_IF_ERROR(Record(actor, action, note, out));
      return out;
    });
    if (created.ok() || !created.status().IsConflict() || attempt >= kMaxSlugAttempts) return created;
  }
}

Result<Item> LibraryService::Create(const Actor& actor, const ItemInput& input) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to add to the library");
  WM_ASSIGN_OR_RETURN(std::vector<Term> terms, Terms());
  FieldErrors errors;
  Item item;
  std::string slug = input.organisation ? Trimmed(*input.organisation) : "";
  if (slug.empty()) {
    errors.Add("organisation", "required", "is required");
  } else {
    auto org = accounts_.organisations->FindBySlug(slug);
    if (!org.ok()) {
      if (!org.status().IsNotFound()) return org.status();
      errors.Add("organisation", "org_unknown", "is not an organisation", {{"value", Shown(slug)}});
    } else {
      if (!actor.IsAdmin() && !actor.is_operator && !IsMember(actor, org->id))
        return Status::PermissionDenied("only members of " + org->name + " add items on its behalf");
      item.org_id = org->id;
    }
  }
  WM_RETURN_IF_ERROR(Apply(input, item, errors, true, terms));
  if (!errors.empty()) return errors.ToStatus();
  if (actor.user) item.created_by = actor.user->id;
  item.lifecycle = Lifecycle::kDraft;
  item.created_at = item.updated_at = clock_.NowMs();
  return Insert(actor, std::move(item), "create", "");
}

Result<Item> LibraryService::Transition(const Actor& actor, Id id, const std::string& action,
                                        const std::string& note, std::optional<std::int64_t> expected_version,
                                        const std::function<Status(const Item&)>& permit,
                                        const std::function<Status(Item&)>& apply) {
  auto result = accounts::RunInUnit<Item>(*accounts_.unit, [&]() -> Result<Item> {
    Lifecycle before = Lifecycle::kDraft;
    auto after = stores_.items->Modify(id, [&](Item item) -> Result<Item> {
      if (!CanSee(actor, item)) return NotFoundItem(id);
      WM_RETURN_IF_ERROR(permit(item));
      before = item.lifecycle;
      if (expected_version && *expected_version != item.version) {
        return Status::Conflict("the item was changed by someone else since version " +
                                std::to_string(*expected_version) + "; it is now at version " +
                                std::to_string(item.version));
      }
      WM_RETURN_IF_ERROR(apply(item));
      item.updated_at = clock_.NowMs();
      return item;
    });
    if (!after.ok()) return after.status();
    WM_RETURN_IF_ERROR(Record(actor, action, note, *after));
    // A page's document lists the published items that hold it: published
    // or withdrawn, the item's pages are indexed again.
    if ((before == Lifecycle::kPublished) != (after->lifecycle == Lifecycle::kPublished)) {
      for (const auto& f : after->files) {
        WM_ASSIGN_OR_RETURN(std::vector<Id> pages, stores_.items->PageIdsOf(f.sha256));
        for (Id p : pages) WM_RETURN_IF_ERROR(feed_.Append("library_page", p));
      }
    }
    return after;
  });
  if (!result.ok() && result.status().IsNotFound() &&
      result.status().message().find("no library item") == std::string::npos)
    return NotFoundItem(id);
  return result;
}

Result<Item> LibraryService::Update(const Actor& actor, Id id, const ItemInput& input) {
  WM_ASSIGN_OR_RETURN(std::vector<Term> terms, Terms());
  ItemInput in = input;
  in.organisation.reset();
  return Transition(
      actor, id, "update", "", input.expected_version,
      [&](const Item& item) -> Status {
        if (!CanEdit(actor, item) && !CanModerate(actor, item))
          return Status::PermissionDenied("you may not edit this item");
        return Status::Ok();
      },
      [&](Item& item) -> Status {
        FieldErrors errors;
        WM_RETURN_IF_ERROR(Apply(in, item, errors, false, terms));
        if (!errors.empty()) return errors.ToStatus();
        return Status::Ok();
      });
}

Result<Item> LibraryService::Submit(const Actor& actor, Id id, std::optional<std::int64_t> expected_version) {
  return Transition(
      actor, id, "submit", "", expected_version,
      [&](const Item& item) -> Status {
        if (!CanEdit(actor, item) && !IsMember(actor, item.org_id))
          return Status::PermissionDenied("only its organisation's members submit an item");
        if (item.lifecycle != Lifecycle::kDraft && item.lifecycle != Lifecycle::kReturned)
          return Status::Conflict("cannot submit a " + std::string(ToString(item.lifecycle)) + " item");
        return Status::Ok();
      },
      [&](Item& item) -> Status {
        item.lifecycle = Lifecycle::kSubmitted;
        return Status::Ok();
      });
}

Result<Item> LibraryService::Publish(const Actor& actor, Id id,
                                     std::optional<std::int64_t> expected_version) {
  return Transition(
      actor, id, "publish", "", expected_version,
      [&](const Item& item) -> Status {
        if (!CanModerate(actor, item)) return Status::PermissionDenied("only its moderators publish an item");
        if (item.lifecycle != Lifecycle::kSubmitted && item.lifecycle != Lifecycle::kArchived &&
            item.lifecycle != Lifecycle::kDraft)
          return Status::Conflict("cannot publish a " + std::string(ToString(item.lifecycle)) + " item");
        return Status::Ok();
      },
      [&](Item& item) -> Status {
        item.lifecycle = Lifecycle::kPublished;
        item.moderation_note.clear();
        if (!item.published_at) item.published_at = clock_.NowMs();
        return Status::Ok();
      });
}

Result<Item> LibraryService::Return(const Actor& actor, Id id, const std::string& reason) {
  std::string why = Trimmed(reason);
  FieldErrors errors;
  if (why.empty()) errors.Add("reason", "required", "is required: say what should change");
  CheckTextField(errors, "reason", why, 5000, true);
  if (!errors.empty()) return errors.ToStatus();
  return Transition(
      actor, id, "return", why, std::nullopt,
      [&](const Item& item) -> Status {
        if (!CanModerate(actor, item)) return Status::PermissionDenied("only its moderators return an item");
        if (item.lifecycle != Lifecycle::kSubmitted)
          return Status::Conflict("cannot return a " + std::string(ToString(item.lifecycle)) + " item");
        return Status::Ok();
      },
      [&](Item& item) -> Status {
        item.lifecycle = Lifecycle::kReturned;
        item.moderation_note = why;
        return Status::Ok();
      });
}

Result<Item> LibraryService::Archive(const Actor& actor, Id id, const std::string& reason) {
  std::string why = Trimmed(reason);
  FieldErrors errors;
  if (why.empty()) errors.Add("reason", "required", "is required: say why it is withdrawn");
  CheckTextField(errors, "reason", why, 5000, true);
  if (!errors.empty()) return errors.ToStatus();
  return Transition(
      actor, id, "archive", why, std::nullopt,
      [&](const Item& item) -> Status {
        if (!CanModerate(actor, item)) return Status::PermissionDenied("only its moderators archive an item");
        if (item.lifecycle == Lifecycle::kArchived) return Status::Conflict("the item is already archived");
        return Status::Ok();
      },
      [&](Item& item) -> Status {
        item.lifecycle = Lifecycle::kArchived;
        item.moderation_note = why;
        return Status::Ok();
      });
}

Result<ImportReport> LibraryService::Import(const Actor& actor, const std::string& org_slug,
                                            const std::string& format, const std::string& text, bool submit) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to import a reference list");
  ImportResult parsed;
  if (format == "bibtex") {
    parsed = ParseBibtex(text);
  } else if (format == "ris") {
    parsed = ParseRis(text);
  } else {
    return Status::InvalidArgument("format must be 'bibtex' or 'ris', not '" + Shown(format) + "'");
  }
  auto org = accounts_.organisations->FindBySlug(Trimmed(org_slug));
  if (!org.ok()) {
    if (!org.status().IsNotFound()) return org.status();
    FieldErrors e;
    e.Add("organisation", "org_unknown", "is not an organisation", {{"value", Shown(org_slug)}});
    return e.ToStatus();
  }
  if (!actor.IsAdmin() && !actor.is_operator && !IsMember(actor, org->id))
    return Status::PermissionDenied("only members of " + org->name + " add items on its behalf");
  if (static_cast<int>(parsed.entries.size()) > options_.max_import_entries)
    return Status::PayloadTooLarge("a reference list may hold at most " +
                                   std::to_string(options_.max_import_entries) + " entries at once");
  WM_ASSIGN_OR_RETURN(std::vector<Term> terms, Terms());
  ImportReport report;
  report.rejected = std::move(parsed.problems);
  for (const ImportEntry& entry : parsed.entries) {
    Item candidate = FromReference(entry.ref);
    // Duplicates: the same DOI, else the same title, year and first author.
    std::vector<Item> same;
    std::string reason;
    if (!candidate.doi.empty()) {
      WM_ASSIGN_OR_RETURN(same, stores_.items->FindByDoi(candidate.doi));
      reason = "same DOI " + candidate.doi;
    }
    if (same.empty()) {
      WM_ASSIGN_OR_RETURN(same, stores_.items->FindByMatchKey(MatchKey(candidate)));
      reason = "same title, year and first author";
    }
    if (!same.empty()) {
      Item existing = same.front();
      ImportReport::Duplicate d{entry.line, existing.id, existing.Title("en"), reason, false};
      if (CanEdit(actor, existing) || CanModerate(actor, existing)) {
        auto filled = Transition(
            actor, existing.id, "import", "filled from a reference list", std::nullopt,
            [](const Item&) { return Status::Ok(); },
            [&](Item& item) -> Status {
              if (!FillEmpty(item, candidate)) return Status::Conflict("nothing to fill");
              return Status::Ok();
            });
        d.filled = filled.ok();
        if (!filled.ok() && !filled.status().IsConflict()) return filled.status();
      }
      report.duplicates.push_back(std::move(d));
      continue;
    }
    // Validate the reference as a typed-in item would be.
    ItemInput in;
    in.type = candidate.type;
    in.texts = candidate.texts;
    in.authors = candidate.authors;
    in.publisher = candidate.publisher;
    in.publisher_place = candidate.publisher_place;
    in.container_title = candidate.container_title;
    in.volume = candidate.volume;
    in.issue = candidate.issue;
    in.pages = candidate.pages;
    in.edition = candidate.edition;
    in.keywords = candidate.keywords;
    in.doi = candidate.doi;
    in.isbn = candidate.isbn;
    in.url = candidate.url;
    in.doc_language = candidate.doc_language;
    Item item;
    item.org_id = org->id;
    FieldErrors errors;
    WM_RETURN_IF_ERROR(Apply(in, item, errors, true, terms));
    item.date = candidate.date;
    if (!errors.empty()) {
      Status s = errors.ToStatus();
      std::string why;
      for (const auto& [field, message] : s.fields())
        why.append(why.empty() ? "" : "; ").append(field).append(" ").append(message);
      report.rejected.push_back(ImportProblem{entry.line, 1, why});
      continue;
    }
    if (actor.user) item.created_by = actor.user->id;
    item.lifecycle = submit ? Lifecycle::kSubmitted : Lifecycle::kDraft;
    item.created_at = item.updated_at = clock_.NowMs();
    WM_ASSIGN_OR_RETURN(Item created, Insert(actor, std::move(item), "import", "from a " + format + " file"));
    report.added.push_back(ImportReport::Added{entry.line, created.id, created.Title("en")});
  }
  std::sort(report.rejected.begin(), report.rejected.end(),
            [](const ImportProblem& a, const ImportProblem& b) { return a.line < b.line; });
  return report;
}

// --- reading ---

Result<Item> LibraryService::VisibleOrNotFound(const Actor& actor, Id id) {
  auto item = stores_.items->Get(id);
  if (!item.ok()) return item.status().IsNotFound() ? NotFoundItem(id) : item.status();
  if (!CanSee(actor, *item)) return NotFoundItem(id);
  return item;
}

Result<Item> LibraryService::Get(const Actor& actor, Id id) { return VisibleOrNotFound(actor, id); }

Result<Item> LibraryService::GetBySlug(const Actor& actor, const std::string& slug) {
  auto item = stores_.items->FindBySlug(slug);
  if (!item.ok()) {
    if (item.status().IsNotFound()) return Status::NotFound("no library item '" + Shown(slug) + "'");
    return item.status();
  }
  if (!CanSee(actor, *item)) return Status::NotFound("no library item '" + Shown(slug) + "'");
  return item;
}

Result<std::vector<Revision>> LibraryService::History(const Actor& actor, Id id) {
  WM_ASSIGN_OR_RETURN(Item item, VisibleOrNotFound(actor, id));
  WM_ASSIGN_OR_RETURN(std::vector<Revision> all, stores_.items->ListRevisions(id));
  if (CanModerate(actor, item) || IsMember(actor, item.org_id)) return all;
  // Everyone else sees the revisions in which the item was published,
  // without moderators' notes.
  std::vector<Revision> out;
  for (auto& r : all) {
    if (r.snapshot.lifecycle != Lifecycle::kPublished) continue;
    r.note.clear();
    r.snapshot.moderation_note.clear();
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<Item>> LibraryService::AwaitingModeration(const Actor& actor) {
  if (!ModeratesAnywhere(actor)) return Status::PermissionDenied("only moderators see the queue");
  WM_ASSIGN_OR_RETURN(std::vector<Item> all,
                      stores_.items->ListByLifecycle(Lifecycle::kSubmitted, kListLimit));
  std::vector<Item> out;
  for (auto& item : all) {
    if (CanModerate(actor, item)) out.push_back(std::move(item));
  }
  return out;
}

Result<std::vector<Item>> LibraryService::ForOrganisation(const Actor& actor, const std::string& org_slug) {
  auto org = accounts_.organisations->FindBySlug(org_slug);
  if (!org.ok()) return org.status();
  WM_ASSIGN_OR_RETURN(std::vector<Item> all, stores_.items->ListByOrganisation(org->id, kListLimit));
  std::vector<Item> out;
  for (auto& item : all) {
    if (CanSee(actor, item)) out.push_back(std::move(item));
  }
  return out;
}

// --- files ---

Result<ItemFile> LibraryService::AddFile(const Actor& actor, Id item_id, const std::string& filename,
                                         const ByteSource& bytes) {
  WM_ASSIGN_OR_RETURN(Item item, VisibleOrNotFound(actor, item_id));
  if (!CanEdit(actor, item) && !CanModerate(actor, item))
    return Status::PermissionDenied("you may not add files to this item");
  if (bytes.size() > options_.max_file_bytes)
    return Status::PayloadTooLarge("the file is larger than " + std::to_string(options_.max_file_bytes) +
                                   " bytes");
  if (bytes.size() == 0) return Status::InvalidArgument("the file is empty");
  constexpr std::size_t kSniffBytes = 16;  // the longest signature SniffMediaType reads is 12
  WM_ASSIGN_OR_RETURN(std::string head, ReadPrefix(bytes, kSniffBytes));
  std::string type = SniffMediaType(head);
  if (type != "application/pdf" && type != "image/png" && type != "image/jpeg")
    return Status::UnsupportedMediaType("'" + Shown(SanitizeFilename(filename)) +
                                        "' is not a PDF, PNG or JPEG file, whatever its name says");
  if (static_cast<int>(item.files.size()) >= options_.max_files)
    return Status::Conflict("an item has at most " + std::to_string(options_.max_files) + " files");
  ItemFile meta;
  meta.item_id = item_id;
  meta.filename = SanitizeFilename(filename);
  meta.media_type = type;
  meta.size = bytes.size();
  crypto::Sha256 sha;
  WM_RETURN_IF_ERROR(ForEachPiece(bytes, [&sha](std::string_view piece) {
    sha.Update(piece);
    return Status::Ok();
  }));
  meta.sha256 = sha.FinalHex();
  meta.created_at = clock_.NowMs();
  Blob blob;
  blob.sha256 = meta.sha256;
  blob.media_type = type;
  blob.size = meta.size;
  blob.text_status = type == "application/pdf" ? TextStatus::kPending : TextStatus::kNotPdf;
  return accounts::RunInUnit<ItemFile>(*accounts_.unit, [&]() -> Result<ItemFile> {
    WM_ASSIGN_OR_RETURN(ItemFile stored, stores_.items->AddFile(meta, blob, bytes));
    WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
        actor, meta.created_at, "library.file.add", "library_item", std::to_string(item_id),
        {{"file", std::to_string(stored.id)}, {"filename", stored.filename}, {"sha256", stored.sha256}})));
    // A blob extracted before (the same bytes uploaded elsewhere) is
    // searchable in this item at once.
    WM_RETURN_IF_ERROR(feed_.Append("library", item_id));
    if (stored.text_status == TextStatus::kExtracted) WM_RETURN_IF_ERROR(FeedBlob(stored.sha256));
    return stored;
  });
}

Status LibraryService::RemoveFile(const Actor& actor, Id file_id) {
  WM_ASSIGN_OR_RETURN(ItemFile f, stores_.items->GetFile(file_id));
  WM_ASSIGN_OR_RETURN(Item item, VisibleOrNotFound(actor, f.item_id));
  if (!CanEdit(actor, item) && !CanModerate(actor, item))
    return Status::PermissionDenied("you may not remove files of this item");
  return accounts::RunInUnit<bool>(*accounts_.unit,
                                   [&]() -> Result<bool> {
                                     // Pages first: their documents are removed from the index
                                     // when they no longer exist.
                                     WM_ASSIGN_OR_RETURN(std::vector<Id> pages,
                                                         stores_.items->PageIdsOf(f.sha256));
                                     WM_RETURN_IF_ERROR(stores_.items->RemoveFile(file_id));
                                     for (Id p : pages) WM_RETURN_IF_ERROR(feed_.Append("library_page", p));
                                     WM_RETURN_IF_ERROR(feed_.Append("library", f.item_id));
                                     WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
                                         actor, clock_.NowMs(), "library.file.remove", "library_item",
                                         std::to_string(f.item_id), {{"file", std::to_string(file_id)}})));
                                     return true;
                                   })
      .status();
}

Result<std::pair<ItemFile, std::string>> LibraryService::GetFile(const Actor& actor, Id file_id) {
  auto f = stores_.items->GetFile(file_id);
  if (!f.ok()) return f.status();
  WM_RETURN_IF_ERROR(VisibleOrNotFound(actor, f->item_id).status());
  WM_ASSIGN_OR_RETURN(std::string bytes, stores_.items->BlobBytes(f->sha256));
  return std::make_pair(std::move(*f), std::move(bytes));
}

Result<std::pair<ItemFile, std::vector<PageText>>> LibraryService::FilePages(const Actor& actor, Id file_id,
                                                                             int from, int count) {
  WM_ASSIGN_OR_RETURN(ItemFile f, stores_.items->GetFile(file_id));
  WM_RETURN_IF_ERROR(VisibleOrNotFound(actor, f.item_id).status());
  WM_ASSIGN_OR_RETURN(std::vector<PageText> pages,
                      stores_.items->Pages(f.sha256, std::max(from, 1), std::clamp(count, 1, 50)));
  return std::make_pair(std::move(f), std::move(pages));
}

Status LibraryService::FeedBlob(const std::string& sha256) {
  WM_ASSIGN_OR_RETURN(std::vector<Id> pages, stores_.items->PageIdsOf(sha256));
  for (Id p : pages) WM_RETURN_IF_ERROR(feed_.Append("library_page", p));
  WM_ASSIGN_OR_RETURN(std::vector<Id> items, stores_.items->ItemsUsing(sha256));
  for (Id i : items) WM_RETURN_IF_ERROR(feed_.Append("library", i));
  return Status::Ok();
}

Result<int> LibraryService::ExtractPending(TextExtractor& extractor, int limit) {
  WM_ASSIGN_OR_RETURN(std::vector<Blob> pending, stores_.items->PendingBlobs(limit));
  int done = 0;
  for (Blob blob : pending) {
    WM_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> bytes, stores_.items->OpenBlob(blob.sha256));
    auto out = extractor.Extract(*bytes);
    bytes.reset();
    std::vector<PageText> pages;
    if (!out.ok()) {
      Status::Kind k = out.status().kind();
      if (k != Status::Kind::kInvalidArgument && k != Status::Kind::kUnsupportedMediaType &&
          k != Status::Kind::kPayloadTooLarge)
        return out.status();
      blob.text_status = TextStatus::kFailed;
      blob.text_error = SanitizeUtf8(out.status().message(), 500);
    } else {
      blob.page_count = std::min(out->page_count, kMaxPageCount);
      blob.text_status = out->has_text ? TextStatus::kExtracted : TextStatus::kNoText;
      blob.text_error.clear();
      if (out->has_text) {
        for (std::size_t i = 0; i < out->pages.size() && i < static_cast<std::size_t>(kMaxPageCount); ++i) {
          // Whatever the extractor gives: valid UTF-8 without NUL, which
          // PostgreSQL's text refuses (SQLite would store it).
          std::string text = SanitizeUtf8(out->pages[i], kMaxPageBytes);
          std::erase(text, '\0');
          pages.push_back(PageText{0, blob.sha256, static_cast<int>(i) + 1, std::move(text)});
        }
      }
    }
    Status saved = accounts::RunInUnit<bool>(*accounts_.unit, [&]() -> Result<bool> {
                     WM_RETURN_IF_ERROR(stores_.items->SaveExtraction(blob, pages));
                     WM_RETURN_IF_ERROR(FeedBlob(blob.sha256));
                     return true;
                   }).status();
    if (!saved.ok() && !saved.IsConflict()) return saved;
    if (saved.ok()) ++done;
  }
  return done;
}

// --- search ---

Result<search::Document> LibraryService::ItemDocument(Id id) {
  WM_ASSIGN_OR_RETURN(Item item, stores_.items->Get(id));
  if (item.lifecycle != Lifecycle::kPublished) return NotFoundItem(id);
  search::Document d;
  d.kind = "library";
  d.id = item.id;
  std::string authors;
  for (const auto& a : item.authors) {
    authors += (authors.empty() ? "" : "; ") + (a.IsOrganisation() ? a.literal : a.given + " " + a.family);
  }
  for (const auto& [lang, t] : item.texts) {
    std::string body = t.abstract;
    if (!authors.empty()) body += "\n\n" + authors;
    if (!item.keywords.empty()) body += "\n\n" + JoinStrings(item.keywords, ", ");
    d.texts[lang] = search::Document::Text{t.title, body, {}};
  }
  // The files' text: searched with the stemmer of the document's language.
  std::string text_lang = IsLanguage(item.doc_language) ? item.doc_language : item.TitleLang("en");
  std::string& hidden = d.texts[text_lang].hidden;
  std::set<std::string> seen;
  for (const auto& f : item.files) {
    if (f.text_status != TextStatus::kExtracted || !seen.insert(f.sha256).second) continue;
    for (int from = 1; hidden.size() < kMaxHiddenBytes; from += 50) {
      WM_ASSIGN_OR_RETURN(std::vector<PageText> pages, stores_.items->Pages(f.sha256, from, 50));
      for (const auto& p : pages) hidden += p.text + "\n";
      if (pages.size() < 50) break;
    }
  }
  if (hidden.size() > kMaxHiddenBytes) hidden = SanitizeUtf8(hidden, kMaxHiddenBytes);
  std::set<std::string> regions(item.regions.begin(), item.regions.end());
  for (const auto& c : item.countries) {
    if (const Region* r = SubRegionOf(c)) regions.insert(std::string(r->code));
    if (const Region* r = RegionOf(c)) regions.insert(std::string(r->code));
  }
  d.facets["ltype"] = {item.type};
  d.facets["theme"] = item.themes;
  d.facets["country"] = item.countries;
  d.facets["region"] = {regions.begin(), regions.end()};
  if (!item.doc_language.empty()) d.facets["lang"] = {item.doc_language};
  if (item.date.year > 0) d.facets["year"] = {std::to_string(item.date.year)};
  if (!item.org_slug.empty()) d.facets["org"] = {item.org_slug};
  d.audience = {"public"};
  d.date = item.published_at.value_or(item.created_at);
  return d;
}

Result<search::Document> LibraryService::PageDocument(Id page_id) {
  WM_ASSIGN_OR_RETURN(PageText page, stores_.items->GetPage(page_id));
  WM_ASSIGN_OR_RETURN(std::vector<Id> users, stores_.items->ItemsUsing(page.sha256));
  WM_ASSIGN_OR_RETURN(std::vector<Item> items, stores_.items->GetMany(users));
  search::Document d;
  d.kind = "library_page";
  d.id = page.id;
  std::string lang = "en";
  for (const auto& item : items) {
    if (item.lifecycle != Lifecycle::kPublished) continue;
    d.facets["item"].push_back(std::to_string(item.id));
    if (IsLanguage(item.doc_language)) lang = item.doc_language;
  }
  if (d.facets["item"].empty())
    return Status::NotFound("no published item uses page " + std::to_string(page_id));
  d.texts[lang] = search::Document::Text{"", page.text, {}};
  d.audience = {"public"};
  return d;
}

Result<LibrarySearch> LibraryService::Search(const Actor& actor, search::Query query) {
  if (index_ == nullptr) return Status::Unavailable("search is not available yet");
  query.audience = {"public"};
  query.filters["kind"] = {"library"};
  query.limit = std::clamp(query.limit, 1, kMaxSearchLimit);
  query.offset = std::clamp(query.offset, 0, kMaxSearchOffset);
  WM_ASSIGN_OR_RETURN(search::Results results, index_->Search(query));
  std::vector<Id> ids;
  for (const auto& hit : results.hits) {
    if (hit.kind == "library") ids.push_back(hit.id);
  }
  WM_ASSIGN_OR_RETURN(std::vector<Item> found, stores_.items->GetMany(ids));
  std::map<Id, Item> by_id;
  for (auto& item : found) by_id.emplace(item.id, std::move(item));
  LibrarySearch out;
  std::vector<search::Hit> kept;
  for (auto& hit : results.hits) {
    auto it = by_id.find(hit.id);
    if (hit.kind != "library" || it == by_id.end() || it->second.lifecycle != Lifecycle::kPublished) continue;
    if (!CanSee(actor, it->second)) continue;
    out.items.push_back(std::move(it->second));
    kept.push_back(std::move(hit));
  }
  results.hits = std::move(kept);
  // Words inside files: the best page of each item on this result page.
  if (!query.text.empty() && !out.items.empty()) {
    search::Query pq;
    pq.text = query.text;
    pq.lang = query.lang;
    pq.audience = {"public"};
    pq.filters["kind"] = {"library_page"};
    for (const auto& item : out.items) pq.filters["item"].push_back(std::to_string(item.id));
    pq.limit = 100;
    WM_ASSIGN_OR_RETURN(search::Results pages, index_->Search(pq));
    for (const auto& h : pages.hits) {
      auto page = stores_.items->GetPage(h.id);
      if (!page.ok()) continue;
      for (const auto& item : out.items) {
        if (out.pages.count(item.id)) continue;
        for (const auto& f : item.files) {
          if (f.sha256 != page->sha256) continue;
          out.pages[item.id] = PageHit{f.id, page->number, h.snippet_html};
          break;
        }
      }
      if (out.pages.size() == out.items.size()) break;
    }
  }
  out.results = std::move(results);
  return out;
}

Result<std::vector<Item>> LibraryService::Harvest(const HarvestQuery& q) { return stores_.items->Harvest(q); }
Result<TimestampMs> LibraryService::EarliestChange() { return stores_.items->EarliestChange(); }
Result<std::vector<std::pair<std::string, std::string>>> LibraryService::HarvestSets() {
  return stores_.items->HarvestSets();
}

Result<search::Document> LibraryDocuments::Load(const std::string& kind, Id id) {
  if (kind == "library") return service_.ItemDocument(id);
  if (kind == "library_page") return service_.PageDocument(id);
  return Status::NotFound("not a library document");
}

Result<std::vector<Id>> LibraryDocuments::ListIds(const std::string& kind, Id after_id, int limit) {
  if (kind == "library") return service_.store().ListIds(after_id, limit);
  if (kind == "library_page") return service_.store().ListPageIds(after_id, limit);
  return std::vector<Id>{};
}

}  // namespace waymark::library
