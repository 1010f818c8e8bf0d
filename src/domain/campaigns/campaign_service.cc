#include "domain/campaigns/campaign_service.h"

#include <algorithm>
#include <functional>
#include <set>

#include "core/fields.h"
#include "core/strings.h"

namespace waymark::campaigns {
namespace {

constexpr int kMaxLineageDepth = 50;
constexpr std::size_t kMaxLineageNodes = 1000;
constexpr std::size_t kMaxUrl = 2000;
constexpr int kListLimit = 500;
constexpr int kMaxSearchLimit = 100;
constexpr int kMaxSearchOffset = 10000;
constexpr int kMaxSlugAttempts = 4;

// User input quoted back in a message or an argument: bounded and valid UTF-8.
std::string Shown(std::string_view s) { return SanitizeUtf8(s, 100); }

std::string Trimmed(std::string_view s) { return std::string(TrimAscii(s)); }

// Markdown keeps its leading indentation; only trailing blank space goes.
std::string TrimmedRight(std::string_view s) {
  std::string_view t = TrimAscii(s);
  if (t.empty()) return {};
  return std::string(s.substr(0, static_cast<std::size_t>(t.data() - s.data()) + t.size()));
}

void TooMany(FieldErrors& errors, const std::string& field, std::size_t max) {
  errors.Add(field, "too_many", "has more than " + std::to_string(max) + " items",
             {{"max", std::to_string(max)}});
}

// Trimmed, without empty items, sorted and unique; `fold` maps each item
// (to lower or upper case) first.
std::vector<std::string> SortedUnique(const std::vector<std::string>& in,
                                      const std::function<std::string(std::string)>& fold = {}) {
  std::set<std::string> set;
  for (const auto& raw : in) {
    std::string s = Trimmed(raw);
    if (fold) s = fold(std::move(s));
    if (!s.empty()) set.insert(std::move(s));
  }
  return {set.begin(), set.end()};
}

std::string ToUpperAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

std::string Lower(std::string s) { return ToLowerAscii(s); }

bool IsHttpUrl(const std::string& url) {
  std::string_view rest;
  if (StartsWith(url, "https://")) {
    rest = std::string_view(url).substr(8);
  } else if (StartsWith(url, "http://")) {
    rest = std::string_view(url).substr(7);
  } else {
    return false;
  }
  if (rest.empty() || rest.front() == '/' || rest.front() == '.') return false;
  if (!IsValidUtf8(url) || HasControlCharacters(url, false)) return false;
  return url.find_first_of(" <>\"'`\\{}|^") == std::string::npos;
}

Status CampaignNotFound(Id id) { return Status::NotFound("no campaign " + std::to_string(id)); }

std::string FirstTitle(const Campaign& c) {
  for (const auto& [lang, t] : c.texts) {
    if (!t.title.empty()) return t.title;
  }
  return {};
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ",";
    out += s;
  }
  return out;
}

}  // namespace

CampaignService::CampaignService(accounts::Stores accounts, CampaignStore& campaigns, ThemeStore& themes,
                                 MediaStore& media, search::ChangeFeed& feed, const Clock& clock,
                                 const CountryDirectory& countries, CampaignOptions options)
    : accounts_(accounts),
      campaigns_(campaigns),
      themes_(themes),
      media_(media),
      feed_(feed),
      clock_(clock),
      countries_(countries),
      options_(options) {}

// --- Permissions ---

bool CampaignService::CanModerate(const Actor& actor, Id org_id) {
  if (actor.IsAdmin()) return true;  // platform administrators moderate everywhere
  if (!actor.user) return false;
  auto role = actor.user->RoleIn(org_id);
  return role && *role == accounts::Role::kModerator;
}

bool CampaignService::ModeratesAnywhere(const Actor& actor) {
  if (actor.IsAdmin()) return true;
  if (!actor.user) return false;
  return std::any_of(actor.user->memberships.begin(), actor.user->memberships.end(),
                     [](const accounts::Membership& m) { return m.role == accounts::Role::kModerator; });
}

bool CampaignService::CanEdit(const Actor& actor, const Campaign& c) {
  if (actor.IsAdmin()) return true;
  if (!actor.user) return false;
  auto role = actor.user->RoleIn(c.organisation.id);
  return role && (*role == accounts::Role::kEditor || *role == accounts::Role::kModerator);
}

