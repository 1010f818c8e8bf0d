// JSON API of the evidence module under /api/v1: stats of incidents and of
// displacement (grouped, with suppression for aggregates-only datasets),
// paged record lists and single records, incident points for the map, and
// imports (multipart or a raw body) with their row-by-row report.
#include <cmath>
#include <map>
#include <sstream>

#include "core/strings.h"
#include "http/multipart.h"
#include "web/evidence/evidence_module.h"
#include "web/evidence/evidence_web.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;
namespace ev = ::waymark::evidence;
namespace ew = evidence_web;

namespace {

constexpr int kMaxListPage = 1000;  // the store's cap
constexpr std::size_t kMaxRejections = 200;

// ?after_id= (a record id, 0 = from the start); Validation when not a number.
Status AfterId(const ew::Pairs& q, accounts::Id& out) {
  std::string v = ew::Param(q, "after_id");
  out = 0;
  if (v.empty()) return Status::Ok();
  if (!ew::IsDigits(v)) return Site::FieldError("after_id", "range", "must be a record id (a whole number)");
  out = std::stoll(v);
  return Status::Ok();
}

// Where page `page` of `per_page` starts: ids are walked from the start in
// pages of up to 1000 (the store pages by id, not by offset).
template <typename List>
Result<accounts::Id> SkipTo(int page, int per_page, const List& list) {
  accounts::Id after = 0;
  std::int64_t skip = static_cast<std::int64_t>(page - 1) * per_page;
  while (skip > 0) {
    int limit = static_cast<int>(std::min<std::int64_t>(skip, kMaxListPage));
    auto ids = list(ev::Page{after, limit});
    if (!ids.ok()) return ids.status();
    if (ids->empty()) break;
    after = ids->back();
    skip -= static_cast<std::int64_t>(ids->size());
    if (static_cast<int>(ids->size()) < limit) break;
  }
  return after;
}

// The JSON of an API list: items, total, paging and the next page's link.
json ListJson(json items, std::int64_t total, int page, int per_page, accounts::Id last_id, bool full,
              const std::string& path, const ew::Pairs& q, const std::string& dataset) {
  json out = {{"items", std::move(items)},
              {"total", total},
              {"page", page},
              {"per_page", per_page},
              {"dataset", ew::DatasetJson(dataset)}};
  if (full) {
    std::string rest = ew::Encode(q, {"page", "after_id", "lang"});
    out["next_after_id"] = last_id;
    out["next"] = path + "?" + rest + (rest.empty() ? "" : "&") + "after_id=" + std::to_string(last_id);
  } else {
    out["next_after_id"] = nullptr;
    out["next"] = nullptr;
  }
  return out;
}

// Public, the same for every anonymous reader: cacheable a little while.
void CacheForPublic(const Context& ctx, Response& r, int seconds) {
  r.Set("Cache-Control", ctx.user ? "private, no-store" : "public, max-age=" + std::to_string(seconds));
  r.Set("Vary", "Authorization, Cookie");
}

}  // namespace

Response EvidenceModule::ApiIncidentStats(Context& ctx) {
  auto q = ew::QueryPairs(ctx.req);
  if (!q.ok()) return Error(ctx, q.status());
  auto f = ew::IncidentFilterFrom(*q);
  if (!f.ok()) return Error(ctx, f.status());
  ev::StatsRequest req = ew::StatsRequestFrom(*q, {"dead", "missing", "total"});
  auto answer = services_.evidence->IncidentStats(ctx.actor(), *f, req);
  if (!answer.ok()) return Error(ctx, answer.status());
  Response r = Json(ctx, 200, ew::StatsJson(req, *answer, f->dataset));
  CacheForPublic(ctx, r, 300);
  return r;
}

