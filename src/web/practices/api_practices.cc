// JSON API for practices under /api/v1, the CSV export of any filter and the
// Atom feed of newly published practices: thin adapters to PracticeService.
// PATCH takes If-Match "\"<version>\"" (409 when stale).
#include <algorithm>
#include <set>

#include "core/regions.h"
#include "core/strings.h"
#include "web/atom.h"
#include "web/practices/practices_module.h"
#include "web/request_headers.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;
using practices::Id;
using practices::Practice;

namespace {

std::string JoinList(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : "; ") + x;
  return out;
}

const std::set<std::string>& WritableFields() {
  static const std::set<std::string> fields = {"organisation", "lead",
                                               "texts",        "partners",
                                               "places",       "generalised_location",
                                               "start_date",   "end_date",
                                               "phases",       "crises",
                                               "crisis_other", "guidelines",
                                               "themes",       "targets",
                                               "types",        "contacts",
                                               "links",        "licence",
                                               "sensitivity",  "contacts_private",
                                               "summary_only", "campaigns",
                                               "threads"};
  return fields;
}

void OptString(const json& body, const std::string& field, std::optional<std::string>& out,
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
  std::vector<std::string> v;
  if (!it->is_null()) {
    if (!it->is_array()) {
      errors[field] = "must be an array of strings";
      return;
    }
    for (const auto& item : *it) {
      if (!item.is_string()) {
        errors[field] = "must be an array of strings";
        return;
      }
      v.push_back(item.get<std::string>());
    }
  }
  out = v;
}

void OptIds(const json& body, const char* field, std::optional<std::vector<Id>>& out,
            std::map<std::string, std::string>& errors) {
  auto it = body.find(field);
  if (it == body.end()) return;
  std::vector<Id> v;
  if (!it->is_null()) {
    if (!it->is_array()) {
      errors[field] = "must be an array of numbers";
      return;
    }
    for (const auto& item : *it) {
      if (!item.is_number_integer()) {
        errors[field] = "must be an array of numbers";
        return;
      }
      v.push_back(item.get<Id>());
    }
  }
  out = v;
}

void OptBool(const json& body, const char* field, std::optional<bool>& out,
             std::map<std::string, std::string>& errors) {
  auto it = body.find(field);
  if (it == body.end()) return;
  if (!it->is_boolean()) {
    errors[field] = "must be true or false";
    return;
  }
  out = it->get<bool>();
}

