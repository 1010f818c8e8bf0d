// /atlas and its pages. Every page works without JavaScript: the map is an
// SVG drawn here (countries from world-atlas, shaded by the displacement
// layer; each case study a point or an area linking to its page) beside a
// list of the same case studies; atlas.js, when it runs, puts a Leaflet map
// over the same outlines in its place, from the page's JSON data block.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/strings.h"
#include "i18n/countries.h"
#include "text/markdown.h"
#include "web/atlas/atlas_module.h"
#include "web/atlas/glossary_links.h"

namespace waymark::web {

using atlas::CaseStudy;
using atlas::Id;
using http::Response;
using nlohmann::json;

namespace {

const char* const kLangs[] = {"en", "fr", "es"};
constexpr std::size_t kLayerSteps = 5;

std::string Str(const json& values, const std::string& key) {
  auto it = values.find(key);
  return it != values.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string Join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

template <typename T>
std::string JoinIds(const std::vector<T>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id);
  return out;
}

// "1234567" -> "1,234,567" ("1 234 567" in French and Spanish).
std::string Grouped(std::int64_t n, const std::string& lang) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string sep = lang == "en" ? "," : "\u202f";
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

// The form's fields as typed, to show them again.
json FormValues(const Context& ctx) {
  json v = json::object();
  for (const auto& [k, value] : ctx.form) {
    if (k == "csrf") continue;
    if (k == "hazards" || k == "movements") {
      v[k].push_back(value);
    } else {
      v[k] = value;
    }
  }
  return v;
}

json CaseValues(const CaseStudy& c) {
  json v = {{"organisation", c.org_slug},
            {"geometry", geo::ToGeoJson(c.geometry)},
            {"onset", std::string(atlas::ToString(c.onset))},
            {"hazards", c.hazards},
            {"movements", c.movements},
            {"countries", Join(c.countries)},
            {"year_from", c.year_from ? std::to_string(c.year_from) : ""},
            {"year_to", c.year_to ? std::to_string(c.year_to) : ""},
            {"sources", JoinIds(c.sources)},
            {"figures", JoinIds(c.figures)},
            {"version", std::to_string(c.version)}};
  for (const auto& [lang, t] : c.texts) {
    v["title." + lang] = t.title;
    v["summary." + lang] = t.summary;
    v["story." + lang] = t.story;
    v["people." + lang] = t.people;
  }
  return v;
}

// A list of ids typed as "12, 15 18"; Validation naming `field` when a part is not a number.
Result<std::vector<Id>> IdList(const std::string& text, const std::string& field) {
  std::vector<Id> out;
  for (const auto& part : SplitList(text)) {
    if (!IsDigits(part) || part.size() > 15) {
      return Site::FieldError(field, "number", "'" + SanitizeUtf8(part, 40) + "' is not a number");
    }
    out.push_back(std::stoll(part));
  }
  return out;
}

Result<atlas::CaseInput> InputFromForm(const Context& ctx) {
  atlas::CaseInput in;
  if (ctx.HasForm("organisation")) in.organisation = ctx.Form("organisation");
  std::map<std::string, atlas::CaseText> texts;
  for (const char* lang : kLangs) {
    std::string l(lang);
    texts[l] = {ctx.Form("title." + l), ctx.Form("summary." + l), ctx.Form("story." + l),
                ctx.Form("people." + l)};
  }
  in.texts = std::move(texts);
  // A point typed as longitude and latitude, or GeoJSON.
  std::string lon = std::string(TrimAscii(ctx.Form("lon"))), lat = std::string(TrimAscii(ctx.Form("lat")));
  std::string geometry = std::string(TrimAscii(ctx.Form("geometry")));
  if (!lon.empty() || !lat.empty()) {
    in.geometry = "{\"type\":\"Point\",\"coordinates\":[" + lon + "," + lat + "]}";
    bool numeric = !lon.empty() && !lat.empty() &&
                   lon.find_first_not_of("0123456789.-+eE") == std::string::npos &&
                   lat.find_first_not_of("0123456789.-+eE") == std::string::npos;
    if (!numeric)
      return Site::FieldError("geometry", "number", "longitude and latitude must both be numbers");
  } else if (ctx.HasForm("geometry")) {
    in.geometry = geometry;
  }
  if (ctx.HasForm("onset")) in.onset = ctx.Form("onset");
  if (ctx.HasForm("codes_shown")) {
    in.hazards = ctx.FormAll("hazards");
    in.movements = ctx.FormAll("movements");
  }
  if (ctx.HasForm("countries")) in.countries = SplitList(ctx.Form("countries"));
  for (const char* f : {"year_from", "year_to"}) {
    if (!ctx.HasForm(f)) continue;
    std::string y = std::string(TrimAscii(ctx.Form(f)));
    if (y.empty()) {
      (std::string(f) == "year_from" ? in.year_from : in.year_to) = 0;
    } else if (!IsDigits(y) || y.size() > 4) {
      return Site::FieldError(f, "year", "must be a year such as 2019");
    } else {
      (std::string(f) == "year_from" ? in.year_from : in.year_to) = std::stoi(y);
    }
  }
  if (ctx.HasForm("sources")) {
    auto ids = IdList(ctx.Form("sources"), "sources");
    if (!ids.ok()) return ids.status();
    in.sources = *ids;
  }
  if (ctx.HasForm("figures")) {
    auto ids = IdList(ctx.Form("figures"), "figures");
    if (!ids.ok()) return ids.status();
    in.figures = *ids;
  }
  if (IsDigits(ctx.Form("version"))) in.expected_version = std::stoll(ctx.Form("version"));
  return in;
}

}  // namespace

AtlasModule::AtlasModule(Site& site, Services services) : Module(site), services_(services) {
  auto map = geo::WorldMap::FromTopoJson(atlas_web::WorldTopoJson());
  // The outlines are embedded at build time: a failure is a build defect.
  if (map.ok()) map_ = std::make_shared<const geo::WorldMap>(std::move(map).value());
}

void AtlasModule::AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const {
  nav.push_back({18, "/atlas", T(ctx, "nav_atlas"), true, ""});
}

void AtlasModule::RegisterRoutes() {
  Route("GET", "/atlas", Access::kPublic, &AtlasModule::Index);
  Route("GET", "/atlas/map.svg", Access::kPublic, &AtlasModule::MapSvg);
  Route("GET", "/atlas/queue", Access::kSignedIn, &AtlasModule::Queue);
  Route("GET", "/atlas/cases/new", Access::kSignedIn, &AtlasModule::NewForm);
  Route("POST", "/atlas/cases", Access::kSignedIn, &AtlasModule::Create);
  Route("GET", "/atlas/cases/{id}", Access::kPublic, &AtlasModule::CasePage);
  Route("GET", "/atlas/cases/{id}/edit", Access::kSignedIn, &AtlasModule::EditForm);
  Route("POST", "/atlas/cases/{id}/edit", Access::kSignedIn, &AtlasModule::SaveEdit);
  Route("GET", "/atlas/cases/{id}/history", Access::kPublic, &AtlasModule::HistoryPage);
  for (const char* action : {"submit", "publish", "return", "archive"}) {
    Route("POST", ("/atlas/cases/{id}/" + std::string(action)).c_str(), Access::kSignedIn,
          &AtlasModule::Action);
    Route("POST", ("/api/v1/atlas/cases/{id}/" + std::string(action)).c_str(), Access::kSignedIn,
          &AtlasModule::ApiAction);
  }
  Route("GET", "/atlas/glossary", Access::kPublic, &AtlasModule::GlossaryPage);
  Route("GET", "/atlas/glossary/{slug}", Access::kPublic, &AtlasModule::TermPage);
  Route("GET", "/atlas/topics/{slug}", Access::kPublic, &AtlasModule::TopicPage);
  Route("GET", "/static/atlas/{file}", Access::kPublic, &AtlasModule::StaticFile);

  Route("GET", "/api/v1/atlas/cases", Access::kPublic, &AtlasModule::ApiCases);
  Route("POST", "/api/v1/atlas/cases", Access::kSignedIn, &AtlasModule::ApiCreate);
  Route("GET", "/api/v1/atlas/cases/{id}", Access::kPublic, &AtlasModule::ApiCase);
  Route("PATCH", "/api/v1/atlas/cases/{id}", Access::kSignedIn, &AtlasModule::ApiPatch);
  Route("GET", "/api/v1/atlas/glossary", Access::kPublic, &AtlasModule::ApiGlossary);
  Route("GET", "/api/v1/atlas/glossary/{slug}", Access::kPublic, &AtlasModule::ApiTerm);
  Route("PUT", "/api/v1/atlas/glossary/{slug}", Access::kSignedIn, &AtlasModule::ApiSaveTerm);
  Route("GET", "/api/v1/atlas/topics", Access::kPublic, &AtlasModule::ApiTopics);
  Route("GET", "/api/v1/atlas/topics/{slug}", Access::kPublic, &AtlasModule::ApiTopic);
  Route("GET", "/api/v1/atlas/layers/displacement", Access::kPublic, &AtlasModule::ApiLayer);
}

// ---------------------------------------------------------------- shared

Result<CaseStudy> AtlasModule::Find(Context& ctx, const std::string& id_text) {
  if (!IsDigits(id_text) || id_text.size() > 15) return Status::NotFound("no such case study");
  return services_.atlas->Get(ctx.actor(), std::stoll(id_text));
}

Result<atlas::CaseFilter> AtlasModule::FilterFromRequest(const Context& ctx) const {
  atlas::CaseFilter f;
  f.hazard = ctx.req.QueryParam("hazard").value_or("");
  f.movement = ctx.req.QueryParam("movement").value_or("");
  f.onset = ctx.req.QueryParam("onset").value_or("");
  f.country = ctx.req.QueryParam("country").value_or("");
  auto known = [](const std::vector<std::string_view>& codes, const std::string& v) {
    return v.empty() || std::find(codes.begin(), codes.end(), v) != codes.end();
  };
  if (!known(atlas::HazardCodes(), f.hazard))
    return FieldError("hazard", "unknown_code", "is not a hazard code");
  if (!known(atlas::MovementCodes(), f.movement))
    return FieldError("movement", "unknown_code", "is not a kind of movement");
  if (!f.onset.empty() && !atlas::ParseOnset(f.onset))
    return FieldError("onset", "unknown_code", "must be sudden or slow");
  if (!f.country.empty() && !countries_.IsValidAlpha3(f.country))
    return FieldError("country", "country_unknown", "is not an ISO 3166 alpha-3 code");
  return f;
}

std::string AtlasModule::LinkTerms(Context& ctx, const std::string& html) {
  auto glossary = services_.atlas->Glossary();
  if (!glossary.ok()) return html;  // the text without links, rather than no text
  std::vector<atlas_web::LinkTerm> terms;
  for (const auto& t : *glossary) {
    auto it = t.texts.find(ctx.lang);
    if (it == t.texts.end()) continue;
    terms.push_back({it->second.term, t.slug, it->second.definition});
    for (const auto& a : it->second.aliases) terms.push_back({a, t.slug, it->second.definition});
  }
  return atlas_web::LinkGlossaryTerms(html, std::move(terms));
}

json AtlasModule::Card(const Context& ctx, const CaseStudy& c) const {
  const atlas::CaseText& t = c.Text(ctx.lang);
  json hazards = json::array();
  for (const auto& h : c.hazards) hazards.push_back(T(ctx, "atlas_hazard_" + h));
  json movements = json::array();
  for (const auto& m : c.movements) movements.push_back(T(ctx, "atlas_movement_" + m));
  json countries = json::array();
  for (const auto& code : c.countries) countries.push_back(countries_.Name(code, ctx.lang));
  std::string years;
  if (c.year_from) years = std::to_string(c.year_from) + "–" + (c.year_to ? std::to_string(c.year_to) : "");
  return {{"id", c.id},
          {"url", "/atlas/cases/" + std::to_string(c.id)},
          {"title", t.title},
          {"summary", t.summary},
          {"onset", T(ctx, std::string("atlas_onset_") + std::string(atlas::ToString(c.onset)))},
          {"hazards", Join(hazards.get<std::vector<std::string>>())},
          {"movements", Join(movements.get<std::vector<std::string>>())},
          {"countries", Join(countries.get<std::vector<std::string>>())},
          {"years", years},
          {"lifecycle", std::string(atlas::ToString(c.lifecycle))},
          {"lifecycle_label", T(ctx, "atlas_state_" + std::string(atlas::ToString(c.lifecycle)))},
          {"published", c.lifecycle == atlas::Lifecycle::kPublished}};
}

Result<AtlasModule::Layer> AtlasModule::DisplacementLayer(Context& ctx) const {
  constexpr TimestampMs kLayerTtlMs = 60 * 1000;
  Layer layer;
  if (services_.evidence == nullptr) return layer;
  TimestampMs now = services_.clock != nullptr ? services_.clock->NowMs() : 0;
  LayerCache cache;
  {
    std::lock_guard<std::mutex> lock(layer_mu_);
    if (layer_cache_.at >= 0 && now - layer_cache_.at < kLayerTtlMs) cache = layer_cache_;
  }
  if (cache.at < 0) {
    // Aggregates only, the same for every reader: computed as anonymous.
    const accounts::Actor anyone = accounts::Actor::Anonymous(ctx.actor().request_id);
    evidence::DisplacementFilter f;
    f.cause = evidence::DisplacementCause::kDisaster;
    const std::string kind = "new_displacements";
    auto by_year = services_.evidence->DisplacementStats(anyone, f, evidence::StatsRequest{{"year"}, {kind}});
    if (!by_year.ok()) return by_year.status();
    for (const auto& row : by_year->table.rows) {
      if (!row.keys.empty() && !row.values.empty() && row.values[0] > 0 && IsDigits(row.keys[0]))
        cache.year = std::max(cache.year, std::stoi(row.keys[0]));
    }
    if (cache.year > 0) {
      f.from_year = f.to_year = cache.year;
      auto by_country =
          services_.evidence->DisplacementStats(anyone, f, evidence::StatsRequest{{"country"}, {kind}});
      if (!by_country.ok()) return by_country.status();
      for (const auto& row : by_country->table.rows) {
        if (!row.keys.empty() && !row.values.empty() && row.values[0] > 0)
          cache.by_iso[row.keys[0]] = row.values[0];
      }
      if (by_country->dataset != nullptr)
        cache.source = by_country->dataset->citation.empty() ? by_country->dataset->title
                                                             : by_country->dataset->citation;
    }
    cache.at = now;
    std::lock_guard<std::mutex> lock(layer_mu_);
    layer_cache_ = cache;
  }
  if (cache.year == 0) return layer;
  layer.by_iso = std::move(cache.by_iso);
  layer.source = std::move(cache.source);
  layer.label = T(ctx, "atlas_layer_label") + " (" + std::to_string(cache.year) + ")";
  return layer;
}

std::string AtlasModule::DrawMap(Context& ctx, const std::vector<CaseStudy>& cases, const Layer* layer,
                                 const std::string& aria_label) const {
  if (!map_) return "";
  geo::MapOptions o;
  o.aria_label = aria_label;
  o.crop_polar = true;
  if (layer != nullptr && !layer->by_iso.empty()) {
    // Steps by order of magnitude, so that a few very large values do not wash out the rest.
    std::int64_t max = 1;
    for (const auto& [iso, v] : layer->by_iso) max = std::max(max, v);
    for (const auto& [iso, v] : layer->by_iso) {
      std::string numeric = countries_.Numeric(iso);
      if (numeric.empty()) continue;
      double share = std::log10(static_cast<double>(v) + 1) / std::log10(static_cast<double>(max) + 1);
      auto step = std::min<std::size_t>(kLayerSteps - 1, static_cast<std::size_t>(share * kLayerSteps));
      o.country_class[numeric] = "step" + std::to_string(step + 1);
      o.country_title[numeric] = countries_.Name(iso, ctx.lang) + ": " + Grouped(v, ctx.lang);
    }
  }
  for (const auto& c : cases) {
    geo::MapShape s;
    s.geometry = c.geometry;
    s.href = "/atlas/cases/" + std::to_string(c.id);
    s.title = c.Text(ctx.lang).title;
    s.css_class = std::string("case onset-") + std::string(atlas::ToString(c.onset));
    // An area is also marked at its anchor: on a world map most areas are a
    // few pixels wide, too small to see or to click.
    if (c.geometry.kind != geo::Geometry::Kind::kPoint &&
        c.geometry.kind != geo::Geometry::Kind::kMultiPoint) {
      geo::MapShape marker = s;
      marker.geometry = geo::Geometry::Point(geo::Anchor(c.geometry));
      o.shapes.push_back(std::move(s));
      o.shapes.push_back(std::move(marker));
      continue;
    }
    o.shapes.push_back(std::move(s));
  }
  return map_->Svg(o);
}

// ---------------------------------------------------------------- /atlas

Response AtlasModule::Index(Context& ctx) {
  auto filter = FilterFromRequest(ctx);
  if (!filter.ok()) return Error(ctx, filter.status());
  auto cases = services_.atlas->ListPublished(*filter);
  if (!cases.ok()) return Error(ctx, cases.status());
  std::string layer_param = ctx.req.QueryParam("layer").value_or("displacement");
  if (layer_param != "displacement" && layer_param != "none")
    return Error(ctx, FieldError("layer", "unknown_code", "must be displacement or none"));
  Layer layer;
  if (layer_param == "displacement") {
    auto l = DisplacementLayer(ctx);
    if (!l.ok()) return Error(ctx, l.status());
    layer = std::move(l).value();
  }
  json cards = json::array();
  for (const auto& c : *cases) cards.push_back(Card(ctx, c));

  // Filters as plain links: the current query with one parameter changed.
  auto link = [&](const std::string& name, const std::string& value) {
    std::string q;
    for (const auto& [k, v] : QueryPairs(ctx.req)) {
      if (k == name || k == "lang") continue;
      q += (q.empty() ? "?" : "&") + PercentEncode(k) + "=" + PercentEncode(v);
    }
    if (!value.empty()) q += (q.empty() ? "?" : "&") + name + "=" + PercentEncode(value);
    return "/atlas" + q;
  };
  auto options = [&](const std::string& name, const std::vector<std::string_view>& codes,
                     const std::string& chosen, const std::string& prefix) {
    json list = json::array();
    list.push_back({{"label", T(ctx, "atlas_any")}, {"url", link(name, "")}, {"current", chosen.empty()}});
    for (auto code : codes) {
      std::string c(code);
      list.push_back({{"label", T(ctx, prefix + c)}, {"url", link(name, c)}, {"current", chosen == c}});
    }
    return list;
  };
  json model = {
      {"cases", cards},
      {"has_cases", !cards.empty()},
      {"count", cards.size()},
      {"hazard_options", options("hazard", atlas::HazardCodes(), filter->hazard, "atlas_hazard_")},
      {"movement_options", options("movement", atlas::MovementCodes(), filter->movement, "atlas_movement_")},
      {"onset_options", options("onset", {"sudden", "slow"}, filter->onset, "atlas_onset_")},
      {"layer_on", layer_param == "displacement"},
      {"layer_label", layer.label},
      {"layer_source", layer.source},
      {"has_layer", !layer.by_iso.empty()},
      {"layer_off_url", link("layer", "none")},
      {"layer_on_url", link("layer", "")},
      {"filtered", !filter->hazard.empty() || !filter->movement.empty() || !filter->onset.empty() ||
                       !filter->country.empty()}};
  model["map_svg"] =
      DrawMap(ctx, *cases, layer_param == "displacement" ? &layer : nullptr, T(ctx, "atlas_map_label"));
  auto topics = services_.atlas->Topics();
  if (!topics.ok()) return Error(ctx, topics.status());
  json topic_list = json::array();
  for (const auto& t : *topics)
    topic_list.push_back({{"title", t.Text(ctx.lang).title}, {"url", "/atlas/topics/" + t.slug}});
  model["topics"] = topic_list;
  model["has_topics"] = !topic_list.empty();
  model["can_add"] = ctx.user && !ctx.user->memberships.empty();

  // What atlas.js draws: no inline script, a JSON data block.
  json layer_values = json::array();
  for (const auto& [iso, v] : layer.by_iso) {
    std::string numeric = countries_.Numeric(iso);
    if (!numeric.empty())
      layer_values.push_back({{"id", numeric}, {"name", countries_.Name(iso, ctx.lang)}, {"value", v}});
  }
  std::string api = "/api/v1/atlas/cases";
  std::string query = link("", "");
  if (auto q = query.find('?'); q != std::string::npos) api += query.substr(q);
  json data = {{"lang", ctx.lang},
               {"assets", atlas_web::StaticUrls()},
               {"cases_url", api},
               {"layer", {{"label", layer.label}, {"values", layer_values}}},
               {"labels", {{"layer", layer.label}, {"cases", T(ctx, "atlas_cases_heading")}}}};
  std::string data_json = data.dump(-1, ' ', false, json::error_handler_t::replace);
  // Inside <script type="application/json">: no "</" may end the element early.
  std::string safe;
  for (std::size_t i = 0; i < data_json.size(); ++i) {
    if (data_json[i] == '<') {
      safe += "\\u003c";
    } else {
      safe += data_json[i];
    }
  }
  model["data_json"] = safe;
  model["script_url"] = atlas_web::StaticUrls()["atlas.js"];
  model["style_url"] = atlas_web::StaticUrls()["atlas.css"];
  return Page(ctx, "atlas/index", T(ctx, "atlas_title"), model);
}

Response AtlasModule::MapSvg(Context& ctx) {
  auto filter = FilterFromRequest(ctx);
  if (!filter.ok()) return Error(ctx, filter.status());
  auto cases = services_.atlas->ListPublished(*filter);
  if (!cases.ok()) return Error(ctx, cases.status());
  Layer layer;
  if (ctx.req.QueryParam("layer").value_or("displacement") == "displacement") {
    auto l = DisplacementLayer(ctx);
    if (!l.ok()) return Error(ctx, l.status());
    layer = std::move(l).value();
  }
  Response r;
  r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
           DrawMap(ctx, *cases, &layer, T(ctx, "atlas_map_label"));
  r.Set("Content-Type", "image/svg+xml; charset=utf-8");
  r.Set("Cache-Control", "public, max-age=300");
  return r;
}

// ---------------------------------------------------------------- case studies

json AtlasModule::Sources(Context& ctx, const std::vector<Id>& ids) const {
  json out = json::array();
  if (ids.empty()) return out;
  std::vector<library::Item> items;
  if (services_.library != nullptr) {
    for (Id id : ids) {
      auto item = services_.library->Get(ctx.actor(), id);
      if (item.ok()) items.push_back(std::move(item).value());
    }
  }
  for (Id id : ids) {
    auto it = std::find_if(items.begin(), items.end(), [&](const library::Item& x) { return x.id == id; });
    if (it == items.end()) continue;  // withdrawn since: not shown
    out.push_back({{"url", "/library/" + std::to_string(id)}, {"title", it->Title(ctx.lang)}});
  }
  return out;
}

json AtlasModule::Figures(Context& /*ctx*/, const std::vector<Id>& ids) const {
  json out = json::array();
  if (services_.evidence == nullptr) return out;
  for (Id id : ids) {
    auto q = services_.evidence->GetQuery(id);
    if (!q.ok()) continue;
    out.push_back({{"title", q->title}, {"url", "/evidence?" + q->query}});
  }
  return out;
}

Response AtlasModule::CasePage(Context& ctx) {
  auto found = Find(ctx, ctx.req.params.at("id"));
  if (!found.ok()) return Error(ctx, found.status());
  const CaseStudy& c = *found;
  const atlas::CaseText& t = c.Text(ctx.lang);
  json model = Card(ctx, c);
  model["people"] = t.people;
  model["story_html"] = LinkTerms(ctx, text::RenderMarkdown(t.story));
  model["has_story"] = !t.story.empty();
  model["map_svg"] = DrawMap(ctx, {c}, nullptr, T(ctx, "atlas_place_label") + ": " + t.title);
  geo::Position anchor = geo::Anchor(c.geometry);
  char where[64];
  std::snprintf(where, sizeof where, "%.4f, %.4f", anchor.lat, anchor.lon);
  model["anchor"] = where;
  model["geometry_kind"] = std::string(geo::KindName(c.geometry.kind));
  model["sources"] = Sources(ctx, c.sources);
  model["has_sources"] = !model["sources"].empty();
  model["figures"] = Figures(ctx, c.figures);
  model["has_figures"] = !model["figures"].empty();
  model["organisation"] = c.org_slug;
  model["version"] = c.version;
  model["moderation_note"] = c.moderation_note;
  bool edit = services_.atlas->CanEdit(ctx.actor(), c),
       moderate = services_.atlas->CanModerate(ctx.actor(), c);
  model["can_edit"] = edit && c.lifecycle != atlas::Lifecycle::kArchived;
  model["can_submit"] =
      (edit || (ctx.user && ctx.user->RoleIn(c.org_id))) &&
      (c.lifecycle == atlas::Lifecycle::kDraft || c.lifecycle == atlas::Lifecycle::kReturned);
  model["can_publish"] =
      moderate && c.lifecycle != atlas::Lifecycle::kPublished && c.lifecycle != atlas::Lifecycle::kArchived;
  model["can_return"] = moderate && c.lifecycle == atlas::Lifecycle::kSubmitted;
  model["can_archive"] = moderate && c.lifecycle != atlas::Lifecycle::kArchived;
  model["languages"] = json::array();
  for (const auto& [lang, text] : c.texts) model["languages"].push_back(lang);
  return Page(ctx, "atlas/case", t.title, model);
}

Response AtlasModule::FormPage(Context& ctx, const CaseStudy* existing, const json& values,
                               const Status& error, int status) {
  json model = {{"values", values}, {"editing", existing != nullptr}};
  model["action"] = existing ? "/atlas/cases/" + std::to_string(existing->id) + "/edit" : "/atlas/cases";
  std::vector<std::string> hazards, movements;
  if (auto it = values.find("hazards"); it != values.end() && it->is_array())
    hazards = it->get<std::vector<std::string>>();
  if (auto it = values.find("movements"); it != values.end() && it->is_array())
    movements = it->get<std::vector<std::string>>();
  json hl = json::array(), ml = json::array();
  for (auto code : atlas::HazardCodes()) {
    std::string c(code);
    hl.push_back({{"code", c}, {"label", T(ctx, "atlas_hazard_" + c)}, {"checked", Contains(hazards, c)}});
  }
  for (auto code : atlas::MovementCodes()) {
    std::string c(code);
    ml.push_back(
        {{"code", c}, {"label", T(ctx, "atlas_movement_" + c)}, {"checked", Contains(movements, c)}});
  }
  model["hazards"] = hl;
  model["movements"] = ml;
  std::string onset = Str(values, "onset");
  model["onsets"] = json::array(
      {{{"code", "sudden"}, {"label", T(ctx, "atlas_onset_sudden")}, {"selected", onset != "slow"}},
       {{"code", "slow"}, {"label", T(ctx, "atlas_onset_slow")}, {"selected", onset == "slow"}}});
  json langs = json::array();
  for (const char* lang : kLangs) {
    std::string l(lang);
    langs.push_back({{"lang", l},
                     {"language", T(ctx, "atlas_lang_" + l)},
                     {"title", Str(values, "title." + l)},
                     {"summary", Str(values, "summary." + l)},
                     {"story", Str(values, "story." + l)},
                     {"people", Str(values, "people." + l)}});
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
    if (error.IsConflict()) model["conflict"] = error.message();
  }
  return Page(ctx, "atlas/form", T(ctx, existing ? "atlas_edit_title" : "atlas_new_title"), model, status);
}

Response AtlasModule::NewForm(Context& ctx) {
  return FormPage(ctx, nullptr, json{{"onset", "sudden"}}, Status::Ok(), 200);
}

Response AtlasModule::Create(Context& ctx) {
  json values = FormValues(ctx);
  auto in = InputFromForm(ctx);
  Result<CaseStudy> c = in.ok() ? services_.atlas->Create(ctx.actor(), *in) : Result<CaseStudy>(in.status());
  if (!c.ok()) {
    if (c.status().kind() == Status::Kind::kValidation)
      return FormPage(ctx, nullptr, values, c.status(), 422);
    return Error(ctx, c.status());
  }
  return Response::Redirect("/atlas/cases/" + std::to_string(c->id) + "?msg=flash_atlas_draft");
}

Response AtlasModule::EditForm(Context& ctx) {
  auto found = Find(ctx, ctx.req.params.at("id"));
  if (!found.ok()) return Error(ctx, found.status());
  if (!services_.atlas->CanEdit(ctx.actor(), *found))
    return Error(ctx, Status::PermissionDenied("you may not edit this case study"));
  return FormPage(ctx, &*found, CaseValues(*found), Status::Ok(), 200);
}

Response AtlasModule::SaveEdit(Context& ctx) {
  auto found = Find(ctx, ctx.req.params.at("id"));
  if (!found.ok()) return Error(ctx, found.status());
  json values = FormValues(ctx);
  auto in = InputFromForm(ctx);
  if (in.ok()) in->organisation.reset();
  Result<CaseStudy> c =
      in.ok() ? services_.atlas->Update(ctx.actor(), found->id, *in) : Result<CaseStudy>(in.status());
  if (!c.ok()) {
    if (c.status().kind() == Status::Kind::kValidation || c.status().IsConflict())
      return FormPage(ctx, &*found, values, c.status(), c.status().IsConflict() ? 409 : 422);
    return Error(ctx, c.status());
  }
  return Response::Redirect("/atlas/cases/" + std::to_string(c->id) + "?msg=flash_atlas_saved");
}

Response AtlasModule::Action(Context& ctx) {
  const std::string& id_text = ctx.req.params.at("id");
  if (!IsDigits(id_text) || id_text.size() > 15) return Error(ctx, Status::NotFound("no such case study"));
  Id id = std::stoll(id_text);
  std::string action = ctx.req.path.substr(ctx.req.path.rfind('/') + 1);
  std::optional<std::int64_t> version;
  if (IsDigits(ctx.Form("version")) && ctx.Form("version").size() < 16)
    version = std::stoll(ctx.Form("version"));
  Result<CaseStudy> r = Status::Internal("unknown action");
  if (action == "submit") r = services_.atlas->Submit(ctx.actor(), id, version);
  if (action == "publish") r = services_.atlas->Publish(ctx.actor(), id, version);
  if (action == "return") r = services_.atlas->Return(ctx.actor(), id, ctx.Form("reason"));
  if (action == "archive") r = services_.atlas->Archive(ctx.actor(), id, ctx.Form("reason"));
  if (!r.ok()) return Error(ctx, r.status());
  return Response::Redirect("/atlas/cases/" + std::to_string(id) + "?msg=flash_atlas_" + action);
}

Response AtlasModule::HistoryPage(Context& ctx) {
  auto found = Find(ctx, ctx.req.params.at("id"));
  if (!found.ok()) return Error(ctx, found.status());
  auto revisions = services_.atlas->Revisions(ctx.actor(), found->id);
  if (!revisions.ok()) return Error(ctx, revisions.status());
  json list = json::array();
  for (const auto& r : *revisions) {
    list.push_back({{"version", r.version},
                    {"at", FormatIso8601(r.at)},
                    {"who", r.actor_label},
                    {"action", T(ctx, "atlas_action_" + r.action)},
                    {"note", r.note},
                    {"title", r.snapshot.Text(ctx.lang).title}});
  }
  json model = {{"title", found->Text(ctx.lang).title},
                {"case_url", "/atlas/cases/" + std::to_string(found->id)},
                {"revisions", list}};
  return Page(ctx, "atlas/history", T(ctx, "atlas_history_title"), model);
}

Response AtlasModule::Queue(Context& ctx) {
  auto cases = services_.atlas->Queue(ctx.actor());
  if (!cases.ok()) return Error(ctx, cases.status());
  json list = json::array();
  for (const auto& c : *cases) list.push_back(Card(ctx, c));
  return Page(ctx, "atlas/queue", T(ctx, "atlas_queue_title"),
              json{{"cases", list}, {"has_cases", !list.empty()}});
}

// ---------------------------------------------------------------- glossary and topics

Response AtlasModule::GlossaryPage(Context& ctx) {
  auto glossary = services_.atlas->Glossary();
  if (!glossary.ok()) return Error(ctx, glossary.status());
  std::vector<std::pair<std::string, json>> entries;
  for (const auto& t : *glossary) {
    const atlas::GlossaryText& x = t.Text(ctx.lang);
    entries.emplace_back(i18n::FoldForSort(x.term), json{{"slug", t.slug},
                                                         {"term", x.term},
                                                         {"definition", x.definition},
                                                         {"url", "/atlas/glossary/" + t.slug},
                                                         {"translated", t.texts.count(ctx.lang) > 0}});
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  json list = json::array();
  for (auto& [key, e] : entries) list.push_back(std::move(e));
  return Page(ctx, "atlas/glossary", T(ctx, "atlas_glossary_title"),
              json{{"terms", list}, {"count", list.size()}});
}

Response AtlasModule::TermPage(Context& ctx) {
  auto term = services_.atlas->Term(ctx.req.params.at("slug"));
  if (!term.ok()) return Error(ctx, term.status());
  const atlas::GlossaryText& x = term->Text(ctx.lang);
  json model = {{"term", x.term},
                {"definition", x.definition},
                {"aliases", Join(x.aliases)},
                {"source_note", term->source_note},
                {"sources", Sources(ctx, term->sources)}};
  model["has_sources"] = !model["sources"].empty() || !term->source_note.empty();
  json other = json::array();
  for (const auto& [lang, t] : term->texts) {
    if (lang != ctx.lang) other.push_back({{"lang", lang}, {"term", t.term}});
  }
  model["other_languages"] = other;
  return Page(ctx, "atlas/term", x.term, model);
}

Response AtlasModule::TopicPage(Context& ctx) {
  auto topic = services_.atlas->TopicBySlug(ctx.req.params.at("slug"));
  if (!topic.ok()) return Error(ctx, topic.status());
  const atlas::TopicText& x = topic->Text(ctx.lang);
  std::vector<CaseStudy> cases;
  for (Id id : topic->cases) {
    auto c = services_.atlas->Get(ctx.actor(), id);
    if (c.ok() && c->lifecycle == atlas::Lifecycle::kPublished) cases.push_back(std::move(c).value());
  }
  Layer layer;
  if (topic->displacement_layer) {
    auto l = DisplacementLayer(ctx);
    if (!l.ok()) return Error(ctx, l.status());
    layer = std::move(l).value();
  }
  json cards = json::array();
  for (const auto& c : cases) cards.push_back(Card(ctx, c));
  json model = {{"title", x.title},
                {"body_html", LinkTerms(ctx, text::RenderMarkdown(x.body))},
                {"cases", cards},
                {"has_cases", !cards.empty()},
                {"figures", Figures(ctx, topic->figures)},
                {"layer_label", layer.label},
                {"has_layer", !layer.by_iso.empty()}};
  model["has_figures"] = !model["figures"].empty();
  model["map_svg"] = DrawMap(ctx, cases, topic->displacement_layer ? &layer : nullptr, x.title);
  model["style_url"] = atlas_web::StaticUrls()["atlas.css"];
  return Page(ctx, "atlas/topic", x.title, model);
}

}  // namespace waymark::web
