// Pages: the practices portal. Every route of the practices module (pages,
// API, feeds) is registered here.
#include <algorithm>
#include <set>

#include "core/regions.h"
#include "core/strings.h"
#include "crypto/crypto.h"
#include "http/multipart.h"
#include "i18n/countries.h"
#include "text/markdown.h"
#include "web/helpers.h"
#include "web/practices/practices_module.h"

namespace waymark::web::embedded_practices {
const std::map<std::string_view, std::string_view>& Files();
}  // namespace waymark::web::embedded_practices

namespace waymark::web {

using http::Response;
using nlohmann::json;
using practices::Id;
using practices::Practice;
using practices::Term;

namespace {

constexpr int kPerPage = 20;
const char* const kLangs[] = {"en", "fr", "es"};
const char* const kParts[] = {"title",   "summary", "problem",   "description",
                              "results", "lessons", "resources", "transferability"};
// Facets shown on the list, in order: (facet, vocabulary or "").
const std::pair<const char*, const char*> kListFacets[] = {
    {"phase", "phase"}, {"crisis", "crisis"}, {"theme", "theme"}, {"guideline", "guideline"},
    {"actor", "actor"}, {"target", "target"}, {"ptype", "type"},  {"region", ""},
    {"country", ""},    {"lang", ""},         {"year", ""},
};
const char* const kRoles[] = {"crisis", "origin", "transit", "destination"};

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The form's fields as the contributor typed them: the values shown again
// when something is wrong.
json FormValues(const Context& ctx) {
  json v = json::object();
  for (const auto& [k, val] : ctx.form) {
    if (k == "csrf" || k == "form_stamp" || k == "website") continue;
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

// A practice as form values (for editing).
json PracticeValues(const Practice& p) {
  json v = json::object();
  for (const auto& [lang, t] : p.texts) {
    const std::string* parts[] = {&t.title,   &t.summary, &t.problem,   &t.description,
                                  &t.results, &t.lessons, &t.resources, &t.transferability};
    for (std::size_t i = 0; i < std::size(kParts); ++i) v[std::string(kParts[i]) + "." + lang] = *parts[i];
  }
  v["lead_name"] = p.lead.name;
  v["lead_actor"] = p.lead.actor_kind;
  std::string partners;
  for (const auto& party : p.partners) {
    partners += (party.slug.empty() ? party.name : "@" + party.slug) +
                (party.actor_kind.empty() ? "" : " | " + party.actor_kind) + "\n";
  }
  v["partners"] = partners;
  for (const char* role : kRoles) {
    std::vector<std::string> codes;
    for (const auto& place : p.places) {
      if (practices::ToString(place.role) == role) codes.push_back(place.country);
    }
    v[std::string("countries_") + role] = JoinStrings(codes, ", ");
  }
  v["generalised_location"] = p.generalised_location;
  v["start_date"] = p.start_date.value_or("");
  v["end_date"] = p.end_date.value_or("");
  v["phases"] = p.phases;
  v["crises"] = p.crises;
  v["crisis_other"] = p.crisis_other;
  v["guidelines"] = p.guidelines;
  v["themes"] = p.themes;
  v["targets"] = p.targets;
  v["types"] = p.types;
  v["contacts"] = p.contacts;
  std::string links;
  for (const auto& l : p.links) links += l.url + (l.label.empty() ? "" : " " + l.label) + "\n";
  v["links"] = links;
  v["licence"] = p.licence;
  v["sensitivity"] = std::string(practices::ToString(p.sensitivity));
  if (p.contacts_private) v["contacts_private"] = "1";
  if (p.summary_only) v["summary_only"] = "1";
  std::vector<std::string> ids;
  for (Id id : p.campaigns) ids.push_back(std::to_string(id));
  v["campaigns"] = JoinStrings(ids, ", ");
  ids.clear();
  for (Id id : p.threads) ids.push_back(std::to_string(id));
  v["threads"] = JoinStrings(ids, ", ");
  return v;
}

// The form's fields as a PracticeInput (only those present in the form).
practices::PracticeInput InputFromForm(const Context& ctx, Status& error) {
  practices::PracticeInput in;
  std::map<std::string, practices::LocalText> texts;
  for (const char* lang : kLangs) {
    if (!ctx.HasForm(std::string("title.") + lang)) continue;
    auto& t = texts[lang];
    std::string* parts[] = {&t.title,   &t.summary, &t.problem,   &t.description,
                            &t.results, &t.lessons, &t.resources, &t.transferability};
    for (std::size_t i = 0; i < std::size(kParts); ++i)
      *parts[i] = ctx.Form(std::string(kParts[i]) + "." + lang);
  }
  if (!texts.empty()) in.texts = texts;
  auto opt = [&](const char* name, std::optional<std::string>& out) {
    if (ctx.HasForm(name)) out = ctx.Form(name);
  };
  opt("organisation", in.organisation);
  opt("lead_name", in.lead_name);
  opt("lead_actor", in.lead_actor);
  opt("generalised_location", in.generalised_location);
  opt("start_date", in.start_date);
  opt("end_date", in.end_date);
  opt("crisis_other", in.crisis_other);
  opt("contacts", in.contacts);
  opt("licence", in.licence);
  opt("sensitivity", in.sensitivity);
  opt("contributor_name", in.contributor_name);
  opt("contributor_email", in.contributor_email);
  if (ctx.HasForm("partners")) {
    std::vector<practices::Party> partners;
    for (const auto& line : Split(ctx.Form("partners"), '\n')) {
      std::string l(TrimAscii(line));
      if (l.empty()) continue;
      practices::Party party;
      std::size_t bar = l.find('|');
      if (bar != std::string::npos) {
        party.actor_kind = std::string(TrimAscii(std::string_view(l).substr(bar + 1)));
        l = std::string(TrimAscii(std::string_view(l).substr(0, bar)));
      }
      if (!l.empty() && l[0] == '@') {
        party.slug = l.substr(1);
      } else {
        party.name = l;
      }
      partners.push_back(std::move(party));
    }
    in.partners = partners;
  }
  // The form always carries the classification: an unticked box sends nothing.
  if (ctx.HasForm("form_kind")) {
    in.phases = ctx.FormAll("phases");
    in.crises = ctx.FormAll("crises");
    in.guidelines = ctx.FormAll("guidelines");
    in.themes = ctx.FormAll("themes");
    in.targets = ctx.FormAll("targets");
    in.types = ctx.FormAll("types");
    in.contacts_private = ctx.Form("contacts_private") == "1";
    in.summary_only = ctx.Form("summary_only") == "1";
  }
  bool any_place = false;
  std::vector<practices::Place> places;
  for (const char* role : kRoles) {
    std::string name = std::string("countries_") + role;
    if (!ctx.HasForm(name)) continue;
    any_place = true;
    for (const auto& code : SplitList(ctx.Form(name))) {
      places.push_back(practices::Place{code, *practices::ParsePlaceRole(role)});
    }
  }
  if (any_place) in.places = places;
  if (ctx.HasForm("links")) {
    std::vector<practices::Link> links;
    for (const auto& line : Split(ctx.Form("links"), '\n')) {
      std::string l(TrimAscii(line));
      if (l.empty()) continue;
      std::size_t sp = l.find(' ');
      links.push_back(sp == std::string::npos
                          ? practices::Link{l, ""}
                          : practices::Link{l.substr(0, sp), std::string(TrimAscii(l.substr(sp)))});
    }
    in.links = links;
  }
  auto ids = [&](const char* name, std::optional<std::vector<Id>>& out) {
    if (!ctx.HasForm(name)) return;
    std::vector<Id> list;
    for (const auto& s : SplitList(ctx.Form(name))) {
      std::string digits = s[0] == '#' ? s.substr(1) : s;
      if (!IsDigits(digits)) {
        error = Site::FieldError(name, "pr_id", "'" + SanitizeUtf8(s, 40) + "' is not a number");
        return;
      }
      list.push_back(std::stoll(digits));
    }
    out = list;
  };
  ids("campaigns", in.campaigns);
  ids("threads", in.threads);
  if (ctx.HasForm("version") && IsDigits(ctx.Form("version")))
    in.expected_version = std::stoll(ctx.Form("version"));
  return in;
}

}  // namespace

PracticesModule::PracticesModule(Site& site, Services services)
    : Module(site), services_(std::move(services)), stamp_key_(site.random().Token(32)) {}

void PracticesModule::AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const {
  nav.push_back({15, "/practices", T(ctx, "nav_practices"), true, ""});
}

void PracticesModule::RegisterRoutes() {
  Route("GET", "/practices", Access::kPublic, &PracticesModule::List);
  Route("GET", "/practices/matrix", Access::kPublic, &PracticesModule::MatrixPage);
  Route("GET", "/practices.atom", Access::kPublic, &PracticesModule::Atom);
  Route("GET", "/practices/new", Access::kPublic, &PracticesModule::NewForm);
  Route("POST", "/practices", Access::kPublic, &PracticesModule::SubmitForm);
  Route("GET", "/practices/status/{token}", Access::kPublic, &PracticesModule::StatusPage);
  Route("POST", "/practices/status/{token}", Access::kPublic, &PracticesModule::StatusAnswer);
  Route("GET", "/practices/print.css", Access::kPublic, &PracticesModule::PrintCss);
  Route("GET", "/practices/{id}", Access::kPublic, &PracticesModule::PracticePage);
  Route("GET", "/practices/{id}/edit", Access::kSignedIn, &PracticesModule::EditForm);
  Route("GET", "/practices/{id}/history", Access::kPublic, &PracticesModule::HistoryPage);
  Route("POST", "/practices/{id}/edit", Access::kSignedIn, &PracticesModule::SaveEdit);
  for (const char* action : {"submit", "publish", "return", "reject", "archive", "merge", "ask"}) {
    Route("POST", ("/practices/{id}/" + std::string(action)).c_str(), Access::kSignedIn,
          &PracticesModule::Action);
  }
  Route("POST", "/practices/{id}/adoptions", Access::kSignedIn, &PracticesModule::AdoptionAdd);
  Route("POST", "/practices/{id}/adoptions/{aid}/remove", Access::kSignedIn,
        &PracticesModule::AdoptionRemove);
  Route("POST", "/practices/{id}/collect", Access::kSignedIn, &PracticesModule::CollectionAdd);
  Route("POST", "/practices/{id}/uncollect", Access::kSignedIn, &PracticesModule::CollectionRemove);
  Route("GET", "/practices/files/{fid}", Access::kPublic, &PracticesModule::FileDownload);
  Route("GET", "/groups/{gid}/practices", Access::kPublic, &PracticesModule::GroupPractices);
  Route("GET", "/moderation/practices", Access::kSignedIn, &PracticesModule::Moderation);
  Route("GET", "/moderation/practice-terms", Access::kSignedIn, &PracticesModule::TermsPage);
  Route("POST", "/moderation/practice-terms", Access::kSignedIn, &PracticesModule::TermSave);

  Route("GET", "/api/v1/practices", Access::kPublic, &PracticesModule::ApiList);
  Route("GET", "/api/v1/practices.csv", Access::kPublic, &PracticesModule::Csv);
  Route("GET", "/api/v1/practices/matrix", Access::kPublic, &PracticesModule::ApiMatrix);
  Route("GET", "/api/v1/practice-terms", Access::kPublic, &PracticesModule::ApiTerms);
  Route("POST", "/api/v1/practices", Access::kSignedIn, &PracticesModule::ApiCreate);
  Route("GET", "/api/v1/practices/{id}", Access::kPublic, &PracticesModule::ApiGet);
  Route("PATCH", "/api/v1/practices/{id}", Access::kSignedIn, &PracticesModule::ApiPatch);
  Route("GET", "/api/v1/practices/{id}/similar", Access::kPublic, &PracticesModule::ApiSimilar);
  Route("GET", "/api/v1/practices/{id}/revisions", Access::kPublic, &PracticesModule::ApiRevisions);
  for (const char* action : {"submit", "publish", "return", "reject", "archive", "merge"}) {
    Route("POST", ("/api/v1/practices/{id}/" + std::string(action)).c_str(), Access::kSignedIn,
          &PracticesModule::ApiAction);
  }
}

// --- helpers ---

std::string PracticesModule::Label(const std::vector<Term>& terms, const std::string& vocabulary,
                                   const std::string& code, const std::string& lang) const {
  for (const auto& t : terms) {
    if (t.vocabulary == vocabulary && t.code == code) return t.Label(lang);
  }
  return code;
}

std::string PracticesModule::FormStamp() const {
  std::string at = std::to_string(services_.clock->NowMs());
  return at + "." + crypto::Sha256Hex(stamp_key_ + ":" + at + ":" + stamp_key_).substr(0, 32);
}

std::optional<TimestampMs> PracticesModule::CheckStamp(const std::string& stamp) const {
  std::size_t dot = stamp.find('.');
  if (dot == std::string::npos || !IsDigits(stamp.substr(0, dot))) return std::nullopt;
  std::string at = stamp.substr(0, dot);
  std::string mac = crypto::Sha256Hex(stamp_key_ + ":" + at + ":" + stamp_key_).substr(0, 32);
  if (!crypto::ConstantTimeEquals(stamp.substr(dot + 1), mac)) return std::nullopt;
  TimestampMs t = std::stoll(at);
  // A form older than a day has expired (the text is kept on the page).
  if (services_.clock->NowMs() - t > 24LL * 3600 * 1000) return std::nullopt;
  return t;
}

void PracticesModule::MailStatusLink(const Context& ctx, const Practice& p, const std::string& token) const {
  if (!services_.send_mail || p.contributor.email.empty()) return;
  const std::string& lang = p.contributor.lang.empty() ? ctx.lang : p.contributor.lang;
  std::string link = services_.base_url + "/practices/status/" + token;
  std::string subject = Fill(catalog_.Get(lang, "pr_mail_subject"), "{title}", p.Text(lang).title);
  std::string text =
      Fill(Fill(catalog_.Get(lang, "pr_mail_body"), "{title}", p.Text(lang).title), "{link}", link);
  Status s = services_.send_mail(p.contributor.email, subject, text);
  (void)s;  // the page shows the link too; a mail failure loses nothing
}

bool PracticesModule::IsGroupMember(Context& ctx, Id group_id) const {
  if (!services_.exchange) return false;
  auto g = services_.exchange->GetGroup(ctx.actor(), group_id);
  return g.ok() && g->can_post;
}

Result<practices::PracticeView> PracticesModule::Find(Context& ctx, const std::string& id_or_slug) {
  if (IsDigits(id_or_slug)) return services_.practices->View(ctx.actor(), std::stoll(id_or_slug));
  return services_.practices->ViewBySlug(ctx.actor(), id_or_slug);
}

Result<search::Query> PracticesModule::QueryFromRequest(const Context& ctx, int default_per_page) const {
  search::Query q;
  q.lang = ctx.lang;
  q.limit = default_per_page;
  int page = 1;
  for (const auto& [k, v] : QueryPairs(ctx.req)) {
    if (k == "q") {
      q.text = v;
      if (v.size() > 500) return Site::FieldError("q", "too_long", "is longer than 500 characters");
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
    } else if (k == "language") {
      for (const auto& x : SplitList(v)) q.filters["lang"].push_back(x);
    } else {
      // The language facet's parameter is "language": "lang" chooses the
      // reader's language and filters nothing.
      bool facet = false;
      for (const auto& [name, vocabulary] : kListFacets) {
        if (k == name && k != "lang") facet = true;
      }
      if (!facet) continue;  // unknown parameters (lang=, msg=, utm_...) are ignored
      for (const auto& x : SplitList(v)) {
        if (x.size() > 100) return Site::FieldError(k, "too_long", "has a value longer than 100 characters");
        q.filters[k].push_back(x);
      }
    }
  }
  // Codes that are not in the vocabularies or not countries are named. The
  // vocabularies (a copy of every term) are read only when a filter needs
  // them: the unfiltered list does not.
  bool needs_terms = false;
  for (const auto& [name, vocabulary] : kListFacets) {
    if (!std::string_view(vocabulary).empty() && q.filters.count(name) != 0) needs_terms = true;
  }
  Result<std::vector<Term>> terms = std::vector<Term>{};
  if (needs_terms) terms = services_.practices->Terms();
  if (!terms.ok()) return terms.status();
  for (const auto& [name, vocabulary] : kListFacets) {
    auto it = q.filters.find(name);
    if (it == q.filters.end()) continue;
    for (const auto& value : it->second) {
      bool ok = true;
      if (const std::string_view vocab = vocabulary; !vocab.empty()) {
        ok = std::any_of(terms->begin(), terms->end(),
                         [&](const Term& t) { return t.vocabulary == vocab && t.code == value; });
      } else if (std::string(name) == "country") {
        ok = countries_.IsValidAlpha3(value);
      } else if (std::string(name) == "region") {
        ok = FindRegion(value) != nullptr;
      } else if (std::string(name) == "lang") {
        ok = practices::IsLanguage(value);
      } else if (std::string(name) == "year") {
        ok = value.size() == 4 && IsDigits(value);
      }
      if (!ok)
        return Site::FieldError(std::string(name) == "lang" ? "language" : name, "unknown_code",
                                "has an unknown value '" + SanitizeUtf8(value, 40) + "'");
    }
  }
  q.offset = (page - 1) * q.limit;
  return q;
}

json PracticesModule::Card(const Context& ctx, const Practice& p, const std::vector<Term>& terms) const {
  const auto& text = p.Text(ctx.lang);
  std::vector<std::string> phases, crises, countries;
  for (const auto& c : p.phases) phases.push_back(Label(terms, "phase", c, ctx.lang));
  for (const auto& c : p.crises) crises.push_back(Label(terms, "crisis", c, ctx.lang));
  std::set<std::string> seen;
  for (const auto& place : p.places) {
    if (seen.insert(place.country).second) countries.push_back(countries_.Name(place.country, ctx.lang));
  }
  json card = {{"id", p.id},
               {"slug", p.slug},
               {"url", "/practices/" + std::to_string(p.id)},
               {"title", text.title},
               {"summary", text.summary},
               {"lead", p.lead.name},
               {"where", countries.empty() ? p.generalised_location : JoinStrings(countries, ", ")},
               {"phases", JoinStrings(phases, ", ")},
               {"crises", JoinStrings(crises, ", ")},
               {"languages", JoinStrings(p.Languages(), ", ")},
               {"lifecycle", T(ctx, "pr_lifecycle_" + std::string(practices::ToString(p.lifecycle)))}};
  for (const char* k : {"summary", "where", "crises"}) {
    if (card[k].get<std::string>().empty()) card[k] = nullptr;
  }
  return card;
}

// --- list, matrix ---

Response PracticesModule::List(Context& ctx) {
  auto query = QueryFromRequest(ctx, kPerPage);
  if (!query.ok()) return Error(ctx, query.status());
  search::Query q = *query;
  for (const auto& [name, vocabulary] : kListFacets) q.facets.push_back(name);
  auto found = services_.practices->Search(ctx.actor(), q);
  if (!found.ok()) return Error(ctx, found.status());
  auto terms = services_.practices->Terms();
  if (!terms.ok()) return Error(ctx, terms.status());

  json results = json::array();
  for (std::size_t i = 0; i < found->practices.size(); ++i) {
    json card = Card(ctx, found->practices[i], *terms);
    if (i < found->results.hits.size() && !found->results.hits[i].snippet_html.empty())
      card["snippet_html"] = found->results.hits[i].snippet_html;  // escaped by the index, <mark> only
    results.push_back(card);
  }
  json facets = json::array();
  for (const auto& [name, vocabulary] : kListFacets) {
    std::string f(name);
    const auto& chosen = q.filters.count(f) ? q.filters.at(f) : std::vector<std::string>{};
    std::map<std::string, std::int64_t> counts;
    if (auto it = found->results.facets.find(f); it != found->results.facets.end()) counts = it->second;
    for (const auto& v : chosen) counts.emplace(v, 0);
    std::vector<std::pair<std::string, std::int64_t>> sorted(counts.begin(), counts.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    json values = json::array();
    int shown = 0;
    for (const auto& [value, count] : sorted) {
      if (++shown > 30 && !Contains(chosen, value)) continue;
      std::string label = value;
      if (*vocabulary) label = Label(*terms, vocabulary, value, ctx.lang);
      if (f == "country") label = countries_.Name(value, ctx.lang);
      if (f == "region") {
        if (const Region* r = FindRegion(value)) label = std::string(RegionName(*r, ctx.lang));
      }
      if (f == "lang") label = T(ctx, "pr_language_" + value);
      values.push_back({{"param", f == "lang" ? "language" : f},
                        {"value", value},
                        {"label", label},
                        {"count", count},
                        {"id", FieldId(f, value)},
                        {"checked", Contains(chosen, value)}});
    }
    if (values.empty()) continue;
    facets.push_back({{"name", f}, {"legend", T(ctx, "pr_facet_" + f)}, {"values", values}});
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
                {"total_text", Fill(T(ctx, "pr_found"), "{n}", std::to_string(found->results.total))},
                {"csv_url", "/api/v1/practices.csv" + qs},
                {"json_url", "/api/v1/practices" + qs},
                {"matrix_url", "/practices/matrix" + qs},
                {"atom_url", "/practices.atom"},
                {"newest", q.newest_first},
                {"can_moderate", practices::PracticeService::ModeratesAnywhere(ctx.actor())}};
  if (pages > 1) {
    std::string base = "/practices?" + filter_qs + (filter_qs.empty() ? "" : "&");
    json pager = {{"page_text", Fill(Fill(T(ctx, "page_of"), "{page}", std::to_string(page)), "{pages}",
                                     std::to_string(pages))}};
    if (page > 1) pager["prev"] = base + "page=" + std::to_string(page - 1);
    if (page < pages) pager["next"] = base + "page=" + std::to_string(page + 1);
    model["pager"] = pager;
  }
  return Page(ctx, "practices/list", T(ctx, "pr_title"), model);
}

Response PracticesModule::MatrixPage(Context& ctx) {
  auto query = QueryFromRequest(ctx, kPerPage);
  if (!query.ok()) return Error(ctx, query.status());
  auto m = services_.practices->CountMatrix(*query);
  if (!m.ok()) return Error(ctx, m.status());
  auto terms = services_.practices->Terms();
  if (!terms.ok()) return Error(ctx, terms.status());
  // Links keep the other filters and set phase and crisis.
  std::string base;
  for (const auto& [k, v] : QueryPairs(ctx.req)) {
    if (k == "page" || k == "lang" || k == "phase" || k == "crisis") continue;
    base += PercentEncode(k) + "=" + PercentEncode(v) + "&";
  }
  const std::string by_phase = "/practices?" + base + "phase=";
  const std::string by_crisis = "/practices?" + base + "crisis=";
  json columns = json::array();
  for (const auto& phase : m->phases) {
    columns.push_back({{"label", Label(*terms, "phase", phase, ctx.lang)},
                       {"url", by_phase + phase},
                       {"count", m->phase_totals[phase]}});
  }
  json rows = json::array();
  for (const auto& crisis : m->crises) {
    json cells = json::array();
    for (const auto& phase : m->phases) {
      auto it = m->counts.find({crisis, phase});
      std::int64_t n = it == m->counts.end() ? 0 : it->second;
      cells.push_back(
          {{"count", n},
           {"url",
            n > 0 ? json(std::string(by_phase).append(phase).append("&crisis=").append(crisis)) : json()},
           {"level", n == 0   ? 0
                     : n < 3  ? 1
                     : n < 10 ? 2
                              : 3}});
    }
    rows.push_back({{"label", Label(*terms, "crisis", crisis, ctx.lang)},
                    {"url", by_crisis + crisis},
                    {"total", m->crisis_totals[crisis]},
                    {"cells", cells}});
  }
  json model = {
      {"columns", columns}, {"rows", rows}, {"total", m->total}, {"list_url", "/practices?" + base}};
  return Page(ctx, "practices/matrix", T(ctx, "pr_matrix_title"), model);
}

// --- the practice page ---

Response PracticesModule::PracticePage(Context& ctx) {
  auto view = Find(ctx, ctx.req.params.at("id"));
  if (!view.ok()) return Error(ctx, view.status());
  const Practice& p = view->practice;
  if (p.lifecycle == practices::Lifecycle::kMerged && p.merged_into &&
      !practices::PracticeService::CanModerate(ctx.actor(), p)) {
    return Response::Redirect("/practices/" + std::to_string(*p.merged_into), 301);
  }
  auto terms = services_.practices->Terms();
  if (!terms.ok()) return Error(ctx, terms.status());
  const std::string& lang = ctx.lang;
  // The reader's language if there, else another: each part says its language.
  std::string shown_lang = p.texts.count(lang) ? lang : (p.texts.count("en") ? "en" : p.Languages().front());
  const auto& t = p.texts.at(shown_lang);
  json parts = json::array();
  const std::pair<const char*, const std::string*> sections[] = {
      {"problem", &t.problem}, {"description", &t.description}, {"results", &t.results},
      {"lessons", &t.lessons}, {"resources", &t.resources},     {"transferability", &t.transferability}};
  for (const auto& [name, text] : sections) {
    if (text->empty()) continue;
    parts.push_back(
        {{"heading", T(ctx, std::string("pr_field_") + name)}, {"html", text::RenderMarkdown(*text)}});
  }
  auto labels = [&](const std::vector<std::string>& codes, const char* vocabulary) {
    json out = json::array();
    for (const auto& c : codes) {
      out.push_back(
          {{"label", Label(*terms, vocabulary, c, ctx.lang)},
           {"url", "/practices?" + std::string(vocabulary == std::string("type") ? "ptype" : vocabulary) +
                       "=" + c}});
    }
    return out;
  };
  json classification = json::array();
  const std::pair<const char*, const std::vector<std::string>*> vocabularies[] = {
      {"phase", &p.phases},         {"crisis", &p.crises},  {"theme", &p.themes},
      {"guideline", &p.guidelines}, {"target", &p.targets}, {"type", &p.types}};
  for (const auto& [vocabulary, codes] : vocabularies) {
    if (codes->empty()) continue;
    classification.push_back(
        {{"name", T(ctx, std::string("pr_vocab_") + vocabulary)}, {"values", labels(*codes, vocabulary)}});
  }
  json places = json::array();
  for (const auto& place : p.places) {
    places.push_back({{"country", countries_.Name(place.country, ctx.lang)},
                      {"code", place.country},
                      {"role", T(ctx, "pr_role_" + std::string(practices::ToString(place.role)))}});
  }
  json partners = json::array();
  for (const auto& party : p.partners) {
    partners.push_back(
        {{"name", party.name},
         {"url", party.slug.empty() ? json() : json("/organisations/" + party.slug)},
         {"actor",
          party.actor_kind.empty() ? json() : json(Label(*terms, "actor", party.actor_kind, ctx.lang))}});
  }
  json adoptions = json::array();
  for (const auto& a : view->adoptions) {
    bool can_remove =
        ctx.user && (a.created_by == ctx.user->id || practices::PracticeService::CanModerate(ctx.actor(), p));
    adoptions.push_back({{"id", a.id},
                         {"practice_id", p.id},
                         {"organisation", a.organisation.name},
                         {"organisation_url", "/organisations/" + a.organisation.slug},
                         {"country", countries_.Name(a.country, ctx.lang)},
                         {"start_date", a.start_date.value_or("")},
                         {"results_html", text::RenderMarkdown(a.results)},
                         {"lang", a.lang},
                         {"can_remove", can_remove}});
  }
  json files = json::array();
  for (const auto& f : p.files) {
    files.push_back({{"url", "/practices/files/" + std::to_string(f.id)},
                     {"name", f.filename},
                     {"type", f.content_type},
                     {"size", std::to_string((f.size + 1023) / 1024) + " KB"}});
  }
  json links = json::array();
  for (const auto& l : p.links)
    links.push_back({{"url", l.url}, {"label", l.label.empty() ? l.url : l.label}});
  json linked = json::array();
  for (Id id : p.campaigns) {
    if (!services_.campaigns) break;
    auto c = services_.campaigns->Get(ctx.actor(), id);
    if (c.ok())
      linked.push_back({{"url", "/campaigns/" + std::to_string(id)},
                        {"title", c->Text(ctx.lang).title},
                        {"kind", T(ctx, "pr_linked_campaign")}});
  }
  for (Id id : p.threads) {
    if (!services_.exchange) break;
    auto th = services_.exchange->GetThread(ctx.actor(), id);
    if (th.ok())
      linked.push_back({{"url", "/threads/" + std::to_string(id)},
                        {"title", th->thread.title},
                        {"kind", T(ctx, "pr_linked_thread")}});
  }
  json groups = json::array();
  for (const auto& c : view->collections) {
    if (!services_.exchange) break;
    auto g = services_.exchange->GetGroup(ctx.actor(), c.group_id);
    if (g.ok() && g->can_read) {
      groups.push_back({{"name", g->group.name},
                        {"url", "/groups/" + std::to_string(c.group_id) + "/practices"},
                        {"id", c.group_id},
                        {"can_remove", g->can_post}});
    }
  }
  json similar = json::array();
  if (p.lifecycle == practices::Lifecycle::kPublished) {
    auto sim = services_.practices->Similar(ctx.actor(), p.id, 5);
    if (sim.ok()) {
      for (const auto& s : *sim) similar.push_back(Card(ctx, s, *terms));
    }
  }
  // What the reader may do.
  auto actor = ctx.actor();
  bool moderator = practices::PracticeService::CanModerate(actor, p);
  bool editor = practices::PracticeService::CanEdit(actor, p);
  auto is = [&](practices::Lifecycle l) { return p.lifecycle == l; };
  json my_orgs = json::array();
  json my_groups = json::array();
  if (ctx.user) {
    for (const auto& m : ctx.user->memberships) {
      if (!p.lead.org_id || *p.lead.org_id != m.organisation_id)
        my_orgs.push_back({{"slug", m.organisation_slug}, {"name", m.organisation_name}});
    }
    if (services_.exchange && is(practices::Lifecycle::kPublished)) {
      auto all = services_.exchange->Groups(100, 0);
      if (all.ok()) {
        for (const auto& g : *all) {
          bool collected = std::any_of(view->collections.begin(), view->collections.end(),
                                       [&](const practices::Collection& c) { return c.group_id == g.id; });
          if (!collected && IsGroupMember(ctx, g.id)) my_groups.push_back({{"id", g.id}, {"name", g.name}});
        }
      }
    }
  }
  json messages = json::array();
  if (moderator || (p.lead.org_id && ctx.user && ctx.user->RoleIn(*p.lead.org_id))) {
    auto ms = services_.practices->Messages(actor, p.id);
    if (ms.ok()) {
      for (const auto& m : *ms) {
        messages.push_back(
            {{"from", m.from_moderator ? T(ctx, "pr_from_moderator") : T(ctx, "pr_from_contributor")},
             {"name", m.author_name},
             {"text", m.text}});
      }
    }
  }
  std::vector<std::string> text_langs;
  for (const auto& l : p.Languages()) text_langs.push_back(T(ctx, "pr_language_" + l));
  json model = {
      {"id", p.id},
      {"version", p.version},
      {"title", t.title},
      {"summary", t.summary},
      {"lang", shown_lang},
      {"other_lang", shown_lang != lang},
      {"languages", JoinStrings(text_langs, ", ")},
      {"lead", p.lead.name},
      {"lead_url", p.lead.slug.empty() ? json() : json("/organisations/" + p.lead.slug)},
      {"lead_actor",
       p.lead.actor_kind.empty() ? json() : json(Label(*terms, "actor", p.lead.actor_kind, ctx.lang))},
      {"partners", partners},
      {"has_partners", !partners.empty()},
      {"places", places},
      {"has_places", !places.empty()},
      {"generalised_location", p.generalised_location.empty() ? json() : json(p.generalised_location)},
      {"when", p.start_date ? json(*p.start_date + (p.end_date ? " – " + *p.end_date : "")) : json()},
      {"crisis_other", p.crisis_other.empty() ? json() : json(p.crisis_other)},
      {"classification", classification},
      {"parts", parts},
      {"redacted", view->redacted},
      {"contacts", p.contacts.empty() ? json() : json(p.contacts)},
      {"links", links},
      {"has_links", !links.empty()},
      {"files", files},
      {"has_files", !files.empty()},
      {"licence", T(ctx, "pr_licence_" + p.licence)},
      {"linked", linked},
      {"has_linked", !linked.empty()},
      {"adoptions", adoptions},
      {"has_adoptions", !adoptions.empty()},
      {"groups", groups},
      {"has_groups", !groups.empty()},
      {"similar", similar},
      {"has_similar", !similar.empty()},
      {"lifecycle", T(ctx, "pr_lifecycle_" + std::string(practices::ToString(p.lifecycle)))},
      {"published", is(practices::Lifecycle::kPublished)},
      {"sensitive", p.sensitivity != practices::Sensitivity::kNormal && (moderator || editor)},
      {"sensitivity", T(ctx, "pr_sensitivity_" + std::string(practices::ToString(p.sensitivity)))},
      {"moderation_note",
       (moderator || editor) && !p.moderation_note.empty() ? json(p.moderation_note) : json()},
      {"contributor", moderator && !p.contributor.email.empty()
                          ? json(p.contributor.name + " <" + p.contributor.email + ">")
                          : json()},
      {"messages", messages},
      {"has_messages", !messages.empty()},
      {"can_edit", editor && !is(practices::Lifecycle::kMerged) && !is(practices::Lifecycle::kRejected)},
      {"can_submit", (editor || (p.lead.org_id && ctx.user && ctx.user->RoleIn(*p.lead.org_id))) &&
                         (is(practices::Lifecycle::kDraft) || is(practices::Lifecycle::kReturned))},
      {"can_publish",
       moderator && (is(practices::Lifecycle::kSubmitted) || is(practices::Lifecycle::kArchived))},
      {"can_return", moderator && is(practices::Lifecycle::kSubmitted)},
      {"can_reject",
       moderator && (is(practices::Lifecycle::kSubmitted) || is(practices::Lifecycle::kReturned))},
      {"can_merge", moderator && !is(practices::Lifecycle::kMerged) && !is(practices::Lifecycle::kRejected)},
      {"can_ask", moderator},
      {"can_archive", (moderator || editor) && is(practices::Lifecycle::kPublished)},
      {"can_adopt", !my_orgs.empty() && is(practices::Lifecycle::kPublished)},
      {"my_orgs", my_orgs},
      {"can_collect", !my_groups.empty()},
      {"my_groups", my_groups},
      {"history_count", 0},
      {"print_css", "/practices/print.css"},
  };
  for (const char* k : {"summary"}) {
    if (model[k].get<std::string>().empty()) model[k] = nullptr;
  }
  return Page(ctx, "practices/practice", t.title, model);
}

// --- the form ---

Response PracticesModule::FormPage(Context& ctx, const Practice* existing, const json& values,
                                   const Status& error, int status) {
  auto terms = services_.practices->Terms();
  if (!terms.ok()) return Error(ctx, terms.status());
  json model = json::object();
  std::map<std::string, std::string> field_errors;
  if (!error.ok()) field_errors = FieldMessages(ctx, error);
  // Text parts, one fieldset per language; the reader's language first.
  json langs = json::array();
  std::vector<std::string> order = {ctx.lang};
  for (const char* l : kLangs) {
    if (l != ctx.lang) order.push_back(l);
  }
  for (const auto& l : order) {
    json parts = json::array();
    bool any = false;
    for (const char* part : kParts) {
      std::string name = std::string(part) + "." + l;
      std::string value = Str(values, name);
      any = any || !value.empty();
      parts.push_back({{"name", name},
                       {"id", FieldId(part, l)},
                       {"label", T(ctx, std::string("pr_field_") + part)},
                       {"hint", T(ctx, std::string("pr_hint_") + part)},
                       {"value", value},
                       {"long", std::string(part) != "title"},
                       {"required", std::string(part) == "title" && l == ctx.lang},
                       {"error", field_errors.count(name) ? json(field_errors[name]) : json()}});
    }
    langs.push_back({{"lang", l},
                     {"label", T(ctx, "pr_language_" + l)},
                     {"parts", parts},
                     {"open", l == ctx.lang || any}});
  }
  model["langs"] = langs;
  auto boxes = [&](const char* vocabulary, const std::string& field) {
    std::vector<std::string> chosen = Strings(values, field);
    json out = json::array();
    for (const auto& t : *terms) {
      if (t.vocabulary != vocabulary) continue;
      if (!t.active && !Contains(chosen, t.code)) continue;
      out.push_back({{"value", t.code},
                     {"label", t.Label(ctx.lang)},
                     {"id", FieldId(field, t.code)},
                     {"parent", t.parent.empty() ? json() : json(Label(*terms, "phase", t.parent, ctx.lang))},
                     {"checked", Contains(chosen, t.code)}});
    }
    return out;
  };
  model["phases"] = boxes("phase", "phases");
  model["crises"] = boxes("crisis", "crises");
  model["themes"] = boxes("theme", "themes");
  model["guidelines"] = boxes("guideline", "guidelines");
  model["targets"] = boxes("target", "targets");
  model["types"] = boxes("type", "types");
  json actors = json::array({{{"value", ""}, {"label", T(ctx, "pr_choose")}, {"selected", false}}});
  for (const auto& t : *terms) {
    if (t.vocabulary == "actor" && t.active)
      actors.push_back({{"value", t.code},
                        {"label", t.Label(ctx.lang)},
                        {"selected", Str(values, "lead_actor") == t.code}});
  }
  model["actors"] = actors;
  json licences = json::array();
  for (const char* l : {"cc-by", "cc-by-sa", "cc-by-nc", "cc0", "all-rights-reserved"}) {
    std::string chosen = Str(values, "licence").empty() ? "cc-by" : Str(values, "licence");
    licences.push_back(
        {{"value", l}, {"label", T(ctx, std::string("pr_licence_") + l)}, {"selected", chosen == l}});
  }
  model["licences"] = licences;
  json sensitivities = json::array();
  for (const char* s : {"normal", "sensitive", "restricted"}) {
    std::string chosen = Str(values, "sensitivity").empty() ? "normal" : Str(values, "sensitivity");
    sensitivities.push_back({{"value", s},
                             {"id", std::string("f-sensitivity-") + s},
                             {"label", T(ctx, std::string("pr_sensitivity_") + s)},
                             {"hint", T(ctx, std::string("pr_sensitivity_hint_") + s)},
                             {"checked", chosen == s}});
  }
  model["sensitivities"] = sensitivities;
  for (const char* k :
       {"lead_name", "partners", "generalised_location", "start_date", "end_date", "crisis_other", "contacts",
        "links", "campaigns", "threads", "contributor_name", "contributor_email", "countries_crisis",
        "countries_origin", "countries_transit", "countries_destination"}) {
    model[k] = Str(values, k);
  }
  model["contacts_private"] = Str(values, "contacts_private") == "1";
  model["summary_only"] = Str(values, "summary_only") == "1";
  // Members write for an organisation; anyone else is an open contributor.
  json orgs = json::array();
  if (ctx.user && !existing) {
    for (const auto& m : ctx.user->memberships) {
      orgs.push_back({{"slug", m.organisation_slug},
                      {"name", m.organisation_name},
                      {"selected", Str(values, "organisation") == m.organisation_slug}});
    }
  }
  model["orgs"] = orgs;
  model["member"] = !orgs.empty();
  model["open"] = !existing;
  model["editing"] = existing != nullptr;
  model["action"] =
      existing ? "/practices/" + std::to_string(existing->id) + "/edit" : std::string("/practices");
  if (existing) model["version"] = existing->version;
  model["stamp"] = FormStamp();
  if (!error.ok()) {
    json errors = json::array();
    for (const auto& [field, message] : field_errors) {
      std::string key = field;
      std::replace(key.begin(), key.end(), '.', '_');
      // The first field of that name in the form: its language's part, or the field itself.
      size_t dot = field.find('.');
      std::string anchor = dot != std::string::npos ? FieldId(std::string_view(field).substr(0, dot),
                                                              std::string_view(field).substr(dot + 1))
                                                    : "f-" + field;
      errors.push_back({{"field", anchor},
                        {"label", T(ctx, "pr_field_" + field.substr(0, field.find('.')))},
                        {"message", message}});
      model["e_" + key] = message;
    }
    if (errors.empty()) errors.push_back({{"field", ""}, {"message", error.message()}});
    model["errors"] = errors;
    model["has_errors"] = true;
  }
  Response r =
      Page(ctx, "practices/form", existing ? T(ctx, "pr_edit_title") : T(ctx, "pr_new_title"), model, status);
  // The form carries the time it was shown (the open form's guard): never
  // kept for another reader.
  r.Set("Cache-Control", "no-store");
  return r;
}

Response PracticesModule::NewForm(Context& ctx) {
  json values = json::object();
  if (ctx.user) values["contributor_name"] = ctx.user->name;
  return FormPage(ctx, nullptr, values, Status::Ok(), 200);
}

Response PracticesModule::SubmitForm(Context& ctx) {
  json values = FormValues(ctx);
  Status parse_error;
  practices::PracticeInput in = InputFromForm(ctx, parse_error);
  if (!parse_error.ok()) return FormPage(ctx, nullptr, values, parse_error, 422);
  in.contributor_lang = ctx.lang;
  std::string org = ctx.Form("organisation");
  if (ctx.user && !org.empty()) {
    // A member's draft for their organisation.
    auto p = services_.practices->Create(ctx.actor(), in);
    if (!p.ok()) {
      int status = p.status().kind() == Status::Kind::kValidation ? 422 : 0;
      if (status == 0) return Error(ctx, p.status());
      return FormPage(ctx, nullptr, values, p.status(), status);
    }
    return Response::Redirect("/practices/" + std::to_string(p->id) + "?msg=flash_pr_draft");
  }
  in.organisation.reset();
  practices::OpenGuard guard;
  guard.address_key = crypto::Sha256Hex("waymark-practices:" + ctx.client_addr);
  guard.honeypot_filled = !ctx.Form("website").empty();
  guard.form_shown_at = CheckStamp(ctx.Form("form_stamp"));
  std::vector<practices::Upload> uploads;
  if (ctx.req.ContentType() == "multipart/form-data") {
    auto parts = http::ParseMultipart(ctx.req.Header("content-type"), ctx.req.body);
    if (!parts.ok()) return Error(ctx, parts.status());
    for (auto& part : *parts) {
      if (part.name == "files" && part.filename && !part.body.empty())
        uploads.push_back(practices::Upload{*part.filename, std::move(part.body)});
    }
  }
  auto submitted = services_.practices->SubmitOpen(ctx.actor(), in, guard, uploads);
  if (!submitted.ok()) {
    const Status& s = submitted.status();
    if (s.kind() == Status::Kind::kValidation) return FormPage(ctx, nullptr, values, s, 422);
    if (s.kind() == Status::Kind::kTooManyRequests) {
      Response r = FormPage(ctx, nullptr, values, s, 429);
      r.Set("Retry-After", std::to_string(s.retry_after_seconds()));
      return r;
    }
    return Error(ctx, s);
  }
  MailStatusLink(ctx, submitted->practice, submitted->status_token);
  json model = {{"title", submitted->practice.Text(ctx.lang).title},
                {"status_url", "/practices/status/" + submitted->status_token},
                {"email", submitted->practice.contributor.email},
                {"mailed", static_cast<bool>(services_.send_mail)}};
  return Page(ctx, "practices/submitted", T(ctx, "pr_submitted_title"), model, 201);
}

Response PracticesModule::EditForm(Context& ctx) {
  auto view = Find(ctx, ctx.req.params.at("id"));
  if (!view.ok()) return Error(ctx, view.status());
  const Practice& p = view->practice;
  if (!practices::PracticeService::CanEdit(ctx.actor(), p) &&
      !practices::PracticeService::CanModerate(ctx.actor(), p))
    return Error(ctx, Status::PermissionDenied("you may not edit this practice"));
  return FormPage(ctx, &p, PracticeValues(p), Status::Ok(), 200);
}

Response PracticesModule::SaveEdit(Context& ctx) {
  auto view = Find(ctx, ctx.req.params.at("id"));
  if (!view.ok()) return Error(ctx, view.status());
  json values = FormValues(ctx);
  Status parse_error;
  practices::PracticeInput in = InputFromForm(ctx, parse_error);
  if (!parse_error.ok()) return FormPage(ctx, &view->practice, values, parse_error, 422);
  auto p = services_.practices->Update(ctx.actor(), view->practice.id, in);
  if (!p.ok()) {
    if (p.status().kind() == Status::Kind::kValidation)
      return FormPage(ctx, &view->practice, values, p.status(), 422);
    return Error(ctx, p.status());
  }
  return Response::Redirect("/practices/" + std::to_string(p->id) + "?msg=flash_pr_saved");
}

Response PracticesModule::Action(Context& ctx) {
  const std::string& id_text = ctx.req.params.at("id");
  if (!IsDigits(id_text)) return Error(ctx, Status::NotFound("no such practice"));
  Id id = std::stoll(id_text);
  std::string action = ctx.req.path.substr(ctx.req.path.rfind('/') + 1);
  auto actor = ctx.actor();
  std::optional<std::int64_t> version;
  if (IsDigits(ctx.Form("version"))) version = std::stoll(ctx.Form("version"));
  Status s;
  auto svc = services_.practices;
  if (action == "submit") s = svc->Submit(actor, id, version).status();
  if (action == "publish") s = svc->Publish(actor, id, version).status();
  if (action == "return") s = svc->Return(actor, id, ctx.Form("questions"), version).status();
  if (action == "reject") s = svc->Reject(actor, id, ctx.Form("reason")).status();
  if (action == "archive") s = svc->Archive(actor, id, ctx.Form("reason")).status();
  if (action == "ask") s = svc->Ask(actor, id, ctx.Form("text")).status();
  if (action == "merge") {
    std::string into = ctx.Form("into");
    if (!into.empty() && into[0] == '#') into = into.substr(1);
    if (!IsDigits(into))
      return Error(ctx, Site::FieldError("into", "pr_id", "give the number of the practice to keep"));
    s = svc->Merge(actor, id, std::stoll(into), ctx.Form("reason")).status();
  }
  if (!s.ok()) return Error(ctx, s);
  if (action == "return") {
    // The contributor hears of the questions by e-mail when one is known.
    auto p = svc->store().Get(id);
    if (p.ok() && services_.send_mail && !p->contributor.email.empty()) {
      const std::string& lang = p->contributor.lang;
      std::string subject =
          Fill(catalog_.Get(lang, "pr_mail_questions_subject"), "{title}", p->Text(lang).title);
      std::string text =
          Fill(catalog_.Get(lang, "pr_mail_questions_body"), "{questions}", ctx.Form("questions"));
      (void)services_.send_mail(p->contributor.email, subject, text);
    }
  }
  return Response::Redirect("/practices/" + std::to_string(id) + "?msg=flash_pr_" + action);
}

// --- the contributor's status link ---

Response PracticesModule::StatusPage(Context& ctx) { return StatusView(ctx, "", Status::Ok(), 200); }

Response PracticesModule::StatusView(Context& ctx, const std::string& answer, const Status& error,
                                     int status) {
  auto found = services_.practices->ByStatusToken(ctx.req.params.at("token"));
  if (!found.ok()) return ErrorPage(ctx, 404, found.status().message());
  const Practice& p = found->first;
  json messages = json::array();
  for (const auto& m : found->second) {
    messages.push_back({{"from", m.from_moderator ? T(ctx, "pr_from_moderator") : T(ctx, "pr_from_you")},
                        {"text", m.text},
                        {"moderator", m.from_moderator}});
  }
  json model = {
      {"title", p.Text(ctx.lang).title},
      {"lifecycle", T(ctx, "pr_lifecycle_" + std::string(practices::ToString(p.lifecycle)))},
      {"explain", T(ctx, "pr_status_explain_" + std::string(practices::ToString(p.lifecycle)))},
      {"messages", messages},
      {"has_messages", !messages.empty()},
      {"can_answer",
       p.lifecycle == practices::Lifecycle::kReturned || p.lifecycle == practices::Lifecycle::kSubmitted},
      {"published_url",
       p.lifecycle == practices::Lifecycle::kPublished ? json("/practices/" + std::to_string(p.id)) : json()},
      {"action", "/practices/status/" + ctx.req.params.at("token")},
      {"answer", answer}};
  if (!error.ok()) {
    auto fields = FieldMessages(ctx, error);
    model["answer_error"] = fields.count("answer") ? fields["answer"] : error.message();
  }
  return Page(ctx, "practices/status", T(ctx, "pr_status_title"), model, status);
}

Response PracticesModule::StatusAnswer(Context& ctx) {
  practices::PracticeInput in;  // answers carry text only; the practice is changed by moderators' request
  auto r = services_.practices->Answer(ctx.actor(), ctx.req.params.at("token"), ctx.Form("answer"), in);
  if (!r.ok()) {
    if (r.status().IsNotFound()) return ErrorPage(ctx, 404, r.status().message());
    if (r.status().kind() == Status::Kind::kValidation || r.status().IsConflict())
      return StatusView(ctx, ctx.Form("answer"), r.status(), r.status().IsConflict() ? 409 : 422);
    return Error(ctx, r.status());
  }
  return Response::Redirect("/practices/status/" + ctx.req.params.at("token") + "?msg=flash_pr_answered");
}

// --- adoptions, collections, files ---

Response PracticesModule::AdoptionAdd(Context& ctx) {
  const std::string& id = ctx.req.params.at("id");
  if (!IsDigits(id)) return Error(ctx, Status::NotFound("no such practice"));
  practices::Adoption a;
  a.country = ctx.Form("country");
  if (!ctx.Form("start_date").empty()) a.start_date = ctx.Form("start_date");
  if (!ctx.Form("end_date").empty()) a.end_date = ctx.Form("end_date");
  a.results = ctx.Form("results");
  a.lang = ctx.lang;
  auto r = services_.practices->AddAdoption(ctx.actor(), std::stoll(id), ctx.Form("organisation"), a);
  if (!r.ok()) {
    if (r.status().kind() != Status::Kind::kValidation) return Error(ctx, r.status());
    auto view = Find(ctx, id);
    if (!view.ok()) return Error(ctx, view.status());
    return AdoptionForm(ctx, *view, r.status());
  }
  return Response::Redirect("/practices/" + id + "?msg=flash_pr_adopted#adoptions");
}

Response PracticesModule::AdoptionForm(Context& ctx, const practices::PracticeView& view,
                                       const Status& error) {
  json errors = json::array();
  for (const auto& [field, message] : FieldMessages(ctx, error)) {
    errors.push_back({{"field", "a-" + field}, {"label", T(ctx, "pr_field_" + field)}, {"message", message}});
  }
  json orgs = json::array();
  if (ctx.user) {
    for (const auto& m : ctx.user->memberships) {
      orgs.push_back({{"slug", m.organisation_slug},
                      {"name", m.organisation_name},
                      {"selected", m.organisation_slug == ctx.Form("organisation")}});
    }
  }
  json model = {{"id", view.practice.id},
                {"title", view.practice.Text(ctx.lang).title},
                {"errors", errors},
                {"orgs", orgs},
                {"country", ctx.Form("country")},
                {"start_date", ctx.Form("start_date")},
                {"end_date", ctx.Form("end_date")},
                {"results", ctx.Form("results")}};
  return Page(ctx, "practices/adoption", T(ctx, "pr_adopt"), model, 422);
}

Response PracticesModule::AdoptionRemove(Context& ctx) {
  const std::string& id = ctx.req.params.at("id");
  const std::string& aid = ctx.req.params.at("aid");
  if (!IsDigits(id) || !IsDigits(aid)) return Error(ctx, Status::NotFound("no such record"));
  Status s = services_.practices->RemoveAdoption(ctx.actor(), std::stoll(aid));
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/practices/" + id + "#adoptions");
}

Response PracticesModule::CollectionAdd(Context& ctx) {
  const std::string& id = ctx.req.params.at("id");
  std::string gid = ctx.Form("group");
  if (!IsDigits(id)) return Error(ctx, Status::NotFound("no such practice"));
  if (!IsDigits(gid)) return Error(ctx, Site::FieldError("group", "pr_id", "choose a working group"));
  Status s = services_.practices->Collect(ctx.actor(), std::stoll(gid), std::stoll(id),
                                          IsGroupMember(ctx, std::stoll(gid)));
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/practices/" + id + "?msg=flash_pr_collected");
}

Response PracticesModule::CollectionRemove(Context& ctx) {
  const std::string& id = ctx.req.params.at("id");
  std::string gid = ctx.Form("group");
  if (!IsDigits(id)) return Error(ctx, Status::NotFound("no such practice"));
  if (!IsDigits(gid)) return Error(ctx, Site::FieldError("group", "pr_id", "choose a working group"));
  Status s = services_.practices->Uncollect(ctx.actor(), std::stoll(gid), std::stoll(id),
                                            IsGroupMember(ctx, std::stoll(gid)));
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/practices/" + id);
}

Response PracticesModule::GroupPractices(Context& ctx) {
  const std::string& gid = ctx.req.params.at("gid");
  if (!IsDigits(gid) || !services_.exchange) return Error(ctx, Status::NotFound("no such group"));
  auto g = services_.exchange->GetGroup(ctx.actor(), std::stoll(gid));
  if (!g.ok()) return Error(ctx, g.status());
  if (!g->can_read) return Error(ctx, Status::NotFound("no such group"));
  auto list = services_.practices->CollectedBy(ctx.actor(), std::stoll(gid));
  if (!list.ok()) return Error(ctx, list.status());
  auto terms = services_.practices->Terms();
  if (!terms.ok()) return Error(ctx, terms.status());
  json results = json::array();
  for (const auto& p : *list) results.push_back(Card(ctx, p, *terms));
  json model = {{"group", g->group.name},
                {"group_url", "/groups/" + gid},
                {"results", results},
                {"has_results", !results.empty()}};
  return Page(ctx, "practices/group", Fill(T(ctx, "pr_group_title"), "{group}", g->group.name), model);
}

Response PracticesModule::FileDownload(Context& ctx) {
  const std::string& fid = ctx.req.params.at("fid");
  if (!IsDigits(fid)) return Error(ctx, Status::NotFound("no such file"));
  auto f = services_.practices->GetFile(ctx.actor(), std::stoll(fid));
  if (!f.ok()) return Error(ctx, f.status());
  Response r;
  r.status = 200;
  r.body = std::move(f->second);
  r.headers.emplace_back("Content-Type", f->first.content_type);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  std::string ascii;
  for (char c : f->first.filename)
    ascii.push_back((c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? c : '_');
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" +
                                                    PercentEncode(f->first.filename));
  r.headers.emplace_back("Cache-Control", "private, max-age=3600");
  return r;
}

Response PracticesModule::HistoryPage(Context& ctx) {
  auto view = Find(ctx, ctx.req.params.at("id"));
  if (!view.ok()) return Error(ctx, view.status());
  auto revisions = services_.practices->History(ctx.actor(), view->practice.id);
  if (!revisions.ok()) return Error(ctx, revisions.status());
  json rows = json::array();
  for (const auto& r : *revisions) {
    rows.push_back(
        {{"version", r.version},
         {"at", FormatIso8601(r.at)},
         {"who", r.actor_label.empty() ? json() : json(r.actor_label)},
         {"action", T(ctx, "pr_action_done_" + r.action)},
         {"lifecycle", T(ctx, "pr_lifecycle_" + std::string(practices::ToString(r.snapshot.lifecycle)))},
         {"note", r.note.empty() ? json() : json(r.note)}});
  }
  json model = {{"title", view->practice.Text(ctx.lang).title},
                {"url", "/practices/" + std::to_string(view->practice.id)},
                {"rows", rows},
                {"has_rows", !rows.empty()}};
  return Page(ctx, "practices/history", T(ctx, "pr_history_title"), model);
}

// --- moderation and vocabularies ---

Response PracticesModule::Moderation(Context& ctx) {
  auto list = services_.practices->AwaitingModeration(ctx.actor());
  if (!list.ok()) return Error(ctx, list.status());
  auto terms = services_.practices->Terms();
  if (!terms.ok()) return Error(ctx, terms.status());
  json results = json::array();
  for (const auto& p : *list) {
    json card = Card(ctx, p, *terms);
    card["open"] = !p.lead.org_id.has_value();
    card["sensitive"] = p.sensitivity != practices::Sensitivity::kNormal;
    card["sensitivity"] = T(ctx, "pr_sensitivity_" + std::string(practices::ToString(p.sensitivity)));
    results.push_back(card);
  }
  json model = {{"results", results}, {"has_results", !results.empty()}};
  return Page(ctx, "practices/moderation", T(ctx, "pr_moderation_title"), model);
}

Response PracticesModule::TermsPage(Context& ctx) {
  if (!practices::PracticeService::ModeratesAnywhere(ctx.actor()))
    return Error(ctx, Status::PermissionDenied("only moderators edit the vocabularies"));
  auto terms = services_.practices->Terms();
  if (!terms.ok()) return Error(ctx, terms.status());
  json groups = json::array();
  for (const char* vocabulary : practices::kVocabularies) {
    json rows = json::array();
    for (const auto& t : *terms) {
      if (t.vocabulary != vocabulary) continue;
      auto label = [&](const char* l) { return t.labels.count(l) ? t.labels.at(l) : std::string(); };
      rows.push_back({{"code", t.code},
                      {"parent", t.parent},
                      {"position", t.position},
                      {"active", t.active},
                      {"en", label("en")},
                      {"fr", label("fr")},
                      {"es", label("es")},
                      {"id", std::string(vocabulary) + "-" + t.code}});
    }
    groups.push_back({{"vocabulary", vocabulary},
                      {"name", T(ctx, std::string("pr_vocab_") + vocabulary)},
                      {"rows", rows}});
  }
  return Page(ctx, "practices/terms", T(ctx, "pr_terms_title"), {{"groups", groups}});
}

Response PracticesModule::TermSave(Context& ctx) {
  Term t;
  t.vocabulary = ctx.Form("vocabulary");
  t.code = ctx.Form("code");
  t.parent = ctx.Form("parent");
  t.active = ctx.Form("active") == "1";
  if (IsDigits(ctx.Form("position")) && ctx.Form("position").size() < 6)
    t.position = std::stoi(ctx.Form("position"));
  for (const char* l : kLangs) t.labels[l] = ctx.Form(std::string("label_") + l);
  Status s = services_.practices->SaveTerm(ctx.actor(), t);
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/moderation/practice-terms?msg=flash_pr_term_saved#" + t.vocabulary);
}

Response PracticesModule::PrintCss(Context& ctx) {
  (void)ctx;
  const auto& files = embedded_practices::Files();
  auto it =
      std::find_if(files.begin(), files.end(), [](const auto& f) { return f.first.ends_with("print.css"); });
  if (it == files.end()) return Response::Text(404, "no stylesheet");
  Response r = Response::Text(200, std::string(it->second));
  r.headers.clear();
  r.headers.emplace_back("Content-Type", "text/css; charset=utf-8");
  r.headers.emplace_back("Cache-Control", "public, max-age=86400");
  return r;
}

}  // namespace waymark::web
