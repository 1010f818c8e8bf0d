// JSON API for campaigns under /api/v1: thin adapters from JSON to the
// CampaignService and back. Conditional writes use ETag "\"<version>\"" and
// If-Match (required on PATCH: 428 without it; 409 when stale).
#include <algorithm>
#include <set>

#include "core/strings.h"
#include "http/multipart.h"
#include "i18n/countries.h"
#include "web/campaigns/campaigns_module.h"
#include "web/request_headers.h"

namespace waymark::web {

using campaigns::Campaign;
using http::Response;
using nlohmann::json;

namespace {

constexpr int kMaxPerPage = 100;

std::string ETag(const Campaign& c) { return "\"" + std::to_string(c.version) + "\""; }

json ApiError(int /*status*/, const std::string& code, const std::string& message) {
  return json{{"error", {{"code", code}, {"message", message}}}};
}

// If-Match: "3" -> 3. nullopt when absent or "*"; InvalidArgument when malformed.
Result<std::optional<std::int64_t>> IfMatch(const http::Request& req) {
  return ParseIfMatchVersion(req.Header("if-match"));
}

const std::set<std::string>& WritableFields() {
  static const std::set<std::string> fields = {
      "organisation", "title",    "summary",   "body",        "partners", "countries",
      "themes",       "channels", "audiences", "start_date",  "end_date", "status",
      "visibility",   "outcomes", "figures",   "video_links", "licence",  "contact"};
  return fields;
}
const std::set<std::string>& ReadOnlyFields() {
  static const std::set<std::string> fields = {"id",      "slug",       "lifecycle",    "adapted_from",
                                               "version", "created_at", "updated_at",   "published_at",
                                               "url",     "media",      "return_reason"};
  return fields;
}

void OptString(const json& body, const char* field, std::optional<std::string>& out,
               std::map<std::string, std::string>& errors) {
  auto it = body.find(field);
  if (it == body.end()) return;
  if (it->is_null()) {
    out = "";
  } else if (it->is_string()) {
    out = it->get<std::string>();
  } else {
    errors[field] = "must be a string";
  }
}

void OptList(const json& body, const char* field, std::optional<std::vector<std::string>>& out,
             std::map<std::string, std::string>& errors) {
  auto it = body.find(field);
  if (it == body.end()) return;
  if (it->is_null()) {
    out = std::vector<std::string>{};
    return;
  }
  if (!it->is_array()) {
    errors[field] = "must be an array of strings";
    return;
  }
  std::vector<std::string> v;
  for (const auto& item : *it) {
    if (!item.is_string()) {
      errors[field] = "must be an array of strings";
      return;
    }
    v.push_back(item.get<std::string>());
  }
  out = v;
}

// The JSON body as a CampaignInput; `current` fills the parts of a language
// a PATCH leaves out.
Status InputFromJson(const json& body, bool creating, const Campaign* current, campaigns::CampaignInput& in) {
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  std::map<std::string, std::string> errors;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (ReadOnlyFields().count(it.key())) {
      errors[it.key()] = "is read-only";
    } else if (!WritableFields().count(it.key())) {
      errors[it.key()] = "is not a known field";
    } else if (it.key() == "organisation" && !creating) {
      errors[it.key()] = "cannot be changed";
    }
  }
  if (creating) OptString(body, "organisation", in.organisation, errors);
  // title/summary/body: objects by language.
  std::map<std::string, campaigns::LocalText> texts;
  if (current) texts = current->texts;
  bool any_text = false;
  for (const char* part : {"title", "summary", "body"}) {
    auto it = body.find(part);
    if (it == body.end() || it->is_null()) continue;
    if (!it->is_object()) {
      errors[part] = "must be an object by language, like {\"en\": \"...\"}";
      continue;
    }
    for (auto l = it->begin(); l != it->end(); ++l) {
      std::string field = std::string(part) + "." + l.key();
      if (l.key() != "en" && l.key() != "fr" && l.key() != "es") {
        errors[field] = "'" + l.key() + "' is not a language we take (en, fr, es)";
        continue;
      }
      if (!l->is_string() && !l->is_null()) {
        errors[field] = "must be a string";
        continue;
      }
      std::string value = l->is_null() ? "" : l->get<std::string>();
      auto& t = texts[l.key()];
      if (std::string_view(part) == "title") t.title = value;
      if (std::string_view(part) == "summary") t.summary = value;
      if (std::string_view(part) == "body") t.body = value;
      any_text = true;
    }
  }
  if (any_text || creating) in.texts = texts;
  OptList(body, "partners", in.partners, errors);
  OptList(body, "countries", in.countries, errors);
  OptList(body, "themes", in.themes, errors);
  OptList(body, "channels", in.channels, errors);
  OptList(body, "audiences", in.audiences, errors);
  OptList(body, "video_links", in.video_links, errors);
  OptString(body, "start_date", in.start_date, errors);
  OptString(body, "end_date", in.end_date, errors);
  OptString(body, "status", in.stage, errors);
  OptString(body, "visibility", in.visibility, errors);
  OptString(body, "outcomes", in.outcomes, errors);
  OptString(body, "licence", in.licence, errors);
  OptString(body, "contact", in.contact, errors);
  if (auto it = body.find("figures"); it != body.end()) {
    std::vector<campaigns::Figure> figures;
    if (it->is_null()) {
      in.figures = figures;
    } else if (!it->is_array()) {
      errors["figures"] = "must be an array of {\"name\": string, \"value\": integer}";
    } else {
      for (const auto& f : *it) {
        if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("value") ||
            !f["value"].is_number_integer() || f.size() != 2) {
          errors["figures"] = "must be an array of {\"name\": string, \"value\": integer}";
          break;
        }
        figures.push_back({f["name"].get<std::string>(), f["value"].get<std::int64_t>()});
      }
      if (!errors.count("figures")) in.figures = figures;
    }
  }
  if (!errors.empty()) return Status::Validation(errors);
  return Status::Ok();
}

