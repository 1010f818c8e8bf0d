#include "domain/exchange/model.h"

#include <string>

namespace waymark::exchange {

std::string_view ToString(ThreadKind k) {
  switch (k) {
    case ThreadKind::kCampaign: return "campaign";
    case ThreadKind::kIdea: return "idea";
    case ThreadKind::kGroup: return "group";
  }
  return "idea";
}

std::optional<ThreadKind> ParseThreadKind(std::string_view s) {
  if (s == "campaign") return ThreadKind::kCampaign;
  if (s == "idea") return ThreadKind::kIdea;
  if (s == "group") return ThreadKind::kGroup;
  return std::nullopt;
}

std::string_view ToString(MemberState s) {
  switch (s) {
    case MemberState::kInvited: return "invited";
    case MemberState::kRequested: return "requested";
    case MemberState::kMember: return "member";
  }
  return "requested";
}

std::string_view ToString(DigestFrequency f) {
  switch (f) {
    case DigestFrequency::kNone: return "none";
    case DigestFrequency::kDaily: return "daily";
    case DigestFrequency::kWeekly: return "weekly";
  }
  return "none";
}

std::optional<DigestFrequency> ParseDigestFrequency(std::string_view s) {
  if (s == "none") return DigestFrequency::kNone;
  if (s == "daily") return DigestFrequency::kDaily;
  if (s == "weekly") return DigestFrequency::kWeekly;
  return std::nullopt;
}

std::string PathFor(const Target& t, Id thread_id_for_post) {
  std::string id = std::to_string(t.id);
  if (t.kind == "campaign") return "/campaigns/" + id;
  if (t.kind == "thread") return "/threads/" + id;
  if (t.kind == "group") return "/groups/" + id;
  if (t.kind == "action_point") return "/action-points/" + id;  // followed through the consultations module
  if (t.kind == "post") return "/threads/" + std::to_string(thread_id_for_post) + "#post-" + id;
  return "/";
}

}  // namespace waymark::exchange
