// Campaigns as search documents: what the index holds for each published
// campaign, and the DocumentSource the Indexer reads them from.
#include <cstdint>
#include <string>

#include "domain/campaigns/campaign_service.h"

namespace waymark::campaigns {
namespace {

// The UTC calendar year of `ms` (Howard Hinnant's civil_from_days).
int YearOf(TimestampMs ms) {
  std::int64_t days = ms / 86'400'000;
  if (ms % 86'400'000 < 0) --days;
  days += 719468;
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  auto doe = static_cast<std::int64_t>(days - era * 146097);
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(m <= 2 ? y + 1 : y);
}

}  // namespace

Result<search::Document> CampaignService::SearchDocument(Id id) {
  auto found = campaigns_.Get(id);
  if (!found.ok()) {
    return found.status().IsNotFound() ? Status::NotFound("no campaign " + std::to_string(id))
                                       : found.status();
  }
  const Campaign& c = *found;
  if (c.lifecycle != Lifecycle::kPublished || c.hidden) {
    return Status::NotFound("campaign " + std::to_string(id) + " is not published");
  }
  search::Document doc;
  doc.kind = "campaign";
  doc.id = c.id;
  for (const auto& [lang, t] : c.texts) {
    search::Document::Text text;
    text.title = t.title;
    text.body = t.summary;
    if (!t.body.empty()) {
      if (!text.body.empty()) text.body += "\n\n";
      text.body += t.body;
    }
    doc.texts[lang] = std::move(text);
  }
  doc.facets["country"] = c.countries;
  doc.facets["theme"] = c.themes;
  doc.facets["org"] = {c.organisation.slug};
  doc.facets["status"] = {std::string(ToString(c.stage))};
  doc.facets["lang"] = c.Languages();
  if (c.start_date) {
    doc.facets["year"] = {c.start_date->substr(0, 4)};
  } else if (c.published_at) {
    doc.facets["year"] = {std::to_string(YearOf(*c.published_at))};
  }
  doc.facets["channel"] = c.channels;
  doc.facets["kind"] = {"campaign"};
  switch (c.visibility) {
    case Visibility::kPublic: doc.audience = {"public"}; break;
    case Visibility::kMembers: doc.audience = {"members"}; break;
    case Visibility::kOrganisation: doc.audience = {"org:" + std::to_string(c.organisation.id)}; break;
  }
  doc.date = c.published_at.value_or(c.updated_at);
  return doc;
}

Result<search::Document> CampaignDocuments::Load(const std::string& kind, Id id) {
  if (kind != "campaign") return Status::NotFound("campaigns hold no '" + kind + "' documents");
  return service_.SearchDocument(id);
}

Result<std::vector<Id>> CampaignDocuments::ListIds(const std::string& kind, Id after_id, int limit) {
  if (kind != "campaign") return std::vector<Id>{};
  return service_.store().ListIds(after_id, limit);
}

}  // namespace waymark::campaigns