json MediaJson(const campaigns::Media& m) {
  return json{{"id", m.id},
              {"filename", m.filename},
              {"content_type", m.content_type},
              {"size", m.size},
              {"sha256", m.sha256},
              {"caption", m.caption},
              {"created_at", FormatIso8601(m.created_at)},
              {"url", "/media/" + std::to_string(m.id)}};
}

}  // namespace

Result<search::Query> CampaignsModule::CampaignQueryFromRequest(const Context& ctx,
                                                                int default_per_page) const {
  const http::Request& req = ctx.req;
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string parse_error;
  if (!http::ParseUrlEncoded(req.query, pairs, parse_error)) return Status::InvalidArgument(parse_error);
  search::Query q;
  q.lang = ctx.lang;
  q.limit = default_per_page;
  q.facets = {"country", "theme", "org", "status", "lang", "year", "channel"};
  FieldErrors errors;
  int page = 1;
  // On pages ?lang= chooses the interface language, so the language facet is ?language=.
  const std::string lang_param = req.IsApi() ? "lang" : "language";
  for (const auto& [key, raw] : pairs) {
    if (key == "q") {
      if (raw.size() > 500) {
        errors.Add("q", "too_long", "is longer than 500 characters", {{"max", "500"}});
      } else if (!IsValidUtf8(raw)) {
        errors.Add("q", "utf8", "is not valid text (UTF-8)");
      } else {
        q.text = std::string(TrimAscii(raw));
      }
      continue;
    }
    if (key == "page" || key == "per_page") {
      std::size_t used = 0;
      long n = 0;
      try {
        n = std::stol(raw, &used);
      } catch (...) {
        used = 0;
      }
      long hi = key == "page" ? 100000 : kMaxPerPage;
      if (used != raw.size() || raw.empty() || n < 1 || n > hi) {
        errors.Add(key, "range", "must be a whole number from 1 to " + std::to_string(hi),
                   {{"min", "1"}, {"max", std::to_string(hi)}});
      } else if (key == "page") {
        page = static_cast<int>(n);
      } else {
        q.limit = static_cast<int>(n);
      }
      continue;
    }
    if (key == "sort") {
      if (raw == "newest") {
        q.newest_first = true;
      } else if (raw != "relevance" && !raw.empty()) {
        errors.Add("sort", "unknown", "must be relevance or newest", {{"value", raw}});
      }
      continue;
    }
    std::string facet = key == lang_param ? "lang" : key;
    if (facet == "lang" && key != lang_param) continue;  // ?lang= on a page: the interface language
    static const std::set<std::string> kFacetParams = {"country", "theme", "org",    "status",
                                                       "lang",    "year",  "channel"};
    if (!kFacetParams.count(facet)) continue;  // other parameters (msg, ...) are not filters
    for (std::string_view part : Split(raw, ',')) {
      std::string v(TrimAscii(part));
      if (v.empty()) continue;
      if (facet == "country") {
        std::string upper = v;
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (!countries_.IsValidAlpha3(upper)) {
          errors.Add("country", "country_unknown", "'" + v + "' is not a country code we know",
                     {{"value", v}});
          continue;
        }
        v = upper;
      } else if (facet == "status") {
        if (!campaigns::ParseStage(v)) {
          errors.Add("status", "stage_unknown", "'" + v + "' is not a status (idea, planned, running, ended)",
                     {{"value", v}});
          continue;
        }
      } else if (facet == "lang") {
        if (v != "en" && v != "fr" && v != "es") {
          errors.Add(key, "language_unknown", "'" + v + "' is not a language we take (en, fr, es)",
                     {{"value", v}});
          continue;
        }
      } else if (facet == "year") {
        if (v.size() != 4 || !IsDigits(v)) {
          errors.Add("year", "year_format", "'" + v + "' is not a year like 2015", {{"value", v}});
          continue;
        }
      } else if (v.size() > 100) {
        errors.Add(facet, "too_long", "is longer than 100 characters", {{"max", "100"}});
        continue;
      }
      auto& list = q.filters[facet];
      if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
    }
  }
  if (!errors.empty()) return errors.ToStatus("bad search parameters");
  q.offset = (page - 1) * q.limit;
  return q;
}