Status InputFromJson(const json& body, bool creating, const Practice* current, practices::PracticeInput& in) {
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  std::map<std::string, std::string> errors;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (!WritableFields().count(it.key())) {
      errors[it.key()] = "is not a field you can write";
    } else if (it.key() == "organisation" && !creating) {
      errors[it.key()] = "cannot be changed";
    }
  }
  if (creating) OptString(body, "organisation", in.organisation, errors);
  if (auto it = body.find("lead"); it != body.end()) {
    if (!it->is_object()) {
      errors["lead"] = "must be an object like {\"name\": \"...\", \"actor_kind\": \"civil-society\"}";
    } else {
      OptString(*it, "name", in.lead_name, errors);
      OptString(*it, "actor_kind", in.lead_actor, errors);
    }
  }
  if (auto it = body.find("texts"); it != body.end()) {
    std::map<std::string, practices::LocalText> texts;
    if (current) texts = current->texts;
    if (!it->is_object()) {
      errors["texts"] = "must be an object by language, like {\"en\": {\"title\": \"...\"}}";
    } else {
      for (auto l = it->begin(); l != it->end(); ++l) {
        if (!l->is_object() && !l->is_null()) {
          errors["texts." + l.key()] = "must be an object of parts (title, summary, problem, ...)";
          continue;
        }
        practices::LocalText t = texts.count(l.key()) ? texts[l.key()] : practices::LocalText{};
        if (l->is_null()) t = practices::LocalText{};
        std::pair<const char*, std::string*> parts[] = {
            {"title", &t.title},         {"summary", &t.summary},
            {"problem", &t.problem},     {"description", &t.description},
            {"results", &t.results},     {"lessons", &t.lessons},
            {"resources", &t.resources}, {"transferability", &t.transferability}};
        if (l->is_object()) {
          for (auto p = l->begin(); p != l->end(); ++p) {
            auto found = std::find_if(std::begin(parts), std::end(parts),
                                      [&](const auto& x) { return p.key() == x.first; });
            std::string field = p.key() + "." + l.key();
            if (found == std::end(parts)) {
              errors[field] = "is not a part of a practice's text";
            } else if (p->is_string()) {
              *found->second = p->get<std::string>();
            } else if (p->is_null()) {
              found->second->clear();
            } else {
              errors[field] = "must be a string";
            }
          }
        }
        texts[l.key()] = t;
      }
      in.texts = texts;
    }
  }
  if (auto it = body.find("partners"); it != body.end()) {
    if (!it->is_array()) {
      errors["partners"] = "must be an array of {\"organisation\": slug} or {\"name\": ...}";
    } else {
      std::vector<practices::Party> partners;
      for (const auto& item : *it) {
        if (!item.is_object()) {
          errors["partners"] = "must be an array of objects";
          break;
        }
        practices::Party party;
        party.slug = item.value("organisation", "");
        party.name = item.value("name", "");
        party.actor_kind = item.value("actor_kind", "");
        partners.push_back(party);
      }
      in.partners = partners;
    }
  }
  if (auto it = body.find("places"); it != body.end()) {
    if (!it->is_array()) {
      errors["places"] = "must be an array of {\"country\": \"LBY\", \"role\": \"crisis\"}";
    } else {
      std::vector<practices::Place> places;
      for (const auto& item : *it) {
        std::string role = item.is_object() ? item.value("role", "crisis") : "";
        auto r = practices::ParsePlaceRole(role);
        if (!item.is_object() || !item.contains("country") || !item["country"].is_string() || !r) {
          errors["places"] =
              "each place is {\"country\": alpha-3, \"role\": crisis|origin|transit|destination}";
          break;
        }
        places.push_back(practices::Place{item["country"].get<std::string>(), *r});
      }
      in.places = places;
    }
  }
  if (auto it = body.find("links"); it != body.end()) {
    if (!it->is_array()) {
      errors["links"] = "must be an array of {\"url\": ..., \"label\": ...}";
    } else {
      std::vector<practices::Link> links;
      for (const auto& item : *it) {
        if (item.is_string()) {
          links.push_back({item.get<std::string>(), ""});
        } else if (item.is_object() && item.contains("url") && item["url"].is_string()) {
          links.push_back({item["url"].get<std::string>(), item.value("label", "")});
        } else {
          errors["links"] = "must be an array of {\"url\": ..., \"label\": ...}";
          break;
        }
      }
      in.links = links;
    }
  }
  const std::pair<const char*, std::optional<std::string>*> optional_texts[] = {
      {"generalised_location", &in.generalised_location},
      {"start_date", &in.start_date},
      {"end_date", &in.end_date},
      {"crisis_other", &in.crisis_other},
      {"contacts", &in.contacts},
      {"licence", &in.licence},
      {"sensitivity", &in.sensitivity}};
  for (const auto& [name, target] : optional_texts) OptString(body, name, *target, errors);
  OptList(body, "phases", in.phases, errors);
  OptList(body, "crises", in.crises, errors);
  OptList(body, "guidelines", in.guidelines, errors);
  OptList(body, "themes", in.themes, errors);
  OptList(body, "targets", in.targets, errors);
  OptList(body, "types", in.types, errors);
  OptBool(body, "contacts_private", in.contacts_private, errors);
  OptBool(body, "summary_only", in.summary_only, errors);
  OptIds(body, "campaigns", in.campaigns, errors);
  OptIds(body, "threads", in.threads, errors);
  if (!errors.empty()) return Status::Validation(errors);
  return Status::Ok();
}

}  // namespace

