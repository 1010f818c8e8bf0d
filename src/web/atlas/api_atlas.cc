// The Atlas's JSON API: case studies as GeoJSON features (a
// FeatureCollection for the list, which Leaflet and GIS tools read as it
// is), members' drafts (If-Match on changes), moderation actions, the
// glossary (moderators PUT a term by its slug) and the thematic pages, and
// the displacement layer by country.
#include <set>

#include "i18n/countries.h"
#include "web/atlas/atlas_module.h"
#include "web/request_headers.h"

namespace waymark::web {

using atlas::CaseStudy;
using atlas::Id;
using http::Response;
using nlohmann::json;

namespace {

using Errors = std::map<std::string, std::string>;

const std::set<std::string>& CaseFields() {
  static const std::set<std::string> fields = {"organisation", "texts",     "geometry",  "onset",
                                               "hazards",      "movements", "countries", "year_from",
                                               "year_to",      "sources",   "figures"};
  return fields;
}

void OptStrings(const json& body, const char* field, std::optional<std::vector<std::string>>& out,
                Errors& errors) {
  auto it = body.find(field);
  if (it == body.end()) return;
  std::vector<std::string> v;
  if (!it->is_null()) {
    if (!it->is_array()) {
      errors[field] = "must be an array of strings";
      return;
    }
    for (const auto& x : *it) {
      if (!x.is_string()) {
        errors[field] = "must be an array of strings";
        return;
      }
      v.push_back(x.get<std::string>());
    }
  }
  out = v;
}

void OptIds(const json& body, const char* field, std::optional<std::vector<Id>>& out, Errors& errors) {
  auto it = body.find(field);
  if (it == body.end()) return;
  std::vector<Id> v;
  if (!it->is_null()) {
    if (!it->is_array()) {
      errors[field] = "must be an array of ids";
      return;
    }
    for (const auto& x : *it) {
      if (!x.is_number_integer() || x.get<std::int64_t>() <= 0) {
        errors[field] = "must be an array of ids (positive integers)";
        return;
      }
      v.push_back(x.get<Id>());
    }
  }
  out = v;
}

void OptYear(const json& body, const char* field, std::optional<int>& out, Errors& errors) {
  auto it = body.find(field);
  if (it == body.end()) return;
  if (it->is_null()) {
    out = 0;
  } else if (it->is_number_integer() && it->get<std::int64_t>() >= 0 && it->get<std::int64_t>() < 10000) {
    out = static_cast<int>(it->get<std::int64_t>());
  } else {
    errors[field] = "must be a year (an integer) or null";
  }
}

Status CaseInputFromJson(const json& body, bool creating, atlas::CaseInput& in) {
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  Errors errors;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (!CaseFields().count(it.key())) errors[it.key()] = "is not a field of a case study";
  }
  if (!creating && body.contains("organisation")) errors["organisation"] = "cannot be changed";
  if (auto it = body.find("organisation"); it != body.end()) {
    if (it->is_string()) {
      in.organisation = it->get<std::string>();
    } else {
      errors["organisation"] = "must be a string (the organisation's slug)";
    }
  }
  if (auto it = body.find("onset"); it != body.end()) {
    if (it->is_string()) {
      in.onset = it->get<std::string>();
    } else {
      errors["onset"] = "must be \"sudden\" or \"slow\"";
    }
  }
  if (auto it = body.find("geometry"); it != body.end()) {
    // A GeoJSON object, or its text.
    if (it->is_object()) {
      in.geometry = it->dump();
    } else if (it->is_string()) {
      in.geometry = it->get<std::string>();
    } else {
      errors["geometry"] = "must be a GeoJSON geometry object";
    }
  }
  OptStrings(body, "hazards", in.hazards, errors);
  OptStrings(body, "movements", in.movements, errors);
  OptStrings(body, "countries", in.countries, errors);
  OptYear(body, "year_from", in.year_from, errors);
  OptYear(body, "year_to", in.year_to, errors);
  OptIds(body, "sources", in.sources, errors);
  OptIds(body, "figures", in.figures, errors);
  if (auto it = body.find("texts"); it != body.end()) {
    if (!it->is_object()) {
      errors["texts"] =
          "must be an object of languages, each {\"title\", \"summary\", \"story\", \"people\"}";
    } else {
      std::map<std::string, atlas::CaseText> texts;
      for (auto t = it->begin(); t != it->end(); ++t) {
        if (!t->is_object()) {
          errors["texts." + t.key()] = "must be an object {\"title\", \"summary\", \"story\", \"people\"}";
          continue;
        }
        atlas::CaseText ct;
        for (auto p = t->begin(); p != t->end(); ++p) {
          std::string* target = p.key() == "title"     ? &ct.title
                                : p.key() == "summary" ? &ct.summary
                                : p.key() == "story"   ? &ct.story
                                : p.key() == "people"  ? &ct.people
                                                       : nullptr;
          if (target == nullptr || !p->is_string()) {
            errors["texts." + t.key() + "." + p.key()] =
                "is not a string field of a text (title, summary, story, people)";
            continue;
          }
          *target = p->get<std::string>();
        }
        texts[t.key()] = ct;
      }
      in.texts = texts;
    }
  }
  if (!errors.empty()) return Status::Validation(errors, "the case study has invalid fields");
  return Status::Ok();
}

json GeometryJson(const geo::Geometry& g) { return json::parse(geo::ToGeoJson(g), nullptr, false); }

Response WithEtag(Response r, std::int64_t version) {
  r.Set("ETag", "\"" + std::to_string(version) + "\"");
  return r;
}

}  // namespace

