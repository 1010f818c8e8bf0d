#include "domain/survey/survey_service.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <set>

#include "core/regions.h"
#include "core/strings.h"

namespace waymark::survey {
namespace {

constexpr TimestampMs kHourMs = 3600 * 1000;
constexpr std::size_t kTokenBytes = 24;  // 48 hex digits
constexpr int kMaxTokenAttempts = 4;

std::string Trimmed(std::string_view s) { return std::string(TrimAscii(s)); }

template <std::size_t N>
bool OneOf(const std::string_view (&codes)[N], std::string_view code) {
  return std::find(std::begin(codes), std::end(codes), code) != std::end(codes);
}

std::optional<int> ParseInt(std::string_view s) {
  int v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::pair<int, int> YearMonth(TimestampMs at) {
  using namespace std::chrono;
  auto days = floor<std::chrono::days>(sys_time<milliseconds>(milliseconds(at)));
  year_month_day ymd{days};
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month()))};
}

bool IsToken(std::string_view t) {
  return t.size() == 2 * kTokenBytes && t.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string UpperAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

}  // namespace

SurveyService::SurveyService(accounts::Stores accounts, SurveyStore& store, const Clock& clock,
                             Random& random, const CountryDirectory& countries, SurveyOptions options)
    : accounts_(accounts),
      store_(store),
      clock_(clock),
      random_(random),
      countries_(countries),
      options_(options) {}

bool SurveyService::MayManage(const Actor& actor, Id org_id) const {
  if (actor.IsAdmin()) return true;
  return actor.user && actor.user->RoleIn(org_id).has_value();
}

Status SurveyService::Audit(const Actor& actor, const std::string& action, const std::string& type, Id id,
                            std::map<std::string, std::string> details) {
  return accounts_.audit->Record(
      accounts::AuditEntry::For(actor, clock_.NowMs(), action, type, std::to_string(id), std::move(details)));
}

Result<Batch> SurveyService::OpenBatch(const Actor& actor, const BatchInput& input) {
  if (!actor.user && !actor.is_operator) return Status::Unauthenticated("sign in to open a batch");
  FieldErrors errors;
  std::optional<accounts::Organisation> org;
  std::string slug = Trimmed(input.organisation);
  if (slug.empty()) {
    errors.Add("organisation", "required", "is required");
  } else {
    auto found = accounts_.organisations->FindBySlug(slug);
    if (found.ok()) {
      org = *found;
    } else if (found.status().IsNotFound()) {
      errors.Add("organisation", "org_unknown", "names no registered organisation");
    } else {
      return found.status();
    }
  }
  std::string label = Trimmed(input.label);
  if (label.empty()) {
    errors.Add("label", "required", "is required");
  } else if (!IsValidUtf8(label) || Utf8Length(label) > kMaxLabel) {
    errors.Add("label", "too_long", "is longer than " + std::to_string(kMaxLabel) + " characters",
               {{"max", std::to_string(kMaxLabel)}});
  } else if (HasBidiControls(label)) {
    errors.Add("label", "bidi_controls", "contains Unicode direction controls");
  }
  std::string country = UpperAscii(Trimmed(input.country));
  if (country.empty()) {
    errors.Add("country", "required", "is required");
  } else if (!countries_.IsValidAlpha3(country)) {
    errors.Add("country", "country_unknown", "is not an ISO 3166-1 alpha-3 code");
  }
  std::string lang = Trimmed(input.lang);
  if (lang.empty()) lang = "en";
  if (!OneOf(kLanguages, lang)) errors.Add("lang", "locale_unknown", "must be en, fr or es");
  if (!errors.empty()) return errors.ToStatus();
  if (!MayManage(actor, org->id))
    return Status::PermissionDenied("only members of " + org->name + " open batches for it");

  Batch b;
  b.org_id = org->id;
  b.label = label;
  b.country = country;
  b.lang = lang;
  if (actor.user) b.created_by = actor.user->id;
  b.created_at = clock_.NowMs();
  for (int attempt = 1;; ++attempt) {
    b.token = random_.Hex(kTokenBytes);
    auto created = accounts::RunInUnit<Batch>(*accounts_.unit, [&]() -> Result<Batch> {
      WM_ASSIGN_OR_RETURN(Batch made, store_.CreateBatch(b));
      WM_RETURN_IF_ERROR(Audit(actor, "survey_batch.open", "survey_batch", made.id,
                               {{"organisation", org->slug}, {"country", country}}));
      return made;
    });
    if (created.ok() || !created.status().IsConflict() || attempt >= kMaxTokenAttempts) return created;
  }
}

Result<Batch> SurveyService::GetBatch(const Actor& actor, Id id) {
  WM_ASSIGN_OR_RETURN(Batch b, store_.GetBatch(id));
  if (!MayManage(actor, b.org_id))
    return Status::PermissionDenied("only members of " + b.org_name + " see its batches");
  return b;
}

Result<std::vector<Batch>> SurveyService::ListBatches(const Actor& actor) {
  std::vector<Id> orgs;
  if (actor.user) {
    for (const auto& m : actor.user->memberships) orgs.push_back(m.organisation_id);
  }
  if (!actor.IsAdmin() && orgs.empty()) return std::vector<Batch>{};
  return store_.ListBatches(orgs, actor.IsAdmin());
}

