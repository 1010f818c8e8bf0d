#include "text/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

namespace waymark::text {
namespace {

// CMARK_OPT_SAFE is the default in cmark-gfm 0.29 (raw HTML becomes a comment,
// unsafe link targets become empty); it is named for clarity. Never UNSAFE.
constexpr int kOptions = CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8;
constexpr const char* kExtensions[] = {"autolink", "strikethrough", "table", "tagfilter"};

void EnsureRegistered() {
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
using ParserPtr = std::unique_ptr<cmark_parser, ParserDeleter>;
using NodePtr = std::unique_ptr<cmark_node, NodeDeleter>;

struct Parsed {
  ParserPtr parser;
  NodePtr root;
};

Parsed Parse(std::string_view md) {
  EnsureRegistered();
  Parsed p;
  p.parser.reset(cmark_parser_new(kOptions));
  for (const char* name : kExtensions) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name)) {
      cmark_parser_attach_syntax_extension(p.parser.get(), ext);
    }
  }
  cmark_parser_feed(p.parser.get(), md.data(), md.size());
  p.root.reset(cmark_parser_finish(p.parser.get()));
  return p;
}

std::string TakeCString(char* s) {
  if (s == nullptr) return {};
  std::string out(s);
  std::free(s);  // NOLINT(cppcoreguidelines-no-malloc): cmark allocates with malloc
  return out;
}

bool IsBlock(cmark_node_type t) { return (t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK; }

}  // namespace

std::string RenderMarkdown(std::string_view md) {
  Parsed p = Parse(md);
  if (!p.root) return {};
  return TakeCString(
      cmark_render_html(p.root.get(), kOptions, cmark_parser_get_syntax_extensions(p.parser.get())));
}

std::string MarkdownToPlainText(std::string_view md) {
  Parsed p = Parse(md);
  if (!p.root) return {};
  std::string out;
  auto end_line = [&out] {
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (!out.empty() && out.back() != '\n') out += '\n';
  };
  auto space = [&out] {
    if (!out.empty() && out.back() != ' ' && out.back() != '\n') out += ' ';
  };
  cmark_iter* it = cmark_iter_new(p.root.get());
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node* node = cmark_iter_get_node(it);
    cmark_node_type type = cmark_node_get_type(node);
    const char* type_name = cmark_node_get_type_string(node);
    bool cell = type_name != nullptr && std::strcmp(type_name, "table_cell") == 0;
    if (ev == CMARK_EVENT_ENTER) {
      switch (type) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
          if (const char* lit = cmark_node_get_literal(node)) out += lit;
          break;
        case CMARK_NODE_CODE_BLOCK:
          end_line();
          if (const char* lit = cmark_node_get_literal(node)) out += lit;
          end_line();
          break;
        case CMARK_NODE_SOFTBREAK: space(); break;
        case CMARK_NODE_LINEBREAK: end_line(); break;
        default: break;  // raw HTML (inline or block) is not text: dropped
      }
    } else if (ev == CMARK_EVENT_EXIT) {
      if (cell) {
        space();
      } else if (IsBlock(type) && type != CMARK_NODE_DOCUMENT) {
        end_line();
      }
    }
  }
  cmark_iter_free(it);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace waymark::text
