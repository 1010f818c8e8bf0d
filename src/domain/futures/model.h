// The futures module's records: migration-futures workshops (issue 13,
// docs/futures.md). A facilitator runs a workshop through its phases;
// participants write statements about predicted and preferred futures in
// each area, rate them (likelihood, desirability) and spend a vote budget on
// what to act on now; the results respect the small-group rule.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace waymark::futures {

using Id = std::int64_t;

// The small-group rule: ratings and votes of fewer people are never shown.
inline constexpr int kMinGroup = 5;

// statements -> rating -> voting -> closed, one step at a time.
enum class Phase { kStatements, kRating, kVoting, kClosed };
std::string_view ToString(Phase p);
std::optional<Phase> ParsePhase(std::string_view s);
inline constexpr Phase kPhases[] = {Phase::kStatements, Phase::kRating, Phase::kVoting, Phase::kClosed};
// Only the next phase: statements -> rating -> voting -> closed.
bool PhaseTransitionAllowed(Phase from, Phase to);

// A Validation status for one field, with its code (translated as
// invalid_<code>) and the code's arguments.
Status FieldStatus(const std::string& field, const std::string& code, const std::string& message,
                   std::map<std::string, std::string> args = {});
// "phase" (code fu_phase_closed) field error for a write in the wrong phase.
Status WrongPhase(Phase needed, Phase actual);

enum class Kind { kPredicted, kPreferred };
std::string_view ToString(Kind k);
std::optional<Kind> ParseKind(std::string_view s);

// The report's five areas, as codes that the interface translates; a
// facilitator may replace them with areas of their own (free text).
inline constexpr std::string_view kDefaultAreas[] = {"conflict_security", "technology", "prosperity_poverty",
                                                     "socio_cultural", "governance"};

struct Workshop {
  Id id = 0;
  std::string slug;
  std::string title;
  int horizon_year = 0;
  std::optional<Id> consultation_id;  // the consultation it belongs to
  std::optional<Id> session_id;       // and the session of that consultation
  std::vector<std::string> areas;
  std::vector<std::string> groups;  // breakout groups' names
  int vote_budget = 5;
  Phase phase = Phase::kStatements;
  Id facilitator_id = 0;
  std::string facilitator_name;
  // The change counter: bumped by every write to the workshop or to what it
  // holds; the live board's event id.
  std::int64_t version = 1;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

struct Statement {
  Id id = 0;
  Id workshop_id = 0;
  std::string area;
  std::string group;
  Kind kind = Kind::kPredicted;
  std::string text;
  std::string drivers;
  std::string signals;  // early signals
  Id author_id = 0;
  std::string author_name;
  std::optional<Id> point_id;  // the action point made of it
  TimestampMs created_at = 0;
};

// One person's rating of one statement (changeable: an upsert).
struct Rating {
  Id statement_id = 0;
  Id user_id = 0;
  int likelihood = 0;    // 1-5
  int desirability = 0;  // 1-5
  TimestampMs at = 0;
};

// One vote of a person's budget on a statement (a person may put several on one).
struct Vote {
  Id id = 0;
  Id workshop_id = 0;
  Id statement_id = 0;
  Id user_id = 0;
  TimestampMs at = 0;
};

// A statement with what may be shown of its ratings and votes.
struct StatementResult {
  Statement statement;
  bool ratings_shown = false;  // its group has at least kMinGroup raters
  int raters = 0;              // 0 unless shown
  double likelihood = 0;       // means and sample standard deviations
  double desirability = 0;
  double likelihood_sd = 0;
  double desirability_sd = 0;
  bool votes_shown = false;  // its group has at least kMinGroup voters
  int votes = 0;             // 0 unless shown
};

struct AreaResult {
  std::string area;
  std::vector<StatementResult> predicted;
  std::vector<StatementResult> preferred;
};

struct GroupCount {
  std::string group;
  int raters = 0;
  int voters = 0;
  bool raters_shown = false;
  bool voters_shown = false;
};

struct Results {
  Workshop workshop;
  std::vector<AreaResult> areas;
  std::vector<StatementResult> plotted;  // ratings shown, in statement order
  std::vector<StatementResult> act_now;  // votes shown and > 0, most votes first
  std::vector<GroupCount> groups;
  int statements = 0;
  bool raters_shown = false;  // whole workshop
  int raters = 0;             // distinct people, 0 unless shown
  bool voters_shown = false;
  int voters = 0;
};

// Mean and sample standard deviation (0 for fewer than two values).
std::pair<double, double> MeanSd(const std::vector<int>& values);

// The results of a workshop from its statements, ratings and votes, with
// the small-group rule applied: a statement's ratings (votes) are shown only
// when at least kMinGroup distinct people rated (voted on) statements of its
// breakout group; the whole-workshop counts only when at least kMinGroup
// people took part in the workshop. Hidden numbers are left 0.
Results ComputeResults(const Workshop& w, const std::vector<Statement>& statements,
                       const std::vector<Rating>& ratings, const std::vector<Vote>& votes,
                       std::size_t act_now_limit = 5);

}  // namespace waymark::futures