Result<Batch> SurveyService::CloseBatch(const Actor& actor, Id id) {
  WM_ASSIGN_OR_RETURN(Batch b, GetBatch(actor, id));
  if (b.state != BatchState::kOpen) return Status::Conflict("the batch is not open");
  return accounts::RunInUnit<Batch>(*accounts_.unit, [&]() -> Result<Batch> {
    WM_ASSIGN_OR_RETURN(Batch out, store_.SetBatchState(id, BatchState::kClosed, clock_.NowMs(), ""));
    WM_RETURN_IF_ERROR(
        Audit(actor, "survey_batch.close", "survey_batch", id, {{"answers", std::to_string(out.answers)}}));
    return out;
  });
}

Result<Batch> SurveyService::WithdrawBatch(const Actor& actor, Id id, const std::string& reason_in) {
  WM_ASSIGN_OR_RETURN(Batch b, GetBatch(actor, id));
  std::string reason = Trimmed(reason_in);
  FieldErrors errors;
  if (reason.empty()) {
    errors.Add("reason", "required", "is required: say why the answers are withdrawn");
  } else if (!IsValidUtf8(reason) || Utf8Length(reason) > kMaxReason) {
    errors.Add("reason", "too_long", "is longer than " + std::to_string(kMaxReason) + " characters",
               {{"max", std::to_string(kMaxReason)}});
  }
  if (!errors.empty()) return errors.ToStatus();
  if (b.state == BatchState::kWithdrawn) return Status::Conflict("the batch is already withdrawn");
  return accounts::RunInUnit<Batch>(*accounts_.unit, [&]() -> Result<Batch> {
    WM_ASSIGN_OR_RETURN(Batch out, store_.SetBatchState(id, BatchState::kWithdrawn, clock_.NowMs(), reason));
    WM_RETURN_IF_ERROR(
        Audit(actor, "survey_batch.withdraw", "survey_batch", id,
              {{"reason", reason}, {"answers_deleted", std::to_string(out.withdrawn_answers)}}));
    return out;
  });
}

Result<Batch> SurveyService::BatchForLink(const std::string& token) {
  if (!IsToken(token)) return Status::NotFound("no such survey link");
  auto b = store_.FindBatchByToken(token);
  if (!b.ok()) return b.status().IsNotFound() ? Status::NotFound("no such survey link") : b.status();
  if (b->state == BatchState::kWithdrawn) return Status::NotFound("no such survey link");
  return b;
}

