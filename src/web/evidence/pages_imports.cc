// Pages for data officers: the import form and its row-by-row report, past
// batches, the quarantine (correct and resubmit a rejected row, or discard
// it with a reason), and, for administrators, the list of data officers.
// The service decides who may: a reader who is not an officer gets 403.
#include <sstream>

#include "core/clock.h"
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

constexpr std::size_t kMaxReportRows = 200;
constexpr int kQuarantinePage = 50;

json ProblemsJson(const std::vector<ev::RowProblem>& problems) {
  json out = json::array();
  for (const auto& p : problems) {
    out.push_back({{"line", p.line},
                   {"column", p.column ? json(p.column) : json(nullptr)},
                   {"field", p.field.empty() ? json(nullptr) : json(p.field)},
                   {"reason", p.reason}});
  }
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
  return out;
}

std::string When(std::int64_t ms) { return ms ? FormatIso8601(ms) : ""; }

json BatchRow(const ev::Batch& b) {
  return {{"id", b.id},
          {"url", "/evidence/imports/" + std::to_string(b.id)},
          {"target", ev::ImportTargetName(b.target)},
          {"dataset", b.dataset},
          {"format", b.format},
          {"filename", b.filename},
          {"sha256", b.sha256.substr(0, 12)},
          {"by", b.imported_by_label},
          {"at", When(b.started_at)},
          {"dry_run", b.dry_run},
          {"accepted", b.accepted},
          {"updated", b.updated},
          {"unchanged", b.unchanged},
          {"rejected", b.rejected},
          {"status", b.status}};
}

json FormatOptions() {
  json out = json::array();
  out.push_back({{"value", "auto"}, {"label", "auto"}});
  for (const auto& f : ev::IncidentFormats()) out.push_back({{"value", f}, {"label", "incidents: " + f}});
  for (const auto& f : ev::DisplacementFormats())
    out.push_back({{"value", f}, {"label", "displacement: " + f}});
  return out;
}

}  // namespace

Response EvidenceModule::ImportsForm(Context& ctx, int status, const json& extra) {
  const accounts::Actor actor = ctx.actor();
  auto batches = services_.evidence->ListBatches(actor, 50);
  if (!batches.ok()) return Error(ctx, batches.status());
  json rows = json::array();
  for (const auto& b : *batches) rows.push_back(BatchRow(b));
  auto open = services_.evidence->CountOpenQuarantine(actor);
  if (!open.ok()) return Error(ctx, open.status());
  json model = {{"batches", rows},
                {"has_batches", !rows.empty()},
                {"format_options", FormatOptions()},
                {"open_quarantine", *open},
                {"is_admin", ctx.is_admin()}};
  if (ctx.is_admin()) {
    auto officers = services_.evidence->ListOfficers(actor);
    if (!officers.ok()) return Error(ctx, officers.status());
    json list = json::array();
    for (accounts::Id id : *officers) {
      json o = {{"id", id}, {"name", "#" + std::to_string(id)}, {"email", ""}};
      if (services_.accounts) {
        auto u = services_.accounts->GetUser(id);
        if (u.ok()) {
          o["name"] = u->name;
          o["email"] = u->email;
        }
      }
      list.push_back(o);
    }
    model["officers"] = list;
    model["has_officers"] = !list.empty();
  }
  for (auto it = extra.begin(); it != extra.end(); ++it) model[it.key()] = it.value();
  model["has_errors"] = model.contains("errors") && !model["errors"].empty();
  model["has_officer_errors"] = model.contains("officer_errors") && !model["officer_errors"].empty();
  model["style_url"] = ew::StaticUrls()["evidence.css"];
  return Page(ctx, "evidence/imports", T(ctx, "ev_imports_title"), model, status);
}

Response EvidenceModule::ImportsPage(Context& ctx) {
  if (!IsOfficer(ctx)) return Error(ctx, Status::PermissionDenied("only data officers may import"));
  return ImportsForm(ctx, 200, json::object());
}

