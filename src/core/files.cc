// Uploaded files: what their bytes are, and names safe to keep.
#include "core/files.h"

#include "core/strings.h"

namespace waymark {
namespace {

constexpr std::size_t kMaxFilename = 120;

bool HasPrefix(const std::string& bytes, std::string_view magic, std::size_t at = 0) {
  return bytes.size() >= at + magic.size() && std::string_view(bytes).substr(at, magic.size()) == magic;
}

}  // namespace

std::string SniffMediaType(const std::string& bytes) {
  using namespace std::string_view_literals;
  if (HasPrefix(bytes, "\x89PNG\r\n\x1a\n"sv)) return "image/png";
  if (HasPrefix(bytes, "\xff\xd8\xff"sv)) return "image/jpeg";
  if (HasPrefix(bytes, "GIF87a"sv) || HasPrefix(bytes, "GIF89a"sv)) return "image/gif";
  if (HasPrefix(bytes, "RIFF"sv) && HasPrefix(bytes, "WEBP"sv, 8)) return "image/webp";
  if (HasPrefix(bytes, "%PDF-"sv)) return "application/pdf";
  return "";
}

std::string SanitizeFilename(std::string_view name) {
  std::size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  // Invalid UTF-8 becomes '?'; then control characters go.
  std::string valid = SanitizeUtf8(name, name.size());
  std::string clean;
  for (char ch : valid) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f) continue;
    clean.push_back(ch);
  }
  std::string out(TrimAscii(clean));
  // Leading dots would make a hidden file of it wherever it is saved.
  while (!out.empty() && out.front() == '.') out.erase(0, 1);
  if (Utf8Length(out) > kMaxFilename) {
    // Keep the extension: cut the stem so the whole is kMaxFilename characters.
    std::size_t dot = out.rfind('.');
    std::string ext = dot != std::string::npos && out.size() - dot <= 10 ? out.substr(dot) : "";
    std::string stem = out.substr(0, out.size() - ext.size());
    std::size_t keep_bytes = 0;
    std::size_t chars = 0;
    while (keep_bytes < stem.size() && chars < kMaxFilename - Utf8Length(ext)) {
      ++keep_bytes;
      while (keep_bytes < stem.size() && (static_cast<unsigned char>(stem[keep_bytes]) & 0xC0) == 0x80)
        ++keep_bytes;
      ++chars;
    }
    out = std::string(TrimAscii(stem.substr(0, keep_bytes))) + ext;
  }
  if (out.empty()) return "file";
  return out;
}

}  // namespace waymark
