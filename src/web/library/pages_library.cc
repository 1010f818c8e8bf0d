// Pages: the library. Every route of the library module (pages, API,
// exports, OAI-PMH) is registered here.
#include <algorithm>
#include <set>

#include "core/regions.h"
#include "core/strings.h"
#include "domain/library/citation.h"
#include "http/multipart.h"
#include "i18n/countries.h"
#include "web/helpers.h"
#include "web/library/library_module.h"

namespace waymark::web {

using http::Response;
using library::Id;
using library::Item;
using library::ItemFile;
using library::Term;
using nlohmann::json;

namespace {

constexpr int kPerPage = 20;
constexpr int kPagesPerView = 10;
const char* const kLangs[] = {"en", "fr", "es"};
// Facets shown on the list, in order (the query parameter is the facet's
// name, but "language" for "lang": ?lang= picks the reader's language).
const char* const kListFacets[] = {"ltype", "theme", "country", "region", "lang", "year", "org"};

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string Param(const std::string& facet) { return facet == "lang" ? "language" : facet; }

json FormValues(const Context& ctx) {
  json v = json::object();
  for (const auto& [k, val] : ctx.form) {
    if (k == "csrf") continue;
    if (v.contains(k)) {
      if (!v[k].is_array()) v[k] = json::array({v[k]});
      v[k].push_back(val);
    } else {
      v[k] = val;
    }
  }
  return v;
}

std::vector<std::string> Strings(const json& values, const std::string& key) {
  std::vector<std::string> out;
  if (!values.contains(key)) return out;
  if (values[key].is_array()) {
    for (const auto& x : values[key]) out.push_back(x.get<std::string>());
  } else if (values[key].is_string()) {
    out.push_back(values[key].get<std::string>());
  }
  return out;
}

std::string Str(const json& values, const std::string& key) {
  if (!values.contains(key)) return "";
  if (values[key].is_string()) return values[key].get<std::string>();
  if (values[key].is_array() && !values[key].empty()) return values[key][0].get<std::string>();
  return "";
}

std::string DateText(const library::PartialDate& d) {
  if (d.Empty()) return "";
  char buf[40];
  if (d.day > 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  } else if (d.month > 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
  } else {
    std::snprintf(buf, sizeof buf, "%04d", d.year);
  }
  return buf;
}

// "Family, Given" per line; a line without a comma is an organisation.
std::string AuthorsText(const std::vector<library::Name>& names) {
  std::string out;
  for (const auto& n : names) {
    out += n.IsOrganisation() ? n.literal : (n.given.empty() ? n.family : n.family + ", " + n.given);
    out += "\n";
  }
  return out;
}

std::vector<library::Name> AuthorsFromText(std::string_view text) {
  std::vector<library::Name> out;
  for (auto line : Split(text, '\n')) {
    std::string l(TrimAscii(line));
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (l.empty()) continue;
    std::size_t comma = l.find(',');
    if (comma == std::string::npos) {
      out.push_back(library::Name{"", "", l});
    } else {
      out.push_back(library::Name{std::string(TrimAscii(l.substr(0, comma))),
                                  std::string(TrimAscii(l.substr(comma + 1))), ""});
    }
  }
  return out;
}

std::string PersonName(const library::Name& n) {
  if (n.IsOrganisation()) return n.literal;
  return n.given.empty() ? n.family : n.given + " " + n.family;
}

json ItemValues(const Item& x) {
  json v = json::object();
  for (const auto& [lang, t] : x.texts) {
    v["title." + lang] = t.title;
    v["abstract." + lang] = t.abstract;
  }
  v["type"] = x.type;
  v["authors"] = AuthorsText(x.authors);
  v["publisher"] = x.publisher;
  v["publisher_place"] = x.publisher_place;
  v["container_title"] = x.container_title;
  v["volume"] = x.volume;
  v["issue"] = x.issue;
  v["pages"] = x.pages;
  v["edition"] = x.edition;
  v["date"] = DateText(x.date);
  v["doc_language"] = x.doc_language;
  v["themes"] = x.themes;
  v["keywords"] = JoinStrings(x.keywords, ", ");
  v["countries"] = JoinStrings(x.countries, ", ");
  v["regions"] = JoinStrings(x.regions, ", ");
  v["doi"] = x.doi;
  v["isbn"] = x.isbn;
  v["handle"] = x.handle;
  v["url"] = x.url;
  v["licence"] = x.licence;
  v["version"] = std::to_string(x.version);
  return v;
}

library::ItemInput InputFromForm(const Context& ctx) {
  library::ItemInput in;
  std::map<std::string, library::LocalText> texts;
  for (const char* lang : kLangs) {
    if (!ctx.HasForm(std::string("title.") + lang)) continue;
    texts[lang] =
        library::LocalText{ctx.Form(std::string("title.") + lang), ctx.Form(std::string("abstract.") + lang)};
  }
  if (!texts.empty()) in.texts = texts;
  auto opt = [&](const char* field, std::optional<std::string>& out) {
    if (ctx.HasForm(field)) out = ctx.Form(field);
  };
  opt("organisation", in.organisation);
  opt("type", in.type);
  opt("publisher", in.publisher);
  opt("publisher_place", in.publisher_place);
  opt("container_title", in.container_title);
  opt("volume", in.volume);
  opt("issue", in.issue);
  opt("pages", in.pages);
  opt("edition", in.edition);
  opt("date", in.date);
  opt("doc_language", in.doc_language);
  opt("doi", in.doi);
  opt("isbn", in.isbn);
  opt("handle", in.handle);
  opt("url", in.url);
  opt("licence", in.licence);
  if (ctx.HasForm("authors")) in.authors = AuthorsFromText(ctx.Form("authors"));
  // Checkboxes: the form says it carries them with a hidden marker.
  if (ctx.HasForm("themes_shown")) in.themes = ctx.FormAll("themes");
  if (ctx.HasForm("keywords")) in.keywords = SplitList(ctx.Form("keywords"));
  if (ctx.HasForm("countries")) in.countries = SplitList(ctx.Form("countries"));
  if (ctx.HasForm("regions")) in.regions = SplitList(ctx.Form("regions"));
  if (ctx.HasForm("version") && IsDigits(ctx.Form("version")))
    in.expected_version = std::stoll(ctx.Form("version"));
  return in;
}

}  // namespace

std::string HumanSize(std::int64_t bytes);  // api_library.cc

LibraryModule::LibraryModule(Site& site, Services services)
    : Module(site), services_(std::move(services)), token_key_(site.random().Token(32)) {}

void LibraryModule::AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const {
  nav.push_back({17, "/library", T(ctx, "nav_library"), true, ""});
}

void LibraryModule::RegisterRoutes() {
  Route("GET", "/library", Access::kPublic, &LibraryModule::List);
  Route("GET", "/library/new", Access::kSignedIn, &LibraryModule::NewForm);
  Route("POST", "/library", Access::kSignedIn, &LibraryModule::Create);
  Route("GET", "/library/import", Access::kSignedIn, &LibraryModule::ImportForm);
  Route("POST", "/library/import", Access::kSignedIn, &LibraryModule::ImportRun);
  Route("GET", "/library/export.bib", Access::kPublic, &LibraryModule::ExportSearch);
  Route("GET", "/library/export.ris", Access::kPublic, &LibraryModule::ExportSearch);
  Route("GET", "/library/export.json", Access::kPublic, &LibraryModule::ExportSearch);
  Route("GET", "/library/files/{fid}", Access::kPublic, &LibraryModule::FileDownload);
  Route("GET", "/library/files/{fid}/text", Access::kPublic, &LibraryModule::FileText);
  Route("POST", "/library/files/{fid}/remove", Access::kSignedIn, &LibraryModule::FileRemove);
  Route("GET", "/library/{id}", Access::kPublic, &LibraryModule::ItemPage);
  Route("GET", "/library/{id}/edit", Access::kSignedIn, &LibraryModule::EditForm);
  Route("POST", "/library/{id}/edit", Access::kSignedIn, &LibraryModule::SaveEdit);
  Route("GET", "/library/{id}/history", Access::kPublic, &LibraryModule::HistoryPage);
  StreamingRoute("POST", "/library/{id}/files", Access::kSignedIn, &LibraryModule::FileUpload);
  for (const char* action : {"submit", "publish", "return", "archive"}) {
    Route("POST", ("/library/{id}/" + std::string(action)).c_str(), Access::kSignedIn,
          &LibraryModule::Action);
  }
  for (const char* ext : {"bib", "ris", "json"}) {
    Route("GET", ("/library/{id}/cite." + std::string(ext)).c_str(), Access::kPublic,
          &LibraryModule::ExportItem);
  }
  Route("GET", "/moderation/library", Access::kSignedIn, &LibraryModule::Moderation);
  Route("GET", "/oai", Access::kProtocol, &LibraryModule::Oai);
  Route("POST", "/oai", Access::kProtocol, &LibraryModule::Oai);

  Route("GET", "/api/v1/library", Access::kPublic, &LibraryModule::ApiList);
  Route("GET", "/api/v1/library-terms", Access::kPublic, &LibraryModule::ApiTerms);
  Route("POST", "/api/v1/library", Access::kSignedIn, &LibraryModule::ApiCreate);
  Route("POST", "/api/v1/library/import", Access::kSignedIn, &LibraryModule::ApiImport);
  Route("GET", "/api/v1/library/{id}", Access::kPublic, &LibraryModule::ApiGet);
  Route("PATCH", "/api/v1/library/{id}", Access::kSignedIn, &LibraryModule::ApiPatch);
  Route("GET", "/api/v1/library/{id}/files", Access::kPublic, &LibraryModule::ApiFiles);
  StreamingRoute("POST", "/api/v1/library/{id}/files", Access::kSignedIn, &LibraryModule::ApiFileUpload);
  Route("GET", "/api/v1/library/files/{fid}/pages", Access::kPublic, &LibraryModule::ApiPages);
  for (const char* action : {"submit", "publish", "return", "archive"}) {
    Route("POST", ("/api/v1/library/{id}/" + std::string(action)).c_str(), Access::kSignedIn,
          &LibraryModule::ApiAction);
  }
}

// --- helpers ---

std::string LibraryModule::Label(const std::vector<Term>& terms, const std::string& code,
                                 const std::string& lang) const {
  for (const auto& t : terms) {
    if (t.vocabulary == "theme" && t.code == code) return t.Label(lang);
  }
  return code;
}

Result<Item> LibraryModule::Find(Context& ctx, const std::string& id_or_slug) {
  if (IsDigits(id_or_slug)) return services_.library->Get(ctx.actor(), std::stoll(id_or_slug));
  return services_.library->GetBySlug(ctx.actor(), id_or_slug);
}

Result<search::Query> LibraryModule::QueryFromRequest(const Context& ctx, int default_per_page) const {
  search::Query q;
  q.lang = ctx.lang;
  q.limit = default_per_page;
  int page = 1;
  for (const auto& [k, v] : QueryPairs(ctx.req)) {
    if (k == "q") {
      if (v.size() > 500) return Site::FieldError("q", "too_long", "is longer than 500 characters");
      q.text = v;
    } else if (k == "sort") {
      if (v != "newest" && v != "relevance")
        return Site::FieldError("sort", "unknown",
                                "must be newest or relevance, not '" + SanitizeUtf8(v, 40) + "'");
      q.newest_first = v == "newest";
    } else if (k == "page") {
      if (!IsDigits(v) || std::stoll(v) < 1 || std::stoll(v) > 100000)
        return Site::FieldError("page", "number",
                                "must be a number from 1, not '" + SanitizeUtf8(v, 40) + "'");
      page = static_cast<int>(std::stoll(v));
    } else if (k == "per_page") {
      if (!IsDigits(v) || std::stoll(v) < 1 || std::stoll(v) > 100)
        return Site::FieldError("per_page", "number",
                                "must be a number from 1 to 100, not '" + SanitizeUtf8(v, 40) + "'");
      q.limit = static_cast<int>(std::stoll(v));
    } else {
      std::string facet = k == "language" ? "lang" : k == "type" ? "ltype" : k;
      if (facet == "lang" && k == "lang") continue;  // the reader's language
      if (!Contains({std::begin(kListFacets), std::end(kListFacets)}, facet)) continue;
      for (const auto& x : SplitList(v)) {
        if (x.size() > 100) return Site::FieldError(k, "too_long", "has a value longer than 100 characters");
        bool ok = true;
        if (facet == "ltype") ok = library::IsItemType(x);
        if (facet == "country") ok = countries_.IsValidAlpha3(x);
        if (facet == "region") ok = FindRegion(x) != nullptr;
        if (facet == "year") ok = x.size() == 4 && IsDigits(x);
        if (facet == "lang")
          ok = (x.size() == 2 || x.size() == 3) &&
               std::all_of(x.begin(), x.end(), [](char c) { return c >= 'a' && c <= 'z'; });
        if (!ok)
          return Site::FieldError(k, "unknown_code", "has an unknown value '" + SanitizeUtf8(x, 40) + "'");
        q.filters[facet].push_back(x);
      }
    }
  }
  if (auto it = q.filters.find("theme"); it != q.filters.end()) {
    auto terms = services_.library->Terms();
    if (!terms.ok()) return terms.status();
    for (const auto& value : it->second) {
      bool known = std::any_of(terms->begin(), terms->end(),
                               [&](const Term& t) { return t.vocabulary == "theme" && t.code == value; });
      if (!known)
        return Site::FieldError("theme", "unknown_code",
                                "has an unknown value '" + SanitizeUtf8(value, 40) + "'");
    }
  }
  q.offset = (page - 1) * q.limit;
  return q;
}

json LibraryModule::FileJson(const Context& ctx, const ItemFile& f) const {
  json j = {{"id", f.id},
            {"filename", f.filename},
            {"media_type", f.media_type},
            {"size", f.size},
            {"size_text", HumanSize(f.size)},
            {"sha256", f.sha256},
            {"page_count", f.page_count},
            {"text_status", std::string(library::ToString(f.text_status))},
            {"url", "/library/files/" + std::to_string(f.id)},
            {"is_pdf", f.media_type == "application/pdf"}};
  if (f.text_status == library::TextStatus::kExtracted)
    j["text_url"] = "/library/files/" + std::to_string(f.id) + "/text";
  if (!f.text_error.empty()) j["text_error"] = f.text_error;
  std::string status_key = "lib_text_" + std::string(library::ToString(f.text_status));
  j["text_status_text"] = T(ctx, status_key);
  if (f.page_count > 0) j["pages_text"] = Fill(T(ctx, "lib_pages_n"), "{n}", std::to_string(f.page_count));
  return j;
}

json LibraryModule::Card(const Context& ctx, const Item& x, const std::vector<Term>& terms) const {
  std::vector<std::string> authors;
  for (const auto& n : x.authors) authors.push_back(PersonName(n));
  if (authors.size() > 4) {
    authors.resize(3);
    authors.push_back("…");
  }
  std::vector<std::string> themes;
  for (const auto& t : x.themes) themes.push_back(Label(terms, t, ctx.lang));
  std::string abstract = x.Abstract(ctx.lang);
  if (Utf8Length(abstract) > 300) abstract = SanitizeUtf8(abstract, 300) + "…";
  json card = {{"id", x.id},
               {"slug", x.slug},
               {"url", "/library/" + std::to_string(x.id)},
               {"title", x.Title(ctx.lang)},
               {"title_lang", x.TitleLang(ctx.lang)},
               {"authors", JoinStrings(authors, "; ")},
               {"year", x.date.year > 0 ? std::to_string(x.date.year) : ""},
               {"type", T(ctx, "lib_type_" + x.type)},
               {"themes", JoinStrings(themes, ", ")},
               {"abstract", abstract},
               {"organisation", x.org_name},
               {"lifecycle", T(ctx, "lib_lifecycle_" + std::string(library::ToString(x.lifecycle)))}};
  json files = json::array();
  for (const auto& f : x.files) files.push_back(FileJson(ctx, f));
  card["files"] = files;
  return card;
}

// --- list ---

Response LibraryModule::List(Context& ctx) {
  auto query = QueryFromRequest(ctx, kPerPage);
  if (!query.ok()) return Error(ctx, query.status());
  search::Query q = *query;
  for (const char* f : kListFacets) q.facets.push_back(f);
  auto found = services_.library->Search(ctx.actor(), q);
  if (!found.ok()) return Error(ctx, found.status());
  auto terms = services_.library->Terms();
  if (!terms.ok()) return Error(ctx, terms.status());
  json results = json::array();
  for (std::size_t i = 0; i < found->items.size(); ++i) {
    const Item& x = found->items[i];
    json card = Card(ctx, x, *terms);
    if (i < found->results.hits.size() && !found->results.hits[i].snippet_html.empty())
      card["snippet_html"] = found->results.hits[i].snippet_html;
    if (auto it = found->pages.find(x.id); it != found->pages.end()) {
      const auto& hit = it->second;
      card["page_hit"] = {{"text", Fill(T(ctx, "lib_found_on_page"), "{n}", std::to_string(hit.page))},
                          {"url", "/library/files/" + std::to_string(hit.file_id) + "/text?from=" +
                                      std::to_string(hit.page) + "#page-" + std::to_string(hit.page)},
                          {"snippet_html", hit.snippet_html}};
    }
    results.push_back(card);
  }
  json facets = json::array();
  for (const char* name : kListFacets) {
    std::string f(name);
    const auto& chosen = q.filters.count(f) ? q.filters.at(f) : std::vector<std::string>{};
    std::map<std::string, std::int64_t> counts;
    if (auto it = found->results.facets.find(f); it != found->results.facets.end()) counts = it->second;
    for (const auto& v : chosen) counts.emplace(v, 0);
    std::vector<std::pair<std::string, std::int64_t>> sorted(counts.begin(), counts.end());
    if (f == "year") {
      std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    } else {
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
    }
    json values = json::array();
    int shown = 0;
    for (const auto& [value, count] : sorted) {
      if (++shown > 30 && !Contains(chosen, value)) continue;
      std::string label = value;
      if (f == "theme") label = Label(*terms, value, ctx.lang);
      if (f == "ltype") label = T(ctx, "lib_type_" + value);
      if (f == "country") label = countries_.Name(value, ctx.lang);
      if (f == "region") {
        if (const Region* r = FindRegion(value)) label = std::string(RegionName(*r, ctx.lang));
      }
      if (f == "lang") {
        const std::string& named = T(ctx, "lib_doclang_" + value);
        if (named != "lib_doclang_" + value) label = named;
      }
      values.push_back({{"param", Param(f)},
                        {"value", value},
                        {"label", label},
                        {"count", count},
                        {"id", FieldId(f, value)},
                        {"checked", Contains(chosen, value)}});
    }
    if (values.empty()) continue;
    facets.push_back({{"name", f}, {"legend", T(ctx, "lib_facet_" + f)}, {"values", values}});
  }
  std::string filter_qs;
  for (const auto& [k, v] : QueryPairs(ctx.req)) {
    if (k == "page" || k == "lang" || k == "msg") continue;
    filter_qs += (filter_qs.empty() ? "" : "&") + PercentEncode(k) + "=" + PercentEncode(v);
  }
  int page = q.offset / q.limit + 1;
  std::int64_t pages = std::max<std::int64_t>(1, (found->results.total + q.limit - 1) / q.limit);
  std::string qs = filter_qs.empty() ? "" : "?" + filter_qs;
  json model = {{"q", q.text},
                {"results", results},
                {"facets", facets},
                {"has_results", !results.empty()},
                {"total_text", Fill(T(ctx, "lib_found"), "{n}", std::to_string(found->results.total))},
                {"json_url", "/api/v1/library" + qs},
                {"bib_url", "/library/export.bib" + qs},
                {"ris_url", "/library/export.ris" + qs},
                {"csl_url", "/library/export.json" + qs},
                {"newest", q.newest_first},
                {"signed_in", ctx.user.has_value()},
                {"can_moderate", library::LibraryService::ModeratesAnywhere(ctx.actor())}};
  if (pages > 1) {
    std::string base = "/library?" + filter_qs + (filter_qs.empty() ? "" : "&");
    json pager = {{"page_text", Fill(Fill(T(ctx, "page_of"), "{page}", std::to_string(page)), "{pages}",
                                     std::to_string(pages))}};
    if (page > 1) pager["prev"] = base + "page=" + std::to_string(page - 1);
    if (page < pages) pager["next"] = base + "page=" + std::to_string(page + 1);
    model["pager"] = pager;
  }
  return Page(ctx, "library/list", T(ctx, "lib_title"), model);
}

// --- the item page ---

Response LibraryModule::ItemPage(Context& ctx) {
  auto found = Find(ctx, ctx.req.params.at("id"));
  if (!found.ok()) return Error(ctx, found.status());
  const Item& x = *found;
  auto terms = services_.library->Terms();
  if (!terms.ok()) return Error(ctx, terms.status());
  const accounts::Actor actor = ctx.actor();
  bool can_edit = library::LibraryService::CanEdit(actor, x);
  bool can_moderate = library::LibraryService::CanModerate(actor, x);

  json authors = json::array();
  for (const auto& n : x.authors)
    authors.push_back({{"name", PersonName(n)}, {"organisation", n.IsOrganisation()}});
  json texts = json::array();
  std::string shown_lang = x.TitleLang(ctx.lang);
  for (const auto& [lang, t] : x.texts) {
    if (lang == shown_lang) continue;
    texts.push_back({{"lang", lang},
                     {"language", T(ctx, "lib_doclang_" + lang)},
                     {"title", t.title},
                     {"abstract", t.abstract}});
  }
  json themes = json::array();
  for (const auto& t : x.themes)
    themes.push_back({{"label", Label(*terms, t, ctx.lang)}, {"url", "/library?theme=" + PercentEncode(t)}});
  json countries = json::array();
  for (const auto& c : x.countries)
    countries.push_back({{"name", countries_.Name(c, ctx.lang)}, {"url", "/library?country=" + c}});
  json files = json::array();
  for (const auto& f : x.files) files.push_back(FileJson(ctx, f));

  // "Cite this", in the reader's language where the style has terms for it.
  library::Reference ref = library::ToReference(x, ctx.lang);
  json citations = json::array();
  for (auto style :
       {library::CitationStyle::kApa, library::CitationStyle::kChicago, library::CitationStyle::kMla,
        library::CitationStyle::kHarvard, library::CitationStyle::kVancouver}) {
    auto parts = library::FormatCitation(ref, style, ctx.lang);
    citations.push_back({{"style", std::string(library::StyleName(style))},
                         {"code", std::string(library::ToString(style))},
                         {"html", parts.html}});
  }

  // The citation_* tags reference managers and scholarly search engines
  // read (Highwire Press names, as Google Scholar documents them).
  json meta = json::array();
  auto add_meta = [&](const char* name, const std::string& content) {
    if (!content.empty()) meta.push_back({{"name", name}, {"content", content}});
  };
  add_meta("citation_title", x.Title(ctx.lang));
  for (const auto& n : x.authors) {
    add_meta("citation_author",
             n.IsOrganisation() ? n.literal : (n.given.empty() ? n.family : n.family + ", " + n.given));
  }
  if (x.date.year > 0) {
    std::string d = std::to_string(x.date.year);
    if (x.date.month > 0) d += "/" + std::string(x.date.month < 10 ? "0" : "") + std::to_string(x.date.month);
    if (x.date.day > 0) d += "/" + std::string(x.date.day < 10 ? "0" : "") + std::to_string(x.date.day);
    add_meta("citation_publication_date", d);
  }
  if (x.type == "article") add_meta("citation_journal_title", x.container_title);
  if (x.type == "chapter") add_meta("citation_inbook_title", x.container_title);
  add_meta("citation_volume", x.volume);
  add_meta("citation_issue", x.issue);
  if (!x.pages.empty()) {
    std::size_t dash = x.pages.find_first_of("-\xE2");
    add_meta("citation_firstpage", std::string(TrimAscii(x.pages.substr(0, dash))));
    if (dash != std::string::npos) {
      std::string last = x.pages.substr(dash);
      last.erase(0, last.find_first_of("0123456789"));
      add_meta("citation_lastpage", last);
    }
  }
  add_meta("citation_publisher", x.publisher);
  if (x.type == "report" || x.type == "brief" || x.type == "case_study")
    add_meta("citation_technical_report_institution", x.publisher);
  add_meta("citation_doi", x.doi);
  add_meta("citation_isbn", x.isbn);
  add_meta("citation_language", x.doc_language);
  for (const auto& k : x.keywords) add_meta("citation_keywords", k);
  add_meta("citation_abstract_html_url", services_.base_url + "/library/" + std::to_string(x.id));
  for (const auto& f : x.files) {
    if (f.media_type == "application/pdf") {
      add_meta("citation_pdf_url", services_.base_url + "/library/files/" + std::to_string(f.id));
      break;
    }
  }

  json model = {{"id", x.id},
                {"title", x.Title(ctx.lang)},
                {"title_lang", shown_lang},
                {"abstract", x.Abstract(ctx.lang)},
                {"other_texts", texts},
                {"has_other_texts", !texts.empty()},
                {"authors", authors},
                {"type", T(ctx, "lib_type_" + x.type)},
                {"date", DateText(x.date)},
                {"publisher", x.publisher},
                {"publisher_place", x.publisher_place},
                {"container_title", x.container_title},
                {"volume", x.volume},
                {"issue", x.issue},
                {"pages", x.pages},
                {"edition", x.edition},
                {"doc_language", x.doc_language.empty() ? "" : T(ctx, "lib_doclang_" + x.doc_language)},
                {"themes", themes},
                {"keywords", JoinStrings(x.keywords, ", ")},
                {"countries", countries},
                {"doi", x.doi},
                {"doi_url", x.doi.empty() ? "" : "https://doi.org/" + x.doi},
                {"isbn", x.isbn},
                {"handle", x.handle},
                {"handle_url", x.handle.empty() ? "" : "https://hdl.handle.net/" + x.handle},
                {"url", x.url},
                {"licence", T(ctx, "lib_licence_" + x.licence)},
                {"organisation", x.org_name},
                {"organisation_url", x.org_slug.empty() ? "" : "/organisations/" + x.org_slug},
                {"files", files},
                {"has_files", !files.empty()},
                {"citations", citations},
                {"bib_url", "/library/" + std::to_string(x.id) + "/cite.bib"},
                {"ris_url", "/library/" + std::to_string(x.id) + "/cite.ris"},
                {"csl_url", "/library/" + std::to_string(x.id) + "/cite.json"},
                {"history_url", "/library/" + std::to_string(x.id) + "/history"},
                {"lifecycle", std::string(library::ToString(x.lifecycle))},
                {"lifecycle_text", T(ctx, "lib_lifecycle_" + std::string(library::ToString(x.lifecycle)))},
                {"published", x.lifecycle == library::Lifecycle::kPublished},
                {"moderation_note", x.moderation_note},
                {"can_edit", can_edit || can_moderate},
                {"can_submit", (can_edit || (ctx.user && x.org_id && ctx.user->RoleIn(*x.org_id))) &&
                                   (x.lifecycle == library::Lifecycle::kDraft ||
                                    x.lifecycle == library::Lifecycle::kReturned)},
                {"can_publish", can_moderate && x.lifecycle != library::Lifecycle::kPublished &&
                                    x.lifecycle != library::Lifecycle::kReturned},
                {"can_return", can_moderate && x.lifecycle == library::Lifecycle::kSubmitted},
                {"can_archive", can_moderate && x.lifecycle != library::Lifecycle::kArchived},
                {"head_meta", meta}};
  return Page(ctx, "library/item", x.Title(ctx.lang), model);
}

// --- forms ---

Response LibraryModule::FormPage(Context& ctx, const Item* existing, const json& values, const Status& error,
                                 int status) {
  auto terms = services_.library->Terms();
  if (!terms.ok()) return Error(ctx, terms.status());
  json model = {{"values", values}, {"editing", existing != nullptr}};
  model["action"] = existing ? "/library/" + std::to_string(existing->id) + "/edit" : "/library";
  json types = json::array();
  for (const char* t : library::kItemTypes)
    types.push_back({{"code", t},
                     {"label", T(ctx, std::string("lib_type_") + t)},
                     {"selected", Str(values, "type") == t}});
  model["types"] = types;
  json licences = json::array();
  std::string licence = Str(values, "licence").empty() ? "unknown" : Str(values, "licence");
  for (const char* l : library::kLicences)
    licences.push_back(
        {{"code", l}, {"label", T(ctx, std::string("lib_licence_") + l)}, {"selected", licence == l}});
  model["licences"] = licences;
  std::vector<std::string> chosen = Strings(values, "themes");
  json themes = json::array();
  for (const auto& t : *terms) {
    if (t.vocabulary != "theme" || (!t.active && !Contains(chosen, t.code))) continue;
    themes.push_back({{"code", t.code}, {"label", t.Label(ctx.lang)}, {"checked", Contains(chosen, t.code)}});
  }
  model["themes"] = themes;
  json langs = json::array();
  for (const char* lang : kLangs) {
    langs.push_back({{"lang", lang},
                     {"language", T(ctx, std::string("lib_doclang_") + lang)},
                     {"title", Str(values, std::string("title.") + lang)},
                     {"abstract", Str(values, std::string("abstract.") + lang)}});
  }
  model["langs"] = langs;
  if (!existing && ctx.user) {
    json orgs = json::array();
    for (const auto& m : ctx.user->memberships) {
      orgs.push_back({{"slug", m.organisation_slug},
                      {"name", m.organisation_name},
                      {"selected", Str(values, "organisation") == m.organisation_slug}});
    }
    model["organisations"] = orgs;
  }
  if (!error.ok()) {
    model["errors"] = ErrorList(ctx, error);
    model["field_errors"] = FieldMessages(ctx, error);
  }
  return Page(ctx, "library/form", T(ctx, existing ? "lib_edit_title" : "lib_new_title"), model, status);
}

Response LibraryModule::NewForm(Context& ctx) {
  json values = json::object();
  values["type"] = "report";
  values["licence"] = "unknown";
  if (auto org = ctx.req.QueryParam("organisation")) values["organisation"] = *org;
  return FormPage(ctx, nullptr, values, Status::Ok(), 200);
}

Response LibraryModule::Create(Context& ctx) {
  json values = FormValues(ctx);
  auto item = services_.library->Create(ctx.actor(), InputFromForm(ctx));
  if (!item.ok()) {
    if (item.status().kind() == Status::Kind::kValidation)
      return FormPage(ctx, nullptr, values, item.status(), 422);
    return Error(ctx, item.status());
  }
  return Response::Redirect("/library/" + std::to_string(item->id) + "?msg=flash_lib_draft");
}

Response LibraryModule::EditForm(Context& ctx) {
  auto found = Find(ctx, ctx.req.params.at("id"));
  if (!found.ok()) return Error(ctx, found.status());
  if (!library::LibraryService::CanEdit(ctx.actor(), *found) &&
      !library::LibraryService::CanModerate(ctx.actor(), *found))
    return Error(ctx, Status::PermissionDenied("you may not edit this item"));
  return FormPage(ctx, &*found, ItemValues(*found), Status::Ok(), 200);
}

Response LibraryModule::SaveEdit(Context& ctx) {
  auto found = Find(ctx, ctx.req.params.at("id"));
  if (!found.ok()) return Error(ctx, found.status());
  json values = FormValues(ctx);
  library::ItemInput in = InputFromForm(ctx);
  in.organisation.reset();
  auto item = services_.library->Update(ctx.actor(), found->id, in);
  if (!item.ok()) {
    if (item.status().kind() == Status::Kind::kValidation || item.status().IsConflict())
      return FormPage(ctx, &*found, values, item.status(), item.status().IsConflict() ? 409 : 422);
    return Error(ctx, item.status());
  }
  return Response::Redirect("/library/" + std::to_string(item->id) + "?msg=flash_lib_saved");
}

Response LibraryModule::Action(Context& ctx) {
  const std::string& id_text = ctx.req.params.at("id");
  if (!IsDigits(id_text)) return Error(ctx, Status::NotFound("no such library item"));
  Id id = std::stoll(id_text);
  std::string action = ctx.req.path.substr(ctx.req.path.rfind('/') + 1);
  std::optional<std::int64_t> version;
  if (IsDigits(ctx.Form("version"))) version = std::stoll(ctx.Form("version"));
  Result<Item> r = Status::Internal("unknown action");
  if (action == "submit") r = services_.library->Submit(ctx.actor(), id, version);
  if (action == "publish") r = services_.library->Publish(ctx.actor(), id, version);
  if (action == "return") r = services_.library->Return(ctx.actor(), id, ctx.Form("reason"));
  if (action == "archive") r = services_.library->Archive(ctx.actor(), id, ctx.Form("reason"));
  if (!r.ok()) return Error(ctx, r.status());
  return Response::Redirect("/library/" + std::to_string(id) + "?msg=flash_lib_" + action);
}

// --- files ---

Response LibraryModule::FileUpload(Context& ctx) {
  const std::string& id_text = ctx.req.params.at("id");
  if (!IsDigits(id_text)) return Error(ctx, Status::NotFound("no such library item"));
  if (ctx.req.ContentType() != "multipart/form-data")
    return Error(ctx, Status::UnsupportedMediaType("send the file as multipart/form-data"));
  // A streamed route: WebApp has parsed the form; the files are still where
  // the server put them (in a spooled body's file when large).
  int added = 0;
  for (const auto& part : ctx.files) {
    if (part.name != "file" || part.size() == 0) continue;
    auto f = services_.library->AddFile(ctx.actor(), std::stoll(id_text), *part.filename, *part.Bytes());
    if (!f.ok()) return Error(ctx, f.status());
    ++added;
  }
  if (added == 0)
    return Error(ctx, Site::FieldError("file", "required", "is required: choose a PDF, PNG or JPEG file"));
  return Response::Redirect("/library/" + id_text + "?msg=flash_lib_file_added");
}

Response LibraryModule::FileRemove(Context& ctx) {
  const std::string& fid = ctx.req.params.at("fid");
  if (!IsDigits(fid)) return Error(ctx, Status::NotFound("no such file"));
  auto f = services_.library->GetFile(ctx.actor(), std::stoll(fid));
  if (!f.ok()) return Error(ctx, f.status());
  Status s = services_.library->RemoveFile(ctx.actor(), std::stoll(fid));
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/library/" + std::to_string(f->first.item_id) + "?msg=flash_lib_file_removed");
}

Response LibraryModule::FileDownload(Context& ctx) {
  const std::string& fid = ctx.req.params.at("fid");
  if (!IsDigits(fid)) return Error(ctx, Status::NotFound("no such file"));
  auto f = services_.library->GetFile(ctx.actor(), std::stoll(fid));
  if (!f.ok()) return Error(ctx, f.status());
  std::string etag = "\"" + f->first.sha256.substr(0, 32) + "\"";
  if (ctx.req.Header("if-none-match") == etag) {
    Response r;
    r.status = 304;
    r.Set("ETag", etag);
    return r;
  }
  Response r;
  r.body = std::move(f->second);
  r.Set("Content-Type", f->first.media_type);
  // The name is ours (sanitised at upload); quotes and backslashes never
  // reach it, non-ASCII goes in filename*.
  std::string ascii;
  for (char c : f->first.filename) ascii.push_back((c & 0x80) || c == '"' || c == '\\' ? '_' : c);
  r.Set("Content-Disposition",
        "inline; filename=\"" + ascii + "\"; filename*=UTF-8''" + PercentEncode(f->first.filename));
  r.Set("ETag", etag);
  r.Set("Cache-Control", "public, max-age=3600");
  return r;
}

Response LibraryModule::FileText(Context& ctx) {
  const std::string& fid = ctx.req.params.at("fid");
  if (!IsDigits(fid)) return Error(ctx, Status::NotFound("no such file"));
  int from = 1;
  if (auto p = ctx.req.QueryParam("from")) {
    if (!IsDigits(*p) || std::stoll(*p) < 1 || std::stoll(*p) > 100000)
      return Error(ctx, Site::FieldError("from", "number", "must be a page number from 1"));
    from = static_cast<int>(std::stoll(*p));
  }
  auto pages = services_.library->FilePages(ctx.actor(), std::stoll(fid), from, kPagesPerView);
  if (!pages.ok()) return Error(ctx, pages.status());
  const ItemFile& f = pages->first;
  auto item = services_.library->Get(ctx.actor(), f.item_id);
  if (!item.ok()) return Error(ctx, item.status());
  json list = json::array();
  for (const auto& p : pages->second) {
    json paragraphs = json::array();
    for (auto para : Split(p.text, '\n')) {
      std::string_view t = TrimAscii(para);
      if (!t.empty()) paragraphs.push_back(std::string(t));
    }
    list.push_back({{"number", p.number},
                    {"heading", Fill(T(ctx, "lib_page_n"), "{n}", std::to_string(p.number))},
                    {"paragraphs", paragraphs},
                    {"empty", paragraphs.empty()}});
  }
  std::string base = "/library/files/" + fid + "/text?from=";
  json model = {{"item_title", item->Title(ctx.lang)},
                {"item_url", "/library/" + std::to_string(item->id)},
                {"file", FileJson(ctx, f)},
                {"pages", list},
                {"has_pages", !list.empty()}};
  if (from > 1) model["prev"] = base + std::to_string(std::max(1, from - kPagesPerView));
  if (from + kPagesPerView <= f.page_count) model["next"] = base + std::to_string(from + kPagesPerView);
  json index = json::array();
  for (int p = 1; p <= f.page_count; p += kPagesPerView) {
    index.push_back(
        {{"label", std::to_string(p) + "–" + std::to_string(std::min(f.page_count, p + kPagesPerView - 1))},
         {"url", base + std::to_string(p)},
         {"current", p <= from && from < p + kPagesPerView}});
  }
  model["index"] = index;
  return Page(ctx, "library/text", item->Title(ctx.lang), model);
}

// --- import ---

Response LibraryModule::ImportForm(Context& ctx) {
  json orgs = json::array();
  for (const auto& m : ctx.user->memberships)
    orgs.push_back({{"slug", m.organisation_slug}, {"name", m.organisation_name}});
  return Page(ctx, "library/import", T(ctx, "lib_import_title"), json{{"organisations", orgs}});
}

Response LibraryModule::ImportRun(Context& ctx) {
  std::string text = ctx.Form("text");
  if (ctx.req.ContentType() == "multipart/form-data") {
    auto parts = http::ParseMultipart(ctx.req.Header("content-type"), ctx.req.body);
    if (!parts.ok()) return Error(ctx, parts.status());
    for (auto& part : *parts) {
      if (part.name == "file" && part.filename && !part.body.empty()) text = std::move(part.body);
    }
  }
  std::string format = ctx.Form("format");
  if (format.empty() || format == "auto") {
    // A RIS file starts its first record with "TY  -"; anything else is
    // read as BibTeX.
    std::size_t ty = text.find("TY  -");
    std::size_t at = text.find('@');
    format = ty != std::string::npos && (at == std::string::npos || ty < at) ? "ris" : "bibtex";
  }
  auto report = services_.library->Import(ctx.actor(), ctx.Form("organisation"), format, text,
                                          ctx.Form("submit") == "1");
  if (!report.ok()) return Error(ctx, report.status());
  json added = json::array();
  for (const auto& a : report->added)
    added.push_back({{"line", a.line}, {"title", a.title}, {"url", "/library/" + std::to_string(a.item_id)}});
  json duplicates = json::array();
  for (const auto& d : report->duplicates)
    duplicates.push_back({{"line", d.line},
                          {"title", d.title},
                          {"url", "/library/" + std::to_string(d.item_id)},
                          {"reason", d.reason},
                          {"filled", d.filled}});
  json rejected = json::array();
  for (const auto& p : report->rejected)
    rejected.push_back({{"line", p.line}, {"column", p.column}, {"message", p.message}});
  json model = {
      {"added", added},
      {"duplicates", duplicates},
      {"rejected", rejected},
      {"summary", Fill(Fill(Fill(T(ctx, "lib_import_summary"), "{added}", std::to_string(added.size())),
                            "{duplicates}", std::to_string(duplicates.size())),
                       "{rejected}", std::to_string(rejected.size()))},
      {"format", format == "ris" ? "RIS" : "BibTeX"}};
  return Page(ctx, "library/import_report", T(ctx, "lib_import_report_title"), model);
}

// --- history, moderation ---

Response LibraryModule::HistoryPage(Context& ctx) {
  auto found = Find(ctx, ctx.req.params.at("id"));
  if (!found.ok()) return Error(ctx, found.status());
  auto revisions = services_.library->History(ctx.actor(), found->id);
  if (!revisions.ok()) return Error(ctx, revisions.status());
  json list = json::array();
  for (const auto& r : *revisions) {
    list.push_back({{"version", r.version},
                    {"at", FormatIso8601(r.at)},
                    {"who", r.actor_label},
                    {"action", T(ctx, "lib_action_" + r.action)},
                    {"note", r.note},
                    {"title", r.snapshot.Title(ctx.lang)}});
  }
  json model = {{"title", found->Title(ctx.lang)},
                {"item_url", "/library/" + std::to_string(found->id)},
                {"revisions", list}};
  return Page(ctx, "library/history", T(ctx, "lib_history_title"), model);
}

Response LibraryModule::Moderation(Context& ctx) {
  auto items = services_.library->AwaitingModeration(ctx.actor());
  if (!items.ok()) return Error(ctx, items.status());
  auto terms = services_.library->Terms();
  if (!terms.ok()) return Error(ctx, terms.status());
  json list = json::array();
  for (const auto& x : *items) list.push_back(Card(ctx, x, *terms));
  return Page(ctx, "library/moderation", T(ctx, "lib_moderation_title"),
              json{{"items", list}, {"has_items", !list.empty()}});
}

}  // namespace waymark::web