Response EvidenceModule::ImportUpload(Context& ctx) {
  if (!IsOfficer(ctx)) return Error(ctx, Status::PermissionDenied("only data officers may import"));
  ev::ImportRequest req;
  Status s = ew::ImportRequestFrom([&](std::string_view name) { return ctx.Form(name); }, req);
  std::string filename, bytes;
  if (s.ok()) {
    auto parts = http::ParseMultipart(ctx.req.Header("content-type"), ctx.req.body);
    if (!parts.ok()) return Error(ctx, parts.status());
    for (auto& p : *parts) {
      if (p.name == "file" && p.filename) {
        filename = *p.filename;
        bytes = std::move(p.body);
      }
    }
    if (bytes.empty()) s = Site::FieldError("file", "required", "choose a file to upload");
  }
  if (!s.ok()) {
    if (s.kind() != Status::Kind::kValidation) return Error(ctx, s);
    return ImportsForm(ctx, 422, json{{"errors", ErrorList(ctx, s)}});
  }
  if (auto slash = filename.find_last_of("/\\"); slash != std::string::npos)
    filename = filename.substr(slash + 1);
  req.filename = filename.empty() ? "upload" : filename;

  json rejections = json::array();
  ev::ImportObserver obs;
  obs.on_row = [&](const ev::RowReport& row) {
    if (row.outcome != ev::RowOutcome::kRejected || rejections.size() >= kMaxReportRows) return;
    for (const auto& p : row.problems) {
      rejections.push_back(
          {{"line", p.line ? p.line : row.line},
           {"column", p.column ? json(p.column) : json(nullptr)},
           {"field", p.field},
           {"reason", p.reason},
           {"href", row.quarantine_id ? json("/evidence/quarantine/" + std::to_string(row.quarantine_id))
                                      : json(nullptr)}});
    }
  };
  std::istringstream in(std::move(bytes));
  auto batch = services_.evidence->Import(ctx.actor(), in, req, obs);
  if (!batch.ok()) {
    const Status& e = batch.status();
    if (e.kind() == Status::Kind::kInvalidArgument || e.kind() == Status::Kind::kValidation ||
        e.kind() == Status::Kind::kUnsupportedMediaType) {
      return ImportsForm(ctx, e.kind() == Status::Kind::kValidation ? 422 : 400,
                         json{{"errors", ErrorList(ctx, e)}});
    }
    return Error(ctx, e);
  }
  json report = BatchRow(*batch);
  report["columns_used"] = Join(batch->columns_used);
  report["columns_ignored"] = Join(batch->columns_ignored);
  report["rejections"] = rejections;
  report["has_rejections"] = !rejections.empty();
  report["truncated"] = static_cast<std::int64_t>(rejections.size()) < batch->rejected;
  return ImportsForm(ctx, 200, json{{"report", report}});
}

Response EvidenceModule::BatchPage(Context& ctx) {
  auto id = ew::PathId(ctx.req, "id", "batch");
  if (!id.ok()) return Error(ctx, id.status());
  auto b = services_.evidence->GetBatch(ctx.actor(), *id);
  if (!b.ok()) return Error(ctx, b.status());
  auto rows = services_.evidence->ListQuarantined(ctx.actor(), *id, "", ev::Page{0, 500});
  if (!rows.ok()) return Error(ctx, rows.status());
  json quarantined = json::array();
  for (const auto& r : *rows) {
    quarantined.push_back({{"id", r.id},
                           {"href", "/evidence/quarantine/" + std::to_string(r.id)},
                           {"line", r.line},
                           {"status", T(ctx, "ev_status_" + r.status)},
                           {"problems", ProblemsJson(r.problems)}});
  }
  json model = BatchRow(*b);
  model["columns_used"] = Join(b->columns_used);
  model["columns_ignored"] = Join(b->columns_ignored);
  model["sha256_full"] = b->sha256;
  model["bytes"] = b->bytes;
  model["finished"] = When(b->finished_at);
  model["quarantined"] = quarantined;
  model["has_quarantined"] = !quarantined.empty();
  return Page(ctx, "evidence/batch", Fill(T(ctx, "ev_batch_title"), "{id}", std::to_string(b->id)), model);
}

Response EvidenceModule::QuarantineList(Context& ctx) {
  std::string status = ctx.req.QueryParam("status").value_or("open");
  if (status != "open" && status != "resubmitted" && status != "discarded" && status != "all")
    status = "open";
  accounts::Id after = 0;
  if (auto a = ctx.req.QueryParam("after_id"); a && ew::IsDigits(*a)) after = std::stoll(*a);
  auto rows = services_.evidence->ListQuarantined(ctx.actor(), 0, status == "all" ? "" : status,
                                                  ev::Page{after, kQuarantinePage});
  if (!rows.ok()) return Error(ctx, rows.status());
  json items = json::array();
  for (const auto& r : *rows) {
    std::string first = r.problems.empty() ? "" : r.problems.front().reason;
    items.push_back({{"id", r.id},
                     {"href", "/evidence/quarantine/" + std::to_string(r.id)},
                     {"batch", r.batch_id},
                     {"batch_href", "/evidence/imports/" + std::to_string(r.batch_id)},
                     {"dataset", r.dataset},
                     {"line", r.line},
                     {"status", T(ctx, "ev_status_" + r.status)},
                     {"problem", first},
                     {"more", r.problems.size() > 1 ? json("+" + std::to_string(r.problems.size() - 1))
                                                    : json(nullptr)}});
  }
  json tabs = json::array();
  for (const char* s : {"open", "resubmitted", "discarded", "all"}) {
    tabs.push_back({{"href", std::string("/evidence/quarantine?status=") + s},
                    {"label", T(ctx, std::string("ev_status_") + s)},
                    {"current", status == s}});
  }
  json model = {{"items", items}, {"has_items", !items.empty()}, {"tabs", tabs}};
  if (static_cast<int>(rows->size()) == kQuarantinePage) {
    model["next"] = "/evidence/quarantine?status=" + status + "&after_id=" + std::to_string(rows->back().id);
  }
  return Page(ctx, "evidence/quarantine", T(ctx, "ev_quarantine_title"), model);
}