namespace {

// Whether someone outside the lead organisation sees `c` as it is (or was,
// for a revision's snapshot): published (an archived campaign stays on the
// record if it ever was), not hidden by moderation, and visible to them.
bool SeesReleased(const Actor& actor, const Campaign& c) {
  bool released =
      c.lifecycle == Lifecycle::kPublished || (c.lifecycle == Lifecycle::kArchived && c.published_at);
  if (!released || c.hidden) return false;
  switch (c.visibility) {
    case Visibility::kPublic: return true;
    case Visibility::kMembers: return actor.user.has_value();
    case Visibility::kOrganisation: return actor.user && actor.user->RoleIn(c.organisation.id);
  }
  return false;
}

}  // namespace

bool CampaignService::CanSee(const Actor& actor, const Campaign& c) {
  if (actor.IsAdmin()) return true;
  // The lead organisation's people (its moderators too) see its campaigns in
  // every state; moderators of other organisations see what everyone does.
  if (actor.user && actor.user->RoleIn(c.organisation.id)) return true;
  return SeesReleased(actor, c);
}

bool CampaignService::SeesEveryRevision(const Actor& actor, const Campaign& c) {
  return CanEdit(actor, c) || CanModerate(actor, c.organisation.id);
}

std::vector<Revision> CampaignService::RevisionsFor(const Actor& actor, const Campaign& c,
                                                    std::vector<Revision> all) {
  std::sort(all.begin(), all.end(),
            [](const Revision& a, const Revision& b) { return a.version < b.version; });
  if (SeesEveryRevision(actor, c)) return all;
  std::vector<Revision> out;
  for (auto& r : all) {
    if (!SeesReleased(actor, r.snapshot)) continue;
    // A moderator's note to the organisation is not for the public.
    r.snapshot.return_reason.clear();
    r.changed.clear();
    // Changes count from what this reader saw before, never from a draft.
    if (!out.empty()) {
      for (const auto& change : Diff(out.back().snapshot, r.snapshot)) r.changed.push_back(change.field);
    }
    out.push_back(std::move(r));
  }
  return out;
}

// --- Validation ---