Response EvidenceModule::ApiDisplacementStats(Context& ctx) {
  auto q = ew::QueryPairs(ctx.req);
  if (!q.ok()) return Error(ctx, q.status());
  auto f = ew::DisplacementFilterFrom(*q);
  if (!f.ok()) return Error(ctx, f.status());
  ev::StatsRequest req = ew::StatsRequestFrom(*q, {"new_displacements", "idps"});
  auto answer = services_.evidence->DisplacementStats(ctx.actor(), *f, req);
  if (!answer.ok()) return Error(ctx, answer.status());
  Response r = Json(ctx, 200, ew::StatsJson(req, *answer, f->dataset));
  CacheForPublic(ctx, r, 300);
  return r;
}

Response EvidenceModule::ApiIncidents(Context& ctx) {
  auto q = ew::QueryPairs(ctx.req);
  if (!q.ok()) return Error(ctx, q.status());
  auto f = ew::IncidentFilterFrom(*q);
  if (!f.ok()) return Error(ctx, f.status());
  int page = 1, per_page = 20;
  if (Status s = ApiPaging(ctx.req, page, per_page); !s.ok()) return Error(ctx, s);
  accounts::Id after = 0;
  if (Status s = AfterId(*q, after); !s.ok()) return Error(ctx, s);
  const accounts::Actor actor = ctx.actor();
  ev::EvidenceService& svc = *services_.evidence;
  if (after == 0 && page > 1) {
    auto start = SkipTo(page, per_page, [&](ev::Page p) -> Result<std::vector<accounts::Id>> {
      auto list = svc.ListIncidents(actor, *f, p);
      if (!list.ok()) return list.status();
      std::vector<accounts::Id> ids;
      for (const auto& i : *list) ids.push_back(i.id);
      return ids;
    });
    if (!start.ok()) return Error(ctx, start.status());
    after = *start;
  }
  auto list = svc.ListIncidents(actor, *f, ev::Page{after, per_page});
  if (!list.ok()) return Error(ctx, list.status());
  auto total = svc.CountIncidents(actor, *f);
  if (!total.ok()) return Error(ctx, total.status());
  json items = json::array();
  for (const auto& i : *list) items.push_back(ew::IncidentJson(i));
  bool full = static_cast<int>(list->size()) == per_page;
  return Json(ctx, 200,
              ListJson(std::move(items), *total, page, per_page, list->empty() ? 0 : list->back().id, full,
                       "/api/v1/incidents", *q, f->dataset));
}

Response EvidenceModule::ApiIncident(Context& ctx) {
  auto id = ew::PathId(ctx.req, "id", "incident");
  if (!id.ok()) return Error(ctx, id.status());
  auto i = services_.evidence->GetIncident(ctx.actor(), *id);
  if (!i.ok()) return Error(ctx, i.status());
  json body = ew::IncidentJson(*i);
  body["dataset_info"] = ew::DatasetJson(i->dataset);
  Response r = Json(ctx, 200, body);
  r.Set("ETag", "\"" + std::to_string(i->version) + "\"");
  return r;
}

Response EvidenceModule::ApiIncidentPoints(Context& ctx) {
  auto q = ew::QueryPairs(ctx.req);
  if (!q.ok()) return Error(ctx, q.status());
  auto f = ew::IncidentFilterFrom(*q);
  if (!f.ok()) return Error(ctx, f.status());
  int precision = 0;
  if (std::string p = ew::Param(*q, "precision"); !p.empty()) {
    if (p != "0" && p != "1" && p != "2") {
      return Error(ctx,
                   Site::FieldError("precision", "range", "must be 0, 1 or 2 (decimal places of a degree)"));
    }
    precision = p[0] - '0';
  }
  double scale = std::pow(10.0, precision);
  struct Cell {
    std::int64_t dead = 0, missing = 0, total = 0, incidents = 0;
  };
  std::map<std::pair<long long, long long>, Cell> cells;
  std::int64_t unlocated = 0;
  const accounts::Actor actor = ctx.actor();
  ev::Page page{0, kMaxListPage};
  while (true) {
    auto list = services_.evidence->ListIncidents(actor, *f, page);
    if (!list.ok()) return Error(ctx, list.status());
    for (const auto& i : *list) {
      if (!i.latitude || !i.longitude || std::isnan(*i.latitude) || std::isnan(*i.longitude)) {
        ++unlocated;
        continue;
      }
      auto key = std::make_pair(std::llround(*i.latitude * scale), std::llround(*i.longitude * scale));
      Cell& c = cells[key];
      c.dead += i.dead.value_or(0);
      c.missing += i.missing.value_or(0);
      c.total += i.total.value_or(0);
      c.incidents += 1;
    }
    if (static_cast<int>(list->size()) < page.limit) break;
    page.after_id = list->back().id;
  }
  json points = json::array();
  for (const auto& [key, c] : cells) {
    points.push_back(
        json::array({static_cast<double>(key.first) / scale, static_cast<double>(key.second) / scale, c.dead,
                     c.missing, c.total, c.incidents}));
  }
  Response r = Json(ctx, 200,
                    json{{"fields", {"lat", "lon", "dead", "missing", "total", "incidents"}},
                         {"precision", precision},
                         {"points", points},
                         {"unlocated", unlocated},
                         {"dataset", ew::DatasetJson(f->dataset)}});
  CacheForPublic(ctx, r, 300);
  return r;
}