json CampaignsModule::CampaignJson(const Campaign& c) const {
  json title = json::object(), summary = json::object(), body = json::object();
  for (const auto& [l, t] : c.texts) {
    title[l] = t.title;
    summary[l] = t.summary;
    body[l] = t.body;
  }
  json partners = json::array();
  for (const auto& p : c.partners) partners.push_back(p.slug);
  json figures = json::array();
  for (const auto& f : c.figures) figures.push_back({{"name", f.name}, {"value", f.value}});
  json media = json::array();
  for (const auto& m : c.media) media.push_back(MediaJson(m));
  return json{{"id", c.id},
              {"slug", c.slug},
              {"title", title},
              {"summary", summary},
              {"body", body},
              {"organisation", c.organisation.slug},
              {"organisation_name", c.organisation.name},
              {"partners", partners},
              {"countries", c.countries},
              {"themes", c.themes},
              {"channels", c.channels},
              {"audiences", c.audiences},
              {"start_date", c.start_date ? json(*c.start_date) : json(nullptr)},
              {"end_date", c.end_date ? json(*c.end_date) : json(nullptr)},
              {"status", std::string(campaigns::ToString(c.stage))},
              {"lifecycle", std::string(campaigns::ToString(c.lifecycle))},
              {"visibility", std::string(campaigns::ToString(c.visibility))},
              {"outcomes", c.outcomes},
              {"figures", figures},
              {"video_links", c.video_links},
              {"media", media},
              {"licence", c.licence},
              {"contact", c.contact},
              {"adapted_from", c.adapted_from ? json(*c.adapted_from) : json(nullptr)},
              {"return_reason", c.return_reason.empty() ? json(nullptr) : json(c.return_reason)},
              {"version", c.version},
              {"created_at", FormatIso8601(c.created_at)},
              {"updated_at", FormatIso8601(c.updated_at)},
              {"published_at", c.published_at ? json(FormatIso8601(*c.published_at)) : json(nullptr)},
              {"url", "/api/v1/campaigns/" + std::to_string(c.id)},
              {"html_url", "/campaigns/" + std::to_string(c.id)}};
}