json AtlasModule::CaseJson(const CaseStudy& c) const {
  json texts = json::object();
  for (const auto& [lang, t] : c.texts) {
    texts[lang] = {{"title", t.title}, {"summary", t.summary}, {"story", t.story}, {"people", t.people}};
  }
  geo::Position anchor = geo::Anchor(c.geometry);
  json props = {{"slug", c.slug},
                {"texts", texts},
                {"onset", std::string(atlas::ToString(c.onset))},
                {"hazards", c.hazards},
                {"movements", c.movements},
                {"countries", c.countries},
                {"year_from", c.year_from ? json(c.year_from) : json(nullptr)},
                {"year_to", c.year_to ? json(c.year_to) : json(nullptr)},
                {"sources", c.sources},
                {"figures", c.figures},
                {"organisation", c.org_slug},
                {"lifecycle", std::string(atlas::ToString(c.lifecycle))},
                {"version", c.version},
                {"anchor", {anchor.lon, anchor.lat}},
                {"created_at", FormatIso8601(c.created_at)},
                {"updated_at", FormatIso8601(c.updated_at)},
                {"published_at", c.published_at ? json(FormatIso8601(*c.published_at)) : json(nullptr)},
                {"url", "/atlas/cases/" + std::to_string(c.id)}};
  if (!c.moderation_note.empty()) props["moderation_note"] = c.moderation_note;
  return {{"type", "Feature"}, {"id", c.id}, {"geometry", GeometryJson(c.geometry)}, {"properties", props}};
}

json AtlasModule::TermJson(const atlas::GlossaryTerm& t) const {
  json texts = json::object();
  for (const auto& [lang, x] : t.texts) {
    texts[lang] = {{"term", x.term}, {"definition", x.definition}, {"aliases", x.aliases}};
  }
  return {{"slug", t.slug},
          {"texts", texts},
          {"sources", t.sources},
          {"source_note", t.source_note},
          {"version", t.version},
          {"updated_at", FormatIso8601(t.updated_at)},
          {"url", "/atlas/glossary/" + t.slug}};
}

json AtlasModule::TopicJson(const atlas::Topic& t) const {
  json texts = json::object();
  for (const auto& [lang, x] : t.texts) texts[lang] = {{"title", x.title}, {"body", x.body}};
  return {{"slug", t.slug},
          {"texts", texts},
          {"cases", t.cases},
          {"figures", t.figures},
          {"displacement_layer", t.displacement_layer},
          {"position", t.position},
          {"version", t.version},
          {"url", "/atlas/topics/" + t.slug}};
}

Response AtlasModule::ApiCases(Context& ctx) {
  auto filter = FilterFromRequest(ctx);
  if (!filter.ok()) return Error(ctx, filter.status());
  auto cases = services_.atlas->ListPublished(*filter);
  if (!cases.ok()) return Error(ctx, cases.status());
  json features = json::array();
  for (const auto& c : *cases) features.push_back(CaseJson(c));
  Response r = Json(ctx, 200, json{{"type", "FeatureCollection"}, {"features", features}});
  r.Set("Content-Type", "application/geo+json");
  return r;
}

