// Markdown for campaign bodies and posts: cmark-gfm with the GitHub
// extensions (autolink, strikethrough, table, tagfilter) in safe mode, so raw
// HTML is dropped and javascript:/vbscript:/file:/data: links are emptied.
#pragma once

#include <string>
#include <string_view>

namespace waymark::text {

// Markdown -> HTML safe to put in a page as it is.
std::string RenderMarkdown(std::string_view md);

// Markdown -> the words a reader sees, for indexing and snippets: no markup,
// no raw HTML; blocks end with a newline, table cells are separated by spaces.
std::string MarkdownToPlainText(std::string_view md);

}  // namespace waymark::text