json PracticesModule::PracticeJson(const Practice& p) const {
  json texts = json::object();
  for (const auto& [lang, t] : p.texts) {
    json parts = {{"title", t.title},         {"summary", t.summary},
                  {"problem", t.problem},     {"description", t.description},
                  {"results", t.results},     {"lessons", t.lessons},
                  {"resources", t.resources}, {"transferability", t.transferability}};
    json clean = json::object();
    for (auto it = parts.begin(); it != parts.end(); ++it) {
      if (!it->get<std::string>().empty()) clean[it.key()] = *it;
    }
    texts[lang] = clean;
  }
  auto party = [](const practices::Party& x) {
    json j = {{"name", x.name}};
    if (!x.slug.empty()) j["organisation"] = x.slug;
    if (!x.actor_kind.empty()) j["actor_kind"] = x.actor_kind;
    return j;
  };
  json partners = json::array();
  for (const auto& x : p.partners) partners.push_back(party(x));
  json places = json::array();
  std::set<std::string> regions;
  for (const auto& pl : p.places) {
    places.push_back({{"country", pl.country}, {"role", practices::ToString(pl.role)}});
    if (const Region* r = SubRegionOf(pl.country)) regions.insert(std::string(r->code));
  }
  json links = json::array();
  for (const auto& l : p.links) links.push_back({{"url", l.url}, {"label", l.label}});
  json files = json::array();
  for (const auto& f : p.files) {
    files.push_back({{"id", f.id},
                     {"filename", f.filename},
                     {"content_type", f.content_type},
                     {"size", f.size},
                     {"sha256", f.sha256},
                     {"url", "/practices/files/" + std::to_string(f.id)}});
  }
  json j = {{"id", p.id},
            {"slug", p.slug},
            {"url", options_.base_url + "/practices/" + std::to_string(p.id)},
            {"texts", texts},
            {"languages", p.Languages()},
            {"lead", party(p.lead)},
            {"partners", partners},
            {"places", places},
            {"regions", std::vector<std::string>(regions.begin(), regions.end())},
            {"generalised_location", p.generalised_location},
            {"start_date", p.start_date ? json(*p.start_date) : json()},
            {"end_date", p.end_date ? json(*p.end_date) : json()},
            {"phases", p.phases},
            {"crises", p.crises},
            {"crisis_other", p.crisis_other},
            {"guidelines", p.guidelines},
            {"themes", p.themes},
            {"targets", p.targets},
            {"types", p.types},
            {"actor_kinds", p.ActorKinds()},
            {"contacts", p.contacts},
            {"links", links},
            {"files", files},
            {"licence", p.licence},
            {"sensitivity", practices::ToString(p.sensitivity)},
            {"contacts_private", p.contacts_private},
            {"summary_only", p.summary_only},
            {"campaigns", p.campaigns},
            {"threads", p.threads},
            {"lifecycle", practices::ToString(p.lifecycle)},
            {"merged_into", p.merged_into ? json(*p.merged_into) : json()},
            {"version", p.version},
            {"created_at", FormatIso8601(p.created_at)},
            {"updated_at", FormatIso8601(p.updated_at)},
            {"published_at", p.published_at ? json(FormatIso8601(*p.published_at)) : json()}};
  return j;
}

Response PracticesModule::ApiList(Context& ctx) {
  auto q = QueryFromRequest(ctx, 20);
  if (!q.ok()) return Error(ctx, q.status());
  search::Query query = *q;
  query.facets = {"phase", "crisis", "theme",   "guideline", "actor", "target",
                  "ptype", "region", "country", "lang",      "year"};
  auto found = services_.practices->Search(ctx.actor(), query);
  if (!found.ok()) return Error(ctx, found.status());
  json items = json::array();
  for (std::size_t i = 0; i < found->practices.size(); ++i) {
    json item = PracticeJson(found->practices[i]);
    if (i < found->results.hits.size()) {
      item["score"] = found->results.hits[i].score;
      item["snippet_html"] = found->results.hits[i].snippet_html;
    }
    items.push_back(std::move(item));
  }
  json facets = json::object();
  for (const auto& [name, counts] : found->results.facets) {
    json f = json::object();
    for (const auto& [v, n] : counts) f[v] = n;
    facets[name] = f;
  }
  return Json(ctx, 200,
              json{{"items", items},
                   {"total", found->results.total},
                   {"total_exact", found->results.total_exact},
                   {"facets", facets},
                   {"page", query.offset / query.limit + 1},
                   {"per_page", query.limit}});
}

