// Campaign slugs and dates, through the shared helpers in core/slug.h.
#include "core/slug.h"
#include "domain/campaigns/campaign_service.h"

namespace waymark::campaigns {

std::string SlugFromTitle(std::string_view title) { return Slugify(title, kMaxSlug, "campaign"); }

bool IsValidDate(std::string_view d) { return IsCalendarDate(d); }

}  // namespace waymark::campaigns
