// Pages: the campaigns database. Search with facets, the campaign page with
// its workflow buttons, the create/edit form, media, history, lineage, the
// moderation queue and the theme vocabulary. Every route of the campaigns
// module (pages, API and feeds) is registered here.
#include <algorithm>
#include <set>

#include "core/strings.h"
#include "crypto/crypto.h"
#include "http/multipart.h"
#include "i18n/countries.h"
#include "text/markdown.h"
#include "web/campaigns/campaigns_module.h"
#include "web/campaigns/world_map.h"
#include "web/helpers.h"

namespace waymark::web {

using campaigns::Campaign;
using http::Response;
using nlohmann::json;

namespace {

constexpr int kPerPage = 20;
const char* const kLangs[] = {"en", "fr", "es"};
const char* const kFacetNames[] = {"country", "theme", "org", "status", "lang", "year", "channel"};

// Mustache sections treat "" as true: empty texts become null (false).
void NullIfEmpty(json& model, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (model.contains(k) && model[k].is_string() && model[k].get<std::string>().empty()) model[k] = nullptr;
  }
}

// A reader's text placed into an HTML message with placeholders: escaped,
// braces too, so that it cannot hold another of the message's placeholders.
std::string MessageArg(std::string_view s) { return Fill(XmlEscape(s), "{", "&#123;"); }

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The web layer's own reading of the figures box: one "name: number" a line.
Status ParseFigures(const std::string& text, std::vector<campaigns::Figure>& out) {
  int line_no = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_no;
    line = TrimAscii(line);
    if (line.empty()) continue;
    auto colon = line.rfind(':');
    std::string name(TrimAscii(line.substr(0, colon == std::string_view::npos ? 0 : colon)));
    std::string number;
    if (colon != std::string_view::npos) {
      for (char c : TrimAscii(line.substr(colon + 1))) {
        if (c != ' ' && c != ',' && c != '_' && c != '.') number.push_back(c);
      }
    }
    if (colon == std::string_view::npos || name.empty() || !IsDigits(number)) {
      FieldErrors e;
      e.Add("figures", "figure_format", "line " + std::to_string(line_no) + " is not 'name: number'",
            {{"line", std::to_string(line_no)}});
      return e.ToStatus();
    }
    out.push_back({name, std::stoll(number)});
  }
  return Status::Ok();
}

std::string FiguresText(const std::vector<campaigns::Figure>& figures) {
  std::string out;
  for (const auto& f : figures) out += f.name + ": " + std::to_string(f.value) + "\n";
  return out;
}

// The form's values as the user typed them, for re-display.
json FormValues(const Context& ctx) {
  json v = json::object();
  for (const char* lang : kLangs) {
    std::string l(lang);
    v["title_" + l] = ctx.Form("title_" + l);
    v["summary_" + l] = ctx.Form("summary_" + l);
    v["body_" + l] = ctx.Form("body_" + l);
  }
  for (const char* f :
       {"organisation", "partners", "audiences", "start_date", "end_date", "stage", "visibility", "outcomes",
        "figures", "video_links", "licence", "contact", "countries_text", "version"}) {
    v[f] = ctx.Form(f);
  }
  v["countries"] = ctx.FormAll("countries");
  v["themes"] = ctx.FormAll("themes");
  v["channels"] = ctx.FormAll("channels");
  return v;
}

json CampaignValues(const Campaign& c) {
  json v = json::object();
  for (const char* lang : kLangs) {
    std::string l(lang);
    auto it = c.texts.find(l);
    v["title_" + l] = it == c.texts.end() ? "" : it->second.title;
    v["summary_" + l] = it == c.texts.end() ? "" : it->second.summary;
    v["body_" + l] = it == c.texts.end() ? "" : it->second.body;
  }
  std::vector<std::string> partners;
  for (const auto& p : c.partners) partners.push_back(p.slug);
  v["organisation"] = c.organisation.slug;
  v["partners"] = JoinStrings(partners, ", ");
  v["audiences"] = JoinStrings(c.audiences, ", ");
  v["start_date"] = c.start_date.value_or("");
  v["end_date"] = c.end_date.value_or("");
  v["stage"] = std::string(campaigns::ToString(c.stage));
  v["visibility"] = std::string(campaigns::ToString(c.visibility));
  v["outcomes"] = c.outcomes;
  v["figures"] = FiguresText(c.figures);
  v["video_links"] = JoinStrings(c.video_links, "\n");
  v["licence"] = c.licence;
  v["contact"] = c.contact;
  v["countries"] = c.countries;
  v["countries_text"] = "";
  v["themes"] = c.themes;
  v["channels"] = c.channels;
  v["version"] = std::to_string(c.version);
  return v;
}