Response PracticesModule::ApiGet(Context& ctx) {
  auto view = Find(ctx, ctx.req.params.at("id"));
  if (!view.ok()) return Error(ctx, view.status());
  json j = PracticeJson(view->practice);
  json adoptions = json::array();
  for (const auto& a : view->adoptions) {
    adoptions.push_back({{"id", a.id},
                         {"organisation", a.organisation.slug},
                         {"organisation_name", a.organisation.name},
                         {"country", a.country},
                         {"start_date", a.start_date ? json(*a.start_date) : json()},
                         {"end_date", a.end_date ? json(*a.end_date) : json()},
                         {"results", a.results},
                         {"lang", a.lang}});
  }
  j["adoptions"] = adoptions;
  json groups = json::array();
  for (const auto& c : view->collections) groups.push_back(c.group_id);
  j["collected_by_groups"] = groups;
  j["redacted"] = view->redacted;
  Response r = Json(ctx, 200, j);
  r.Set("ETag", "\"" + std::to_string(view->practice.version) + "\"");
  return r;
}

Response PracticesModule::ApiCreate(Context& ctx) {
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  practices::PracticeInput in;
  Status s = InputFromJson(*body, true, nullptr, in);
  if (!s.ok()) return Error(ctx, s);
  auto p = services_.practices->Create(ctx.actor(), in);
  if (!p.ok()) return Error(ctx, p.status());
  Response r = Json(ctx, 201, PracticeJson(*p));
  r.Set("Location", "/api/v1/practices/" + std::to_string(p->id));
  r.Set("ETag", "\"" + std::to_string(p->version) + "\"");
  return r;
}

Response PracticesModule::ApiPatch(Context& ctx) {
  const std::string& id = ctx.req.params.at("id");
  if (!IsDigits(id)) return Error(ctx, Status::NotFound("no such practice"));
  auto version = ParseIfMatchVersion(ctx.req.Header("if-match"));
  if (!version.ok()) return Error(ctx, version.status());
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  auto current = services_.practices->Get(ctx.actor(), std::stoll(id));
  if (!current.ok()) return Error(ctx, current.status());
  practices::PracticeInput in;
  Status s = InputFromJson(*body, false, &*current, in);
  if (!s.ok()) return Error(ctx, s);
  in.expected_version = *version;
  auto p = services_.practices->Update(ctx.actor(), std::stoll(id), in);
  if (!p.ok()) return Error(ctx, p.status());
  Response r = Json(ctx, 200, PracticeJson(*p));
  r.Set("ETag", "\"" + std::to_string(p->version) + "\"");
  return r;
}