Response CampaignsModule::ApiListCampaigns(Context& ctx) {
  auto q = CampaignQueryFromRequest(ctx, 20);
  if (!q.ok()) return Error(ctx, q.status());
  auto found = services_.campaigns->Search(ctx.actor(), *q);
  if (!found.ok()) return Error(ctx, found.status());
  json items = json::array();
  for (std::size_t i = 0; i < found->campaigns.size(); ++i) {
    json item = CampaignJson(found->campaigns[i]);
    if (i < found->results.hits.size()) {
      item["score"] = found->results.hits[i].score;
      item["snippet_html"] = found->results.hits[i].snippet_html;
    }
    items.push_back(std::move(item));
  }
  json facets = json::object();
  for (const auto& name : q->facets) facets[name] = json::object();
  for (const auto& [name, counts] : found->results.facets) {
    json f = json::object();
    for (const auto& [v, n] : counts) f[v] = n;
    facets[name] = f;
  }
  const search::Results& r = found->results;
  return Json(ctx, 200,
              json{{"items", items},
                   {"total", r.total},
                   {"total_exact", r.total_exact},
                   {"suggestion", r.suggestion.empty() ? json(nullptr) : json(r.suggestion)},
                   {"corrected_from", r.corrected_from.empty() ? json(nullptr) : json(r.corrected_from)},
                   {"facets", facets},
                   {"page", q->offset / q->limit + 1},
                   {"per_page", q->limit}});
}

Response CampaignsModule::ApiGetCampaign(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  std::string etag = ETag(*c);
  Response r = Json(ctx, 200, CampaignJson(*c));
  r.Set("ETag", etag);
  return r;
}

Response CampaignsModule::ApiCreateCampaign(Context& ctx) {
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  campaigns::CampaignInput in;
  Status s = InputFromJson(*body, true, nullptr, in);
  if (!s.ok()) return Error(ctx, s);
  auto c = services_.campaigns->Create(ctx.actor(), in);
  if (!c.ok()) return Error(ctx, c.status());
  Response r = Json(ctx, 201, CampaignJson(*c));
  r.Set("Location", "/api/v1/campaigns/" + std::to_string(c->id));
  r.Set("ETag", ETag(*c));
  return r;
}

Response CampaignsModule::ApiPatchCampaign(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  auto version = IfMatch(ctx.req);
  if (!version.ok()) return Error(ctx, version.status());
  if (!version->has_value()) {
    return Json(ctx, 428,
                ApiError(428, "precondition_required",
                         "send If-Match with the ETag from GET /api/v1/campaigns/" + std::to_string(c->id)));
  }
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  campaigns::CampaignInput in;
  Status s = InputFromJson(*body, false, &*c, in);
  if (!s.ok()) return Error(ctx, s);
  in.expected_version = **version;
  auto updated = services_.campaigns->Update(ctx.actor(), c->id, in);
  if (!updated.ok()) return Error(ctx, updated.status());
  Response r = Json(ctx, 200, CampaignJson(*updated));
  r.Set("ETag", ETag(*updated));
  return r;
}

Response CampaignsModule::ApiCampaignAction(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  std::string action = ctx.req.route.substr(ctx.req.route.rfind('/') + 1);
  auto version = IfMatch(ctx.req);
  if (!version.ok()) return Error(ctx, version.status());
  json body = json::object();
  if (!TrimAscii(ctx.req.body).empty()) {
    auto parsed = ParseJsonBody(ctx.req);
    if (!parsed.ok()) return Error(ctx, parsed.status());
    if (!parsed->is_object()) return Error(ctx, Status::InvalidArgument("the body must be a JSON object"));
    body = *parsed;
  }
  std::set<std::string> allowed;
  if (action == "return") allowed = {"reason"};
  if (action == "adapt") allowed = {"organisation"};
  std::map<std::string, std::string> errors;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (!allowed.count(it.key())) {
      errors[it.key()] = "is not a known field";
    } else if (!it->is_string()) {
      errors[it.key()] = "must be a string";
    }
  }
  if (!errors.empty()) return Error(ctx, Status::Validation(errors));
  accounts::Actor actor = ctx.actor();
  Result<Campaign> r = Status::Internal("unknown action");
  if (action == "submit") r = services_.campaigns->Submit(actor, c->id, *version);
  if (action == "publish") r = services_.campaigns->Publish(actor, c->id, *version);
  if (action == "return") r = services_.campaigns->Return(actor, c->id, body.value("reason", ""), *version);
  if (action == "archive") r = services_.campaigns->Archive(actor, c->id, *version);
  if (action == "adapt") {
    if (!body.contains("organisation"))
      return Error(ctx, CampaignsModule::FieldError("organisation", "required", "is required"));
    r = services_.campaigns->Adapt(actor, c->id, body.value("organisation", ""));
  }
  if (!r.ok()) return Error(ctx, r.status());
  Response resp = Json(ctx, action == "adapt" ? 201 : 200, CampaignJson(*r));
  resp.Set("ETag", ETag(*r));
  if (action == "adapt") resp.Set("Location", "/api/v1/campaigns/" + std::to_string(r->id));
  return resp;
}