Status CampaignService::Apply(const CampaignInput& in, Campaign& c, FieldErrors& errors, bool creating) {
  if (in.texts) {
    std::map<std::string, LocalText> texts;
    if (!creating) texts = c.texts;
    for (const auto& [raw_lang, raw] : *in.texts) {
      std::string lang = ToLowerAscii(TrimAscii(raw_lang));
      if (!accounts::IsSupportedLocale(lang)) {
        errors.Add("title", "language_unsupported", "'" + Shown(lang) + "' is not one of en, fr, es",
                   {{"value", Shown(lang)}});
        continue;
      }
      LocalText t{Trimmed(raw.title), Trimmed(raw.summary), TrimmedRight(raw.body)};
      if (t.title.empty() && t.summary.empty() && t.body.empty()) {
        texts.erase(lang);
        continue;
      }
      bool title_ok = CheckTextField(errors, "title." + lang, t.title, kMaxTitle, false);
      CheckTextField(errors, "summary." + lang, t.summary, kMaxSummary, true);
      CheckTextField(errors, "body." + lang, t.body, kMaxBody, true);
      if (title_ok && t.title.empty()) {
        errors.Add("title." + lang, "required",
                   "is required when there is a summary or body in this language");
      }
      texts[lang] = std::move(t);
    }
    c.texts = std::move(texts);
  }
  if (FirstTitle(c).empty()) errors.Add("title", "required", "is required");

  if (in.partners) {
    std::vector<std::string> slugs = SortedUnique(*in.partners, Lower);
    if (slugs.size() > kMaxListItems) {
      TooMany(errors, "partners", kMaxListItems);
    } else {
      std::vector<OrgRef> partners;
      for (const auto& slug : slugs) {
        if (slug == c.organisation.slug) continue;  // the lead is not its own partner
        auto org = accounts_.organisations->FindBySlug(slug);
        if (!org.ok() && !org.status().IsNotFound()) return org.status();
        if (!org.ok()) {
          errors.Add("partners", "invalid", "'" + Shown(slug) + "' is not an organisation here",
                     {{"value", Shown(slug)}});
          continue;
        }
        partners.push_back(OrgRef{org->id, org->slug, org->name});
      }
      c.partners = std::move(partners);
    }
  }

  if (in.countries) {
    std::vector<std::string> codes = SortedUnique(*in.countries, ToUpperAscii);
    if (codes.size() > kMaxListItems) TooMany(errors, "countries", kMaxListItems);
    for (const auto& code : codes) {
      if (!countries_.IsValidAlpha3(code)) {
        errors.Add("countries", "country_unknown",
                   "'" + Shown(code) + "' is not an ISO 3166-1 alpha-3 country code",
                   {{"value", Shown(code)}});
        break;
      }
    }
    c.countries = std::move(codes);
  }

  if (in.themes) {
    std::vector<std::string> codes = SortedUnique(*in.themes, Lower);
    if (codes.size() > kMaxListItems) TooMany(errors, "themes", kMaxListItems);
    WM_ASSIGN_OR_RETURN(std::vector<Theme> all, themes_.List());
    std::set<std::string> allowed(c.themes.begin(), c.themes.end());  // kept even if retired since
    for (const auto& t : all) {
      if (t.active) allowed.insert(t.code);
    }
    for (const auto& code : codes) {
      if (!allowed.count(code)) {
        errors.Add("themes", "theme_unknown", "'" + Shown(code) + "' is not a theme",
                   {{"value", Shown(code)}});
        break;
      }
    }
    c.themes = std::move(codes);
  }

  if (in.channels) {
    std::vector<std::string> codes = SortedUnique(*in.channels, Lower);
    for (const auto& code : codes) {
      if (!IsChannel(code)) {
        errors.Add("channels", "channel_unknown", "'" + Shown(code) + "' is not a channel",
                   {{"value", Shown(code)}});
        break;
      }
    }
    c.channels = std::move(codes);
  }

  if (in.audiences) {
    std::vector<std::string> labels = SortedUnique(*in.audiences);
    if (labels.size() > kMaxListItems) TooMany(errors, "audiences", kMaxListItems);
    for (const auto& label : labels) {
      if (!CheckTextField(errors, "audiences", label, kMaxLabel, false)) break;
    }
    c.audiences = std::move(labels);
  }

  auto apply_date = [&](const std::optional<std::string>& raw, std::optional<std::string>& out,
                        const std::string& field) {
    if (!raw) return;
    std::string v = Trimmed(*raw);
    if (v.empty()) {
      out.reset();
      return;
    }
    if (!IsValidDate(v)) {
      errors.Add(field, "date_invalid", "must be a date written YYYY-MM-DD", {{"value", Shown(v)}});
    }
    out = v;
  };
  apply_date(in.start_date, c.start_date, "start_date");
  apply_date(in.end_date, c.end_date, "end_date");
  if (c.start_date && c.end_date && !errors.Has("start_date") && !errors.Has("end_date") &&
      *c.end_date < *c.start_date) {
    errors.Add("end_date", "dates_order", "must not be before the start date");
  }

  if (in.stage) {
    std::string v = Lower(Trimmed(*in.stage));
    if (auto s = ParseStage(v)) {
      c.stage = *s;
    } else {
      errors.Add("stage", "invalid", "must be one of idea, planned, running, ended", {{"value", Shown(v)}});
    }
  }
  if (in.visibility) {
    std::string v = Lower(Trimmed(*in.visibility));
    if (auto vis = ParseVisibility(v)) {
      c.visibility = *vis;
    } else {
      errors.Add("visibility", "invalid", "must be one of public, members, organisation",
                 {{"value", Shown(v)}});
    }
  }

  if (in.outcomes) {
    c.outcomes = TrimmedRight(*in.outcomes);
    CheckTextField(errors, "outcomes", c.outcomes, kMaxOutcomes, true);
  }

  if (in.figures) {
    std::vector<Figure> figures;
    if (in.figures->size() > kMaxListItems) TooMany(errors, "figures", kMaxListItems);
    for (const auto& raw : *in.figures) {
      Figure f{Trimmed(raw.name), raw.value};
      if (f.name.empty()) {
        errors.Add("figures", "required", "every figure needs a name");
      } else if (CheckTextField(errors, "figures", f.name, kMaxLabel, false) && f.value < 0) {
        errors.Add("figures", "invalid", "'" + Shown(f.name) + "' must not be negative",
                   {{"value", Shown(f.name)}});
      }
      figures.push_back(std::move(f));
    }
    c.figures = std::move(figures);
  }

  if (in.video_links) {
    std::vector<std::string> links;
    for (const auto& raw : *in.video_links) {
      std::string url = Trimmed(raw);
      if (url.empty() || std::find(links.begin(), links.end(), url) != links.end()) continue;
      links.push_back(std::move(url));
    }
    if (links.size() > kMaxListItems) TooMany(errors, "video_links", kMaxListItems);
    for (const auto& url : links) {
      if (url.size() > kMaxUrl) {
        errors.Add("video_links", "too_long",
                   "has an address longer than " + std::to_string(kMaxUrl) + " characters",
                   {{"max", std::to_string(kMaxUrl)}});
        break;
      }
      if (!IsHttpUrl(url)) {
        errors.Add("video_links", "url_invalid", "'" + Shown(url) + "' is not an http:// or https:// address",
                   {{"value", Shown(url)}});
        break;
      }
    }
    c.video_links = std::move(links);
  }

  if (in.licence) {
    std::string v = Lower(Trimmed(*in.licence));
    if (IsLicence(v)) {
      c.licence = v;
    } else {
      errors.Add("licence", "licence_unknown", "'" + Shown(v) + "' is not a licence we offer",
                 {{"value", Shown(v)}});
    }
  }

  if (in.contact) {
    c.contact = Trimmed(*in.contact);
    CheckTextField(errors, "contact", c.contact, kMaxContact, false);
  }

  if (!errors.empty()) return errors.ToStatus();
  return Status::Ok();
}

