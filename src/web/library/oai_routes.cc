// /oai: the OAI-PMH endpoint. Adapts the LibraryService to oai::Repository
// (Dublin Core from each item) and hands the request's arguments to
// oai::Handle, which owns the protocol.
#include <limits>

#include "core/strings.h"
#include "web/library/library_module.h"
#include "web/library/oai.h"

namespace waymark::web {

using library::Item;

namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// Dublin Core types (the DCMI Type Vocabulary) of each item type.
std::string DcType(const std::string& type) {
  if (type == "map") return "Image";
  if (type == "dataset") return "Dataset";
  if (type == "video") return "MovingImage";
  return "Text";
}

class LibraryRepository final : public oai::Repository {
 public:
  LibraryRepository(library::LibraryService& service, std::string base_url,
                    const std::vector<library::Term>& terms)
      : service_(service), base_url_(std::move(base_url)), terms_(terms) {}

  oai::ListPage List(const oai::ListQuery& q) const override {
    library::HarvestQuery h;
    h.from = q.from_ms == kMin ? 0 : q.from_ms;
    h.until = q.until_ms;
    if (q.after_datestamp_ms != kMin) {
      h.after_at = q.after_datestamp_ms;
      h.after_id = IsDigits(q.after_local_id) ? std::stoll(q.after_local_id) : 0;
    }
    // Sets: "type", "type:<code>", "theme", "theme:<code>".
    oai::ListPage page;
    if (!q.set.empty()) {
      std::size_t colon = q.set.find(':');
      std::string top = q.set.substr(0, colon);
      std::string code = colon == std::string::npos ? "" : q.set.substr(colon + 1);
      if (top == "type" && !code.empty()) h.type = code;
      if (top == "theme") h.theme = code;
      if (top != "type" && top != "theme") return page;  // no such set: nothing in it
    }
    h.limit = q.limit + 1;
    auto items = service_.Harvest(h);
    if (!items.ok()) throw std::runtime_error(items.status().message());
    for (const auto& x : *items) {
      if (static_cast<int>(page.records.size()) == q.limit) {
        page.more = true;
        break;
      }
      page.records.push_back(ToRecord(x));
    }
    return page;
  }

  std::optional<oai::Record> Get(std::string_view local_id) const override {
    if (!IsDigits(local_id)) return std::nullopt;
    library::HarvestQuery h;
    // One item by id: the harvest query reads every harvestable item, so
    // look it up directly and apply the same rule.
    auto x = service_.store().Get(std::stoll(std::string(local_id)));
    if (!x.ok()) return std::nullopt;
    bool harvestable = x->lifecycle == library::Lifecycle::kPublished ||
                       (x->lifecycle == library::Lifecycle::kArchived && x->published_at);
    if (!harvestable) return std::nullopt;
    return ToRecord(*x);
  }

  std::vector<oai::Set> Sets() const override {
    std::vector<oai::Set> out = {{"type", "Types of document"}, {"theme", "Themes"}};
    auto sets = service_.HarvestSets();
    if (!sets.ok()) throw std::runtime_error(sets.status().message());
    for (const auto& [kind, code] : *sets) {
      std::string name = code;
      if (kind == "theme") {
        for (const auto& t : terms_) {
          if (t.vocabulary == "theme" && t.code == code) name = t.Label("en");
        }
      }
      out.push_back({std::string(kind).append(":").append(code), name});
    }
    return out;
  }

  std::int64_t EarliestDatestampMs() const override {
    auto t = service_.EarliestChange();
    if (!t.ok()) throw std::runtime_error(t.status().message());
    return *t;
  }