Response EvidenceModule::ApiDisplacement(Context& ctx) {
  auto q = ew::QueryPairs(ctx.req);
  if (!q.ok()) return Error(ctx, q.status());
  auto f = ew::DisplacementFilterFrom(*q);
  if (!f.ok()) return Error(ctx, f.status());
  int page = 1, per_page = 20;
  if (Status s = ApiPaging(ctx.req, page, per_page); !s.ok()) return Error(ctx, s);
  accounts::Id after = 0;
  if (Status s = AfterId(*q, after); !s.ok()) return Error(ctx, s);
  const accounts::Actor actor = ctx.actor();
  ev::EvidenceService& svc = *services_.evidence;
  if (after == 0 && page > 1) {
    auto start = SkipTo(page, per_page, [&](ev::Page p) -> Result<std::vector<accounts::Id>> {
      auto list = svc.ListDisplacement(actor, *f, p);
      if (!list.ok()) return list.status();
      std::vector<accounts::Id> ids;
      for (const auto& d : *list) ids.push_back(d.id);
      return ids;
    });
    if (!start.ok()) return Error(ctx, start.status());
    after = *start;
  }
  auto list = svc.ListDisplacement(actor, *f, ev::Page{after, per_page});
  if (!list.ok()) return Error(ctx, list.status());
  auto total = svc.CountDisplacement(actor, *f);
  if (!total.ok()) return Error(ctx, total.status());
  json items = json::array();
  for (const auto& d : *list) items.push_back(ew::DisplacementJson(d));
  bool full = static_cast<int>(list->size()) == per_page;
  return Json(ctx, 200,
              ListJson(std::move(items), *total, page, per_page, list->empty() ? 0 : list->back().id, full,
                       "/api/v1/displacement", *q, f->dataset));
}

Response EvidenceModule::ApiDisplacementFigure(Context& ctx) {
  auto id = ew::PathId(ctx.req, "id", "figure");
  if (!id.ok()) return Error(ctx, id.status());
  auto d = services_.evidence->GetDisplacement(ctx.actor(), *id);
  if (!d.ok()) return Error(ctx, d.status());
  json body = ew::DisplacementJson(*d);
  body["dataset_info"] = ew::DatasetJson(d->dataset);
  Response r = Json(ctx, 200, body);
  r.Set("ETag", "\"" + std::to_string(d->version) + "\"");
  return r;
}