// --- Writing ---

std::string CampaignService::UniqueSlug(const std::string& title) {
  std::string base = SlugFromTitle(title);
  for (int n = 1;; ++n) {
    std::string candidate = base;
    if (n > 1) {
      std::string suffix = "-" + std::to_string(n);
      candidate = base.substr(0, kMaxSlug - suffix.size());
      while (!candidate.empty() && candidate.back() == '-') candidate.pop_back();
      candidate += suffix;
    }
    auto taken = campaigns_.SlugTaken(candidate);
    // On a database error, try the candidate anyway: Create reports the error.
    if (!taken.ok() || !*taken) return candidate;
  }
}

Status CampaignService::Record(const Actor& actor, const std::string& action, const Campaign& before,
                               const Campaign& after) {
  TimestampMs now = clock_.NowMs();
  Revision r;
  r.campaign_id = after.id;
  r.version = after.version;
  r.at = now;
  if (actor.user) r.actor_user_id = actor.user->id;
  r.actor_label = actor.user ? actor.user->name : actor.label;
  r.action = action;
  for (const auto& change : Diff(before, after)) r.changed.push_back(change.field);
  r.snapshot = after;
  WM_RETURN_IF_ERROR(campaigns_.AddRevision(r));
  std::map<std::string, std::string> details = {
      {"slug", after.slug},
      {"version", std::to_string(after.version)},
      {"lifecycle", std::string(ToString(after.lifecycle))},
      {"changed", Joined(r.changed)},
  };
  if (action == "adapt" && after.adapted_from) details["source"] = std::to_string(*after.adapted_from);
  if (action == "return") details["reason"] = after.return_reason;
  WM_RETURN_IF_ERROR(accounts_.audit->Record(accounts::AuditEntry::For(
      actor, now, "campaign." + action, "campaign", std::to_string(after.id), std::move(details))));
  if (observer_) WM_RETURN_IF_ERROR(observer_->OnCampaignChanged(actor, action, after));
  return feed_.Append("campaign", after.id);
}

Result<Campaign> CampaignService::Insert(const Actor& actor, Campaign c, const std::string& action) {
  for (int attempt = 1;; ++attempt) {
    // An adaptation shares its source's title at first; its slug says whose it is.
    c.slug = UniqueSlug(c.adapted_from ? FirstTitle(c) + " " + c.organisation.slug : FirstTitle(c));
    auto created = accounts::RunInUnit<Campaign>(*accounts_.unit, [&]() -> Result<Campaign> {
      WM_ASSIGN_OR_RETURN(Campaign out, campaigns_.Create(c));
      WM_RETURN_IF_ERROR(Record(actor, action, Campaign{}, out));
      return out;
    });
    // A Conflict here is the slug, taken by someone saving at the same moment.
    if (created.ok() || !created.status().IsConflict() || attempt >= kMaxSlugAttempts) return created;
  }
}

Result<Campaign> CampaignService::Create(const Actor& actor, const CampaignInput& input) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to add a campaign");
  FieldErrors errors;
  Campaign c;
  std::string org_slug = ToLowerAscii(TrimAscii(input.organisation.value_or("")));
  if (org_slug.empty()) {
    errors.Add("organisation", "required", "is required");
  } else {
    auto org = accounts_.organisations->FindBySlug(org_slug);
    if (!org.ok() && !org.status().IsNotFound()) return org.status();
    if (!org.ok()) {
      errors.Add("organisation", "invalid", "'" + Shown(org_slug) + "' is not an organisation here",
                 {{"value", Shown(org_slug)}});
    } else {
      c.organisation = OrgRef{org->id, org->slug, org->name};
      if (!CanEdit(actor, c)) {
        return Status::PermissionDenied("only editors of " + org->name + " may add its campaigns");
      }
    }
  }
  Status valid = Apply(input, c, errors, /*creating=*/true);
  if (!valid.ok()) return valid;
  if (!errors.empty()) return errors.ToStatus();
  c.lifecycle = Lifecycle::kDraft;
  c.created_by = actor.user ? actor.user->id : 0;
  c.created_at = c.updated_at = clock_.NowMs();
  return Insert(actor, std::move(c), "create");
}

