// ConsultationService's documents: the report, the agenda and other papers
// of a consultation, kept in the library (documents.h) and linked here.
#include <string>
#include <utility>
#include <vector>

#include "core/strings.h"
#include "domain/consultations/consultation_service.h"

namespace waymark::consultations {

namespace {

constexpr std::size_t kMaxFilename = 255;

bool IsLanguage(std::string_view s) {
  for (std::string_view l : kLanguages) {
    if (s == l) return true;
  }
  return false;
}

}  // namespace

Result<DocumentView> ConsultationService::AddDocument(const Actor& actor, Id consultation_id,
                                                      const DocumentInput& in) {
  if (!MayOrganise(actor)) return Status::PermissionDenied("only organisers add documents");
  WM_ASSIGN_OR_RETURN(Consultation c, store_.GetConsultation(consultation_id));
  if (options_.documents == nullptr) return Status::Unavailable("documents are not kept on this site");
  FieldErrors errors;
  ConsultationDocument d;
  d.consultation_id = c.id;
  d.title = std::string(TrimAscii(in.title));
  if (d.title.empty()) {
    errors.Add("title", "required", "is required");
  } else if (d.title.size() > kMaxTitle) {
    errors.Add("title", "too_long", "may be at most " + std::to_string(kMaxTitle) + " characters",
               {{"max", std::to_string(kMaxTitle)}});
  }
  auto kind = ParseDocumentKind(TrimAscii(in.kind));
  if (!kind) {
    errors.Add("kind", "cn_doc_kind_unknown", "must be report, agenda or other");
  } else {
    d.kind = *kind;
  }
  d.language = std::string(TrimAscii(in.language));
  if (!IsLanguage(d.language)) errors.Add("language", "locale_unknown", "must be en, fr or es");
  std::int64_t max = options_.documents->MaxBytes();
  if (in.bytes == nullptr || in.bytes->size() == 0) {
    errors.Add("file", "required", "is required");
  } else if (in.bytes->size() > max) {
    errors.Add("file", "cn_file_too_large", "may be at most " + std::to_string(max) + " bytes",
               {{"max", std::to_string(max)}});
  } else if (kind && *kind != DocumentKind::kOther) {
    auto head = ReadPrefix(*in.bytes, 5);
    if (!head.ok()) return head.status();
    if (*head != "%PDF-") errors.Add("file", "cn_not_pdf", "must be a PDF for a report or an agenda");
  }
  if (!errors.empty()) return errors.ToStatus();

  std::string filename = in.filename.empty() || in.filename.size() > kMaxFilename ? "document" : in.filename;
  auto shelved = options_.documents->Shelve(actor, d.title, d.language, c.year, filename, *in.bytes);
  if (!shelved.ok()) {
    const Status& s = shelved.status();
    FieldErrors file;
    if (s.kind() == Status::Kind::kUnsupportedMediaType) {
      file.Add("file", "cn_file_type", "must be a PDF, PNG or JPEG file");
      return file.ToStatus();
    }
    if (s.kind() == Status::Kind::kPayloadTooLarge) {
      file.Add("file", "cn_file_too_large", "may be at most " + std::to_string(max) + " bytes",
               {{"max", std::to_string(max)}});
      return file.ToStatus();
    }
    return s;
  }
  d.library_item_id = shelved->item_id;
  d.created_at = clock_.NowMs();
  auto added =
      accounts::RunInUnit<ConsultationDocument>(*accounts_.unit, [&]() -> Result<ConsultationDocument> {
        WM_ASSIGN_OR_RETURN(ConsultationDocument out, store_.AddDocument(d));
        WM_RETURN_IF_ERROR(Audit(actor, "consultation.document_add", "consultation", c.id,
                                 {{"document", std::to_string(out.id)},
                                  {"library_item", std::to_string(out.library_item_id)},
                                  {"kind", std::string(ToString(out.kind))}}));
        return out;
      });
  if (!added.ok()) {
    // Not linked: the library should not keep it published either.
    (void)options_.documents->Withdraw(actor, shelved->item_id, "not linked to the consultation");
    return added.status();
  }
  return DocumentView{*added, *shelved};
}

Result<std::vector<DocumentView>> ConsultationService::ListDocuments(Id consultation_id) {
  WM_ASSIGN_OR_RETURN(auto docs, store_.ListDocuments(consultation_id));
  std::vector<DocumentView> out;
  out.reserve(docs.size());
  for (auto& d : docs) {
    DocumentView v{std::move(d), std::nullopt};
    if (options_.documents != nullptr) {
      auto f = options_.documents->Describe(v.document.library_item_id);
      if (f.ok()) {
        v.file = *f;
      } else if (!f.status().IsNotFound()) {
        return f.status();
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

Status ConsultationService::RemoveDocument(const Actor& actor, Id consultation_id, Id document_id) {
  if (!MayOrganise(actor)) return Status::PermissionDenied("only organisers remove documents");
  auto removed =
      accounts::RunInUnit<ConsultationDocument>(*accounts_.unit, [&]() -> Result<ConsultationDocument> {
        WM_ASSIGN_OR_RETURN(ConsultationDocument d, store_.RemoveDocument(consultation_id, document_id));
        WM_RETURN_IF_ERROR(
            Audit(actor, "consultation.document_remove", "consultation", consultation_id,
                  {{"document", std::to_string(d.id)}, {"library_item", std::to_string(d.library_item_id)}}));
        return d;
      });
  if (!removed.ok()) return removed.status();
  if (options_.documents != nullptr) {
    Status s = options_.documents->Withdraw(actor, removed->library_item_id, "removed from the consultation");
    if (!s.ok() && !s.IsNotFound() && s.kind() != Status::Kind::kConflict) return s;
  }
  return Status::Ok();
}

}  // namespace waymark::consultations