Response PracticesModule::ApiAction(Context& ctx) {
  const std::string& id_text = ctx.req.params.at("id");
  if (!IsDigits(id_text)) return Error(ctx, Status::NotFound("no such practice"));
  Id id = std::stoll(id_text);
  std::string action = ctx.req.path.substr(ctx.req.path.rfind('/') + 1);
  json body = json::object();
  if (!ctx.req.body.empty()) {
    auto parsed = ParseJsonBody(ctx.req);
    if (!parsed.ok()) return Error(ctx, parsed.status());
    if (!parsed->is_object()) return Error(ctx, Status::InvalidArgument("the body must be a JSON object"));
    body = *parsed;
  }
  auto text = [&](const char* field) -> Result<std::string> {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return std::string();
    if (!it->is_string()) return Site::FieldError(field, "type", "must be a string");
    return it->get<std::string>();
  };
  auto version = ParseIfMatchVersion(ctx.req.Header("if-match"));
  if (!version.ok()) return Error(ctx, version.status());
  auto actor = ctx.actor();
  auto svc = services_.practices;
  Result<Practice> r = Status::NotFound("no such action");
  if (action == "submit") r = svc->Submit(actor, id, *version);
  if (action == "publish") r = svc->Publish(actor, id, *version);
  if (action == "return" || action == "reject" || action == "archive" || action == "merge") {
    auto reason = text(action == "return" ? "questions" : "reason");
    if (!reason.ok()) return Error(ctx, reason.status());
    if (action == "return") r = svc->Return(actor, id, *reason, *version);
    if (action == "reject") r = svc->Reject(actor, id, *reason);
    if (action == "archive") r = svc->Archive(actor, id, *reason);
    if (action == "merge") {
      auto it = body.find("into");
      if (it == body.end() || !it->is_number_integer())
        return Error(ctx, Site::FieldError("into", "required", "give the id of the practice to keep"));
      r = svc->Merge(actor, id, it->get<Id>(), *reason);
    }
  }
  if (!r.ok()) return Error(ctx, r.status());
  Response out = Json(ctx, 200, PracticeJson(*r));
  out.Set("ETag", "\"" + std::to_string(r->version) + "\"");
  return out;
}

Response PracticesModule::ApiSimilar(Context& ctx) {
  auto view = Find(ctx, ctx.req.params.at("id"));
  if (!view.ok()) return Error(ctx, view.status());
  auto similar = services_.practices->Similar(ctx.actor(), view->practice.id, 10);
  if (!similar.ok()) return Error(ctx, similar.status());
  json items = json::array();
  for (const auto& p : *similar) items.push_back(PracticeJson(p));
  return Json(ctx, 200, json{{"items", items}});
}

Response PracticesModule::ApiRevisions(Context& ctx) {
  auto view = Find(ctx, ctx.req.params.at("id"));
  if (!view.ok()) return Error(ctx, view.status());
  auto revisions = services_.practices->History(ctx.actor(), view->practice.id);
  if (!revisions.ok()) return Error(ctx, revisions.status());
  json items = json::array();
  for (const auto& r : *revisions) {
    items.push_back({{"version", r.version},
                     {"at", FormatIso8601(r.at)},
                     {"actor", r.actor_label},
                     {"action", r.action},
                     {"note", r.note},
                     {"practice", PracticeJson(r.snapshot)}});
  }
  return Json(ctx, 200, json{{"items", items}});
}

Response PracticesModule::ApiMatrix(Context& ctx) {
  auto q = QueryFromRequest(ctx, 20);
  if (!q.ok()) return Error(ctx, q.status());
  auto m = services_.practices->CountMatrix(*q);
  if (!m.ok()) return Error(ctx, m.status());
  json rows = json::array();
  for (const auto& crisis : m->crises) {
    json cells = json::object();
    for (const auto& phase : m->phases) {
      auto it = m->counts.find({crisis, phase});
      cells[phase] = it == m->counts.end() ? 0 : it->second;
    }
    rows.push_back({{"crisis", crisis}, {"total", m->crisis_totals[crisis]}, {"phases", cells}});
  }
  json totals = json::object();
  for (const auto& phase : m->phases) totals[phase] = m->phase_totals[phase];
  return Json(ctx, 200,
              json{{"phases", m->phases},
                   {"crises", m->crises},
                   {"rows", rows},
                   {"phase_totals", totals},
                   {"total", m->total}});
}

Response PracticesModule::ApiTerms(Context& ctx) {
  auto terms = services_.practices->Terms();
  if (!terms.ok()) return Error(ctx, terms.status());
  json out = json::object();
  for (const char* v : practices::kVocabularies) out[v] = json::array();
  for (const auto& t : *terms) {
    json j = {{"code", t.code}, {"labels", t.labels}, {"active", t.active}, {"position", t.position}};
    if (!t.parent.empty()) j["parent"] = t.parent;
    out[t.vocabulary].push_back(j);
  }
  return Json(ctx, 200, out);
}

