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

  Status Write(const std::string& bytes) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "waymark-pdf-XXXXXX").string();
    int fd = ::mkstemp(tmpl.data());
    if (fd < 0) return Status::Internal("cannot create a temporary file for a PDF");
    path_ = tmpl;
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n <= 0) {
        ::close(fd);
        return Status::Internal("cannot write a temporary file for a PDF");
      }
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return Status::Ok();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class PdfExtractor final : public library::TextExtractor {
 public:
  Result<Output> Extract(const std::string& bytes) override {
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