Response EvidenceModule::QuarantineRowPage(Context& ctx, const ev::QuarantinedRow& row,
                                           const std::string& text, const Status& error, int status) {
  std::string header;
  for (const auto& h : row.header) header += (header.empty() ? "" : ",") + ew::CsvCell(h);
  json model = {{"id", row.id},
                {"batch", row.batch_id},
                {"batch_href", "/evidence/imports/" + std::to_string(row.batch_id)},
                {"dataset", row.dataset},
                {"format", row.format},
                {"target", ev::ImportTargetName(row.target)},
                {"line", row.line},
                {"header", header.empty() ? json(nullptr) : json(header)},
                {"raw", text},
                {"problems", ProblemsJson(row.problems)},
                {"status", T(ctx, "ev_status_" + row.status)},
                {"open", row.status == "open"},
                {"resolution", row.resolution.empty() ? json(nullptr) : json(row.resolution)},
                {"reason", ctx.Form("reason")}};
  if (!error.ok()) model["errors"] = ErrorList(ctx, error);
  model["has_errors"] = !error.ok();
  return Page(ctx, "evidence/quarantine_row",
              Fill(T(ctx, "ev_quarantine_row_title"), "{id}", std::to_string(row.id)), model, status);
}

Response EvidenceModule::QuarantineRow(Context& ctx) {
  auto id = ew::PathId(ctx.req, "id", "quarantined row");
  if (!id.ok()) return Error(ctx, id.status());
  auto row = services_.evidence->GetQuarantined(ctx.actor(), *id);
  if (!row.ok()) return Error(ctx, row.status());
  return QuarantineRowPage(ctx, *row, row->raw, Status::Ok(), 200);
}

Response EvidenceModule::QuarantineResubmit(Context& ctx) {
  auto id = ew::PathId(ctx.req, "id", "quarantined row");
  if (!id.ok()) return Error(ctx, id.status());
  std::string text = ctx.Form("raw");
  auto report = services_.evidence->Resubmit(ctx.actor(), *id, text);
  if (!report.ok()) {
    if (report.status().kind() != Status::Kind::kValidation) return Error(ctx, report.status());
    // Still bad: the row stays open with the new problems; the text typed is kept.
    auto row = services_.evidence->GetQuarantined(ctx.actor(), *id);
    if (!row.ok()) return Error(ctx, row.status());
    return QuarantineRowPage(ctx, *row, text, report.status(), 422);
  }
  return Response::Redirect("/evidence/quarantine?msg=flash_ev_resubmitted");
}

Response EvidenceModule::QuarantineDiscard(Context& ctx) {
  auto id = ew::PathId(ctx.req, "id", "quarantined row");
  if (!id.ok()) return Error(ctx, id.status());
  std::string reason(TrimAscii(ctx.Form("reason")));
  Status s = reason.empty() ? Site::FieldError("reason", "required", "say why the row is discarded")
                            : services_.evidence->Discard(ctx.actor(), *id, reason);
  if (!s.ok()) {
    if (s.kind() != Status::Kind::kValidation) return Error(ctx, s);
    auto row = services_.evidence->GetQuarantined(ctx.actor(), *id);
    if (!row.ok()) return Error(ctx, row.status());
    return QuarantineRowPage(ctx, *row, row->raw, s, 422);
  }
  return Response::Redirect("/evidence/quarantine?msg=flash_ev_discarded");
}

Response EvidenceModule::OfficersSave(Context& ctx) {
  std::string who(TrimAscii(ctx.Form("user")));
  bool add = ctx.Form("action") != "remove";
  Result<accounts::Id> id = Status::NotFound("no such person");
  if (ew::IsDigits(who)) {
    id = static_cast<accounts::Id>(std::stoll(who));
    if (services_.accounts && !services_.accounts->GetUser(*id).ok()) id = Status::NotFound("no such person");
  } else if (!who.empty() && services_.accounts) {
    auto u = services_.accounts->FindUserByEmail(who);
    if (u.ok()) id = u->id;
  }
  Status s = id.ok() ? services_.evidence->SetOfficer(ctx.actor(), *id, add)
                     : Site::FieldError("user", "user_unknown", "no person has this e-mail address or id");
  if (!s.ok()) {
    if (s.kind() != Status::Kind::kValidation) return Error(ctx, s);
    return ImportsForm(ctx, 422, json{{"officer_errors", ErrorList(ctx, s)}, {"officer_user", who}});
  }
  return Response::Redirect(std::string("/evidence/imports?msg=") +
                            (add ? "flash_ev_officer_added" : "flash_ev_officer_removed") + "#officers");
}

}  // namespace waymark::web