Response PracticesModule::Csv(Context& ctx) {
  auto query = QueryFromRequest(ctx, 100);
  if (!query.ok()) return Error(ctx, query.status());
  search::Query q = *query;
  q.limit = 100;
  bool paged = ctx.req.QueryParam("page").has_value();
  constexpr int kMaxRows = 10000;
  std::string csv =
      "id,slug,title,summary,languages,lead,lead_actor_kind,partners,countries,regions,generalised_location,"
      "start_date,end_date,phases,crises,crisis_other,guidelines,themes,targets,types,licence,published_at,"
      "url\r\n";
  int rows = 0;
  while (rows < kMaxRows) {
    auto found = services_.practices->Search(ctx.actor(), q);
    if (!found.ok()) return Error(ctx, found.status());
    for (const auto& p : found->practices) {
      const auto& text = p.Text(ctx.lang);
      std::vector<std::string> partners, countries;
      std::set<std::string> regions;
      for (const auto& x : p.partners) partners.push_back(x.slug.empty() ? x.name : x.slug);
      for (const auto& pl : p.places) {
        countries.push_back(pl.country + ":" + std::string(practices::ToString(pl.role)));
        if (const Region* r = SubRegionOf(pl.country)) regions.insert(std::string(r->code));
      }
      std::vector<std::string> cells = {std::to_string(p.id),
                                        p.slug,
                                        text.title,
                                        text.summary,
                                        JoinList(p.Languages()),
                                        p.lead.slug.empty() ? p.lead.name : p.lead.slug,
                                        p.lead.actor_kind,
                                        JoinList(partners),
                                        JoinList(countries),
                                        JoinList({regions.begin(), regions.end()}),
                                        p.generalised_location,
                                        p.start_date.value_or(""),
                                        p.end_date.value_or(""),
                                        JoinList(p.phases),
                                        JoinList(p.crises),
                                        p.crisis_other,
                                        JoinList(p.guidelines),
                                        JoinList(p.themes),
                                        JoinList(p.targets),
                                        JoinList(p.types),
                                        p.licence,
                                        p.published_at ? FormatIso8601(*p.published_at) : "",
                                        options_.base_url + "/practices/" + std::to_string(p.id)};
      std::string line;
      for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + CsvCell(cells[i]);
      csv += line + "\r\n";
      ++rows;
    }
    if (paged || found->practices.empty() || q.offset + q.limit >= found->results.total) break;
    q.offset += q.limit;
  }
  Response r;
  r.body = std::move(csv);
  r.Set("Content-Type", "text/csv; charset=utf-8; header=present");
  r.Set("Content-Disposition", "attachment; filename=\"practices.csv\"");
  r.Set("Cache-Control", ctx.user ? "private, no-store" : "public, max-age=60");
  return r;
}

Response PracticesModule::Atom(Context& ctx) {
  auto list = services_.practices->RecentlyPublished(50);
  if (!list.ok()) return Error(ctx, list.status());
  const std::string& origin = options_.base_url;
  TimestampMs newest = 0;
  for (const auto& p : *list) newest = std::max(newest, p.published_at.value_or(p.updated_at));
  atom::Feed feed{ctx.lang, "tag:waymark.org,2015:practices", "Waymark: " + T(ctx, "pr_title"),
                  newest,   origin + "/practices.atom",       origin + "/practices",
                  {}};
  for (const auto& p : *list) {
    const auto& text = p.Text(ctx.lang);
    std::string id = std::to_string(p.id);
    feed.entries.push_back({"tag:waymark.org,2015:practice:" + id,
                            text.title,
                            std::string(origin).append("/practices/").append(id),
                            p.published_at.value_or(p.updated_at),
                            p.published_at,
                            {p.lead.name, ""},
                            p.phases,
                            text.summary});
  }
  return atom::ToResponse(feed);
}

}  // namespace waymark::web