Response AtlasModule::ApiCase(Context& ctx) {
  auto found = Find(ctx, ctx.req.params.at("id"));
  if (!found.ok()) return Error(ctx, found.status());
  Response r = WithEtag(Json(ctx, 200, CaseJson(*found)), found->version);
  r.Set("Content-Type", "application/geo+json");
  return r;
}

Response AtlasModule::ApiCreate(Context& ctx) {
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  atlas::CaseInput in;
  Status s = CaseInputFromJson(*body, true, in);
  if (!s.ok()) return Error(ctx, s);
  auto c = services_.atlas->Create(ctx.actor(), in);
  if (!c.ok()) return Error(ctx, c.status());
  Response r = WithEtag(Json(ctx, 201, CaseJson(*c)), c->version);
  r.Set("Location", "/api/v1/atlas/cases/" + std::to_string(c->id));
  return r;
}

Response AtlasModule::ApiPatch(Context& ctx) {
  const std::string& id = ctx.req.params.at("id");
  if (!IsDigits(id) || id.size() > 15) return Error(ctx, Status::NotFound("no such case study"));
  auto version = ParseIfMatchVersion(ctx.req.Header("if-match"));
  if (!version.ok()) return Error(ctx, version.status());
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  atlas::CaseInput in;
  Status s = CaseInputFromJson(*body, false, in);
  if (!s.ok()) return Error(ctx, s);
  in.expected_version = *version;
  auto c = services_.atlas->Update(ctx.actor(), std::stoll(id), in);
  if (!c.ok()) return Error(ctx, c.status());
  return WithEtag(Json(ctx, 200, CaseJson(*c)), c->version);
}

Response AtlasModule::ApiAction(Context& ctx) {
  const std::string& id_text = ctx.req.params.at("id");
  if (!IsDigits(id_text) || id_text.size() > 15) return Error(ctx, Status::NotFound("no such case study"));
  Id id = std::stoll(id_text);
  std::string action = ctx.req.path.substr(ctx.req.path.rfind('/') + 1);
  json body = json::object();
  if (!ctx.req.body.empty()) {
    auto parsed = ParseJsonBody(ctx.req);
    if (!parsed.ok()) return Error(ctx, parsed.status());
    body = *parsed;
    if (!body.is_object()) return Error(ctx, Status::InvalidArgument("the body must be a JSON object"));
  }
  std::string reason;
  if (auto it = body.find("reason"); it != body.end()) {
    if (!it->is_string()) return Error(ctx, FieldError("reason", "type", "must be a string"));
    reason = it->get<std::string>();
  }
  std::optional<std::int64_t> version;
  if (!ctx.req.Header("if-match").empty()) {
    auto v = ParseIfMatchVersion(ctx.req.Header("if-match"));
    if (!v.ok()) return Error(ctx, v.status());
    version = *v;
  }
  Result<CaseStudy> r = Status::Internal("unknown action");
  if (action == "submit") r = services_.atlas->Submit(ctx.actor(), id, version);
  if (action == "publish") r = services_.atlas->Publish(ctx.actor(), id, version);
  if (action == "return") r = services_.atlas->Return(ctx.actor(), id, reason);
  if (action == "archive") r = services_.atlas->Archive(ctx.actor(), id, reason);
  if (!r.ok()) return Error(ctx, r.status());
  return WithEtag(Json(ctx, 200, CaseJson(*r)), r->version);
}

Response AtlasModule::ApiGlossary(Context& ctx) {
  auto glossary = services_.atlas->Glossary();
  if (!glossary.ok()) return Error(ctx, glossary.status());
  json items = json::array();
  for (const auto& t : *glossary) items.push_back(TermJson(t));
  return Json(ctx, 200, json{{"items", items}, {"total", items.size()}});
}

Response AtlasModule::ApiTerm(Context& ctx) {
  auto term = services_.atlas->Term(ctx.req.params.at("slug"));
  if (!term.ok()) return Error(ctx, term.status());
  return WithEtag(Json(ctx, 200, TermJson(*term)), term->version);
}

