// SurveyService: "asking migrants directly". Organisations open batches
// (collection runs) and share each batch's private link; interviewers or the
// migrants themselves answer through it; the public sees only aggregates
// protected by the minimum cell size (results.h).
//
// Rules:
// - Any member of an organisation (any role) opens a batch for it, sees its
//   batches and their counts, closes and withdraws them; platform
//   administrators may do so for every organisation. Others get
//   PermissionDenied.
// - An answer is stored only with consent ("yes"), only while its batch is
//   open, and holds codes only (model.h). At most max_answers_per_hour
//   answers per sender address and batch.
// - Withdrawing a batch deletes its answers in the same transaction (the
//   batch row stays, with the reason and how many answers it held): every
//   aggregate computed afterwards follows.
// - Every change (open, close, withdraw, answer) is in the audit log, in the
//   same unit of work. An answer's audit entry names the batch, not its
//   content.
//
// Thread-safe: holds no mutable state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/countries.h"
#include "core/random.h"
#include "core/status.h"
#include "domain/accounts/stores.h"
#include "domain/survey/model.h"
#include "domain/survey/results.h"
#include "domain/survey/stores.h"

namespace waymark::survey {

using accounts::Actor;

inline constexpr std::size_t kMaxLabel = 120;
inline constexpr std::size_t kMaxReason = 1000;
inline constexpr int kMinYear = 1950;

struct SurveyOptions {
  // The smallest count published (the evidence module's evidence_min_cell).
  int min_cell = 5;
  // Answers one address may send to one batch in an hour.
  int max_answers_per_hour = 120;
};

struct BatchInput {
  std::string organisation;  // slug
  std::string label;
  std::string country;  // alpha-3
  std::string lang;     // en, fr, es
};

// The form's fields as sent (strings), validated by Submit.
struct AnswerInput {
  std::string consent;  // must be "yes"
  std::string lang;
  std::string origin;
  std::string destination;
  std::string year;
  std::string month;  // optional
  std::string age_band;
  std::string gender;  // optional
  std::vector<std::string> reasons;
  std::string env_reason;
  std::vector<std::string> env_factors;
  std::string env_how;
};

class SurveyService {
 public:
  // Borrows everything; all must outlive the service.
  SurveyService(accounts::Stores accounts, SurveyStore& store, const Clock& clock, Random& random,
                const CountryDirectory& countries, SurveyOptions options);

  // Validation naming organisation, label, country or lang; PermissionDenied
  // unless the actor is a member of the organisation (or an administrator).
  Result<Batch> OpenBatch(const Actor& actor, const BatchInput& input);
  // NotFound; PermissionDenied for people outside its organisation.
  Result<Batch> GetBatch(const Actor& actor, Id id);
  // The actor's organisations' batches (an administrator's: all), newest first.
  Result<std::vector<Batch>> ListBatches(const Actor& actor);
  // Conflict unless open.
  Result<Batch> CloseBatch(const Actor& actor, Id id);
  // Validation naming "reason" when it is empty or too long; Conflict when
  // already withdrawn. Deletes the batch's answers.
  Result<Batch> WithdrawBatch(const Actor& actor, Id id, const std::string& reason);

  // The batch behind a private link: NotFound for a malformed or unknown
  // token and for a withdrawn batch. A closed batch is returned (the form
  // says it is closed).
  Result<Batch> BatchForLink(const std::string& token);
  // Stores one answer. Validation naming each bad field ("consent" first:
  // without it nothing else is checked); NotFound as BatchForLink; Conflict
  // when the batch is closed; TooManyRequests past the hourly limit.
  // `address_key` is a keyed hash of the sender's address (may be empty).
  Result<Answer> Submit(const Actor& actor, const std::string& token, const AnswerInput& input,
                        const std::string& address_key);

  // The aggregates for `filter` (origin, year, organisation slug). Validation
  // naming a bad filter ("origin", "year", "organisation").
  Result<Results> ComputeResults(ResultsFilter filter);

  int min_cell() const { return options_.min_cell; }

 private:
  bool MayManage(const Actor& actor, Id org_id) const;
  Status Audit(const Actor& actor, const std::string& action, const std::string& type, Id id,
               std::map<std::string, std::string> details = {});

  accounts::Stores accounts_;
  SurveyStore& store_;
  const Clock& clock_;
  Random& random_;
  const CountryDirectory& countries_;
  SurveyOptions options_;
};

}  // namespace waymark::survey