 private:
  oai::Record ToRecord(const Item& x) const {
    oai::Record r;
    r.local_id = std::to_string(x.id);
    r.datestamp_ms = x.updated_at;
    r.deleted = x.lifecycle != library::Lifecycle::kPublished;
    r.set_specs.push_back("type:" + x.type);
    for (const auto& t : x.themes) r.set_specs.push_back("theme:" + t);
    if (r.deleted) return r;
    auto& dc = r.dc;
    for (const auto& [lang, t] : x.texts) {
      if (!t.title.empty()) dc.title.push_back({t.title, lang});
      if (!t.abstract.empty()) dc.description.push_back({t.abstract, lang});
    }
    for (const auto& n : x.authors) {
      dc.creator.push_back(
          {n.IsOrganisation() ? n.literal : (n.given.empty() ? n.family : n.family + ", " + n.given), ""});
    }
    for (const auto& t : x.themes) {
      std::string label = t;
      for (const auto& term : terms_) {
        if (term.vocabulary == "theme" && term.code == t) label = term.Label("en");
      }
      dc.subject.push_back({label, "en"});
    }
    for (const auto& k : x.keywords) dc.subject.push_back({k, ""});
    if (!x.publisher.empty()) dc.publisher.push_back({x.publisher, ""});
    if (x.date.year > 0) {
      char buf[40];
      if (x.date.day > 0) {
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", x.date.year, x.date.month, x.date.day);
      } else if (x.date.month > 0) {
        std::snprintf(buf, sizeof buf, "%04d-%02d", x.date.year, x.date.month);
      } else {
        std::snprintf(buf, sizeof buf, "%04d", x.date.year);
      }
      dc.date.push_back({buf, ""});
    }
    dc.type.push_back({DcType(x.type), ""});
    for (const auto& f : x.files) dc.format.push_back({f.media_type, ""});
    dc.identifier.push_back({base_url_ + "/library/" + std::to_string(x.id), ""});
    if (!x.doi.empty()) dc.identifier.push_back({"https://doi.org/" + x.doi, ""});
    if (!x.isbn.empty()) dc.identifier.push_back({"urn:isbn:" + x.isbn, ""});
    if (!x.handle.empty()) dc.identifier.push_back({"https://hdl.handle.net/" + x.handle, ""});
    if (!x.url.empty()) dc.identifier.push_back({x.url, ""});
    if (!x.container_title.empty()) dc.source.push_back({x.container_title, ""});
    if (!x.doc_language.empty()) dc.language.push_back({x.doc_language, ""});
    for (const auto& c : x.countries) dc.coverage.push_back({c, ""});
    if (x.licence != "unknown") dc.rights.push_back({x.licence, ""});
    return r;
  }

  library::LibraryService& service_;
  std::string base_url_;
  const std::vector<library::Term>& terms_;
};

}  // namespace

http::Response LibraryModule::Oai(Context& ctx) {
  oai::Args args = QueryPairs(ctx.req);
  if (ctx.req.method == "POST") {
    if (ctx.req.ContentType() != "application/x-www-form-urlencoded")
      return Error(ctx, Status::UnsupportedMediaType(
                            "OAI-PMH requests are sent as application/x-www-form-urlencoded"));
    std::vector<std::pair<std::string, std::string>> form;
    std::string error;
    if (!http::ParseUrlEncoded(ctx.req.body, form, error)) return Error(ctx, Status::InvalidArgument(error));
    args = std::move(form);
  }
  auto terms = services_.library->Terms();
  if (!terms.ok()) return Error(ctx, terms.status());
  LibraryRepository repo(*services_.library, services_.base_url, *terms);
  oai::Settings settings;
  settings.base_url = services_.base_url + "/oai";
  settings.repository_name = "Waymark library";
  settings.admin_email = "admin@" + [&] {
    std::string host = services_.base_url;
    std::size_t scheme = host.find("://");
    if (scheme != std::string::npos) host = host.substr(scheme + 3);
    host = host.substr(0, host.find_first_of(":/"));
    return host.empty() ? std::string("localhost") : host;
  }();
  settings.id_namespace = settings.admin_email.substr(6);
  settings.now_ms = services_.clock->NowMs();
  settings.token_key = token_key_;
  oai::Response out;
  try {
    out = oai::Handle(args, repo, settings);
  } catch (const std::exception& e) {
    return Error(ctx, Status::Unavailable(std::string("the library cannot be read now: ") + e.what()));
  }
  http::Response r;
  r.status = out.http_status;
  r.body = std::move(out.body);
  r.Set("Content-Type", out.content_type);
  return r;
}

}  // namespace waymark::web
