#include "domain/survey/model.h"

namespace waymark::survey {

std::string_view ToString(BatchState s) {
  switch (s) {
    case BatchState::kOpen: return "open";
    case BatchState::kClosed: return "closed";
    case BatchState::kWithdrawn: return "withdrawn";
  }
  return "open";
}

std::optional<BatchState> ParseBatchState(std::string_view s) {
  if (s == "open") return BatchState::kOpen;
  if (s == "closed") return BatchState::kClosed;
  if (s == "withdrawn") return BatchState::kWithdrawn;
  return std::nullopt;
}

}  // namespace waymark::survey
