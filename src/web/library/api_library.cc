// JSON API for the library under /api/v1, and the exports of one item or of
// any search as BibTeX, RIS and CSL-JSON: thin adapters to LibraryService.
// PATCH takes If-Match "\"<version>\"" (409 when stale).
#include <algorithm>
#include <set>

#include "core/strings.h"
#include "domain/library/bibtex.h"
#include "domain/library/csl_json.h"
#include "domain/library/ris.h"
#include "http/multipart.h"
#include "web/library/library_module.h"
#include "web/request_headers.h"

namespace waymark::web {

using http::Response;
using library::Id;
using library::Item;
using nlohmann::json;

namespace {

// The most references one export holds (a search beyond is cut, and says so
// in a header).
constexpr int kMaxExport = 1000;

const std::set<std::string>& WritableFields() {
  static const std::set<std::string> fields = {
      "organisation", "type",      "texts",   "authors", "publisher", "publisher_place", "container_title",
      "volume",       "issue",     "pages",   "edition", "date",      "doc_language",    "themes",
      "keywords",     "countries", "regions", "doi",     "isbn",      "handle",          "url",
      "licence"};
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

Status InputFromJson(const json& body, bool creating, library::ItemInput& in) {
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  std::map<std::string, std::string> errors;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (!WritableFields().count(it.key())) errors[it.key()] = "is not a field of a library item";
  }
  if (!creating && body.contains("organisation")) errors["organisation"] = "cannot be changed";
  for (const auto& [field, target] :
       std::initializer_list<std::pair<const char*, std::optional<std::string>*>>{
           {"organisation", &in.organisation},
           {"type", &in.type},
           {"publisher", &in.publisher},
           {"publisher_place", &in.publisher_place},
           {"container_title", &in.container_title},
           {"volume", &in.volume},
           {"issue", &in.issue},
           {"pages", &in.pages},
           {"edition", &in.edition},
           {"date", &in.date},
           {"doc_language", &in.doc_language},
           {"doi", &in.doi},
           {"isbn", &in.isbn},
           {"handle", &in.handle},
           {"url", &in.url},
           {"licence", &in.licence}}) {
    OptString(body, field, *target, errors);
  }
  OptList(body, "themes", in.themes, errors);
  OptList(body, "keywords", in.keywords, errors);
  OptList(body, "countries", in.countries, errors);
  OptList(body, "regions", in.regions, errors);
  if (auto it = body.find("texts"); it != body.end()) {
    if (!it->is_object()) {
      errors["texts"] = "must be an object of languages, each {\"title\", \"abstract\"}";
    } else {
      std::map<std::string, library::LocalText> texts;
      for (auto t = it->begin(); t != it->end(); ++t) {
        if (!t->is_object()) {
          errors["texts." + t.key()] = "must be an object {\"title\", \"abstract\"}";
          continue;
        }
        library::LocalText lt;
        for (auto p = t->begin(); p != t->end(); ++p) {
          if (!p->is_string() || (p.key() != "title" && p.key() != "abstract")) {
            errors["texts." + t.key() + "." + p.key()] = "is not a string field of a text (title, abstract)";
            continue;
          }
          (p.key() == "title" ? lt.title : lt.abstract) = p->get<std::string>();
        }
        texts[t.key()] = lt;
      }
      in.texts = texts;
    }
  }
  if (auto it = body.find("authors"); it != body.end()) {
    if (!it->is_array()) {
      errors["authors"] = "must be an array of {\"family\", \"given\"} or {\"literal\"}";
    } else {
      std::vector<library::Name> names;
      for (std::size_t i = 0; i < it->size(); ++i) {
        const json& n = (*it)[i];
        auto get = [&](const char* k) {
          auto f = n.find(k);
          return f != n.end() && f->is_string() ? f->get<std::string>() : std::string();
        };
        if (!n.is_object()) {
          errors["authors." + std::to_string(i)] = "must be an object";
          continue;
        }
        names.push_back(library::Name{get("family"), get("given"), get("literal")});
      }
      in.authors = names;
    }
  }
  if (!errors.empty()) return Status::Validation(errors);
  return Status::Ok();
}

json NameJson(const library::Name& n) {
  if (n.IsOrganisation()) return json{{"literal", n.literal}};
  return json{{"family", n.family}, {"given", n.given}};
}

}  // namespace

// "1.4 MB", "820 kB", "512 bytes": a download link says what it costs.
std::string HumanSize(std::int64_t bytes) {
  char buf[32];
  if (bytes >= 1000 * 1000) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  } else if (bytes >= 1000) {
    std::snprintf(buf, sizeof buf, "%lld kB", static_cast<long long>((bytes + 500) / 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%lld bytes", static_cast<long long>(bytes));
  }
  return buf;
}

json LibraryModule::ItemJson(const Item& x) const {
  json texts = json::object();
  for (const auto& [lang, t] : x.texts) texts[lang] = {{"title", t.title}, {"abstract", t.abstract}};
  json authors = json::array();
  for (const auto& n : x.authors) authors.push_back(NameJson(n));
  json files = json::array();
  for (const auto& f : x.files) {
    json j = {{"id", f.id},
              {"filename", f.filename},
              {"media_type", f.media_type},
              {"size", f.size},
              {"sha256", f.sha256},
              {"page_count", f.page_count},
              {"text_status", std::string(library::ToString(f.text_status))},
              {"url", "/library/files/" + std::to_string(f.id)}};
    if (!f.text_error.empty()) j["text_error"] = f.text_error;
    files.push_back(j);
  }
  std::string date;
  if (x.date.year > 0) {
    char buf[40];
    if (x.date.day > 0) {
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", x.date.year, x.date.month, x.date.day);
    } else if (x.date.month > 0) {
      std::snprintf(buf, sizeof buf, "%04d-%02d", x.date.year, x.date.month);
    } else {
      std::snprintf(buf, sizeof buf, "%04d", x.date.year);
    }
    date = buf;
  }
  json j = {{"id", x.id},
            {"slug", x.slug},
            {"type", x.type},
            {"texts", texts},
            {"authors", authors},
            {"publisher", x.publisher},
            {"publisher_place", x.publisher_place},
            {"container_title", x.container_title},
            {"volume", x.volume},
            {"issue", x.issue},
            {"pages", x.pages},
            {"edition", x.edition},
            {"date", date.empty() ? json(nullptr) : json(date)},
            {"doc_language", x.doc_language},
            {"themes", x.themes},
            {"keywords", x.keywords},
            {"countries", x.countries},
            {"regions", x.regions},
            {"doi", x.doi},
            {"isbn", x.isbn},
            {"handle", x.handle},
            {"url", x.url},
            {"licence", x.licence},
            {"organisation", x.org_slug.empty() ? json(nullptr) : json(x.org_slug)},
            {"lifecycle", std::string(library::ToString(x.lifecycle))},
            {"version", x.version},
            {"created_at", FormatIso8601(x.created_at)},
            {"updated_at", FormatIso8601(x.updated_at)},
            {"published_at", x.published_at ? json(FormatIso8601(*x.published_at)) : json(nullptr)},
            {"files", files},
            {"links",
             {{"html", "/library/" + std::to_string(x.id)},
              {"bibtex", "/library/" + std::to_string(x.id) + "/cite.bib"},
              {"ris", "/library/" + std::to_string(x.id) + "/cite.ris"},
              {"csl_json", "/library/" + std::to_string(x.id) + "/cite.json"}}}};
  if (!x.moderation_note.empty()) j["moderation_note"] = x.moderation_note;
  return j;
}

Response LibraryModule::ApiList(Context& ctx) {
  auto query = QueryFromRequest(ctx, 20);
  if (!query.ok()) return Error(ctx, query.status());
  search::Query q = *query;
  q.facets = {"ltype", "theme", "country", "region", "lang", "year", "org"};
  auto found = services_.library->Search(ctx.actor(), q);
  if (!found.ok()) return Error(ctx, found.status());
  json items = json::array();
  for (std::size_t i = 0; i < found->items.size(); ++i) {
    json j = ItemJson(found->items[i]);
    if (i < found->results.hits.size() && !found->results.hits[i].snippet_html.empty())
      j["snippet_html"] = found->results.hits[i].snippet_html;
    if (auto it = found->pages.find(found->items[i].id); it != found->pages.end()) {
      j["found_in_file"] = {{"file_id", it->second.file_id},
                            {"page", it->second.page},
                            {"snippet_html", it->second.snippet_html}};
    }
    items.push_back(j);
  }
  json facets = json::object();
  for (const auto& [name, values] : found->results.facets)
    facets[name == "ltype" ? "type" : name == "lang" ? "language" : name] = values;
  return Json(ctx, 200,
              json{{"items", items},
                   {"total", found->results.total},
                   {"page", q.offset / q.limit + 1},
                   {"per_page", q.limit},
                   {"facets", facets}});
}

Response LibraryModule::ApiGet(Context& ctx) {
  auto found = Find(ctx, ctx.req.params.at("id"));
  if (!found.ok()) return Error(ctx, found.status());
  Response r = Json(ctx, 200, ItemJson(*found));
  r.Set("ETag", "\"" + std::to_string(found->version) + "\"");
  return r;
}

Response LibraryModule::ApiCreate(Context& ctx) {
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  library::ItemInput in;
  Status s = InputFromJson(*body, true, in);
  if (!s.ok()) return Error(ctx, s);
  auto item = services_.library->Create(ctx.actor(), in);
  if (!item.ok()) return Error(ctx, item.status());
  Response r = Json(ctx, 201, ItemJson(*item));
  r.Set("Location", "/api/v1/library/" + std::to_string(item->id));
  r.Set("ETag", "\"" + std::to_string(item->version) + "\"");
  return r;
}

Response LibraryModule::ApiPatch(Context& ctx) {
  const std::string& id = ctx.req.params.at("id");
  if (!IsDigits(id)) return Error(ctx, Status::NotFound("no such library item"));
  auto version = ParseIfMatchVersion(ctx.req.Header("if-match"));
  if (!version.ok()) return Error(ctx, version.status());
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  library::ItemInput in;
  Status s = InputFromJson(*body, false, in);
  if (!s.ok()) return Error(ctx, s);
  in.expected_version = *version;
  auto item = services_.library->Update(ctx.actor(), std::stoll(id), in);
  if (!item.ok()) return Error(ctx, item.status());
  Response r = Json(ctx, 200, ItemJson(*item));
  r.Set("ETag", "\"" + std::to_string(item->version) + "\"");
  return r;
}

Response LibraryModule::ApiAction(Context& ctx) {
  const std::string& id_text = ctx.req.params.at("id");
  if (!IsDigits(id_text)) return Error(ctx, Status::NotFound("no such library item"));
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
    if (!it->is_string()) return Error(ctx, Site::FieldError("reason", "type", "must be a string"));
    reason = it->get<std::string>();
  }
  std::optional<std::int64_t> version;
  if (!ctx.req.Header("if-match").empty()) {
    auto v = ParseIfMatchVersion(ctx.req.Header("if-match"));
    if (!v.ok()) return Error(ctx, v.status());
    version = *v;
  }
  Result<Item> r = Status::Internal("unknown action");
  if (action == "submit") r = services_.library->Submit(ctx.actor(), id, version);
  if (action == "publish") r = services_.library->Publish(ctx.actor(), id, version);
  if (action == "return") r = services_.library->Return(ctx.actor(), id, reason);
  if (action == "archive") r = services_.library->Archive(ctx.actor(), id, reason);
  if (!r.ok()) return Error(ctx, r.status());
  Response out = Json(ctx, 200, ItemJson(*r));
  out.Set("ETag", "\"" + std::to_string(r->version) + "\"");
  return out;
}

Response LibraryModule::ApiImport(Context& ctx) {
  // The reference list is the body (text/plain, application/x-bibtex,
  // application/x-research-info-systems); organisation, format and submit
  // are query parameters.
  std::string format = ctx.req.QueryParam("format").value_or("");
  std::string type = std::string(ctx.req.ContentType());
  if (format.empty()) format = type == "application/x-research-info-systems" ? "ris" : "bibtex";
  auto report =
      services_.library->Import(ctx.actor(), ctx.req.QueryParam("organisation").value_or(""), format,
                                ctx.req.body, ctx.req.QueryParam("submit").value_or("") == "true");
  if (!report.ok()) return Error(ctx, report.status());
  json added = json::array();
  for (const auto& a : report->added)
    added.push_back({{"line", a.line}, {"id", a.item_id}, {"title", a.title}});
  json duplicates = json::array();
  for (const auto& d : report->duplicates)
    duplicates.push_back({{"line", d.line},
                          {"id", d.item_id},
                          {"title", d.title},
                          {"reason", d.reason},
                          {"filled", d.filled}});
  json rejected = json::array();
  for (const auto& p : report->rejected)
    rejected.push_back({{"line", p.line}, {"column", p.column}, {"message", p.message}});
  return Json(ctx, 200, json{{"added", added}, {"duplicates", duplicates}, {"rejected", rejected}});
}

Response LibraryModule::ApiFiles(Context& ctx) {
  auto found = Find(ctx, ctx.req.params.at("id"));
  if (!found.ok()) return Error(ctx, found.status());
  return Json(ctx, 200, json{{"files", ItemJson(*found)["files"]}});
}

Response LibraryModule::ApiFileUpload(Context& ctx) {
  const std::string& id = ctx.req.params.at("id");
  if (!IsDigits(id)) return Error(ctx, Status::NotFound("no such library item"));
  std::string filename = ctx.req.QueryParam("filename").value_or("file");
  // A streamed route: the body (raw, or a form) may be a spooled file, read
  // from there in pieces.
  std::unique_ptr<ByteSource> bytes = ctx.req.BodySource();
  if (ctx.req.ContentType() == "multipart/form-data") {
    auto parts = http::ParseMultipart(ctx.req);
    if (!parts.ok()) return Error(ctx, parts.status());
    bytes = std::make_unique<StringByteSource>("");
    for (const auto& part : *parts) {
      if (part.name == "file" && part.filename) {
        filename = *part.filename;
        bytes = part.Bytes();
      }
    }
    // The parts own what `bytes` borrows (a small body's string): both
    // live until the file is added.
    return AddUploadedFile(ctx, id, filename, *bytes);
  }
  return AddUploadedFile(ctx, id, filename, *bytes);
}

Response LibraryModule::AddUploadedFile(Context& ctx, const std::string& id, const std::string& filename,
                                        const ByteSource& bytes) {
  auto f = services_.library->AddFile(ctx.actor(), std::stoll(id), filename, bytes);
  if (!f.ok()) return Error(ctx, f.status());
  json j = {{"id", f->id},
            {"filename", f->filename},
            {"media_type", f->media_type},
            {"size", f->size},
            {"sha256", f->sha256},
            {"page_count", f->page_count},
            {"text_status", std::string(library::ToString(f->text_status))},
            {"url", "/library/files/" + std::to_string(f->id)}};
  Response r = Json(ctx, 201, j);
  r.Set("Location", "/library/files/" + std::to_string(f->id));
  return r;
}

Response LibraryModule::ApiPages(Context& ctx) {
  const std::string& fid = ctx.req.params.at("fid");
  if (!IsDigits(fid)) return Error(ctx, Status::NotFound("no such file"));
  int from = 1, count = 10;
  if (auto p = ctx.req.QueryParam("from")) {
    if (!IsDigits(*p) || std::stoll(*p) < 1 || std::stoll(*p) > 100000)
      return Error(ctx, Site::FieldError("from", "number", "must be a page number from 1"));
    from = static_cast<int>(std::stoll(*p));
  }
  if (auto p = ctx.req.QueryParam("count")) {
    if (!IsDigits(*p) || std::stoll(*p) < 1 || std::stoll(*p) > 50)
      return Error(ctx, Site::FieldError("count", "number", "must be a number from 1 to 50"));
    count = static_cast<int>(std::stoll(*p));
  }
  auto pages = services_.library->FilePages(ctx.actor(), std::stoll(fid), from, count);
  if (!pages.ok()) return Error(ctx, pages.status());
  json list = json::array();
  for (const auto& p : pages->second) list.push_back({{"page", p.number}, {"text", p.text}});
  return Json(ctx, 200,
              json{{"file_id", pages->first.id},
                   {"page_count", pages->first.page_count},
                   {"text_status", std::string(library::ToString(pages->first.text_status))},
                   {"pages", list}});
}

Response LibraryModule::ApiTerms(Context& ctx) {
  auto terms = services_.library->Terms();
  if (!terms.ok()) return Error(ctx, terms.status());
  json out = json::array();
  for (const auto& t : *terms) {
    out.push_back(
        {{"vocabulary", t.vocabulary}, {"code", t.code}, {"labels", t.labels}, {"active", t.active}});
  }
  return Json(ctx, 200, json{{"terms", out}});
}

namespace {

// One reference list in the format the path's extension names.
Response ReferenceFile(const std::string& ext, const std::vector<library::Reference>& refs,
                       const std::string& name) {
  Response r;
  if (ext == "bib") {
    r.body = library::WriteBibtex(refs);
    r.Set("Content-Type", "application/x-bibtex; charset=utf-8");
  } else if (ext == "ris") {
    r.body = library::WriteRis(refs);
    r.Set("Content-Type", "application/x-research-info-systems; charset=utf-8");
  } else {
    r.body = library::ToCslJson(refs);
    r.Set("Content-Type", "application/vnd.citationstyles.csl+json; charset=utf-8");
  }
  r.Set("Content-Disposition", "attachment; filename=\"" + name + "." + ext + "\"");
  return r;
}

}  // namespace

Response LibraryModule::ExportItem(Context& ctx) {
  auto found = Find(ctx, ctx.req.params.at("id"));
  if (!found.ok()) return Error(ctx, found.status());
  std::string ext = ctx.req.path.substr(ctx.req.path.rfind('.') + 1);
  library::Reference ref = library::ToReference(*found, ctx.lang);
  if (ref.url.empty()) ref.url = services_.base_url + "/library/" + std::to_string(found->id);
  return ReferenceFile(ext, {ref}, found->slug);
}

Response LibraryModule::ExportSearch(Context& ctx) {
  auto query = QueryFromRequest(ctx, 100);
  if (!query.ok()) return Error(ctx, query.status());
  std::string ext = ctx.req.path.substr(ctx.req.path.rfind('.') + 1);
  std::vector<library::Reference> refs;
  search::Query q = *query;
  q.offset = 0;
  q.limit = 100;
  std::int64_t total = 0;
  while (static_cast<int>(refs.size()) < kMaxExport) {
    auto found = services_.library->Search(ctx.actor(), q);
    if (!found.ok()) return Error(ctx, found.status());
    total = found->results.total;
    for (const auto& x : found->items) {
      library::Reference ref = library::ToReference(x, ctx.lang);
      if (ref.url.empty()) ref.url = services_.base_url + "/library/" + std::to_string(x.id);
      refs.push_back(std::move(ref));
    }
    if (found->results.hits.size() < static_cast<std::size_t>(q.limit)) break;
    q.offset += q.limit;
  }
  if (refs.size() > static_cast<std::size_t>(kMaxExport)) refs.resize(kMaxExport);
  Response r = ReferenceFile(ext, refs, "library");
  r.Set("X-Total-Count", std::to_string(total));
  return r;
}

}  // namespace waymark::web
