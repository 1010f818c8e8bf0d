#include "pdf/pdf.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <exception>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>

namespace waymark::pdf {
namespace {

// Poppler is not safe to use from several threads at once, even on different
// documents: GfxState's constructor, which runs for every page whose text is
// read, lazily creates process-wide LittleCMS profiles (GfxState::sRGBProfile
// and XYZProfile) behind a plain `if (!ptr)` with no lock (poppler 22.12, and
// still so upstream); Debian's libpoppler is built with LittleCMS; and
// poppler-cpp documents no thread-safety at all. Without this lock, Helgrind
// reports races in GfxState::GfxState and in LittleCMS as soon as two threads
// read their first pages at once. So every poppler call, destructors
// included, holds this mutex. It is taken per page rather than per document,
// and the normalising and the caller's on_page run outside it, so threads
// extracting different files interleave instead of queueing behind a whole
// document.
std::mutex g_poppler_mutex;

// Poppler reports problems through one process-wide function. The calls run
// on the thread that holds g_poppler_mutex, so a thread-local keeps the first
// message of the current load for the "damaged" error; the rest go nowhere
// (by default poppler writes them all to stderr).
thread_local std::string t_first_message;

void OnPopplerMessage(const std::string& message, void* /*closure*/) {
  if (!t_first_message.empty()) return;
  std::string_view m = message;
  // poppler-cpp prefixes "error: " or "error (<offset>): "; the offset means
  // nothing to a reader.
  if (m.starts_with("error")) {
    std::size_t colon = m.find(": ");
    if (colon != std::string_view::npos) m.remove_prefix(colon + 2);
  }
  constexpr std::size_t kMaxMessage = 200;
  t_first_message = NormalizePageText(m, kMaxMessage);
}

void RoutePopplerMessagesOnce() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(&OnPopplerMessage, nullptr); });
}

// Deleting a document runs poppler code too (and may tear down its global
// parameters), so it takes the lock. A Document must therefore never be
// destroyed while this thread holds g_poppler_mutex: declare it before the
// lock_guard so that the lock is released first.
struct DocumentDeleter {
  void operator()(poppler::document* doc) const {
    const std::lock_guard<std::mutex> lock(g_poppler_mutex);
    delete doc;
  }
};
using Document = std::unique_ptr<poppler::document, DocumentDeleter>;

std::string ToUtf8(const poppler::ustring& s) {
  poppler::byte_array bytes = s.to_utf8();
  return {bytes.begin(), bytes.end()};
}

// Reads the first bytes of `path`: the signature decides before poppler
// parses anything.
Status CheckSignature(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::Internal("cannot read the file: " + std::generic_category().message(errno));
  }
  constexpr std::string_view kSignature = "%PDF-";
  std::string head(kSignature.size(), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  if (in.gcount() != static_cast<std::streamsize>(head.size()) || head != kSignature) {
    return Status::UnsupportedMediaType("the file is not a PDF");
  }
  return Status::Ok();
}

// One decoded UTF-8 sequence: its code point, or -1 when the bytes at `i`
// are not valid UTF-8 (overlong, surrogate, out of range, truncated); `len`
// is how many bytes to consume (1 for an invalid byte).
std::int32_t DecodeUtf8(std::string_view s, std::size_t i, std::size_t* len) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  *len = 1;
  if (c < 0x80) return c;
  std::size_t n = 0;
  std::int32_t cp = 0;
  std::int32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (i + n > s.size()) return -1;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *len = n;
  return cp;
}

enum class CharClass { kVisible, kSpace, kNewline, kDrop };

CharClass Classify(std::int32_t cp) {
  if (cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0x2028 || cp == 0x2029) {
    return CharClass::kNewline;  // \f ends each page in poppler's output
  }
  if (cp == ' ' || cp == '\t' || cp == 0xA0) return CharClass::kSpace;
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return CharClass::kDrop;
  return CharClass::kVisible;
}

