#include "domain/forecasts/model.h"

namespace waymark::forecasts {

std::string_view ToString(ChangeKind k) {
  switch (k) {
    case ChangeKind::kCloseCountry: return "close_country";
    case ChangeKind::kCloseLocation: return "close_location";
    case ChangeKind::kCloseLink: return "close_link";
    case ChangeKind::kConflictOnset: return "conflict_onset";
    case ChangeKind::kCampCapacity: return "camp_capacity";
  }
  return "close_country";
}

std::optional<ChangeKind> ParseChangeKind(std::string_view s) {
  for (ChangeKind k : {ChangeKind::kCloseCountry, ChangeKind::kCloseLocation, ChangeKind::kCloseLink,
                       ChangeKind::kConflictOnset, ChangeKind::kCampCapacity}) {
    if (ToString(k) == s) return k;
  }
  return std::nullopt;
}

std::string_view ToString(RunState s) {
  switch (s) {
    case RunState::kQueued: return "queued";
    case RunState::kRunning: return "running";
    case RunState::kDone: return "done";
    case RunState::kFailed: return "failed";
    case RunState::kCancelled: return "cancelled";
    case RunState::kInterrupted: return "interrupted";
  }
  return "queued";
}

std::optional<RunState> ParseRunState(std::string_view s) {
  for (RunState k : {RunState::kQueued, RunState::kRunning, RunState::kDone, RunState::kFailed,
                     RunState::kCancelled, RunState::kInterrupted}) {
    if (ToString(k) == s) return k;
  }
  return std::nullopt;
}

}  // namespace waymark::forecasts