Result<Campaign> CampaignService::Transition(const Actor& actor, Id id, const std::string& action,
                                             std::optional<std::int64_t> expected_version,
                                             const std::function<Status(const Campaign&)>& permit,
                                             const std::function<Status(Campaign&)>& apply) {
  auto result = accounts::RunInUnit<Campaign>(*accounts_.unit, [&]() -> Result<Campaign> {
    Campaign before;
    auto after = campaigns_.Modify(id, [&](Campaign c) -> Result<Campaign> {
      if (!CanSee(actor, c)) return CampaignNotFound(id);
      // Permission first: who may not change it learns nothing of its version.
      WM_RETURN_IF_ERROR(permit(c));
      if (expected_version && *expected_version != c.version) {
        return Status::Conflict("the campaign was changed by someone else since version " +
                                std::to_string(*expected_version) + "; it is now at version " +
                                std::to_string(c.version));
      }
      before = c;
      WM_RETURN_IF_ERROR(apply(c));
      c.updated_at = clock_.NowMs();
      return c;
    });
    if (!after.ok()) return after.status();
    WM_RETURN_IF_ERROR(Record(actor, action, before, *after));
    return after;
  });
  if (!result.ok() && result.status().IsNotFound()) return CampaignNotFound(id);
  return result;
}

Result<Campaign> CampaignService::Update(const Actor& actor, Id id, const CampaignInput& input) {
  // A save that changes nothing (a form sent back as it was) writes nothing:
  // no new version, revision or audit entry. Checked on a read first; if the
  // campaign changes meanwhile, this answer is what being first would have given.
  auto current = campaigns_.Get(id);
  if (current.ok() && CanSee(actor, *current) && CanEdit(actor, *current) &&
      current->lifecycle != Lifecycle::kArchived &&
      (!input.expected_version || *input.expected_version == current->version) &&
      (!input.organisation || ToLowerAscii(TrimAscii(*input.organisation)) == current->organisation.slug)) {
    Campaign copy = *current;
    FieldErrors errors;
    if (Apply(input, copy, errors, /*creating=*/false).ok() && Diff(*current, copy).empty()) return current;
  }
  auto permit = [&](const Campaign& c) -> Status {
    if (!CanEdit(actor, c)) {
      return Status::PermissionDenied("only editors of " + c.organisation.name + " may edit its campaigns");
    }
    return Status::Ok();
  };
  return Transition(actor, id, "update", input.expected_version, permit, [&](Campaign& c) -> Status {
    if (c.lifecycle == Lifecycle::kArchived) return Status::Conflict("an archived campaign cannot be edited");
    FieldErrors errors;
    if (input.organisation && ToLowerAscii(TrimAscii(*input.organisation)) != c.organisation.slug) {
      errors.Add("organisation", "invalid", "the lead organisation cannot be changed");
    }
    return Apply(input, c, errors, /*creating=*/false);
  });
}

Result<Campaign> CampaignService::Submit(const Actor& actor, Id id,
                                         std::optional<std::int64_t> expected_version) {
  auto permit = [&](const Campaign& c) -> Status {
    if (!CanEdit(actor, c)) {
      return Status::PermissionDenied("only editors of " + c.organisation.name + " may submit its campaigns");
    }
    return Status::Ok();
  };
  return Transition(actor, id, "submit", expected_version, permit, [&](Campaign& c) -> Status {
    if (c.lifecycle != Lifecycle::kDraft && c.lifecycle != Lifecycle::kReturned) {
      return Status::Conflict("cannot submit a " + std::string(ToString(c.lifecycle)) +
                              " campaign; only drafts and returned campaigns are submitted");
    }
    c.lifecycle = Lifecycle::kSubmitted;
    c.return_reason.clear();
    return Status::Ok();
  });
}

Result<Campaign> CampaignService::Publish(const Actor& actor, Id id,
                                          std::optional<std::int64_t> expected_version) {
  auto permit = [&](const Campaign& c) -> Status {
    if (CanModerate(actor, c.organisation.id)) return Status::Ok();
    return Status::PermissionDenied("only moderators of " + c.organisation.name + " publish its campaigns");
  };
  return Transition(actor, id, "publish", expected_version, permit, [&](Campaign& c) -> Status {
    if (c.lifecycle != Lifecycle::kSubmitted) {
      return Status::Conflict("cannot publish a " + std::string(ToString(c.lifecycle)) +
                              " campaign; it must be submitted first");
    }
    c.lifecycle = Lifecycle::kPublished;
    c.published_at = clock_.NowMs();
    return Status::Ok();
  });
}