std::string Normalize(std::string_view text, std::int64_t max_bytes, bool single_line, bool* saw_text) {
  const std::size_t limit = max_bytes <= 0 ? 0 : static_cast<std::size_t>(max_bytes);
  std::string out;
  out.reserve(std::min(text.size(), limit));
  bool saw = false;
  int pending_newlines = 0;  // line ends since the last visible character
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = 0;
    std::int32_t cp = DecodeUtf8(text, i, &len);
    std::string_view bytes = text.substr(i, len);
    i += len;
    if (cp == '\r' && i < text.size() && text[i] == '\n') continue;  // CR LF is one line end
    if (cp < 0) {
      cp = 0xFFFD;
      bytes = "\xEF\xBF\xBD";
    }
    switch (Classify(cp)) {
      case CharClass::kDrop: continue;
      case CharClass::kSpace: pending_space = true; continue;
      case CharClass::kNewline:
        if (single_line) {
          pending_space = true;
        } else {
          ++pending_newlines;
          pending_space = false;  // spaces at the end of a line go
        }
        continue;
      case CharClass::kVisible: break;
    }
    saw = true;
    // Separators are written only before a visible character, so leading and
    // trailing space, spaces at the start of a line and extra blank lines
    // never reach `out`.
    std::string_view sep;
    if (!out.empty()) {
      if (pending_newlines >= 2) {
        sep = "\n\n";
      } else if (pending_newlines == 1) {
        sep = "\n";
      } else if (pending_space) {
        sep = " ";
      }
    }
    pending_newlines = 0;
    pending_space = false;
    // Cutting before a whole character keeps the UTF-8 valid; `saw` is
    // already set, so nothing past the cut matters.
    if (out.size() + sep.size() + bytes.size() > limit) break;
    out.append(sep);
    out.append(bytes);
  }
  if (saw_text != nullptr) *saw_text = saw;
  return out;
}

// The document information fields are one line in the Info.
std::string InfoField(const poppler::ustring& value) {
  constexpr std::int64_t kMaxInfoBytes = 1000;
  return Normalize(ToUtf8(value), kMaxInfoBytes, /*single_line=*/true, nullptr);
}

Result<Info> Extract(const std::string& path, const Limits& limits,
                     const std::function<Status(int page, std::string_view text)>& on_page) {
  WM_RETURN_IF_ERROR(CheckSignature(path));
  RoutePopplerMessagesOnce();

  Document doc;  // before the lock: see DocumentDeleter
  Info info;
  {
    const std::lock_guard<std::mutex> lock(g_poppler_mutex);
    t_first_message.clear();
    // From the path: poppler reads the file as it needs it, so the document's
    // bytes are never all in memory at once.
    doc.reset(poppler::document::load_from_file(path));
    if (!doc) {
      std::string why = t_first_message.empty() ? "poppler cannot open it" : t_first_message;
      return Status::InvalidArgument("the PDF is damaged: " + why);
    }
    if (doc->is_locked()) return Status::InvalidArgument("the PDF is encrypted");
    info.page_count = doc->pages();
    info.title = InfoField(doc->get_title());
    info.author = InfoField(doc->get_author());
  }
  if (info.page_count > limits.max_pages) {
    return Status::PayloadTooLarge("the PDF has " + std::to_string(info.page_count) + " pages, more than " +
                                   std::to_string(limits.max_pages));
  }

  for (int index = 0; index < info.page_count; ++index) {
    std::string raw;
    {
      const std::lock_guard<std::mutex> lock(g_poppler_mutex);
      const std::unique_ptr<poppler::page> page(doc->create_page(index));
      // A page poppler cannot parse stays empty rather than losing the rest.
      if (page) {
        // The reading-order layout (pdftotext's default): lines of a column
        // stay together, where the physical layout would pad with spaces and
        // interleave the lines of side-by-side columns.
        raw = ToUtf8(page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout));
      }
    }
    bool saw_text = false;
    std::string text = Normalize(raw, limits.max_text_bytes_per_page, /*single_line=*/false, &saw_text);
    raw = std::string();  // the page's raw text can be large; free it before the callback
    info.has_text = info.has_text || saw_text;
    info.text_bytes += static_cast<std::int64_t>(text.size());
    WM_RETURN_IF_ERROR(on_page(index + 1, text));
  }
  return info;
}

}  // namespace

std::string NormalizePageText(std::string_view text, std::int64_t max_bytes, bool* saw_text) {
  return Normalize(text, max_bytes, /*single_line=*/false, saw_text);
}

Result<Info> ExtractText(const std::string& path, const Limits& limits,
                         const std::function<Status(int page, std::string_view text)>& on_page) {
  // Poppler and the callback may throw (std::bad_alloc at least); a failed
  // extraction is a value here, never an exception through the worker.
  try {
    return Extract(path, limits, on_page);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("PDF text extraction failed: ") + e.what());
  }
}

}  // namespace waymark::pdf
