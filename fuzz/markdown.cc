// Markdown from campaign bodies and discussion posts: RenderMarkdown (safe
// mode: no raw HTML, no script links) and MarkdownToPlainText.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "text/markdown.h"

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view md(reinterpret_cast<const char*>(data), size);
  std::string html = Lower(waymark::text::RenderMarkdown(md));
  // Safe mode: what a writer types never becomes markup that runs.
  if (html.find("<script") != std::string::npos) std::abort();
  if (html.find("<iframe") != std::string::npos) std::abort();
  if (html.find("href=\"javascript:") != std::string::npos) std::abort();
  if (html.find("src=\"javascript:") != std::string::npos) std::abort();
  (void)waymark::text::MarkdownToPlainText(md);
  return 0;
}