// The service input from the form; form-level problems (figures) in `error`.
// A field the form does not carry is left as it is (update) or defaulted
// (create); list controls carry a hidden empty entry so that clearing every
// box still says "none".
campaigns::CampaignInput InputFromForm(const Context& ctx, bool creating, Status& error) {
  campaigns::CampaignInput in;
  auto has = [&](const std::string& name) { return creating ? !ctx.Form(name).empty() : ctx.HasForm(name); };
  auto text = [&](const std::string& name, std::optional<std::string>& out) {
    if (has(name)) out = ctx.Form(name);
  };
  if (creating) in.organisation = ctx.Form("organisation");
  std::map<std::string, campaigns::LocalText> texts;
  for (const char* lang : kLangs) {
    std::string l(lang);
    if (!ctx.HasForm("title_" + l) && !ctx.HasForm("summary_" + l) && !ctx.HasForm("body_" + l)) continue;
    campaigns::LocalText t{ctx.Form("title_" + l), ctx.Form("summary_" + l), ctx.Form("body_" + l)};
    if (!creating || !t.title.empty() || !t.summary.empty() || !t.body.empty()) texts[l] = t;
  }
  if (creating || !texts.empty()) in.texts = texts;
  if (has("partners")) in.partners = SplitList(ctx.Form("partners"));
  if (ctx.HasForm("countries") || ctx.HasForm("countries_text")) {
    std::vector<std::string> countries = ctx.FormAll("countries");
    for (auto& c : SplitList(ctx.Form("countries_text"))) {
      std::string upper;
      for (char ch : c) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
      if (!Contains(countries, upper)) countries.push_back(upper);
    }
    in.countries = countries;
  }
  if (ctx.HasForm("themes")) in.themes = ctx.FormAll("themes");
  if (ctx.HasForm("channels")) in.channels = ctx.FormAll("channels");
  if (has("audiences")) in.audiences = SplitList(ctx.Form("audiences"));
  text("start_date", in.start_date);
  text("end_date", in.end_date);
  text("stage", in.stage);
  text("visibility", in.visibility);
  text("outcomes", in.outcomes);
  text("licence", in.licence);
  text("contact", in.contact);
  if (has("figures")) {
    std::vector<campaigns::Figure> figures;
    error = ParseFigures(ctx.Form("figures"), figures);
    in.figures = figures;
  }
  if (has("video_links")) {
    std::vector<std::string> links;
    for (std::string_view l : Split(ctx.Form("video_links"), '\n')) {
      l = TrimAscii(l);
      if (!l.empty()) links.emplace_back(l);
    }
    in.video_links = links;
  }
  return in;
}

}  // namespace

void CampaignsModule::AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const {
  nav.push_back({10, "/campaigns", T(ctx, "nav_campaigns"), true, ""});
}

void CampaignsModule::RegisterRoutes() {
  Route("GET", "/campaigns", Access::kPublic, &CampaignsModule::CampaignsList);
  Route("GET", "/campaigns.atom", Access::kPublic, &CampaignsModule::CampaignsAtom);
  Route("GET", "/campaigns/new", Access::kSignedIn, &CampaignsModule::CampaignNew);
  Route("POST", "/campaigns", Access::kSignedIn, &CampaignsModule::CampaignCreate);
  Route("GET", "/campaigns/{id}", Access::kPublic, &CampaignsModule::CampaignPage);
  Route("GET", "/campaigns/{id}/edit", Access::kSignedIn, &CampaignsModule::CampaignEdit);
  Route("POST", "/campaigns/{id}/edit", Access::kSignedIn, &CampaignsModule::CampaignUpdate);
  for (const char* action : {"submit", "publish", "return", "archive", "adapt"}) {
    Route("POST", ("/campaigns/{id}/" + std::string(action)).c_str(), Access::kSignedIn,
          &CampaignsModule::CampaignAction);
  }
  Route("POST", "/campaigns/{id}/media", Access::kSignedIn, &CampaignsModule::CampaignMediaUpload);
  Route("POST", "/campaigns/{id}/media/{mid}/remove", Access::kSignedIn,
        &CampaignsModule::CampaignMediaRemove);
  Route("GET", "/media/{mid}", Access::kPublic, &CampaignsModule::MediaFile);
  Route("GET", "/campaigns/{id}/history", Access::kPublic, &CampaignsModule::CampaignHistory);
  Route("GET", "/campaigns/{id}/history/{version}", Access::kPublic, &CampaignsModule::CampaignRevisionPage);
  Route("GET", "/campaigns/{id}/lineage", Access::kPublic, &CampaignsModule::CampaignLineagePage);
  Route("GET", "/campaigns/{id}/lineage.svg", Access::kPublic, &CampaignsModule::CampaignLineageSvg);
  Route("GET", "/moderation/campaigns", Access::kSignedIn, &CampaignsModule::ModerationCampaigns);
  Route("GET", "/admin/themes", Access::kAdmin, &CampaignsModule::AdminThemes);
  Route("POST", "/admin/themes", Access::kAdmin, &CampaignsModule::AdminThemeSave);

  Route("GET", "/api/v1/themes", Access::kPublic, &CampaignsModule::ApiThemes);
  Route("GET", "/api/v1/campaigns", Access::kPublic, &CampaignsModule::ApiListCampaigns);
  Route("GET", "/api/v1/campaigns.csv", Access::kPublic, &CampaignsModule::CampaignsCsv);
  Route("POST", "/api/v1/campaigns", Access::kSignedIn, &CampaignsModule::ApiCreateCampaign);
  Route("GET", "/api/v1/campaigns/{id}", Access::kPublic, &CampaignsModule::ApiGetCampaign);
  Route("PATCH", "/api/v1/campaigns/{id}", Access::kSignedIn, &CampaignsModule::ApiPatchCampaign);
  for (const char* action : {"submit", "publish", "return", "archive", "adapt"}) {
    Route("POST", ("/api/v1/campaigns/{id}/" + std::string(action)).c_str(), Access::kSignedIn,
          &CampaignsModule::ApiCampaignAction);
  }
  Route("GET", "/api/v1/campaigns/{id}/lineage", Access::kPublic, &CampaignsModule::ApiCampaignLineage);
  Route("GET", "/api/v1/campaigns/{id}/revisions", Access::kPublic, &CampaignsModule::ApiCampaignRevisions);
  Route("POST", "/api/v1/campaigns/{id}/media", Access::kSignedIn, &CampaignsModule::ApiCampaignMedia);
}

std::string CampaignsModule::ChannelLabel(const Context& ctx, const std::string& code) const {
  std::string key = "cp_channel_" + code;
  const std::string& text = T(ctx, key);
  return text == key ? code : text;
}

Result<Campaign> CampaignsModule::FindCampaign(Context& ctx, const std::string& id_or_slug) {
  if (IsDigits(id_or_slug)) return services_.campaigns->Get(ctx.actor(), std::stoll(id_or_slug));
  return services_.campaigns->GetBySlug(ctx.actor(), id_or_slug);
}

