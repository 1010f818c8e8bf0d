#include "domain/campaigns/model.h"

#include <algorithm>

namespace waymark::campaigns {

std::string_view ToString(Lifecycle s) {
  switch (s) {
    case Lifecycle::kDraft: return "draft";
    case Lifecycle::kSubmitted: return "submitted";
    case Lifecycle::kPublished: return "published";
    case Lifecycle::kReturned: return "returned";
    case Lifecycle::kArchived: return "archived";
  }
  return "draft";
}

std::optional<Lifecycle> ParseLifecycle(std::string_view s) {
  for (Lifecycle l : {Lifecycle::kDraft, Lifecycle::kSubmitted, Lifecycle::kPublished, Lifecycle::kReturned,
                      Lifecycle::kArchived}) {
    if (ToString(l) == s) return l;
  }
  return std::nullopt;
}

std::string_view ToString(Stage s) {
  switch (s) {
    case Stage::kIdea: return "idea";
    case Stage::kPlanned: return "planned";
    case Stage::kRunning: return "running";
    case Stage::kEnded: return "ended";
  }
  return "idea";
}

const std::vector<Stage>& AllStages() {
  static const std::vector<Stage> stages = {Stage::kIdea, Stage::kPlanned, Stage::kRunning, Stage::kEnded};
  return stages;
}

std::optional<Stage> ParseStage(std::string_view s) {
  for (Stage st : AllStages()) {
    if (ToString(st) == s) return st;
  }
  return std::nullopt;
}

std::string_view ToString(Visibility v) {
  switch (v) {
    case Visibility::kPublic: return "public";
    case Visibility::kMembers: return "members";
    case Visibility::kOrganisation: return "organisation";
  }
  return "public";
}

std::optional<Visibility> ParseVisibility(std::string_view v) {
  for (Visibility vis : {Visibility::kPublic, Visibility::kMembers, Visibility::kOrganisation}) {
    if (ToString(vis) == v) return vis;
  }
  return std::nullopt;
}

const std::vector<std::string>& Channels() {
  static const std::vector<std::string> channels = {
      "posters",     "video",     "social_media", "events",  "press", "crowdfunding", "radio", "television",
      "exhibitions", "workshops", "publications", "website", "sport", "arts",         "other"};
  return channels;
}

const std::vector<std::string>& Licences() {
  static const std::vector<std::string> licences = {"cc-by",       "cc-by-sa", "cc-by-nc",
                                                    "cc-by-nc-sa", "cc0",      "all-rights-reserved"};
  return licences;
}

bool IsChannel(std::string_view code) {
  const auto& all = Channels();
  return std::find(all.begin(), all.end(), code) != all.end();
}

bool IsLicence(std::string_view code) {
  const auto& all = Licences();
  return std::find(all.begin(), all.end(), code) != all.end();
}

const std::string& Theme::Label(const std::string& lang) const {
  auto it = labels.find(lang);
  if (it != labels.end() && !it->second.empty()) return it->second;
  it = labels.find("en");
  if (it != labels.end() && !it->second.empty()) return it->second;
  return code;
}

const LocalText& Campaign::Text(const std::string& lang) const {
  static const LocalText kEmpty;
  auto it = texts.find(lang);
  if (it != texts.end()) return it->second;
  it = texts.find("en");
  if (it != texts.end()) return it->second;
  if (!texts.empty()) return texts.begin()->second;
  return kEmpty;
}

std::vector<std::string> Campaign::Languages() const {
  std::vector<std::string> out;
  out.reserve(texts.size());
  for (const auto& [lang, text] : texts) out.push_back(lang);
  return out;
}

}  // namespace waymark::campaigns