Result<Campaign> CampaignService::Return(const Actor& actor, Id id, const std::string& reason,
                                         std::optional<std::int64_t> expected_version) {
  std::string why = TrimmedRight(TrimAscii(reason));
  auto permit = [&](const Campaign& c) -> Status {
    if (CanModerate(actor, c.organisation.id)) return Status::Ok();
    return Status::PermissionDenied("only moderators of " + c.organisation.name + " return its campaigns");
  };
  return Transition(actor, id, "return", expected_version, permit, [&](Campaign& c) -> Status {
    FieldErrors errors;
    if (why.empty()) {
      errors.Add("reason", "required", "is required: say what needs to change");
    } else {
      CheckTextField(errors, "reason", why, kMaxReason, true);
    }
    if (!errors.empty()) return errors.ToStatus();
    if (c.lifecycle != Lifecycle::kSubmitted) {
      return Status::Conflict("cannot return a " + std::string(ToString(c.lifecycle)) +
                              " campaign; only submitted campaigns are returned");
    }
    c.lifecycle = Lifecycle::kReturned;
    c.return_reason = why;
    return Status::Ok();
  });
}

Result<Campaign> CampaignService::Archive(const Actor& actor, Id id,
                                          std::optional<std::int64_t> expected_version) {
  auto permit = [&](const Campaign& c) -> Status {
    if (CanModerate(actor, c.organisation.id) || CanEdit(actor, c)) return Status::Ok();
    return Status::PermissionDenied("only moderators and editors of " + c.organisation.name +
                                    " may archive its campaigns");
  };
  return Transition(actor, id, "archive", expected_version, permit, [&](Campaign& c) -> Status {
    if (c.lifecycle == Lifecycle::kArchived) return Status::Conflict("the campaign is already archived");
    c.lifecycle = Lifecycle::kArchived;
    return Status::Ok();
  });
}

Result<Campaign> CampaignService::Adapt(const Actor& actor, Id source_id, const std::string& org_slug) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to adapt a campaign");
  WM_ASSIGN_OR_RETURN(Campaign source, Get(actor, source_id));
  std::string slug = ToLowerAscii(TrimAscii(org_slug));
  FieldErrors errors;
  if (slug.empty()) {
    errors.Add("organisation", "required", "is required: the organisation adapting the campaign");
    return errors.ToStatus();
  }
  auto org = accounts_.organisations->FindBySlug(slug);
  if (!org.ok() && !org.status().IsNotFound()) return org.status();
  if (!org.ok()) {
    errors.Add("organisation", "invalid", "'" + Shown(slug) + "' is not an organisation here",
               {{"value", Shown(slug)}});
    return errors.ToStatus();
  }
  Campaign c;
  c.organisation = OrgRef{org->id, org->slug, org->name};
  if (!CanEdit(actor, c)) {
    return Status::PermissionDenied("only editors of " + org->name + " may adapt campaigns for it");
  }
  // What travels: the idea (texts, themes, channels, audiences, outcomes and
  // licence). What does not: where and when it ran, who ran it, its figures
  // and media; the adapting organisation fills those in.
  WM_ASSIGN_OR_RETURN(std::vector<Theme> themes, themes_.List());
  for (const auto& code : source.themes) {
    bool active =
        std::any_of(themes.begin(), themes.end(), [&](const Theme& t) { return t.code == code && t.active; });
    if (active) c.themes.push_back(code);
  }
  c.texts = source.texts;
  c.channels = source.channels;
  c.audiences = source.audiences;
  c.outcomes = source.outcomes;
  c.licence = source.licence;
  c.stage = Stage::kIdea;
  c.lifecycle = Lifecycle::kDraft;
  c.adapted_from = source.id;
  c.created_by = actor.user ? actor.user->id : 0;
  c.created_at = c.updated_at = clock_.NowMs();
  return Insert(actor, std::move(c), "adapt");
}

// --- Reading ---

Result<Campaign> CampaignService::Get(const Actor& actor, Id id) {
  auto c = campaigns_.Get(id);
  if (!c.ok()) return c.status().IsNotFound() ? CampaignNotFound(id) : c.status();
  if (!CanSee(actor, *c)) return CampaignNotFound(id);
  return c;
}

Result<Campaign> CampaignService::GetBySlug(const Actor& actor, const std::string& slug) {
  auto c = campaigns_.FindBySlug(slug);
  auto not_found = [&] { return Status::NotFound("no campaign '" + Shown(slug) + "'"); };
  if (!c.ok()) return c.status().IsNotFound() ? not_found() : c.status();
  if (!CanSee(actor, *c)) return not_found();
  return c;
}