Response EvidenceModule::ApiImport(Context& ctx) {
  std::map<std::string, std::string> fields;
  std::string filename, bytes;
  bool have_file = false;
  if (ctx.req.ContentType() == "multipart/form-data") {
    auto parts = http::ParseMultipart(ctx.req.Header("content-type"), ctx.req.body);
    if (!parts.ok()) return Error(ctx, parts.status());
    for (auto& p : *parts) {
      if (p.name == "file" && p.filename) {
        filename = *p.filename;
        bytes = std::move(p.body);
        have_file = true;
      } else if (!p.filename) {
        fields[p.name] = p.body;
      }
    }
    if (!have_file) {
      return Error(ctx, Site::FieldError("file", "required", "send the file in a part named 'file'"));
    }
  } else {
    bytes = ctx.req.body;
  }
  auto get = [&](std::string_view name) -> std::string {
    if (auto it = fields.find(std::string(name)); it != fields.end()) return it->second;
    return ctx.req.QueryParam(name).value_or("");
  };
  ev::ImportRequest req;
  if (Status s = ew::ImportRequestFrom(get, req); !s.ok()) return Error(ctx, s);
  if (filename.empty()) filename = get("filename");
  // No directories in the name the batch shows (its base name picks an HXL dataset).
  if (auto slash = filename.find_last_of("/\\"); slash != std::string::npos)
    filename = filename.substr(slash + 1);
  req.filename = filename.empty() ? "upload" : filename;
  if (bytes.empty()) return Error(ctx, Site::FieldError("file", "required", "the upload is empty"));

  json rejections = json::array();
  std::int64_t notes = 0;
  ev::ImportObserver obs;
  obs.on_row = [&](const ev::RowReport& row) {
    notes += static_cast<std::int64_t>(row.notes.size());
    if (row.outcome != ev::RowOutcome::kRejected) return;
    for (const auto& p : row.problems) {
      if (rejections.size() >= kMaxRejections) return;
      json item = ew::ProblemJson(p);
      if (item["line"] == 0) item["line"] = row.line;
      item["quarantine_id"] = row.quarantine_id ? json(row.quarantine_id) : json(nullptr);
      rejections.push_back(std::move(item));
    }
  };
  std::istringstream in(std::move(bytes));
  auto batch = services_.evidence->Import(ctx.actor(), in, req, obs);
  if (!batch.ok()) return Error(ctx, batch.status());
  json body = {{"batch_id", batch->id},
               {"dry_run", batch->dry_run},
               {"accepted", batch->accepted},
               {"updated", batch->updated},
               {"unchanged", batch->unchanged},
               {"rejected", batch->rejected},
               {"notes", notes},
               {"rejections", rejections},
               {"rejections_truncated", static_cast<std::int64_t>(rejections.size()) < batch->rejected &&
                                            rejections.size() >= kMaxRejections},
               {"batch", ew::BatchJson(*batch)},
               {"url", "/api/v1/imports/" + std::to_string(batch->id)}};
  Response r = Json(ctx, batch->dry_run ? 200 : 201, body);
  if (!batch->dry_run && batch->id) r.Set("Location", "/api/v1/imports/" + std::to_string(batch->id));
  return r;
}

Response EvidenceModule::ApiBatches(Context& ctx) {
  auto list = services_.evidence->ListBatches(ctx.actor(), 100);
  if (!list.ok()) return Error(ctx, list.status());
  json items = json::array();
  for (const auto& b : *list) items.push_back(ew::BatchJson(b));
  return Json(ctx, 200, json{{"items", items}});
}

Response EvidenceModule::ApiBatch(Context& ctx) {
  auto id = ew::PathId(ctx.req, "id", "batch");
  if (!id.ok()) return Error(ctx, id.status());
  auto b = services_.evidence->GetBatch(ctx.actor(), *id);
  if (!b.ok()) return Error(ctx, b.status());
  auto rows = services_.evidence->ListQuarantined(ctx.actor(), *id, "",
                                                  ev::Page{0, static_cast<int>(kMaxRejections)});
  if (!rows.ok()) return Error(ctx, rows.status());
  json quarantined = json::array();
  for (const auto& row : *rows) {
    json problems = json::array();
    for (const auto& p : row.problems) problems.push_back(ew::ProblemJson(p));
    quarantined.push_back({{"id", row.id},
                           {"line", row.line},
                           {"status", row.status},
                           {"problems", problems},
                           {"resolution", row.resolution}});
  }
  json body = ew::BatchJson(*b);
  body["quarantined"] = quarantined;
  return Json(ctx, 200, body);
}

}  // namespace waymark::web
