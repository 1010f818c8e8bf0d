#include "app/pdf_extractor.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "pdf/pdf.h"

namespace waymark::app {
namespace {

// A temporary file that is removed when it goes out of scope.
class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }

  // Copies `bytes` into a new private file, a piece at a time.
  Status Write(const ByteSource& bytes) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "waymark-pdf-XXXXXX").string();
    int fd = ::mkstemp(tmpl.data());
    if (fd < 0) return Status::Internal("cannot create a temporary file for a PDF");
    path_ = tmpl;
    Status written = ForEachPiece(bytes, [fd](std::string_view piece) {
      while (!piece.empty()) {
        ssize_t n = ::write(fd, piece.data(), piece.size());
        if (n <= 0) return Status::Internal("cannot write a temporary file for a PDF");
        piece.remove_prefix(static_cast<std::size_t>(n));
      }
      return Status::Ok();
    });
    ::close(fd);
    return written;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class PdfExtractor final : public library::TextExtractor {
 public:
  Result<Output> Extract(const ByteSource& bytes) override {
    TempFile file;
    WM_RETURN_IF_ERROR(file.Write(bytes));
    Output out;
    pdf::Limits limits;
    auto info = pdf::ExtractText(file.path(), limits, [&](int, std::string_view text) {
      out.pages.emplace_back(text);
      return Status::Ok();
    });
    if (!info.ok()) return info.status();
    out.page_count = info->page_count;
    out.has_text = info->has_text;
    return out;
  }
};

}  // namespace

std::unique_ptr<library::TextExtractor> MakePdfExtractor() { return std::make_unique<PdfExtractor>(); }

}  // namespace waymark::app