Response CampaignsModule::ApiCampaignLineage(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  auto lineage = services_.campaigns->GetLineage(ctx.actor(), c->id, ctx.lang);
  if (!lineage.ok()) return Error(ctx, lineage.status());
  json nodes = json::array();
  for (const auto& n : lineage->nodes) {
    nodes.push_back({{"id", n.id},
                     {"slug", n.slug},
                     {"title", n.title},
                     {"organisation", n.organisation.slug},
                     {"countries", n.countries},
                     {"adapted_from", n.adapted_from ? json(*n.adapted_from) : json(nullptr)},
                     {"depth", n.depth},
                     {"lifecycle", std::string(campaigns::ToString(n.lifecycle))},
                     {"url", "/api/v1/campaigns/" + std::to_string(n.id)}});
  }
  json countries = json::object();
  for (const auto& [code, n] : lineage->countries) countries[code] = n;
  return Json(ctx, 200, json{{"root", lineage->root}, {"nodes", nodes}, {"countries", countries}});
}

Response CampaignsModule::ApiCampaignRevisions(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  auto history = services_.campaigns->History(ctx.actor(), c->id);
  if (!history.ok()) return Error(ctx, history.status());
  json items = json::array();
  std::vector<campaigns::Revision> revisions = std::move(*history);
  std::sort(revisions.begin(), revisions.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  for (const auto& r : revisions) {
    items.push_back({{"version", r.version},
                     {"at", FormatIso8601(r.at)},
                     {"actor", r.actor_label},
                     {"action", r.action},
                     {"changed", r.changed}});
  }
  return Json(ctx, 200, json{{"items", items}});
}

Response CampaignsModule::ApiCampaignMedia(Context& ctx) {
  auto c = FindCampaign(ctx, ctx.req.params.at("id"));
  if (!c.ok()) return Error(ctx, c.status());
  std::string filename = ctx.req.QueryParam("filename").value_or("upload");
  std::string caption = ctx.req.QueryParam("caption").value_or("");
  std::string bytes;
  if (ctx.req.ContentType() == "multipart/form-data") {
    auto parts = http::ParseMultipart(ctx.req.Header("content-type"), ctx.req.body);
    if (!parts.ok()) return Error(ctx, parts.status());
    bool found = false;
    for (auto& p : *parts) {
      if (p.name == "file" && p.filename) {
        filename = p.filename->empty() ? filename : *p.filename;
        bytes = std::move(p.body);
        found = true;
      } else if (p.name == "caption") {
        caption = p.body;
      }
    }
    if (!found)
      return Error(ctx,
                   CampaignsModule::FieldError("file", "required", "send the file in a part named 'file'"));
  } else {
    bytes = ctx.req.body;
  }
  if (bytes.empty())
    return Error(ctx, CampaignsModule::FieldError("file", "required", "the upload is empty"));
  auto m = services_.campaigns->AddMedia(ctx.actor(), c->id, filename, bytes, caption);
  if (!m.ok()) return Error(ctx, m.status());
  Response r = Json(ctx, 201, MediaJson(*m));
  r.Set("Location", "/media/" + std::to_string(m->id));
  return r;
}

Response CampaignsModule::ApiThemes(Context& ctx) {
  auto themes = services_.campaigns->Themes();
  if (!themes.ok()) return Error(ctx, themes.status());
  json items = json::array();
  for (const auto& t : *themes)
    items.push_back({{"code", t.code}, {"labels", t.labels}, {"active", t.active}});
  return Json(ctx, 200, json{{"items", items}});
}

}  // namespace waymark::web
