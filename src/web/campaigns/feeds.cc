// Feeds: the Atom feed of recently published campaigns and the CSV export
// of a search (the same filter as the list).
#include "core/strings.h"
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
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"" +
      XmlEscape(ctx.lang) + "\">\n";
  xml += "<id>tag:waymark.org,2015:campaigns</id>\n";
  xml += "<title>" + XmlEscape("Waymark: " + T(ctx, "campaigns_title")) + "</title>\n";
  xml += "<updated>" + FormatIso8601(newest) + "</updated>\n";
  xml += "<link rel=\"self\" type=\"application/atom+xml\" href=\"" + XmlEscape(origin) +
         "/campaigns.atom\"/>\n";
  xml += "<link rel=\"alternate\" type=\"text/html\" href=\"" + XmlEscape(origin) + "/campaigns\"/>\n";
  xml += "<generator>Waymark</generator>\n";
  for (const auto& c : *list) {
    const auto& text = c.Text(ctx.lang);
    std::string id = std::to_string(c.id);
    xml += "<entry>\n";
    xml += "<id>tag:waymark.org,2015:campaign:" + id + "</id>\n";
    xml += "<title>" + XmlEscape(text.title) + "</title>\n";
    xml += "<link rel=\"alternate\" type=\"text/html\" href=\"" + XmlEscape(origin) + "/campaigns/" + id +
           "\"/>\n";
    xml += "<updated>" + FormatIso8601(c.updated_at) + "</updated>\n";
    if (c.published_at) xml += "<published>" + FormatIso8601(*c.published_at) + "</published>\n";
    xml += "<author><name>" + XmlEscape(c.organisation.name) + "</name><uri>" + XmlEscape(origin) +
           "/organisations/" + XmlEscape(c.organisation.slug) + "</uri></author>\n";
    for (const auto& theme : c.themes) xml += "<category term=\"" + XmlEscape(theme) + "\"/>\n";
    xml += "<summary type=\"text\">" + XmlEscape(text.summary) + "</summary>\n";
    xml += "</entry>\n";
  }
  xml += "</feed>\n";
  Response r;
  r.body = std::move(xml);
  r.Set("Content-Type", "application/atom+xml; charset=utf-8");
  r.Set("Cache-Control", "public, max-age=300");
  return r;
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