json CampaignsModule::CampaignCard(const Context& ctx, const Campaign& c,
                                   const std::vector<campaigns::Theme>& themes) const {
  const auto& text = c.Text(ctx.lang);
  json countries = json::array();
  for (const auto& code : c.countries) countries.push_back(countries_.Name(code, ctx.lang));
  json theme_labels = json::array();
  for (const auto& code : c.themes) {
    std::string label = code;
    for (const auto& t : themes) {
      if (t.code == code) label = t.Label(ctx.lang);
    }
    theme_labels.push_back(label);
  }
  json card = {{"id", c.id},
               {"slug", c.slug},
               {"url", "/campaigns/" + std::to_string(c.id)},
               {"title", text.title},
               {"summary", text.summary},
               {"organisation", c.organisation.name},
               {"organisation_slug", c.organisation.slug},
               {"countries", JoinStrings(countries.get<std::vector<std::string>>(), ", ")},
               {"themes", JoinStrings(theme_labels.get<std::vector<std::string>>(), ", ")},
               {"stage", T(ctx, "cp_stage_" + std::string(campaigns::ToString(c.stage)))},
               {"lifecycle", T(ctx, "cp_lifecycle_" + std::string(campaigns::ToString(c.lifecycle)))},
               {"adapted", c.adapted_from.has_value()}};
  NullIfEmpty(card, {"summary", "countries", "themes"});
  return card;
}

