#include "domain/atlas/model.h"

#include <algorithm>

namespace waymark::atlas {
namespace {

template <typename T>
const T& Pick(const std::map<std::string, T>& texts, std::string_view lang) {
  static const T kEmpty{};
  if (auto it = texts.find(std::string(lang)); it != texts.end()) return it->second;
  if (auto it = texts.find("en"); it != texts.end()) return it->second;
  return texts.empty() ? kEmpty : texts.begin()->second;
}

}  // namespace

std::string_view ToString(Lifecycle l) {
  switch (l) {
    case Lifecycle::kDraft: return "draft";
    case Lifecycle::kSubmitted: return "submitted";
    case Lifecycle::kReturned: return "returned";
    case Lifecycle::kPublished: return "published";
    case Lifecycle::kArchived: return "archived";
  }
  return "draft";
}

std::optional<Lifecycle> ParseLifecycle(std::string_view s) {
  for (Lifecycle l : {Lifecycle::kDraft, Lifecycle::kSubmitted, Lifecycle::kReturned, Lifecycle::kPublished,
                      Lifecycle::kArchived}) {
    if (ToString(l) == s) return l;
  }
  return std::nullopt;
}

std::string_view ToString(Onset o) { return o == Onset::kSlow ? "slow" : "sudden"; }

std::optional<Onset> ParseOnset(std::string_view s) {
  if (s == "sudden") return Onset::kSudden;
  if (s == "slow") return Onset::kSlow;
  return std::nullopt;
}

const std::vector<std::string_view>& HazardCodes() {
  static const std::vector<std::string_view> kCodes = {
      "flood",           "storm",           "drought",
      "sea-level-rise",  "coastal-erosion", "land-degradation",
      "desertification", "salinisation",    "glacier-melt",
      "heatwave",        "wildfire",        "landslide",
      "earthquake",      "volcano",         "other"};
  return kCodes;
}

const std::vector<std::string_view>& MovementCodes() {
  static const std::vector<std::string_view> kCodes = {"displacement", "migration",  "planned-relocation",
                                                       "seasonal",     "evacuation", "immobility"};
  return kCodes;
}

Onset UsualOnset(std::string_view hazard) {
  static const std::vector<std::string_view> kSlow = {
      "drought",         "sea-level-rise", "coastal-erosion", "land-degradation",
      "desertification", "salinisation",   "glacier-melt"};
  return std::find(kSlow.begin(), kSlow.end(), hazard) != kSlow.end() ? Onset::kSlow : Onset::kSudden;
}

const CaseText& CaseStudy::Text(std::string_view lang) const { return Pick(texts, lang); }
const GlossaryText& GlossaryTerm::Text(std::string_view lang) const { return Pick(texts, lang); }
const TopicText& Topic::Text(std::string_view lang) const { return Pick(texts, lang); }

}  // namespace waymark::atlas
