// Searching the discussions (Ideas, campaign threads, working groups): a page
// at /discussions and the API at /api/v1/posts. Campaign search lives with
// the campaigns (pages_campaigns.cc).
#include <algorithm>

#include "core/strings.h"
#include "web/exchange/exchange_module.h"
#include "web/helpers.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;

namespace {

constexpr int kPerPage = 20;

// ?page= as a number from 1; anything else is page 1.

}  // namespace

Result<exchange::PostSearch> ExchangeModule::RunPostSearch(Context& ctx, const std::string& lang_param,
                                                           int page, int per_page) {
  search::Query q;
  q.text = std::string(TrimAscii(ctx.req.QueryParam("q").value_or("")));
  q.lang = ctx.lang;
  if (auto l = ctx.req.QueryParam(lang_param); l && !l->empty()) {
    if (!accounts::IsSupportedLocale(*l)) {
      return Status::Validation({{lang_param, "must be one of en, fr, es"}}, "bad search parameters");
    }
    q.filters["lang"] = {*l};
  }
  q.limit = per_page;
  q.offset = (page - 1) * per_page;
  q.facets = {"lang"};
  return services_.exchange->SearchPosts(ctx.actor(), q);
}

Response ExchangeModule::DiscussionSearch(Context& ctx) {
  std::string q(TrimAscii(ctx.req.QueryParam("q").value_or("")));
  std::string chosen = ctx.req.QueryParam("language").value_or("");
  json model = {{"q", q}, {"searched", !q.empty()}};
  json languages = json::array();
  for (const char* l : {"en", "fr", "es"}) {
    languages.push_back(
        {{"value", l}, {"label", T(ctx, "cp_language_" + std::string(l))}, {"selected", chosen == l}});
  }
  model["languages"] = languages;
  if (!q.empty()) {
    auto found = RunPostSearch(ctx, "language", PageParam(ctx.req), kPerPage);
    if (!found.ok()) return Error(ctx, found.status());
    json items = json::array();
    for (std::size_t i = 0; i < found->items.size(); ++i) {
      const auto& item = found->items[i];
      const auto& hit = found->results.hits[i];
      items.push_back(
          {{"thread_title", item.thread.title},
           {"href", "/threads/" + std::to_string(item.thread.id) + "#post-" + std::to_string(item.post.id)},
           {"author", item.post.author_name},
           {"lang", item.post.lang},
           {"snippet", hit.snippet_html},
           {"date", FormatIso8601(item.post.created_at).substr(0, 10)}});
    }
    model["items"] = items;
    model["count_text"] = Fill(T(ctx, "sr_found"), "{n}", std::to_string(found->results.total));
    int page = PageParam(ctx.req);
    std::int64_t pages = std::max<std::int64_t>(1, (found->results.total + kPerPage - 1) / kPerPage);
    if (pages > 1) {
      std::string base = "/discussions?q=" + PercentEncode(q) +
                         (chosen.empty() ? std::string() : "&language=" + PercentEncode(chosen)) + "&page=";
      json pager = {{"page_text", Fill(Fill(T(ctx, "page_of"), "{page}", std::to_string(page)), "{pages}",
                                       std::to_string(pages))}};
      if (page > 1) pager["prev"] = base + std::to_string(page - 1);
      if (page < pages) pager["next"] = base + std::to_string(page + 1);
      model["pager"] = pager;
    }
  }
  return Page(ctx, "exchange/discussions", T(ctx, "sr_title"), model);
}

Response ExchangeModule::ApiSearchPosts(Context& ctx) {
  // Paged like every other API list: a bad page or per_page is 422.
  int page = 1, per_page = kPerPage;
  if (Status s = ApiPaging(ctx.req, page, per_page); !s.ok()) return Error(ctx, s);
  auto found = RunPostSearch(ctx, "lang", page, per_page);
  if (!found.ok()) return Error(ctx, found.status());
  json items = json::array();
  for (std::size_t i = 0; i < found->items.size(); ++i) {
    const auto& item = found->items[i];
    items.push_back({{"id", item.post.id},
                     {"thread_id", item.thread.id},
                     {"thread_title", item.thread.title},
                     {"thread_kind", std::string(exchange::ToString(item.thread.kind))},
                     {"author", item.post.author_name},
                     {"lang", item.post.lang},
                     {"created_at", FormatIso8601(item.post.created_at)},
                     {"snippet_html", found->results.hits[i].snippet_html},
                     {"url", "/api/v1/threads/" + std::to_string(item.thread.id)},
                     {"html_url", "/threads/" + std::to_string(item.thread.id) + "#post-" +
                                      std::to_string(item.post.id)}});
  }
  json facets = json::object();
  for (const auto& [name, counts] : found->results.facets) facets[name] = counts;
  return Json(ctx, 200,
              {{"items", items},
               {"total", found->results.total},
               {"page", page},
               {"per_page", per_page},
               {"facets", facets}});
}

}  // namespace waymark::web