Result<Lineage> CampaignService::GetLineage(const Actor& actor, Id id, const std::string& lang) {
  WM_ASSIGN_OR_RETURN(Campaign start, Get(actor, id));
  // Up to the origin, even through campaigns the actor cannot see (they are
  // left out of the answer, not out of the walk).
  Campaign root = start;
  std::set<Id> seen = {root.id};
  for (int depth = 0; root.adapted_from && depth < kMaxLineageDepth; ++depth) {
    auto parent = campaigns_.Get(*root.adapted_from);
    if (!parent.ok() && parent.status().IsNotFound()) break;
    if (!parent.ok()) return parent.status();
    if (!seen.insert(parent->id).second) break;  // a cycle; stop at what we have
    root = std::move(parent).value();
  }
  Lineage out;
  seen.clear();
  // Depth-first from the origin, children in order of creation. A campaign
  // the actor may not see is skipped: its children hang from the nearest
  // ancestor the actor sees (or become origins), one level below it, so no
  // id or gap in depth gives it away.
  std::function<Status(const Campaign&, int, std::optional<Id>, int)> visit =
      [&](const Campaign& c, int walked, std::optional<Id> shown_parent, int shown_depth) -> Status {
    if (!seen.insert(c.id).second || out.nodes.size() >= kMaxLineageNodes) return Status::Ok();
    if (CanSee(actor, c)) {
      LineageNode n;
      n.id = c.id;
      n.slug = c.slug;
      n.title = c.Text(lang).title;
      n.organisation = c.organisation;
      n.countries = c.countries;
      n.adapted_from = shown_parent;
      n.depth = shown_depth;
      n.lifecycle = c.lifecycle;
      out.nodes.push_back(std::move(n));
      for (const auto& country : c.countries) ++out.countries[country];
      shown_parent = c.id;
      ++shown_depth;
    }
    if (walked >= kMaxLineageDepth) return Status::Ok();
    WM_ASSIGN_OR_RETURN(std::vector<Campaign> children, campaigns_.ListAdaptations(c.id));
    for (const auto& child : children) {
      WM_RETURN_IF_ERROR(visit(child, walked + 1, shown_parent, shown_depth));
    }
    return Status::Ok();
  };
  WM_RETURN_IF_ERROR(visit(root, 0, std::nullopt, 0));
  // The origin when the actor may see it, else the first campaign they may.
  out.root = out.nodes.empty() ? start.id : out.nodes.front().id;
  return out;
}

Result<std::vector<Revision>> CampaignService::VisibleRevisions(const Actor& actor, Id id) {
  WM_ASSIGN_OR_RETURN(Campaign c, Get(actor, id));
  WM_ASSIGN_OR_RETURN(std::vector<Revision> all, campaigns_.ListRevisions(c.id));
  return RevisionsFor(actor, c, std::move(all));
}

Result<std::vector<Revision>> CampaignService::History(const Actor& actor, Id id) {
  WM_ASSIGN_OR_RETURN(std::vector<Revision> revisions, VisibleRevisions(actor, id));
  std::reverse(revisions.begin(), revisions.end());
  return revisions;
}

Result<Revision> CampaignService::GetRevision(const Actor& actor, Id id, std::int64_t version) {
  WM_ASSIGN_OR_RETURN(std::vector<Revision> revisions, VisibleRevisions(actor, id));
  for (auto& r : revisions) {
    if (r.version == version) return std::move(r);
  }
  return Status::NotFound("campaign " + std::to_string(id) + " has no version " + std::to_string(version));
}

Result<std::vector<FieldChange>> CampaignService::RevisionChanges(const Actor& actor, Id id,
                                                                  std::int64_t version) {
  WM_ASSIGN_OR_RETURN(std::vector<Revision> revisions, VisibleRevisions(actor, id));
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    if (revisions[i].version != version) continue;
    if (i == 0) return std::vector<FieldChange>{};
    return Diff(revisions[i - 1].snapshot, revisions[i].snapshot);
  }
  return Status::NotFound("campaign " + std::to_string(id) + " has no version " + std::to_string(version));
}