Result<Answer> SurveyService::Submit(const Actor& actor, const std::string& token, const AnswerInput& in,
                                     const std::string& address_key) {
  WM_ASSIGN_OR_RETURN(Batch batch, BatchForLink(token));
  if (Trimmed(in.consent) != "yes") {
    FieldErrors e;
    e.Add("consent", "sv_consent", "must be given before any answer is kept");
    return e.ToStatus("consent is required");
  }
  if (batch.state != BatchState::kOpen) return Status::Conflict("this survey is closed");
  TimestampMs now = clock_.NowMs();
  FieldErrors errors;
  Answer a;
  a.batch_id = batch.id;
  a.org_id = batch.org_id;
  a.interview_country = batch.country;
  a.lang = Trimmed(in.lang);
  if (a.lang.empty()) a.lang = batch.lang;
  if (!OneOf(kLanguages, a.lang)) errors.Add("lang", "locale_unknown", "must be en, fr or es");
  auto country = [&](const char* field, const std::string& raw, std::string& out) {
    out = UpperAscii(Trimmed(raw));
    if (out.empty()) {
      errors.Add(field, "required", "is required");
    } else if (!countries_.IsValidAlpha3(out)) {
      errors.Add(field, "country_unknown", "is not an ISO 3166-1 alpha-3 code");
    }
  };
  country("origin", in.origin, a.origin);
  country("destination", in.destination, a.destination);
  auto [this_year, this_month] = YearMonth(now);
  std::map<std::string, std::string> range = {{"min", std::to_string(kMinYear)},
                                              {"max", std::to_string(this_year)}};
  if (Trimmed(in.year).empty()) {
    errors.Add("year", "required", "is required");
  } else if (auto y = ParseInt(Trimmed(in.year)); !y || *y < kMinYear || *y > this_year) {
    errors.Add("year", "sv_year_range", "must be a year from " + range["min"] + " to " + range["max"], range);
  } else {
    a.year_left = *y;
  }
  if (!Trimmed(in.month).empty()) {
    auto m = ParseInt(Trimmed(in.month));
    if (!m || *m < 1 || *m > 12 || (a.year_left == this_year && *m > this_month)) {
      errors.Add("month", "sv_month_range", "must be a month from 1 to 12, not in the future");
    } else {
      a.month_left = *m;
    }
  }
  a.age_band = Trimmed(in.age_band);
  if (a.age_band.empty()) {
    errors.Add("age_band", "required", "is required");
  } else if (!OneOf(kAgeBands, a.age_band)) {
    errors.Add("age_band", "sv_choice", "is not one of the choices");
  }
  std::string gender = Trimmed(in.gender);
  if (gender.empty()) gender = "not_said";
  if (!OneOf(kGenders, gender)) errors.Add("gender", "sv_choice", "is not one of the choices");
  a.gender = gender;
  a.env_reason = Trimmed(in.env_reason);
  if (a.env_reason.empty()) {
    errors.Add("env_reason", "required", "is required");
  } else if (!OneOf(kEnvReasons, a.env_reason)) {
    errors.Add("env_reason", "sv_choice", "is not one of the choices");
  }
  bool env = a.env_reason == "main" || a.env_reason == "one_of";
  std::set<std::string> reasons;
  for (const auto& r : in.reasons) {
    std::string code = Trimmed(r);
    if (code.empty()) continue;
    if (!OneOf(kReasons, code)) {
      errors.Add("reasons", "sv_choice", "is not one of the choices");
    } else {
      reasons.insert(code);
    }
  }
  // Saying the environment was a reason is naming it among the reasons.
  if (env) reasons.insert("environment");
  if (reasons.empty()) errors.Add("reasons", "sv_choose_one", "choose at least one");
  if (reasons.count("environment") && (a.env_reason == "no"))
    errors.Add("env_reason", "sv_env_conflict", "says no, but the environment is among the reasons");
  a.reasons.assign(reasons.begin(), reasons.end());
  std::set<std::string> factors;
  for (const auto& f : in.env_factors) {
    std::string code = Trimmed(f);
    if (code.empty()) continue;
    if (!OneOf(kEnvFactors, code)) {
      errors.Add("env_factors", "sv_choice", "is not one of the choices");
    } else {
      factors.insert(code);
    }
  }
  a.env_how = Trimmed(in.env_how);
  if (env) {
    if (factors.empty()) errors.Add("env_factors", "sv_choose_one", "choose at least one");
    if (a.env_how.empty()) {
      errors.Add("env_how", "required", "is required");
    } else if (!OneOf(kEnvHows, a.env_how)) {
      errors.Add("env_how", "sv_choice", "is not one of the choices");
    }
  } else if (!a.env_reason.empty()) {
    if (!factors.empty())
      errors.Add("env_factors", "sv_env_not_reason", "are asked only when the environment was a reason");
    if (!a.env_how.empty())
      errors.Add("env_how", "sv_env_not_reason", "is asked only when the environment was a reason");
  }
  a.env_factors.assign(factors.begin(), factors.end());
  if (!errors.empty()) return errors.ToStatus();

  if (!address_key.empty()) {
    WM_ASSIGN_OR_RETURN(std::int64_t recent, store_.CountAnswersFrom(batch.id, address_key, now - kHourMs));
    if (recent >= options_.max_answers_per_hour) {
      return Status::TooManyRequests("too many answers sent from this address in the last hour", 600);
    }
  }
  a.submitted_from = address_key;
  a.created_at = now;
  return accounts::RunInUnit<Answer>(*accounts_.unit, [&]() -> Result<Answer> {
    WM_ASSIGN_OR_RETURN(Answer out, store_.AddAnswer(a));
    WM_RETURN_IF_ERROR(Audit(actor, "survey_answer.add", "survey_batch", batch.id, {{"lang", out.lang}}));
    return out;
  });
}

Result<Results> SurveyService::ComputeResults(ResultsFilter filter) {
  FieldErrors errors;
  filter.origin = UpperAscii(Trimmed(filter.origin));
  if (!filter.origin.empty() && !countries_.IsValidAlpha3(filter.origin))
    errors.Add("origin", "country_unknown", "is not an ISO 3166-1 alpha-3 code");
  if (filter.year && (*filter.year < kMinYear || *filter.year > 9999))
    errors.Add("year", "sv_year_range", "is not a year we have",
               {{"min", std::to_string(kMinYear)}, {"max", "9999"}});
  filter.organisation = Trimmed(filter.organisation);
  std::map<Id, std::string> slugs;
  if (!filter.organisation.empty()) {
    auto org = accounts_.organisations->FindBySlug(filter.organisation);
    if (org.ok()) {
      filter.org_id = org->id;
    } else if (org.status().IsNotFound()) {
      errors.Add("organisation", "org_unknown", "names no registered organisation");
    } else {
      return org.status();
    }
  }
  if (!errors.empty()) return errors.ToStatus();
  WM_ASSIGN_OR_RETURN(std::vector<Answer> answers, store_.ListAnswers(filter));
  std::set<Id> ids;
  for (const auto& a : answers) ids.insert(a.org_id);
  for (Id id : ids) {
    auto org = accounts_.organisations->FindById(id);
    slugs[id] = org.ok() ? org->slug : std::to_string(id);
  }
  return Aggregate(
      answers, options_.min_cell, [&](Id id) { return slugs[id]; },
      [](const std::string& alpha3) {
        const Region* r = SubRegionOf(alpha3);
        return r ? std::string(r->code) : std::string();
      });
}

}  // namespace waymark::survey