Response AtlasModule::ApiSaveTerm(Context& ctx) {
  const std::string& slug = ctx.req.params.at("slug");
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  if (!body->is_object()) return Error(ctx, Status::InvalidArgument("the body must be a JSON object"));
  Errors errors;
  atlas::GlossaryTerm term;
  for (auto it = body->begin(); it != body->end(); ++it) {
    if (it.key() != "texts" && it.key() != "sources" && it.key() != "source_note")
      errors[it.key()] = "is not a field of a glossary term";
  }
  if (auto it = body->find("texts"); it != body->end() && it->is_object()) {
    for (auto t = it->begin(); t != it->end(); ++t) {
      if (!t->is_object()) {
        errors["texts." + t.key()] = "must be an object {\"term\", \"definition\", \"aliases\"}";
        continue;
      }
      atlas::GlossaryText g;
      for (auto p = t->begin(); p != t->end(); ++p) {
        if ((p.key() == "term" || p.key() == "definition") && p->is_string()) {
          (p.key() == "term" ? g.term : g.definition) = p->get<std::string>();
        } else if (p.key() == "aliases" && p->is_array() &&
                   std::all_of(p->begin(), p->end(), [](const json& a) { return a.is_string(); })) {
          g.aliases = p->get<std::vector<std::string>>();
        } else {
          errors["texts." + t.key() + "." + p.key()] =
              "is not a field of a term's text (term, definition, aliases)";
        }
      }
      term.texts[t.key()] = g;
    }
  } else {
    errors["texts"] = "is required: an object of languages, each {\"term\", \"definition\", \"aliases\"}";
  }
  std::optional<std::vector<Id>> sources;
  OptIds(*body, "sources", sources, errors);
  if (sources) term.sources = *sources;
  if (auto it = body->find("source_note"); it != body->end()) {
    if (it->is_string()) {
      term.source_note = it->get<std::string>();
    } else {
      errors["source_note"] = "must be a string";
    }
  }
  if (!errors.empty()) return Error(ctx, Status::Validation(errors, "the term has invalid fields"));
  std::int64_t expected = 0;
  auto existing = services_.atlas->Term(slug);
  if (existing.ok()) {
    auto version = ParseIfMatchVersion(ctx.req.Header("if-match"));
    if (!version.ok()) return Error(ctx, version.status());
    if (!*version)
      return Error(ctx, Status::InvalidArgument("send If-Match with the term's ETag to change it"));
    term.id = existing->id;
    term.slug = existing->slug;
    expected = **version;
  } else if (!existing.status().IsNotFound()) {
    return Error(ctx, existing.status());
  } else {
    term.slug = slug;
  }
  auto saved = services_.atlas->SaveTerm(ctx.actor(), term, expected);
  if (!saved.ok()) return Error(ctx, saved.status());
  if (saved->slug != slug && !existing.ok())
    return Error(ctx, FieldError("slug", "slug", "must be lower-case letters, digits and hyphens"));
  return WithEtag(Json(ctx, existing.ok() ? 200 : 201, TermJson(*saved)), saved->version);
}

Response AtlasModule::ApiTopics(Context& ctx) {
  auto topics = services_.atlas->Topics();
  if (!topics.ok()) return Error(ctx, topics.status());
  json items = json::array();
  for (const auto& t : *topics) items.push_back(TopicJson(t));
  return Json(ctx, 200, json{{"items", items}});
}

Response AtlasModule::ApiTopic(Context& ctx) {
  auto topic = services_.atlas->TopicBySlug(ctx.req.params.at("slug"));
  if (!topic.ok()) return Error(ctx, topic.status());
  return WithEtag(Json(ctx, 200, TopicJson(*topic)), topic->version);
}

Response AtlasModule::ApiLayer(Context& ctx) {
  auto layer = DisplacementLayer(ctx);
  if (!layer.ok()) return Error(ctx, layer.status());
  json values = json::array();
  for (const auto& [iso, v] : layer->by_iso) {
    values.push_back({{"country", iso}, {"numeric", countries_.Numeric(iso)}, {"value", v}});
  }
  return Json(ctx, 200, json{{"label", layer->label}, {"source", layer->source}, {"values", values}});
}

}  // namespace waymark::web
