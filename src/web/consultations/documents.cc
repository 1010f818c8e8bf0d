// A consultation's documents in the web layer: the organisers' upload form
// (multipart, no JavaScript) and remove button on the edit page, the list on
// the public page, and GET/POST /api/v1/consultations/{key}/documents and
// DELETE .../documents/{doc}. The files are the library's: the links point
// to its download route.
#include <cstdio>
#include <memory>
#include <string>

#include "http/multipart.h"
#include "web/consultations/consultations_module.h"
#include "web/helpers.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;

namespace {

// "1.2 MB", "830 kB", "512 bytes".
std::string SizeText(std::int64_t bytes) {
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

Result<consultations::Id> DocumentId(const Context& ctx) {
  const std::string& id = ctx.req.params.at("doc");
  if (!IsDigits(id) || id.size() > 18) return Status::NotFound("no such document");
  return std::stoll(id);
}

}  // namespace

json ConsultationsModule::DocumentJson(const Context& ctx, const consultations::DocumentView& v) const {
  const auto& d = v.document;
  std::string kind(consultations::ToString(d.kind));
  json j = {{"id", d.id},
            {"title", d.title},
            {"kind", kind},
            {"kind_label", T(ctx, "cn_doc_kind_" + kind)},
            {"language", d.language},
            {"language_label", T(ctx, "cn_lang_" + d.language)},
            {"position", d.position},
            {"library_item_id", d.library_item_id},
            {"library_url", "/library/" + std::to_string(d.library_item_id)},
            {"file", nullptr}};
  if (v.file) {
    j["file"] = {{"id", v.file->file_id},
                 {"filename", v.file->filename},
                 {"media_type", v.file->media_type},
                 {"size", v.file->size},
                 {"url", v.file->url}};
    j["size_text"] = SizeText(v.file->size);
  }
  return j;
}

Result<json> ConsultationsModule::DocumentsJson(const Context& ctx, consultations::Id consultation_id) const {
  WM_ASSIGN_OR_RETURN(auto list, services_.consultations->ListDocuments(consultation_id));
  json out = json::array();
  for (const auto& v : list) out.push_back(DocumentJson(ctx, v));
  return out;
}

Response ConsultationsModule::DocumentForm(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  if (ctx.req.ContentType() != "multipart/form-data")
    return Error(ctx, Status::UnsupportedMediaType("send the document as multipart/form-data"));
  consultations::DocumentInput in{ctx.Form("title"), ctx.Form("kind"), ctx.Form("language"), "", nullptr};
  // A streamed route: WebApp has parsed the form; the file is still where
  // the server put it.
  std::unique_ptr<ByteSource> bytes;
  for (const auto& part : ctx.files) {
    if (part.name != "file" || part.size() == 0) continue;
    in.filename = part.filename.value_or("");
    bytes = part.Bytes();
    in.bytes = bytes.get();
    break;
  }
  auto out = services_.consultations->AddDocument(ctx.actor(), c->id, in);
  if (!out.ok()) {
    if (out.status().kind() != Status::Kind::kValidation) return Error(ctx, out.status());
    return EditView(ctx, *c, out.status(), "document_form");
  }
  return Response::Redirect("/consultations/" + c->slug + "/edit?msg=flash_cn_document_added#documents");
}

Response ConsultationsModule::DocumentRemoveForm(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  auto id = DocumentId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  Status s = services_.consultations->RemoveDocument(ctx.actor(), c->id, *id);
  if (!s.ok()) return Error(ctx, s);
  return Response::Redirect("/consultations/" + c->slug + "/edit?msg=flash_cn_document_removed#documents");
}

Response ConsultationsModule::ApiDocuments(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  auto items = DocumentsJson(ctx, c->id);
  if (!items.ok()) return Error(ctx, items.status());
  return Json(ctx, 200, {{"items", *items}});
}

Response ConsultationsModule::ApiAddDocument(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  if (ctx.req.ContentType() != "multipart/form-data")
    return Error(ctx, Status::UnsupportedMediaType(
                          "send the document as multipart/form-data (title, kind, language, file)"));
  auto parts = http::ParseMultipart(ctx.req);
  if (!parts.ok()) return Error(ctx, parts.status());
  consultations::DocumentInput in;
  std::unique_ptr<ByteSource> bytes;
  for (const auto& part : *parts) {
    if (part.name == "file" && part.filename) {
      if (part.size() == 0) continue;
      in.filename = *part.filename;
      bytes = part.Bytes();  // borrows the parts, which outlive the call
      in.bytes = bytes.get();
    } else if (part.name == "title") {
      in.title = part.body;
    } else if (part.name == "kind") {
      in.kind = part.body;
    } else if (part.name == "language") {
      in.language = part.body;
    }
  }
  auto out = services_.consultations->AddDocument(ctx.actor(), c->id, in);
  if (!out.ok()) return Error(ctx, out.status());
  std::string location =
      "/api/v1/consultations/" + c->slug + "/documents/" + std::to_string(out->document.id);
  Response r = Json(ctx, 201, DocumentJson(ctx, *out));
  r.Set("Location", location);
  return r;
}

Response ConsultationsModule::ApiRemoveDocument(Context& ctx) {
  auto c = FindConsultation(ctx.req.params.at("key"));
  if (!c.ok()) return Error(ctx, c.status());
  auto id = DocumentId(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  Status s = services_.consultations->RemoveDocument(ctx.actor(), c->id, *id);
  if (!s.ok()) return Error(ctx, s);
  Response r;
  r.status = 204;
  return r;
}

}  // namespace waymark::web