Result<std::vector<Campaign>> CampaignService::ForOrganisation(const Actor& actor,
                                                               const std::string& org_slug) {
  auto org = accounts_.organisations->FindBySlug(org_slug);
  if (!org.ok() && org.status().IsNotFound())
    return Status::NotFound("no organisation '" + Shown(org_slug) + "'");
  if (!org.ok()) return org.status();
  WM_ASSIGN_OR_RETURN(std::vector<Campaign> all, campaigns_.ListByOrganisation(org->id, kListLimit));
  std::vector<Campaign> out;
  for (auto& c : all) {
    if (CanSee(actor, c)) out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<Campaign>> CampaignService::AwaitingModeration(const Actor& actor) {
  if (!ModeratesAnywhere(actor)) return Status::PermissionDenied("only moderators see the moderation queue");
  WM_ASSIGN_OR_RETURN(std::vector<Campaign> all,
                      campaigns_.ListByLifecycle(Lifecycle::kSubmitted, kListLimit));
  std::vector<Campaign> out;
  for (auto& c : all) {
    if (CanModerate(actor, c.organisation.id)) out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<Campaign>> CampaignService::RecentlyPublished(int limit) {
  return campaigns_.ListPublished(std::clamp(limit, 1, kListLimit));
}

std::vector<std::string> CampaignService::SearchAudience(const Actor& actor) {
  std::vector<std::string> audience;
  if (actor.IsAdmin()) return audience;
  audience.push_back("public");
  if (actor.user) {
    audience.push_back("members");
    for (const auto& m : actor.user->memberships)
      audience.push_back("org:" + std::to_string(m.organisation_id));
  }
  return audience;
}

Result<CampaignSearch> CampaignService::Search(const Actor& actor, search::Query query) {
  if (index_ == nullptr) return Status::Unavailable("search is not available yet");
  query.audience = SearchAudience(actor);
  query.filters["kind"] = {"campaign"};
  query.limit = std::clamp(query.limit, 1, kMaxSearchLimit);
  query.offset = std::clamp(query.offset, 0, kMaxSearchOffset);
  WM_ASSIGN_OR_RETURN(search::Results results, index_->Search(query));
  std::vector<Id> ids;
  for (const auto& hit : results.hits) {
    if (hit.kind == "campaign") ids.push_back(hit.id);
  }
  WM_ASSIGN_OR_RETURN(std::vector<Campaign> found, campaigns_.GetMany(ids));
  std::map<Id, Campaign> by_id;
  for (auto& c : found) by_id.emplace(c.id, std::move(c));
  // The index may lag the database by a moment: drop what is no longer
  // published or visible, keeping hits and campaigns in step.
  CampaignSearch out;
  std::vector<search::Hit> hits;
  for (auto& hit : results.hits) {
    auto it = by_id.find(hit.id);
    if (hit.kind != "campaign" || it == by_id.end()) continue;
    const Campaign& c = it->second;
    if (c.lifecycle != Lifecycle::kPublished || c.hidden || !CanSee(actor, c)) continue;
    hits.push_back(std::move(hit));
    out.campaigns.push_back(c);
  }
  results.hits = std::move(hits);
  out.results = std::move(results);
  return out;
}

// --- Themes ---

Result<std::vector<Theme>> CampaignService::Themes() { return themes_.List(); }

Status CampaignService::SaveTheme(const Actor& actor, const Theme& theme) {
  if (!actor.IsAdmin()) return Status::PermissionDenied("only administrators edit the themes");
  FieldErrors errors;
  Theme t;
  t.code = ToLowerAscii(TrimAscii(theme.code));
  t.active = theme.active;
  bool code_ok =
      t.code.size() >= 2 && t.code.size() <= 40 && std::all_of(t.code.begin(), t.code.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
      });
  if (t.code.empty()) {
    errors.Add("code", "required", "is required");
  } else if (!code_ok) {
    errors.Add("code", "invalid", "must be 2-40 characters of a-z, 0-9, '_' and '-'",
               {{"value", Shown(t.code)}});
  }
  for (const auto& [raw_lang, raw_label] : theme.labels) {
    std::string lang = ToLowerAscii(TrimAscii(raw_lang));
    if (!accounts::IsSupportedLocale(lang)) {
      errors.Add("labels", "language_unsupported", "'" + Shown(lang) + "' is not one of en, fr, es",
                 {{"value", Shown(lang)}});
      continue;
    }
    std::string label = Trimmed(raw_label);
    if (label.empty()) continue;
    if (CheckTextField(errors, "labels." + lang, label, kMaxLabel, false)) t.labels[lang] = label;
  }
  if (!errors.empty()) return errors.ToStatus();
  return accounts_.unit->Run([&]() -> Status {
    WM_RETURN_IF_ERROR(themes_.Save(t));
    std::map<std::string, std::string> details = {{"active", t.active ? "true" : "false"}};
    for (const auto& [lang, label] : t.labels) details["label." + lang] = label;
    return accounts_.audit->Record(
        accounts::AuditEntry::For(actor, clock_.NowMs(), "theme.save", "theme", t.code, std::move(details)));
  });
}

}  // namespace waymark::campaigns
