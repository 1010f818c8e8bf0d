// Feeds: the Atom feed of recently published campaigns and the CSV export
// of a search (the same filter as the list).
#include "core/strings.h"
#include "web/atom.h"
#include "web/campaigns/campaigns_module.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;

namespace {

std::string JoinList(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : "; ") + x;
  return out;
}

}  // namespace

Response CampaignsModule::CampaignsAtom(Context& ctx) {
  auto list = services_.campaigns->RecentlyPublished(50);
  if (!list.ok()) return Error(ctx, list.status());
  const std::string& origin = options_.base_url;
  TimestampMs newest = 0;
  for (const auto& c : *list) newest = std::max(newest, std::max(c.updated_at, c.published_at.value_or(0)));
  atom::Feed feed{ctx.lang, "tag:waymark.org,2015:campaigns", "Waymark: " + T(ctx, "campaigns_title"),
                  newest,   origin + "/campaigns.atom",       origin + "/campaigns",
                  {}};
  for (const auto& c : *list) {
    const auto& text = c.Text(ctx.lang);
    std::string id = std::to_string(c.id);
    feed.entries.push_back({"tag:waymark.org,2015:campaign:" + id,
                            text.title,
                            std::string(origin).append("/campaigns/").append(id),
                            c.updated_at,
                            c.published_at,
                            {c.organisation.name, origin + "/organisations/" + c.organisation.slug},
                            c.themes,
                            text.summary});
  }
  return atom::ToResponse(feed);
}

Response CampaignsModule::CampaignsCsv(Context& ctx) {
  auto query = CampaignQueryFromRequest(ctx, 100);
  if (!query.ok()) return Error(ctx, query.status());
  search::Query q = *query;
  q.facets.clear();
  bool paged = ctx.req.QueryParam("page").has_value();
  constexpr int kMaxRows = 10000;
  std::string csv =
      "id,slug,title,summary,organisation,partners,countries,themes,channels,status,lifecycle,"
      "start_date,end_date,languages,adapted_from,published_at,url\r\n";
  const std::string& origin = options_.base_url;
  int rows = 0;
  while (rows < kMaxRows) {
    auto found = services_.campaigns->Search(ctx.actor(), q);
    if (!found.ok()) return Error(ctx, found.status());
    for (const auto& c : found->campaigns) {
      const auto& text = c.Text(ctx.lang);
      std::vector<std::string> partners;
      for (const auto& p : c.partners) partners.push_back(p.slug);
      std::vector<std::string> cells = {std::to_string(c.id),
                                        c.slug,
                                        text.title,
                                        text.summary,
                                        c.organisation.slug,
                                        JoinList(partners),
                                        JoinList(c.countries),
                                        JoinList(c.themes),
                                        JoinList(c.channels),
                                        std::string(campaigns::ToString(c.stage)),
                                        std::string(campaigns::ToString(c.lifecycle)),
                                        c.start_date.value_or(""),
                                        c.end_date.value_or(""),
                                        JoinList(c.Languages()),
                                        c.adapted_from ? std::to_string(*c.adapted_from) : "",
                                        c.published_at ? FormatIso8601(*c.published_at) : "",
                                        origin + "/campaigns/" + std::to_string(c.id)};
      std::string line;
      for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + CsvCell(cells[i]);
      csv += line + "\r\n";
      ++rows;
    }
    if (paged || found->campaigns.empty() || q.offset + q.limit >= found->results.total) break;
    q.offset += q.limit;
  }
  Response r;
  r.body = std::move(csv);
  r.Set("Content-Type", "text/csv; charset=utf-8; header=present");
  r.Set("Content-Disposition", "attachment; filename=\"campaigns.csv\"");
  r.Set("Cache-Control", ctx.user ? "private, no-store" : "public, max-age=60");
  return r;
}

}  // namespace waymark::web
