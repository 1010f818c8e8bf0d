// FuturesService: migration-futures workshops (docs/futures.md).
//
// Rules:
// - Any signed-in person creates a workshop and is its facilitator; platform
//   administrators and moderators of any organisation facilitate every
//   workshop too. Linking a workshop to a consultation takes an organiser of
//   consultations (ConsultationService::MayOrganise).
// - The facilitator moves the workshop one phase on at a time:
//   statements -> rating -> voting -> closed (Validation naming "phase",
//   code fu_phase_transition, otherwise), and edits its settings (title,
//   horizon, areas, groups, budget) while statements are being written.
// - Signed-in participants write statements during the statements phase,
//   rate during the rating phase (one rating per person and statement,
//   changeable until the phase closes), vote during the voting phase (at
//   most the workshop's budget in all; Validation naming "votes"). A write
//   in the wrong phase: Validation naming "phase" (code phase_closed).
// - Once the workshop is closed, its facilitator turns a statement into an
//   action point of the linked consultation (ConsultationService::CreatePoint),
//   once per statement.
// - Every write is an audit entry; results follow the small-group rule
//   (model.h, ComputeResults).
//
// Expected failures are values. Thread-safe: holds no mutable state.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "domain/accounts/stores.h"
#include "domain/consultations/consultation_service.h"
#include "domain/futures/model.h"
#include "domain/futures/stores.h"

namespace waymark::futures {

using accounts::Actor;

inline constexpr std::size_t kMaxTitle = 200;
inline constexpr std::size_t kMaxName = 100;
inline constexpr std::size_t kMaxText = 2000;
inline constexpr std::size_t kMaxList = 12;
inline constexpr int kMaxBudget = 50;

// Form fields as sent; numbers are strings so that a bad one names its field.
struct WorkshopInput {
  std::string slug;  // defaults to one made of the title
  std::string title;
  std::string horizon_year;
  std::string consultation;         // id or slug; optional
  std::string session_id;           // optional, with a consultation
  std::vector<std::string> areas;   // empty: the five defaults (on create)
  std::vector<std::string> groups;  // empty: one group "A" (on create)
  std::string vote_budget;          // empty: 5
};

struct StatementInput {
  std::string area;
  std::string group;  // empty: the workshop's first group
  std::string kind;   // predicted, preferred
  std::string text;
  std::string drivers;
  std::string signals;
};

class FuturesService {
 public:
  // Borrows everything. `consultations` may be null: then no workshop links
  // to a consultation and no action points are made.
  FuturesService(accounts::Stores accounts, FuturesStore& store, const Clock& clock,
                 consultations::ConsultationService* consultations);

  Result<Workshop> CreateWorkshop(const Actor& actor, const WorkshopInput& in);
  // Settings, while statements are being written (Validation naming "phase").
  // An empty `consultation` keeps the workshop's link; "none" removes it.
  Result<Workshop> UpdateWorkshop(const Actor& actor, Id id, const WorkshopInput& in);
  Result<Workshop> GetWorkshop(Id id);
  // By slug, or by id when `key` is all digits.
  Result<Workshop> FindWorkshop(const std::string& key);
  Result<std::vector<Workshop>> ListWorkshops();
  // Validation naming "phase" (fu_phase_unknown, fu_phase_transition).
  Result<Workshop> SetPhase(const Actor& actor, Id id, const std::string& phase);

  // Validation naming "area", "group", "kind", "text", "drivers", "signals", "phase".
  Result<Statement> AddStatement(const Actor& actor, Id workshop_id, const StatementInput& in);
  Result<std::vector<Statement>> ListStatements(Id workshop_id);
  // Validation naming "likelihood", "desirability" (1-5), "phase".
  Result<Rating> Rate(const Actor& actor, Id workshop_id, Id statement_id, const std::string& likelihood,
                      const std::string& desirability);
  // Validation naming "votes" (fu_over_budget), "phase". Returns votes spent.
  Result<int> AddVote(const Actor& actor, Id workshop_id, Id statement_id);
  Result<int> RemoveVote(const Actor& actor, Id workshop_id, Id statement_id);
  // The actor's own ratings (by statement) and votes (count by statement).
  Result<std::map<Id, Rating>> MyRatings(const Actor& actor, Id workshop_id);
  Result<std::map<Id, int>> MyVotes(const Actor& actor, Id workshop_id);

  Result<Results> ComputeResults(Id workshop_id);

  // Makes an action point of the linked consultation out of the statement
  // (facilitators, closed workshops, once per statement). Validation naming
  // "consultation" when the workshop has none, "phase" before it is closed;
  // Conflict when the statement already has one. Returns the statement with
  // its point id.
  Result<Statement> MakeActionPoint(const Actor& actor, Id workshop_id, Id statement_id);

  bool MayFacilitate(const Actor& actor, const Workshop& w) const;
  bool MayLinkConsultation(const Actor& actor) const;

 private:
  Result<Workshop> Validate(const Actor& actor, const WorkshopInput& in, Workshop base, bool create);
  Result<Statement> StatementIn(Id workshop_id, Id statement_id);
  Status Audit(const Actor& actor, const std::string& action, const std::string& type, Id id,
               std::map<std::string, std::string> details = {});

  accounts::Stores accounts_;
  FuturesStore& store_;
  const Clock& clock_;
  consultations::ConsultationService* consultations_;
};

}  // namespace waymark::futures
