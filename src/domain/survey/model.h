// The survey module's records: a batch (one collection run of an
// organisation) and an answer (one migrant's answers, without anything that
// names them), and the closed vocabularies of the questions.
//
// An answer holds no name, contact, free text or date of birth: only codes
// from the lists below, a country of origin and destination, the year (and
// optionally month) of leaving, and an age band. What the batch records
// (organisation, country of interview) and the language of the interview
// come with it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace waymark::survey {

using Id = std::int64_t;

enum class BatchState { kOpen, kClosed, kWithdrawn };
std::string_view ToString(BatchState s);
std::optional<BatchState> ParseBatchState(std::string_view s);

struct Batch {
  Id id = 0;
  Id org_id = 0;
  std::string org_slug;  // filled in by the store
  std::string org_name;  // filled in by the store
  std::string label;     // "Agadez, March 2026"
  std::string country;   // ISO 3166-1 alpha-3 where the interviews happen
  std::string lang;      // the form's default language: en, fr, es
  BatchState state = BatchState::kOpen;
  // The private link's token (48 hex). It only lets its holder add answers to
  // this batch while it is open; members see it again on the batch's page.
  std::string token;
  std::optional<Id> created_by;
  TimestampMs created_at = 0;
  std::optional<TimestampMs> closed_at;
  std::optional<TimestampMs> withdrawn_at;
  std::string withdraw_reason;
  // Answers it holds now (0 once withdrawn: withdrawing deletes them), and
  // how many it held when it was withdrawn.
  std::int64_t answers = 0;
  std::int64_t withdrawn_answers = 0;
};

// The questions' codes, in the order the form shows them.
inline constexpr std::string_view kAgeBands[] = {"under18", "18-29", "30-44", "45-59", "60plus"};
inline constexpr std::string_view kGenders[] = {"woman", "man", "other", "not_said"};
inline constexpr std::string_view kReasons[] = {"work",      "family",      "conflict",
                                                "education", "environment", "other"};
inline constexpr std::string_view kEnvReasons[] = {"main", "one_of", "no", "dont_know"};
inline constexpr std::string_view kEnvFactors[] = {"drought", "floods", "storms", "sea_level",
                                                   "land",    "heat",   "crops",  "other"};
inline constexpr std::string_view kEnvHows[] = {"sudden", "slow", "both", "dont_know"};
inline constexpr std::string_view kLanguages[] = {"en", "fr", "es"};

// One migrant's answers. `gender` is "not_said" when not answered;
// env_factors and env_how are empty unless env_reason is main or one_of.
struct Answer {
  Id id = 0;
  Id batch_id = 0;
  Id org_id = 0;                  // copied from the batch
  std::string interview_country;  // copied from the batch
  std::string lang;               // language of the interview
  std::string origin;             // alpha-3
  std::string destination;        // alpha-3: where they live now or are going
  int year_left = 0;
  std::optional<int> month_left;  // 1-12
  std::string age_band;
  std::string gender = "not_said";
  std::vector<std::string> reasons;  // codes of kReasons, sorted, at least one
  std::string env_reason;
  std::vector<std::string> env_factors;  // codes of kEnvFactors, sorted
  std::string env_how;
  // A keyed hash of the sender's address, for the rate guard only; never
  // published, never shown.
  std::string submitted_from;
  TimestampMs created_at = 0;
};

// The filters of the results: each empty/unset means "all".
struct ResultsFilter {
  std::string origin;        // alpha-3
  std::optional<int> year;   // year of leaving
  std::string organisation;  // organisation slug (the service resolves it)
  std::optional<Id> org_id;  // set by the service
};

}  // namespace waymark::survey