Response CampaignsModule::CampaignsList(Context& ctx) {
  auto query = CampaignQueryFromRequest(ctx, kPerPage);
  if (!query.ok()) return Error(ctx, query.status());
  search::Query q = *query;
  auto found = services_.campaigns->Search(ctx.actor(), q);
  if (!found.ok()) return Error(ctx, found.status());
  auto themes = services_.campaigns->Themes();
  if (!themes.ok()) return Error(ctx, themes.status());

  json results = json::array();
  for (std::size_t i = 0; i < found->campaigns.size(); ++i) {
    json card = CampaignCard(ctx, found->campaigns[i], *themes);
    if (i < found->results.hits.size() && !found->results.hits[i].snippet_html.empty()) {
      card["snippet_html"] = found->results.hits[i].snippet_html;  // escaped by the index, <mark> only
    }
    results.push_back(card);
  }
  // Facets as checkboxes with counts; what the reader chose stays checked.
  json facets = json::array();
  for (const char* name : kFacetNames) {
    std::string f(name);
    const auto& chosen = q.filters.count(f) ? q.filters.at(f) : std::vector<std::string>{};
    json values = json::array();
    std::map<std::string, std::int64_t> counts;
    if (auto it = found->results.facets.find(f); it != found->results.facets.end()) counts = it->second;
    for (const auto& v : chosen) counts.emplace(v, 0);
    std::vector<std::pair<std::string, std::int64_t>> sorted(counts.begin(), counts.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<std::pair<std::string, std::int64_t>> shown;
    for (const auto& entry : sorted) {
      if (shown.size() < 30 || Contains(chosen, entry.first)) shown.push_back(entry);
    }
    // Organisations are shown by acronym (or name), all read in one query;
    // the slug stays the filter value.
    std::map<std::string, std::string> org_labels;
    if (f == "org" && !shown.empty()) {
      std::vector<std::string> slugs;
      slugs.reserve(shown.size());
      for (const auto& entry : shown) slugs.push_back(entry.first);
      auto orgs = services_.accounts->GetOrganisations(slugs);
      if (!orgs.ok()) return Error(ctx, orgs.status());
      for (const auto& org : *orgs)
        org_labels[org.slug] = org.acronym && !org.acronym->empty() ? *org.acronym : org.name;
    }
    for (const auto& [value, count] : shown) {
      std::string label = value;
      if (f == "country") label = countries_.Name(value, ctx.lang);
      if (f == "theme") {
        for (const auto& t : *themes) {
          if (t.code == value) label = t.Label(ctx.lang);
        }
      }
      if (auto it = org_labels.find(value); it != org_labels.end()) label = it->second;
      if (f == "status") label = T(ctx, "cp_stage_" + value);
      if (f == "lang") label = T(ctx, "cp_language_" + value);
      if (f == "channel") label = ChannelLabel(ctx, value);
      values.push_back({{"param", f == "lang" ? "language" : f},
                        {"value", value},
                        {"label", label},
                        {"count", count},
                        {"id", FieldId(f, value)},
                        {"checked", Contains(chosen, value)}});
    }
    if (values.empty()) continue;
    facets.push_back({{"name", f}, {"legend", T(ctx, "cp_facet_" + f)}, {"values", values}});
  }

  // The current filter, for paging links and the feeds.
  std::string filter_qs, csv_qs;
  for (const auto& [k, v] : QueryPairs(ctx.req)) {
    if (k == "page" || k == "lang" || k == "msg") continue;
    filter_qs += (filter_qs.empty() ? "" : "&") + PercentEncode(k) + "=" + PercentEncode(v);
    csv_qs +=
        (csv_qs.empty() ? "" : "&") + PercentEncode(k == "language" ? "lang" : k) + "=" + PercentEncode(v);
  }
  // Did you mean: the suggestion links to its own search, with the
  // reader's filters; when these results are the suggestion's, say so.
  const search::Results& res = found->results;
  std::string spelling_html;
  if (!res.suggestion.empty()) {
    std::string url = "/campaigns?q=" + PercentEncode(res.suggestion);
    for (const auto& [k, v] : QueryPairs(ctx.req)) {
      if (k == "q" || k == "page" || k == "lang" || k == "msg") continue;
      url.append("&").append(PercentEncode(k)).append("=").append(PercentEncode(v));
    }
    std::string link = "<a href=\"" + MessageArg(url) + "\">" + MessageArg(res.suggestion) + "</a>";
    if (res.corrected_from.empty()) {
      spelling_html = Fill(XmlEscape(T(ctx, "cp_did_you_mean")), "{suggestion}", link);
    } else {
      spelling_html = Fill(
          Fill(XmlEscape(T(ctx, "cp_showing_results_for")), "{suggestion}", "<strong>" + link + "</strong>"),
          "{query}", "<em>" + MessageArg(res.corrected_from) + "</em>");
    }
  }
  int page = q.offset / q.limit + 1;
  std::int64_t pages = std::max<std::int64_t>(1, (found->results.total + q.limit - 1) / q.limit);
  json model = {{"q", q.text},
                {"results", results},
                {"facets", facets},
                {"has_results", !results.empty()},
                {"spelling_html", spelling_html.empty() ? json(nullptr) : json(spelling_html)},
                {"total_text", Fill(T(ctx, "campaigns_found"), "{n}", std::to_string(found->results.total))},
                {"csv_url", "/api/v1/campaigns.csv" + (csv_qs.empty() ? "" : "?" + csv_qs)},
                {"atom_url", "/campaigns.atom"},
                {"can_create", ctx.user.has_value()},
                {"can_moderate", ctx.user && campaigns::CampaignService::ModeratesAnywhere(ctx.actor())}};
  if (pages > 1) {
    std::string base = "/campaigns?" + filter_qs + (filter_qs.empty() ? "" : "&");
    json pager = {{"page_text", Fill(Fill(T(ctx, "page_of"), "{page}", std::to_string(page)), "{pages}",
                                     std::to_string(pages))}};
    if (page > 1) pager["prev"] = base + "page=" + std::to_string(page - 1);
    if (page < pages) pager["next"] = base + "page=" + std::to_string(page + 1);
    model["pager"] = pager;
  }
  return Page(ctx, "campaigns/campaigns", T(ctx, "campaigns_title"), model);
}

Response CampaignsModule::CampaignForm(Context& ctx, const Campaign* existing, const json& values,
                                       const Status& error, int status) {
  json model = values;
  model["creating"] = existing == nullptr;
  if (existing == nullptr) {
    model["action"] = "/campaigns";
    model["heading"] = T(ctx, "campaign_new");
  } else {
    std::string url = "/campaigns/" + std::to_string(existing->id);
    model["action"] = url + "/edit";
    model["heading"] = T(ctx, "edit") + ": " + existing->Text(ctx.lang).title;
    model["cancel"] = url;
  }
  json langs = json::array();
  for (const char* lang : kLangs) {
    std::string l(lang);
    langs.push_back({{"code", l},
                     {"legend", T(ctx, "cp_language_" + l)},
                     {"title", values.value("title_" + l, "")},
                     {"summary", values.value("summary_" + l, "")},
                     {"body", values.value("body_" + l, "")}});
  }
  model["langs"] = langs;
  // Lead organisation: the organisations where the user edits.
  std::string org = values.value("organisation", "");
  json orgs = json::array();
  if (ctx.user) {
    for (const auto& m : ctx.user->memberships) {
      if (m.role == accounts::Role::kMember && !ctx.is_admin()) continue;
      orgs.push_back({{"slug", m.organisation_slug},
                      {"name", m.organisation_name},
                      {"selected", m.organisation_slug == org}});
    }
  }
  model["orgs"] = orgs;
  auto list = [&](const char* key) {
    std::vector<std::string> out;
    if (values.contains(key) && values[key].is_array()) out = values[key].get<std::vector<std::string>>();
    return out;
  };
  std::vector<std::string> chosen_countries = list("countries");
  json countries = json::array();
  for (const auto& [code, name] : countries_.Sorted(ctx.lang)) {
    countries.push_back({{"code", code}, {"name", name}, {"selected", Contains(chosen_countries, code)}});
  }
  model["country_options"] = countries;
  std::vector<std::string> chosen_themes = list("themes");
  json themes = json::array();
  if (auto all = services_.campaigns->Themes(); all.ok()) {
    for (const auto& t : *all) {
      if (!t.active && !Contains(chosen_themes, t.code)) continue;
      themes.push_back(
          {{"code", t.code}, {"label", t.Label(ctx.lang)}, {"checked", Contains(chosen_themes, t.code)}});
    }
  }
  model["theme_options"] = themes;
  std::vector<std::string> chosen_channels = list("channels");
  json channels = json::array();
  for (const auto& c : campaigns::Channels()) {
    channels.push_back(
        {{"code", c}, {"label", ChannelLabel(ctx, c)}, {"checked", Contains(chosen_channels, c)}});
  }
  model["channel_options"] = channels;
  std::string stage = values.value("stage", "idea");
  json stages = json::array();
  for (auto s : campaigns::AllStages()) {
    std::string v(campaigns::ToString(s));
    stages.push_back({{"value", v}, {"label", T(ctx, "cp_stage_" + v)}, {"selected", v == stage}});
  }
  model["stage_options"] = stages;
  std::string visibility = values.value("visibility", "public");
  json visibilities = json::array();
  for (const char* v : {"public", "members", "organisation"}) {
    visibilities.push_back(
        {{"value", v}, {"label", T(ctx, "cp_visibility_" + std::string(v))}, {"selected", v == visibility}});
  }
  model["visibility_options"] = visibilities;
  std::string licence = values.value("licence", "cc-by");
  json licences = json::array();
  for (const auto& l : campaigns::Licences()) {
    licences.push_back({{"value", l}, {"label", T(ctx, "cp_licence_" + l)}, {"selected", l == licence}});
  }
  model["licence_options"] = licences;
  if (!error.ok()) {
    model["has_errors"] = true;
    json errors = ErrorList(ctx, error);
    // Point each error at a control that exists: "title.en" -> "title_en".
    for (auto& e : errors) {
      std::string f = e["field"].get<std::string>();
      std::string base = f.substr(0, f.find('.'));
      std::string label_key = "cp_field_" + (base == "texts" ? std::string("title") : base);
      if (const std::string& label = T(ctx, label_key); label != label_key) {
        std::string l = f.find('.') == std::string::npos ? "" : f.substr(f.find('.') + 1);
        e["label"] = l.empty() ? label : label + " (" + T(ctx, "cp_language_" + l) + ")";
      }
      std::replace(f.begin(), f.end(), '.', '_');
      if (f == "title" || f == "texts") f = "title_en";
      e["field"] = f;
    }
    model["error_list"] = errors;
    for (const auto& [field, message] : FieldMessages(ctx, error)) {
      std::string f = field;
      std::replace(f.begin(), f.end(), '.', '_');
      model[f + "_error"] = message;
      if (f == "title" || f == "texts") model["title_en_error"] = message;
    }
    for (auto& l : model["langs"]) {
      std::string code = l["code"];
      for (const char* part : {"title", "summary", "body"}) {
        std::string key = std::string(part) + "_" + code + "_error";
        if (model.contains(key)) l[std::string(part) + "_error"] = model[key];
      }
    }
  }
  return Page(ctx, "campaigns/campaign_form", model["heading"].get<std::string>(), model, status);
}

Response CampaignsModule::CampaignNew(Context& ctx) {
  json values = {{"stage", "idea"}, {"visibility", "public"}, {"licence", "cc-by"}};
  if (auto org = ctx.req.QueryParam("org")) values["organisation"] = *org;
  return CampaignForm(ctx, nullptr, values, Status::Ok(), 200);
}

Response CampaignsModule::CampaignCreate(Context& ctx) {
  Status form_error;
  campaigns::CampaignInput in = InputFromForm(ctx, true, form_error);
  if (!form_error.ok()) return CampaignForm(ctx, nullptr, FormValues(ctx), form_error, 422);
  auto c = services_.campaigns->Create(ctx.actor(), in);
  if (!c.ok()) {
    if (c.status().kind() == Status::Kind::kValidation) {
      return CampaignForm(ctx, nullptr, FormValues(ctx), c.status(), 422);
    }
    if (c.status().kind() == Status::Kind::kPermissionDenied) {
      return CampaignForm(ctx, nullptr, FormValues(ctx),
                          FieldError("organisation", "not_editor", c.status().message()), 403);
    }
    return Error(ctx, c.status());
  }
  return Response::Redirect("/campaigns/" + std::to_string(c->id) + "?msg=flash_saved");
}

Response CampaignsModule::CampaignPage(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  auto themes = services_.campaigns->Themes();
  if (!themes.ok()) return Error(ctx, themes.status());
  accounts::Actor actor = ctx.actor();
  std::string id = std::to_string(c->id);
  json model = CampaignCard(ctx, *c, *themes);
  // Which language's text to show: ?text=fr, else the reader's.
  std::string text_lang = ctx.req.QueryParam("text").value_or(ctx.lang);
  if (!c->texts.count(text_lang)) text_lang = c->texts.count(ctx.lang) ? ctx.lang : c->texts.begin()->first;
  const auto& text = c->texts.at(text_lang);
  model["title"] = text.title;
  model["summary"] = text.summary;
  model["text_lang"] = text_lang;
  model["body_html"] = text::RenderMarkdown(text.body);
  json other_langs = json::array();
  const std::string text_url = "/campaigns/" + id + "?text=";
  for (const auto& [l, t] : c->texts) {
    if (l != text_lang)
      other_langs.push_back({{"code", l}, {"label", T(ctx, "cp_language_" + l)}, {"url", text_url + l}});
  }
  model["other_langs"] = other_langs;
  model["has_other_langs"] = !other_langs.empty();
  model["outcomes_html"] = c->outcomes.empty() ? "" : text::RenderMarkdown(c->outcomes);
  json partners = json::array();
  for (const auto& p : c->partners) partners.push_back({{"slug", p.slug}, {"name", p.name}});
  model["partners"] = partners;
  model["has_partners"] = !partners.empty();
  json channels = json::array();
  for (const auto& ch : c->channels) channels.push_back(ChannelLabel(ctx, ch));
  model["channels"] = JoinStrings(channels.get<std::vector<std::string>>(), ", ");
  model["audiences"] = JoinStrings(c->audiences, ", ");
  model["start_date"] = c->start_date.value_or("");
  model["end_date"] = c->end_date.value_or("");
  model["visibility"] = T(ctx, "cp_visibility_" + std::string(campaigns::ToString(c->visibility)));
  model["licence"] = T(ctx, "cp_licence_" + c->licence);
  model["contact"] = c->contact;
  json figures = json::array();
  for (const auto& f : c->figures) figures.push_back({{"name", f.name}, {"value", std::to_string(f.value)}});
  model["figures"] = figures;
  model["has_figures"] = !figures.empty();
  model["video_links"] = c->video_links;
  model["has_video_links"] = !c->video_links.empty();
  model["return_reason"] = c->return_reason;
  model["is_returned"] = c->lifecycle == campaigns::Lifecycle::kReturned;
  model["version"] = std::to_string(c->version);
  if (c->adapted_from) {
    auto source = services_.campaigns->Get(actor, *c->adapted_from);
    json from;
    if (source.ok()) {
      from["url"] = "/campaigns/" + std::to_string(*c->adapted_from);
      from["title"] = source->Text(ctx.lang).title;
      from["organisation"] = source->organisation.name;
    } else {
      // A source the reader may not see: said, but neither linked nor named.
      from["url"] = nullptr;
      from["title"] = T(ctx, "campaign_unavailable");
      from["organisation"] = nullptr;
    }
    model["adapted_from"] = from;
  }
  // Media: images inline, PDFs as links.
  using campaigns::Lifecycle;
  bool can_edit = ctx.user && campaigns::CampaignService::CanEdit(actor, *c);
  json media = json::array();
  for (const auto& m : c->media) {
    media.push_back(
        {{"id", m.id},
         {"remove_url",
          can_edit ? json("/campaigns/" + id + "/media/" + std::to_string(m.id) + "/remove") : json(nullptr)},
         {"url", "/media/" + std::to_string(m.id)},
         {"filename", m.filename},
         {"caption", m.caption.empty() ? m.filename : m.caption},
         {"is_image", StartsWith(m.content_type, "image/")},
         {"size", std::to_string((m.size + 1023) / 1024) + " KB"}});
  }
  model["media"] = media;
  model["has_media"] = !media.empty();
  // Workflow: only the buttons the reader may use.
  bool can_moderate = ctx.user && campaigns::CampaignService::CanModerate(actor, c->organisation.id);
  model["can_edit"] = can_edit && c->lifecycle != Lifecycle::kArchived;
  model["can_submit"] =
      can_edit && (c->lifecycle == Lifecycle::kDraft || c->lifecycle == Lifecycle::kReturned);
  model["can_publish"] = can_moderate && c->lifecycle == Lifecycle::kSubmitted;
  model["can_return"] = can_moderate && c->lifecycle == Lifecycle::kSubmitted;
  model["can_archive"] = (can_moderate || can_edit) && c->lifecycle != Lifecycle::kArchived;
  model["can_upload"] = can_edit && c->lifecycle != Lifecycle::kArchived;
  model["max_upload_mb"] = "5";
  json adapt_orgs = json::array();
  if (ctx.user) {
    for (const auto& m : ctx.user->memberships) {
      if (m.role == accounts::Role::kMember) continue;
      adapt_orgs.push_back({{"slug", m.organisation_slug}, {"name", m.organisation_name}});
    }
  }
  model["adapt_orgs"] = adapt_orgs;
  model["has_adapt_orgs"] = !adapt_orgs.empty();
  model["signed_in"] = ctx.user.has_value();
  model["history_url"] = "/campaigns/" + id + "/history";
  model["lineage_url"] = "/campaigns/" + id + "/lineage";
  model["discussion_url"] = "/campaigns/" + id + "/discussion";
  model["id"] = id;
  NullIfEmpty(model, {"summary", "countries", "themes", "channels", "audiences", "start_date", "end_date",
                      "contact", "outcomes_html", "return_reason"});
  return Page(ctx, "campaigns/campaign", text.title, model);
}

Response CampaignsModule::CampaignEdit(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  if (!campaigns::CampaignService::CanEdit(ctx.actor(), *c)) {
    return Error(ctx,
                 Status::PermissionDenied("only the lead organisation's editors may edit this campaign"));
  }
  return CampaignForm(ctx, &*c, CampaignValues(*c), Status::Ok(), 200);
}

Response CampaignsModule::CampaignUpdate(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  json values = FormValues(ctx);
  values["organisation"] = c->organisation.slug;
  Status form_error;
  campaigns::CampaignInput in = InputFromForm(ctx, false, form_error);
  if (!form_error.ok()) return CampaignForm(ctx, &*c, values, form_error, 422);
  if (!IsDigits(ctx.Form("version"))) {
    return CampaignForm(ctx, &*c, values, FieldError("version", "required", "the form's version is missing"),
                        400);
  }
  in.expected_version = std::stoll(ctx.Form("version"));
  auto updated = services_.campaigns->Update(ctx.actor(), c->id, in);
  if (!updated.ok()) {
    const Status& s = updated.status();
    if (s.kind() == Status::Kind::kValidation) return CampaignForm(ctx, &*c, values, s, 422);
    if (s.IsConflict()) {
      // Keep the user's text; the next save is based on the current version.
      values["version"] = std::to_string(c->version);
      return CampaignForm(ctx, &*c, values, FieldError("version", "stale_campaign", s.message()), 409);
    }
    return Error(ctx, s);
  }
  return Response::Redirect("/campaigns/" + std::to_string(c->id) + "?msg=flash_saved");
}

Response CampaignsModule::CampaignAction(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  std::string action = ctx.req.route.substr(ctx.req.route.rfind('/') + 1);
  std::optional<std::int64_t> version;
  if (IsDigits(ctx.Form("version"))) version = std::stoll(ctx.Form("version"));
  accounts::Actor actor = ctx.actor();
  Result<Campaign> r = Status::Internal("unknown action");
  std::string flash = "flash_saved";
  if (action == "submit") {
    r = services_.campaigns->Submit(actor, c->id, version);
    flash = "flash_campaign_submitted";
  } else if (action == "publish") {
    r = services_.campaigns->Publish(actor, c->id, version);
    flash = "flash_campaign_published";
  } else if (action == "return") {
    r = services_.campaigns->Return(actor, c->id, ctx.Form("reason"), version);
    flash = "flash_campaign_returned";
  } else if (action == "archive") {
    r = services_.campaigns->Archive(actor, c->id, version);
    flash = "flash_campaign_archived";
  } else if (action == "adapt") {
    r = services_.campaigns->Adapt(actor, c->id, ctx.Form("organisation"));
    if (r.ok())
      return Response::Redirect("/campaigns/" + std::to_string(r->id) + "/edit?msg=flash_campaign_adapted");
  }
  if (!r.ok()) return Error(ctx, r.status());
  std::string next = SafeNext(ctx.Form("next"));
  if (next == "/") next = "/campaigns/" + std::to_string(r->id);
  return Response::Redirect(next + (next.find('?') == std::string::npos ? "?" : "&") + "msg=" + flash);
}

Response CampaignsModule::CampaignMediaPage(Context& ctx, int status, const std::string& message) {
  json model = {{"heading", T(ctx, "cp_media_upload_failed")},
                {"message", message},
                {"back", "/campaigns/" + ctx.req.params.at("id")}};
  return Page(ctx, "campaigns/campaign_media_error", T(ctx, "cp_media_upload_failed"), model, status);
}

Response CampaignsModule::CampaignMediaUpload(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  auto parts = http::ParseMultipart(ctx.req.Header("content-type"), ctx.req.body);
  if (!parts.ok()) return Error(ctx, parts.status());
  const http::MultipartPart* file = nullptr;
  std::string caption;
  for (const auto& p : *parts) {
    if (p.name == "file" && p.filename) file = &p;
    if (p.name == "caption" && !p.filename) caption = p.body;
  }
  if (!file || file->body.empty()) {
    return CampaignMediaPage(ctx, 422, T(ctx, "cp_media_choose_file"));
  }
  auto m = services_.campaigns->AddMedia(ctx.actor(), c->id, *file->filename, file->body, caption);
  if (!m.ok()) {
    const Status& s = m.status();
    if (s.kind() == Status::Kind::kUnsupportedMediaType) {
      return CampaignMediaPage(ctx, 415, T(ctx, "cp_media_wrong_type"));
    }
    if (s.kind() == Status::Kind::kPayloadTooLarge)
      return CampaignMediaPage(ctx, 413, T(ctx, "cp_media_too_large"));
    if (s.kind() == Status::Kind::kValidation) return CampaignMediaPage(ctx, 422, s.message());
    return Error(ctx, s);
  }
  return Response::Redirect("/campaigns/" + std::to_string(c->id) + "?msg=flash_media_added#media");
}

Response CampaignsModule::CampaignMediaRemove(Context& ctx) {
  const std::string& mid = ctx.req.params.at("mid");
  if (!IsDigits(mid)) return Error(ctx, Status::NotFound("no such file"));
  // The campaign id goes into the Location below: digits only (issue 8, F7).
  if (!IsDigits(ctx.req.params.at("id"))) return Error(ctx, Status::NotFound("no such campaign"));
  Status s = services_.campaigns->RemoveMedia(ctx.actor(), std::stoll(mid));
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/campaigns/" + ctx.req.params.at("id") + "?msg=flash_media_removed#media");
}

Response CampaignsModule::MediaFile(Context& ctx) {
  const std::string& mid = ctx.req.params.at("mid");
  if (!IsDigits(mid)) return Error(ctx, Status::NotFound("no such file"));
  auto m = services_.campaigns->GetMedia(ctx.actor(), std::stoll(mid));
  if (!m.ok()) return Error(ctx, m.status());
  const auto& [media, bytes] = *m;
  std::string etag = "\"" + media.sha256 + "\"";
  Response r;
  if (ctx.req.Header("if-none-match") == etag) {
    r.status = 304;
  } else {
    r.body = bytes;
  }
  r.Set("Content-Type", media.content_type);
  // A filename safe for the header: ASCII letters, digits, dot, dash, underscore.
  std::string name;
  for (char ch : media.filename) {
    name.push_back(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_' ? ch
                                                                                                       : '_');
  }
  if (name.empty()) name = "file";
  bool image = StartsWith(media.content_type, "image/");
  r.Set("Content-Disposition", std::string(image ? "inline" : "attachment") + "; filename=\"" + name + "\"");
  r.Set("X-Content-Type-Options", "nosniff");
  r.Set("ETag", etag);
  r.Set("Cache-Control", ctx.user ? "private, max-age=3600" : "public, max-age=86400");
  r.Set("Content-Security-Policy", "default-src 'none'; sandbox");
  return r;
}

Response CampaignsModule::CampaignHistory(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  auto history = services_.campaigns->History(ctx.actor(), c->id);
  if (!history.ok()) return Error(ctx, history.status());
  json rows = json::array();
  std::string id = std::to_string(c->id);
  std::vector<campaigns::Revision> revisions = std::move(*history);
  std::sort(revisions.begin(), revisions.end(),
            [](const auto& a, const auto& b) { return a.version > b.version; });
  for (auto it = revisions.begin(); it != revisions.end(); ++it) {
    json changed = json::array();
    for (const auto& f : it->changed) changed.push_back(f);
    rows.push_back({{"version", std::to_string(it->version)},
                    {"url", "/campaigns/" + id + "/history/" + std::to_string(it->version)},
                    {"at", FormatIso8601(it->at)},
                    {"who", it->actor_label},
                    {"action", T(ctx, "cp_action_" + it->action)},
                    {"changed", JoinStrings(it->changed, ", ")}});
  }
  json model = {{"title", c->Text(ctx.lang).title}, {"url", "/campaigns/" + id}, {"revisions", rows}};
  return Page(ctx, "campaigns/campaign_history", T(ctx, "cp_history_title") + ": " + c->Text(ctx.lang).title,
              model);
}

Response CampaignsModule::CampaignRevisionPage(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  const std::string& v = ctx.req.params.at("version");
  if (!IsDigits(v)) return Error(ctx, Status::NotFound("no such revision"));
  auto rev = services_.campaigns->GetRevision(ctx.actor(), c->id, std::stoll(v));
  if (!rev.ok()) return Error(ctx, rev.status());
  // Compared with the previous revision this reader may see.
  auto changes = services_.campaigns->RevisionChanges(ctx.actor(), c->id, rev->version);
  if (!changes.ok()) return Error(ctx, changes.status());
  json rows = json::array();
  for (const auto& ch : *changes)
    rows.push_back({{"field", ch.field}, {"before", ch.before}, {"after", ch.after}});
  std::string id = std::to_string(c->id);
  const auto& text = rev->snapshot.Text(ctx.lang);
  json model = {{"title", c->Text(ctx.lang).title},
                {"url", "/campaigns/" + id},
                {"history_url", "/campaigns/" + id + "/history"},
                {"version", v},
                {"at", FormatIso8601(rev->at)},
                {"who", rev->actor_label},
                {"action", T(ctx, "cp_action_" + rev->action)},
                {"changes", rows},
                {"has_changes", !rows.empty()},
                {"snapshot_title", text.title},
                {"snapshot_summary", text.summary},
                {"snapshot_body", text.body}};
  return Page(ctx, "campaigns/campaign_revision", T(ctx, "cp_history_title") + " " + v, model);
}

Response CampaignsModule::CampaignLineagePage(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  auto lineage = services_.campaigns->GetLineage(ctx.actor(), c->id, ctx.lang);
  if (!lineage.ok()) return Error(ctx, lineage.status());
  // The tree as nested lists: open and close <ul> by depth (escaped here).
  auto esc = [](const std::string& s) {
    std::string out;
    for (char ch : s) {
      switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out.push_back(ch);
      }
    }
    return out;
  };
  std::string tree;
  int depth = -1;
  for (const auto& n : lineage->nodes) {
    if (n.depth > depth) {
      for (int d = depth; d < n.depth; ++d) tree += "<ul class=\"lineage\">";
    } else {
      tree += "</li>";
      for (int d = n.depth; d < depth; ++d) tree += "</ul></li>";
    }
    depth = n.depth;
    std::vector<std::string> names;
    for (const auto& code : n.countries) names.push_back(countries_.Name(code, ctx.lang));
    tree += "<li><a href=\"/campaigns/" + std::to_string(n.id) + "\"" +
            (n.id == c->id ? " aria-current=\"page\"" : "") + ">" + esc(n.title) + "</a> — " +
            esc(n.organisation.name) + (names.empty() ? "" : " (" + esc(JoinStrings(names, ", ")) + ")");
    if (n.lifecycle != campaigns::Lifecycle::kPublished) {
      tree += " <span class=\"badge\">" +
              esc(T(ctx, "cp_lifecycle_" + std::string(campaigns::ToString(n.lifecycle)))) + "</span>";
    }
  }
  if (depth >= 0) {
    tree += "</li>";
    for (int d = 0; d < depth; ++d) tree += "</ul></li>";
    tree += "</ul>";
  }
  std::vector<std::pair<std::string, int>> reached(lineage->countries.begin(), lineage->countries.end());
  std::stable_sort(reached.begin(), reached.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  json countries = json::array();
  for (const auto& [code, n] : reached) {
    countries.push_back({{"code", code}, {"name", countries_.Name(code, ctx.lang)}, {"count", n}});
  }
  std::string id = std::to_string(c->id);
  json model = {
      {"title", c->Text(ctx.lang).title},
      {"url", "/campaigns/" + id},
      {"tree_html", tree},
      {"countries", countries},
      {"country_count", Fill(T(ctx, "lineage_countries_count"), "{n}", std::to_string(reached.size()))},
      {"campaign_count",
       Fill(T(ctx, "lineage_campaigns_count"), "{n}", std::to_string(lineage->nodes.size()))},
      {"map_url", "/campaigns/" + id + "/lineage.svg?lang=" + ctx.lang},
      {"map_alt", Fill(T(ctx, "lineage_map_alt"), "{n}", std::to_string(reached.size()))}};
  return Page(ctx, "campaigns/lineage", T(ctx, "lineage_title") + ": " + c->Text(ctx.lang).title, model);
}

Response CampaignsModule::CampaignLineageSvg(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  auto lineage = services_.campaigns->GetLineage(ctx.actor(), c->id, ctx.lang);
  if (!lineage.ok()) return Error(ctx, lineage.status());
  std::string svg =
      RenderWorldMapSvg(lineage->countries, T(ctx, "lineage_title") + ": " + c->Text(ctx.lang).title,
                        Fill(T(ctx, "lineage_map_alt"), "{n}", std::to_string(lineage->countries.size())));
  std::string etag = "\"" + crypto::Sha256Hex(svg).substr(0, 32) + "\"";
  Response r;
  if (ctx.req.Header("if-none-match") == etag) {
    r.status = 304;
  } else {
    r.body = std::move(svg);
  }
  r.Set("Content-Type", "image/svg+xml");
  r.Set("ETag", etag);
  r.Set("Cache-Control", ctx.user ? "private, max-age=300" : "public, max-age=300");
  return r;
}

Response CampaignsModule::ModerationCampaigns(Context& ctx) {
  auto list = services_.campaigns->AwaitingModeration(ctx.actor());
  if (!list.ok()) return Error(ctx, list.status());
  auto themes = services_.campaigns->Themes();
  if (!themes.ok()) return Error(ctx, themes.status());
  json rows = json::array();
  for (const auto& c : *list) {
    json card = CampaignCard(ctx, c, *themes);
    card["version"] = std::to_string(c.version);
    card["updated"] = FormatIso8601(c.updated_at);
    rows.push_back(card);
  }
  json model = {{"campaigns", rows}, {"empty", rows.empty()}};
  return Page(ctx, "campaigns/campaign_moderation", T(ctx, "moderation_campaigns_title"), model);
}

Response CampaignsModule::AdminThemes(Context& ctx) {
  auto themes = services_.campaigns->Themes();
  if (!themes.ok()) return Error(ctx, themes.status());
  json rows = json::array();
  for (const auto& t : *themes) {
    auto label = [&](const char* l) { return t.labels.count(l) ? t.labels.at(l) : std::string(); };
    rows.push_back({{"code", t.code},
                    {"en", label("en")},
                    {"fr", label("fr")},
                    {"es", label("es")},
                    {"active", t.active}});
  }
  json model = {{"themes", rows}};
  return Page(ctx, "campaigns/themes_admin", T(ctx, "themes_title"), model);
}

Response CampaignsModule::AdminThemeSave(Context& ctx) {
  campaigns::Theme t;
  t.code = ctx.Form("code");
  for (const char* l : kLangs) t.labels[l] = ctx.Form(std::string("label_") + l);
  t.active = ctx.Form("active") == "1";
  Status s = services_.campaigns->SaveTheme(ctx.actor(), t);
  if (!s.ok()) {
    if (s.kind() != Status::Kind::kValidation) return Error(ctx, s);
    auto themes = services_.campaigns->Themes();
    json rows = json::array();
    if (themes.ok()) {
      for (const auto& th : *themes) {
        auto label = [&](const char* l) { return th.labels.count(l) ? th.labels.at(l) : std::string(); };
        rows.push_back({{"code", th.code},
                        {"en", label("en")},
                        {"fr", label("fr")},
                        {"es", label("es")},
                        {"active", th.active}});
      }
    }
    json model = {{"themes", rows},          {"has_errors", true},       {"error_list", ErrorList(ctx, s)},
                  {"new_code", t.code},      {"new_en", t.labels["en"]}, {"new_fr", t.labels["fr"]},
                  {"new_es", t.labels["es"]}};
    return Page(ctx, "campaigns/themes_admin", T(ctx, "themes_title"), model, 422);
  }
  return Response::Redirect("/admin/themes?msg=flash_saved");
}

}  // namespace waymark::web
