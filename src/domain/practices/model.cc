#include "domain/practices/model.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <set>

namespace waymark::practices {
namespace {

constexpr std::array<std::pair<Lifecycle, std::string_view>, 7> kLifecycles = {{
    {Lifecycle::kDraft, "draft"},
    {Lifecycle::kSubmitted, "submitted"},
    {Lifecycle::kReturned, "returned"},
    {Lifecycle::kPublished, "published"},
    {Lifecycle::kArchived, "archived"},
    {Lifecycle::kMerged, "merged"},
    {Lifecycle::kRejected, "rejected"},
}};
constexpr std::array<std::pair<Sensitivity, std::string_view>, 3> kSensitivities = {{
    {Sensitivity::kNormal, "normal"},
    {Sensitivity::kSensitive, "sensitive"},
    {Sensitivity::kRestricted, "restricted"},
}};
constexpr std::array<std::pair<PlaceRole, std::string_view>, 4> kRoles = {{
    {PlaceRole::kCrisis, "crisis"},
    {PlaceRole::kOrigin, "origin"},
    {PlaceRole::kTransit, "transit"},
    {PlaceRole::kDestination, "destination"},
}};

template <class E, std::size_t N>
std::string_view Name(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "";
}

template <class E, std::size_t N>
std::optional<E> Parse(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s) {
  for (const auto& [e, name] : table) {
    if (name == s) return e;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ToString(Lifecycle s) { return Name(kLifecycles, s); }
std::optional<Lifecycle> ParseLifecycle(std::string_view s) { return Parse(kLifecycles, s); }
std::string_view ToString(Sensitivity s) { return Name(kSensitivities, s); }
std::optional<Sensitivity> ParseSensitivity(std::string_view s) { return Parse(kSensitivities, s); }
std::string_view ToString(PlaceRole r) { return Name(kRoles, r); }
std::optional<PlaceRole> ParsePlaceRole(std::string_view r) { return Parse(kRoles, r); }

bool IsVocabulary(std::string_view v) {
  return std::any_of(std::begin(kVocabularies), std::end(kVocabularies),
                     [&](const char* n) { return v == n; });
}

bool IsLanguage(std::string_view lang) {
  return std::any_of(std::begin(kLanguages), std::end(kLanguages), [&](const char* n) { return lang == n; });
}

const std::string& Term::Label(const std::string& lang) const {
  auto it = labels.find(lang);
  if (it != labels.end() && !it->second.empty()) return it->second;
  it = labels.find("en");
  if (it != labels.end() && !it->second.empty()) return it->second;
  return code;
}

bool LocalText::Empty() const {
  return title.empty() && summary.empty() && problem.empty() && description.empty() && results.empty() &&
         lessons.empty() && resources.empty() && transferability.empty();
}

const LocalText& Practice::Text(const std::string& lang) const {
  static const LocalText kNone;
  auto it = texts.find(lang);
  if (it != texts.end()) return it->second;
  it = texts.find("en");
  if (it != texts.end()) return it->second;
  return texts.empty() ? kNone : texts.begin()->second;
}

std::vector<std::string> Practice::Languages() const {
  std::vector<std::string> out;
  for (const auto& [lang, text] : texts) out.push_back(lang);
  return out;
}

std::vector<std::string> Practice::ActorKinds() const {
  std::set<std::string> kinds;
  if (!lead.actor_kind.empty()) kinds.insert(lead.actor_kind);
  for (const auto& p : partners) {
    if (!p.actor_kind.empty()) kinds.insert(p.actor_kind);
  }
  return {kinds.begin(), kinds.end()};
}

std::string Practice::Year() const {
  if (start_date && start_date->size() >= 4) return start_date->substr(0, 4);
  TimestampMs at = published_at.value_or(created_at);
  return std::to_string(ToUtc(at).year);
}

}  // namespace waymark::practices
